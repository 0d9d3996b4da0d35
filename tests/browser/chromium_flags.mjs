// The Chromium flags this machine needs, for every test and benchmark that launches Debian's Chromium through
// playwright-core: root (no sandbox), no GPU, and no background traffic to Google's hosts, which a closed
// network refuses. Playwright adds --headless itself.
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-proxy-server',
]
