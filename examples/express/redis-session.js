'use strict'
// "Connect OpenRouter" in an Express app with server-side sessions in Redis (express-session +
// connect-redis): the pending flow stays on the server, the browser holds only a signed session id.
//
//   export SESSION_SECRET="$(openssl rand -base64 32)"           # the same on every instance
//   REDIS_URL=redis://127.0.0.1:6379 OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:<emulator port> \
//     node examples/express/redis-session.js

const express = require('express')
const session = require('express-session')
const { RedisStore } = require('connect-redis')
const { createClient } = require('redis')
const { startAuth, completeAuth, keyInfo, OpenRouterPkceError } = require('openrouter-pkce')

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
      store: new RedisStore({ client: redis, prefix: 'orpkce-example:', ttl: 600 }),
      name: 'sid',
      secret: sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: publicUrl().startsWith('https://'), maxAge: 10 * 60 * 1000 },
    }),
  )

  app.get('/login', (req, res, next) => {
    const request = startAuth({ callbackUrl: `${publicUrl()}/callback`, keyLabel: `Example app (${user(req)})`, baseUrl })
    req.session.openrouterFlow = request.toDict() // server-side only: it holds the verifier
    req.session.save((err) => (err ? next(err) : res.redirect(302, request.url)))
  })

  app.get('/callback', async (req, res, next) => {
    const flow = req.session.openrouterFlow
    if (!flow) {
      return res.status(400).send(page('<p data-code="NO_FLOW">No login in progress.</p><a href="/login">Start again</a>'))
    }
    delete req.session.openrouterFlow // single use, whatever happens next
    try {
      await new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())))
    } catch (err) {
      return next(err)
    }
    try {
      const query = req.originalUrl.slice(req.originalUrl.indexOf('?'))
      const key = await completeAuth(flow, query)
      await redis.set(`orpkce-example:key:${user(req)}`, key.key) // your database; encrypt at rest
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

  // The session store (or anything else) failed: a clear page, never a stack trace.
  app.use((err, req, res, _next) => {
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
