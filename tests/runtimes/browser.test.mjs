// Headless Chromium (Debian's, through playwright-core) running examples/browser/ — the "Sign in with
// OpenRouter" SPA, bundled by Vite with no plugin from the npm-packed package (the `browser` condition: the
// wasm build) — through the whole flow of OpenRouter's guide against the emulator on another loopback origin:
// startAuth, the flow in sessionStorage, the emulator's consent page, Approve, back on /callback completeAuth
// (a cross-origin fetch: the emulator answers CORS), keyInfo. Then Deny, and the shared body in the same page
// context. The pages are served by `vite preview` with a Content-Security-Policy: connect-src only to the
// emulator, and 'wasm-unsafe-eval' in script-src (without it Chromium refuses to compile the module; checked).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CHROMIUM, CHROMIUM_FLAGS, PACKED, ROOT, VITE, WEBPACK, assertResult, needs, startEmulator } from './_harness.mjs'

const LABEL = 'Sign in with OpenRouter example'
const skip = needs(CHROMIUM, 'make browser-deps') || needs(VITE, 'make runtimes-tools') || needs(WEBPACK, 'make runtimes-tools')

/** The CSP the docs recommend (docs/browser.md), with the emulator in OpenRouter's place. */
const csp = (api, { wasm = true } = {}) =>
  `default-src 'self'; script-src 'self'${wasm ? " 'wasm-unsafe-eval'" : ''}; connect-src ${api}; ` +
  "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

let emu
let browser
const servers = []
const stops = []

/** Copy the example (as is) and the body page beside it, then `vite build` with the emulator as base URL. */
async function buildSpa(baseUrl) {
  const dir = join(PACKED, 'browser')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'vectors'), { recursive: true })
  for (const f of ['index.html', 'main.js', 'style.css']) cpSync(join(ROOT, 'examples', 'browser', f), join(dir, f))
  for (const f of ['body.html', 'body-page.mjs']) cpSync(join(ROOT, 'tests', 'runtimes', 'browser', f), join(dir, f))
  cpSync(join(ROOT, 'tests', 'runtimes', 'body.mjs'), join(dir, 'body.mjs'))
  for (const f of ['pkce.json', 'auth_urls.json']) cpSync(join(ROOT, 'tests', 'vectors', f), join(dir, 'vectors', f))
  const { build } = await import(VITE)
  await build({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    define: { 'import.meta.env.VITE_OPENROUTER_BASE_URL': JSON.stringify(baseUrl) },
    build: {
      outDir: join(dir, 'dist'),
      emptyOutDir: true,
      // The size is measured by `make bench` (bench/js/); here it is only noise.
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: { index: join(dir, 'index.html'), body: join(dir, 'body.html') } },
    },
  })
  return dir
}

/** The shared body's page bundled by webpack 5 (tests/runtimes/browser/body-webpack.mjs) into `<dir>/dist`. */
async function buildWithWebpack() {
  const dir = join(PACKED, 'browser-webpack')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'vectors'), { recursive: true })
  mkdirSync(join(dir, 'dist'), { recursive: true })
  cpSync(join(ROOT, 'tests', 'runtimes', 'browser', 'body-webpack.mjs'), join(dir, 'body-webpack.mjs'))
  cpSync(join(ROOT, 'tests', 'runtimes', 'body.mjs'), join(dir, 'body.mjs'))
  for (const f of ['pkce.json', 'auth_urls.json']) cpSync(join(ROOT, 'tests', 'vectors', f), join(dir, 'vectors', f))
  writeFileSync(join(dir, 'dist', 'body.html'), '<!doctype html><meta charset="utf-8"><title>webpack</title><pre id="out">running…</pre><script src="/body.js"></script>\n')
  const { default: webpack } = await import(WEBPACK)
  const stats = await new Promise((resolve, reject) => {
    webpack({
      mode: 'production',
      context: dir,
      entry: './body-webpack.mjs',
      output: { path: join(dir, 'dist'), filename: 'body.js' },
      performance: { hints: false }, // the size is make bench's
    }, (err, s) => (err ? reject(err) : resolve(s)))
  })
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }))
  return dir
}

/** `vite preview` of the build on 127.0.0.1 (a free port), with `headers`; resolves with its origin. */
async function serve(dir, headers) {
  const { preview } = await import(VITE)
  const server = await preview({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: join(dir, 'dist') },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, headers },
  })
  servers.push(server)
  const { port } = server.httpServer.address()
  return `http://127.0.0.1:${port}`
}

/** A fresh page that records page errors and console errors. */
async function newPage(t) {
  const context = await browser.newContext()
  t.after(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  const errors = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  // (Chromium asks for /favicon.ico by itself; the example has none.)
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`console: ${m.text()} (${m.location().url})`))
  return { page, errors }
}

/** `vite dev` of the example (its dependency pre-bundling, as `npm run dev` does); resolves with its origin. */
async function dev(dir, baseUrl) {
  const { createServer } = await import(VITE)
  const server = await createServer({
    root: dir,
    configFile: false,
    logLevel: 'warn',
    cacheDir: join(dir, '.vite'),
    define: { 'import.meta.env.VITE_OPENROUTER_BASE_URL': JSON.stringify(baseUrl) },
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
  })
  await server.listen()
  servers.push(server)
  return `http://127.0.0.1:${server.httpServer.address().port}`
}

let spa
before(async () => {
  if (skip) return
  emu = await startEmulator({ after: (fn) => stops.push(fn) }, { autoApprove: false })
  const dir = await buildSpa(emu)
  spa = {
    strict: await serve(dir, { 'Content-Security-Policy': csp(emu) }),
    noWasm: await serve(dir, { 'Content-Security-Policy': csp(emu, { wasm: false }) }),
    dev: await dev(dir, emu),
    webpack: await serve(await buildWithWebpack(), { 'Content-Security-Policy': csp(emu) }),
  }
  const { chromium } = await import('playwright-core')
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30000 })
})

after(async () => {
  if (browser) await browser.close()
  await Promise.all(servers.map((s) => s.close()))
  stops.forEach((fn) => fn())
})

const status = (page) => page.locator('#status')

/** The shared body's two refusals on purpose (INVALID_CODE 403, UNAUTHORIZED 401): Chromium logs every failed fetch. */
const REFUSED = /^console: Failed to load resource: the server responded with a status of (403|401) \(\w+\) \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/(auth\/keys|key)\)$/

test('Chromium: the SPA signs in with OpenRouter (approve), keeps the key in sessionStorage, resumes, signs out', { skip, timeout: 90000 }, async (t) => {
  const { page, errors } = await newPage(t)
  const origin = spa.strict
  await page.goto(origin + '/')
  assert.equal(await status(page).textContent(), 'Not connected.')

  await Promise.all([page.waitForURL((u) => u.href.startsWith(emu + '/auth?')), page.click('#sign-in')])
  const auth = new URL(page.url())
  assert.equal(auth.searchParams.get('callback_url'), `${origin}/callback`)
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256')
  assert.equal(auth.searchParams.get('key_label'), LABEL)
  const flow = await page.evaluate(() => sessionStorage.getItem('openrouter_flow'))
  assert.equal(flow, null, 'the flow is in the SPA origin\'s sessionStorage, not readable from the emulator\'s page')

  await page.click('#approve')
  await page.waitForSelector('#status[data-state=connected], #status[data-state=error]')
  const text = await status(page).textContent()
  assert.match(text, /^Connected: sk-or-v1-\w+…\w+ \(Sign in with OpenRouter example\)$/, text)
  assert.equal(page.url(), origin + '/', 'the code is still in the address bar')
  const stored = await page.evaluate(() => ({ key: sessionStorage.getItem('openrouter_key'), flow: sessionStorage.getItem('openrouter_flow'), local: localStorage.length }))
  assert.match(stored.key ?? '', /^sk-or-v1-[0-9a-f]{64}$/)
  assert.equal(stored.flow, null, 'the flow stays in sessionStorage after use')
  assert.equal(stored.local, 0)

  // A reload finds the key and asks OpenRouter about it (GET /api/v1/key with a bearer: a CORS preflight).
  await page.reload()
  await page.waitForSelector('#status[data-state=connected]')
  assert.equal(await status(page).textContent(), `Connected (${LABEL})`)

  await page.click('#sign-out')
  assert.equal(await status(page).textContent(), 'Signed out.')
  assert.equal(await page.evaluate(() => sessionStorage.getItem('openrouter_key')), null)
  assert.deepEqual(errors, [])
})

test('Chromium: Deny on the consent page is ACCESS_DENIED in the SPA, no key stored', { skip, timeout: 60000 }, async (t) => {
  const { page, errors } = await newPage(t)
  await page.goto(spa.strict + '/')
  await Promise.all([page.waitForURL((u) => u.href.startsWith(emu + '/auth?')), page.click('#sign-in')])
  await page.click('#deny')
  await page.waitForSelector('#status[data-state=error]')
  assert.match(await status(page).textContent(), /^Not connected \(ACCESS_DENIED\)/)
  assert.equal(await page.evaluate(() => sessionStorage.getItem('openrouter_key')), null)
  assert.deepEqual(errors, [])
})

test('Chromium: the example under `vite dev` (pre-bundled dependencies) signs in too', { skip, timeout: 90000 }, async (t) => {
  const { page, errors } = await newPage(t)
  await page.goto(spa.dev + '/')
  assert.equal(await status(page).textContent(), 'Not connected.')
  await Promise.all([page.waitForURL((u) => u.href.startsWith(emu + '/auth?')), page.click('#sign-in')])
  await page.click('#approve')
  await page.waitForSelector('#status[data-state=connected], #status[data-state=error]')
  assert.match(await status(page).textContent(), /^Connected: sk-or-v1-\w+…\w+ \(Sign in with OpenRouter example\)$/)
  assert.deepEqual(errors, [])
})

test('Chromium: the shared body passes in the page (the wasm build, bundled by Vite)', { skip, timeout: 60000 }, async (t) => {
  const { page, errors } = await newPage(t)
  await page.goto(spa.strict + '/body.html')
  const result = await (await page.waitForFunction(() => window.__result, null, { timeout: 30000 })).jsonValue()
  assertResult(t, result, { withFlow: false, label: 'Chromium' })
  assert.deepEqual(errors.filter((e) => !REFUSED.test(e)), [])
  assert.equal(errors.length, 2, errors.join('\n'))
})

test('Chromium: the shared body passes in a page webpack 5 bundled with no plugin (the browser condition)', { skip, timeout: 60000 }, async (t) => {
  const { page, errors } = await newPage(t)
  await page.goto(`${spa.webpack}/body.html?api=${encodeURIComponent(emu)}`)
  const result = await (await page.waitForFunction(() => window.__result, null, { timeout: 30000 })).jsonValue()
  assertResult(t, result, { withFlow: false, label: 'Chromium (webpack)' })
  assert.deepEqual(errors.filter((e) => !REFUSED.test(e)), [])
})

test("Chromium: without 'wasm-unsafe-eval' in script-src the page's CSP refuses the module (what docs/browser.md says)", { skip, timeout: 60000 }, async (t) => {
  const { page, errors } = await newPage(t)
  await page.goto(spa.noWasm + '/body.html')
  await page.waitForTimeout(1500)
  assert.equal(await page.evaluate(() => window.__result ?? null), null, 'the body ran although the CSP forbids WebAssembly')
  assert.ok(errors.some((e) => /WebAssembly|wasm-unsafe-eval|Content Security Policy/i.test(e)), `no CSP error: ${errors.join('; ')}`)
})
