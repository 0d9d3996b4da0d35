// Secrets never show through console.log, util.inspect, JSON.stringify, String() or error stacks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import { Console } from 'node:console'
import { Writable } from 'node:stream'
import { Emulator, exchangeCode, generatePkce, startAuth, createChallenge } from 'openrouter-pkce'

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

test('Pkce and AuthRequest never show the verifier', () => {
  for (const method of ['S256', 'plain']) {
    const p = generatePkce({ method })
    for (const s of renderings(p)) assert.ok(!s.includes(p.codeVerifier), s)
    const r = startAuth({ callbackUrl: 'http://localhost:3000/cb', method })
    for (const s of renderings(r).filter((s) => !s.startsWith('{"url"') && !s.startsWith('{"nested"'))) {
      assert.ok(!s.includes(r.codeVerifier), s)
    }
    // toJSON() is the session form and deliberately carries the verifier.
    assert.equal(r.toJSON().codeVerifier, r.codeVerifier)
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
