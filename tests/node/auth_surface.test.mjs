// Issue 21 in Node: attribution headers on every request, createAuthCode, every KeyInfo field — checked on the
// wire against a recording server on loopback (what was sent), independent of the emulator.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import util from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { Client, OpenRouterPkceError, createAuthCode, keyInfo } from 'openrouter-pkce'
import { ROOT, rejectsWith } from './_helpers.mjs'

const KEY = `sk-or-v1-${'a'.repeat(64)}`
const DATA = {
  label: 'agent', limit: 10, limit_remaining: 7.5, limit_reset: 'monthly', usage: 40, usage_daily: 1, usage_weekly: 2,
  usage_monthly: 2.5, byok_usage: 3, byok_usage_daily: 0.5, byok_usage_weekly: 1, byok_usage_monthly: 1.5,
  include_byok_in_limit: true, is_free_tier: false, is_management_key: false, is_provisioning_key: false,
  expires_at: '2027-12-31T23:59:59Z', creator_user_id: 'user_1', rate_limit: { requests: 1000, interval: '1h', note: 'deprecated' },
  allowed_data_regions: ['global', 'europe'], free_model_daily_requests: { limit: 50, remaining: 49, used: 1 },
  organization_id: null, workspace_id: '0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90',
}
const requests = []
let server
let baseUrl
before(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: body ? JSON.parse(body) : null })
      const answer =
        req.url === '/api/v1/key' ? { data: DATA }
        : req.url === '/api/v1/auth/keys/code' ? { data: { id: 'auth_code_xyz789', app_id: 12345, created_at: '2025-08-24T10:30:00Z' } }
        : { key: KEY, user_id: 'user_1' }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${server.address().port}`
})
after(() => new Promise((resolve) => server.close(resolve)))

const last = () => requests[requests.length - 1]
const attribution = (h) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => ['http-referer', 'x-openrouter-title', 'x-title', 'x-openrouter-categories'].includes(k)))

test('attribution is sent on every request, client-wide and per call', async () => {
  const client = new Client({ baseUrl, httpReferer: 'https://myapp.example', appTitle: 'My App', appCategories: ['cli-agent'] })
  const want = { 'http-referer': 'https://myapp.example', 'x-openrouter-title': 'My App', 'x-title': 'My App', 'x-openrouter-categories': 'cli-agent' }
  await client.exchangeCode({ code: 'code123', codeVerifier: 'v'.repeat(43) })
  assert.deepEqual(attribution(last().headers), want)
  await client.keyInfo(KEY)
  assert.deepEqual(attribution(last().headers), want)
  await client.createAuthCode(KEY, { callbackUrl: 'https://myapp.example/cb' })
  assert.deepEqual(attribution(last().headers), want)
  await client.keyInfo(KEY, { appTitle: 'Other', appCategories: ['game', 'legal'] })
  assert.deepEqual(attribution(last().headers), { ...want, 'x-openrouter-title': 'Other', 'x-title': 'Other', 'x-openrouter-categories': 'game,legal' })
  await keyInfo(KEY, { baseUrl, httpReferer: 'https://other.example' })
  assert.deepEqual(attribution(last().headers), { 'http-referer': 'https://other.example' })
})

test('bad attribution is INVALID_ARGUMENT in JavaScript words, before anything is sent', async () => {
  const before = requests.length
  for (const bad of [{ appCategories: ['cli-agent', 'game', 'legal'] }, { appCategories: ['coding'] }, { httpReferer: 'not a url' }, { appTitle: 'a\nb' }]) {
    assert.throws(() => new Client({ baseUrl, ...bad }), (e) => e instanceof OpenRouterPkceError && e.code === 'INVALID_ARGUMENT' && !/app_|http_referer/.test(e.message))
    await rejectsWith(keyInfo(KEY, { baseUrl, ...bad }), 'INVALID_ARGUMENT')
  }
  assert.equal(requests.length, before)
})

test('createAuthCode sends the documented body and reads the answer', async () => {
  const code = await createAuthCode(KEY, {
    baseUrl,
    callbackUrl: 'https://myapp.example/cb',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    expiresAt: new Date('2027-12-31T23:59:59Z'),
    keyLabel: 'agent',
    limit: 10,
    usageLimitType: 'monthly',
    workspaceId: '0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90',
  })
  const { method, path, headers, body } = last()
  assert.equal(`${method} ${path}`, 'POST /api/v1/auth/keys/code')
  assert.equal(headers.authorization, `Bearer ${KEY}`)
  assert.deepEqual(body, {
    callback_url: 'https://myapp.example/cb',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    expires_at: '2027-12-31T23:59:59Z',
    key_label: 'agent',
    limit: 10,
    usage_limit_type: 'monthly',
    workspace_id: '0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90',
  })
  assert.deepEqual([code.id, code.appId, code.createdAt], ['auth_code_xyz789', 12345, '2025-08-24T10:30:00Z'])
  assert.ok(!util.inspect(code).includes('auth_code_xyz789') && !JSON.stringify(code).includes('auth_code_xyz789'))
  await createAuthCode(KEY, { baseUrl, callbackUrl: 'http://localhost:3000/cb', expiresAt: new Date('2028-01-01T00:00:30.250+01:00') })
  assert.equal(last().body.expires_at, '2027-12-31T23:00:30.250Z')
})

test('createAuthCode refuses bad arguments before sending', async () => {
  const before = requests.length
  for (const [bad, code] of [
    [{ expiresAt: new Date(Date.now() - 60000) }, 'INVALID_ARGUMENT'],
    [{ usageLimitType: 'yearly' }, 'INVALID_ARGUMENT'],
    [{ keyLabel: 'x'.repeat(101) }, 'INVALID_ARGUMENT'],
    [{ workspaceId: 'ws-1' }, 'INVALID_ARGUMENT'],
    [{ codeChallengeMethod: 's256' }, 'INVALID_METHOD'],
    [{ expiresAt: 'tomorrow' }, 'INVALID_ARGUMENT'],
    [{ callbackUrl: 'http://evil.example/cb' }, 'INVALID_CALLBACK_URL'],
  ]) {
    await rejectsWith(createAuthCode(KEY, { baseUrl, callbackUrl: 'https://myapp.example/cb', ...bad }), code)
  }
  await rejectsWith(createAuthCode(KEY, { baseUrl, callbakUrl: 'https://myapp.example/cb' }), 'INVALID_ARGUMENT')
  assert.equal(requests.length, before)
})

test('keyInfo carries every field, camelCase, and limitUsed', async () => {
  const info = await keyInfo(KEY, { baseUrl })
  const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
  for (const [k, v] of Object.entries(DATA)) assert.deepEqual(info[camel(k)], v, k)
  assert.equal(info.limitUsed, 2.5)
})

test('the AppCategory type of index.d.ts lists exactly the core\'s categories', () => {
  const require = createRequire(import.meta.url)
  const native = require(join(ROOT, 'bindings-node', 'native.js'))
  const dts = readFileSync(join(ROOT, 'bindings-node', 'index.d.ts'), 'utf8')
  const union = /export type AppCategory =([^]*?)\n\n/.exec(dts)[1]
  assert.deepEqual([...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]), native._appCategories())
})

test('a created code is exchanged by the normal flow; the login sends attribution on its exchange', async () => {
  const { Emulator, generatePkce, login } = await import('openrouter-pkce')
  const emu = new Emulator()
  await emu.start()
  try {
    const owner = emu.createKey({ label: 'owner' })
    const pkce = generatePkce()
    const client = new Client({ baseUrl: emu.baseUrl, appTitle: 'Agent Fleet', appCategories: ['cloud-agent'] })
    const expires = new Date(Date.now() + 7 * 86400e3)
    const code = await client.createAuthCode(owner, {
      callbackUrl: 'https://fleet.example/cb', codeChallenge: pkce.codeChallenge, expiresAt: expires, keyLabel: 'worker-1', limit: 5, usageLimitType: 'daily',
    })
    const key = await client.exchangeCode({ code: code.id, codeVerifier: pkce.codeVerifier })
    const info = await client.keyInfo(key)
    assert.deepEqual([info.label, info.limit, info.limitReset], ['worker-1', 5, 'daily'])
    assert.ok(info.expiresAt.startsWith(expires.toISOString().slice(0, 19)), info.expiresAt)
    await rejectsWith(client.exchangeCode({ code: code.id, codeVerifier: pkce.codeVerifier }), 'INVALID_CODE')
    assert.equal(emu.lastAttribution('createAuthCode').xOpenRouterTitle, 'Agent Fleet')
    const fake = join(ROOT, 'core', 'tests', 'fixtures', 'fake-browser.sh')
    const saved = process.env.BROWSER
    process.env.BROWSER = fake
    try {
      await login({ mode: 'loopback', baseUrl: emu.baseUrl, appTitle: 'My CLI', httpReferer: 'https://cli.example', onUrl: () => {} })
    } finally {
      if (saved === undefined) delete process.env.BROWSER
      else process.env.BROWSER = saved
    }
    assert.deepEqual(emu.lastAttribution('exchange'), {
      httpReferer: 'https://cli.example',
      xOpenRouterTitle: 'My CLI',
      xTitle: 'My CLI',
      xOpenRouterCategories: null,
    })
  } finally {
    await emu.stop()
  }
})
