// The real thing, once: `openrouter-pkce login --mode loopback` opens a real (headless) Chromium through
// BROWSER, which clicks Approve (or Deny) on the emulator's consent page; the key arrives over the loopback
// callback. Run with `make browser-test` (installs Chromium and playwright-core, builds the debug CLI).
//
// Skipped only when Chromium is missing outside CI; under CI (env CI set) a missing Chromium is a failure.
// OPENROUTER_PKCE_SCREENSHOT_DIR keeps the screenshots (consent and callback pages) in that directory.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')
const APPROVE = join(HERE, 'approve.mjs')
const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, 'target')
const CLI = join(TARGET, 'debug', 'openrouter-pkce')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const EXIT_ACCESS_DENIED = 6
const LABEL = 'browser test'

const skip =
  !existsSync(CHROMIUM) && !process.env.CI
    ? `${CHROMIUM} is missing (run \`make browser-deps\`); this test only skips outside CI`
    : false

/** Start `openrouter-pkce emulator --port 0 --no-auto-approve`; resolves with its base URL once it listens. */
function startEmulator(t) {
  const proc = spawn(CLI, ['emulator', '--port', '0', '--no-auto-approve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.after(() => proc.kill('SIGTERM'))
  return new Promise((resolve, reject) => {
    proc.once('error', reject)
    proc.once('exit', (code) => reject(new Error(`the emulator exited early (${code})`)))
    createInterface({ input: proc.stdout }).once('line', (line) => resolve(line.trim()))
  })
}

/** Run the CLI to completion; resolves with { code, stdout, stderr }. With `browserLogPath`, a browser that
 * reports an error stops the login at once (SIGTERM) instead of leaving it waiting for its timeout. */
function run(args, env, browserLogPath) {
  return new Promise((resolve, reject) => {
    const proc = spawn(CLI, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => (stdout += d))
    proc.stderr.on('data', (d) => (stderr += d))
    const watch =
      browserLogPath &&
      setInterval(() => {
        if (readEvents(browserLogPath).some((e) => e.event === 'error')) proc.kill('SIGTERM')
      }, 250)
    proc.once('error', reject)
    proc.once('close', (code) => {
      if (watch) clearInterval(watch)
      resolve({ code, stdout, stderr })
    })
  })
}

function readEvents(path) {
  return existsSync(path)
    ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : []
}

/** A clean environment: no key or base URL from the caller, a fresh config dir, our BROWSER. */
function loginEnv(dir, extra = {}) {
  const env = { ...process.env }
  delete env.OPENROUTER_API_KEY
  delete env.OPENROUTER_PKCE_BASE_URL
  return {
    ...env,
    OPENROUTER_PKCE_CONFIG_DIR: join(dir, 'config'),
    // One BROWSER entry, split like a shell (quotes), the URL appended as the last argument.
    BROWSER: `'${process.execPath}' '${APPROVE}'`,
    OPENROUTER_PKCE_BROWSER_LOG: join(dir, 'browser.log'),
    CHROMIUM_PATH: CHROMIUM,
    ...extra,
  }
}

/** The JSON lines approve.mjs appended; waits up to `ms` for its `done` (or `error`) line. */
async function browserLog(path, ms = 15000) {
  const until = Date.now() + ms
  for (;;) {
    const events = readEvents(path)
    if (events.some((e) => e.event === 'done' || e.event === 'error') || Date.now() > until) return events
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Whether something still accepts connections on host:port. */
function listening(host, port) {
  return new Promise((resolve) => {
    const sock = connect({ host, port })
    sock.setTimeout(2000)
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('timeout', () => {
      sock.destroy()
      resolve(false)
    })
    sock.once('error', () => resolve(false))
  })
}

function assertPng(path) {
  assert.ok(existsSync(path), `no screenshot at ${path}`)
  const head = readFileSync(path).subarray(0, 8)
  assert.deepEqual([...head], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${path} is not a PNG`)
}

async function assertPortClosed(port) {
  assert.ok(Number.isInteger(port) && port > 0, `no callback port in the browser log: ${port}`)
  assert.equal(await listening('127.0.0.1', port), false, `127.0.0.1:${port} still listens`)
  assert.equal(await listening('::1', port), false, `[::1]:${port} still listens`)
}

function tempDir(t, name) {
  const dir = mkdtempSync(join(tmpdir(), `openrouter-pkce-${name}-`))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function shotPaths(dir, name) {
  const keep = process.env.OPENROUTER_PKCE_SCREENSHOT_DIR
  const base = keep || dir
  return {
    OPENROUTER_PKCE_CONSENT_SCREENSHOT: join(base, `${name}-consent.png`),
    OPENROUTER_PKCE_SCREENSHOT: join(base, `${name}-callback.png`),
  }
}

test('Chromium approves on the consent page and the key arrives', { skip, timeout: 150000 }, async (t) => {
  assert.ok(existsSync(CLI), `build the CLI first: cargo build -p openrouter-pkce --bin openrouter-pkce (${CLI})`)
  const emu = await startEmulator(t)
  const dir = tempDir(t, 'approve')
  const shots = shotPaths(dir, 'approve')
  const env = loginEnv(dir, { APPROVE_ACTION: 'approve', ...shots })

  const started = Date.now()
  const login = await run(
    ['login', '--mode', 'loopback', '--base-url', emu, '--json', '--timeout', '90', '--label', LABEL, '--save'],
    env,
    env.OPENROUTER_PKCE_BROWSER_LOG,
  )
  const events = await browserLog(env.OPENROUTER_PKCE_BROWSER_LOG)
  const error = events.find((e) => e.event === 'error')
  assert.equal(error, undefined, `the browser failed: ${error?.message}`)
  t.diagnostic(`login took ${Date.now() - started} ms; browser: ${events.map((e) => e.event).join(' → ')}`)
  assert.equal(login.code, 0, `login failed (${login.code}):\n${login.stderr}\nbrowser log: ${JSON.stringify(events)}`)

  // What the browser saw: the consent page, then the loopback callback saying "You're connected".
  assert.equal(events.find((e) => e.event === 'consent')?.status, 200)
  const callback = events.find((e) => e.event === 'callback')
  assert.ok(callback, `the browser never reached the callback: ${JSON.stringify(events)}`)
  assert.ok(events.some((e) => e.event === 'done'))
  assertPng(shots.OPENROUTER_PKCE_CONSENT_SCREENSHOT)
  assertPng(shots.OPENROUTER_PKCE_SCREENSHOT)

  // The CLI's answer: a masked key, saved; the full key is printed nowhere.
  const out = JSON.parse(login.stdout)
  assert.match(out.masked, /^sk-or-v1-/)
  assert.ok(out.masked.includes('…'), `not masked: ${out.masked}`)
  assert.equal(out.saved_path, join(env.OPENROUTER_PKCE_CONFIG_DIR, 'api_key'))
  assert.equal(out.key, undefined)
  const key = readFileSync(out.saved_path, 'utf8').trim()
  assert.match(key, /^sk-or-v1-/)
  assert.ok(key.length > out.masked.length - 1, 'the stored key looks masked')
  assert.ok(!login.stdout.includes(key), 'the full key is on stdout')
  assert.ok(!login.stderr.includes(key), 'the full key is on stderr')

  // The loopback port is closed once the callback is answered.
  await assertPortClosed(callback.port)

  // The saved key is the one the emulator minted with our label.
  const who = await run(['whoami', '--json', '--base-url', emu], env)
  assert.equal(who.code, 0, who.stderr)
  const info = JSON.parse(who.stdout)
  assert.equal(info.label, LABEL)
  assert.equal(info.masked, out.masked)
  assert.equal(info.source, out.saved_path)
  assert.ok(!who.stdout.includes(key) && !who.stderr.includes(key), 'whoami printed the full key')
})

test('Chromium denies on the consent page: ACCESS_DENIED, exit 6, port closed', { skip, timeout: 150000 }, async (t) => {
  assert.ok(existsSync(CLI), `build the CLI first: cargo build -p openrouter-pkce --bin openrouter-pkce (${CLI})`)
  const emu = await startEmulator(t)
  const dir = tempDir(t, 'deny')
  const shots = shotPaths(dir, 'deny')
  const env = loginEnv(dir, { APPROVE_ACTION: 'deny', ...shots })

  const login = await run(
    ['login', '--mode', 'loopback', '--base-url', emu, '--json', '--timeout', '90', '--save'],
    env,
    env.OPENROUTER_PKCE_BROWSER_LOG,
  )
  const events = await browserLog(env.OPENROUTER_PKCE_BROWSER_LOG)
  const error = events.find((e) => e.event === 'error')
  assert.equal(error, undefined, `the browser failed: ${error?.message}`)
  assert.equal(
    login.code,
    EXIT_ACCESS_DENIED,
    `expected exit ${EXIT_ACCESS_DENIED}, got ${login.code}:\n${login.stderr}\nbrowser log: ${JSON.stringify(events)}`,
  )
  assert.match(login.stderr, /\[ACCESS_DENIED\]/)
  assert.equal(login.stdout, '', 'nothing on stdout after a denial')

  const callback = events.find((e) => e.event === 'callback')
  assert.ok(callback, `the browser never reached the callback: ${JSON.stringify(events)}`)
  assertPng(shots.OPENROUTER_PKCE_SCREENSHOT)

  await assertPortClosed(callback.port)
  assert.equal(existsSync(join(env.OPENROUTER_PKCE_CONFIG_DIR, 'api_key')), false, 'a key was saved after a denial')
})
