'use strict'
/**
 * openrouter-pkce for Node.js: OAuth PKCE for OpenRouter, backed by the Rust core through napi-rs.
 *
 * This file is the thin hand-written layer over the generated loader (`native.js`): it turns the
 * native errors into `OpenRouterPkceError` (with `.code` and `.status`), makes secrets redact
 * themselves in `util.inspect` / `console.log` / `JSON.stringify` / `String()`, and builds the `Pkce`
 * object on the fast path. Everything else is the core's behaviour, unchanged.
 * @module openrouter-pkce
 */

const util = require('node:util')
const native = require('./native.js')

const SEP = '\x1f'
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

/** Decode a native error (`CODE \x1f STATUS \x1f message`) into an `OpenRouterPkceError`. */
function convert(err) {
  if (err instanceof OpenRouterPkceError) return err
  const message = err && typeof err.message === 'string' ? err.message : ''
  const parts = message.split(SEP)
  let out
  if (parts.length >= 3 && /^[A-Z_]+$/.test(parts[0])) {
    const status = parts[1] === '' ? undefined : Number(parts[1])
    out = new OpenRouterPkceError(parts[0], parts.slice(2).join(SEP), status)
  } else {
    // A value napi-rs could not convert (e.g. a number where a string belongs). Its own message may quote
    // the value, which could be a secret, so only the expected kind is kept.
    const kind = err && typeof err.code === 'string' ? err.code : 'InvalidArg'
    out = new OpenRouterPkceError('INVALID_ARGUMENT', `invalid argument: wrong type (${kind})`)
  }
  Error.captureStackTrace(out, convert)
  return out
}

function sync(fn) {
  return function (...args) {
    try {
      return fn.apply(this, args)
    } catch (e) {
      throw convert(e)
    }
  }
}

function promise(fn) {
  return async function (...args) {
    try {
      return await fn.apply(this, args)
    } catch (e) {
      throw convert(e)
    }
  }
}

// ---------------------------------------------------------------------------------------------- PKCE

/**
 * A verifier, its challenge and the method: what a flow needs. `util.inspect` and `JSON.stringify`
 * never show the verifier (nor a `plain` challenge, which is the verifier).
 */
class Pkce {
  /**
   * @param {string} codeVerifier
   * @param {string} codeChallenge
   * @param {'S256' | 'plain'} codeChallengeMethod
   */
  constructor(codeVerifier, codeChallenge, codeChallengeMethod) {
    /** The secret verifier (send it only in the exchange). @type {string} */
    this.codeVerifier = codeVerifier
    /** The challenge for the authorization URL. @type {string} */
    this.codeChallenge = codeChallenge
    /** `'S256'` or `'plain'`. @type {'S256' | 'plain'} */
    this.codeChallengeMethod = codeChallengeMethod
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

  [util.inspect.custom](depth, options, inspect) {
    return `Pkce ${(inspect || util.inspect)(this.toJSON(), options)}`
  }
}

const pkcePair = native._pkcePair
const generatePkceParts = native._generatePkce

/**
 * A fresh verifier (default 43 characters = 32 CSPRNG bytes) and its challenge, in one call.
 * @param {{length?: number, method?: 'S256' | 'plain'}} [options]
 * @returns {Pkce}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER` (length outside 43–128) or `INVALID_METHOD`
 */
function generatePkce(options) {
  if (options === undefined || options === null || (options.length === undefined && options.method === undefined)) {
    // The fast path: one native call returning one 86-character string.
    const s = pkcePair()
    return new Pkce(s.slice(0, 43), s.slice(43), 'S256')
  }
  let parts
  try {
    parts = generatePkceParts(options.length, options.method)
  } catch (e) {
    throw convert(e)
  }
  return new Pkce(parts[0], parts[1], parts[2])
}

/**
 * A new random code verifier of `length` characters (43–128, default 43).
 * @type {(length?: number) => string}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER`
 */
const createVerifier = sync(native.createVerifier)

/**
 * The challenge of a verifier with `method` (`'S256'`, the default, or `'plain'`).
 * @type {(codeVerifier: string, method?: 'S256' | 'plain') => string}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER` or `INVALID_METHOD`
 */
const createChallenge = sync(native.createChallenge)

/**
 * Whether `codeChallenge` is the challenge of `codeVerifier`, compared in constant time.
 * @type {(codeVerifier: string, codeChallenge: string, method?: 'S256' | 'plain') => boolean}
 * @throws {OpenRouterPkceError} `INVALID_VERIFIER` or `INVALID_METHOD`
 */
const verifyChallenge = sync(native.verifyChallenge)

// ------------------------------------------------------------------------------------ Step 1: URLs

/**
 * Build the authorization URL.
 * @type {(options?: import('./native').AuthUrlOpts) => string}
 * @throws {OpenRouterPkceError} `INVALID_CALLBACK_URL`, `INVALID_METHOD`, `INVALID_ARGUMENT`
 */
const authUrl = sync(native.authUrl)

/**
 * Start a flow: fresh PKCE and state, and the URL carrying them.
 * @type {(options?: import('./native').StartAuthOpts) => import('./native').AuthRequest}
 * @throws {OpenRouterPkceError} `INVALID_CALLBACK_URL`, `INVALID_METHOD`, `INVALID_ARGUMENT`
 */
const startAuth = sync(native.startAuth)

const { AuthRequest, ApiKey } = native

const nativeFromJSON = AuthRequest._fromJSON
Object.defineProperty(AuthRequest, 'fromJSON', {
  /**
   * Rebuild an `AuthRequest` from `toJSON()`'s plain object (or the core's JSON string).
   * @throws {OpenRouterPkceError} `INVALID_ARGUMENT` for tampered or inconsistent data
   */
  value: sync(function fromJSON(data) {
    return nativeFromJSON.call(AuthRequest, data)
  }),
  writable: true,
  configurable: true,
})

Object.defineProperties(AuthRequest.prototype, {
  [util.inspect.custom]: {
    value: function (depth, options, inspect) {
      const shown = {
        url: this.urlForDisplay,
        callbackUrl: this.callbackUrl,
        codeVerifier: REDACTED,
        codeChallengeMethod: this.codeChallengeMethod,
        createdAt: this.createdAt,
      }
      return `AuthRequest ${(inspect || util.inspect)(shown, options)}`
    },
  },
  toString: {
    value: function () {
      return `AuthRequest(${this.urlForDisplay})`
    },
  },
})

Object.defineProperties(ApiKey.prototype, {
  [util.inspect.custom]: {
    value: function (depth, options, inspect) {
      return `ApiKey ${(inspect || util.inspect)({ key: this.masked, userId: this.userId }, options)}`
    },
  },
  toJSON: {
    /** The masked form only: `JSON.stringify(key)` never holds the secret. */
    value: function () {
      return { masked: this.masked, userId: this.userId }
    },
  },
  toString: {
    value: function () {
      return this.masked
    },
  },
})

function asAuthRequest(request) {
  return request instanceof AuthRequest ? request : AuthRequest.fromJSON(request)
}

// ------------------------------------------------------------------------------ Steps 2 and 3: HTTP

/**
 * Exchange an authorization code for the user's API key. Sent exactly once.
 * @type {(options: import('./native').ExchangeCodeOpts) => Promise<import('./native').ApiKey>}
 */
const exchangeCode = promise(native.exchangeCode)

/**
 * Finish a started flow. `request` is the `AuthRequest` or its `toJSON()` object (e.g. from a session).
 * @param {import('./native').AuthRequest | import('./native').AuthRequestData} request
 * @param {string} response the callback URL, its query string or a pasted code
 * @param {import('./native').CallOpts} [options]
 * @returns {Promise<import('./native').ApiKey>}
 */
const completeAuth = promise(function (request, response, options) {
  return native.completeAuth(asAuthRequest(request), response, options)
})

/**
 * Details of a key (`GET /api/v1/key`).
 * @type {(key: string, options?: import('./native').CallOpts) => Promise<import('./native').KeyInfo>}
 */
const keyInfo = promise(native.keyInfo)

/**
 * A configured OpenRouter client: `new Client({baseUrl?, timeoutMs?, userAgent?})`, with
 * `exchangeCode`, `completeAuth` and `keyInfo` methods.
 */
class Client extends native.Client {
  /** @param {import('./native').ClientOpts} [options] */
  constructor(options) {
    try {
      super(options)
    } catch (e) {
      throw convert(e)
    }
  }

  /** @param {import('./native').ExchangeCodeOpts} options */
  async exchangeCode(options) {
    try {
      return await super.exchangeCode(options)
    } catch (e) {
      throw convert(e)
    }
  }

  /**
   * @param {import('./native').AuthRequest | import('./native').AuthRequestData} request
   * @param {string} response
   * @param {import('./native').CallOpts} [options]
   */
  async completeAuth(request, response, options) {
    try {
      return await super.completeAuth(asAuthRequest(request), response, options)
    } catch (e) {
      throw convert(e)
    }
  }

  /**
   * @param {string} key
   * @param {import('./native').CallOpts} [options]
   */
  async keyInfo(key, options) {
    try {
      return await super.keyInfo(key, options)
    } catch (e) {
      throw convert(e)
    }
  }

  [util.inspect.custom]() {
    return `Client { baseUrl: '${this.baseUrl}', timeoutMs: ${this.timeoutMs} }`
  }
}

module.exports = {
  VERSION: native.version(),
  OpenRouterPkceError,
  Pkce,
  generatePkce,
  createVerifier,
  createChallenge,
  verifyChallenge,
  authUrl,
  startAuth,
  AuthRequest,
  ApiKey,
  exchangeCode,
  completeAuth,
  keyInfo,
  Client,
}

if (native.Emulator) {
  /**
   * The in-process fake of OpenRouter for tests: `new Emulator({autoApprove?, relayState?, codeTtlMs?,
   * port?})`, `await emu.start()`, `emu.baseUrl`, `emu.injectFault({...})`, `emu.requestCount()`,
   * `emu.issueCode({...})`, `emu.createKey({...})`, `await emu.stop()`.
   */
  class Emulator extends native.Emulator {
    /** @param {import('./native').EmulatorOpts} [options] */
    constructor(options) {
      try {
        super(options)
      } catch (e) {
        throw convert(e)
      }
    }

    [util.inspect.custom]() {
      let url = '(stopped)'
      try {
        url = this.baseUrl
      } catch {}
      return `Emulator { baseUrl: '${url}' }`
    }
  }
  for (const name of ['start', 'stop']) {
    const orig = native.Emulator.prototype[name]
    Object.defineProperty(Emulator.prototype, name, { value: promise(orig), writable: true, configurable: true })
  }
  for (const name of ['injectFault', 'requestCount', 'issueCode', 'createKey', 'setAutoApprove', 'setRelayState', 'setCodeTtlMs']) {
    const orig = native.Emulator.prototype[name]
    Object.defineProperty(Emulator.prototype, name, { value: sync(orig), writable: true, configurable: true })
  }
  for (const name of ['baseUrl', 'port']) {
    const desc = Object.getOwnPropertyDescriptor(native.Emulator.prototype, name)
    Object.defineProperty(Emulator.prototype, name, { get: sync(desc.get), configurable: true })
  }
  module.exports.Emulator = Emulator
}
