'use strict'
/**
 * Secrets redact themselves: what `util.inspect`, `console.log`, `JSON.stringify` and `String()` show of
 * the native `AuthRequest`, `AuthCode` and `ApiKey` (never a verifier, a code or a key).
 * @module openrouter-pkce/redact
 */

const native = require('../native.js')
const { redactSecrets } = require('./common.js')

redactSecrets(native)
