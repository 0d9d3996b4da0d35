#!/usr/bin/env node
// A real browser for `BROWSER`: `node tests/browser/approve.mjs <authorization URL>`.
//
// Launches Debian's headless Chromium through playwright-core (no browser download), opens the URL (the
// emulator's consent page), clicks Approve (or Deny with APPROVE_ACTION=deny), waits until the page is the
// login's loopback callback showing its result, and exits 0. Any failure exits 1 with a message on stderr.
//
// Environment (all optional):
//   APPROVE_ACTION                      approve (default) | deny
//   OPENROUTER_PKCE_SCREENSHOT          PNG path: the callback page, once it shows the result
//   OPENROUTER_PKCE_CONSENT_SCREENSHOT  PNG path: the consent page, before the click
//   OPENROUTER_PKCE_BROWSER_LOG         file to which one JSON line per step is appended; the login starts
//                                       BROWSER with stdout/stderr closed, so this is how a test sees the steps
//   CHROMIUM_PATH                       the Chromium binary (default /usr/bin/chromium)
//   APPROVE_TIMEOUT_MS                  overall deadline (default 60000)
//
// The login counts a BROWSER command still running after 3 s as opened, which this one is; it then waits
// for the callback, which this script delivers by the click.

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CHROMIUM_FLAGS as FLAGS } from './chromium_flags.mjs'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ACTION = (process.env.APPROVE_ACTION || 'approve').toLowerCase()
const TIMEOUT_MS = Number(process.env.APPROVE_TIMEOUT_MS || 60000)
const LOG = process.env.OPENROUTER_PKCE_BROWSER_LOG
const SHOT = process.env.OPENROUTER_PKCE_SCREENSHOT
const CONSENT_SHOT = process.env.OPENROUTER_PKCE_CONSENT_SCREENSHOT


// The loopback callback of the login (core/src/callback/): http://{localhost,127.0.0.1,[::1]}:PORT/callback/NONCE
const CALLBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d+\/callback\/[^/?#]+/
const RESULT_TEXT = {
  approve: "You're connected",
  deny: 'Access was denied',
}

function log(event, fields = {}) {
  if (!LOG) return
  try {
    appendFileSync(LOG, JSON.stringify({ event, action: ACTION, ...fields }) + '\n')
  } catch {
    // Logging is best effort.
  }
}

function fail(message) {
  process.stderr.write(`approve.mjs: ${message}\n`)
  log('error', { message })
  process.exitCode = 1
}

async function main() {
  const url = process.argv[2]
  if (!url || process.argv.length !== 3) {
    return fail('usage: node tests/browser/approve.mjs <url> (exactly one argument, the URL)')
  }
  if (!(ACTION in RESULT_TEXT)) {
    return fail(`APPROVE_ACTION must be approve or deny, not ${JSON.stringify(ACTION)}`)
  }

  let chromium
  try {
    ;({ chromium } = await import('playwright-core'))
  } catch (e) {
    return fail(`playwright-core is not installed (run \`make browser-deps\`): ${e.message}`)
  }

  const profile = mkdtempSync(join(tmpdir(), 'openrouter-pkce-chromium-'))
  let context
  const deadline = setTimeout(() => {
    fail(`gave up after ${TIMEOUT_MS} ms`)
    rmSync(profile, { recursive: true, force: true })
    process.exit(1)
  }, TIMEOUT_MS)
  deadline.unref()
  try {
    log('launch', { executable: CHROMIUM })
    try {
      // A persistent context is how Playwright takes a given (fresh, empty) --user-data-dir.
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        timeout: 30000,
      })
    } catch (e) {
      return fail(`could not launch Chromium at ${CHROMIUM}: ${e.message.split('\n')[0]}`)
    }
    const page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(30000)

    const response = await page.goto(url, { waitUntil: 'load' })
    log('consent', { status: response?.status(), title: await page.title() })
    if (!response || response.status() !== 200) {
      return fail(`the authorization page answered HTTP ${response?.status()}`)
    }
    const button = page.locator(`#${ACTION}`)
    try {
      await button.waitFor({ state: 'visible' })
    } catch {
      return fail(`no #${ACTION} button on the authorization page (title: ${await page.title()})`)
    }
    if (CONSENT_SHOT) await page.screenshot({ path: CONSENT_SHOT, fullPage: true })

    // The form POSTs /auth/decision, which answers 302 to the loopback callback.
    await Promise.all([page.waitForURL(CALLBACK, { waitUntil: 'load' }), button.click()])
    // Without the query: it carries the authorization code.
    const landed = new URL(page.url())
    landed.search = ''
    const body = await page.locator('body').innerText()
    log('callback', { url: landed.href, port: Number(landed.port), title: await page.title() })
    if (!body.includes(RESULT_TEXT[ACTION])) {
      return fail(`the callback page does not say "${RESULT_TEXT[ACTION]}": ${body.slice(0, 200)}`)
    }
    if (SHOT) await page.screenshot({ path: SHOT, fullPage: true })
    log('done', { url: landed.href })
  } catch (e) {
    return fail(e.message.split('\n')[0])
  } finally {
    if (context) await context.close().catch(() => {})
    rmSync(profile, { recursive: true, force: true })
    clearTimeout(deadline)
  }
}

await main()
