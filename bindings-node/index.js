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

// Every error of the core is built natively as this class, with its fields set as properties.
native._registerErrorClass(OpenRouterPkceError)

/** napi's type-conversion codes: the JS type expected and how a message says it. */
const EXPECTED = {
  StringExpected: ['string', 'a string'],
  NumberExpected: ['number', 'a number'],
  BooleanExpected: ['boolean', 'a boolean'],
  ObjectExpected: ['object', 'an object'],
  FunctionExpected: ['function', 'a function'],
  BigintExpected: ['bigint', 'a bigint'],
}

/**
 * The name of the argument napi could not convert: a field of an options object (napi's message ends in
 * `on Type.field`, identifiers only), else the first of `params` whose value is not of the expected type.
 */
function badArgument(err, message, args, params) {
  const field = / on \w+\.(\w+)$/.exec(message)
  if (field) return field[1]
  const type = (EXPECTED[err && err.code] || [])[0]
  if (!type || !params || !args) return null
  // An instance of a native class (a flow, a key) is the right kind for its own parameter.
  const misfit = (v) =>
    v !== undefined && v !== null && typeof v !== type && !(v instanceof native.AuthRequest || v instanceof native.ApiKey)
  const i = params.findIndex((_, k) => misfit(args[k]))
  return i >= 0 ? params[i] : null
}

/**
 * A thrown or rejected native error as an `OpenRouterPkceError`. The core's errors already are one (the
 * native layer builds them with this class, registered below, and sets `code`, `status`, `oauthError`,
 * `errorDescription` as properties); only napi's own conversion errors remain, made here into the
 * contract's `INVALID_ARGUMENT` naming the parameter.
 */
function convert(err, args, params) {
  let out = err
  if (!(err instanceof OpenRouterPkceError)) {
    // A value napi-rs could not convert (e.g. a number where a string belongs). Its own message may quote
    // the value, which could be a secret, so only the expected kind is kept.
    const message = err && typeof err.message === 'string' ? err.message : ''
    const kind = err && typeof err.code === 'string' ? err.code : 'InvalidArg'
    const name = badArgument(err, message, args, params)
    const noun = (EXPECTED[kind] || [])[1]
    out = new OpenRouterPkceError(
      'INVALID_ARGUMENT',
      name && noun ? `invalid argument: \`${name}\` must be ${noun}` : `invalid argument: wrong type (${kind})`,
    )
  }
  // The stack of the call the user made (a rejection built on the JS thread has none of its own).
  Error.captureStackTrace(out, convert)
  return out
}

/**
 * Refuse text the core cannot receive unchanged: napi would replace a lone UTF-16 surrogate with U+FFFD
 * silently (so `saveKey` would store a key of replacement characters). `names` are the positional
 * parameters' names; a plain-object argument's string fields are named by their keys. The error (the
 * core's `INVALID_ARGUMENT`) names the parameter.
 */
function checkText(args, names) {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      for (const key of Object.keys(value)) checkValue(value[key], key)
    } else {
      checkValue(value, (names && names[i]) || `argument ${i + 1}`)
    }
  }
}

/**
 * The keys each option bag accepts. Checked against the generated `native.d.ts` by
 * tests/node/contract.test.mjs, so a field added in Rust without its entry here fails there.
 */
const OPTION_KEYS = {
  authUrl: ['callbackUrl', 'codeChallenge', 'codeChallengeMethod', 'keyLabel', 'limit', 'state', 'baseUrl'],
  startAuth: ['callbackUrl', 'method', 'keyLabel', 'limit', 'baseUrl'],
  exchangeCode: ['code', 'codeVerifier', 'codeChallengeMethod', 'baseUrl', 'timeoutMs', 'httpReferer', 'appTitle', 'appCategories'],
  call: ['baseUrl', 'timeoutMs', 'httpReferer', 'appTitle', 'appCategories'],
  complete: ['baseUrl', 'timeoutMs', 'httpReferer', 'appTitle', 'appCategories', 'secrets'],
  client: ['baseUrl', 'timeoutMs', 'userAgent', 'httpReferer', 'appTitle', 'appCategories'],
  createAuthCode: [
    'callbackUrl', 'codeChallenge', 'codeChallengeMethod', 'expiresAt', 'keyLabel', 'limit', 'usageLimitType',
    'workspaceId', 'baseUrl', 'timeoutMs', 'httpReferer', 'appTitle', 'appCategories',
  ],
  login: ['mode', 'host', 'port', 'openBrowser', 'timeoutMs', 'keyLabel', 'limit', 'save', 'baseUrl', 'httpReferer', 'appTitle', 'appCategories', 'signal', 'onUrl'],
  generatePkce: ['length', 'method'],
  unseal: ['maxAgeMs'],
  emulator: ['autoApprove', 'relayState', 'codeTtlMs', 'port'],
  fault: ['endpoint', 'kind', 'status', 'body', 'contentType', 'delayMs', 'location', 'bytes'],
  issueCode: ['codeChallenge', 'method', 'keyLabel', 'limit'],
  createKey: ['label', 'limit'],
  lifecycle: [],
}

/** The key a mistyped one most likely meant: its camelCase, or it with `Ms` (`timeout` → `timeoutMs`). */
function suggestKey(key, allowed) {
  const camel = key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
  for (const candidate of [camel, `${camel}Ms`, camel.replace(/Ms$/, '')]) {
    if (candidate !== key && allowed.includes(candidate)) return candidate
  }
  return null
}

/**
 * Refuse an option bag with a key the function does not know (napi would ignore it silently, so
 * `{timeout: 5000}` would mean the default deadline): `INVALID_ARGUMENT` naming the key and the right one.
 */
function checkOptions(where, options, kind = where) {
  if (options === undefined || options === null) return
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new OpenRouterPkceError('INVALID_ARGUMENT', `invalid argument: \`options\` of ${where}() must be an object`)
  }
  const allowed = OPTION_KEYS[kind]
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const hint = suggestKey(key, allowed)
      const fix = hint ? `did you mean \`${hint}\`?` : `known options: ${allowed.join(', ')}`
      throw new OpenRouterPkceError('INVALID_ARGUMENT', `invalid argument: ${where}() has no option \`${key}\`; ${fix}`)
    }
  }
}

/** Integers from 2**63 up fit no parameter of the core (Python's pyo3 refuses them the same way). */
const INT_LIMIT = 2 ** 63

/** A lone surrogate is one code point of category Cs in a `u` regex (Node 18 has no `isWellFormed`). */
const LONE_SURROGATE = /\p{Cs}/u
const wellFormed =
  typeof String.prototype.isWellFormed === 'function' ? (s) => s.isWellFormed() : (s) => !LONE_SURROGATE.test(s)

function checkValue(value, name) {
  if (typeof value === 'string' && !wellFormed(value)) argumentError(name, 'text')
  if ((typeof value === 'number' && Math.abs(value) >= INT_LIMIT) || (typeof value === 'bigint' && (value >= 2n ** 63n || value <= -(2n ** 63n)))) {
    argumentError(name, 'range')
  }
}

/** Throw the core's INVALID_ARGUMENT naming `name` (`kind`: 'text' for a lone surrogate, 'range'). */
function argumentError(name, kind) {
  try {
    native._argumentError(name, kind)
  } catch (e) {
    const err = convert(e)
    Error.captureStackTrace(err, argumentError)
    throw err
  }
}

/** The secret of a `key` argument: a string or an `ApiKey`, else `INVALID_ARGUMENT` naming the parameter. */
function keyArg(key) {
  if (typeof key === 'string') return key
  if (key instanceof native.ApiKey) return key.key
  throw new OpenRouterPkceError('INVALID_ARGUMENT', 'invalid argument: `key` must be a string or an ApiKey')
}

const RUNTIME_ENV = native._runtimeEnvNames()

/**
 * Hand `process.env`'s view of the variables the core reads (key, config directory, base URL, browser) to
 * the core: Bun does not pass changes made at run time on to native code.
 */
function syncEnv() {
  native._setRuntimeEnv(RUNTIME_ENV.map((name) => (typeof process.env[name] === 'string' ? process.env[name] : null)))
}

/** `fn`, called after `syncEnv()`: for the functions whose result depends on the environment. */
function withEnv(fn) {
  return function (...args) {
    syncEnv()
    return fn.apply(this, args)
  }
}

/** `fn` with its errors as `OpenRouterPkceError`; `params` names its positional arguments for type errors. */
function sync(fn, params) {
  return function (...args) {
    checkText(args, params)
    try {
      return fn.apply(this, args)
    } catch (e) {
      throw convert(e, args, params)
    }
  }
}

/**
 * Give `Cls` wrapped copies of its native base's methods (`wrap` is `sync` or `promise`); `methods` maps
 * each method's name to its parameters' names (for type errors).
 */
function wrapMethods(Cls, wrap, methods) {
  const base = Object.getPrototypeOf(Cls.prototype)
  for (const [name, params] of Object.entries(methods)) {
    Object.defineProperty(Cls.prototype, name, { value: wrap(base[name], params), writable: true, configurable: true })
  }
}

function promise(fn, params) {
  return async function (...args) {
    checkText(args, params)
    try {
      return await fn.apply(this, args)
    } catch (e) {
      throw convert(e, args, params)
    }
  }
}

// ---------------------------------------------------------------------------------------------- PKCE

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

  [util.inspect.custom](depth, options, inspect) {
    return `Pkce ${(inspect || util.inspect)(this.toJSON(), options)}`
  }
}

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
    // The fast path: one native call returning one 86-character string.
    const s = pkcePair()
    return new Pkce(s.slice(0, 43), s.slice(43), 'S256')
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

// ------------------------------------------------------------------------------------ Step 1: URLs

/**
 * Build the authorization URL.
 * @type {(options?: import('./native').AuthUrlOpts) => string}
 * @throws {OpenRouterPkceError} `INVALID_CALLBACK_URL`, `INVALID_METHOD`, `INVALID_ARGUMENT`
 */
const authUrl = sync(function authUrl(options) {
  syncEnv()
  checkOptions('authUrl', options)
  return native.authUrl(options)
})

/**
 * Start a flow: fresh PKCE and state, and the URL carrying them.
 * @type {(options?: import('./native').StartAuthOpts) => import('./native').AuthRequest}
 * @throws {OpenRouterPkceError} `INVALID_CALLBACK_URL`, `INVALID_METHOD`, `INVALID_ARGUMENT`
 */
const startAuth = sync(function startAuth(options) {
  syncEnv()
  checkOptions('startAuth', options)
  return native.startAuth(options)
})

const { AuthRequest, ApiKey } = native

const nativeFromJSON = AuthRequest._fromJSON
const fromDict = sync(function fromDict(data) {
  if (typeof data !== 'string' && (data === null || typeof data !== 'object')) {
    throw new OpenRouterPkceError('INVALID_ARGUMENT', 'invalid argument: `data` must be a toDict() object or a JSON string')
  }
  return nativeFromJSON.call(AuthRequest, data)
}, ['data'])
Object.defineProperties(AuthRequest, {
  fromDict: {
    /**
     * Rebuild an `AuthRequest` from `toDict()`'s plain object (the session form; Python's `from_dict`).
     * @throws {OpenRouterPkceError} `INVALID_ARGUMENT` for tampered or inconsistent data
     */
    value: fromDict,
    writable: true,
    configurable: true,
  },
  fromJSON: {
    /**
     * Rebuild an `AuthRequest` from `toDict()`'s plain object or the core's JSON string (Rust/Python `to_json`).
     * @throws {OpenRouterPkceError} `INVALID_ARGUMENT` for tampered or inconsistent data
     */
    value: fromDict,
    writable: true,
    configurable: true,
  },
})

/** What `util.inspect` and `JSON.stringify` show of an `AuthRequest`: everything but the verifier. */
function redactedRequest(r) {
  return {
    url: r.urlForDisplay,
    callbackUrl: r.callbackUrl,
    codeVerifier: REDACTED,
    codeChallengeMethod: r.codeChallengeMethod,
    createdAt: r.createdAt,
  }
}

Object.defineProperties(AuthRequest.prototype, {
  [util.inspect.custom]: {
    value: function (depth, options, inspect) {
      return `AuthRequest ${(inspect || util.inspect)(redactedRequest(this), options)}`
    },
  },
  toJSON: {
    /**
     * The redacted form, for `JSON.stringify` and loggers: never the verifier. The session form is the
     * explicit `toDict()`.
     */
    value: function () {
      return redactedRequest(this)
    },
    writable: true,
    configurable: true,
  },
  toString: {
    value: function () {
      return `AuthRequest(${this.urlForDisplay})`
    },
  },
})

const { AuthCode } = native
Object.defineProperties(AuthCode.prototype, {
  [util.inspect.custom]: {
    value: function (depth, options, inspect) {
      return `AuthCode ${(inspect || util.inspect)({ id: '<redacted>', appId: this.appId, createdAt: this.createdAt }, options)}`
    },
  },
  toJSON: {
    /** Without the code: `JSON.stringify(authCode)` never holds it. */
    value: function () {
      return { appId: this.appId, createdAt: this.createdAt }
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

/**
 * One secret or a list of them, as the list the core takes (the first seals, any opens); anything but
 * strings and bytes is `INVALID_ARGUMENT` naming `secrets`.
 */
function secretList(secrets) {
  const list = Array.isArray(secrets) ? secrets : secrets === undefined || secrets === null ? [] : [secrets]
  for (const s of list) {
    if (typeof s !== 'string' && !(s instanceof Uint8Array)) {
      throw new OpenRouterPkceError(
        'INVALID_ARGUMENT',
        'invalid argument: `secrets` must be a string, a Uint8Array or an array of them',
      )
    }
  }
  return list
}

Object.defineProperty(AuthRequest.prototype, 'seal', {
  /**
   * Seal this flow into an opaque, expiring, cookie- and URL-safe string (JWE `dir` + `A256GCM`) with the
   * first of `secrets`; `AuthRequest.unseal` (here or in Python) opens it with any of them.
   * @param {string | Uint8Array | Array<string | Uint8Array>} secrets each at least 32 bytes
   * @returns {string}
   * @throws {OpenRouterPkceError} `INVALID_ARGUMENT` for a missing or too short secret
   */
  value: sync(function seal(secrets) {
    return native._sealFlow(this, secretList(secrets))
  }, ['secrets']),
  writable: true,
  configurable: true,
})

Object.defineProperty(AuthRequest, 'unseal', {
  /**
   * Open a flow sealed by `request.seal()` (in Node or Python) with any of `secrets`.
   * @param {string} sealed
   * @param {string | Uint8Array | Array<string | Uint8Array>} secrets
   * @param {{maxAgeMs?: number}} [options] refuse it when older (default and most: 10 minutes)
   * @returns {AuthRequest}
   * @throws {OpenRouterPkceError} `SEALED_FLOW_EXPIRED`, `SEALED_FLOW_INVALID`, `INVALID_ARGUMENT`
   */
  value: sync(function unseal(sealed, secrets, options) {
    checkOptions('unseal', options)
    if (typeof sealed !== 'string') {
      throw new OpenRouterPkceError('INVALID_ARGUMENT', 'invalid argument: `sealed` must be a string')
    }
    return native._unsealFlow(sealed, secretList(secrets), options === null ? undefined : options)
  }, ['sealed', 'secrets', 'options']),
  writable: true,
  configurable: true,
})

/**
 * A flow given as an `AuthRequest`, its `toDict()` object or JSON string, or its sealed string — by the
 * core's rule: with `secrets`, only the sealed string (anything else is `SEALED_FLOW_INVALID`).
 */
function asAuthRequest(request, secrets) {
  const keys = secrets === undefined || secrets === null ? null : secretList(secrets)
  const opened = native._openFlow(request, keys)
  if (opened !== null) return opened
  if (request === null || typeof request !== 'object') {
    throw new OpenRouterPkceError(
      'INVALID_ARGUMENT',
      'invalid argument: `request` must be an AuthRequest, its toDict() object or a sealed string',
    )
  }
  return AuthRequest.fromJSON(request)
}

/** Split `{secrets, ...call}`: the secrets open a sealed flow, the rest goes to the exchange. */
function splitSecrets(options) {
  if (options === undefined || options === null || typeof options !== 'object') return [undefined, options]
  const { secrets, ...call } = options
  return [secrets, call]
}

// ------------------------------------------------------------------------------ Steps 2 and 3: HTTP

let nextCallId = 0

/** A fresh id for `_cancel` (one counter for every cancellable call of this thread, logins included). */
function newCallId() {
  nextCallId = (nextCallId % 0xffffffff) + 1
  return nextCallId
}

/** `signal` must be absent or an AbortSignal. */
function checkSignal(signal) {
  if (signal !== undefined && signal !== null && (typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
    throw new OpenRouterPkceError('INVALID_ARGUMENT', 'signal must be an AbortSignal')
  }
}

/**
 * Call the native async `fn` with `args` and, when `signal` is given, a cancel id: aborting the signal
 * (before or during the call) drops the call in the core at once and rejects with `CANCELLED`.
 */
async function cancellable(fn, self, args, signal, names) {
  syncEnv()
  checkSignal(signal)
  checkText(args, names)
  // Nothing is started for an aborted signal: the core's CANCELLED at once.
  if (signal && signal.aborted) throw abortedError()
  const id = signal ? newCallId() : undefined
  let pending
  try {
    pending = fn.apply(self, [...args, id])
  } catch (e) {
    throw convert(e, args, names)
  }
  const onAbort = () => native._cancel(id)
  if (signal) signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await pending
  } catch (e) {
    throw convert(e, args, names)
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort)
  }
}

/** Split `{signal, ...rest}` off an options argument (which may be absent). */
function withoutSignal(options) {
  if (options === undefined || options === null || typeof options !== 'object') return [options, undefined]
  const { signal, ...rest } = options
  return [rest, signal]
}

/**
 * Exchange an authorization code for the user's API key. Sent exactly once. `signal` (an AbortSignal)
 * rejects with `CANCELLED` at once and drops the call.
 * @param {import('./native').ExchangeCodeOpts & {signal?: AbortSignal}} options
 * @returns {Promise<import('./native').ApiKey>}
 */
async function exchangeCode(options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('exchangeCode', rest)
  return cancellable(native.exchangeCode, undefined, [rest], signal, ['options'])
}

/**
 * Finish a started flow. `request` is the `AuthRequest`, its `toDict()` object (e.g. from a session), or
 * the string `request.seal(secrets)` made (then pass `{secrets}`).
 * @param {import('./native').AuthRequest | import('./native').AuthRequestData | string} request
 * @param {string} response the callback URL, its path + query (`req.originalUrl`), its query string or a pasted code
 * @param {import('./native').CallOpts & {secrets?: string | Uint8Array | Array<string | Uint8Array>, signal?: AbortSignal}} [options]
 *   `secrets` open a sealed flow; `signal` rejects with `CANCELLED` at once
 * @returns {Promise<import('./native').ApiKey>}
 */
function completeAuth(request, response, options) {
  return runComplete(native.completeAuth, undefined, request, response, options)
}

/** `completeAuth` through the native `fn` of `self` (the default client, or a `Client`'s own). */
async function runComplete(fn, self, request, response, options) {
  const [rest, signal] = withoutSignal(options)
  checkSignal(signal)
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

/**
 * Details of a key (`GET /api/v1/key`): a string or an `ApiKey`, which is asked of the server it came from
 * unless `options.baseUrl` names another. `signal` (an AbortSignal) rejects with `CANCELLED` at once.
 * @param {string | import('./native').ApiKey} key
 * @param {import('./native').CallOpts & {signal?: AbortSignal}} [options]
 * @returns {Promise<import('./native').KeyInfo>}
 */
function keyInfo(key, options) {
  return runKeyInfo(native, undefined, key, options)
}

/** `keyInfo` through `native`'s `keyInfo` / `_keyInfoOf` called on `self` (a `Client`, or none). */
async function runKeyInfo(fns, self, key, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('keyInfo', rest, 'call')
  // An ApiKey remembers the server it came from (the core asks that one); a string goes to the client's.
  if (key instanceof native.ApiKey) return cancellable(fns._keyInfoOf, self, [key, rest], signal, ['key', 'options'])
  return cancellable(fns.keyInfo, self, [keyArg(key), rest], signal, ['key', 'options'])
}

/**
 * Create an authorization code with `key` (`POST /api/v1/auth/keys/code`, the key as bearer): the way to
 * mint a key that expires (`expiresAt`, a `Date`) or whose limit resets (`usageLimitType`). Exchange
 * `code.id` like a callback's code: `exchangeCode({code: code.id, codeVerifier})`. Sent at most once.
 * @param {string | import('./native').ApiKey} key
 * @param {import('./native').CreateAuthCodeOpts & {signal?: AbortSignal}} options
 * @returns {Promise<import('./native').AuthCode>}
 */
function createAuthCode(key, options) {
  return runCreateAuthCode(native.createAuthCode, undefined, key, options)
}

/** `createAuthCode` through the native `fn` of `self` (the default client, or a `Client`'s own). */
async function runCreateAuthCode(fn, self, key, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions('createAuthCode', rest)
  // A Date crosses to the core as its milliseconds since 1970.
  const call = rest && rest.expiresAt instanceof Date ? { ...rest, expiresAt: rest.expiresAt.getTime() } : rest
  return cancellable(fn, self, [keyArg(key), call], signal, ['key', 'options'])
}

// ----------------------------------------------------------------------------------------- One click

/** The longest pasted line the core looks at; one byte more is read, so the core refuses a longer line. */
const MAX_PASTED_LINE = native._maxPastedLine()

/**
 * Pasted lines from stdin for one login, read on the first question and released when the login ends (so
 * stdin never keeps the process alive). Lines that arrive before they are asked for are kept in order; end
 * of input answers `null`. A line is cut after `MAX_PASTED_LINE + 1` bytes (the rest comes as the next line),
 * so an endless one (`< /dev/zero`) costs bounded memory and is refused as malformed; bytes that are not
 * UTF-8 become U+FFFD, refused the same way, never echoed.
 */
function stdinLines() {
  let reading = false
  let closed = false
  let partial = []
  let partialBytes = 0
  const queued = []
  const waiting = []
  const decoder = new TextDecoder('utf-8')
  const deliver = (line) => {
    const w = waiting.shift()
    if (w) w(line)
    else queued.push(line)
  }
  const flush = () => {
    const bytes = Buffer.concat(partial, partialBytes)
    partial = []
    partialBytes = 0
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length
    deliver(decoder.decode(bytes.subarray(0, end)))
  }
  const onData = (chunk) => {
    let start = 0
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start)
      const room = MAX_PASTED_LINE + 1 - partialBytes
      const stop = nl === -1 ? chunk.length : nl
      if (stop - start >= room) {
        partial.push(chunk.subarray(start, start + room))
        partialBytes += room
        start += room
        flush()
        continue
      }
      partial.push(chunk.subarray(start, stop))
      partialBytes += stop - start
      if (nl === -1) break
      flush()
      start = nl + 1
    }
    // Hold back what nobody asked for yet beyond a few lines: stdin waits (bounded memory).
    if (queued.length > 3) process.stdin.pause()
  }
  const onEnd = () => {
    if (partialBytes > 0) flush()
    closed = true
    for (const w of waiting.splice(0)) w(null)
    stop()
  }
  const stop = () => {
    if (!reading) return
    reading = false
    process.stdin.off('data', onData)
    process.stdin.off('end', onEnd)
    process.stdin.pause()
  }
  return {
    ask(prompt) {
      if (queued.length > 0) {
        const line = queued.shift()
        if (reading && queued.length <= 3) process.stdin.resume()
        return Promise.resolve(line)
      }
      if (closed) return Promise.resolve(null)
      if (!reading) {
        reading = true
        process.stdin.on('data', onData)
        process.stdin.on('end', onEnd)
      }
      process.stdin.resume()
      process.stderr.write(prompt)
      return new Promise((resolve) => waiting.push(resolve))
    },
    close() {
      closed = true
      stop()
      for (const w of waiting.splice(0)) w(null)
    },
  }
}

/** The core's `CANCELLED` for a call whose signal was aborted before it started (nothing is sent). */
function abortedError() {
  try {
    native._aborted()
  } catch (e) {
    const err = convert(e)
    Error.captureStackTrace(err, abortedError)
    return err
  }
  throw new Error('unreachable: _aborted always throws')
}

/** The JS half of `login()`: the UI callbacks, the AbortSignal, errors. The flow is the core's. */
async function runLogin(nativeLogin, self, options) {
  syncEnv()
  checkOptions('login', options)
  const opts = options === undefined || options === null ? {} : options
  const { signal, onUrl, ...rest } = opts
  if (signal !== undefined && signal !== null && typeof signal.aborted !== 'boolean') {
    throw new OpenRouterPkceError('INVALID_ARGUMENT', 'signal must be an AbortSignal')
  }
  if (onUrl !== undefined && onUrl !== null && typeof onUrl !== 'function') {
    throw new OpenRouterPkceError('INVALID_ARGUMENT', 'onUrl must be a function')
  }
  checkText([rest], ['options'])
  if (signal && signal.aborted) throw abortedError()
  const id = newCallId()
  const lines = stdinLines()
  const showUrl = onUrl
    ? (url, headless) => {
        try {
          onUrl(url, { headless })
        } catch (e) {
          process.stderr.write(`\n${url}\n`)
          process.emitWarning(`login: onUrl threw (${e && e.message}); the URL was printed instead`)
        }
      }
    : null
  const onAbort = () => native._cancel(id)
  let pending
  try {
    pending = nativeLogin.call(self, rest, showUrl, (prompt) => lines.ask(prompt), Boolean(process.stdin.isTTY), id)
  } catch (e) {
    lines.close()
    throw convert(e)
  }
  if (signal) signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await pending
  } catch (e) {
    throw convert(e)
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort)
    lines.close()
  }
}

/**
 * The whole login in one call: a loopback port or headless mode, the browser, the callback or a pasted
 * code, the exchange. Resolves to the user's `ApiKey`.
 * @param {import('./index').LoginOptions} [options]
 * @returns {Promise<import('./native').ApiKey>}
 */
function login(options) {
  return runLogin(native._login, undefined, options)
}

// ------------------------------------------------------------------------------------------- Storage

/**
 * The key to use: `OPENROUTER_API_KEY` when set, else the stored key, else `null`.
 * @type {() => string | null}
 * @throws {OpenRouterPkceError} `STORAGE`
 */
const loadKey = sync(withEnv(native.loadKey))

/**
 * Store a key (a string or an `ApiKey`) in the key file: mode 0600 in a 0700 directory, written
 * atomically. Returns the file's path.
 * @param {string | import('./native').ApiKey} key
 * @returns {string}
 * @throws {OpenRouterPkceError} `STORAGE` or `INVALID_ARGUMENT`
 */
const saveKey = sync(withEnv(function saveKey(key) {
  return native._saveKey(keyArg(key))
}), ['key'])

/**
 * Delete the stored key and print (on stderr) its settings URL, where it can be revoked: deleting the
 * file does not revoke the key. `OPENROUTER_API_KEY` is not touched.
 * @returns {void}
 * @throws {OpenRouterPkceError} `STORAGE`
 */
const logout = sync(withEnv(function logout() {
  process.stderr.write(`${native._logout()}\n`)
}))

/**
 * The key file's path (whether or not it exists).
 * @type {() => string}
 * @throws {OpenRouterPkceError} `STORAGE`
 */
const keyPath = sync(withEnv(native.keyPath))

/**
 * A configured OpenRouter client: `new Client({baseUrl?, timeoutMs?, userAgent?})`, with
 * `exchangeCode`, `completeAuth` and `keyInfo` methods.
 */
class Client extends native.Client {
  /** @param {import('./native').ClientOpts} [options] */
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

  /**
   * @param {import('./native').AuthRequest | import('./native').AuthRequestData | string} request
   * @param {string} response
   * @param {import('./native').CallOpts & {secrets?: string | Uint8Array | Array<string | Uint8Array>, signal?: AbortSignal}} [options]
   */
  completeAuth(request, response, options) {
    return runComplete(super.completeAuth, this, request, response, options)
  }

  /**
   * Exchange an authorization code (see the module-level `exchangeCode`); `signal` cancels it.
   * @param {import('./native').ExchangeCodeOpts & {signal?: AbortSignal}} options
   */
  async exchangeCode(options) {
    const [rest, signal] = withoutSignal(options)
    checkOptions('exchangeCode', rest)
    return cancellable(super.exchangeCode, this, [rest], signal, ['options'])
  }

  /**
   * Details of a key (a string or an `ApiKey`) with this client (see the module-level `keyInfo`); `signal`
   * cancels it.
   * @param {string | import('./native').ApiKey} key
   * @param {import('./native').CallOpts & {signal?: AbortSignal}} [options]
   */
  keyInfo(key, options) {
    return runKeyInfo(native.Client.prototype, this, key, options)
  }

  /**
   * Create an authorization code with `key` (see the module-level `createAuthCode`).
   * @param {string | import('./native').ApiKey} key
   * @param {import('./native').CreateAuthCodeOpts & {signal?: AbortSignal}} options
   */
  createAuthCode(key, options) {
    return runCreateAuthCode(super.createAuthCode, this, key, options)
  }

  /**
   * The whole login with this client (see the module-level `login`).
   * @param {import('./index').LoginOptions} [options]
   */
  login(options) {
    return runLogin(super._login, this, options)
  }

  [util.inspect.custom]() {
    return `Client { baseUrl: '${this.baseUrl}', timeoutMs: ${this.timeoutMs} }`
  }
}

/**
 * The in-process fake of OpenRouter for tests: `new Emulator({autoApprove?, relayState?, codeTtlMs?,
 * port?})`, `await emu.start()`, `emu.baseUrl`, `emu.injectFault({...})`, `emu.requestCount()`,
 * `emu.lastAttribution()`, `emu.issueCode({...})`, `emu.createKey({...})`, `await emu.stop()`. It serves
 * `/auth`, `/api/v1/auth/keys`, `/api/v1/auth/keys/code` and `/api/v1/key`, the API endpoints with CORS.
 */
class Emulator extends native.Emulator {
  /** @param {import('./native').EmulatorOpts} [options] */
  constructor(options) {
    checkOptions('Emulator', options, 'emulator')
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
  const base = native.Emulator.prototype[name]
  Object.defineProperty(Emulator.prototype, name, {
    /**
     * `start()` listens (`PORT_IN_USE` if the port is taken); `stop()` closes the port, giving in-flight
     * requests a few seconds. `signal` (an AbortSignal) rejects with `CANCELLED` at once: a start is undone,
     * a stop cuts the in-flight requests.
     * @param {{signal?: AbortSignal}} [options]
     * @returns {Promise<void>}
     */
    value: async function (options) {
      const [rest, signal] = withoutSignal(options)
      checkOptions(name, rest, 'lifecycle')
      return cancellable(base, this, [], signal, [])
    },
    writable: true,
    configurable: true,
  })
}
wrapMethods(Emulator, sync, {
  requestCount: ['endpointName'],
  lastAttribution: ['endpointName'],
  setAutoApprove: ['on'],
  setRelayState: ['on'],
  setCodeTtlMs: ['ms'],
})
for (const [name, kind] of [['injectFault', 'fault'], ['issueCode', 'issueCode'], ['createKey', 'createKey']]) {
  const base = native.Emulator.prototype[name]
  const checked = function (options) {
    checkOptions(name, options, kind)
    return base.call(this, options)
  }
  Object.defineProperty(Emulator.prototype, name, { value: sync(checked), writable: true, configurable: true })
}
for (const name of ['baseUrl', 'port']) {
  const desc = Object.getOwnPropertyDescriptor(native.Emulator.prototype, name)
  Object.defineProperty(Emulator.prototype, name, { get: sync(desc.get), configurable: true })
}

/** The library version: one number for the Rust crate, the Python and the Node packages. */
const VERSION = native.version()

// Shorthand names only: Node's ESM loader reads them from this literal, so `index.mjs` re-exports them all.
module.exports = {
  VERSION,
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
  AuthCode,
  exchangeCode,
  completeAuth,
  keyInfo,
  createAuthCode,
  login,
  loadKey,
  saveKey,
  logout,
  keyPath,
  Client,
  Emulator,
}
