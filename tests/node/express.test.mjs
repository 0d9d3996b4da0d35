// The Express example (examples/express/server.js: the flow sealed into a cookie) against the emulator,
// following every redirect by hand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Emulator } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

const { createApp } = createRequire(import.meta.url)(join(ROOT, 'examples', 'express', 'server.js'))
const SECRET = 'an example sealing secret, 32 bytes or more'

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
