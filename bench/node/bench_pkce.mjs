// Benchmark: generatePkce() against a hand-rolled node:crypto version and the pkce-challenge package.
// Run after a release build (`npm run build`): `node bench/node/bench_pkce.mjs` (or `make node-bench`).
// Prints ns/op (median of several rounds), the ratios against the targets, and the cost of
// require('openrouter-pkce') in a fresh process. A report, not a test: it never fails on speed.
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { generatePkce } from 'openrouter-pkce'
import pkceChallenge from 'pkce-challenge'

const ROUNDS = Number(process.env.BENCH_ROUNDS || 7)

function nodeCrypto() {
  const codeVerifier = randomBytes(32).toString('base64url')
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url')
  return { codeVerifier, codeChallenge, codeChallengeMethod: 'S256' }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function benchSync(fn, n) {
  let sink = 0
  for (let i = 0; i < Math.min(n, 20000); i++) sink += fn().codeChallenge.length
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink += fn().codeChallenge.length
    rounds.push(Number(process.hrtime.bigint() - t0) / n)
  }
  if (sink === 42) console.log('')
  return median(rounds)
}

async function benchAsync(fn, n) {
  let sink = 0
  for (let i = 0; i < 2000; i++) sink += (await fn()).code_challenge.length
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink += (await fn()).code_challenge.length
    rounds.push(Number(process.hrtime.bigint() - t0) / n)
  }
  if (sink === 42) console.log('')
  return median(rounds)
}

function requireCostMs() {
  const entry = createRequire(import.meta.url).resolve('openrouter-pkce')
  const script = `const t0 = performance.now(); require(${JSON.stringify(entry)}); console.log(performance.now() - t0)`
  const runs = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })))
  return median(runs)
}

const ours = benchSync(generatePkce, 1_000_000)
const crypto = benchSync(nodeCrypto, 300_000)
const pkg = await benchAsync(() => pkceChallenge(), 30_000)
const req = requireCostMs()

const fmt = (ns) => `${ns.toFixed(0).padStart(7)} ns/op`
console.log(`generatePkce()              ${fmt(ours)}`)
console.log(`node:crypto (hand-rolled)   ${fmt(crypto)}   ${(crypto / ours).toFixed(2)}x slower than generatePkce (target >= 3x)`)
console.log(`pkce-challenge (async)      ${fmt(pkg)}   ${(pkg / ours).toFixed(1)}x slower than generatePkce (target >= 30x)`)
console.log(`require('openrouter-pkce')  ${req.toFixed(1).padStart(7)} ms (fresh process, median of 5)`)
console.log(JSON.stringify({ generatePkce_ns: Math.round(ours), node_crypto_ns: Math.round(crypto), pkce_challenge_ns: Math.round(pkg),
  ratio_node_crypto: +(crypto / ours).toFixed(2), ratio_pkce_challenge: +(pkg / ours).toFixed(1), require_ms: +req.toFixed(1) }))
