// The multi-instance scale test: for each web recipe, three instances (separate processes, different
// ports) behind a simulated load balancer, sharing one sealing secret (sealed-cookie variants) or one real
// redis-server (store variants), against the emulator.
//
//   node tests/scale/scale.mjs [variant …]      (variants: express-sealed express-redis fastapi-sealed fastapi-redis)
//
// Per variant: 300 flows, 50 at a time, each /login on a random instance and /callback on a different one;
// one instance drained, killed (SIGKILL) and restarted mid-run; then a replayed callback, a callback
// presented with another user's cookie, and key rotation (sealed) or, for the store variants, 30 identical
// callbacks racing for one flow (exactly one exchange) and Redis dying under traffic, twice: hung
// (SIGSTOP) then SIGKILLed while requests are in flight — every request gets a whole HTTP answer (the
// page or the 503 page, no reset, no connection dropped after an answer), no instance dies, every one
// serves whole flows again once Redis is back.
// Prints a summary table (flows/s, p50/p99 of /callback) and writes it as JSON to $SCALE_REPORT if set.
// Exits 1 on any failed check.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Emulator } from 'openrouter-pkce'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const PYTHON = process.env.PYTHON || join(ROOT, '.venv', 'bin', 'python')
const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server'
const FLOWS = Number(process.env.SCALE_FLOWS || 300)
const CONCURRENCY = Number(process.env.SCALE_CONCURRENCY || 50)
const KILL_AFTER = Math.floor(FLOWS / 3)

const SECRET_OLD = randomBytes(32).toString('base64url')
const SECRET_NEW = randomBytes(32).toString('base64url')

const VARIANTS = {
  'express-sealed': { store: false, cmd: () => [process.execPath, [join(ROOT, 'examples/express/server.js')]] },
  'express-redis': { store: true, cmd: () => [process.execPath, [join(ROOT, 'examples/express/redis-session.js')]] },
  'fastapi-sealed': { store: false, cmd: () => [PYTHON, [join(ROOT, 'examples/fastapi/sealed_cookie.py')]] },
  'fastapi-redis': { store: true, cmd: () => [PYTHON, [join(ROOT, 'examples/fastapi/redis_session.py')]] },
}

const failures = []
function check(cond, what) {
  if (!cond) {
    failures.push(what)
    console.error(`  FAIL ${what}`)
  }
  return cond
}

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function portOpen(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1')
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('error', () => resolve(false))
  })
}

async function waitPort(port, ms, what) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await portOpen(port)) return
    await sleep(50)
  }
  throw new Error(`${what} did not listen on ${port} within ${ms} ms`)
}

/** One child process listening on a loopback port. */
class Proc {
  constructor(name, cmd, args, env, port) {
    Object.assign(this, { name, cmd, args, env, port, child: null, exited: null, stderr: '' })
  }

  async start() {
    this.stderr = ''
    this.child = spawn(this.cmd, this.args, { env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', 'pipe'] })
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })))
    this.child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000)
    })
    await waitPort(this.port, 20000, this.name).catch((e) => {
      throw new Error(`${e.message}\n${this.stderr}`)
    })
  }

  signal(sig) {
    if (this.alive()) this.child.kill(sig)
  }

  alive() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null
  }

  async stop(signal = 'SIGTERM') {
    if (!this.alive()) return
    this.child.kill(signal)
    const t = setTimeout(() => this.alive() && this.child.kill('SIGKILL'), 5000)
    await this.exited
    clearTimeout(t)
  }
}

async function startRedis(port) {
  const redis = new Proc('redis-server', REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'], {}, port)
  await redis.start()
  return redis
}

// ------------------------------------------------------------------------------ the simulated browser

class Jar {
  constructor(init = {}) {
    this.cookies = new Map(Object.entries(init))
  }
  clone() {
    const j = new Jar()
    j.cookies = new Map(this.cookies)
    return j
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  take(res) {
    this.takeLines(res.headers.getSetCookie())
  }
  takeLines(setCookies) {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i).trim()
      const value = pair.slice(i + 1).trim()
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()))
      if (gone || value === '' || value === '""') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}

/** The load balancer: three instances, each request to a live one; tracks in-flight requests. */
class Balancer {
  constructor(instances) {
    this.instances = instances
    this.live = new Set(instances.map((_, i) => i))
    this.inflight = instances.map(() => 0)
  }
  pick(except) {
    const choices = [...this.live].filter((i) => i !== except)
    return choices[Math.floor(Math.random() * choices.length)]
  }
  async get(i, path, jar) {
    this.inflight[i]++
    try {
      const res = await fetch(`http://127.0.0.1:${this.instances[i].port}${path}`, {
        redirect: 'manual',
        headers: { cookie: jar.header() },
        signal: AbortSignal.timeout(30000),
      })
      jar.take(res)
      return { status: res.status, location: res.headers.get('location'), body: await res.text() }
    } finally {
      this.inflight[i]--
    }
  }
  /** `get`, but a request that got no whole HTTP answer (reset, closed early, truncated) is `{ error }`. */
  async probe(i, path, jar) {
    try {
      return await this.get(i, path, jar)
    } catch (e) {
      return { status: null, error: e.cause?.code || e.cause?.message || e.message }
    }
  }
  async drain(i) {
    this.live.delete(i)
    while (this.inflight[i] > 0) await sleep(10)
  }
}

/**
 * The storm's client: keep-alive connections to the instances, as nginx keeps them to its upstreams. It
 * counts the connections an instance closed within a second of a whole answer that did not say
 * `Connection: close` (Node and uvicorn keep idle connections 5 s): nginx would send its next request on
 * such a connection, get a reset and take the instance out of rotation.
 */
class KeepAliveClient {
  constructor() {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 100 })
    this.dropped = 0
    this.closing = false
  }
  /** One GET: `{ status, location, body }`, or `{ status: null, error }` when no whole answer came. */
  get(port, path, jar) {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: this.agent, headers: { cookie: jar.header() } })
      req.setTimeout(30000, () => req.destroy(new Error('timeout')))
      let sock = null
      req.on('socket', (socket) => {
        sock = socket
        socket.answeredAt = null // busy with this request
        if (socket.watched) return
        socket.watched = true
        socket.on('close', () => {
          if (!this.closing && socket.answeredAt !== null && Date.now() - socket.answeredAt < 1000) this.dropped++
        })
      })
      req.on('error', (e) => resolve({ status: null, error: e.code || e.message }))
      req.on('response', (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('error', (e) => resolve({ status: null, error: e.code || e.message }))
        res.on('aborted', () => resolve({ status: null, error: 'aborted' }))
        res.on('end', () => {
          if (!res.complete) return resolve({ status: null, error: 'truncated' })
          if (!/close/i.test(res.headers.connection || '')) sock.answeredAt = Date.now()
          jar.takeLines(res.headers['set-cookie'] || [])
          resolve({ status: res.statusCode, location: res.headers.location, body: Buffer.concat(chunks).toString() })
        })
      })
    })
  }
  close() {
    this.closing = true
    this.agent.destroy()
  }
}

function parsePage(body) {
  return {
    code: /data-code="([^"]*)"/.exec(body)?.[1] ?? null,
    user: /<b data-user>([^<]*)<\/b>/.exec(body)?.[1] ?? null,
    label: /<span data-label>([^<]*)<\/span>/.exec(body)?.[1] ?? null,
    masked: /<code>([^<]*)<\/code>/.exec(body)?.[1] ?? null,
  }
}

/** /login on `a` and the consent at the emulator: the callback path (code + state) and the jar. */
async function begin(lb, a, user) {
  const jar = new Jar({ user })
  const login = await lb.get(a, '/login', jar)
  if (login.status !== 302) throw new Error(`/login answered ${login.status}: ${login.body.slice(0, 300)}`)
  const consent = await fetch(login.location, { redirect: 'manual' })
  if (![302, 303].includes(consent.status)) throw new Error(`consent answered ${consent.status}`)
  const cb = new URL(consent.headers.get('location'))
  return { jar, path: `${cb.pathname}${cb.search}` }
}

async function finish(lb, b, begun) {
  const t0 = performance.now()
  const res = await lb.get(b, begun.path, begun.jar)
  return { ms: performance.now() - t0, status: res.status, page: parsePage(res.body), body: res.body }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

// --------------------------------------------------------------------------------------- a variant

async function runVariant(name, emu, redisPort) {
  const v = VARIANTS[name]
  const lbPort = await freePort() // the public URL; never listened on: the "browser" picks the instance
  const publicUrl = `http://127.0.0.1:${lbPort}`
  const baseEnv = {
    PUBLIC_URL: publicUrl,
    OPENROUTER_PKCE_BASE_URL: emu.baseUrl,
    OPENROUTER_PKCE_SECRETS: SECRET_OLD,
    SESSION_SECRET: SECRET_OLD,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    NODE_ENV: 'production',
  }
  const make = async (i, extraEnv = {}) => {
    const port = await freePort()
    const [cmd, args] = v.cmd()
    return new Proc(`${name}#${i}`, cmd, args, { ...baseEnv, PORT: String(port), ...extraEnv }, port)
  }
  const instances = await Promise.all([0, 1, 2].map((i) => make(i)))
  await Promise.all(instances.map((p) => p.start()))
  const lb = new Balancer(instances)
  const exchangesBefore = emu.requestCount('exchange')
  const result = { variant: name, flows: FLOWS, concurrency: CONCURRENCY }
  try {
    // ---- 300 flows, 50 at a time, login and callback on different instances, one instance killed mid-run.
    const latencies = []
    const outcomes = []
    let next = 0
    let done = 0
    let killing = null
    const killedIndex = 2
    const worker = async () => {
      while (next < FLOWS) {
        const n = next++
        const user = `user-${name}-${n}`
        let a = lb.pick()
        let begun
        try {
          begun = await begin(lb, a, user)
        } catch (e) {
          outcomes.push({ n, user, error: `login: ${e.message}` })
          continue
        }
        const b = lb.pick(a)
        try {
          const r = await finish(lb, b, begun)
          latencies.push(r.ms)
          outcomes.push({ n, user, a, b, ...r })
        } catch (e) {
          outcomes.push({ n, user, error: `callback: ${e.message}` })
        }
        done++
        if (done === KILL_AFTER && killing === null) {
          killing = (async () => {
            await lb.drain(killedIndex)
            await instances[killedIndex].stop('SIGKILL')
            await instances[killedIndex].start()
            lb.live.add(killedIndex)
          })()
        }
      }
    }
    const t0 = performance.now()
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    await killing
    const seconds = (performance.now() - t0) / 1000
    latencies.sort((x, y) => x - y)
    const ok = outcomes.filter((o) => o.status === 200 && o.page.code === 'OK')
    const crossed = ok.filter((o) => o.page.user !== o.user || o.page.label !== `Example app (${o.user})`)
    // A masked key shows a few characters only, so two of 300 real keys can look alike (it happened); with
    // the key's label (its user's, checked above) a repeated pair would be one key given out twice.
    const masked = new Set(ok.map((o) => `${o.page.masked}|${o.page.label}`))
    const startedOnKilled = outcomes.filter((o) => o.a === killedIndex).length
    Object.assign(result, {
      ok: ok.length,
      lost: FLOWS - ok.length,
      crossed: crossed.length,
      distinctKeys: masked.size,
      startedOnKilledInstance: startedOnKilled,
      seconds: Number(seconds.toFixed(2)),
      flowsPerSecond: Number((FLOWS / seconds).toFixed(1)),
      callbackP50Ms: Number(percentile(latencies, 50).toFixed(1)),
      callbackP99Ms: Number(percentile(latencies, 99).toFixed(1)),
      exchanges: emu.requestCount('exchange') - exchangesBefore,
    })
    for (const o of outcomes.filter((o) => !(o.status === 200 && o.page.code === 'OK')).slice(0, 5)) {
      console.error(`  lost flow ${o.n}: ${o.error || `${o.status} ${o.body.slice(0, 300)}`}`)
    }
    check(ok.length === FLOWS, `${name}: ${FLOWS - ok.length} of ${FLOWS} flows lost`)
    check(crossed.length === 0, `${name}: ${crossed.length} flows crossed`)
    check(masked.size === FLOWS, `${name}: ${masked.size} distinct keys for ${FLOWS} flows`)
    check(instances.every((p) => p.alive()), `${name}: an instance died`)

    // ---- A replayed callback.
    {
      const begun = await begin(lb, 0, `replay-${name}`)
      const saved = begun.jar.clone()
      const first = await finish(lb, 1, begun)
      const replay = await finish(lb, 2, { jar: saved, path: begun.path })
      result.replay = replay.page.code
      check(first.page.code === 'OK', `${name}: replay setup failed (${first.page.code})`)
      // Sealed: the app keeps no state, the single-use code is refused by OpenRouter. Store: the flow is
      // gone from the session before the exchange.
      const expected = v.store ? 'NO_FLOW' : 'INVALID_CODE'
      check(replay.status === 400 && replay.page.code === expected, `${name}: replayed callback answered ${replay.status} ${replay.page.code}, expected ${expected}`)
    }

    if (v.store) {
      // ---- 30 identical callbacks for one flow at once, spread over the three instances (on connections
      // opened beforehand, so that they arrive together): the flow is taken atomically, so exactly one of
      // them reaches OpenRouter.
      const begun = await begin(lb, 0, `race-${name}`)
      const client = new KeepAliveClient()
      const answers = []
      const before = emu.requestCount('exchange')
      try {
        await Promise.all(Array.from({ length: 30 }, (_, k) => client.get(instances[k % 3].port, '/warm-up', new Jar())))
        answers.push(...(await Promise.all(Array.from({ length: 30 }, (_, k) => client.get(instances[k % 3].port, begun.path, begun.jar.clone())))))
      } finally {
        client.close()
      }
      const sent = emu.requestCount('exchange') - before
      const won = answers.filter((a) => a.status === 200 && parsePage(a.body).code === 'OK').length
      result.racingCallbacks = { exchanges: sent, ok: won, noFlow: answers.filter((a) => a.status === 400 && parsePage(a.body).code === 'NO_FLOW').length }
      check(sent === 1 && won === 1, `${name}: 30 racing callbacks of one flow sent ${sent} exchanges (${won} OK)`)
    }

    // ---- Another user's cookie: refused; the other user's flow still completes.
    {
      const alice = await begin(lb, 0, `alice-${name}`)
      const bob = await begin(lb, 1, `bob-${name}`)
      const stolen = await finish(lb, 2, { jar: bob.jar.clone(), path: alice.path })
      result.crossCookie = stolen.page.code
      check(stolen.status === 400 && stolen.page.code === 'STATE_MISMATCH', `${name}: callback with another user's cookie answered ${stolen.status} ${stolen.page.code}`)
      const own = await finish(lb, 1, alice)
      check(own.page.code === 'OK' && own.page.user === `alice-${name}`, `${name}: alice's flow did not complete after the cross attempt (${own.page.code})`)
    }

    if (!v.store) {
      // ---- Rotation: sealed with OLD; an instance with [NEW, OLD] opens it, one with [NEW] refuses it.
      const rotated = await make('rotated', { OPENROUTER_PKCE_SECRETS: `${SECRET_NEW},${SECRET_OLD}` })
      const removed = await make('removed', { OPENROUTER_PKCE_SECRETS: SECRET_NEW })
      await Promise.all([rotated.start(), removed.start()])
      const lb2 = new Balancer([instances[0], rotated, removed])
      try {
        const keep = await finish(lb2, 1, await begin(lb2, 0, `rotate-keep-${name}`))
        const drop = await finish(lb2, 2, await begin(lb2, 0, `rotate-drop-${name}`))
        result.rotation = { oldStillListed: keep.page.code, oldRemoved: drop.page.code }
        check(keep.page.code === 'OK', `${name}: rotated secrets (old still listed) answered ${keep.page.code}`)
        check(drop.status === 400 && drop.page.code === 'SEALED_FLOW_INVALID', `${name}: old secret removed answered ${drop.status} ${drop.page.code}`)
        // And the reverse: sealed by the rotated instance (NEW), opened by an old one that lists only OLD.
        const fwd = await finish(lb2, 0, await begin(lb2, 1, `rotate-new-${name}`))
        check(fwd.page.code === 'SEALED_FLOW_INVALID', `${name}: a NEW-sealed flow on an OLD-only instance answered ${fwd.page.code}`)
      } finally {
        await Promise.all([rotated.stop(), removed.stop()])
      }
    }
    return result
  } finally {
    await Promise.all(instances.map((p) => p.stop()))
  }
}

const STORM_WORKERS = 30
const STORM_MS = 300 // normal traffic; then Redis hangs (SIGSTOP) as long, is SIGKILLed, and traffic goes on as long
const OUTAGE_ROUNDS = 2

/**
 * Redis dies while requests are in flight on every instance, twice: it hangs (SIGSTOP) under traffic, so
 * that requests are caught at every step — reading the session, storing or taking the flow, saving or
 * touching the session while the response is being sent — then it is SIGKILLed and the traffic goes on
 * against the dead store. Every request must get a whole HTTP answer (the page, the redirect or the 503
 * page) and no connection may be dropped after an answer: behind nginx either one takes the instance out
 * of rotation. No instance may die; while Redis is down every instance answers the 503 page at once; once
 * it is back every instance serves whole flows again.
 */
async function redisOutage(name, emu, redisHolder) {
  const v = VARIANTS[name]
  const publicUrl = `http://127.0.0.1:${await freePort()}`
  const instances = []
  for (let i = 0; i < 3; i++) {
    const port = await freePort()
    const [cmd, args] = v.cmd()
    instances.push(
      new Proc(`${name}-outage#${i}`, cmd, args, {
        PUBLIC_URL: publicUrl,
        OPENROUTER_PKCE_BASE_URL: emu.baseUrl,
        SESSION_SECRET: SECRET_OLD,
        REDIS_URL: `redis://127.0.0.1:${redisHolder.port}`,
        PORT: String(port),
      }, port),
    )
  }
  await Promise.all(instances.map((p) => p.start()))
  const lb = new Balancer(instances)
  const client = new KeepAliveClient()
  const isStorePage = (a) => a.status === 503 && parsePage(a.body).code === 'STORE_UNAVAILABLE'
  const rounds = []
  try {
    for (let round = 1; round <= OUTAGE_ROUNDS; round++) {
      const out = {}
      rounds.push(out)
      const what = `${name} (outage ${round})`
      // ---- The storm: whole flows (login on one instance, consent, callback on the next) from 30 browsers.
      const answers = []
      let stop = false
      const storm = async (w) => {
        for (let n = 0; !stop; n++) {
          const jar = new Jar({ user: `storm-${name}-${round}-${w}-${n}` })
          const a = (w + n) % 3
          const login = await client.get(instances[a].port, '/login', jar)
          answers.push({ kind: 'login', ...login })
          if (login.status !== 302) continue
          const consent = await fetch(login.location, { redirect: 'manual' })
          const cb = new URL(consent.headers.get('location'))
          const callback = await client.get(instances[(a + 1) % 3].port, `${cb.pathname}${cb.search}`, jar)
          answers.push({ kind: 'callback', ...callback })
        }
      }
      const dropsBefore = client.dropped
      const workers = Array.from({ length: STORM_WORKERS }, (_, w) => storm(w))
      await sleep(STORM_MS)
      const beforeHang = answers.length
      redisHolder.redis.signal('SIGSTOP')
      await sleep(STORM_MS)
      const inHang = answers.length - beforeHang
      await redisHolder.redis.stop('SIGKILL')
      await sleep(STORM_MS)
      stop = true
      await Promise.all(workers)
      const tally = {}
      for (const a of answers) {
        const k = `${a.kind} ${a.error ? `no answer (${a.error})` : a.status}`
        tally[k] = (tally[k] || 0) + 1
      }
      const dropped = client.dropped - dropsBefore
      Object.assign(out, { requests: answers.length, beforeHang, inHang, answers: tally, droppedConnections: dropped })
      const reset = answers.filter((a) => a.error)
      check(reset.length === 0, `${what}: ${reset.length} of ${answers.length} requests got no whole HTTP answer (${[...new Set(reset.map((a) => a.error))].join(', ')})`)
      check(dropped === 0, `${what}: ${dropped} connections closed by an instance right after its answer`)
      const odd = answers.filter(
        (a) =>
          !a.error &&
          !(a.kind === 'login' && a.status === 302) &&
          !(a.kind === 'callback' && a.status === 200 && parsePage(a.body).code === 'OK') &&
          !isStorePage(a),
      )
      for (const a of odd.slice(0, 3)) console.error(`  storm: ${a.kind} answered ${a.status} ${a.body.slice(0, 200)}`)
      check(odd.length === 0, `${what}: ${odd.length} requests answered neither normally nor with the 503 page`)
      check(beforeHang > 0 && answers.some(isStorePage), `${what}: the storm did not span the outage (${beforeHang} answers before it)`)
      check(instances.every((p) => p.alive()), `${what}: an instance died when Redis was killed`)

      // ---- Redis still down: every instance answers the 503 page at once.
      const t0 = performance.now()
      const down = []
      for (let i = 0; i < 3; i++) down.push(await lb.probe(i, '/login', new Jar({ user: 'x' })))
      out.outageAnswerMs = Number(((performance.now() - t0) / down.length).toFixed(1))
      for (const a of down) {
        check(isStorePage(a), `${what}: with Redis down answered ${a.status ?? a.error} ${parsePage(a.body || '').code}`)
        check(!/at .*\(|Traceback|Error:/.test(a.body || ''), `${what}: the 503 page shows internals`)
      }

      // ---- Redis back: every instance serves whole flows again (login on it, callback on the next one).
      redisHolder.redis = await startRedis(redisHolder.port)
      const t1 = performance.now()
      const recovered = []
      for (let i = 0; i < 3; i++) {
        let ok = false
        while (!ok && performance.now() - t1 < 10000) {
          try {
            ok = (await finish(lb, (i + 1) % 3, await begin(lb, i, `recovered-${name}-${round}-${i}`))).page.code === 'OK'
          } catch {}
          if (!ok) await sleep(100)
        }
        recovered.push(ok ? Math.round(performance.now() - t1) : null)
        check(ok, `${what}: instance ${i} served no whole flow within 10 s after Redis came back`)
      }
      out.recoveredAfterMs = recovered
      check(instances.every((p) => p.alive()), `${what}: an instance died`)
    }
  } finally {
    client.close()
    await Promise.all(instances.map((p) => p.stop()))
  }
  return { outage: rounds }
}

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(VARIANTS)
  for (const n of names) if (!VARIANTS[n]) throw new Error(`unknown variant ${n}`)
  const emu = new Emulator()
  await emu.start()
  const redisHolder = { port: await freePort(), redis: null }
  const needsRedis = names.some((n) => VARIANTS[n].store)
  if (needsRedis) redisHolder.redis = await startRedis(redisHolder.port)
  const results = []
  const started = performance.now()
  try {
    for (const name of names) {
      console.error(`${name}: ${FLOWS} flows, ${CONCURRENCY} concurrent, 3 instances`)
      const r = await runVariant(name, emu, redisHolder.port)
      if (VARIANTS[name].store) Object.assign(r, await redisOutage(name, emu, redisHolder))
      results.push(r)
      console.error(`  ${JSON.stringify(r)}`)
    }
  } finally {
    if (redisHolder.redis) await redisHolder.redis.stop()
    await emu.stop()
  }
  console.log('\n| variant | flows | ok | lost | crossed | flows/s | /callback p50 | /callback p99 |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const r of results) {
    console.log(`| ${r.variant} | ${r.flows} | ${r.ok} | ${r.lost} | ${r.crossed} | ${r.flowsPerSecond} | ${r.callbackP50Ms} ms | ${r.callbackP99Ms} ms |`)
  }
  console.log(`\nscale test: ${((performance.now() - started) / 1000).toFixed(1)} s in all`)
  if (process.env.SCALE_REPORT) writeFileSync(process.env.SCALE_REPORT, JSON.stringify(results, null, 2))
  if (failures.length) {
    console.error(`\n${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`)
    process.exit(1)
  }
  console.log('scale test: all checks passed')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
