// Answers of the exchange that every build reads the same way (through the core), as node:test tests over one
// build's client: the native addon (tests/node/errors.test.mjs) and the WebAssembly build
// (tests/wasm/emulator.test.mjs) register the same ones. Not a test file itself.
import { test } from 'node:test'
import assert from 'node:assert/strict'

/**
 * Register the tests. `setup()` gives the running (native) emulator and a client of the build under test on
 * it; `rejectsWith` asserts that build's error class.
 */
export function answerTests(setup, { rejectsWith }) {
  test('UNEXPECTED_STATUS for a redirect, which is never followed', async () => {
    const { emu, client } = setup()
    const before = emu.requestCount('exchange')
    emu.injectFault({ kind: 'redirect', status: 307, location: `${emu.baseUrl}/api/v1/auth/keys` })
    await rejectsWith(client.exchangeCode({ code: 'c' }), 'UNEXPECTED_STATUS', 307)
    assert.equal(emu.requestCount('exchange') - before, 1)
  })

  for (const [what, body, contentType] of [
    ['HTML', '<html><body>OK</body></html>', 'text/html'],
    ['empty', '', 'application/json'],
    ['bad JSON', '{"key": "sk-or-v1-abc', 'application/json'],
    ['null', 'null', 'application/json'],
    ['no key', '{"user_id":"u"}', 'application/json'],
  ]) {
    test(`MALFORMED_RESPONSE for a 200 with ${what} body`, async () => {
      const { emu, client } = setup()
      emu.injectFault({ status: 200, body, contentType })
      await rejectsWith(client.exchangeCode({ code: 'c' }), 'MALFORMED_RESPONSE', 200)
    })
  }
}
