// The sealed-flow format written independently of the library, with npm `jose` and node:crypto HKDF: what
// the interop tests (seal.test.mjs) and the sealing benchmark (bench/node/bench_seal.mjs) compare against.
import { hkdfSync } from 'node:crypto'

/** The JWE `typ` of a sealed flow. */
export const TYP = 'or-pkce-flow+jwt'

/** The A256GCM key derived from a secret (HKDF-SHA256, empty salt). */
export const sealKey = (secret) =>
  new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), 'openrouter-pkce sealed flow v1 A256GCM', 32))

/** The `kid` of a secret: 8 HKDF bytes, base64url. */
export const kid = (secret) =>
  Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), 'openrouter-pkce sealed flow v1 kid', 8)).toString('base64url')

/** The protected header a flow sealed with `secret` carries. */
export const header = (secret) => ({ alg: 'dir', enc: 'A256GCM', kid: kid(secret), typ: TYP })

/** The claims of a sealed flow, from an `AuthRequest` (without `iat`/`exp`). */
export const flowClaims = (req) => ({
  v: 1,
  url: req.url,
  callback_url: req.callbackUrl,
  code_verifier: req.codeVerifier,
  code_challenge_method: req.codeChallengeMethod,
  state: req.state,
  created_at: req.createdAt,
  base_url: req.baseUrl,
})
