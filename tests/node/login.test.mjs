// The one-click login against the emulator: loopback with a simulated browser (BROWSER = the fake
// browser, which follows the redirects), headless with a pasted code or callback URL, timeout, abort,
// a taken port, and that nothing keeps the process alive afterwards.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, connect } from 'node:net'
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Emulator, Client, login, keyInfo, OpenRouterPkceError } from 'openrouter-pkce'
import { ROOT, rejectsWith } from './_helpers.mjs'

const FAKE_BROWSER = join(ROOT, 'core', 'tests', 'fixtures', 'fake-browser.sh')
const CHILD = join(ROOT, 'tests', 'node', 'fixtures', 'login_child.mjs')
let emu
let work

before(async () => {
  emu = new Emulator()
  await emu.start()
  work = mkdtempSync(join(tmpdir(), 'orp-login-'))
  process.env.BROWSER = FAKE_BROWSER // the core reads BROWSER when it launches the browser
})

after(async () => {
  await emu.stop()
  rmSync(work, { recursive: true, force: true })
})

/** The loopback callback port advertised in an authorization URL. */
function callbackPort(url) {
  return Number(new URL(new URL(url).searchParams.get('callback_url')).port)
}

/** Resolves to true when a TCP connection to 127.0.0.1:port is refused. */
function refused(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    s.on('connect', () => {
      s.destroy()
      resolve(false)
    })
    s.on('error', (e) => resolve(e.code === 'ECONNREFUSED'))
  })
}

/** The code the emulator's headless page shows for `url`. */
async function headlessCode(url) {
  const page = await (await fetch(url)).text()
  const m = page.match(/<code id="code">([^<]+)<\/code>/)
  assert.ok(m, 'the headless page shows a code')
  return m[1]
}

/** Run the login child; `onUrl(url, child)` is called when it shows the URL. */
function runChild(opts, env, onUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(opts)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the child did not exit by itself; stdout: ${out}; stderr: ${err}`))
    }, 30000)
    let partial = ''
    child.stdout.on('data', (d) => {
      out += d
      const lines = (partial + d).split('\n')
      partial = lines.pop()
      for (const line of lines) {
        if (line.startsWith('URL ') && onUrl) Promise.resolve(onUrl(JSON.parse(line.slice(4)), child)).catch(reject)
      }
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => {
      clearTimeout(timer)
      const result = out.split('\n').find((l) => l.startsWith('RESULT ') || l.startsWith('ERROR '))
      resolve({ code, out, err, result })
    })
  })
}

test('loopback login with the simulated browser: masked key, key info, port closed', async () => {
  let shown
  const key = await login({ mode: 'loopback', baseUrl: emu.baseUrl, keyLabel: 'one-click', onUrl: (url, o) => (shown = { url, ...o }) })
  assert.match(String(key), /^sk-or-v1-..…/)
  assert.ok(!JSON.stringify(key).includes(key.key))
  assert.equal(shown.headless, false)
  assert.match(shown.url, /^http:\/\/127\.0\.0\.1:\d+\/auth\?callback_url=http%3A%2F%2Flocalhost%3A\d+%2Fcallback%2F/)
  const info = await keyInfo(key.key, { baseUrl: emu.baseUrl })
  assert.equal(info.label, 'one-click')
  assert.ok(await refused(callbackPort(shown.url)), 'the callback port is closed after the login')
})

test('Client#login uses the client base URL', async () => {
  const client = new Client({ baseUrl: emu.baseUrl })
  const key = await client.login({ mode: 'loopback', keyLabel: 'client' })
  assert.equal((await client.keyInfo(key.key)).label, 'client')
})

test('timeout → CALLBACK_TIMEOUT and the port closed', async () => {
  let url
  const t0 = Date.now()
  await rejectsWith(login({ mode: 'loopback', openBrowser: false, timeoutMs: 300, baseUrl: emu.baseUrl, onUrl: (u) => (url = u) }), 'CALLBACK_TIMEOUT')
  assert.ok(Date.now() - t0 < 5000)
  assert.ok(await refused(callbackPort(url)))
})

test('AbortSignal → CANCELLED promptly and the port closed', async () => {
  const ac = new AbortController()
  let url
  const pending = login({
    mode: 'loopback',
    openBrowser: false,
    baseUrl: emu.baseUrl,
    signal: ac.signal,
    onUrl: (u) => {
      url = u
      setTimeout(() => ac.abort(), 50)
    },
  })
  const t0 = Date.now()
  const err = await rejectsWith(pending, 'CANCELLED')
  assert.ok(err instanceof OpenRouterPkceError)
  assert.ok(Date.now() - t0 < 2000, 'aborted promptly')
  assert.ok(url)
  assert.ok(await refused(callbackPort(url)))
})

test('an already-aborted signal rejects at once, before anything starts', async () => {
  let called = false
  await rejectsWith(login({ signal: AbortSignal.abort(), baseUrl: emu.baseUrl, onUrl: () => (called = true) }), 'CANCELLED')
  assert.equal(called, false)
})

test('PORT_IN_USE before any browser opens', async () => {
  const server = createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const port = server.address().port
  const marker = join(work, 'browser-opened')
  const wrapper = join(work, 'marker-browser.sh')
  writeFileSync(wrapper, `#!/bin/sh\ntouch '${marker}'\nexec '${FAKE_BROWSER}' "$@"\n`)
  chmodSync(wrapper, 0o755)
  process.env.BROWSER = wrapper
  try {
    await rejectsWith(login({ mode: 'loopback', host: '127.0.0.1', port, baseUrl: emu.baseUrl, timeoutMs: 5000 }), 'PORT_IN_USE')
    assert.equal(existsSync(marker), false, 'no browser was launched')
  } finally {
    process.env.BROWSER = FAKE_BROWSER
    server.close()
  }
})

test('bad options are INVALID_ARGUMENT', async () => {
  await rejectsWith(login({ mode: 'sideways' }), 'INVALID_ARGUMENT')
  await rejectsWith(login({ port: 70000 }), 'INVALID_ARGUMENT')
  await rejectsWith(login({ host: 'example.com' }), 'INVALID_ARGUMENT')
  await rejectsWith(login({ timeoutMs: -1 }), 'INVALID_ARGUMENT')
  await rejectsWith(login({ onUrl: 'nope' }), 'INVALID_ARGUMENT')
})

test('a child process exits by itself after a loopback login', async () => {
  const r = await runChild({ mode: 'loopback', baseUrl: emu.baseUrl, keyLabel: 'child' }, { BROWSER: FAKE_BROWSER })
  assert.equal(r.code, 0, r.err)
  assert.match(r.result, /^RESULT /, r.out + r.err)
  assert.equal(JSON.parse(r.result.slice(7)).label, 'child')
})

test('auto in an SSH session goes headless; the pasted code completes it (piped stdin)', async () => {
  const env = { SSH_CONNECTION: 'x', BROWSER: '' }
  const r = await runChild({ baseUrl: emu.baseUrl, keyLabel: 'pasted' }, env, async (shown, child) => {
    assert.equal(shown.headless, true)
    assert.ok(!shown.url.includes('callback_url'))
    child.stdin.write('\n') // an empty line asks again
    child.stdin.write((await headlessCode(shown.url)) + '\n')
  })
  assert.equal(r.code, 0, r.err)
  assert.match(r.result, /^RESULT /, r.out + r.err)
  assert.equal(JSON.parse(r.result.slice(7)).label, 'pasted')
  assert.match(r.err, /headless/)
})

test('headless with a pasted callback URL', async () => {
  const r = await runChild({ mode: 'headless', baseUrl: emu.baseUrl, keyLabel: 'url' }, {}, async (shown, child) => {
    child.stdin.write('not a code!\n') // a mistake asks again
    const code = await headlessCode(shown.url)
    child.stdin.write(`http://localhost:1234/callback?code=${code}\n`)
  })
  assert.equal(r.code, 0, r.err)
  assert.match(r.result, /^RESULT /, r.out + r.err)
  assert.match(r.err, /Try again/)
})

test('headless with stdin closed ends CANCELLED, and the process exits', async () => {
  const r = await runChild({ mode: 'headless', baseUrl: emu.baseUrl }, {}, (shown, child) => child.stdin.end())
  assert.equal(r.result, 'ERROR CANCELLED', r.out + r.err)
})

test('without onUrl the URL goes to stderr', async () => {
  const r = await runChild({ mode: 'loopback', baseUrl: emu.baseUrl, onUrl: false }, { BROWSER: FAKE_BROWSER })
  assert.match(r.result, /^RESULT /, r.out + r.err)
  assert.match(r.err, /http:\/\/127\.0\.0\.1:\d+\/auth\?callback_url=/)
  assert.ok(!r.out.includes('/auth?'), 'nothing on stdout but the result')
})
