// The Express examples against the emulator, following every redirect by hand: examples/express/server.js
// (the flow sealed into a cookie) and examples/express/redis-session.js (the flow in Redis; these tests
// start a redis-server of their own and are skipped without one).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Emulator } from 'openrouter-pkce'
import { NO_REDIS, SECRET, burst, consent, listen, redisApp, sealedRecipe, setCookie } from './_recipes.mjs'

const { createApp } = sealedRecipe

test('sealed cookie: /login → consent → /callback shows a masked key; escaped; replay and bad cookies refused', async () => {
  const emu = new Emulator()
  await emu.start()
  let port
  const keys = new Map()
  const app = createApp({ publicUrl: () => `http://127.0.0.1:${port}`, baseUrl: emu.baseUrl, secrets: [SECRET], keys })
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  port = server.address().port
  const user = 'user=%3Cscript%3Ealert(1)%3C%2Fscript%3E'
  try {
    const login = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual', headers: { cookie: user } })
    assert.equal(login.status, 302)
    const setCookie = login.headers.get('set-cookie')
    assert.match(setCookie, /^openrouter_flow=eyJ[A-Za-z0-9_.-]+;/)
    assert.match(setCookie, /HttpOnly/)
    assert.match(setCookie, /SameSite=Lax/)
    assert.doesNotMatch(setCookie, /Secure/) // http on loopback; https public URLs get Secure
    const cookie = `${setCookie.split(';')[0]}; ${user}`
    const authUrl = login.headers.get('location')
    assert.ok(authUrl.startsWith(`${emu.baseUrl}/auth?`), authUrl)
    const state = new URL(authUrl).searchParams.get('state')
    assert.ok(!setCookie.includes(state), 'the state is not readable in the cookie')

    const consent = await fetch(authUrl, { redirect: 'manual' })
    assert.ok([302, 303].includes(consent.status), `emulator answered ${consent.status}`)
    const callback = consent.headers.get('location')
    assert.ok(callback.startsWith(`http://127.0.0.1:${port}/callback?`), callback)

    // Another flow's cookie (a different user's browser) is refused, and does not burn the code.
    const other = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' })
    const otherCookie = other.headers.get('set-cookie').split(';')[0]
    const crossed = await fetch(callback, { redirect: 'manual', headers: { cookie: otherCookie } })
    assert.equal(crossed.status, 400)
    assert.match(await crossed.text(), /data-code="STATE_MISMATCH"/)
    // A tampered cookie is refused with the sealed-flow code.
    const tampered = await fetch(callback, { redirect: 'manual', headers: { cookie: cookie.replace(/openrouter_flow=eyJ/, 'openrouter_flow=eyK') } })
    assert.equal(tampered.status, 400)
    assert.match(await tampered.text(), /data-code="SEALED_FLOW_INVALID"/)

    const done = await fetch(callback, { redirect: 'manual', headers: { cookie } })
    const html = await done.text()
    assert.equal(done.status, 200, html)
    assert.match(html, /<code>sk-or-v1-..…[A-Za-z0-9_-]{4}<\/code>/)
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'), html)
    assert.ok(!html.includes('<script>'))
    assert.match(done.headers.get('set-cookie'), /openrouter_flow=;/) // cleared
    assert.match(keys.get('<script>alert(1)</script>'), /^sk-or-v1-/)
    assert.equal(emu.requestCount('exchange'), 1)

    // Replaying the callback with the old cookie: the code is single use at OpenRouter.
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie } })
    assert.equal(replay.status, 400)
    assert.match(await replay.text(), /data-code="INVALID_CODE"/)
    // No cookie at all.
    const none = await fetch(callback, { redirect: 'manual' })
    assert.equal(none.status, 400)
    assert.match(await none.text(), /No login in progress/)
  } finally {
    await new Promise((r) => server.close(r))
    await emu.stop()
  }
})

/** The Redis recipe with the emulator; `t.after` cleans up. */
async function redisWithEmulator(t) {
  const emu = new Emulator()
  await emu.start()
  t.after(() => emu.stop())
  return { emu, ...(await redisApp(t, emu.baseUrl)) }
}

test('redis session: 30 identical callbacks racing for one flow send exactly one exchange', { skip: NO_REDIS }, async (t) => {
  const { emu, app, get } = await redisWithEmulator(t)
  const login = await get('/login')
  assert.equal(login.status, 302)
  const sid = setCookie(login, 'sid')
  assert.match(sid, /^sid=s%3A/)
  const path = await consent(login.headers.get('location'))
  // All 30 arrive at once. Deleting the flow from the session and saving it let every one through that
  // had loaded the session before the first save (all 30 here; 2–28 on three instances).
  const answers = await burst(app.origin, path, sid, 30)
  assert.equal(emu.requestCount('exchange'), 1, 'exchanges sent for one flow')
  const ok = answers.filter(({ status, body }) => status === 200 && body.includes('data-code="OK"'))
  const noFlow = answers.filter(({ status, body }) => status === 400 && body.includes('data-code="NO_FLOW"'))
  assert.equal(ok.length, 1)
  assert.equal(noFlow.length, 29)
})

test('redis session: a bare /callback (no query) sends no exchange', { skip: NO_REDIS }, async (t) => {
  const { emu, get } = await redisWithEmulator(t)
  const login = await get('/login')
  const sid = setCookie(login, 'sid')
  // `originalUrl.slice(originalUrl.indexOf('?'))` made "k" of it, and "k" went out as a pasted code.
  const bare = await get('/callback', sid)
  const html = await bare.text()
  assert.equal(bare.status, 400)
  assert.match(html, /data-code="INVALID_ARGUMENT"/)
  assert.equal(emu.requestCount('exchange'), 0)
})

test('redis session: /login gives a new session id; a planted one cannot finish the flow', { skip: NO_REDIS }, async (t) => {
  const { emu, get } = await redisWithEmulator(t)
  // The attacker gets a valid session id of their own and plants it in the victim's browser.
  const planted = setCookie(await get('/login', 'user=mallory'), 'sid')
  assert.ok(planted)
  const login = await get('/login', `${planted}; user=victim`)
  assert.equal(login.status, 302)
  const fresh = setCookie(login, 'sid')
  assert.ok(fresh, '/login sets a session cookie')
  assert.notEqual(fresh, planted)
  const path = await consent(login.headers.get('location'))
  // The planted id leads to nothing any more: not the victim's flow, not the attacker's old one.
  const withPlanted = await get(path, `${planted}; user=mallory`)
  assert.equal(withPlanted.status, 400)
  assert.match(await withPlanted.text(), /data-code="NO_FLOW"/)
  assert.equal(emu.requestCount('exchange'), 0)
  const own = await get(path, `${fresh}; user=victim`)
  const html = await own.text()
  assert.equal(own.status, 200, html)
  assert.match(html, /data-code="OK"/)
  assert.match(html, /<b data-user>victim<\/b>/)
  assert.equal(emu.requestCount('exchange'), 1)
})
