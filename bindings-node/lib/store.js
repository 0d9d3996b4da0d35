'use strict'
/**
 * Key storage: the core's key file (0600 in a 0700 directory, atomic writes) or the OS keyring, per
 * profile, `OPENROUTER_API_KEY` first.
 * @module openrouter-pkce/store
 */

const native = require('../native.js')
const { checkOptions, keyArg, sync, withEnv } = require('./arguments.js')

/**
 * The key to use, as an `ApiKey` (masked when printed; the secret in `.key`): `OPENROUTER_API_KEY` when
 * set, else the profile's stored key, else `null`. `.source` says which: `'env'`, `'file'` or `'keyring'`.
 * @type {(options?: {profile?: string, storage?: 'file' | 'keyring'}) => import('../native').ApiKey | null}
 * @throws {OpenRouterPkceError} `STORAGE` or `INVALID_ARGUMENT`
 */
const loadKey = sync(withEnv(function loadKey(options) {
  checkOptions('loadKey', options, 'store')
  return native.loadKey(options)
}), ['options'])

/**
 * Store a key (a string or an `ApiKey`) for the profile: in its key file (mode 0600 in a 0700
 * directory, written atomically) or the OS keyring. Returns where.
 * @type {(key: string | import('../native').ApiKey, options?: {profile?: string, storage?: 'file' | 'keyring'}) => string}
 * @throws {OpenRouterPkceError} `STORAGE` or `INVALID_ARGUMENT`
 */
const saveKey = sync(withEnv(function saveKey(key, options) {
  checkOptions('saveKey', options, 'store')
  return native._saveKey(keyArg(key), options)
}), ['key', 'options'])

/**
 * Delete the profile's stored key and print (on stderr) its settings URL, where it can be revoked:
 * deleting does not revoke the key. `OPENROUTER_API_KEY` is not touched.
 * @type {(options?: {profile?: string, storage?: 'file' | 'keyring'}) => void}
 * @throws {OpenRouterPkceError} `STORAGE` or `INVALID_ARGUMENT`
 */
const logout = sync(withEnv(function logout(options) {
  checkOptions('logout', options, 'store')
  process.stderr.write(`${native._logout(options)}\n`)
}), ['options'])

/**
 * The profile's key file path (whether or not it exists).
 * @type {(options?: {profile?: string}) => string}
 * @throws {OpenRouterPkceError} `STORAGE` or `INVALID_ARGUMENT`
 */
const keyPath = sync(withEnv(function keyPath(options) {
  checkOptions('keyPath', options)
  return native.keyPath(options)
}), ['options'])

module.exports = { loadKey, saveKey, logout, keyPath }
