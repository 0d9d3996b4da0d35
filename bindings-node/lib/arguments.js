'use strict'
/**
 * What the native layer cannot check for itself: option keys napi would ignore, text napi would alter,
 * integers no parameter holds, and the environment Bun does not pass on. Each refusal is the core's
 * `INVALID_ARGUMENT` (see `errors.js`), each limit the native layer's.
 * @module openrouter-pkce/arguments
 */

const native = require('../native.js')
const { refuse, convert } = require('./errors.js')

/**
 * The keys each option bag accepts: the core's table (`contract::OPTION_KEYS`), which the WebAssembly build
 * checks its options with too. tests/node/contract.test.mjs checks it against the generated `native.d.ts`, so
 * a field added in Rust without its entry in the core's table fails there.
 */
let optionKeys = null
/** The table, read from the core on the first option bag (not at require: it is on every `require` path). */
function optionKeysOf(kind) {
  if (optionKeys === null) optionKeys = Object.fromEntries(native._optionKeys().map(([k, ...keys]) => [k, keys]))
  return optionKeys[kind]
}

/**
 * Refuse an option bag with a key the function does not know (napi would ignore it silently, so
 * `{timeout: 5000}` would mean the default deadline): the core's `INVALID_ARGUMENT` naming the key and
 * the one it most likely meant.
 */
function checkOptions(where, options, kind = where) {
  if (options === undefined || options === null) return
  if (typeof options !== 'object' || Array.isArray(options)) throw refuse('options', undefined, where)
  const allowed = optionKeysOf(kind)
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw refuse('option', key, where, allowed)
  }
}

/** The smallest integer no parameter of the core holds (2⁶³; Python's pyo3 refuses it the same way). */
const INT_LIMIT = native._intLimit()
const BIGINT_LIMIT = BigInt(INT_LIMIT)

/** A lone surrogate is one code point of category Cs in a `u` regex (Node 18 has no `isWellFormed`). */
const LONE_SURROGATE = /\p{Cs}/u
const wellFormed =
  typeof String.prototype.isWellFormed === 'function' ? (s) => s.isWellFormed() : (s) => !LONE_SURROGATE.test(s)

function checkValue(value, name) {
  if (typeof value === 'string' && !wellFormed(value)) throw refuse('text', name)
  if ((typeof value === 'number' && Math.abs(value) >= INT_LIMIT) || (typeof value === 'bigint' && (value >= BIGINT_LIMIT || value <= -BIGINT_LIMIT))) {
    throw refuse('range', name)
  }
}

/**
 * Refuse text the core cannot receive unchanged: napi would replace a lone UTF-16 surrogate with U+FFFD
 * silently (so `saveKey` would store a key of replacement characters). `names` are the positional
 * parameters' names; a plain-object argument's string fields are named by their keys.
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

/** The secret of a `key` argument: a string or an `ApiKey`, else `INVALID_ARGUMENT` naming the parameter. */
function keyArg(key) {
  if (typeof key === 'string') return key
  if (key instanceof native.ApiKey) return key.key
  throw refuse('type', 'key', 'key')
}

/**
 * One secret or a list of them, as the list the core takes (the first seals, any opens); anything but
 * strings and bytes is `INVALID_ARGUMENT` naming `secrets`.
 */
function secretList(secrets) {
  const list = Array.isArray(secrets) ? secrets : secrets === undefined || secrets === null ? [] : [secrets]
  for (const s of list) {
    if (typeof s !== 'string' && !(s instanceof Uint8Array)) throw refuse('type', 'secrets', 'secrets')
  }
  return list
}

/** `value` must be absent or of `kind` (`'signal'`: an AbortSignal, `'function'`). */
function checkOptional(value, name, kind) {
  if (value === undefined || value === null) return
  const fits = kind === 'signal' ? typeof value === 'object' && typeof value.aborted === 'boolean' : typeof value === kind
  if (!fits) throw refuse('type', name, kind === 'signal' ? 'signal' : 'FunctionExpected')
}

/** Split `{signal, ...rest}` off an options argument (which may be absent). */
function withoutSignal(options) {
  if (options === undefined || options === null || typeof options !== 'object') return [options, undefined]
  const { signal, ...rest } = options
  return [rest, signal]
}

let runtimeEnv = null

/**
 * Hand `process.env`'s view of the variables the core reads (key, config directory, base URL, browser) to
 * the core: Bun does not pass changes made at run time on to native code.
 */
function syncEnv() {
  if (runtimeEnv === null) runtimeEnv = native._runtimeEnvNames()
  native._setRuntimeEnv(runtimeEnv.map((name) => (typeof process.env[name] === 'string' ? process.env[name] : null)))
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

/** Give `Cls` `sync` copies of its native base's methods; `methods` maps each name to its parameters' names. */
function wrapMethods(Cls, methods) {
  const base = Object.getPrototypeOf(Cls.prototype)
  for (const [name, params] of Object.entries(methods)) {
    Object.defineProperty(Cls.prototype, name, { value: sync(base[name], params), writable: true, configurable: true })
  }
}

module.exports = {
  checkOptions,
  checkText,
  keyArg,
  secretList,
  checkOptional,
  withoutSignal,
  syncEnv,
  withEnv,
  sync,
  wrapMethods,
}
