// The shared vectors (tests/vectors/, the files the Rust, Python and native Node suites read), asserted by the
// WebAssembly build: the same results and error codes as the native package.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import * as wasm from 'openrouter-pkce/wasm'
import { Emulator } from 'openrouter-pkce'
import { ROOT, vectors, rejectsWith } from './_helpers.mjs'

const { authUrl, createChallenge, createVerifier, generatePkce, verifyChallenge, Client } = wasm
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]))

test('pkce vectors', async () => {
  const v = vectors('pkce')
  const rfc = v.rfc7636
  assert.equal(createChallenge(rfc.code_verifier, rfc.method), rfc.code_challenge)
  assert.equal(verifyChallenge(rfc.code_verifier, rfc.code_challenge, rfc.method), true)
  for (const p of v.pairs) {
    assert.equal(createChallenge(p.code_verifier, p.method), p.code_challenge)
    assert.equal(verifyChallenge(p.code_verifier, p.code_challenge, p.method), true)
    const other = p.code_challenge.slice(0, -1) + (p.code_challenge.endsWith('A') ? 'B' : 'A')
    assert.equal(verifyChallenge(p.code_verifier, other, p.method), false)
  }
  for (const bad of v.invalid_verifiers) {
    await rejectsWith(() => createChallenge(bad.code_verifier), bad.error)
    await rejectsWith(() => verifyChallenge(bad.code_verifier, 'x'), bad.error)
  }
  for (const bad of v.invalid_methods) {
    await rejectsWith(() => createChallenge(rfc.code_verifier, bad.method), bad.error)
    await rejectsWith(() => generatePkce({ method: bad.method }), bad.error)
  }
  for (const bad of v.invalid_lengths) {
    await rejectsWith(() => createVerifier(bad.length), bad.error)
    await rejectsWith(() => generatePkce({ length: bad.length }), bad.error)
  }
  for (const n of v.valid_lengths) {
    const verifier = createVerifier(n)
    assert.equal(verifier.length, n)
    assert.match(verifier, /^[A-Za-z0-9._~-]+$/)
    const p = generatePkce({ length: n })
    assert.equal(p.codeVerifier.length, n)
    assert.equal(createChallenge(p.codeVerifier), p.codeChallenge)
  }
})

test('generatePkce default: 43 + 43 characters, S256, valid and distinct; synchronous', () => {
  const seen = new Set()
  for (let i = 0; i < 2000; i++) {
    const p = generatePkce()
    assert.equal(p.codeVerifier.length, 43)
    assert.equal(p.codeChallengeMethod, 'S256')
    assert.equal(createChallenge(p.codeVerifier, 'S256'), p.codeChallenge)
    assert.ok(!seen.has(p.codeVerifier))
    seen.add(p.codeVerifier)
  }
  const plain = generatePkce({ method: 'plain' })
  assert.equal(plain.codeChallenge, plain.codeVerifier)
  assert.ok(!JSON.stringify(plain).includes(plain.codeVerifier))
})

test('callback url vectors', async () => {
  const v = vectors('callback_urls')
  const ch = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
  for (const cb of v.accepted) {
    const url = new URL(authUrl({ callbackUrl: cb, codeChallenge: ch }))
    assert.equal(url.searchParams.get('callback_url'), cb)
    assert.deepEqual(url.searchParams.getAll('code_challenge'), [ch])
    assert.deepEqual(url.searchParams.getAll('code_challenge_method'), ['S256'])
  }
  for (const r of v.refused) await rejectsWith(() => authUrl({ callbackUrl: r.url, codeChallenge: ch }), r.error)
})

test('auth url vectors', async () => {
  for (const c of vectors('auth_urls').cases) {
    const opts = camelKeys(c.input)
    if (c.error) await rejectsWith(() => authUrl(opts), c.error)
    else assert.equal(authUrl(opts), c.url)
  }
})

test('error code vectors: the core table the WebAssembly build carries, in order', () => {
  const glue = createRequire(import.meta.url)(join(ROOT, 'bindings-wasm', 'pkg', 'node', 'openrouter_pkce_wasm.js'))
  assert.deepEqual(glue._errorTable().map((row) => row[0]), vectors('error_codes').codes)
})

test("option keys: the WebAssembly build checks options with the native addon's table, the core's", () => {
  const load = createRequire(import.meta.url)
  const glue = load(join(ROOT, 'bindings-wasm', 'pkg', 'node', 'openrouter_pkce_wasm.js'))
  const rows = load(join(ROOT, 'bindings-node', 'native.js'))._optionKeys()
  assert.deepEqual({ ...glue._optionKeys() }, Object.fromEntries(rows.map(([kind, ...keys]) => [kind, keys])))
  assert.ok(rows.length > 10)
})

test('argument vectors: a lone surrogate or an integer of 2**63 is INVALID_ARGUMENT naming the parameter', async () => {
  for (const c of vectors('arguments').cases) {
    const [fn, param, where] = c.node
    const value = typeof c.value === 'string' ? c.value : Number(c.value)
    const call = () => {
      if (fn === 'saveKey') return wasm.saveKey(value)
      if (where === 'options') return fn === 'exchangeCode' ? wasm.exchangeCode({ [param]: value }) : wasm[fn]({ [param]: value })
      return wasm[fn](value)
    }
    if (fn === 'saveKey') {
      // Native-only: the WebAssembly build has no key store at all.
      await rejectsWith(call, 'UNSUPPORTED_RUNTIME')
      continue
    }
    const err = await rejectsWith(call, 'INVALID_ARGUMENT')
    assert.ok(err.message.includes(param), `${fn}: ${err.message}`)
  }
})

test('http answer vectors, replayed through the (native) emulator to the WebAssembly client', async () => {
  const v = vectors('http_answers')
  const emu = new Emulator()
  await emu.start()
  try {
    const client = new Client({ baseUrl: emu.baseUrl, timeoutMs: 5000 })
    for (const a of v.exchange) {
      emu.injectFault({ endpoint: 'exchange', status: a.status, body: a.body, contentType: 'application/json' })
      const p = client.exchangeCode({ code: 'vector-code' })
      if (a.error === null) assert.ok((await p).key)
      else await rejectsWith(p, a.error)
    }
    for (const a of v.key_info) {
      emu.injectFault({ endpoint: 'keyInfo', status: a.status, body: a.body, contentType: 'application/json' })
      const p = client.keyInfo('sk-or-v1-vector')
      if (a.error === null) assert.equal(typeof (await p), 'object')
      else await rejectsWith(p, a.error)
    }
  } finally {
    await emu.stop()
  }
})
