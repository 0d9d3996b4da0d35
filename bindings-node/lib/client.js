'use strict'
/**
 * Steps 2 and 3 over HTTP, and the one-click login: `Client`, and the module-level functions, which are
 * its methods on a default client made on first use (`run*` below: each operation's argument handling,
 * written once for both).
 * @module openrouter-pkce/client
 */

const util = require('node:util')
const native = require('../native.js')
const { convert } = require('./errors.js')
const { checkOptions, checkText, keyArg, syncEnv, withoutSignal } = require('./arguments.js')
const { cancellable } = require('./cancel.js')
const { asAuthRequest } = require('./flow.js')
const { runLogin } = require('./login.js')

const methods = native.Client.prototype
let defaultClient = null

/** The module-level functions' client: the core's `Client::from_environment()`, made on first use. */
function theDefault() {
  if (defaultClient === null) defaultClient = native._defaultClient()
  return defaultClient
}

/** `exchangeCode(options)` through the native `fn` of `self` (a `Client`). The one options object is the
 * exchange's own options and the per-call options (`CallOpts`) at once: napi has no struct flatten. */
async function runExchange(fn, self, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('exchangeCode', rest)
  return cancellable(fn, self, [rest, rest], signal, ['options', 'options'])
}

/** Split `{secrets, ...call}`: the secrets open a sealed flow, the rest goes to the exchange. */
function splitSecrets(options) {
  if (options === undefined || options === null || typeof options !== 'object') return [undefined, options]
  const { secrets, ...call } = options
  return [secrets, call]
}

/** `completeAuth(request, response, options)` through the native `fn` of `self`. */
async function runComplete(fn, self, request, response, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('completeAuth', rest, 'complete')
  const [secrets, call] = splitSecrets(rest)
  let req
  try {
    req = asAuthRequest(request, secrets)
  } catch (e) {
    throw convert(e)
  }
  return cancellable(fn, self, [req, response, call], signal, ['request', 'response', 'options'])
}

/** `keyInfo(key, options)` through `fns`' `keyInfo` / `_keyInfoOf` called on `self`. */
async function runKeyInfo(fns, self, key, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('keyInfo', rest, 'call')
  // An ApiKey remembers the server it came from (the core asks that one); a string goes to the client's.
  if (key instanceof native.ApiKey) return cancellable(fns._keyInfoOf, self, [key, rest], signal, ['key', 'options'])
  return cancellable(fns.keyInfo, self, [keyArg(key), rest], signal, ['key', 'options'])
}

/** `createAuthCode(key, options)` through the native `fn` of `self`. */
async function runCreateAuthCode(fn, self, key, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('createAuthCode', rest)
  // A Date crosses to the core as its milliseconds since 1970.
  const call = rest && rest.expiresAt instanceof Date ? { ...rest, expiresAt: rest.expiresAt.getTime() } : rest
  return cancellable(fn, self, [keyArg(key), call, call], signal, ['key', 'options', 'options'])
}

/**
 * Exchange an authorization code for the user's API key. Sent exactly once. `signal` (an AbortSignal)
 * rejects with `CANCELLED` at once and drops the call.
 * @param {import('../native').ExchangeCodeOpts & import('../native').CallOpts & {signal?: AbortSignal}} options
 * @returns {Promise<import('../native').ApiKey>}
 */
function exchangeCode(options) {
  return runExchange(methods.exchangeCode, theDefault(), options)
}

/**
 * Finish a started flow. `request` is the `AuthRequest`, its `toDict()` object (e.g. from a session), or
 * the string `request.seal(secrets)` made (then pass `{secrets}`).
 * @param {import('../native').AuthRequest | import('../native').AuthRequestData | string} request
 * @param {string} response the callback URL, its path + query (`req.originalUrl`), its query string or a pasted code
 * @param {import('../native').CallOpts & {secrets?: string | Uint8Array | Array<string | Uint8Array>, signal?: AbortSignal}} [options]
 *   `secrets` open a sealed flow; `signal` rejects with `CANCELLED` at once
 * @returns {Promise<import('../native').ApiKey>}
 */
function completeAuth(request, response, options) {
  return runComplete(methods.completeAuth, theDefault(), request, response, options)
}

/**
 * Details of a key (`GET /api/v1/key`): a string or an `ApiKey`, which is asked of the server it came from
 * unless `options.baseUrl` names another. `signal` (an AbortSignal) rejects with `CANCELLED` at once.
 * @param {string | import('../native').ApiKey} key
 * @param {import('../native').CallOpts & {signal?: AbortSignal}} [options]
 * @returns {Promise<import('../native').KeyInfo>}
 */
function keyInfo(key, options) {
  return runKeyInfo(methods, theDefault(), key, options)
}

/**
 * Create an authorization code with `key` (`POST /api/v1/auth/keys/code`, the key as bearer): the way to
 * mint a key that expires (`expiresAt`, a `Date`) or whose limit resets (`usageLimitType`). Exchange
 * `code.id` like a callback's code: `exchangeCode({code: code.id, codeVerifier})`. Sent at most once.
 * @param {string | import('../native').ApiKey} key
 * @param {import('../native').CreateAuthCodeOpts & import('../native').CallOpts & {signal?: AbortSignal}} options
 * @returns {Promise<import('../native').AuthCode>}
 */
function createAuthCode(key, options) {
  return runCreateAuthCode(methods.createAuthCode, theDefault(), key, options)
}

/**
 * The whole login in one call: a loopback port or headless mode, the browser, the callback or a pasted
 * code, the exchange. Resolves to the user's `ApiKey`.
 * @param {import('../index').LoginOptions} [options]
 * @returns {Promise<import('../native').ApiKey>}
 */
function login(options) {
  return runLogin(methods._login, theDefault(), options)
}

/**
 * A configured OpenRouter client: `new Client({baseUrl?, timeoutMs?, userAgent?, httpReferer?, appTitle?,
 * appCategories?})`, with the module-level operations as methods.
 */
class Client extends native.Client {
  /** @param {import('../native').ClientOpts} [options] */
  constructor(options) {
    checkText([options], ['options'])
    checkOptions('Client', options, 'client')
    syncEnv()
    try {
      super(options)
    } catch (e) {
      throw convert(e)
    }
  }

  /** Finish a started flow with this client (see the module-level `completeAuth`). */
  completeAuth(request, response, options) {
    return runComplete(super.completeAuth, this, request, response, options)
  }

  /** Exchange an authorization code with this client (see the module-level `exchangeCode`). */
  exchangeCode(options) {
    return runExchange(super.exchangeCode, this, options)
  }

  /** Details of a key with this client (see the module-level `keyInfo`). */
  keyInfo(key, options) {
    return runKeyInfo(methods, this, key, options)
  }

  /** Create an authorization code with `key` and this client (see the module-level `createAuthCode`). */
  createAuthCode(key, options) {
    return runCreateAuthCode(super.createAuthCode, this, key, options)
  }

  /** The whole login with this client (see the module-level `login`). */
  login(options) {
    return runLogin(super._login, this, options)
  }

  [util.inspect.custom]() {
    return `Client { baseUrl: '${this.baseUrl}', timeoutMs: ${this.timeoutMs} }`
  }
}

module.exports = { Client, exchangeCode, completeAuth, keyInfo, createAuthCode, login }
