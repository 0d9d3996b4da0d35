'use strict'
// "Connect OpenRouter" in an Express app, the pending flow sealed into a cookie: no session store, any
// instance behind the load balancer can finish a flow another one started.
//
//   export OPENROUTER_PKCE_SECRETS="$(openssl rand -base64 32)"   # the same on every instance
//   OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> node examples/express/server.js
//   (OPENROUTER_PKCE_BASE_URL is the library's and the CLI's default base URL too)
//
// OPENROUTER_PKCE_SECRETS is a comma-separated list: the first seals, every one opens (rotation: put the
// new secret first, keep the old one until the flows it sealed have expired, 10 minutes).

const express = require('express')
const cookieParser = require('cookie-parser')
const { startAuth, completeAuth, keyInfo, OpenRouterPkceError } = require('openrouter-pkce')

const FLOW_COOKIE = 'openrouter_flow'

/** Escape text for HTML (element content and quoted attribute values). */
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const page = (body) =>
  `<!doctype html><meta charset="utf-8"><title>Connect OpenRouter</title><body>${body}</body>`

/** The HTTP status of an error page: our fault or OpenRouter's is 502/503, the request's is 400. */
function statusOf(code) {
  if (['NETWORK', 'TIMEOUT', 'SERVER_ERROR', 'RATE_LIMITED', 'MALFORMED_RESPONSE', 'UNEXPECTED_STATUS'].includes(code)) return 502
  return 400
}

/** Secrets from the environment: comma-separated, the first seals. */
function secretsFromEnv(env = process.env) {
  return String(env.OPENROUTER_PKCE_SECRETS || '').split(',').map((s) => s.trim()).filter(Boolean)
}

/**
 * @param {object} options
 * @param {() => string} options.publicUrl where users reach the app (the load balancer), without a trailing slash
 * @param {string[]} options.secrets the sealing secrets (each at least 32 bytes), first one seals
 * @param {string} [options.baseUrl] where OpenRouter lives (the emulator in tests)
 * @param {{set(user: string, key: string): unknown}} [options.keys] where the user's key goes (your database)
 * @param {(req: import('express').Request) => string} [options.currentUser] who is logged in to your app
 */
function createApp({ publicUrl, secrets, baseUrl, keys = new Map(), currentUser = (req) => req.cookies.user || 'demo-user' }) {
  const app = express()
  app.disable('x-powered-by')
  app.use(cookieParser())
  const secure = () => publicUrl().startsWith('https://')

  app.get('/', (req, res) => {
    res.send(page(`<p>Hello ${escape(currentUser(req))}.</p><a href="/login">Connect OpenRouter</a>`))
  })

  app.get('/login', (req, res) => {
    const request = startAuth({
      callbackUrl: `${publicUrl()}/callback`,
      keyLabel: `Example app (${currentUser(req)})`,
      baseUrl,
    })
    // HttpOnly: no script reads it; SameSite=Lax: sent on OpenRouter's top-level redirect back (Strict is not).
    res.cookie(FLOW_COOKIE, request.seal(secrets), {
      httpOnly: true,
      sameSite: 'lax',
      secure: secure(),
      path: '/',
      maxAge: 10 * 60 * 1000,
    })
    res.redirect(302, request.url)
  })

  app.get('/callback', async (req, res) => {
    const sealed = req.cookies[FLOW_COOKIE]
    res.clearCookie(FLOW_COOKIE, { httpOnly: true, sameSite: 'lax', secure: secure(), path: '/' })
    if (!sealed) {
      return res.status(400).send(page('<p data-code="NO_FLOW">No login in progress.</p><a href="/login">Start again</a>'))
    }
    try {
      // `sealed` is whatever the browser sent (cookie-parser even turns a `j:{…}` cookie into an object):
      // with `secrets`, only a sealed string opens, and the exchange goes to our baseUrl, never to one read
      // from the cookie. The path + query as Express gives it: right behind a reverse proxy too.
      const key = await completeAuth(sealed, req.originalUrl, { secrets, baseUrl })
      const user = currentUser(req)
      await keys.set(user, key.key) // store it encrypted at rest; never show or log key.key
      const info = await keyInfo(key.key, { baseUrl })
      res.send(
        page(
          `<p data-code="OK">Connected for <b data-user>${escape(user)}</b>: <code>${escape(key.masked)}</code> ` +
            `(<span data-label>${escape(info.label)}</span>)</p><p><a href="${escape(key.settingsUrl)}">Manage this key</a></p>`,
        ),
      )
    } catch (e) {
      const code = e instanceof OpenRouterPkceError ? e.code : 'ERROR'
      const message = e instanceof OpenRouterPkceError ? e.message : 'unexpected error'
      if (!(e instanceof OpenRouterPkceError)) console.error(e)
      res
        .status(statusOf(code))
        .send(page(`<p data-code="${escape(code)}">Login failed (${escape(code)}): ${escape(message)}</p><a href="/login">Try again</a>`))
    }
  })

  return app
}

module.exports = { createApp, secretsFromEnv, escape }

if (require.main === module) {
  const port = Number(process.env.PORT || 3000)
  const publicUrl = process.env.PUBLIC_URL || `http://127.0.0.1:${port}`
  const app = createApp({ publicUrl: () => publicUrl, secrets: secretsFromEnv(), baseUrl: process.env.OPENROUTER_PKCE_BASE_URL })
  app.listen(port, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${port}/`))
}
