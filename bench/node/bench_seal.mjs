// Benchmark: sealing a flow and opening it again — ours (`request.seal` + `AuthRequest.unseal`, which
// derive the key from the secret with HKDF on every call) against npm `jose` (`EncryptJWT` + `jwtDecrypt`
// with the same claims and a key derived once, ahead of time). Prints one JSON line on stdout.
// Needs the release addon (`npm run build`). Usage: node bench/node/bench_seal.mjs [--quick]
import { EncryptJWT, jwtDecrypt } from 'jose'
import { AuthRequest, startAuth } from 'openrouter-pkce'
import { TYP, flowClaims, header, sealKey } from '../../tests/node/_jose.mjs'

const QUICK = process.argv.includes('--quick')
const N = QUICK ? 500 : 5000
const ROUNDS = QUICK ? 3 : 7
const SECRET = 'a benchmark sealing secret of at least 32 bytes'
const key = sealKey(SECRET)
const protectedHeader = header(SECRET)
const req = startAuth({ callbackUrl: 'https://app.example.com/callback', keyLabel: 'My app' })
const claims = flowClaims(req)

const ours = async () => AuthRequest.unseal(req.seal(SECRET), SECRET).state.length
async function jose() {
  const now = Math.floor(Date.now() / 1000)
  const token = await new EncryptJWT(claims)
    .setProtectedHeader(protectedHeader)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .encrypt(key)
  const { payload } = await jwtDecrypt(token, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], typ: TYP })
  return payload.state.length
}

async function bench(fn) {
  let sink = 0
  for (let i = 0; i < N / 5; i++) sink += await fn()
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < N; i++) sink += await fn()
    rounds.push(Number(process.hrtime.bigint() - t0) / N / 1000)
  }
  if (sink === 42) console.error('')
  rounds.sort((a, b) => a - b)
  return { min_us: rounds[0], median_us: rounds[Math.floor(rounds.length / 2)] }
}

const result = { ours: await bench(ours), jose: await bench(jose), token_chars: req.seal(SECRET).length }
result.ratio = result.jose.min_us / result.ours.min_us
console.error(`[node seal] ours ${result.ours.min_us.toFixed(1)} µs, jose ${result.jose.min_us.toFixed(1)} µs per seal+unseal (${result.ratio.toFixed(1)}×)`)
console.log(JSON.stringify(result))
