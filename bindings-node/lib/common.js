'use strict'
/**
 * What both JavaScript bindings publish alike, written once: the one error class, the `Pkce` object and the
 * redacted views of the secrets (`AuthRequest`, `AuthCode`, `ApiKey`, `Pkce`: never a verifier, a code or a
 * key in `util.inspect`, Deno's inspect, `console.log`, `JSON.stringify` or `String()`).
 *
 * The native package requires it as `lib/common.js`; the WebAssembly build (`bindings-wasm/tools/build.mjs`)
 * puts its text, without its exports line, into its ES and CommonJS modules. So it uses no `require`
 * and no Node API: only what every JavaScript runtime has.
 * @module openrouter-pkce/common
 */

/** The key Node's `util.inspect` (and Bun's) looks for: `util.inspect.custom`. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom')
/** The key Deno's `Deno.inspect` (and its `console.log`) looks for. */
const DENO_INSPECT = Symbol.for('Deno.customInspect')
/** What a redacted view shows in a secret's place. */
const REDACTED = '<redacted>'

/**
 * The one error class of the library. `code` is a stable string from the contract's table
 * (e.g. `'INVALID_CODE'`); `status` is the HTTP status for errors that came from an HTTP answer.
 * Messages never contain a key, verifier or authorization code.
 */
class OpenRouterPkceError extends Error {
  /**
   * @param {string} code the contract's error code
   * @param {string} message what happened and what to do
   * @param {number} [status] the HTTP status, when an HTTP answer caused it
   */
  constructor(code, message, status) {
    super(message)
    /** @type {string} */
    this.code = code
    if (status !== undefined) {
      /** @type {number | undefined} */
      this.status = status
    }
  }

  get name() {
    return 'OpenRouterPkceError'
  }
}

/**
 * Give `Cls` redacted views: `util.inspect` / Deno's inspect (`name {…}` of `view(this)`), `toJSON`
 * (`json(this)`, default the same view) and, when given, `toString`. `name` is passed, not read from `Cls`,
 * so that a minifier renaming the class changes nothing.
 */
function redacted(Cls, name, view, json = view, toString) {
  const show = function (depth, options, inspect) {
    const shown = view(this)
    return `${name} ${typeof inspect === 'function' ? inspect(shown, options) : JSON.stringify(shown)}`
  }
  const props = {
    [INSPECT]: { value: show, configurable: true },
    [DENO_INSPECT]: { value: function (inspect, options) { return show.call(this, 0, options, inspect) }, configurable: true },
    toJSON: { value: function () { return json(this) }, writable: true, configurable: true },
  }
  if (toString) props.toString = { value: function () { return toString(this) }, writable: true, configurable: true }
  Object.defineProperties(Cls.prototype, props)
}

/**
 * The redacted views of the binding's `AuthRequest`, `AuthCode` and `ApiKey` classes (native or wasm):
 * an `AuthRequest` shows everything but the verifier (the session form is the explicit `toDict()`),
 * `JSON.stringify` of an `AuthCode` never holds the code, nor that of an `ApiKey` the secret.
 */
function redactSecrets({ AuthRequest, AuthCode, ApiKey }) {
  redacted(
    AuthRequest,
    'AuthRequest',
    (r) => ({
      url: r.urlForDisplay,
      callbackUrl: r.callbackUrl,
      codeVerifier: REDACTED,
      codeChallengeMethod: r.codeChallengeMethod,
      createdAt: r.createdAt,
    }),
    undefined,
    (r) => `AuthRequest(${r.urlForDisplay})`,
  )
  redacted(
    AuthCode,
    'AuthCode',
    (c) => ({ id: REDACTED, appId: c.appId, createdAt: c.createdAt }),
    (c) => ({ appId: c.appId, createdAt: c.createdAt }),
  )
  redacted(
    ApiKey,
    'ApiKey',
    (k) => ({ key: k.masked, userId: k.userId }),
    (k) => ({ masked: k.masked, userId: k.userId }),
    (k) => k.masked,
  )
}

/**
 * A verifier, its challenge and the method: what a flow needs. `util.inspect` and `JSON.stringify`
 * never show the verifier (nor a `plain` challenge, which is the verifier).
 */
class Pkce {
  #verifier
  #challenge

  /**
   * @param {string} codeVerifier
   * @param {string} codeChallenge
   * @param {'S256' | 'plain'} codeChallengeMethod
   */
  constructor(codeVerifier, codeChallenge, codeChallengeMethod) {
    // The verifier is a private field behind a getter, not an own property: `{...pkce}`,
    // `Object.entries(pkce)`, `Object.assign({}, pkce)` and loggers that walk own properties never copy it.
    // A `plain` challenge is the verifier itself, so it is hidden the same way.
    this.#verifier = codeVerifier
    this.#challenge = codeChallenge
    if (codeChallengeMethod !== 'plain') {
      /** The challenge for the authorization URL. @type {string} */
      Object.defineProperty(this, 'codeChallenge', { value: codeChallenge, enumerable: true, writable: true })
    }
    /** `'S256'` or `'plain'`. @type {'S256' | 'plain'} */
    this.codeChallengeMethod = codeChallengeMethod
  }

  /** The secret verifier (send it only in the exchange). @type {string} */
  get codeVerifier() {
    return this.#verifier
  }

  /** The challenge for the authorization URL (with `plain`, the verifier itself). @type {string} */
  get codeChallenge() {
    return this.#challenge
  }

  /** A redacted plain object: the verifier is never serialised. */
  toJSON() {
    return {
      codeVerifier: REDACTED,
      codeChallenge: this.codeChallengeMethod === 'plain' ? REDACTED : this.codeChallenge,
      codeChallengeMethod: this.codeChallengeMethod,
    }
  }

  toString() {
    return `Pkce(${this.codeChallengeMethod})`
  }

  [INSPECT](depth, options, inspect) {
    return `Pkce ${typeof inspect === 'function' ? inspect(this.toJSON(), options) : JSON.stringify(this.toJSON())}`
  }

  [DENO_INSPECT](inspect, options) {
    return this[INSPECT](0, options, inspect)
  }
}

module.exports = { INSPECT, DENO_INSPECT, REDACTED, OpenRouterPkceError, Pkce, redacted, redactSecrets }
