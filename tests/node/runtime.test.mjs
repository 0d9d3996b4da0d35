// Async behaviour: concurrency, a free event loop, and no handle keeping the process alive.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Client, Emulator, generatePkce } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

test('1,000 concurrent exchanges resolve, all distinct, without blocking the event loop', async () => {
  const emu = new Emulator()
  await emu.start()
  try {
    const client = new Client({ baseUrl: emu.baseUrl, timeoutMs: 60000 })
    const flows = Array.from({ length: 1000 }, () => {
      const p = generatePkce()
      return { p, code: emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' }) }
    })
    const h = monitorEventLoopDelay({ resolution: 5 })
    h.enable()
    const t0 = performance.now()
    const keys = await Promise.all(flows.map(({ p, code }) => client.exchangeCode({ code, codeVerifier: p.codeVerifier })))
    const ms = performance.now() - t0
    h.disable()
    const p99 = h.percentile(99) / 1e6
    console.log(`# 1000 concurrent exchanges: ${ms.toFixed(0)} ms, event-loop delay p99 ${p99.toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`)
    assert.equal(new Set(keys.map((k) => k.key)).size, 1000)
    assert.ok(p99 < 50, `event-loop delay p99 ${p99} ms`)
    assert.equal(emu.requestCount('exchange'), 1000)
  } finally {
    await emu.stop()
  }
})

test('a child process doing one exchange exits by itself', async () => {
  // The emulator runs here; the child is another process that only imports the package and exchanges.
  const emu = new Emulator()
  await emu.start()
  try {
    const p = generatePkce()
    const code = emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' })
    const child = spawn(process.execPath, [join(ROOT, 'tests', 'node', 'fixtures', 'one_exchange.cjs')], {
      env: { ...process.env, EMU_URL: emu.baseUrl, CODE: code, VERIFIER: p.codeVerifier },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const t0 = Date.now()
    const rc = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('child did not exit within 10 s')) }, 10000)
      child.on('exit', (c) => { clearTimeout(timer); resolve(c) })
    })
    assert.equal(rc, 0)
    assert.match(out, /^sk-or-v1-.*…/)
    console.log(`# child exited after ${Date.now() - t0} ms`)
  } finally {
    await emu.stop()
  }
})
