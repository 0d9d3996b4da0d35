'use strict'
/**
 * openrouter-pkce for Node.js: OAuth PKCE for OpenRouter, backed by the Rust core through napi-rs.
 *
 * This file only gathers the package: the thin hand-written layer over the generated loader
 * (`native.js`) lives in `lib/`, one file per concern — `errors.js` (the one error class), `arguments.js`
 * (what napi cannot check), `redact.js` (secrets that redact themselves), `pkce.js`, `flow.js` (step 1 and
 * the stored and sealed flows), `cancel.js` (AbortSignal), `client.js` (steps 2–3 and `login`, the
 * module functions and `Client` through one code path), `login.js`, `store.js` and `emulator.js`.
 * Everything else is the core's behaviour, unchanged. Where no native package fits, the same API comes from
 * the WebAssembly build (`../bindings-wasm/pkg/node.cjs`).
 * @module openrouter-pkce
 */

/**
 * The package over the native addon: the generated loader (`native.js`) and lib/*.js as one generated file
 * (bindings-node/tools/bundle.js, run by `npm run build`): one file to read and compile instead of ten.
 * `lib('errors.js')` is what `require('./lib/errors.js')` gives.
 */
function nativePackage(native) {
  const lib = require('./lib/_bundle.js')
  const { OpenRouterPkceError } = lib('errors.js')
  const { Pkce, generatePkce, createVerifier, createChallenge, verifyChallenge } = lib('pkce.js')
  const { authUrl, startAuth, AuthRequest } = lib('flow.js')
  const { Client, exchangeCode, completeAuth, keyInfo, createAuthCode, login } = lib('client.js')
  const { loadKey, saveKey, logout, keyPath } = lib('store.js')
  const { Emulator } = lib('emulator.js')
  const { ApiKey, AuthCode } = native
  /** The library version: one number for the Rust crate, the Python and the Node packages. */
  const VERSION = native.version()
  return {
    VERSION, OpenRouterPkceError, Pkce, generatePkce, createVerifier, createChallenge, verifyChallenge, authUrl,
    startAuth, AuthRequest, ApiKey, AuthCode, exchangeCode, completeAuth, keyInfo, createAuthCode, login, loadKey,
    saveKey, logout, keyPath, Client, Emulator,
  }
}

/**
 * The native package, or the WebAssembly build (bindings-wasm/) when no native package fits this platform
 * (StackBlitz, FreeBSD, riscv64, a bundle that dropped the optional dependency): the same API, where `login`,
 * key storage and the emulator throw `UNSUPPORTED_RUNTIME`. When that cannot load either, the native loader's
 * own error. `OPENROUTER_PKCE_FORCE_WASM=1` takes the WebAssembly build (tests).
 */
function load() {
  if (process.env.OPENROUTER_PKCE_FORCE_WASM === '1') return require('../bindings-wasm/pkg/node.cjs')
  let native
  try {
    native = require('./native.js')
  } catch (nativeError) {
    try {
      return require('../bindings-wasm/pkg/node.cjs')
    } catch {
      throw nativeError
    }
  }
  return nativePackage(native)
}

const {
  VERSION, OpenRouterPkceError, Pkce, generatePkce, createVerifier, createChallenge, verifyChallenge, authUrl,
  startAuth, AuthRequest, ApiKey, AuthCode, exchangeCode, completeAuth, keyInfo, createAuthCode, login, loadKey,
  saveKey, logout, keyPath, Client, Emulator,
} = load()

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
