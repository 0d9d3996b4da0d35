'use strict'
/**
 * Key storage: the core's key file (0600 in a 0700 directory, atomic writes), `OPENROUTER_API_KEY` first.
 * @module openrouter-pkce/store
 */

const native = require('../native.js')
const { keyArg, sync, withEnv } = require('./arguments.js')

/**
 * The key to use: `OPENROUTER_API_KEY` when set, else the stored key, else `null`.
 * @type {() => string | null}
 * @throws {OpenRouterPkceError} `STORAGE`
 */
const loadKey = sync(withEnv(native.loadKey))

/**
 * Store a key (a string or an `ApiKey`) in the key file: mode 0600 in a 0700 directory, written
 * atomically. Returns the file's path.
 * @type {(key: string | import('../native').ApiKey) => string}
 * @throws {OpenRouterPkceError} `STORAGE` or `INVALID_ARGUMENT`
 */
const saveKey = sync(withEnv(function saveKey(key) {
  return native._saveKey(keyArg(key))
}), ['key'])

/**
 * Delete the stored key and print (on stderr) its settings URL, where it can be revoked: deleting the
 * file does not revoke the key. `OPENROUTER_API_KEY` is not touched.
 * @type {() => void}
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

module.exports = { loadKey, saveKey, logout, keyPath }
