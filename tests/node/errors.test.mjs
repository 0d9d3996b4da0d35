// Every error code of the contract that an exchange or key-info call can produce, against the emulator.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { AuthRequest, Client, Emulator, OpenRouterPkceError, generatePkce, exchangeCode, keyInfo, startAuth, completeAuth } from 'openrouter-pkce'
import { ROOT, rejectsWith } from './_helpers.mjs'
import { answerTests } from './_answers.mjs'

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
  const code = emu.issueCode({ codeChallenge: p.codeChallenge, method, keyLabel: 'errors test' })
  return { p, code }
}

test('success, module function and Client method', async () => {
  const { p, code } = flow()
  const key = await exchangeCode({ code, codeVerifier: p.codeVerifier, baseUrl: emu.baseUrl })
  assert.match(key.key, /^sk-or-v1-/)
  assert.ok(key.masked.includes('…'))
  assert.match(key.settingsUrl, /^https:\/\/openrouter\.ai\/keys\/[0-9a-f]{64}$/)
  assert.match(key.logsUrl, /api_key_hash=[0-9a-f]{64}$/)
  const info = await client.keyInfo(key.key)
  assert.equal(info.label, 'errors test')
  assert.equal(info.limit, null)
  for (const f of ['label', 'limit', 'limitRemaining', 'usage', 'isFreeTier', 'expiresAt']) assert.ok(f in info, f)
  const plain = flow('plain')
  assert.ok((await client.exchangeCode({ code: plain.code, codeVerifier: plain.p.codeVerifier, codeChallengeMethod: 'plain' })).key)
})

test('INVALID_CODE_CHALLENGE_METHOD (400): method differs from the URL', async () => {
  const { p, code } = flow('plain')
  await rejectsWith(client.exchangeCode({ code, codeVerifier: p.codeVerifier, codeChallengeMethod: 'S256' }), 'INVALID_CODE_CHALLENGE_METHOD', 400)
})

test('INVALID_CODE (403): reuse and wrong verifier', async () => {
  const { p, code } = flow()
  await client.exchangeCode({ code, codeVerifier: p.codeVerifier })
  await rejectsWith(client.exchangeCode({ code, codeVerifier: p.codeVerifier }), 'INVALID_CODE', 403)
  const second = flow()
  await rejectsWith(client.exchangeCode({ code: second.code, codeVerifier: generatePkce().codeVerifier }), 'INVALID_CODE', 403)
})

test('CODE_EXPIRED (403)', async () => {
  const e = new Emulator({ codeTtlMs: 50 })
  await e.start()
  try {
    const p = generatePkce()
    const code = e.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' })
    await new Promise((r) => setTimeout(r, 200))
    await rejectsWith(exchangeCode({ code, codeVerifier: p.codeVerifier, baseUrl: e.baseUrl }), 'CODE_EXPIRED', 403)
  } finally {
    await e.stop()
  }
})

const statusCases = [
  [405, 'METHOD_NOT_ALLOWED'],
  [429, 'RATE_LIMITED'],
  [500, 'SERVER_ERROR'],
  [502, 'SERVER_ERROR'],
  [503, 'SERVER_ERROR'],
  [418, 'UNEXPECTED_STATUS'],
  [302, 'UNEXPECTED_STATUS'],
]
for (const [status, code] of statusCases) {
  test(`${code} (${status}) is sent exactly once`, async () => {
    const before = emu.requestCount('exchange')
    emu.injectFault({ status, body: '{"error":{"code":1,"message":"x"}}' })
    await rejectsWith(client.exchangeCode({ code: 'c' }), code, status)
    assert.equal(emu.requestCount('exchange') - before, 1)
  })
}

answerTests(() => ({ emu, client }), { rejectsWith })

test('TIMEOUT via a delay and a small timeoutMs; sent once', async () => {
  const before = emu.requestCount('exchange')
  emu.injectFault({ delayMs: 2000 })
  const t0 = Date.now()
  await rejectsWith(client.exchangeCode({ code: 'c', timeoutMs: 200 }), 'TIMEOUT')
  assert.ok(Date.now() - t0 < 1500)
  assert.equal(emu.requestCount('exchange') - before, 1)
})

test('TIMEOUT for a hanging server', async () => {
  emu.injectFault({ kind: 'hang' })
  await rejectsWith(client.exchangeCode({ code: 'c', timeoutMs: 200 }), 'TIMEOUT')
})

test('NETWORK via a closed port', async () => {
  const server = net.createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const port = server.address().port
  await new Promise((r) => server.close(r))
  await rejectsWith(exchangeCode({ code: 'c', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 3000 }), 'NETWORK')
})

test('UNAUTHORIZED for keyInfo with an unknown key', async () => {
  await rejectsWith(client.keyInfo('sk-or-v1-not-a-key-0000000000'), 'UNAUTHORIZED', 401)
})

test('input errors: INVALID_ARGUMENT, INVALID_METHOD, INVALID_VERIFIER, INVALID_CALLBACK_URL', async () => {
  await rejectsWith(() => new Client({ baseUrl: 'http://example.com' }), 'INVALID_ARGUMENT')
  await rejectsWith(() => new Client({ timeoutMs: -1 }), 'INVALID_ARGUMENT')
  await rejectsWith(client.exchangeCode({ code: '' }), 'INVALID_ARGUMENT')
  await rejectsWith(client.exchangeCode({ code: 'c', codeVerifier: 'short' }), 'INVALID_VERIFIER')
  await rejectsWith(client.exchangeCode({ code: 'c', codeVerifier: generatePkce().codeVerifier, codeChallengeMethod: 's256' }), 'INVALID_METHOD')
  await rejectsWith(() => startAuth({ callbackUrl: 'http://evil@127.0.0.1/' }), 'INVALID_CALLBACK_URL')
  await rejectsWith(client.exchangeCode(), 'INVALID_ARGUMENT')
  await rejectsWith(keyInfo(42), 'INVALID_ARGUMENT')
})

test('completeAuth: ACCESS_DENIED, STATE_MISMATCH, and success from a plain session object', async () => {
  const req = startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
  await rejectsWith(client.completeAuth(req, 'http://localhost:3000/cb?error=access_denied'), 'ACCESS_DENIED')
  await rejectsWith(completeAuth(req, `http://localhost:3000/cb?code=abc&state=${'x'.repeat(43)}`), 'STATE_MISMATCH')
  const res = await fetch(req.url, { redirect: 'manual' })
  const location = res.headers.get('location')
  assert.ok(location.startsWith('http://localhost:3000/cb?'))
  const session = JSON.parse(JSON.stringify(req.toDict()))
  // A flow read back from storage is finished at the base URL the call names, never the one it holds.
  const key = await completeAuth(session, location, { baseUrl: emu.baseUrl })
  assert.match(key.key, /^sk-or-v1-/)
})

test('errors are OpenRouterPkceError instances with code, status and a stack', async () => {
  emu.injectFault({ status: 503 })
  const err = await rejectsWith(client.exchangeCode({ code: 'c' }), 'SERVER_ERROR', 503)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'OpenRouterPkceError')
  assert.ok(err.stack.includes('OpenRouterPkceError'))
  assert.equal(new OpenRouterPkceError('TIMEOUT', 'm').code, 'TIMEOUT')
})

test('injectFault with anything but an options object is INVALID_ARGUMENT and queues nothing (issue 11 item 10)', async () => {
  for (const bad of ['exchange', 'keyInfo', 42, null, true]) {
    await rejectsWith(() => emu.injectFault(bad), 'INVALID_ARGUMENT')
  }
  await rejectsWith(() => emu.injectFault(), 'INVALID_ARGUMENT')
  // Nothing was queued: the next exchange is the emulator's normal answer, not a 500.
  const { p, code } = flow()
  const key = await client.exchangeCode({ code, codeVerifier: p.codeVerifier })
  assert.match(key.key, /^sk-or-v1-/)
})

test('OAuth error values keep their meaning; the description is a filtered field, never the message (issue 11 item 8)', async () => {
  const req = startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
  for (const value of ['server_error', 'temporarily_unavailable', 'invalid_scope']) {
    const err = await rejectsWith(
      completeAuth(req, `?error=${value}&error_description=%3Cscript%3Ex%3C%2Fscript%3E%0A`),
      'AUTHORIZATION_FAILED',
    )
    assert.equal(err.oauthError, value)
    assert.equal(err.errorDescription, '<script>x</script>')
    assert.ok(!err.message.includes('<script>'), err.message)
  }
  const denied = await rejectsWith(completeAuth(req, '?error=access_denied&error_description=No%20thanks'), 'ACCESS_DENIED')
  assert.equal(denied.oauthError, 'access_denied')
  assert.equal(denied.errorDescription, 'No thanks')
  assert.ok(!denied.message.includes('No thanks'))
})

test('native errors carry code, status and OAuth fields as properties, nothing packed in the message (issue 12 item 9)', async () => {
  // The generated loader, below index.js's wrappers: its errors are already the class, with the fields set.
  const native = createRequire(import.meta.url)(join(ROOT, 'bindings-node', 'native.js'))
  const noPacking = (err) => assert.ok(!/[\x1e\x1f]/.test(err.message) && !/^[A-Z_]+\b/.test(err.message), err.message)
  // A synchronous throw.
  assert.throws(() => native.createVerifier(5), (e) => {
    assert.ok(e instanceof OpenRouterPkceError, String(e))
    assert.equal(e.code, 'INVALID_VERIFIER')
    assert.equal(e.status, undefined)
    noPacking(e)
    return true
  })
  // A rejection with an HTTP status.
  emu.injectFault({ status: 503 })
  const client = native._defaultClient()
  const rejected = await client.exchangeCode({ code: 'c' }, { baseUrl: emu.baseUrl }).then(() => null, (e) => e)
  assert.ok(rejected instanceof OpenRouterPkceError, String(rejected))
  assert.equal(rejected.code, 'SERVER_ERROR')
  assert.equal(rejected.status, 503)
  noPacking(rejected)
  // A rejection with the OAuth fields.
  const req = startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
  const denied = await client.completeAuth(req, '?error=server_error&error_description=down%1F%1Efor%20now').then(() => null, (e) => e)
  assert.ok(denied instanceof OpenRouterPkceError)
  assert.equal(denied.code, 'AUTHORIZATION_FAILED')
  assert.equal(denied.oauthError, 'server_error')
  assert.equal(denied.errorDescription, 'downfor now')
  assert.equal(denied.status, undefined)
  noPacking(denied)
  // Cancelled calls too.
  const pending = client.keyInfo('sk-or-v1-' + 'a'.repeat(64), { baseUrl: emu.baseUrl }, 7)
  native._cancel(7)
  const cancelled = await pending.then(() => null, (e) => e)
  assert.ok(cancelled === null || (cancelled instanceof OpenRouterPkceError && ['CANCELLED', 'UNAUTHORIZED'].includes(cancelled.code)))
})

test('messages name parameters in JavaScript words, and the right one (issue 17 item 12)', async () => {
  const cases = [
    [() => startAuth({ callbackUrl: 'ftp://example.com/cb' }), 'INVALID_CALLBACK_URL', /callbackUrl/, /callback_url/],
    [() => startAuth({ baseUrl: 'http://evil.example' }), 'INVALID_ARGUMENT', /baseUrl/, /base_url/],
    [() => startAuth({ keyLabel: 'a\nb' }), 'INVALID_ARGUMENT', /keyLabel/, /key_label/],
    [() => new Client({ timeoutMs: 0 }), 'INVALID_ARGUMENT', /timeoutMs/, /\btimeout\b/],
  ]
  for (const [fn, code, want, not] of cases) {
    const e = (() => { try { fn() } catch (err) { return err } })()
    assert.ok(e instanceof OpenRouterPkceError, String(e))
    assert.equal(e.code, code)
    assert.match(e.message, want)
    assert.doesNotMatch(e.message, not)
  }
  const sealed = startAuth({ callbackUrl: 'http://localhost:3000/cb' }).seal('correct horse battery staple, 32+ bytes long!')
  const e = (() => { try { AuthRequest.unseal(sealed, 'correct horse battery staple, 32+ bytes long!', { maxAgeMs: '600000' }) } catch (err) { return err } })()
  assert.equal(e.code, 'INVALID_ARGUMENT')
  assert.match(e.message, /`maxAgeMs`/)
  assert.doesNotMatch(e.message, /`sealed`/)
})
