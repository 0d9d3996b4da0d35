'use strict'
// The OpenRouter web flow in an Express app: /login → OpenRouter's consent page → /callback → the key.
//
//   OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> node examples/express/server.js
//   (the library reads OPENROUTER_PKCE_BASE_URL itself, as the CLI does)
//
// The flow's AuthRequest is kept server-side (here an in-memory Map keyed by a random session cookie;
// use your real session store) because it holds the PKCE verifier.

const crypto = require('node:crypto')
const express = require('express')
const { startAuth, completeAuth, OpenRouterPkceError } = require('openrouter-pkce')

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const page = (body) => `<!doctype html><meta charset="utf-8"><title>OpenRouter login demo</title><body>${body}</body>`

/**
 * @param {{ publicUrl: () => string, baseUrl?: string }} options `publicUrl()` is where this app is reachable
 *   (the callback must be https://, or http:// on a loopback address).
 */
function createApp({ publicUrl, baseUrl }) {
  const app = express()
  const sessions = new Map()

  app.get('/', (req, res) => {
    res.send(page('<a href="/login">Connect OpenRouter</a>'))
  })

  app.get('/login', (req, res, next) => {
    try {
      const request = startAuth({ callbackUrl: `${publicUrl()}/callback`, keyLabel: 'Express demo', baseUrl })
      const sid = crypto.randomBytes(32).toString('base64url')
      sessions.set(sid, request.toJSON())
      res.cookie('sid', sid, { httpOnly: true, sameSite: 'lax', path: '/' })
      res.redirect(302, request.url)
    } catch (e) {
      next(e)
    }
  })

  app.get('/callback', async (req, res) => {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.get('cookie') || '')?.[1]
    const session = sid && sessions.get(sid)
    if (!session) return res.status(400).send(page('No login in progress. <a href="/login">Start again</a>'))
    sessions.delete(sid)
    try {
      const key = await completeAuth(session, req.originalUrl) // the path + query: right behind a proxy too
      // Store key.key for this user (encrypted at rest); never show or log it.
      res.send(page(`<p>Connected: <code>${escape(key.masked)}</code></p><p><a href="${escape(key.settingsUrl)}">Manage this key</a></p>`))
    } catch (e) {
      const code = e instanceof OpenRouterPkceError ? e.code : 'ERROR'
      res.status(400).send(page(`<p>Login failed (${escape(code)}): ${escape(e.message)}</p><a href="/login">Try again</a>`))
    }
  })

  return app
}

module.exports = { createApp }

if (require.main === module) {
  const port = Number(process.env.PORT || 3000)
  const app = createApp({ publicUrl: () => `http://127.0.0.1:${port}` })
  app.listen(port, '127.0.0.1', () => console.error(`open http://127.0.0.1:${port}/`))
}
