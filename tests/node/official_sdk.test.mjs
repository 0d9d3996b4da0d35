// OpenRouter's official TypeScript SDK (@openrouter/sdk, pinned in package.json) against our emulator.
//
// The SDK checks every answer with its own zod schemas (key info must carry allowed_data_regions,
// free_model_daily_requests, organization_id, workspace_id…; integers where it says int), and throws a
// ResponseValidationError otherwise, so these runs catch an emulator body that drifts from OpenRouter's.
// The SDK wants `serverURL` with the `/api/v1` suffix (its default is https://openrouter.ai/api/v1); it
// builds the `/auth` URL from that origin.
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { OpenRouter } from '@openrouter/sdk'
import { ForbiddenResponseError, UnauthorizedResponseError, BadRequestResponseError } from '@openrouter/sdk/models/errors'
import { Emulator, generatePkce, keyInfo } from 'openrouter-pkce'

const APP = { httpReferer: 'https://app.example/', appTitle: 'My App', appCategories: 'cli-agent,game' }
const WORKSPACE = '0b7c2f1e-9a3d-4e5f-8a6b-1c2d3e4f5a6b'
const SEEN = { httpReferer: 'https://app.example/', xOpenRouterTitle: 'My App', xTitle: null, xOpenRouterCategories: 'cli-agent,game' }

let emu
beforeEach(async () => {
  emu = new Emulator()
  await emu.start()
})
afterEach(async () => {
  await emu.stop()
})

// No retries: a test never waits out the SDK's default hour-long backoff.
const sdk = (apiKey) => new OpenRouter({ apiKey, serverURL: `${emu.baseUrl}/api/v1`, retryConfig: { strategy: 'none' }, ...APP })

test('the whole PKCE flow with the SDK alone: its auth URL, its challenge, exchangeAuthCodeForAPIKey', async () => {
  const client = sdk()
  const { codeChallenge, codeVerifier } = await client.oAuth.createSHA256CodeChallenge()
  const url = await client.oAuth.createAuthorizationUrl({
    callbackUrl: 'http://localhost:3000/cb',
    codeChallenge,
    codeChallengeMethod: 'S256',
    limit: 5,
  })
  assert.ok(url.startsWith(`${emu.baseUrl}/auth?`), url)
  // Play the browser: the emulator approves at once and redirects to the callback with the code.
  const approved = await fetch(url, { redirect: 'manual' })
  assert.equal(approved.status, 302)
  const code = new URL(approved.headers.get('location')).searchParams.get('code')
  assert.ok(code)

  const res = await client.oAuth.exchangeAuthCodeForAPIKey({ requestBody: { code, codeVerifier, codeChallengeMethod: 'S256' } })
  assert.match(res.key, /^sk-or-v1-[0-9a-f]{64}$/)
  assert.match(res.userId, /^user_/)
  assert.deepEqual(emu.lastAttribution('exchange'), SEEN)
  assert.equal(emu.requestCount('exchange'), 1)

  const info = await sdk(res.key).apiKeys.getCurrentKeyMetadata()
  assert.equal(info.data.limit, 5)
  assert.equal(info.data.limitRemaining, 5)

  // Single-use: the SDK reads the emulator's 403 as OpenRouter's ForbiddenResponseError.
  await assert.rejects(
    client.oAuth.exchangeAuthCodeForAPIKey({ requestBody: { code, codeVerifier, codeChallengeMethod: 'S256' } }),
    (e) => e instanceof ForbiddenResponseError && e.error.message === 'Invalid code or code_verifier' && e.error.code === 403,
  )
})

test('getCurrentKey: every field the SDK requires, with realistic values', async () => {
  const key = emu.createKey({ label: 'limited', limit: 2.5 })
  const { data } = await sdk(key).apiKeys.getCurrentKeyMetadata()
  assert.equal(data.label, 'limited')
  assert.equal(data.limit, 2.5)
  assert.equal(data.limitRemaining, 2.5)
  assert.equal(data.limitReset, null)
  assert.equal(data.usage, 0)
  assert.equal(data.byokUsageMonthly, 0)
  assert.equal(data.isFreeTier, true)
  assert.equal(data.isManagementKey, false)
  assert.equal(data.includeByokInLimit, false)
  assert.deepEqual(data.allowedDataRegions, ['global'])
  assert.deepEqual(data.freeModelDailyRequests, { limit: 50, remaining: 50, used: 0 })
  assert.equal(data.rateLimit.requests, -1)
  assert.equal(data.organizationId, null)
  assert.equal(data.workspaceId, null)
  assert.equal(data.expiresAt, null)
  assert.match(data.creatorUserId, /^user_/)
  assert.deepEqual(emu.lastAttribution('keyInfo'), SEEN)

  await assert.rejects(sdk('sk-or-v1-unknown').apiKeys.getCurrentKeyMetadata(), (e) => e instanceof UnauthorizedResponseError && e.error.code === 401)
})

test('createAuthKeysCode, then the exchange, then getCurrentKey reports what the code asked for', async () => {
  const app = sdk(emu.createKey({ label: 'the app' }))
  const pkce = generatePkce()
  const expiresAt = new Date('2099-12-31T23:59:59.000Z')
  const created = await app.oAuth.createAuthCode({
    requestBody: {
      callbackUrl: 'https://app.example/cb',
      codeChallenge: pkce.codeChallenge,
      codeChallengeMethod: 'S256',
      expiresAt,
      keyLabel: 'Created by the SDK',
      limit: 10,
      usageLimitType: 'weekly',
      workspaceId: WORKSPACE,
    },
  })
  assert.equal(typeof created.data.appId, 'number')
  assert.ok(Number.isInteger(created.data.appId))
  assert.ok(!Number.isNaN(Date.parse(created.data.createdAt)))
  assert.deepEqual(emu.lastAttribution('createAuthCode'), SEEN)
  assert.equal(emu.requestCount('createAuthCode'), 1)

  const minted = await sdk().oAuth.exchangeAuthCodeForAPIKey({
    requestBody: { code: created.data.id, codeVerifier: pkce.codeVerifier, codeChallengeMethod: 'S256' },
  })
  const { data } = await sdk(minted.key).apiKeys.getCurrentKeyMetadata()
  assert.equal(data.label, 'Created by the SDK')
  assert.equal(data.limit, 10)
  assert.equal(data.limitRemaining, 10)
  assert.equal(data.limitReset, 'weekly')
  assert.equal(data.workspaceId, WORKSPACE)
  assert.ok(data.expiresAt instanceof Date)
  assert.equal(data.expiresAt.getTime(), expiresAt.getTime())
  // Our own client reads the same key the same way.
  const ours = await keyInfo(minted.key, { baseUrl: emu.baseUrl })
  assert.equal(ours.limitReset, 'weekly')
  assert.equal(ours.workspaceId, WORKSPACE)
})

test('createAuthKeysCode errors are OpenRouter-shaped: 401 and 400', async () => {
  await assert.rejects(
    sdk('sk-or-v1-unknown').oAuth.createAuthCode({ requestBody: { callbackUrl: 'https://app.example/cb' } }),
    (e) => e instanceof UnauthorizedResponseError && e.error.code === 401,
  )
  const app = sdk(emu.createKey())
  for (const requestBody of [
    { callbackUrl: 'http://app.example/cb' },
    { callbackUrl: 'https://app.example/cb', keyLabel: 'x'.repeat(101) },
    { callbackUrl: 'https://app.example/cb', workspaceId: 'not-a-uuid' },
    { callbackUrl: 'https://app.example/cb', expiresAt: new Date('2001-01-01T00:00:00Z') },
  ]) {
    await assert.rejects(app.oAuth.createAuthCode({ requestBody }), (e) => e instanceof BadRequestResponseError && e.error.code === 400 && e.error.message.length > 0)
  }
  assert.equal(emu.requestCount('createAuthCode'), 5)
})

test('lastAttribution: null until a request, every header null when absent, endpoint names checked', async () => {
  for (const name of ['exchange', 'keyInfo', 'createAuthCode']) assert.equal(emu.lastAttribution(name), null)
  assert.equal(emu.lastAttribution(), null)
  await assert.rejects(keyInfo('sk-or-v1-unknown', { baseUrl: emu.baseUrl }))
  assert.deepEqual(emu.lastAttribution('keyInfo'), { httpReferer: null, xOpenRouterTitle: null, xTitle: null, xOpenRouterCategories: null })
  assert.throws(() => emu.lastAttribution('key_info'), (e) => e.code === 'INVALID_ARGUMENT')
})

test('CORS: a preflight from a browser origin, and the actual answer', async () => {
  const pre = await fetch(`${emu.baseUrl}/api/v1/auth/keys/code`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,http-referer,x-openrouter-title,x-openrouter-categories' },
  })
  assert.equal(pre.status, 204)
  assert.equal(pre.headers.get('access-control-allow-origin'), '*')
  const allowed = pre.headers.get('access-control-allow-headers').toLowerCase().split(/,\s*/)
  for (const h of ['authorization', 'content-type', 'http-referer', 'x-openrouter-title', 'x-title', 'x-openrouter-categories']) assert.ok(allowed.includes(h), h)
  assert.ok(pre.headers.get('access-control-allow-methods').includes('POST'))
  assert.ok(Number(pre.headers.get('access-control-max-age')) > 0)
  assert.equal(emu.requestCount('createAuthCode'), 0)
  const actual = await fetch(`${emu.baseUrl}/api/v1/key`, { headers: { origin: 'https://app.example' } })
  assert.equal(actual.status, 401)
  assert.equal(actual.headers.get('access-control-allow-origin'), '*')
  const page = await fetch(`${emu.baseUrl}/auth`, { headers: { origin: 'https://app.example' } })
  assert.equal(page.headers.get('access-control-allow-origin'), null)
})
