// Sealed flows in Node: seal/unseal, rotation, expiry, refusals, completeAuth from a sealed string;
// interop with npm `jose` (an independent JWE implementation; the key derived with node:crypto HKDF);
// and across languages: sealed in Python, opened in Node, and the other way round.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import util from 'node:util'
import { EncryptJWT, jwtDecrypt, decodeProtectedHeader } from 'jose'
import { AuthRequest, Client, Emulator, OpenRouterPkceError, completeAuth, startAuth } from 'openrouter-pkce'
import { ROOT, rejectsWith } from './_helpers.mjs'
import { TYP, flowClaims, header, kid, sealKey as key } from './_jose.mjs'

const SECRET = 'correct horse battery staple, 32+ bytes long!'
const OTHER = 'another secret of at least thirty-two bytes'

const flow = (baseUrl) => startAuth({ callbackUrl: 'https://app.example.com/callback', keyLabel: 'My app', baseUrl })
/** The Rust/Python JSON text of a flow (`to_json()`): toDict()'s fields in snake_case. */
const jsonText = (req) =>
  JSON.stringify(Object.fromEntries(Object.entries(req.toDict()).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v])))

function throwsCode(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof OpenRouterPkceError, String(e))
    assert.equal(e.code, code, e.message)
    return true
  })
}

let emu
before(async () => {
  emu = new Emulator()
  await emu.start()
})
after(async () => {
  await emu.stop()
})

test('seal → unseal round trip; format, size, header', () => {
  const req = flow()
  const sealed = req.seal(SECRET)
  assert.equal(typeof sealed, 'string')
  assert.ok(sealed.length < 1024, `${sealed.length} characters`)
  assert.match(sealed, /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  assert.deepEqual(decodeProtectedHeader(sealed), header(SECRET))
  assert.ok(!sealed.includes(req.codeVerifier) && !sealed.includes(req.state))
  const back = AuthRequest.unseal(sealed, SECRET)
  assert.ok(back instanceof AuthRequest)
  assert.deepEqual(back.toDict(), req.toDict())
  assert.deepEqual(AuthRequest.unseal(sealed, [Buffer.from(SECRET)], { maxAgeMs: 60000 }).toDict(), req.toDict())
  assert.ok(!util.inspect(back).includes(back.codeVerifier))
})

test('rotation: the first seals, any opens; a removed secret is refused', () => {
  const req = flow()
  const old = req.seal(SECRET)
  assert.equal(AuthRequest.unseal(old, [OTHER, SECRET]).state, req.state)
  assert.equal(decodeProtectedHeader(req.seal([OTHER, SECRET])).kid, kid(OTHER))
  throwsCode(() => AuthRequest.unseal(old, OTHER), 'SEALED_FLOW_INVALID')
})

test('bad secrets are INVALID_ARGUMENT and never quoted', () => {
  for (const bad of ['', 'short', 'a'.repeat(64), [], undefined, [SECRET, 'too short']]) {
    assert.throws(() => flow().seal(bad), (e) => e.code === 'INVALID_ARGUMENT' && !e.message.includes('too short'))
  }
  throwsCode(() => flow().seal(42), 'INVALID_ARGUMENT')
})

test('tampered, truncated, huge and garbage strings are refused quickly', () => {
  const sealed = flow().seal(SECRET)
  const bad = [sealed.slice(0, -1), sealed.slice(0, 100), `${sealed}A`, '', 'x', 'x'.repeat(1 << 20), '.'.repeat(1 << 20)]
  for (let i = 0; i < sealed.length; i += 5) bad.push(sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1))
  for (const t of bad) {
    const t0 = performance.now()
    throwsCode(() => AuthRequest.unseal(t, SECRET), 'SEALED_FLOW_INVALID')
    assert.ok(performance.now() - t0 < 500)
  }
  throwsCode(() => AuthRequest.unseal(sealed, SECRET, { maxAgeMs: 0 }), 'INVALID_ARGUMENT')
})

test('jose (npm) opens what we seal', async () => {
  const req = flow()
  const { payload, protectedHeader } = await jwtDecrypt(req.seal(SECRET), key(SECRET), {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
    typ: TYP,
  })
  assert.deepEqual(protectedHeader, header(SECRET))
  assert.equal(payload.code_verifier, req.codeVerifier)
  assert.equal(payload.state, req.state)
  assert.equal(payload.url, req.url)
  assert.equal(payload.exp - payload.iat, 600)
})

async function joseSeal(req, secret, iat, extra = {}) {
  return new EncryptJWT(flowClaims(req))
    .setProtectedHeader({ ...header(secret), ...extra })
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .encrypt(key(secret))
}

test('we open what jose seals, and check its expiry and header', async () => {
  const req = flow()
  const now = Math.floor(Date.now() / 1000)
  assert.deepEqual(AuthRequest.unseal(await joseSeal(req, SECRET, now), SECRET).toDict(), req.toDict())
  throwsCode(() => AuthRequest.unseal(awaitable.expired, SECRET), 'SEALED_FLOW_EXPIRED')
  throwsCode(() => AuthRequest.unseal(awaitable.recent, SECRET, { maxAgeMs: 60000 }), 'SEALED_FLOW_EXPIRED')
  for (const h of [{ zip: 'DEF' }, { typ: 'JWT' }, { cty: 'JWT' }]) {
    throwsCode(() => AuthRequest.unseal(awaitable.headers.get(JSON.stringify(h)), SECRET), 'SEALED_FLOW_INVALID')
  }
})
// Tokens for the test above, made before it runs (jose's encrypt is async).
const awaitable = { headers: new Map() }
before(async () => {
  const req = flow()
  const now = Math.floor(Date.now() / 1000)
  awaitable.expired = await joseSeal(req, SECRET, now - 700)
  awaitable.recent = await joseSeal(req, SECRET, now - 120)
  for (const h of [{ zip: 'DEF' }, { typ: 'JWT' }, { cty: 'JWT' }]) {
    // jose refuses to encrypt with `zip` it does not implement; build that one by hand from a valid header.
    awaitable.headers.set(JSON.stringify(h), await joseSeal(req, SECRET, now, h).catch(() => forgeHeader(req, h)))
  }
})
async function forgeHeader(req, extra) {
  const { CompactEncrypt } = await import('jose')
  const now = Math.floor(Date.now() / 1000)
  const claims = { ...flowClaims(req), iat: now, exp: now + 600 }
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ ...header(SECRET), ...extra })
    .encrypt(key(SECRET))
}

test('completeAuth and Client#completeAuth take a sealed flow with {secrets}', async () => {
  const req = flow(emu.baseUrl)
  const sealed = req.seal(SECRET)
  const consent = await fetch(req.url, { redirect: 'manual' })
  const callback = consent.headers.get('location')
  const before = emu.requestCount('exchange')
  await rejectsWith(completeAuth(sealed, callback), 'INVALID_ARGUMENT')
  await rejectsWith(completeAuth(sealed, callback, { secrets: OTHER }), 'SEALED_FLOW_INVALID')
  await rejectsWith(completeAuth(sealed, callback.replace(/state=[^&]+/, 'state=x'), { secrets: SECRET, baseUrl: emu.baseUrl }), 'STATE_MISMATCH')
  assert.equal(emu.requestCount('exchange'), before)
  const key = await new Client({ baseUrl: emu.baseUrl, timeoutMs: 5000 }).completeAuth(sealed, callback, { secrets: [OTHER, SECRET] })
  assert.match(key.key, /^sk-or-v1-/)
  await rejectsWith(completeAuth(sealed, callback, { secrets: SECRET, baseUrl: emu.baseUrl, timeoutMs: 5000 }), 'INVALID_CODE')
})

test('completeAuth takes the Rust/Python JSON text of a flow without secrets (the core tells it from a sealed one)', async () => {
  const req = flow(emu.baseUrl)
  const callback = (await fetch(req.url, { redirect: 'manual' })).headers.get('location')
  const text = jsonText(req)
  const key = await completeAuth(text, callback, { baseUrl: emu.baseUrl, timeoutMs: 5000 })
  assert.match(key.key, /^sk-or-v1-/)
})

const PYTHON = process.env.PYTHON || join(ROOT, '.venv', 'bin', 'python')
const python = (code, input) => execFileSync(PYTHON, ['-c', code], { input, encoding: 'utf8', timeout: 60000 }).trim()

test('across languages: sealed in Node opens in Python, sealed in Python opens in Node', { skip: !existsSync(PYTHON) && `no ${PYTHON} (run make python-build)` }, () => {
  const req = flow()
  const opened = JSON.parse(
    python(
      `import sys, json, openrouter_pkce as o; r = o.AuthRequest.unseal(sys.stdin.read(), [${JSON.stringify(OTHER)}, ${JSON.stringify(SECRET)}]); print(json.dumps(r.to_dict()))`,
      req.seal(SECRET),
    ),
  )
  assert.equal(opened.code_verifier, req.codeVerifier)
  assert.equal(opened.state, req.state)
  assert.equal(opened.url, req.url)
  const out = JSON.parse(
    python(
      'import json, openrouter_pkce as o; r = o.start_auth("https://app.example.com/callback"); ' +
        `print(json.dumps({"sealed": r.seal(${JSON.stringify(SECRET)}), "flow": r.to_dict()}))`,
    ),
  )
  const back = AuthRequest.unseal(out.sealed, [SECRET])
  assert.equal(back.codeVerifier, out.flow.code_verifier)
  assert.equal(back.state, out.flow.state)
  throwsCode(() => AuthRequest.unseal(out.sealed, OTHER), 'SEALED_FLOW_INVALID')
})

test('the ErrorCode type of index.d.ts lists exactly the core table (tests/vectors/error_codes.json)', async () => {
  const { readFileSync } = await import('node:fs')
  const { vectors } = await import('./_helpers.mjs')
  const dts = readFileSync(join(ROOT, 'bindings-node', 'index.d.ts'), 'utf8')
  const union = /export type ErrorCode =([^;]*?)\n\n/s.exec(dts)[1]
  const declared = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
  assert.deepEqual(declared.sort(), [...vectors('error_codes').codes].sort())
})

test('with {secrets}, only a sealed flow is accepted: JSON text, objects and AuthRequests are SEALED_FLOW_INVALID and nothing is sent (issue 17 item 1)', async () => {
  const attacker = new Emulator()
  await attacker.start()
  try {
    const forged = flow(attacker.baseUrl)
    const res = await fetch(forged.url, { redirect: 'manual' })
    const callback = res.headers.get('location')
    const client = new Client({ baseUrl: emu.baseUrl })
    const sent = emu.requestCount('exchange')
    // What cookie-parser makes of a `j:{…}` cookie is a plain object: the same as toDict()'s.
    const jCookie = JSON.parse(JSON.stringify(forged.toDict()))
    for (const request of [jsonText(forged), ` ${jsonText(forged)}`, JSON.stringify(jCookie), jCookie, forged, {}, null, 42]) {
      for (const call of [completeAuth(request, callback, { secrets: SECRET }), client.completeAuth(request, callback, { secrets: [SECRET] })]) {
        const e = await call.then(() => assert.fail('accepted'), (e) => e)
        assert.ok(e instanceof OpenRouterPkceError)
        assert.equal(e.code, 'SEALED_FLOW_INVALID', `${typeof request}: ${e.message}`)
        assert.ok(!e.message.includes(forged.codeVerifier))
      }
    }
    assert.equal(attacker.requestCount('exchange'), 0)
    assert.equal(emu.requestCount('exchange'), sent)
  } finally {
    await attacker.stop()
  }
})

test('a stored flow never chooses the host, and expires 10 minutes after it started (the stored-flow rule)', async () => {
  const attacker = new Emulator()
  await attacker.start()
  try {
    const foreign = flow(attacker.baseUrl)
    const callback = (await fetch(foreign.url, { redirect: 'manual' })).headers.get('location')
    const client = new Client({ baseUrl: emu.baseUrl })
    const sent = emu.requestCount('exchange')
    for (const [request, secrets] of [[foreign.toDict(), undefined], [jsonText(foreign), undefined], [foreign.seal(SECRET), SECRET]]) {
      const e = await client.completeAuth(request, callback, { secrets }).then(() => assert.fail('accepted'), (e) => e)
      assert.equal(e.code, 'INVALID_ARGUMENT')
      assert.match(e.message, /never chooses the host/)
    }
    assert.equal(attacker.requestCount('exchange'), 0)
    // The flow as start_auth made it (a live object) still finishes where it started.
    assert.ok((await client.completeAuth(foreign, callback)).key.startsWith('sk-or-v1-'))
    assert.equal(attacker.requestCount('exchange'), 1)

    const mine = flow(emu.baseUrl)
    const mineCallback = (await fetch(mine.url, { redirect: 'manual' })).headers.get('location')
    const old = { ...mine.toDict(), createdAt: Math.floor(Date.now() / 1000) - 601 }
    await rejectsWith(client.completeAuth(old, mineCallback), 'SEALED_FLOW_EXPIRED')
    assert.equal(emu.requestCount('exchange'), sent)
    assert.ok((await client.completeAuth(mine.toDict(), mineCallback)).key.startsWith('sk-or-v1-'))
  } finally {
    await attacker.stop()
  }
})

test('what other JOSE code may write opens: jti and nbf claims, typ with application/ or in another case (issue 17 item 13)', async () => {
  const req = flow()
  const now = Math.floor(Date.now() / 1000)
  const tokens = [
    await new EncryptJWT(flowClaims(req)).setProtectedHeader(header(SECRET)).setIssuedAt(now).setExpirationTime(now + 600).setJti('6a1f').setNotBefore(now - 5).encrypt(key(SECRET)),
    await joseSeal(req, SECRET, now, { typ: `application/${TYP}` }),
    await joseSeal(req, SECRET, now, { typ: TYP.toUpperCase() }),
  ]
  for (const t of tokens) assert.deepEqual(AuthRequest.unseal(t, SECRET).toDict(), req.toDict())
  const early = await new EncryptJWT(flowClaims(req)).setProtectedHeader(header(SECRET)).setIssuedAt(now).setExpirationTime(now + 600).setNotBefore(now + 300).encrypt(key(SECRET))
  assert.throws(() => AuthRequest.unseal(early, SECRET), (e) => e.code === 'SEALED_FLOW_INVALID' && /not valid yet/.test(e.message))
})

test('seal refuses a flow too large for a cookie; unseal opens whatever seal makes (issue 17 item 8)', () => {
  const big = startAuth({ callbackUrl: `https://app.example/${'%41'.repeat(676)}`, keyLabel: 'é'.repeat(256) })
  assert.throws(() => big.seal(SECRET), (e) => e.code === 'INVALID_ARGUMENT' && /a browser keeps in one cookie/.test(e.message))
  for (const n of [1, 100, 400]) {
    const req = startAuth({ callbackUrl: `https://app.example/${'p'.repeat(n)}`, keyLabel: 'l'.repeat(Math.min(n, 256)) })
    const sealed = req.seal(SECRET)
    assert.ok(sealed.length <= 4000)
    assert.deepEqual(AuthRequest.unseal(sealed, SECRET).toDict(), req.toDict())
  }
})
