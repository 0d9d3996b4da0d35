// The browser engines beyond Chromium, so that the package is not only known to work in Blink/V8:
// - Gecko/SpiderMonkey: Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi;
// - WebKit/JavaScriptCore, Safari's engine: WebKitGTK's MiniBrowser under Xvfb, driven by WebKitWebDriver
//   (W3C WebDriver). Safari itself runs only on Apple's systems: this is its engine, not Safari.
// Each runs the SPA's whole flow (approve, resume, sign out), Deny, and the shared body in pages bundled by Vite
// and by webpack 5 and in a Web Worker bundled by webpack 5, from the npm-packed package, served with the CSP
// docs/browser.md recommends. The steps are the Chromium test's (tests/runtimes/_spa.mjs); only the automation
// differs.
import { test, before, after, describe } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import {
  FIREFOX, MINIBROWSER, PUPPETEER, VITE, WEBKIT_DRIVER, WEBPACK, XVFB_RUN, assertResult, freePort, needs, startEmulator,
} from './_harness.mjs'
import { bodyResult, buildSpa, buildWithWebpack, closeServers, csp, denyFlow, serve, signInFlow } from './_spa.mjs'

const tools = needs(VITE, 'make runtimes-tools') || needs(WEBPACK, 'make runtimes-tools')
const stops = []
let emu
let spa

before(async () => {
  if (tools) return
  emu = await startEmulator({ after: (fn) => stops.push(fn) }, { autoApprove: false })
  spa = {
    vite: await serve(await buildSpa(emu, 'engines'), { 'Content-Security-Policy': csp(emu) }),
    webpack: await serve(await buildWithWebpack('engines-webpack'), { 'Content-Security-Policy': csp(emu) }),
  }
})

after(async () => {
  await closeServers()
  stops.forEach((fn) => fn())
})

/** The five checks, for one engine: `open()` resolves with a fresh driver (a new page or session) and `close`. */
function engineSuite(name, skip, open) {
  describe(name, { skip }, () => {
    const page = async (t) => {
      const { driver, close } = await open()
      t.after(close)
      return driver
    }
    test(`${name}: the SPA signs in with OpenRouter (approve), keeps the key in sessionStorage, resumes, signs out`, { timeout: 90000 }, async (t) => {
      await signInFlow(await page(t), { origin: spa.vite, emu })
    })
    test(`${name}: Deny on the consent page is ACCESS_DENIED in the SPA, no key stored`, { timeout: 60000 }, async (t) => {
      await denyFlow(await page(t), { origin: spa.vite, emu })
    })
    test(`${name}: the shared body passes in the page bundled by Vite`, { timeout: 60000 }, async (t) => {
      assertResult(t, await bodyResult(await page(t), spa.vite + '/body.html'), { withFlow: false, label: name })
    })
    test(`${name}: the shared body passes in the page bundled by webpack 5`, { timeout: 60000 }, async (t) => {
      const url = `${spa.webpack}/body.html?api=${encodeURIComponent(emu)}`
      assertResult(t, await bodyResult(await page(t), url), { withFlow: false, label: `${name} (webpack)` })
    })
    test(`${name}: the shared body passes in a Web Worker bundled by webpack 5 (target webworker)`, { timeout: 60000 }, async (t) => {
      const url = `${spa.webpack}/worker.html?api=${encodeURIComponent(emu)}`
      assertResult(t, await bodyResult(await page(t), url), { withFlow: false, label: `${name} (webpack worker)` })
    })
  })
}

// Firefox: one browser for the file, a fresh context (its own sessionStorage) per test.
let firefox
engineSuite('Firefox', tools || needs(FIREFOX, 'make engines-deps') || needs(PUPPETEER, 'make engines-deps'), async () => {
  if (!firefox) {
    const { default: puppeteer } = await import(PUPPETEER)
    firefox = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, timeout: 60000 })
    stops.push(() => firefox.close())
  }
  const context = await firefox.createBrowserContext()
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  const driver = {
    goto: (url) => page.goto(url),
    evaluate: (expression) => page.evaluate(expression),
    click: (selector) => page.click(selector),
    url: async () => page.url(),
  }
  return { driver, close: () => context.close() }
})

/** A W3C WebDriver session's commands (JSON over HTTP, through fetch), with the errors WebDriver reports thrown. */
function webDriverClient(base) {
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const { value } = await res.json()
    if (value && value.error) throw new Error(`WebDriver ${method} ${path}: ${value.error}: ${value.message}`)
    return value
  }
}

/** WebKitWebDriver under xvfb-run on a free port, once for the file; resolves with its client. */
let webkit
async function webkitDriver() {
  if (webkit) return webkit
  const port = await freePort()
  const proc = spawn(XVFB_RUN, ['-a', WEBKIT_DRIVER, `--port=${port}`], { stdio: 'ignore', detached: true })
  stops.push(() => {
    try {
      process.kill(-proc.pid, 'SIGKILL') // xvfb-run, Xvfb, the driver and its browsers
    } catch {}
  })
  const call = webDriverClient(`http://127.0.0.1:${port}`)
  const end = Date.now() + 30000
  while (!(await call('GET', '/status').then((v) => v?.ready, () => false))) {
    assert.ok(Date.now() < end, 'WebKitWebDriver did not answer within 30 s')
    await new Promise((r) => setTimeout(r, 200))
  }
  webkit = call
  return call
}

engineSuite('WebKit', tools || needs(WEBKIT_DRIVER, 'make engines-deps') || needs(MINIBROWSER, 'make engines-deps') || needs(XVFB_RUN, 'make engines-deps'), async () => {
  const call = await webkitDriver()
  const { sessionId } = await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
  })
  const at = (path) => `/session/${sessionId}${path}`
  const driver = {
    goto: (url) => call('POST', at('/url'), { url }),
    evaluate: (expression) => call('POST', at('/execute/sync'), { script: `return (${expression})`, args: [] }),
    click: async (selector) => {
      const element = await call('POST', at('/element'), { using: 'css selector', value: selector })
      await call('POST', at(`/element/${Object.values(element)[0]}/click`), {})
    },
    url: () => call('GET', at('/url')),
  }
  return { driver, close: () => call('DELETE', at('')) }
})
