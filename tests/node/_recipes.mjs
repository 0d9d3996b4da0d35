// Shared helpers of the web-recipe suites (not a test file itself): a throwaway redis-server, an
// "attacker" server that counts every connection it gets, and an Express app listening on a free port.
import { spawn, spawnSync } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT } from './_helpers.mjs'

const require = createRequire(import.meta.url)
/** The two Express recipes, as the suites load them. */
export const sealedRecipe = require(join(ROOT, 'examples', 'express', 'server.js'))
export const redisRecipe = require(join(ROOT, 'examples', 'express', 'redis-session.js'))
/** The recipes' sealing / session secret in the tests. */
export const SECRET = 'an example sealing secret, 32 bytes or more'

export const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server'
/** Why the Redis recipes' tests are skipped, or `false` (`make redis-server` installs it). */
export const NO_REDIS = spawnSync(REDIS_SERVER, ['--version']).status === 0 ? false : `${REDIS_SERVER} is not installed (make redis-server)`

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** A redis-server of its own on a free loopback port, no persistence: `{ url, stop() }`. */
export async function startRedis() {
  const port = await freePort()
  const child = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  for (let i = 0; ; i++) {
    const open = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.destroy()
        resolve(true)
      })
      sock.once('error', () => resolve(false))
    })
    if (open) break
    if (i > 200 || child.exitCode !== null) throw new Error(`redis-server did not listen on ${port}`)
    await sleep(25)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGKILL')
      await exited
    },
  }
}

/**
 * Where a forged flow would send the exchange: a loopback HTTP server that counts every connection (and
 * would answer like OpenRouter, so that a leak shows as a "successful" login too).
 */
export async function startAttacker() {
  const attacker = { connections: 0, requests: [] }
  const server = http.createServer((req, res) => {
    attacker.requests.push(`${req.method} ${req.url}`)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ key: 'sk-or-v1-stolen-by-the-attacker', user_id: 'attacker' }))
  })
  server.on('connection', () => attacker.connections++)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  attacker.baseUrl = `http://127.0.0.1:${server.address().port}`
  attacker.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(resolve)
    })
  return attacker
}

/** An Express app on a free loopback port: `{ port, origin, close() }`. `makeApp(publicUrl)` builds it. */
export async function listen(makeApp) {
  const server = http.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  const origin = `http://127.0.0.1:${port}`
  server.on('request', makeApp(() => origin))
  return {
    port,
    origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

/** The first `name=value` pair of a response's Set-Cookie headers for `name`, or null. */
export function setCookie(res, name) {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))
  return line ? line.split(';')[0] : null
}

/** Play the browser at the emulator's /auth: the callback path (+ query) it redirects to. */
export async function consent(authUrl) {
  const res = await fetch(authUrl, { redirect: 'manual' })
  if (![302, 303].includes(res.status)) throw new Error(`the emulator answered ${res.status}`)
  const cb = new URL(res.headers.get('location'))
  return `${cb.pathname}${cb.search}`
}

/**
 * `n` identical GETs that reach the server at the same instant: `n` keep-alive connections are opened
 * first (with a request each to `/warm-up`), then every request is written at once. `[{ status, body }]`.
 */
export async function burst(origin, path, cookie, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n })
  const get = (p) =>
    new Promise((resolve, reject) => {
      const req = http.get(`${origin}${p}`, { agent, headers: cookie ? { cookie } : {} }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }))
        res.on('error', reject)
      })
      req.on('error', reject)
    })
  try {
    await Promise.all(Array.from({ length: n }, () => get('/warm-up')))
    return await Promise.all(Array.from({ length: n }, () => get(path)))
  } finally {
    agent.destroy()
  }
}

/**
 * The Express Redis recipe against `baseUrl`, on a free port with its own redis-server; `t.after` cleans up.
 * `get(path, cookie?)` fetches without following redirects.
 */
export async function redisApp(t, baseUrl) {
  const store = await startRedis()
  t.after(() => store.stop())
  const redis = redisRecipe.redisClient(store.url)
  await redis.connect()
  t.after(() => redis.destroy())
  const app = await listen((publicUrl) => redisRecipe.createApp({ publicUrl, redis, sessionSecret: SECRET, baseUrl }))
  t.after(() => app.close())
  const get = (path, cookie) => fetch(`${app.origin}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} })
  return { redis, app, get }
}
