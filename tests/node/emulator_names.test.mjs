// The emulator's names and its browser-playing approve come from the core (issue 18 item 3): the
// FaultEndpoint / FaultKind unions of index.d.ts match the core's lists, and approve() is the core's.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { ROOT } from './_helpers.mjs'

const require = createRequire(import.meta.url)
const orp = require('openrouter-pkce')
const native = require(join(ROOT, 'bindings-node', 'native.js'))
const indexDts = readFileSync(join(ROOT, 'bindings-node', 'index.d.ts'), 'utf8')

/** The members of `export type Name = 'a' | 'b'` in index.d.ts. */
const union = (name) =>
  [...new RegExp(`export type ${name} = ([^\\n]+)`).exec(indexDts)[1].matchAll(/'([^']+)'/g)].map((m) => m[1])

test('the FaultEndpoint and FaultKind unions are the core names, as JavaScript spells them', () => {
  const { endpoints, kinds } = native._emulatorNames()
  assert.deepEqual(union('FaultEndpoint'), endpoints)
  assert.deepEqual(union('FaultKind'), kinds)
})

test('approve plays the browser; a name outside the core list is INVALID_ARGUMENT listing them', async () => {
  const emu = new orp.Emulator()
  await emu.start()
  try {
    const req = orp.startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
    const callback = emu.approve(req.url)
    assert.match(callback, /^http:\/\/localhost:3000\/cb\?code=/)
    assert.ok((await orp.completeAuth(req, callback)).key.startsWith('sk-or-v1-'))
    assert.throws(() => emu.approve('http://127.0.0.1:1/auth'), { code: 'INVALID_ARGUMENT' })
    emu.setAutoApprove(false)
    assert.throws(() => emu.approve(req.url), { code: 'INVALID_ARGUMENT', message: /auto-approve is off/ })
    assert.throws(() => emu.requestCount('key_info'), { message: /"exchange", "keyInfo" or "createAuthCode"/ })
    assert.throws(() => emu.injectFault({ kind: 'huge_body' }), { message: /"hugeBody"/ })
    emu.injectFault({ delayMs: 1 })
  } finally {
    await emu.stop()
  }
})
