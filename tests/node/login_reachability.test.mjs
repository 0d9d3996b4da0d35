// Issue 20: a login whose base URL nobody answers at (a typo, a stopped emulator) rejects with NETWORK naming
// the host within seconds, before any URL is shown. Before, it showed a dead page's URL and waited the whole
// timeout, ending in CALLBACK_TIMEOUT.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { login } from 'openrouter-pkce'
import { rejectsWith } from './_helpers.mjs'

async function closedPort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

for (const mode of ['loopback', 'headless']) {
  test(`an unreachable base URL fails fast naming the host (${mode})`, async () => {
    const port = await closedPort()
    const shown = []
    const started = Date.now()
    const e = await rejectsWith(
      login({ mode, openBrowser: false, timeoutMs: 60_000, baseUrl: `http://127.0.0.1:${port}`, onUrl: (u) => shown.push(u) }),
      'NETWORK',
    )
    assert.match(e.message, new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}`))
    assert.deepEqual(shown, [], 'no URL of a dead page is shown')
    assert.ok(Date.now() - started < 15_000)
  })
}
