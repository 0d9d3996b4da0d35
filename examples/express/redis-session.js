'use strict'
// "Connect OpenRouter" in an Express app with server-side sessions in Redis (express-session +
// connect-redis): the pending flow stays on the server, the browser holds only a signed session id.
//
//   export SESSION_SECRET="$(openssl rand -base64 32)"           # the same on every instance
//   REDIS_URL=redis://127.0.0.1:6379 OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> \
//     node examples/express/redis-session.js

const { randomBytes } = require('node:crypto')
const express = require('express')
const session = require('express-session')
const { RedisStore } = require('connect-redis')
const { createClient } = require('redis')
const { startAuth, completeAuth, keyInfo, OpenRouterPkceError } = require('openrouter-pkce')

const PREFIX = 'orpkce-example:'
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const page = (body) =>
  `<!doctype html><meta charset="utf-8"><title>Connect OpenRouter</title><body>${body}</body>`

function statusOf(code) {
  if (['NETWORK', 'TIMEOUT', 'SERVER_ERROR', 'RATE_LIMITED', 'MALFORMED_RESPONSE', 'UNEXPECTED_STATUS'].includes(code)) return 502
  return 400
}

/**
 * A Redis client that fails fast while Redis is down (no offline queue: a request gets a 503 at once
 * instead of hanging) and reconnects by itself when it is back.
 * @param {string} url
 */
function redisClient(url) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 1000) },
  })
  client.on('error', () => {}) // reported per request below; without a listener node-redis would crash the process
  return client
}

/**
 * @param {object} options
 * @param {() => string} options.publicUrl where users reach the app (the load balancer)
 * @param {import('redis').RedisClientType} options.redis a connected (or connecting) node-redis client
 * @param {string} options.sessionSecret signs the session id cookie
 * @param {string} [options.baseUrl] where OpenRouter lives (the emulator in tests)
 * @param {(req: import('express').Request) => string} [options.currentUser] who is logged in to your app
 */
function createApp({ publicUrl, redis, sessionSecret, baseUrl, currentUser }) {
  const app = express()
  app.disable('x-powered-by')
  const user = currentUser || ((req) => /(?:^|;\s*)user=([^;]+)/.exec(req.get('cookie') || '')?.[1] || 'demo-user')
  app.use(
    session({
      store: new RedisStore({ client: redis, prefix: `${PREFIX}sess:`, ttl: 600 }),
      name: 'sid',
      secret: sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: publicUrl().startsWith('https://'), maxAge: 10 * 60 * 1000 },
    }),
  )

  app.get('/login', (req, res, next) => {
    // A new session id for every login: an id planted in the browser beforehand (session fixation) ends
    // here. (Copy over anything else your app keeps in the session.)
    req.session.regenerate(async (err) => {
      if (err) return next(err)
      try {
        const request = startAuth({ callbackUrl: `${publicUrl()}/callback`, keyLabel: `Example app (${user(req)})`, baseUrl })
        // The flow under its own key (server-side only: it holds the verifier); the session holds its id.
        // /callback takes it with GETDEL, which only one of two racing callbacks can win.
        const flowId = randomBytes(32).toString('base64url')
        await redis.set(`${PREFIX}flow:${flowId}`, JSON.stringify(request.toDict()), { EX: 600 })
        req.session.openrouterFlowId = flowId
        req.session.save((err) => (err ? next(err) : res.redirect(302, request.url)))
      } catch (e) {
        next(e)
      }
    })
  })

  app.get('/callback', async (req, res, next) => {
    const flowId = req.session.openrouterFlowId
    let saved
    try {
      // Single use, whatever happens next: the flow is gone from Redis before the exchange.
      saved = flowId ? await redis.getDel(`${PREFIX}flow:${flowId}`) : null
    } catch (err) {
      return next(err)
    }
    if (!saved) {
      return res.status(400).send(page('<p data-code="NO_FLOW">No login in progress.</p><a href="/login">Start again</a>'))
    }
    try {
      // The path + query as Express gives it (right behind a reverse proxy too); the exchange goes to our
      // baseUrl, never to one read back from storage.
      const key = await completeAuth(JSON.parse(saved), req.originalUrl, { baseUrl })
      await redis.set(`${PREFIX}key:${user(req)}`, key.key) // your database; encrypt at rest
      const info = await keyInfo(key.key, { baseUrl })
      res.send(
        page(
          `<p data-code="OK">Connected for <b data-user>${escape(user(req))}</b>: <code>${escape(key.masked)}</code> ` +
            `(<span data-label>${escape(info.label)}</span>)</p><p><a href="${escape(key.settingsUrl)}">Manage this key</a></p>`,
        ),
      )
    } catch (e) {
      if (!(e instanceof OpenRouterPkceError)) return next(e)
      res
        .status(statusOf(e.code))
        .send(page(`<p data-code="${escape(e.code)}">Login failed (${escape(e.code)}): ${escape(e.message)}</p><a href="/login">Try again</a>`))
    }
  })

  // The session store (or anything else) failed: a clear page, never a stack trace. Never a dropped
  // connection either: behind nginx that takes the instance out of rotation.
  app.use((err, req, res, _next) => {
    // express-session saves (or touches) the session while a response is being sent. When Redis fails
    // then, that answer is already on its way and express-session finishes it: a second one would throw
    // ERR_HTTP_HEADERS_SENT, and Express would destroy the connection.
    if (res.headersSent) return
    // Nothing to save with this page: saving would fail the same way, too late for this handler.
    req.session = null
    res.status(503).send(page('<p data-code="STORE_UNAVAILABLE">The session store is unavailable right now. Please try again in a moment.</p>'))
  })

  return app
}

module.exports = { createApp, redisClient }

if (require.main === module) {
  const port = Number(process.env.PORT || 3000)
  const publicUrl = process.env.PUBLIC_URL || `http://127.0.0.1:${port}`
  const redis = redisClient(process.env.REDIS_URL || 'redis://127.0.0.1:6379')
  redis.connect().catch(() => {}) // keeps retrying in the background
  const app = createApp({
    publicUrl: () => publicUrl,
    redis,
    sessionSecret: process.env.SESSION_SECRET,
    baseUrl: process.env.OPENROUTER_PKCE_BASE_URL,
  })
  app.listen(port, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${port}/`))
}
