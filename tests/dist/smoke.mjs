// Smoke flow for an installed npm package (the dist checks run it with the Node under test).
// usage: node smoke.mjs [full|exchange]   (see smoke.py); prints one JSON line, throws on failure.
import { createRequire } from 'node:module'
import assert from 'node:assert/strict'

const require = createRequire(`${process.cwd()}/`)
const orp = require('openrouter-pkce')
const esm = await import('openrouter-pkce')
const mode = process.argv[2] || 'full'
const result = { node: process.version, version: orp.VERSION, sameClass: esm.Client === orp.Client }

// RFC 7636 Appendix B.
assert.equal(orp.createChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
result.vector = true
const emu = new orp.Emulator()
await emu.start()
try {
  const p = orp.generatePkce()
  const code = emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256', keyLabel: 'dist' })
  const client = new orp.Client({ baseUrl: emu.baseUrl })
  const key = await client.exchangeCode({ code, codeVerifier: p.codeVerifier })
  assert.match(String(key), /^sk-or-v1-..…/)
  result.exchange = true
  if (mode === 'full') {
    assert.equal((await client.keyInfo(key.key)).label, 'dist')
    const oneClick = await orp.login({ mode: 'loopback', baseUrl: emu.baseUrl, keyLabel: 'one-click' })
    assert.equal((await client.keyInfo(oneClick.key)).label, 'one-click')
    result.login = true
  }
} finally {
  await emu.stop()
}
console.log(JSON.stringify(result))
