// One-click login in Node, against the in-process emulator instead of openrouter.ai.
// Run: `make node-demo` (it sets BROWSER to a fake browser that approves and follows the redirect).
// Without BROWSER your real browser opens the emulator's page, which approves at once.
import { Emulator, login, keyInfo } from 'openrouter-pkce';

const emu = new Emulator();
await emu.start();
try {
  // Opens the browser, waits for the redirect on a loopback port, exchanges the code.
  const key = await login({ baseUrl: emu.baseUrl, keyLabel: 'demo' });
  console.log('got the key', String(key)); // masked: the secret is only in key.key
  const info = await keyInfo(key.key, { baseUrl: emu.baseUrl });
  console.log('key info:', { label: info.label, limit: info.limit, usage: info.usage });
  console.log('manage or revoke it at', key.settingsUrl);
} finally {
  await emu.stop();
}
