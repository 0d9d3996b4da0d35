// Credentials (issue 20): loadKey() returns an ApiKey with .source; profiles; the OS keyring (opt-in).
// Each case runs in a child process with its own OPENROUTER_PKCE_CONFIG_DIR and HOME. The keyring round trip
// needs a real Secret Service: `make keyring-test` runs this file inside dbus-run-session with gnome-keyring
// unlocked and OPENROUTER_PKCE_KEYRING_TEST=1.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './_helpers.mjs'

const KEY = 'sk-or-v1-' + 'ab12'.repeat(16)
const WORK = 'sk-or-v1-' + 'cd34'.repeat(16)
const FAKE_BROWSER = join(ROOT, 'core', 'tests', 'fixtures', 'fake-browser.sh')
const REAL_KEYRING = process.env.OPENROUTER_PKCE_KEYRING_TEST === '1'
let work

before(() => {
  work = mkdtempSync(join(tmpdir(), 'orp-credentials-'))
})
after(() => rmSync(work, { recursive: true, force: true }))

/** Run `body` (an ES module importing `orp`) in a child with a fresh home; resolves {code, stdout, stderr, cfg}. */
function run(name, body, env = {}) {
  const home = join(work, name)
  const cfg = join(home, 'cfg')
  const base = { ...process.env }
  for (const v of ['OPENROUTER_API_KEY', 'OPENROUTER_PKCE_BASE_URL', 'OPENROUTER_PKCE_PROFILE', 'OPENROUTER_PKCE_STORAGE']) delete base[v]
  const args = ['--input-type=module', '-e', `import * as orp from 'openrouter-pkce'\n${body}`]
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...base, HOME: home, OPENROUTER_PKCE_CONFIG_DIR: cfg, ...env }, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr, cfg })
    })
  })
}

test('loadKey() returns an ApiKey that prints masked, with its source', async () => {
  const r = await run('source', `
    const util = await import('node:util')
    orp.saveKey(${JSON.stringify(KEY)})
    const key = orp.loadKey()
    process.env.OPENROUTER_API_KEY = ${JSON.stringify(WORK)}
    const env = orp.loadKey()
    console.log(JSON.stringify({
      isApiKey: key instanceof orp.ApiKey, key: key.key, source: key.source, envSource: env.source, envKey: env.key,
      shown: [String(key), JSON.stringify(key), util.inspect(key), \`\${key}\`],
    }))
  `)
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.equal(out.isApiKey, true)
  assert.equal(out.key, KEY)
  assert.equal(out.source, 'file')
  assert.equal(out.envSource, 'env')
  assert.equal(out.envKey, WORK)
  for (const shown of out.shown) assert.ok(!shown.includes(KEY), shown)
})

test('profiles live beside the default key; env and options choose them', async () => {
  const r = await run('profiles', `
    const paths = [orp.saveKey(${JSON.stringify(KEY)}), orp.saveKey(${JSON.stringify(WORK)}, { profile: 'work' })]
    const keyPath = orp.keyPath({ profile: 'work' })
    const work = orp.loadKey({ profile: 'work' }).key
    process.env.OPENROUTER_PKCE_PROFILE = 'work'
    const byEnv = orp.loadKey().key
    orp.logout()
    const afterLogout = orp.loadKey()
    delete process.env.OPENROUTER_PKCE_PROFILE
    console.log(JSON.stringify({ paths, keyPath, work, byEnv, afterLogout, def: orp.loadKey().key }))
  `)
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  const workPath = join(r.cfg, 'profiles', 'work', 'api_key')
  assert.deepEqual(out.paths, [join(r.cfg, 'api_key'), workPath])
  assert.equal(out.keyPath, workPath)
  assert.equal(out.work, WORK)
  assert.equal(out.byEnv, WORK)
  assert.equal(out.afterLogout, null)
  assert.equal(out.def, KEY, 'other profiles untouched')
  assert.equal(statSync(join(r.cfg, 'profiles', 'work')).mode & 0o777, 0o700)
  assert.ok(!existsSync(workPath))
})

test('bad profile names, storages and option keys are INVALID_ARGUMENT', async () => {
  const r = await run('bad', `
    const codes = []
    for (const bad of ['../evil', 'a/b', '..', 'a\\u001b[2Jb', 'p'.repeat(65), '']) {
      for (const call of [() => orp.loadKey({ profile: bad }), () => orp.saveKey(${JSON.stringify(KEY)}, { profile: bad }), () => orp.logout({ profile: bad }), () => orp.keyPath({ profile: bad })]) {
        try { call(); codes.push('none') } catch (e) { codes.push(e.code + (e.message.includes('\\u001b') ? ' echoed' : '')) }
      }
    }
    let storage, option
    try { orp.loadKey({ storage: 'vault' }) } catch (e) { storage = e.code }
    try { orp.loadKey({ profiles: 'x' }) } catch (e) { option = e.message }
    console.log(JSON.stringify({ codes, storage, option }))
  `)
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.deepEqual([...new Set(out.codes)], ['INVALID_ARGUMENT'])
  assert.equal(out.storage, 'INVALID_ARGUMENT')
  assert.match(out.option, /profiles.*profile/)
  assert.ok(!existsSync(join(work, 'bad', 'cfg')))
})

test('login({save, profile}) stores the key in that profile', async () => {
  const r = await run('login', `
    const emu = new orp.Emulator(); await emu.start()
    const key = await orp.login({ mode: 'loopback', baseUrl: emu.baseUrl, save: true, profile: 'work' })
    console.log(JSON.stringify({ key: key.key }))
    await emu.stop()
  `, { BROWSER: FAKE_BROWSER })
  assert.equal(r.code, 0, r.stderr)
  const { key } = JSON.parse(r.stdout)
  assert.equal(readFileSync(join(r.cfg, 'profiles', 'work', 'api_key'), 'utf8'), key + '\n')
  assert.ok(!existsSync(join(r.cfg, 'api_key')))
})

test('an absent keyring is STORAGE naming the file fallback, fast', { skip: process.platform !== 'linux' && 'the Secret Service is Linux\'s keyring' }, async () => {
  const started = Date.now()
  const r = await run('absent', `
    const out = []
    for (const call of [() => orp.saveKey(${JSON.stringify(KEY)}, { storage: 'keyring' }), () => orp.loadKey({ storage: 'keyring' }), () => orp.logout({ storage: 'keyring' })]) {
      try { call(); out.push('none') } catch (e) { out.push([e.code, e.message]) }
    }
    console.log(JSON.stringify(out))
  `, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(work, 'no-bus')}` })
  assert.equal(r.code, 0, r.stderr)
  for (const [code, message] of JSON.parse(r.stdout)) {
    assert.equal(code, 'STORAGE')
    assert.match(message, /--storage file/)
    assert.ok(!message.includes(KEY))
  }
  assert.ok(Date.now() - started < 10000)
})

test('keyring round trip against a real Secret Service', { skip: !REAL_KEYRING && 'needs a Secret Service: make keyring-test' }, async () => {
  const profile = `node-${process.pid}`
  const r = await run('keyring', `
    const t = [performance.now()]
    const where = orp.saveKey(${JSON.stringify(KEY)}, { profile: ${JSON.stringify(profile)}, storage: 'keyring' })
    t.push(performance.now())
    const key = orp.loadKey({ profile: ${JSON.stringify(profile)} })
    t.push(performance.now())
    orp.logout({ profile: ${JSON.stringify(profile)} })
    t.push(performance.now())
    const gone = orp.loadKey({ profile: ${JSON.stringify(profile)}, storage: 'keyring' })
    console.log(JSON.stringify({ where, key: key.key, source: key.source, gone, ms: t.slice(1).map((v, i) => v - t[i]) }))
  `)
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.match(out.where, /keyring/)
  assert.equal(out.key, KEY)
  assert.equal(out.source, 'keyring')
  assert.equal(out.gone, null)
  assert.match(r.stderr, /https:\/\/openrouter\.ai\/keys\//)
  assert.ok(!existsSync(join(r.cfg, 'profiles', profile, 'api_key')))
  console.log(`node keyring: save ${out.ms[0].toFixed(1)} ms, load ${out.ms[1].toFixed(1)} ms, logout ${out.ms[2].toFixed(1)} ms`)
})
