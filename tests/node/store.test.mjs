// Key storage (loadKey / saveKey / logout) and the `openrouter-pkce` command, each in a child process
// with its own OPENROUTER_PKCE_CONFIG_DIR.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Emulator } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

const FAKE_BROWSER = join(ROOT, 'core', 'tests', 'fixtures', 'fake-browser.sh')
const CLI = join(ROOT, 'bindings-node', 'cli.js')
const KEY = 'sk-or-v1-' + 'ab12'.repeat(16)
let work
let emu

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'orp-store-'))
  emu = new Emulator()
  await emu.start()
})
after(async () => {
  await emu.stop()
  rmSync(work, { recursive: true, force: true })
})

/** Run `node args` with `env` added (and OPENROUTER_API_KEY removed unless given); resolves {code, stdout, stderr}. */
function run(args, env, input) {
  const base = { ...process.env }
  delete base.OPENROUTER_API_KEY
  delete base.OPENROUTER_PKCE_BASE_URL
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: ROOT, env: { ...base, ...env }, timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, signal: err && err.signal, stdout, stderr })
    })
    if (input !== undefined) child.stdin.end(input)
  })
}

function script(body) {
  return ['--input-type=module', '-e', `import * as orp from 'openrouter-pkce'\n${body}`]
}

test('saveKey / loadKey / logout with modes 0600 in 0700', async () => {
  const dir = join(work, 'cfg1', 'nested')
  const r = await run(
    script(`
      const path = orp.saveKey(${JSON.stringify(KEY)})
      console.log(JSON.stringify({ path, keyPath: orp.keyPath(), loaded: orp.loadKey().key === ${JSON.stringify(KEY)} }))
    `),
    { OPENROUTER_PKCE_CONFIG_DIR: dir },
  )
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.equal(out.path, join(dir, 'api_key'))
  assert.equal(out.keyPath, out.path)
  assert.equal(out.loaded, true)
  assert.equal(statSync(out.path).mode & 0o777, 0o600)
  assert.equal(statSync(dir).mode & 0o777, 0o700)

  const gone = await run(script(`orp.logout(); console.log(JSON.stringify(orp.loadKey()))`), { OPENROUTER_PKCE_CONFIG_DIR: dir })
  assert.equal(gone.code, 0, gone.stderr)
  assert.equal(gone.stdout.trim(), 'null')
  assert.match(gone.stderr, /revoke it: https:\/\/openrouter\.ai\/keys\/[0-9a-f]{64}/)
  assert.ok(!gone.stderr.includes(KEY), 'the full key is never printed')
})

test('OPENROUTER_API_KEY wins over the stored key; saveKey takes an ApiKey; bad keys refused', async () => {
  const dir = join(work, 'cfg2')
  const r = await run(
    script(`
      orp.saveKey(${JSON.stringify(KEY)})
      const env = orp.loadKey().key
      let bad = null
      try { orp.saveKey('has space') } catch (e) { bad = e.code }
      console.log(JSON.stringify({ env, bad }))
    `),
    { OPENROUTER_PKCE_CONFIG_DIR: dir, OPENROUTER_API_KEY: ' sk-or-v1-fromenv ' },
  )
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), { env: 'sk-or-v1-fromenv', bad: 'INVALID_ARGUMENT' })

  const withKey = await run(
    script(`
      const emu = new orp.Emulator(); await emu.start()
      const key = await orp.login({ mode: 'loopback', baseUrl: emu.baseUrl })
      orp.saveKey(key)
      console.log(JSON.stringify({ same: orp.loadKey().key === key.key }))
      await emu.stop()
    `),
    { OPENROUTER_PKCE_CONFIG_DIR: dir, BROWSER: FAKE_BROWSER },
  )
  assert.equal(withKey.code, 0, withKey.stderr)
  assert.deepEqual(JSON.parse(withKey.stdout), { same: true })
})

test('a shared config directory is refused and left unchanged (issue 11 item 2)', async () => {
  const dir = join(work, 'shared')
  mkdirSync(dir)
  chmodSync(dir, 0o1777)
  const r = await run(
    script(`
      let code = null, message = ''
      try { orp.saveKey(${JSON.stringify(KEY)}) } catch (e) { code = e.code; message = e.message }
      console.log(JSON.stringify({ code, message }))
    `),
    { OPENROUTER_PKCE_CONFIG_DIR: dir },
  )
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.equal(out.code, 'STORAGE')
  assert.match(out.message, /writable by other users/)
  assert.equal(statSync(dir).mode & 0o7777, 0o1777)
  assert.deepEqual(readdirSync(dir), [])
})

test('OPENROUTER_API_KEY has the one key shape; a BOM and whitespace are trimmed (issue 11 item 4)', async () => {
  const dir = join(work, 'cfg-shape')
  for (const bad of ['hello', 'sk-or-v1-a\u001b[2J', 'sk-or v1', 'sk-or-v1-\u202eab', 'sk-' + 'a'.repeat(100000)]) {
    const r = await run(
      script(`
        let code = null, message = '', key
        try { key = orp.loadKey() } catch (e) { code = e.code; message = e.message }
        console.log(JSON.stringify({ code, message, key }))
      `),
      { OPENROUTER_PKCE_CONFIG_DIR: dir, OPENROUTER_API_KEY: bad },
    )
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.code, 'STORAGE', JSON.stringify(bad).slice(0, 40))
    assert.match(out.message, /OPENROUTER_API_KEY/)
    assert.ok(!out.message.includes(bad.trim()))
  }
  const ok = await run(script(`console.log(JSON.stringify(orp.loadKey().key))`), {
    OPENROUTER_PKCE_CONFIG_DIR: dir,
    OPENROUTER_API_KEY: '\ufeff' + KEY + '\r\n',
  })
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(JSON.parse(ok.stdout), KEY)
})

test('login({save: true}) stores the key', async () => {
  const dir = join(work, 'cfg3')
  const r = await run(
    script(`
      const emu = new orp.Emulator(); await emu.start()
      const key = await orp.login({ mode: 'loopback', baseUrl: emu.baseUrl, save: true })
      console.log(JSON.stringify({ same: orp.loadKey().key === key.key }))
      await emu.stop()
    `),
    { OPENROUTER_PKCE_CONFIG_DIR: dir, BROWSER: FAKE_BROWSER },
  )
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), { same: true })
  assert.match(r.stderr, /Saved the key to /)
})

test('the CLI end to end: login --json --save, whoami --json, logout, pkce --json', async () => {
  const env = { OPENROUTER_PKCE_CONFIG_DIR: join(work, 'cli'), BROWSER: FAKE_BROWSER }
  const li = await run([CLI, 'login', '--json', '--save', '--mode', 'loopback', '--label', 'cli', '--base-url', emu.baseUrl], env)
  assert.equal(li.code, 0, li.stderr)
  const logged = JSON.parse(li.stdout)
  assert.match(JSON.stringify(logged), /sk-or-v1-..…/)
  assert.match(li.stderr, /\/auth\?callback_url=/, 'the URL goes to stderr')

  const who = await run([CLI, 'whoami', '--json', '--base-url', emu.baseUrl], env)
  assert.equal(who.code, 0, who.stderr)
  assert.equal(JSON.parse(who.stdout).label, 'cli')

  const out = await run([CLI, 'logout'], env)
  assert.equal(out.code, 0, out.stderr)
  assert.match(out.stdout + out.stderr, /revoke/)

  const none = await run([CLI, 'whoami', '--json', '--base-url', emu.baseUrl], env)
  assert.notEqual(none.code, 0)

  const pk = await run([CLI, 'pkce', '--json'], {})
  assert.equal(pk.code, 0, pk.stderr)
  const pair = JSON.parse(pk.stdout)
  assert.equal(Object.values(pair).some((v) => typeof v === 'string' && v.length === 43), true)

  const bad = await run([CLI, 'nonsense'], {})
  assert.notEqual(bad.code, 0)
})

test('the CLI: SIGINT cancels a waiting login (exit 130)', async () => {
  const { spawn } = await import('node:child_process')
  const child = spawn(process.execPath, [CLI, 'login', '--mode', 'loopback', '--no-browser', '--base-url', emu.baseUrl], {
    cwd: ROOT,
    env: { ...process.env, OPENROUTER_PKCE_CONFIG_DIR: join(work, 'cli2') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  await new Promise((resolve) => {
    child.stderr.on('data', (d) => {
      err += d
      if (err.includes('/auth?')) resolve()
    })
  })
  const t0 = Date.now()
  child.kill('SIGINT')
  const code = await new Promise((r) => child.on('exit', (c) => r(c)))
  assert.equal(code, 130, err)
  assert.ok(Date.now() - t0 < 5000)
  assert.match(err, /CANCELLED/)
})

test('the CLI: login --with-token honours --no-save and --print-key (issue 17 item 2)', async () => {
  const { spawnSync } = await import('node:child_process')
  const { existsSync } = await import('node:fs')
  const dir = join(work, 'cli-token')
  const key = emu.createKey()
  for (const [args, saved] of [[['--no-save'], false], [['--no-save', '--print-key'], false], [[], true]]) {
    const r = spawnSync(process.execPath, [CLI, 'login', '--with-token', ...args, '--base-url', emu.baseUrl], {
      env: { ...process.env, OPENROUTER_PKCE_CONFIG_DIR: dir, OPENROUTER_API_KEY: '' },
      input: `${key}\n`,
      encoding: 'utf8',
    })
    assert.equal(r.status, 0, r.stderr)
    assert.equal(existsSync(join(dir, 'api_key')), saved, args.join(' '))
    assert.equal(/Saved to/.test(r.stdout + r.stderr), saved, args.join(' '))
    if (args.includes('--print-key')) assert.equal(r.stdout.trim(), key)
  }
})
