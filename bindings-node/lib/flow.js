'use strict'
/**
 * Step 1, the flow: `authUrl`, `startAuth`, and the native `AuthRequest` with its session forms
 * (`fromDict` / `fromJSON`) and sealed form (`seal` / `unseal`); `asAuthRequest` reads any of them back.
 * @module openrouter-pkce/flow
 */

const native = require('../native.js')
const { refuse } = require('./errors.js')
const { checkOptions, secretList, sync, syncEnv } = require('./arguments.js')
require('./redact.js')

const { AuthRequest } = native

/**
 * Build the authorization URL.
 * @type {(options?: import('../native').AuthUrlOpts) => string}
 * @throws {OpenRouterPkceError} `INVALID_CALLBACK_URL`, `INVALID_METHOD`, `INVALID_ARGUMENT`
 */
const authUrl = sync(function authUrl(options) {
  syncEnv()
  checkOptions('authUrl', options)
  return native.authUrl(options)
})

/**
 * Start a flow: fresh PKCE and state, and the URL carrying them.
 * @type {(options?: import('../native').StartAuthOpts) => import('../native').AuthRequest}
 * @throws {OpenRouterPkceError} `INVALID_CALLBACK_URL`, `INVALID_METHOD`, `INVALID_ARGUMENT`
 */
const startAuth = sync(function startAuth(options) {
  syncEnv()
  checkOptions('startAuth', options)
  return native.startAuth(options)
})

const nativeFromJSON = AuthRequest._fromJSON
/**
 * Rebuild an `AuthRequest` from `toDict()`'s plain object (the session form; Python's `from_dict`) or the
 * core's JSON string (Rust/Python `to_json`).
 * @throws {OpenRouterPkceError} `INVALID_ARGUMENT` for tampered or inconsistent data
 */
const fromDict = sync(function fromDict(data) {
  if (typeof data !== 'string' && (data === null || typeof data !== 'object')) throw refuse('type', 'data', 'data')
  return nativeFromJSON.call(AuthRequest, data)
}, ['data'])

/**
 * Seal this flow into an opaque, expiring, cookie- and URL-safe string (JWE `dir` + `A256GCM`) with the
 * first of `secrets` (each at least 32 bytes); `AuthRequest.unseal` (here or in Python) opens it with any
 * of them.
 * @throws {OpenRouterPkceError} `INVALID_ARGUMENT` for a missing or too short secret
 */
const seal = sync(function seal(secrets) {
  return native._sealFlow(this, secretList(secrets))
}, ['secrets'])

/**
 * Open a flow sealed by `request.seal()` (in Node or Python) with any of `secrets`; `{maxAgeMs}` refuses
 * it when older (default and most: 10 minutes).
 * @throws {OpenRouterPkceError} `SEALED_FLOW_EXPIRED`, `SEALED_FLOW_INVALID`, `INVALID_ARGUMENT`
 */
const unseal = sync(function unseal(sealed, secrets, options) {
  checkOptions('unseal', options)
  if (typeof sealed !== 'string') throw refuse('type', 'sealed', 'StringExpected')
  return native._unsealFlow(sealed, secretList(secrets), options === null ? undefined : options)
}, ['sealed', 'secrets', 'options'])

const method = (value) => ({ value, writable: true, configurable: true })
Object.defineProperties(AuthRequest, { fromDict: method(fromDict), fromJSON: method(fromDict), unseal: method(unseal) })
Object.defineProperty(AuthRequest.prototype, 'seal', method(seal))

/**
 * A flow given as an `AuthRequest`, its `toDict()` object or JSON string, or its sealed string — by the
 * core's rule: with `secrets`, only the sealed string (anything else is `SEALED_FLOW_INVALID`).
 */
function asAuthRequest(request, secrets) {
  const keys = secrets === undefined || secrets === null ? null : secretList(secrets)
  const opened = native._openFlow(request, keys)
  if (opened !== null) return opened
  if (request === null || typeof request !== 'object') throw refuse('type', 'request', 'request')
  return AuthRequest.fromJSON(request)
}

module.exports = { authUrl, startAuth, AuthRequest, asAuthRequest }
