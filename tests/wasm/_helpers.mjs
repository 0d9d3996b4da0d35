// Shared helpers of the WebAssembly build's node:test suites (not a test file itself).
import assert from 'node:assert/strict'
import { OpenRouterPkceError } from 'openrouter-pkce/wasm'

export { ROOT, vectors } from '../node/_helpers.mjs'

/** Assert that `promiseOrFn` fails with the WebAssembly build's `OpenRouterPkceError` of `code` (and `status`). */
export async function rejectsWith(promiseOrFn, code, status) {
  let err
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn)
  } catch (e) {
    err = e
  }
  assert.ok(err, `expected ${code}, got success`)
  assert.ok(err instanceof OpenRouterPkceError, `not the wasm build's OpenRouterPkceError: ${err && err.stack}`)
  assert.equal(err.code, code, err.message)
  if (status !== undefined) assert.equal(err.status, status)
  return err
}
