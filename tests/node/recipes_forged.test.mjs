// Forged flow state against the Express recipes (issue 17 item 1): a visitor who puts a flow of their own
// where the recipe expects its own — a flow they started against their server, as JSON text or as the
// object cookie-parser makes of a `j:{…}` cookie — must get an error page, and no request may leave: the
// "attacker" server the forged flow names gets no connection, the real OpenRouter (the emulator) no
// exchange. The FastAPI and Flask recipes: tests/python/test_recipes_forged.py.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Emulator, startAuth } from 'openrouter-pkce'
import { NO_REDIS, SECRET, consent, listen, redisApp, sealedRecipe, setCookie, startAttacker } from './_recipes.mjs'

const { JSONCookie } = createRequire(import.meta.url)('cookie-parser')

/** The Rust/Python JSON text of a flow (`to_json()`): toDict()'s fields in snake_case. */
const jsonText = (req) =>
  JSON.stringify(Object.fromEntries(Object.entries(req.toDict()).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v])))

/** The emulator and the attacker's server, stopped by `t.after`. */
async function servers(t) {
  const emu = new Emulator()
  await emu.start()
  t.after(() => emu.stop())
  const attacker = await startAttacker()
  t.after(() => attacker.stop())
  return { emu, attacker }
}

/** A flow the attacker started against their own server, for the app's callback URL; its callback path. */
function forgedFlow(origin, attacker) {
  const forged = startAuth({ callbackUrl: `${origin}/callback`, keyLabel: 'forged', baseUrl: attacker.baseUrl })
  return { forged, path: `/callback?code=attacker-code&state=${forged.state}` }
}

test('express sealed cookie: a forged flow cookie (JSON text, a j:{…} object) is SEALED_FLOW_INVALID and nothing leaves', async (t) => {
  const { emu, attacker } = await servers(t)
  const app = await listen((publicUrl) => sealedRecipe.createApp({ publicUrl, secrets: [SECRET], baseUrl: emu.baseUrl }))
  t.after(() => app.close())
  const { forged, path } = forgedFlow(app.origin, attacker)
  const camel = JSON.stringify(forged.toDict())
  // cookie-parser turns a `j:` cookie into an object: what reaches completeAuth is toDict()'s form.
  assert.deepEqual(JSONCookie(`j:${camel}`), forged.toDict())
  const cookies = {
    'to_json() text': jsonText(forged),
    'toDict() as JSON text': camel,
    'j: cookie (snake_case object)': `j:${jsonText(forged)}`,
    'j: cookie (toDict() object)': `j:${camel}`,
  }
  for (const [what, value] of Object.entries(cookies)) {
    const res = await fetch(`${app.origin}${path}`, { redirect: 'manual', headers: { cookie: `openrouter_flow=${encodeURIComponent(value)}` } })
    const html = await res.text()
    assert.equal(res.status, 400, `${what}: ${html}`)
    assert.match(html, /data-code="SEALED_FLOW_INVALID"/, what)
    assert.ok(!html.includes(forged.codeVerifier), what)
    assert.match(setCookie(res, 'openrouter_flow'), /^openrouter_flow=$/, `${what}: the cookie is cleared`)
  }
  assert.equal(attacker.connections, 0, `the attacker's server was reached: ${attacker.requests.join(', ')}`)
  assert.equal(emu.requestCount('exchange'), 0)
})

// The Redis recipe keeps no flow in the browser: the session cookie is only a signed id. What a visitor
// can forge there is a session id (refused by its signature) — and a flow record that is not the app's
// own (a store shared with another deployment, or written by anything else) must not choose the host.
test('express redis session: a planted session id finds no flow; a foreign flow in the store sends nothing', { skip: NO_REDIS }, async (t) => {
  const { emu, attacker } = await servers(t)
  const { redis, app, get } = await redisApp(t, emu.baseUrl)

  // A real flow, then its callback presented with made-up session ids: unsigned, or with a forged signature.
  const login = await get('/login', 'user=victim')
  const sid = setCookie(login, 'sid')
  const path = await consent(login.headers.get('location'))
  const id = decodeURIComponent(sid.slice('sid='.length)).slice(2).split('.')[0]
  for (const planted of [`sid=${id}`, `sid=${encodeURIComponent(`s:${id}.forgedsignatureforgedsignatureforgedsig`)}`, 'sid=s%3Aanything.else']) {
    const res = await get(path, planted)
    assert.equal(res.status, 400, planted)
    assert.match(await res.text(), /data-code="NO_FLOW"/, planted)
  }

  // The attacker's own session, whose flow record is replaced by one started against their server.
  const own = await get('/login', 'user=mallory')
  const ownSid = setCookie(own, 'sid')
  const records = await redis.keys('orpkce-example:flow:*')
  assert.equal(records.length, 2) // the victim's (untouched above) and the attacker's
  const { forged, path: forgedPath } = forgedFlow(app.origin, attacker)
  for (const key of records) {
    if ((await redis.get(key)).includes(new URL(own.headers.get('location')).searchParams.get('state'))) {
      await redis.set(key, JSON.stringify(forged.toDict()), { EX: 600 })
    }
  }
  const res = await get(forgedPath, `${ownSid}; user=mallory`)
  const html = await res.text()
  assert.equal(res.status, 400, html)
  assert.match(html, /data-code="INVALID_ARGUMENT"/)
  assert.equal(attacker.connections, 0, `the attacker's server was reached: ${attacker.requests.join(', ')}`)
  assert.equal(emu.requestCount('exchange'), 0)

  // The victim's flow is still there and completes.
  const done = await get(path, `${sid}; user=victim`)
  assert.match(await done.text(), /data-code="OK"/)
  assert.equal(emu.requestCount('exchange'), 1)
})
