// Headless Chromium (Debian's, through playwright-core) running examples/browser/ — the "Sign in with
// OpenRouter" SPA, bundled by Vite with no plugin from the npm-packed package (the `browser` condition: the
// wasm build) — through the whole flow of OpenRouter's guide against the emulator on another loopback origin:
// startAuth, the flow in sessionStorage, the emulator's consent page, Approve, back on /callback completeAuth
// (a cross-origin fetch: the emulator answers CORS), keyInfo. Then Deny, and the shared body in the same page
// context. The pages are served by `vite preview` with a Content-Security-Policy: connect-src only to the
// emulator, and 'wasm-unsafe-eval' in script-src (without it Chromium refuses to compile the module; checked).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CHROMIUM, CHROMIUM_FLAGS, VITE, WEBPACK, assertResult, needs, startEmulator } from './_harness.mjs'
import { bodyResult, buildSpa, buildWithWebpack, closeServers, csp, denyFlow, dev, serve, signInFlow } from './_spa.mjs'

const skip = needs(CHROMIUM, 'make browser-deps') || needs(VITE, 'make runtimes-tools') || needs(WEBPACK, 'make runtimes-tools')

let emu
let browser
const stops = []

/** A fresh page that records page errors and console errors, and its driver (the shared flows' interface). */
async function newPage(t) {
  const context = await browser.newContext()
  t.after(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  const errors = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  // (Chromium asks for /favicon.ico by itself; the example has none.)
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`console: ${m.text()} (${m.location().url})`))
  const driver = {
    goto: (url) => page.goto(url),
    evaluate: (expression) => page.evaluate(expression),
    click: (selector) => page.click(selector),
    url: async () => page.url(),
  }
  return { page, errors, driver }
}

let spa
before(async () => {
  if (skip) return
  emu = await startEmulator({ after: (fn) => stops.push(fn) }, { autoApprove: false })
  const dir = await buildSpa(emu, 'browser')
  spa = {
    strict: await serve(dir, { 'Content-Security-Policy': csp(emu) }),
    noWasm: await serve(dir, { 'Content-Security-Policy': csp(emu, { wasm: false }) }),
    dev: await dev(dir, emu),
    webpack: await serve(await buildWithWebpack('browser-webpack'), { 'Content-Security-Policy': csp(emu) }),
  }
  const { chromium } = await import('playwright-core')
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30000 })
})

after(async () => {
  if (browser) await browser.close()
  await closeServers()
  stops.forEach((fn) => fn())
})

/** The shared body's two refusals on purpose (INVALID_CODE 403, UNAUTHORIZED 401): Chromium logs every failed fetch. */
const REFUSED = /^console: Failed to load resource: the server responded with a status of (403|401) \(\w+\) \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/(auth\/keys|key)\)$/

test('Chromium: the SPA signs in with OpenRouter (approve), keeps the key in sessionStorage, resumes, signs out', { skip, timeout: 90000 }, async (t) => {
  const { errors, driver } = await newPage(t)
  await signInFlow(driver, { origin: spa.strict, emu })
  assert.deepEqual(errors, [])
})

test('Chromium: Deny on the consent page is ACCESS_DENIED in the SPA, no key stored', { skip, timeout: 60000 }, async (t) => {
  const { errors, driver } = await newPage(t)
  await denyFlow(driver, { origin: spa.strict, emu })
  assert.deepEqual(errors, [])
})

test('Chromium: the example under `vite dev` (pre-bundled dependencies) signs in too', { skip, timeout: 90000 }, async (t) => {
  const { errors, driver } = await newPage(t)
  await signInFlow(driver, { origin: spa.dev, emu })
  assert.deepEqual(errors, [])
})

test('Chromium: the shared body passes in the page (the wasm build, bundled by Vite)', { skip, timeout: 60000 }, async (t) => {
  const { errors, driver } = await newPage(t)
  const result = await bodyResult(driver, spa.strict + '/body.html')
  assertResult(t, result, { withFlow: false, label: 'Chromium' })
  assert.deepEqual(errors.filter((e) => !REFUSED.test(e)), [])
  assert.equal(errors.length, 2, errors.join('\n'))
})

test('Chromium: the shared body passes in a page webpack 5 bundled with no plugin (the browser condition)', { skip, timeout: 60000 }, async (t) => {
  const { errors, driver } = await newPage(t)
  const result = await bodyResult(driver, `${spa.webpack}/body.html?api=${encodeURIComponent(emu)}`)
  assertResult(t, result, { withFlow: false, label: 'Chromium (webpack)' })
  assert.deepEqual(errors.filter((e) => !REFUSED.test(e)), [])
})

test('Chromium: the shared body passes in a Web Worker webpack 5 bundled for `target: \'webworker\'` with no plugin or experiment', { skip, timeout: 60000 }, async (t) => {
  const { errors, driver } = await newPage(t)
  const result = await bodyResult(driver, `${spa.webpack}/worker.html?api=${encodeURIComponent(emu)}`)
  assertResult(t, result, { withFlow: false, label: 'Chromium (webpack worker)' })
  assert.deepEqual(errors.filter((e) => !REFUSED.test(e)), [])
})

test("Chromium: without 'wasm-unsafe-eval' in script-src the page's CSP refuses the module (what docs/browser.md says)", { skip, timeout: 60000 }, async (t) => {
  const { page, errors } = await newPage(t)
  await page.goto(spa.noWasm + '/body.html')
  await page.waitForTimeout(1500)
  assert.equal(await page.evaluate(() => window.__result ?? null), null, 'the body ran although the CSP forbids WebAssembly')
  assert.ok(errors.some((e) => /WebAssembly|wasm-unsafe-eval|Content Security Policy/i.test(e)), `no CSP error: ${errors.join('; ')}`)
})
