// Every async function takes an AbortSignal and rejects with CANCELLED at once (issue 11 item 9): before,
// exchangeCode({signal}) ignored it and ran to its timeout. Calls are cancelled by an id of their JS thread:
// many concurrent calls with mixed outcomes each get their own, worker threads' ids never cancel each
// other's calls, and a thread torn down with calls in flight neither crashes nor hangs the process.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { Client, Emulator, completeAuth, exchangeCode, generatePkce, keyInfo, startAuth } from 'openrouter-pkce'
import { ROOT, rejectsWith } from './_helpers.mjs'

let emu
let client
before(async () => {
  emu = new Emulator()
  await emu.start()
  client = new Client({ baseUrl: emu.baseUrl, timeoutMs: 20000 })
})
after(async () => {
  await emu.stop()
})

/** Run `call(signal)` against a hung endpoint, abort after 100 ms; returns how long the rejection took. */
async function abortedAfter100ms(endpoint, call) {
  emu.injectFault({ endpoint, kind: 'hang' })
  const ac = new AbortController()
  const t0 = Date.now()
  setTimeout(() => ac.abort(), 100)
  await rejectsWith(call(ac.signal), 'CANCELLED')
  return Date.now() - t0
}

test('exchangeCode, keyInfo and completeAuth (module and Client) reject with CANCELLED at once', async () => {
  const calls = [
    ['exchange', (signal) => exchangeCode({ code: 'c', baseUrl: emu.baseUrl, timeoutMs: 20000, signal })],
    ['exchange', (signal) => client.exchangeCode({ code: 'c', signal })],
    ['keyInfo', (signal) => keyInfo('sk-or-v1-abc', { baseUrl: emu.baseUrl, timeoutMs: 20000, signal })],
    ['keyInfo', (signal) => client.keyInfo('sk-or-v1-abc', { signal })],
    ['exchange', (signal) => {
      const req = startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
      return completeAuth(req, `?code=c&state=${req.state}`, { timeoutMs: 20000, signal })
    }],
    ['exchange', (signal) => {
      const req = startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
      return client.completeAuth(req.toDict(), `?code=c&state=${req.state}`, { signal })
    }],
  ]
  for (const [endpoint, call] of calls) {
    const took = await abortedAfter100ms(endpoint, call)
    assert.ok(took < 2000, `took ${took} ms`)
  }
})

test('Emulator start and stop take a signal: an aborted one does nothing and rejects with CANCELLED', async () => {
  const other = new Emulator()
  await rejectsWith(other.start({ signal: AbortSignal.abort() }), 'CANCELLED')
  assert.throws(() => other.baseUrl, /not running/)
  await rejectsWith(() => other.start({ signal: 'soon' }), 'INVALID_ARGUMENT')
  await rejectsWith(() => other.start({ port: 1 }), 'INVALID_ARGUMENT')
  await other.start({ signal: new AbortController().signal })
  const url = other.baseUrl
  // An aborted stop leaves it running; a stop with a live signal closes the port.
  await rejectsWith(other.stop({ signal: AbortSignal.abort() }), 'CANCELLED')
  assert.equal(other.baseUrl, url)
  await other.stop({ signal: new AbortController().signal })
  assert.throws(() => other.baseUrl, /not running/)
  await rejectsWith(new Client({ baseUrl: url, timeoutMs: 2000 }).keyInfo('sk-or-v1-abc'), 'NETWORK')
})

test('an already aborted signal rejects without sending anything; a bad signal is INVALID_ARGUMENT', async () => {
  const before = emu.requestCount('exchange')
  await rejectsWith(client.exchangeCode({ code: 'c', signal: AbortSignal.abort() }), 'CANCELLED')
  await rejectsWith(keyInfo('sk-or-v1-abc', { baseUrl: emu.baseUrl, signal: AbortSignal.abort() }), 'CANCELLED')
  assert.equal(emu.requestCount('exchange'), before)
  await rejectsWith(client.exchangeCode({ code: 'c', signal: 'soon' }), 'INVALID_ARGUMENT')
  await rejectsWith(keyInfo('sk-or-v1-abc', { signal: {} }), 'INVALID_ARGUMENT')
})

test('a cancelled call keeps nothing alive: the process exits at once', async () => {
  const script = `
    import { Emulator, Client } from 'openrouter-pkce'
    const emu = new Emulator(); await emu.start()
    emu.injectFault({ kind: 'hang' })
    const ac = new AbortController()
    const p = new Client({ baseUrl: emu.baseUrl, timeoutMs: 60000 }).exchangeCode({ code: 'c', signal: ac.signal })
    setTimeout(() => ac.abort(), 50)
    try { await p } catch (e) { console.log(e.code) }
    await emu.stop()
  `
  const t0 = Date.now()
  const out = await new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30000 }, (err, stdout, stderr) =>
      resolve({ err, stdout, stderr }))
  })
  assert.equal(out.err, null, out.stderr)
  assert.equal(out.stdout.trim(), 'CANCELLED')
  assert.ok(Date.now() - t0 < 10000, `exited after ${Date.now() - t0} ms`)
})

const INDEX = join(ROOT, 'bindings-node', 'index.js')

/** Run an ES module script in a child process; resolves { code, signal, stdout, stderr }. */
function runScript(script, timeout = 30000) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, signal: err ? err.signal : null, stdout, stderr }))
  })
}

test('2,000 concurrent calls with mixed outcomes each settle with their own outcome', async () => {
  const emu = new Emulator()
  await emu.start()
  try {
    const client = new Client({ baseUrl: emu.baseUrl, timeoutMs: 60000 })
    const key = emu.createKey({ label: 'settle' })
    const calls = []
    for (let i = 0; i < 2000; i++) {
      const kind = i % 4
      if (kind === 0) {
        const p = generatePkce()
        const code = emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' })
        calls.push(client.exchangeCode({ code, codeVerifier: p.codeVerifier }).then((k) => ['key', k.key]))
      } else if (kind === 1) {
        calls.push(client.exchangeCode({ code: `unknown-${i}` }).then(() => ['key'], (e) => ['error', e.code]))
      } else if (kind === 2) {
        calls.push(client.keyInfo(key).then((info) => ['info', info.label]))
      } else {
        const ac = new AbortController()
        const p = client.keyInfo(key, { signal: ac.signal }).then((info) => ['info', info.label], (e) => ['error', e.code])
        ac.abort()
        calls.push(p)
      }
    }
    const out = await Promise.all(calls)
    const keys = new Set()
    out.forEach((r, i) => {
      const kind = i % 4
      if (kind === 0) {
        assert.equal(r[0], 'key')
        keys.add(r[1])
      } else if (kind === 1) {
        assert.deepEqual(r, ['error', 'INVALID_CODE'])
      } else if (kind === 2) {
        assert.deepEqual(r, ['info', 'settle'])
      } else {
        // Aborted at once: CANCELLED (a call that already finished in the core keeps its answer).
        assert.ok(r[1] === 'CANCELLED' || r[1] === 'settle', String(r))
      }
    })
    assert.equal(keys.size, 500)
    assert.ok(out.filter((r, i) => i % 4 === 3 && r[1] === 'CANCELLED').length > 0)
  } finally {
    await emu.stop()
  }
})

test("one worker's abort never cancels another worker's call with the same id", async () => {
  // Each JS thread counts its call ids from 1: both workers' first call has id 1. Before, the ids were
  // global, so the second registration replaced the first and one worker's abort hit the other's call.
  const script = `
    import { Worker } from 'node:worker_threads'
    import { Emulator } from 'openrouter-pkce'
    const emu = new Emulator(); await emu.start()
    emu.injectFault({ endpoint: 'keyInfo', kind: 'hang' })
    emu.injectFault({ endpoint: 'keyInfo', kind: 'hang' })
    const code = \`
      const { parentPort, workerData } = require('node:worker_threads')
      const orp = require(workerData.index)
      const ac = new AbortController()
      const t0 = Date.now()
      orp.keyInfo('sk-or-v1-abc', { baseUrl: workerData.url, timeoutMs: 20000, signal: ac.signal })
        .then(() => parentPort.postMessage({ outcome: 'ok' }), (e) => parentPort.postMessage({ outcome: e.code, ms: Date.now() - t0 }))
      parentPort.postMessage({ started: true })
      parentPort.on('message', () => ac.abort())
    \`
    const start = () => {
      const w = new Worker(code, { eval: true, execArgv: [], workerData: { index: ${JSON.stringify(INDEX)}, url: emu.baseUrl } })
      const outcome = new Promise((resolve) => w.on('message', (m) => { if (!m.started) resolve(m) }))
      const started = new Promise((resolve) => w.once('message', resolve))
      return { w, outcome, started }
    }
    const a = start(); await a.started
    const b = start(); await b.started
    await new Promise((r) => setTimeout(r, 300)) // both requests are in the emulator, hanging
    a.w.postMessage('abort')
    const first = await a.outcome
    let bDone = false
    b.outcome.then(() => (bDone = true))
    await new Promise((r) => setTimeout(r, 300))
    const bStillRunning = !bDone
    b.w.postMessage('abort')
    const second = await b.outcome
    console.log(JSON.stringify({ first, second, bStillRunning }))
    await a.w.terminate(); await b.w.terminate()
    await emu.stop()
  `
  const r = await runScript(script)
  assert.equal(r.code, 0, r.stderr)
  const { first, second, bStillRunning } = JSON.parse(r.stdout.trim())
  assert.equal(first.outcome, 'CANCELLED')
  assert.ok(first.ms < 5000, `worker A took ${first.ms} ms`)
  assert.ok(bStillRunning, "worker B's call ended when worker A aborted its own")
  assert.equal(second.outcome, 'CANCELLED')
})

test('a worker terminated with calls in flight, then the process: no crash, no hang', async () => {
  // The worker's environment is torn down while the runtime still holds its calls; they finish later, with
  // no JS thread left to settle them.
  const script = `
    import { Worker } from 'node:worker_threads'
    import { Emulator, Client, generatePkce } from 'openrouter-pkce'
    const emu = new Emulator(); await emu.start()
    for (let i = 0; i < 50; i++) emu.injectFault({ endpoint: 'keyInfo', kind: 'delay', delayMs: 300 })
    const code = \`
      const { parentPort, workerData } = require('node:worker_threads')
      const orp = require(workerData.index)
      const c = new orp.Client({ baseUrl: workerData.url, timeoutMs: 20000 })
      for (let i = 0; i < 50; i++) c.keyInfo('sk-or-v1-abc').catch(() => {})
      parentPort.postMessage('started')
    \`
    for (let round = 0; round < 3; round++) {
      const w = new Worker(code, { eval: true, execArgv: [], workerData: { index: ${JSON.stringify(INDEX)}, url: emu.baseUrl } })
      await new Promise((resolve) => w.once('message', resolve))
      await new Promise((r) => setTimeout(r, 50))
      await w.terminate()
    }
    await new Promise((r) => setTimeout(r, 600)) // the delayed answers arrive after the workers are gone
    // The main thread's own calls still settle.
    const p = generatePkce()
    const key = await new Client({ baseUrl: emu.baseUrl }).exchangeCode({
      code: emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' }), codeVerifier: p.codeVerifier })
    console.log(key.key.startsWith('sk-or-v1-') ? 'ok' : 'bad')
    await emu.stop()
  `
  const r = await runScript(script)
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`)
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'ok')
})

test('process.exit with hundreds of calls in flight exits cleanly with its own code', async () => {
  const script = `
    import { Emulator, Client } from 'openrouter-pkce'
    const emu = new Emulator(); await emu.start()
    for (let i = 0; i < 300; i++) emu.injectFault({ endpoint: 'keyInfo', kind: 'delay', delayMs: 20 })
    const c = new Client({ baseUrl: emu.baseUrl, timeoutMs: 20000 })
    for (let i = 0; i < 300; i++) c.keyInfo('sk-or-v1-abc').catch(() => {})
    setTimeout(() => process.exit(7), 10)
  `
  for (let i = 0; i < 3; i++) {
    const r = await runScript(script)
    assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`)
    assert.equal(r.code, 7, r.stderr)
  }
})
