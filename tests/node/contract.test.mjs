// Drift tests: the Node package against the core's own tables (`openrouter_pkce::contract` in Rust).
// The core exports its error-code table and its public API names; a code or function added to the core
// without its `ErrorCode` member, `.d.ts` declaration or wrapped export fails here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import * as esm from 'openrouter-pkce'
import { ROOT, rejectsWith } from './_helpers.mjs'

const require = createRequire(import.meta.url)
const cjs = require('openrouter-pkce')
const native = require(join(ROOT, 'bindings-node', 'native.js'))
const indexDts = readFileSync(join(ROOT, 'bindings-node', 'index.d.ts'), 'utf8')
const nativeDts = readFileSync(join(ROOT, 'bindings-node', 'native.d.ts'), 'utf8')
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

test('ErrorCode in index.d.ts is exactly the core table', () => {
  const table = native._errorTable().map((r) => r.code)
  assert.ok(table.length >= 21)
  const union = indexDts.match(/export type ErrorCode =([\s\S]*?)\n\n/)[1]
  const declared = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
  assert.deepEqual(declared, table)
})

test('docs/errors.md documents every code of the core table', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8')
  for (const { code } of native._errorTable()) assert.ok(doc.includes(`\`${code}\``), code)
})

test('every public API name of the core is exported (CJS and ESM) and declared in index.d.ts', () => {
  for (const { name, kind } of native._publicApi()) {
    const js = camel(name)
    if (kind === 'record') {
      // A plain object in Node: a type only.
      assert.match(indexDts, new RegExp(`export type \\{[^}]*\\b${js}\\b`), `index.d.ts does not export the type ${js}`)
      continue
    }
    assert.ok(cjs[js] !== undefined, `index.js does not export ${js}`)
    assert.equal(esm[js], cjs[js], `index.mjs does not export ${js}`)
    const declared = new RegExp(`export (declare (function|class|const) ${js}\\b|\\{[^}]*\\b${js}\\b[^}]*\\} from)`).test(indexDts)
    assert.ok(declared, `index.d.ts does not declare ${js}`)
    assert.equal(typeof cjs[js], 'function', js)
    if (kind === 'class') assert.match(Function.prototype.toString.call(cjs[js]), /^class|native code/, js)
  }
})

test('the package exports nothing the core does not know, and ESM equals CJS', () => {
  const known = new Set(native._publicApi().filter(({ kind }) => kind !== 'record').map(({ name }) => camel(name)))
  const extra = Object.keys(cjs).filter((k) => !known.has(k) && !['VERSION', 'OpenRouterPkceError'].includes(k))
  assert.deepEqual(extra, [])
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), Object.keys(cjs).sort())
})

test('every native function and method is wrapped: its errors are OpenRouterPkceError', async () => {
  const exported = new Set(Object.values(cjs))
  for (const [name, fn] of Object.entries(native)) {
    if (typeof fn !== 'function' || /^[A-Z]/.test(name)) continue
    // A public native function must never be exported as is (its errors would be napi's plain Error).
    assert.ok(!exported.has(fn), `${name} is exported unwrapped`)
  }
  for (const [name, fn] of Object.entries(cjs)) {
    if (typeof fn !== 'function' || /^[A-Z]/.test(name) || fn.length === 0) continue
    await rejectsWith(async () => fn(Symbol('bad'), Symbol('bad')), 'INVALID_ARGUMENT')
  }
  for (const cls of ['Client', 'Emulator']) {
    const base = native[cls].prototype
    for (const method of Object.getOwnPropertyNames(base)) {
      const d = Object.getOwnPropertyDescriptor(base, method)
      if (method === 'constructor' || (cls === 'Client' && typeof d.value !== 'function')) continue
      // `_login` is wrapped by `login`, `_keyInfoOf` (an ApiKey argument) by `keyInfo`.
      const wrapper = { _keyInfoOf: 'keyInfo' }[method] ?? method.replace(/^_/, '')
      const own = Object.getOwnPropertyDescriptor(cjs[cls].prototype, wrapper)
      assert.ok(own, `${cls}.${method} is not wrapped`)
      if (typeof d.value === 'function') assert.notEqual(own.value, d.value, `${cls}.${method} is the native method`)
    }
  }
  const client = new cjs.Client()
  await rejectsWith(() => client.keyInfo(Symbol('k')), 'INVALID_ARGUMENT')
  await rejectsWith(() => client.exchangeCode(Symbol('o')), 'INVALID_ARGUMENT')
  const emu = new cjs.Emulator()
  assert.throws(() => emu.issueCode(Symbol('o')), cjs.OpenRouterPkceError)
  assert.throws(() => emu.setCodeTtlMs(Symbol('o')), cjs.OpenRouterPkceError)
})

/** The fields of `interface Name` in native.d.ts. */
function fields(name) {
  const body = nativeDts.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))[1]
  return [...body.matchAll(/^ {2}([a-zA-Z]+)\??:/gm)].map((m) => m[1])
}

test('option bags accept every field of their native interface and refuse unknown keys by name', async () => {
  const emu = new cjs.Emulator()
  const cases = [
    ['AuthUrlOpts', (o) => cjs.authUrl(o)],
    ['StartAuthOpts', (o) => cjs.startAuth(o)],
    ['ClientOpts', (o) => new cjs.Client(o)],
    ['EmulatorOpts', (o) => new cjs.Emulator(o)],
    ['IssueCodeOpts', (o) => emu.issueCode(o)],
    ['CreateKeyOpts', (o) => emu.createKey(o)],
    ['FaultOpts', (o) => emu.injectFault(o)],
    ['CallOpts', (o) => cjs.keyInfo('sk-or-v1-x', o)],
    ['ExchangeCodeOpts', (o) => cjs.exchangeCode(o)],
    ['LoginOpts', (o) => cjs.login(o)],
  ]
  for (const [iface, call] of cases) {
    for (const field of fields(iface)) {
      // A known key with a value of the wrong type reaches the native layer: never "has no option".
      try {
        await call({ [field]: Symbol('wrong type') })
      } catch (e) {
        assert.ok(!/has no option/.test(e.message), `${iface}.${field} refused: ${e.message}`)
      }
    }
    const err = await rejectsWith(async () => call({ surelyNotAnOption: 1 }), 'INVALID_ARGUMENT')
    assert.match(err.message, /surelyNotAnOption/)
  }
  let err = await rejectsWith(() => cjs.login({ timeout: 5000 }), 'INVALID_ARGUMENT')
  assert.match(err.message, /no option `timeout`; did you mean `timeoutMs`\?/)
  err = await rejectsWith(async () => cjs.startAuth({ key_label: 'x' }), 'INVALID_ARGUMENT')
  assert.match(err.message, /did you mean `keyLabel`\?/)
  err = await rejectsWith(() => cjs.keyInfo(42), 'INVALID_ARGUMENT')
  assert.match(err.message, /`key` must be a string or an ApiKey/)
  // napi's own type errors name the parameter too (an option's field, or a positional argument).
  for (const [call, message] of [
    [() => cjs.createChallenge(42), /`codeVerifier` must be a string/],
    [() => cjs.verifyChallenge('a'.repeat(43), 5), /`codeChallenge` must be a string/],
    [() => cjs.createVerifier('43'), /`length` must be a number/],
    [() => cjs.authUrl({ limit: 'ten' }), /`limit` must be a number/],
    [() => cjs.startAuth({ callbackUrl: 5 }), /`callbackUrl` must be a string/],
  ]) {
    err = await rejectsWith(async () => call(), 'INVALID_ARGUMENT')
    assert.match(err.message, message)
  }
})

test('keyInfo takes an ApiKey as well as a string, and asks the server the key came from', async () => {
  const emu = new cjs.Emulator()
  await emu.start()
  try {
    const key = await new cjs.Client({ baseUrl: emu.baseUrl }).exchangeCode({ code: emu.issueCode({ keyLabel: 'ak' }) })
    assert.equal((await cjs.keyInfo(key, { baseUrl: emu.baseUrl })).label, 'ak')
    assert.equal((await new cjs.Client({ baseUrl: emu.baseUrl }).keyInfo(key)).label, 'ak')
    // No baseUrl: the default client (openrouter.ai) asks the emulator, where the key was minted.
    assert.equal((await cjs.keyInfo(key)).label, 'ak')
    assert.equal((await new cjs.Client().keyInfo(key)).label, 'ak')
    await rejectsWith(() => cjs.keyInfo(key.key, { baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 }), 'NETWORK')
  } finally {
    await emu.stop()
  }
})

test('user-facing sentences come from the core, not index.js', () => {
  const src = readFileSync(join(ROOT, 'bindings-node', 'index.js'), 'utf8')
  for (const s of ['Deleted the stored key', 'No key was stored', 'Open this URL']) assert.ok(!src.includes(s), s)
})

test('a wrong-typed positional argument names its parameter, for every public function and method (issue 12 item 5)', async () => {
  const emu = new cjs.Emulator()
  const client = new cjs.Client()
  const req = cjs.startAuth({ callbackUrl: 'http://localhost:3000/cb' })
  const bad = Symbol('wrong type')
  const verifier = 'a'.repeat(43)
  // [what, call with `bad` in the parameter's place, the parameter's name]
  const cases = [
    ['createVerifier', () => cjs.createVerifier(bad), 'length'],
    ['createChallenge', () => cjs.createChallenge(bad), 'codeVerifier'],
    ['createChallenge', () => cjs.createChallenge(verifier, bad), 'method'],
    ['verifyChallenge', () => cjs.verifyChallenge(bad, verifier), 'codeVerifier'],
    ['verifyChallenge', () => cjs.verifyChallenge(verifier, bad), 'codeChallenge'],
    ['verifyChallenge', () => cjs.verifyChallenge(verifier, verifier, bad), 'method'],
    ['AuthRequest.fromDict', () => cjs.AuthRequest.fromDict(bad), 'data'],
    ['AuthRequest.fromJSON', () => cjs.AuthRequest.fromJSON(bad), 'data'],
    ['AuthRequest.unseal', () => cjs.AuthRequest.unseal(bad, 'k'.repeat(32)), 'sealed'],
    ['AuthRequest.unseal', () => cjs.AuthRequest.unseal('x', bad), 'secrets'],
    ['AuthRequest.unseal', () => cjs.AuthRequest.unseal('x', 'k'.repeat(32), bad), 'options'],
    ['AuthRequest#seal', () => req.seal(bad), 'secrets'],
    ['AuthRequest#seal', () => req.seal([bad]), 'secrets'],
    ['completeAuth', () => cjs.completeAuth(bad, '?code=x'), 'request'],
    ['completeAuth', () => cjs.completeAuth(req, bad), 'response'],
    ['completeAuth', () => cjs.completeAuth(req, '?code=x', bad), 'options'],
    ['keyInfo', () => cjs.keyInfo(bad), 'key'],
    ['keyInfo', () => cjs.keyInfo('sk-or-v1-x', bad), 'options'],
    ['saveKey', () => cjs.saveKey(bad), 'key'],
    ['Client#completeAuth', () => client.completeAuth(5, '?code=x'), 'request'],
    ['Client#completeAuth', () => client.completeAuth(req, bad), 'response'],
    ['Client#keyInfo', () => client.keyInfo(bad), 'key'],
    ['Client#exchangeCode', () => client.exchangeCode(bad), 'options'],
    ['Emulator#requestCount', () => emu.requestCount(bad), 'endpointName'],
    ['Emulator#setAutoApprove', () => emu.setAutoApprove(bad), 'on'],
    ['Emulator#setRelayState', () => emu.setRelayState(bad), 'on'],
    ['Emulator#setCodeTtlMs', () => emu.setCodeTtlMs(bad), 'ms'],
    ['Emulator#injectFault', () => emu.injectFault(bad), 'options'],
    ['Emulator#issueCode', () => emu.issueCode(bad), 'options'],
    ['Emulator#createKey', () => emu.createKey(bad), 'options'],
    ['Emulator#start', () => emu.start(bad), 'options'],
    ['Emulator#stop', () => emu.stop(bad), 'options'],
    ['generatePkce', () => cjs.generatePkce(bad), 'options'],
    ['authUrl', () => cjs.authUrl(bad), 'options'],
    ['startAuth', () => cjs.startAuth(bad), 'options'],
    ['exchangeCode', () => cjs.exchangeCode(bad), 'options'],
    ['login', () => cjs.login(bad), 'options'],
    ['new Client', () => new cjs.Client(bad), 'options'],
    ['new Emulator', () => new cjs.Emulator(bad), 'options'],
  ]
  for (const [what, call, param] of cases) {
    const err = await rejectsWith(async () => call(), 'INVALID_ARGUMENT')
    assert.ok(err.message.includes(`\`${param}\``), `${what}: ${err.message}`)
  }
})
