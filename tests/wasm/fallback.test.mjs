// One package, two builds: flows sealed or stored by the native addon open in the WebAssembly build and back,
// and Node lands on the WebAssembly build when no native package loads — forced (OPENROUTER_PKCE_FORCE_WASM=1)
// and for real (the packed main package installed without its platform package).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import * as native from 'openrouter-pkce'
import * as wasm from 'openrouter-pkce/wasm'
import { ROOT } from './_helpers.mjs'

const SECRETS = ['Zt7q2WmL9xR4vB8nC1kD6fH3jP0sG5aY', 'a-second-secret-for-rotation-0123456789']

test('a flow sealed natively opens in the WebAssembly build, and the other way', () => {
  const fromNative = native.startAuth({ callbackUrl: 'https://app.example/cb', keyLabel: 'both' })
  const opened = wasm.AuthRequest.unseal(fromNative.seal(SECRETS), [SECRETS[1], SECRETS[0]])
  assert.ok(opened instanceof wasm.AuthRequest)
  assert.deepEqual(opened.toDict(), fromNative.toDict())
  const fromWasm = wasm.startAuth({ callbackUrl: 'https://app.example/cb', method: 'plain' })
  const back = native.AuthRequest.unseal(fromWasm.seal(SECRETS), SECRETS)
  assert.deepEqual(back.toDict(), fromWasm.toDict())
  // The session form too; a tampered token is refused by both with the same code.
  assert.deepEqual(wasm.AuthRequest.fromDict(fromNative.toDict()).toDict(), fromNative.toDict())
  assert.deepEqual(native.AuthRequest.fromDict(fromWasm.toDict()).toDict(), fromWasm.toDict())
  const sealed = fromWasm.seal(SECRETS)
  const tampered = sealed.slice(0, 60) + (sealed[60] === 'A' ? 'B' : 'A') + sealed.slice(61)
  assert.throws(() => native.AuthRequest.unseal(tampered, SECRETS), { code: 'SEALED_FLOW_INVALID' })
  assert.throws(() => wasm.AuthRequest.unseal(tampered, SECRETS), { code: 'SEALED_FLOW_INVALID' })
  assert.throws(() => wasm.AuthRequest.unseal(sealed, ['another-secret-of-enough-length-123456']), { code: 'SEALED_FLOW_INVALID' })
  assert.throws(() => wasm.AuthRequest.unseal(sealed, SECRETS, { maxAgeMs: 0 }), { code: 'INVALID_ARGUMENT' })
})

test('a sealed flow started natively finishes in the WebAssembly build against the emulator, and back', async () => {
  const emu = new native.Emulator()
  await emu.start()
  try {
    const started = native.startAuth({ callbackUrl: 'https://app.example/cb', baseUrl: emu.baseUrl })
    const code = emu.issueCode({ codeChallenge: started.codeChallenge, method: 'S256' })
    const client = new wasm.Client({ baseUrl: emu.baseUrl })
    const key = await client.completeAuth(started.seal(SECRETS), `/cb?code=${code}&state=${started.state}`, { secrets: SECRETS })
    assert.match(key.key, /^sk-or-v1-/)
    const other = wasm.startAuth({ callbackUrl: 'https://app.example/cb', baseUrl: emu.baseUrl })
    const code2 = emu.issueCode({ codeChallenge: other.codeChallenge, method: 'S256' })
    const nativeClient = new native.Client({ baseUrl: emu.baseUrl })
    const key2 = await nativeClient.completeAuth(other.seal(SECRETS), `/cb?code=${code2}&state=${other.state}`, { secrets: SECRETS })
    assert.match(key2.key, /^sk-or-v1-/)
  } finally {
    await emu.stop()
  }
})

/** Run `code` in a fresh Node process from `cwd` with `env`; its last stdout line, as JSON. */
function node(args, cwd, env = {}) {
  const out = execFileSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').pop())
}

const PROBE = `
  const same = (e) => e instanceof orp.OpenRouterPkceError
  const p = orp.generatePkce()
  let storage, emulator
  try { orp.loadKey() } catch (e) { storage = same(e) && e.code }
  try { new orp.Emulator() } catch (e) { emulator = same(e) && e.code }
  orp.login().catch((e) => console.log(JSON.stringify({
    names: Object.keys(orp).filter((n) => n !== 'default').length, pkce: orp.createChallenge(p.codeVerifier) === p.codeChallenge,
    storage, emulator, login: same(e) && e.code, message: e.message,
  })))
`

test('OPENROUTER_PKCE_FORCE_WASM=1: require and import of openrouter-pkce land on the WebAssembly build', () => {
  const env = { OPENROUTER_PKCE_FORCE_WASM: '1' }
  const required = node(['-e', `const orp = require('openrouter-pkce');${PROBE}`], ROOT, env)
  const imported = node(['--input-type=module', '-e', `import * as orp from 'openrouter-pkce';${PROBE}`], ROOT, env)
  for (const r of [required, imported]) {
    assert.equal(r.names, 23)
    assert.equal(r.pkce, true)
    assert.equal(r.storage, 'UNSUPPORTED_RUNTIME')
    assert.equal(r.emulator, 'UNSUPPORTED_RUNTIME')
    assert.equal(r.login, 'UNSUPPORTED_RUNTIME')
    assert.match(r.message, /^login\(\) is not available in Node\.js without the native addon/)
  }
  // Without the switch: the native addon (its Emulator is real).
  const nativeRun = node(['-e', "const orp = require('openrouter-pkce'); console.log(JSON.stringify({ emu: typeof new orp.Emulator().start }))"], ROOT)
  assert.equal(nativeRun.emu, 'function')
})

test('the packed main package without its platform package: require and import fall back to the WebAssembly build', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const files = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0].files
  const app = mkdtempSync(join(tmpdir(), 'orp-wasm-fallback-'))
  try {
    const dest = join(app, 'node_modules', 'openrouter-pkce')
    for (const { path } of files) {
      assert.ok(!path.endsWith('.node'), path)
      mkdirSync(dirname(join(dest, path)), { recursive: true })
      cpSync(join(ROOT, path), join(dest, path))
    }
    writeFileSync(join(app, 'package.json'), '{"name": "app", "private": true}\n')
    const required = node(['-e', `const orp = require('openrouter-pkce');${PROBE}`], app)
    const imported = node(['--input-type=module', '-e', `import * as orp from 'openrouter-pkce';${PROBE}`], app)
    for (const r of [required, imported]) {
      assert.deepEqual([r.names, r.pkce, r.storage, r.login], [23, true, 'UNSUPPORTED_RUNTIME', 'UNSUPPORTED_RUNTIME'])
    }
    // With the WebAssembly build gone too, the native loader's own error, as before.
    rmSync(join(dest, 'bindings-wasm'), { recursive: true })
    assert.throws(
      () => execFileSync(process.execPath, ['-e', "require('openrouter-pkce')"], { cwd: app, encoding: 'utf8', stdio: 'pipe' }),
      (e) => /Cannot find native binding|Failed to load native binding|openrouter-pkce-linux/.test(e.stderr) || assert.fail(e.stderr),
    )
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
})

test('Node 18 (no global Web Crypto): the Node entry takes node:crypto for the random source', () => {
  const r = node(['-e', `
    delete globalThis.crypto
    const orp = require('openrouter-pkce/wasm')
    const p = orp.generatePkce()
    console.log(JSON.stringify({ ok: orp.createChallenge(p.codeVerifier) === p.codeChallenge, state: orp.startAuth().state.length }))
  `], ROOT)
  assert.deepEqual(r, { ok: true, state: 43 })
})

test('openrouter-pkce/wasm: the same instance for require and import under Node', () => {
  const r = node(['--input-type=module', '-e', `
    import * as esm from 'openrouter-pkce/wasm'
    import { createRequire } from 'node:module'
    const cjs = createRequire(import.meta.url)('openrouter-pkce/wasm')
    console.log(JSON.stringify({ same: esm.OpenRouterPkceError === cjs.OpenRouterPkceError && esm.AuthRequest === cjs.AuthRequest }))
  `], ROOT)
  assert.equal(r.same, true)
})

test('the browser entry (inlined module) loads in Node too and agrees with the Node entry', async () => {
  const browser = await import(join(ROOT, 'bindings-wasm', 'pkg', 'browser.mjs'))
  const p = browser.generatePkce()
  assert.equal(wasm.createChallenge(p.codeVerifier), p.codeChallenge)
  assert.equal(browser.VERSION, native.VERSION)
  assert.throws(() => browser.createVerifier(7), (e) => e instanceof browser.OpenRouterPkceError && e.code === 'INVALID_VERIFIER')
})
