// Shared helpers of the runtime tests (not a test file itself): the emulator, the tools' paths, bounded child
// processes, and the RESULT line of the shared body.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { STEP_NAMES, FLOW_STEPS } from './body.mjs'

export { CHROMIUM_FLAGS } from '../browser/chromium_flags.mjs'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, 'target')
export const CLI = join(TARGET, 'debug', 'openrouter-pkce')
export const RUNTIMES = join(ROOT, 'target', 'runtimes')
export const LINKED = join(RUNTIMES, 'linked')
export const PACKED = join(RUNTIMES, 'packed')
export const TOOLS = join(ROOT, 'target', 'tools')
export const VECTORS_URL = pathToFileURL(join(ROOT, 'tests', 'vectors')).href

// Installed by mk/runtimes.mk (pinned, under target/tools; the paths are overridable).
export const DENO = process.env.OPENROUTER_PKCE_TEST_DENO || join(TOOLS, 'deno', 'node_modules', '@deno', 'linux-x64-glibc', 'deno')
export const BUN = process.env.OPENROUTER_PKCE_TEST_BUN || join(TOOLS, 'bun', 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun')
export const WORKERD = process.env.OPENROUTER_PKCE_TEST_WORKERD || join(TOOLS, 'workerd', 'node_modules', '@cloudflare', 'workerd-linux-64', 'bin', 'workerd')
export const ESBUILD = join(TOOLS, 'esbuild', 'node_modules', 'esbuild', 'lib', 'main.js')
export const WRANGLER = join(TOOLS, 'wrangler', 'node_modules', 'wrangler', 'bin', 'wrangler.js')
export const WEBPACK = join(TOOLS, 'webpack', 'node_modules', 'webpack', 'lib', 'index.js')
export const VITE = join(TOOLS, 'vite', 'node_modules', 'vite', 'dist', 'node', 'index.js')
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
// Browser engines beyond Chromium (mk/runtimes.mk `engines-deps`: Debian's firefox-esr, WebKitGTK's WebDriver and
// MiniBrowser, Xvfb for it; puppeteer-core from npm, which speaks WebDriver BiDi to a stock Firefox).
export const FIREFOX = process.env.OPENROUTER_PKCE_TEST_FIREFOX || '/usr/bin/firefox-esr'
export const WEBKIT_DRIVER = process.env.OPENROUTER_PKCE_TEST_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver'
export const MINIBROWSER = process.env.OPENROUTER_PKCE_TEST_MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
export const XVFB_RUN = '/usr/bin/xvfb-run'
export const PUPPETEER = join(TOOLS, 'puppeteer', 'node_modules', 'puppeteer-core', 'lib', 'esm', 'puppeteer', 'puppeteer-core.js')
export const PYTHON = process.env.PYTHON || join(ROOT, '.venv', 'bin', 'python')

/** The number of steps the shared body runs (with or without the `approve` flow steps). */
export const stepCount = (withFlow) => STEP_NAMES.length + (withFlow ? FLOW_STEPS.length : 0)

/** A skip reason when `path` is missing outside CI; under CI (env CI set) a missing tool is a failure instead. */
export function needs(path, how) {
  if (existsSync(path)) return false
  return process.env.CI ? false : `${path} is missing (${how}); this test only skips outside CI`
}

/** `openrouter-pkce emulator --port 0` (auto-approve unless `approve: false`); resolves with its base URL. */
export function startEmulator(t, { autoApprove = true } = {}) {
  assert.ok(existsSync(CLI), `build the CLI first: cargo build -p openrouter-pkce --features cli --bin openrouter-pkce (${CLI})`)
  const args = ['emulator', '--port', '0', ...(autoApprove ? [] : ['--no-auto-approve'])]
  const proc = spawn(CLI, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => proc.kill('SIGTERM'))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not print its URL within 20 s')), 20000)
    proc.once('error', reject)
    proc.once('exit', (code) => reject(new Error(`the emulator exited early (${code})`)))
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
  })
}

/** Run a command to completion within `timeoutMs` (then SIGKILL and a failure); resolves with { code, stdout, stderr }. */
export function run(cmd, args, { cwd, env, timeoutMs = 60000, input } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => (stdout += d))
    proc.stderr.on('data', (d) => (stderr += d))
    if (input !== undefined) proc.stdin.end(input)
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`${cmd} ${args.join(' ').slice(0, 200)}: no exit within ${timeoutMs} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`))
    }, timeoutMs)
    proc.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    proc.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A long-running child (a server), killed when the test ends (with `group`, its whole process group: for a
 * server that forks its own, as `next start` does); `ready` resolves once `ready(line)` on stdout or stderr
 * returns true. */
export function serve(t, cmd, args, { cwd, env, ready, timeoutMs = 30000, group = false }) {
  const proc = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: group })
  t.after(() => {
    try {
      if (group) process.kill(-proc.pid, 'SIGKILL')
      else proc.kill('SIGKILL')
    } catch {} // gone already
  })
  let log = ''
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} was not ready within ${timeoutMs} ms:\n${log.slice(-3000)}`)), timeoutMs)
    const onLine = (line) => {
      log += line + '\n'
      if (ready(line)) {
        clearTimeout(timer)
        resolve()
      }
    }
    createInterface({ input: proc.stdout }).on('line', onLine)
    createInterface({ input: proc.stderr }).on('line', onLine)
    proc.once('error', reject)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${cmd} exited (${code}) before it was ready:\n${log.slice(-3000)}`))
    })
  })
  return { proc, ready: done, log: () => log }
}

/** The shared body's result from a `RESULT {json}` line; asserts that every step ran and passed. */
export function assertResult(t, result, { withFlow, label }) {
  assert.ok(result && Array.isArray(result.steps), `${label}: no result`)
  for (const s of result.steps) t.diagnostic(`${label}: ${s.ok ? 'ok' : 'FAILED'} — ${s.name}${s.ok ? '' : `: ${s.error}`}`)
  const failures = result.steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.error}`)
  assert.deepEqual(failures, [], `${label}: ${failures.length} step(s) failed`)
  assert.equal(result.steps.length, stepCount(withFlow), `${label}: ${result.steps.length} steps ran, not ${stepCount(withFlow)}`)
  assert.equal(result.passed, stepCount(withFlow))
}

export function parseResult(stdout, label) {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
  assert.ok(line, `${label}: no RESULT line on stdout:\n${stdout.slice(-3000)}`)
  return JSON.parse(line.slice('RESULT '.length))
}

export function tempDir(t, name) {
  const dir = mkdtempSync(join(tmpdir(), `openrouter-pkce-${name}-`))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A free TCP port on 127.0.0.1 (for a server that takes its port from a config file, as workerd does). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}
