'use strict'
/**
 * The library's one error class, and napi's own conversion errors turned into it. Every sentence is the
 * core's: this file names the parameter, the native layer (`_argumentError`) writes the text.
 * @module openrouter-pkce/errors
 */

const native = require('../native.js')

const { OpenRouterPkceError } = require('./common.js')

// Every error of the core is built natively as this class, with its fields set as properties.
native._registerErrorClass(OpenRouterPkceError)

/**
 * The core's `INVALID_ARGUMENT` for an argument refused here, with the stack of the caller of `above`
 * (default: `refuse`'s caller). `kind` and `detail` as `native._argumentError` takes them.
 * @returns {OpenRouterPkceError}
 */
function refuse(kind, name, detail, known, above = refuse) {
  try {
    native._argumentError(kind, name, detail, known)
  } catch (e) {
    Error.captureStackTrace(e, above)
    return e
  }
  throw new Error('unreachable: _argumentError always throws')
}

/** The core's `CANCELLED` for a call whose signal was aborted before it started (nothing is sent). */
function abortedError() {
  try {
    native._aborted()
  } catch (e) {
    Error.captureStackTrace(e, abortedError)
    return e
  }
  throw new Error('unreachable: _aborted always throws')
}

/** napi's conversion codes the native layer names a parameter for (`StringExpected`, …): read on the
 * first conversion error, not at require. */
let typeCodes = null

/**
 * The name of the argument napi could not convert: a field of an options object (napi's message ends in
 * `on Type.field`, identifiers only), else the first of `params` whose value is not of the expected type
 * (`StringExpected` expects `typeof` `'string'`, and so on).
 */
function badArgument(err, message, args, params) {
  const field = / on \w+\.(\w+)$/.exec(message)
  if (field) return field[1]
  if (typeCodes === null) typeCodes = new Set(native._typeCodes())
  if (!typeCodes.has(err && err.code) || !params || !args) return null
  const type = err.code.replace(/Expected$/, '').toLowerCase()
  // An instance of a native class (a flow, a key) is the right kind for its own parameter.
  const misfit = (v) =>
    v !== undefined && v !== null && typeof v !== type && !(v instanceof native.AuthRequest || v instanceof native.ApiKey)
  const i = params.findIndex((_, k) => misfit(args[k]))
  return i >= 0 ? params[i] : null
}

/**
 * A thrown or rejected native error as an `OpenRouterPkceError`. The core's errors already are one (the
 * native layer builds them with this class and sets `code`, `status`, `oauthError`, `errorDescription`
 * as properties); only napi's own conversion errors remain, made here into the contract's
 * `INVALID_ARGUMENT` naming the parameter. Their own message may quote the value, which could be a
 * secret, so only the expected kind is kept.
 */
function convert(err, args, params) {
  let out = err
  if (!(err instanceof OpenRouterPkceError)) {
    const message = err && typeof err.message === 'string' ? err.message : ''
    const kind = err && typeof err.code === 'string' ? err.code : 'InvalidArg'
    out = refuse('type', badArgument(err, message, args, params) || undefined, kind)
  }
  // The stack of the call the user made (a rejection built on the JS thread has none of its own).
  Error.captureStackTrace(out, convert)
  return out
}

module.exports = { OpenRouterPkceError, refuse, abortedError, convert }
