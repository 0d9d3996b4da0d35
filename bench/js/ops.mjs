// The operations `make bench` times in Chromium and workerd (bench/js/bench_runtimes.mjs bundles this module
// into a page and into a Worker). Each op does one unit of work and returns a number (kept, so nothing is
// optimised away).
//
// PKCE pair: a 43-character verifier (32 random bytes) and its S256 challenge —
//   ours:          generatePkce() — synchronous, in WebAssembly
//   sdk:           @openrouter/sdk's oAuthCreateSHA256CodeChallenge() — async, WebCrypto SHA-256
//   oauth4webapi:  generateRandomCodeVerifier() + await calculatePKCECodeChallenge(v) — async, WebCrypto
// Seal + unseal: a started flow sealed and opened again —
//   ours:  request.seal(secret) + AuthRequest.unseal(sealed, secret) (HKDF on every call, in WebAssembly)
//   jose:  EncryptJWT + jwtDecrypt with the same header and claims (dir + A256GCM through WebCrypto), the key
//          derived once ahead of time
import { AuthRequest, generatePkce, startAuth } from 'openrouter-pkce'
import { oAuthCreateSHA256CodeChallenge } from './node_modules/@openrouter/sdk/esm/funcs/oAuthCreateSHA256CodeChallenge.js' // (the package exports only its client: a path past its exports map)
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi'
import { EncryptJWT, jwtDecrypt } from 'jose'

const SECRET = 'a benchmark sealing secret of at least 32 bytes'
const TYP = 'or-pkce-flow+jwt'
const te = new TextEncoder()

async function hkdf(info, bytes) {
  const base = await crypto.subtle.importKey('raw', te.encode(SECRET), 'HKDF', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: te.encode(info) }, base, bytes * 8)
  return new Uint8Array(bits)
}

let joseState
async function joseSetup() {
  if (joseState) return joseState
  const req = startAuth({ callbackUrl: 'https://app.example.com/callback', keyLabel: 'My app' })
  const kidBytes = await hkdf('openrouter-pkce sealed flow v1 kid', 8)
  const kid = btoa(String.fromCharCode(...kidBytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  joseState = {
    key: await hkdf('openrouter-pkce sealed flow v1 A256GCM', 32),
    header: { alg: 'dir', enc: 'A256GCM', kid, typ: TYP },
    claims: {
      v: 1, url: req.url, callback_url: req.callbackUrl, code_verifier: req.codeVerifier,
      code_challenge_method: req.codeChallengeMethod, state: req.state, created_at: req.createdAt, base_url: req.baseUrl,
    },
  }
  return joseState
}

// Made on first use: workerd forbids random numbers at a module's top level (outside a request).
let flow
const theFlow = () => (flow ??= startAuth({ callbackUrl: 'https://app.example.com/callback', keyLabel: 'My app' }))

export const OPS = {
  noop: () => 1,
  'pkce/ours': () => generatePkce().codeChallenge.length,
  'pkce/sdk': async () => {
    const r = await oAuthCreateSHA256CodeChallenge()
    if (!r.ok) throw r.error
    return r.value.codeChallenge.length
  },
  'pkce/oauth4webapi': async () => (await calculatePKCECodeChallenge(generateRandomCodeVerifier())).length,
  'seal/ours': () => AuthRequest.unseal(theFlow().seal(SECRET), SECRET).state.length,
  'seal/jose': async () => {
    const { key, header, claims } = await joseSetup()
    const now = Math.floor(Date.now() / 1000)
    const token = await new EncryptJWT(claims).setProtectedHeader(header).setIssuedAt(now).setExpirationTime(now + 600).encrypt(key)
    const { payload } = await jwtDecrypt(token, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], typ: TYP })
    return payload.state.length
  },
}

/** Run `name` n times (awaiting each asynchronous one); returns the sum of the results. */
export async function runOp(name, n) {
  const op = OPS[name]
  if (!op) throw new Error(`no op ${name}`)
  let sink = 0
  for (let i = 0; i < n; i++) {
    const v = op()
    sink += typeof v === 'number' ? v : await v // a synchronous op is not made to wait a microtask
  }
  return sink
}

/** Check each op once against the others: the same lengths (43 characters, a flow state). */
export async function check() {
  const out = {}
  for (const name of Object.keys(OPS)) out[name] = await OPS[name]()
  return out
}
