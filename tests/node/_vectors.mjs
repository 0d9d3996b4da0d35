// The shared vectors (tests/vectors/, the files the Rust and Python suites read) as node:test tests over one
// build of the package: the native addon (tests/node/vectors.test.mjs) and the WebAssembly build
// (tests/wasm/vectors.test.mjs) register the same tests, so the two cannot drift apart. Not a test file itself.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { vectors } from './_helpers.mjs'

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]))

/**
 * Register the vector tests for `api` (the package's exports in one build). `rejectsWith` asserts that build's
 * error class; `Emulator` is the native one (the WebAssembly build has none), `label` names the build.
 */
export function vectorTests(api, { rejectsWith, Emulator, label }) {
  const { authUrl, createChallenge, createVerifier, generatePkce, verifyChallenge, Client } = api

  test(`pkce vectors (${label})`, async () => {
    const v = vectors('pkce')
    const rfc = v.rfc7636
    assert.equal(Buffer.from(rfc.octets).toString('base64url'), rfc.code_verifier)
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

  test(`generatePkce default: 43 + 43 characters, S256, valid and distinct, synchronous (${label})`, () => {
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

  test(`callback url vectors (${label})`, async () => {
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

  test(`auth url vectors (${label})`, async () => {
    for (const c of vectors('auth_urls').cases) {
      const opts = camelKeys(c.input)
      if (c.error) await rejectsWith(() => authUrl(opts), c.error)
      else assert.equal(authUrl(opts), c.url)
    }
  })

  test(`http answer vectors, replayed through the (native) emulator (${label})`, async () => {
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
}
