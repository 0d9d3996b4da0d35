// The WebAssembly build's network calls through Node's global fetch against the native emulator on loopback:
// every flow, and every error the exchange and key info can end in, with the native package's codes and the
// core's exactly-once rule. Never contacts openrouter.ai.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import util from 'node:util'
import { Emulator } from 'openrouter-pkce'
import {
  AuthRequest, ApiKey, AuthCode, Client, OpenRouterPkceError, completeAuth, createAuthCode, exchangeCode, generatePkce,
  keyInfo, startAuth,
} from 'openrouter-pkce/wasm'
import { rejectsWith } from './_helpers.mjs'
import { answerTests } from '../node/_answers.mjs'

let emu
let client
before(async () => {
  emu = new Emulator()
  await emu.start()
  client = new Client({ baseUrl: emu.baseUrl, timeoutMs: 5000 })
})
after(async () => {
  await emu.stop()
})

function flow(method = 'S256') {
  const p = generatePkce({ method })
  return { p, code: emu.issueCode({ codeChallenge: p.codeChallenge, method, keyLabel: 'wasm test' }) }
}

test('exchangeCode and keyInfo: module functions and Client methods; the key prints masked', async () => {
  const { p, code } = flow()
  const key = await exchangeCode({ code, codeVerifier: p.codeVerifier, baseUrl: emu.baseUrl })
  assert.ok(key instanceof ApiKey)
  assert.match(key.key, /^sk-or-v1-/)
  for (const shown of [String(key), JSON.stringify(key), util.inspect(key), `${key}`]) {
    assert.ok(!shown.includes(key.key), shown)
    assert.ok(shown.includes(key.masked), shown)
  }
  assert.match(key.settingsUrl, /^https:\/\/openrouter\.ai\/keys\/[0-9a-f]{64}$/)
  // An ApiKey is asked of the server that minted it (the module's default client is openrouter.ai).
  const info = await keyInfo(key)
  assert.equal(info.label, 'wasm test')
  assert.equal(info.limit, null)
  for (const f of ['label', 'limit', 'limitRemaining', 'usage', 'isFreeTier', 'expiresAt', 'limitUsed']) assert.ok(f in info, f)
  assert.equal((await client.keyInfo(key.key)).label, 'wasm test')
  const plain = flow('plain')
  assert.ok((await client.exchangeCode({ code: plain.code, codeVerifier: plain.p.codeVerifier, codeChallengeMethod: 'plain' })).key)
})

test("the guide's browser flow: startAuth, toDict through storage, completeAuth with the callback URL", async () => {
  const started = startAuth({ callbackUrl: 'http://localhost:5173/callback', keyLabel: 'My app', baseUrl: emu.baseUrl })
  assert.ok(!JSON.stringify(started).includes(started.codeVerifier) && !util.inspect(started).includes(started.codeVerifier))
  const stored = JSON.stringify(started.toDict())
  const code = emu.issueCode({ codeChallenge: started.codeChallenge, method: 'S256', keyLabel: 'My app' })
  const back = `http://localhost:5173/callback?code=${code}&state=${started.state}`
  const key = await client.completeAuth(AuthRequest.fromJSON(JSON.parse(stored)), back)
  assert.match(key.key, /^sk-or-v1-/)
  // A stored flow is finished at the client's base URL and must name the same one.
  const other = new Client({ baseUrl: 'http://127.0.0.1:1' })
  await rejectsWith(other.completeAuth(JSON.parse(stored), back), 'INVALID_ARGUMENT')
  // The flow made here (not read back) goes to its own base URL, with the module function.
  const fresh = startAuth({ callbackUrl: 'http://localhost:5173/callback', baseUrl: emu.baseUrl })
  const c2 = emu.issueCode({ codeChallenge: fresh.codeChallenge, method: 'S256' })
  assert.ok((await completeAuth(fresh, `/callback?code=${c2}&state=${fresh.state}`)).key)
  await rejectsWith(completeAuth(fresh, `/callback?code=${c2}&state=wrong`), 'STATE_MISMATCH')
  await rejectsWith(completeAuth(fresh, `/callback?error=access_denied&state=${fresh.state}`), 'ACCESS_DENIED')
})

test('a sealed flow: sealed and finished in the WebAssembly build, with {secrets}', async () => {
  const secrets = ['8Jw1xQ7pV2mZr5Ty0Lb4Nc9Hd3Kf6GsQ', 'old-secret-that-still-opens-flows-x1']
  const started = startAuth({ callbackUrl: 'https://app.example/cb', baseUrl: emu.baseUrl })
  const sealed = started.seal(secrets)
  assert.ok(!sealed.includes(started.codeVerifier))
  const code = emu.issueCode({ codeChallenge: started.codeChallenge, method: 'S256' })
  const key = await client.completeAuth(sealed, `https://app.example/cb?code=${code}&state=${started.state}`, { secrets })
  assert.match(key.key, /^sk-or-v1-/)
  // With secrets, only a sealed string is accepted (a visitor must not supply a flow of their own).
  await rejectsWith(client.completeAuth(started.toDict(), 'x', { secrets }), 'SEALED_FLOW_INVALID')
  await rejectsWith(client.completeAuth(started, 'x', { secrets }), 'SEALED_FLOW_INVALID')
  await rejectsWith(() => AuthRequest.unseal(sealed.slice(0, -3) + 'AAA', secrets), 'SEALED_FLOW_INVALID')
})

test('createAuthCode, then its code exchanged', async () => {
  const owner = await client.exchangeCode((() => { const f = flow(); return { code: f.code, codeVerifier: f.p.codeVerifier } })())
  const p = generatePkce()
  const made = await client.createAuthCode(owner, {
    callbackUrl: 'https://app.example/cb', codeChallenge: p.codeChallenge, expiresAt: new Date(Date.now() + 3_600_000),
    keyLabel: 'minted', usageLimitType: 'monthly', limit: 5,
  })
  assert.ok(made instanceof AuthCode)
  assert.ok(!JSON.stringify(made).includes(made.id) && !util.inspect(made).includes(made.id))
  const minted = await client.exchangeCode({ code: made.id, codeVerifier: p.codeVerifier })
  assert.match(minted.key, /^sk-or-v1-/)
  await rejectsWith(createAuthCode(owner.key, { callbackUrl: 'ftp://x', baseUrl: emu.baseUrl }), 'INVALID_CALLBACK_URL')
})

test('attribution headers reach the server; unknown options are refused with the core sentence', async () => {
  const c = new Client({ baseUrl: emu.baseUrl, httpReferer: 'https://app.example', appTitle: 'My app', appCategories: ['cli-agent'] })
  const { p, code } = flow()
  await c.exchangeCode({ code, codeVerifier: p.codeVerifier })
  const seen = emu.lastAttribution('exchange')
  assert.equal(seen.httpReferer, 'https://app.example')
  assert.equal(seen.xOpenRouterTitle, 'My app')
  assert.equal(seen.xOpenRouterCategories, 'cli-agent')
  const err = await rejectsWith(c.exchangeCode({ code: 'c', timeout: 5 }), 'INVALID_ARGUMENT')
  assert.equal(err.message, 'invalid argument: exchangeCode() has no option `timeout`; did you mean `timeoutMs`?')
  await rejectsWith(() => new Client({ baseUrl: 'http://example.com' }), 'INVALID_ARGUMENT')
  await rejectsWith(() => new Client({ appCategories: ['nope'] }), 'INVALID_ARGUMENT')
})

const statusCases = [
  [400, 'INVALID_CODE_CHALLENGE_METHOD'],
  [403, 'INVALID_CODE'],
  [405, 'METHOD_NOT_ALLOWED'],
  [429, 'RATE_LIMITED'],
  [500, 'SERVER_ERROR'],
  [502, 'SERVER_ERROR'],
  [503, 'SERVER_ERROR'],
  [418, 'UNEXPECTED_STATUS'],
]
for (const [status, code] of statusCases) {
  test(`${code} (${status}) is sent exactly once`, async () => {
    const before = emu.requestCount('exchange')
    emu.injectFault({ status, body: '{"error":{"code":1,"message":"x"}}' })
    await rejectsWith(client.exchangeCode({ code: 'c' }), code, status)
    assert.equal(emu.requestCount('exchange') - before, 1)
  })
}

test('CODE_EXPIRED (403 "expired")', async () => {
  emu.injectFault({ status: 403, body: '{"error":{"code":403,"message":"Authorization code expired"}}' })
  await rejectsWith(client.exchangeCode({ code: 'c' }), 'CODE_EXPIRED', 403)
})

test("the core's retry policy through fetch: a 429 with a short Retry-After is waited out once", async () => {
  let calls = 0
  const c = new Client({
    baseUrl: emu.baseUrl,
    fetch: (url, init) => {
      calls += 1
      if (calls === 1) return Promise.resolve(new Response('{}', { status: 429, headers: { 'Retry-After': '1' } }))
      return fetch(url, init)
    },
  })
  const { p, code } = flow()
  const t0 = Date.now()
  assert.match((await c.exchangeCode({ code, codeVerifier: p.codeVerifier })).key, /^sk-or-v1-/)
  assert.equal(calls, 2)
  assert.ok(Date.now() - t0 >= 900)
})

test('exactly once: a fetch failure that may have reached the server is never resent for the exchange', async () => {
  const counting = (cause) => {
    const c = { calls: 0 }
    c.client = new Client({
      baseUrl: emu.baseUrl,
      fetch: async () => {
        c.calls += 1
        const e = new TypeError('fetch failed')
        if (cause) e.cause = Object.assign(new Error(cause), { code: cause })
        throw e
      },
    })
    return c
  }
  // No proof the request never left (a browser's "Failed to fetch", a reset): the exchange is sent once,
  // key info (idempotent) once more.
  const reset = counting('ECONNRESET')
  await rejectsWith(reset.client.exchangeCode({ code: 'c' }), 'NETWORK')
  assert.equal(reset.calls, 1)
  const browser = counting(null)
  await rejectsWith(browser.client.keyInfo('sk-or-v1-abc'), 'NETWORK')
  assert.equal(browser.calls, 2)
  // A refused connection provably never left: resent (at most twice), the exchange too.
  const refused = counting('ECONNREFUSED')
  await rejectsWith(refused.client.exchangeCode({ code: 'c' }), 'NETWORK')
  assert.equal(refused.calls, 3)
})

answerTests(() => ({ emu, client }), { rejectsWith })

test('MALFORMED_RESPONSE for a body over 64 KiB (reading stops at the cap)', async () => {
  emu.injectFault({ kind: 'hugeBody' })
  await rejectsWith(client.exchangeCode({ code: 'c' }), 'MALFORMED_RESPONSE')
})

test('TIMEOUT via a delay and a small timeoutMs; sent once', async () => {
  const before = emu.requestCount('exchange')
  emu.injectFault({ delayMs: 2000 })
  const t0 = Date.now()
  await rejectsWith(client.exchangeCode({ code: 'c', timeoutMs: 200 }), 'TIMEOUT')
  assert.ok(Date.now() - t0 < 1500)
  assert.equal(emu.requestCount('exchange') - before, 1)
})

test('TIMEOUT for a hanging server, and for key info', async () => {
  emu.injectFault({ kind: 'hang' })
  await rejectsWith(client.exchangeCode({ code: 'c', timeoutMs: 200 }), 'TIMEOUT')
  emu.injectFault({ endpoint: 'keyInfo', kind: 'hang' })
  await rejectsWith(client.keyInfo('sk-or-v1-abc', { timeoutMs: 200 }), 'TIMEOUT')
})

test('CANCELLED by an AbortSignal: before the call (nothing sent) and during it (at once)', async () => {
  const before = emu.requestCount('exchange')
  await rejectsWith(client.exchangeCode({ code: 'c', signal: AbortSignal.abort() }), 'CANCELLED')
  assert.equal(emu.requestCount('exchange'), before)
  emu.injectFault({ kind: 'hang' })
  const controller = new AbortController()
  const t0 = Date.now()
  const pending = client.exchangeCode({ code: 'c', signal: controller.signal })
  setTimeout(() => controller.abort(), 100)
  await rejectsWith(pending, 'CANCELLED')
  assert.ok(Date.now() - t0 < 2000)
  await rejectsWith(client.keyInfo('sk-or-v1-abc', { signal: 'nope' }), 'INVALID_ARGUMENT')
})

test('NETWORK via a closed port', async () => {
  const server = net.createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address()
  await new Promise((r) => server.close(r))
  const closed = new Client({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000 })
  await rejectsWith(closed.exchangeCode({ code: 'c' }), 'NETWORK')
  await rejectsWith(closed.keyInfo('sk-or-v1-abc'), 'NETWORK')
})

test('UNAUTHORIZED (401) from key info; a malformed key is refused before anything is sent', async () => {
  await rejectsWith(client.keyInfo('sk-or-v1-not-a-key-the-emulator-knows'), 'UNAUTHORIZED', 401)
  const before = emu.requestCount('keyInfo')
  await rejectsWith(client.keyInfo('bad key'), 'INVALID_ARGUMENT')
  await rejectsWith(client.keyInfo(42), 'INVALID_ARGUMENT')
  assert.equal(emu.requestCount('keyInfo'), before)
})

test('new Client({fetch}) sends through the given fetch, with redirect: manual and the built request', async () => {
  const seen = []
  const c = new Client({
    baseUrl: emu.baseUrl,
    fetch: (url, init) => {
      seen.push({ url, method: init.method, redirect: init.redirect, headers: Object.fromEntries(init.headers) })
      return fetch(url, init)
    },
  })
  const { p, code } = flow()
  assert.ok((await c.exchangeCode({ code, codeVerifier: p.codeVerifier })).key)
  assert.equal(seen.length, 1)
  assert.equal(seen[0].url, `${emu.baseUrl}/api/v1/auth/keys`)
  assert.equal(seen[0].method, 'POST')
  assert.equal(seen[0].redirect, 'manual')
  assert.match(seen[0].headers['User-Agent'], /^openrouter-pkce\//)
  await rejectsWith(() => new Client({ fetch: 'nope' }), 'INVALID_ARGUMENT')
  // In a page the browser owns User-Agent: it is not set (nor added to a CORS preflight).
  globalThis.document = {}
  try {
    const again = flow()
    assert.ok((await c.exchangeCode({ code: again.code, codeVerifier: again.p.codeVerifier })).key)
    assert.equal(seen[1].headers['User-Agent'], undefined)
    assert.equal(seen[1].headers['Content-Type'], 'application/json')
  } finally {
    delete globalThis.document
  }
  // A fetch that fails is the core's NETWORK, its text never the error's message.
  const failing = new Client({ baseUrl: emu.baseUrl, fetch: async () => { throw new TypeError('secret sk-or-v1-zzz') } })
  const err = await rejectsWith(failing.keyInfo('sk-or-v1-abc'), 'NETWORK')
  assert.ok(!err.message.includes('sk-or-v1'), err.message)
})

test('native-only parts throw UNSUPPORTED_RUNTIME naming the runtime', async () => {
  const wasm = await import('openrouter-pkce/wasm')
  for (const fn of [wasm.loadKey, wasm.saveKey, wasm.logout, wasm.keyPath]) {
    const err = await rejectsWith(() => fn('sk-or-v1-abc'), 'UNSUPPORTED_RUNTIME')
    assert.match(err.message, /Node\.js without the native addon/)
  }
  await rejectsWith(wasm.login(), 'UNSUPPORTED_RUNTIME')
  await rejectsWith(client.login(), 'UNSUPPORTED_RUNTIME')
  await rejectsWith(() => new wasm.Emulator(), 'UNSUPPORTED_RUNTIME')
  assert.ok(new OpenRouterPkceError('X', 'y') instanceof Error)
})

test('a runtime without a global fetch: UNSUPPORTED_RUNTIME saying to pass one, nothing sent', async () => {
  const saved = globalThis.fetch
  globalThis.fetch = undefined
  try {
    const err = await rejectsWith(new Client({ baseUrl: emu.baseUrl }).keyInfo('sk-or-v1-abc'), 'UNSUPPORTED_RUNTIME')
    assert.match(err.message, /^fetch\(\) is not available in Node\.js without the native addon .*new Client\(\{fetch\}\)/)
    assert.ok(!/loopback port/.test(err.message), err.message)
  } finally {
    globalThis.fetch = saved
  }
})
