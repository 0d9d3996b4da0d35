// Secrets never show through console.log, util.inspect, JSON.stringify, String() or error stacks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import { Console } from 'node:console'
import { Writable } from 'node:stream'
import { AuthRequest, Emulator, exchangeCode, generatePkce, startAuth, createChallenge } from 'openrouter-pkce'

function consoleLog(...args) {
  let out = ''
  const sink = new Writable({ write(chunk, _enc, cb) { out += chunk; cb() } })
  new Console({ stdout: sink }).log(...args)
  return out
}

function renderings(value) {
  return [util.inspect(value), util.inspect(value, { depth: 10, showHidden: true }), util.format('%o %O %s', value, value, value),
    JSON.stringify(value), JSON.stringify({ nested: [value] }), String(value), `${value}`, consoleLog(value), consoleLog({ value })]
}

test('ApiKey shows only its masked form', async () => {
  const emu = new Emulator()
  await emu.start()
  try {
    const p = generatePkce()
    const code = emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' })
    const key = await exchangeCode({ code, codeVerifier: p.codeVerifier, baseUrl: emu.baseUrl })
    for (const s of renderings(key)) {
      assert.ok(!s.includes(key.key), s)
      assert.ok(s.includes(key.masked), s)
    }
  } finally {
    await emu.stop()
  }
})

/** What a logger or a careless copy does without being asked: spread, entries, assign, structured clone. */
function implicitCopies(value) {
  const copies = [{ ...value }, Object.fromEntries(Object.entries(value)), Object.assign({}, value), Object.values(value)]
  return copies.map((c) => JSON.stringify(c)).concat(copies.map((c) => util.inspect(c, { depth: 5, showHidden: true })))
}

test('Pkce and AuthRequest never show the verifier, even in implicit serialisation (issue 11 item 6)', () => {
  for (const method of ['S256', 'plain']) {
    const p = generatePkce({ method })
    for (const s of renderings(p).concat(implicitCopies(p))) assert.ok(!s.includes(p.codeVerifier), s)
    assert.equal(p.codeVerifier.length, 43)
    assert.equal(p.codeChallenge, method === 'plain' ? p.codeVerifier : createChallenge(p.codeVerifier))
    const r = startAuth({ callbackUrl: 'http://localhost:3000/cb', method })
    for (const s of renderings(r).concat(implicitCopies(r))) assert.ok(!s.includes(r.codeVerifier), s)
    // The session form is an explicit call, named like Python's `to_dict` / `AuthRequest.from_dict`.
    const session = r.toDict()
    assert.equal(session.codeVerifier, r.codeVerifier)
    const back = AuthRequest.fromDict(JSON.parse(JSON.stringify(session)))
    assert.equal(back.codeVerifier, r.codeVerifier)
    assert.equal(back.url, r.url)
  }
})

test('error messages and stacks hold no verifier, code or key', async () => {
  const emu = new Emulator()
  await emu.start()
  try {
    const p = generatePkce()
    const code = emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' })
    // A server error body that echoes the secrets must not leak into the error.
    emu.injectFault({ status: 403, body: JSON.stringify({ error: { code: 403, message: `bad ${code} ${p.codeVerifier}` } }) })
    let err
    try {
      await exchangeCode({ code, codeVerifier: p.codeVerifier, baseUrl: emu.baseUrl })
    } catch (e) {
      err = e
    }
    assert.equal(err.code, 'INVALID_CODE')
    for (const s of [err.message, err.stack, util.inspect(err), JSON.stringify(err)]) {
      assert.ok(!s.includes(code) && !s.includes(p.codeVerifier), s)
    }
    const badVerifier = p.codeVerifier + '+'
    let bad
    try {
      createChallenge(badVerifier)
    } catch (e) {
      bad = e
    }
    assert.equal(bad?.code, 'INVALID_VERIFIER', 'an invalid verifier must throw')
    assert.ok(!bad.message.includes(badVerifier) && !bad.stack.includes(badVerifier) && !util.inspect(bad).includes(badVerifier))
  } finally {
    await emu.stop()
  }
})
