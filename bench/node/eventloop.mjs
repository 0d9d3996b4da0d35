// Event-loop delay while 1,000 exchanges run at once, over several rounds, optionally with CPU-bound
// processes running beside it (issue 11 item 11). Prints one JSON object on stdout.
// Usage: node bench/node/eventloop.mjs [--rounds N] [--busy N] [--calls N]
// `make bench` runs it through bench_all.mjs (10 rounds, 2 busy processes); it is never part of `make test`.
import { spawn } from 'node:child_process'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as orp from 'openrouter-pkce'

function arg(name, dflt) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

/** Rounds of `calls` concurrent exchanges against the in-process emulator, with `busy` CPU hogs beside. */
export async function eventLoopRounds({ rounds = 5, busy = 2, calls = 1000 } = {}) {
  const hogs = Array.from({ length: busy }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
  const emu = new orp.Emulator()
  await emu.start()
  const client = new orp.Client({ baseUrl: emu.baseUrl })
  const out = []
  try {
    await new Promise((r) => setTimeout(r, 300)) // let the hogs spin up
    for (let r = 0; r < rounds + 1; r++) {
      const codes = []
      for (let i = 0; i < calls; i++) {
        const p = orp.generatePkce()
        codes.push([emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256' }), p.codeVerifier])
      }
      const h = monitorEventLoopDelay({ resolution: 1 })
      h.enable()
      const t0 = performance.now()
      await Promise.all(codes.map(([code, codeVerifier]) => client.exchangeCode({ code, codeVerifier })))
      const wall = performance.now() - t0
      h.disable()
      // Round 0 warms the pools and the JIT.
      if (r > 0) out.push({ p50_ms: h.percentile(50) / 1e6, p99_ms: h.percentile(99) / 1e6, max_ms: h.max / 1e6, wall_ms: wall })
    }
  } finally {
    for (const h of hogs) h.kill('SIGKILL')
    await emu.stop()
  }
  return { calls, busy, rounds: out, worst_p99_ms: Math.max(...out.map((x) => x.p99_ms)) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await eventLoopRounds({ rounds: arg('--rounds', 5), busy: arg('--busy', 2), calls: arg('--calls', 1000) })
  console.log(JSON.stringify(result))
}
