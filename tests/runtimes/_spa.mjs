// The browser tests' shared parts (not a test file itself): examples/browser/ and the shared body's pages built
// by Vite and webpack 5 from the npm-packed package, served with the CSP docs/browser.md recommends, and the
// SPA's flows written once over a small driver interface, so that Chromium (playwright-core), Firefox
// (puppeteer-core over WebDriver BiDi) and WebKit (WebKitGTK's WebDriver) run the very same steps.
//
// A driver is { goto(url), evaluate(expression) → JSON value, click(selector), url() }: each browser test
// adapts its automation library to it (see browser.test.mjs and engines.test.mjs).
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKED, ROOT, VITE, WEBPACK } from './_harness.mjs'

export const LABEL = 'Sign in with OpenRouter example'

/** The CSP the docs recommend (docs/browser.md), with the emulator in OpenRouter's place. */
export const csp = (api, { wasm = true } = {}) =>
  `default-src 'self'; script-src 'self'${wasm ? " 'wasm-unsafe-eval'" : ''}; connect-src ${api}; ` +
  "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/** The servers the helpers below started; `closeServers()` stops them. */
const servers = []

export const closeServers = () => Promise.all(servers.splice(0).map((s) => s.close()))

/** Copy the example (as is) and the body page beside it into target/runtimes/packed/`name`, then `vite build`
 * with the emulator as base URL. */
export async function buildSpa(baseUrl, name) {
  const dir = join(PACKED, name)
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

/** The shared body bundled by webpack 5 into `<dir>/dist`: for a page (tests/runtimes/browser/body-webpack.mjs,
 * webpack's defaults: target `web`) as body.html, and for a Web Worker (body-webworker.mjs, `target:
 * 'webworker'`) started by worker.html. */
export async function buildWithWebpack(name) {
  const dir = join(PACKED, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'vectors'), { recursive: true })
  mkdirSync(join(dir, 'dist'), { recursive: true })
  for (const f of ['body-webpack.mjs', 'body-webworker.mjs']) cpSync(join(ROOT, 'tests', 'runtimes', 'browser', f), join(dir, f))
  cpSync(join(ROOT, 'tests', 'runtimes', 'browser', 'webworker-page.js'), join(dir, 'dist', 'webworker-page.js'))
  cpSync(join(ROOT, 'tests', 'runtimes', 'body.mjs'), join(dir, 'body.mjs'))
  for (const f of ['pkce.json', 'auth_urls.json']) cpSync(join(ROOT, 'tests', 'vectors', f), join(dir, 'vectors', f))
  const page = (title, script) =>
    `<!doctype html><meta charset="utf-8"><title>${title}</title><pre id="out">running…</pre><script src="/${script}"></script>\n`
  writeFileSync(join(dir, 'dist', 'body.html'), page('webpack', 'body.js'))
  writeFileSync(join(dir, 'dist', 'worker.html'), page('webpack: a Web Worker', 'webworker-page.js'))
  const { default: webpack } = await import(WEBPACK)
  const bundle = (entry, filename, extra) => new Promise((resolve, reject) => {
    webpack({
      mode: 'production',
      context: dir,
      entry,
      output: { path: join(dir, 'dist'), filename },
      performance: { hints: false }, // the size is make bench's
      ...extra,
    }, (err, stats) => (err ? reject(err) : resolve(stats)))
  })
  for (const stats of [await bundle('./body-webpack.mjs', 'body.js', {}), await bundle('./body-webworker.mjs', 'worker.js', { target: 'webworker' })]) {
    assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }))
  }
  return dir
}

/** `vite preview` of the build on 127.0.0.1 (a free port), with `headers`; resolves with its origin. */
export async function serve(dir, headers) {
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

/** `vite dev` of the example (its dependency pre-bundling, as `npm run dev` does); resolves with its origin. */
export async function dev(dir, baseUrl) {
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

/** Poll `probe()` every 100 ms until it resolves truthy (a probe that throws — the page is navigating, its
 * context went away under the call — is tried again); resolves with that value. */
async function poll(probe, { timeoutMs = 20000, what }) {
  const end = Date.now() + timeoutMs
  let last
  while (Date.now() < end) {
    try {
      const value = await probe()
      if (value) return value
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what}: not true within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ''}`)
}

/** Poll `expression` in the page until it is truthy; resolves with it. */
export const waitFor = (driver, expression, { timeoutMs, what = expression } = {}) =>
  poll(() => driver.evaluate(expression), { timeoutMs, what })

/** Poll the driver's URL until `test(url)`; resolves with it. */
async function waitForUrl(driver, test, what) {
  const seen = { url: '?' }
  try {
    return await poll(async () => test((seen.url = await driver.url())) && seen.url, { what })
  } catch (e) {
    throw new Error(`${e.message}; the page is at ${seen.url}`)
  }
}

const STATUS = "document.getElementById('status')?.textContent"
const settled = (...states) =>
  `[${states.map((s) => `'${s}'`).join(',')}].includes(document.getElementById('status')?.dataset.state) && ${STATUS}`

/** Click "Sign in" on the SPA at `origin`: lands on the emulator's consent page; resolves with its URL. */
async function toConsent(driver, origin, emu) {
  await driver.goto(origin + '/')
  assert.equal(await waitFor(driver, settled('signed-out'), { what: 'the SPA start' }), 'Not connected.')
  await driver.click('#sign-in')
  return new URL(await waitForUrl(driver, (u) => u.startsWith(emu + '/auth?'), 'the consent page'))
}

/** The guide's whole flow in the SPA: sign in, Approve on the consent page, back on /callback the key lands in
 * sessionStorage; a reload resumes from it (GET /api/v1/key with a bearer, a CORS preflight); sign out. */
export async function signInFlow(driver, { origin, emu }) {
  const auth = await toConsent(driver, origin, emu)
  assert.equal(auth.searchParams.get('callback_url'), `${origin}/callback`)
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256')
  assert.equal(auth.searchParams.get('key_label'), LABEL)
  assert.equal(await driver.evaluate("sessionStorage.getItem('openrouter_flow')"), null,
    "the flow is in the SPA origin's sessionStorage, not readable from the emulator's page")

  await driver.click('#approve')
  const text = await waitFor(driver, settled('connected', 'error'), { what: 'the callback' })
  assert.match(text, /^Connected: sk-or-v1-\w+…\w+ \(Sign in with OpenRouter example\)$/, text)
  assert.equal(await driver.url(), origin + '/', 'the code is still in the address bar')
  const stored = await driver.evaluate(
    "({ key: sessionStorage.getItem('openrouter_key'), flow: sessionStorage.getItem('openrouter_flow'), local: localStorage.length })",
  )
  assert.match(stored.key ?? '', /^sk-or-v1-[0-9a-f]{64}$/)
  assert.equal(stored.flow, null, 'the flow stays in sessionStorage after use')
  assert.equal(stored.local, 0)

  await driver.goto(origin + '/')
  assert.equal(await waitFor(driver, settled('connected'), { what: 'the resumed session' }), `Connected (${LABEL})`)

  await driver.click('#sign-out')
  assert.equal(await waitFor(driver, settled('signed-out')), 'Signed out.')
  assert.equal(await driver.evaluate("sessionStorage.getItem('openrouter_key')"), null)
}

/** Deny on the consent page: ACCESS_DENIED in the SPA, no key stored. */
export async function denyFlow(driver, { origin, emu }) {
  await toConsent(driver, origin, emu)
  await driver.click('#deny')
  assert.match(await waitFor(driver, settled('error'), { what: 'the denied callback' }), /^Not connected \(ACCESS_DENIED\)/)
  assert.equal(await driver.evaluate("sessionStorage.getItem('openrouter_key')"), null)
}

/** The shared body's page at `url`: resolves with its result (`window.__result`). */
export async function bodyResult(driver, url) {
  await driver.goto(url)
  return waitFor(driver, 'window.__result', { timeoutMs: 30000, what: 'the shared body' })
}
