// The Express example's web flow against the emulator, following every redirect by hand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Emulator } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

const { createApp } = createRequire(import.meta.url)(join(ROOT, 'examples', 'express', 'server.js'))

test('startAuth → redirect → callback → completeAuth shows a masked key', async () => {
  const emu = new Emulator()
  await emu.start()
  let port
  const app = createApp({ publicUrl: () => `http://127.0.0.1:${port}`, baseUrl: emu.baseUrl })
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  port = server.address().port
  try {
    const login = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' })
    assert.equal(login.status, 302)
    const cookie = login.headers.get('set-cookie').split(';')[0]
    const authUrl = login.headers.get('location')
    assert.ok(authUrl.startsWith(`${emu.baseUrl}/auth?`), authUrl)

    const consent = await fetch(authUrl, { redirect: 'manual' })
    assert.ok([302, 303].includes(consent.status), `emulator answered ${consent.status}`)
    const callback = consent.headers.get('location')
    assert.ok(callback.startsWith(`http://127.0.0.1:${port}/callback?`), callback)

    const done = await fetch(callback, { redirect: 'manual', headers: { cookie } })
    const html = await done.text()
    assert.equal(done.status, 200, html)
    assert.match(html, /Connected: <code>sk-or-v1-..…[A-Za-z0-9_-]{4}<\/code>/)
    assert.equal(emu.requestCount('exchange'), 1)

    // The session is single use: replaying the callback fails cleanly.
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie } })
    assert.equal(replay.status, 400)
  } finally {
    await new Promise((r) => server.close(r))
    await emu.stop()
  }
})
