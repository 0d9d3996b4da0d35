'use strict'
/**
 * Secrets redact themselves: what `util.inspect`, `console.log`, `JSON.stringify` and `String()` show of
 * the native `AuthRequest`, `AuthCode` and `ApiKey` (never a verifier, a code or a key).
 * @module openrouter-pkce/redact
 */

const util = require('node:util')
const native = require('../native.js')

const REDACTED = '<redacted>'

/**
 * Give `Cls` an inspect view (`Name {…}` of `view(this)`), a `toJSON` (`json(this)`, default the same
 * view) and, when given, a `toString`.
 */
function redacted(Cls, view, json = view, toString) {
  const props = {
    [util.inspect.custom]: {
      value: function (depth, options, inspect) {
        return `${Cls.name} ${(inspect || util.inspect)(view(this), options)}`
      },
    },
    toJSON: { value: function () { return json(this) }, writable: true, configurable: true },
  }
  if (toString) props.toString = { value: function () { return toString(this) } }
  Object.defineProperties(Cls.prototype, props)
}

/** What an `AuthRequest` shows: everything but the verifier (the session form is the explicit `toDict()`). */
redacted(
  native.AuthRequest,
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
// Without the code: `JSON.stringify(authCode)` never holds it.
redacted(
  native.AuthCode,
  (c) => ({ id: REDACTED, appId: c.appId, createdAt: c.createdAt }),
  (c) => ({ appId: c.appId, createdAt: c.createdAt }),
)
// The masked form only: `JSON.stringify(key)` never holds the secret.
redacted(
  native.ApiKey,
  (k) => ({ key: k.masked, userId: k.userId }),
  (k) => ({ masked: k.masked, userId: k.userId }),
  (k) => k.masked,
)

module.exports = { REDACTED }
