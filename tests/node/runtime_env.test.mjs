// Issue 17 items 6 and 11 in Node: the headless paste is read with a bound, and under Bun (which does not pass
// `process.env` changes made at run time on to native code) the variables a program sets in JS reach the core.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Emulator } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

const BUN = process.env.OPENROUTER_PKCE_TEST_BUN
const PACKAGE = join(ROOT, 'bindings-node', 'index.js')

let emu
let tmp
before(async () => {
  emu = new Emulator()
  await emu.start()
  tmp = mkdtempSync(join(tmpdir(), 'orp-runtime-env-'))
})
after(async () => {
  await emu.stop()
  rmSync(tmp, { recursive: true, force: true })
})

/** The environment of a child: an isolated HOME, and none of our variables. */
function childEnv(home) {
  const env = { ...process.env, HOME: home }
  for (const name of ['OPENROUTER_API_KEY', 'OPENROUTER_PKCE_CONFIG_DIR', 'OPENROUTER_PKCE_BASE_URL', 'XDG_CONFIG_HOME']) delete env[name]
  return env
}

test('under Bun, OPENROUTER_PKCE_CONFIG_DIR, OPENROUTER_API_KEY and OPENROUTER_PKCE_BASE_URL set in JS reach the core', {
  skip: BUN && existsSync(BUN) ? false : 'Bun is not installed here (`make bun`: the registry has it for x86_64 Linux only)',
}, () => {
  const home = join(tmp, 'home')
  const dir = join(tmp, 'keys')
  const script = join(tmp, 'bun-env.cjs')
  writeFileSync(
    script,
    `const orp = require(${JSON.stringify(PACKAGE)})
process.env.OPENROUTER_PKCE_CONFIG_DIR = ${JSON.stringify(dir)}
process.env.OPENROUTER_API_KEY = 'sk-or-v1-set-in-js'
const out = { keyPath: orp.keyPath(), fromEnv: orp.loadKey().key }
delete process.env.OPENROUTER_API_KEY
out.savedTo = orp.saveKey('sk-or-v1-saved-from-bun')
out.stored = orp.loadKey().key
process.env.OPENROUTER_PKCE_BASE_URL = ${JSON.stringify(emu.baseUrl)}
out.authUrl = orp.startAuth({ callbackUrl: 'http://localhost:3000/cb' }).url
console.log(JSON.stringify(out))
`,
  )
  const run = spawnSync(BUN, [script], { env: childEnv(home), encoding: 'utf8', timeout: 60000 })
  assert.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  assert.equal(out.keyPath, join(dir, 'api_key'))
  assert.equal(String(out.fromEnv), 'sk-or-v1-set-in-js')
  assert.equal(out.savedTo, join(dir, 'api_key'))
  assert.equal(String(out.stored), 'sk-or-v1-saved-from-bun')
  assert.ok(out.authUrl.startsWith(`${emu.baseUrl}/auth?`), out.authUrl)
  assert.ok(existsSync(join(dir, 'api_key')))
  assert.ok(!existsSync(join(home, '.config')), 'nothing was written into the real (here: the child\'s) home')
})

test('a headless login fed /dev/zero ends with bounded memory (the paste is read with a bound)', () => {
  const script = join(tmp, 'zero.cjs')
  writeFileSync(
    script,
    `const orp = require(${JSON.stringify(PACKAGE)})
orp.login({ mode: 'headless', openBrowser: false, baseUrl: ${JSON.stringify(emu.baseUrl)}, timeoutMs: 30000 })
  .then(() => console.log('OK'), (e) => console.log(e.code, e.message))
`,
  )
  const stdin = openSync('/dev/zero', 'r')
  const run = spawnSync(process.execPath, ['--max-old-space-size=256', script], {
    env: childEnv(join(tmp, 'home2')),
    stdio: [stdin, 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60000,
  })
  assert.equal(run.status, 0, run.stderr.slice(-2000))
  assert.match(run.stdout, /^INVALID_ARGUMENT .*3 pastes held no code/)
  assert.equal(emu.requestCount('exchange'), 0)
})
