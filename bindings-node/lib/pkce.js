'use strict'
/**
 * PKCE: the `Pkce` object (the verifier behind a getter, never serialised) and the verifier/challenge
 * functions, all the core's.
 * @module openrouter-pkce/pkce
 */

const native = require('../native.js')
const { checkOptions, sync } = require('./arguments.js')
const { Pkce } = require('./common.js')

const pkcePair = native._pkcePair
const generatePkceParts = sync(native._generatePkce, ['length', 'method'])

/**
 * A fresh verifier (default 43 characters = 32 CSPRNG bytes) and its challenge, in one call.
 * @param {{length?: number, method?: 'S256' | 'plain'}} [options]
 * @returns {Pkce}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER` (length outside 43–128) or `INVALID_METHOD`
 */
function generatePkce(options) {
  checkOptions('generatePkce', options)
  if (options === undefined || options === null || (options.length === undefined && options.method === undefined)) {
    // The fast path: one native call returning verifier + S256 challenge, both 32 bytes in base64url.
    const s = pkcePair()
    const half = s.length / 2
    return new Pkce(s.slice(0, half), s.slice(half), 'S256')
  }
  const parts = generatePkceParts(options.length, options.method)
  return new Pkce(parts[0], parts[1], parts[2])
}

/**
 * A new random code verifier of `length` characters (43–128, default 43).
 * @type {(length?: number) => string}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER`
 */
const createVerifier = sync(native.createVerifier, ['length'])

/**
 * The challenge of a verifier with `method` (`'S256'`, the default, or `'plain'`).
 * @type {(codeVerifier: string, method?: 'S256' | 'plain') => string}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER` or `INVALID_METHOD`
 */
const createChallenge = sync(native.createChallenge, ['codeVerifier', 'method'])

/**
 * Whether `codeChallenge` is the challenge of `codeVerifier`, compared in constant time.
 * @type {(codeVerifier: string, codeChallenge: string, method?: 'S256' | 'plain') => boolean}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER` or `INVALID_METHOD`
 */
const verifyChallenge = sync(native.verifyChallenge, ['codeVerifier', 'codeChallenge', 'method'])

module.exports = { Pkce, generatePkce, createVerifier, createChallenge, verifyChallenge }
