// Shared helpers of the node:test suites (not a test file itself).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export function vectors(name) {
  return JSON.parse(readFileSync(join(ROOT, 'tests', 'vectors', `${name}.json`), 'utf8'))
}

/** `rejectsWith` for the builds whose error class is `errorClass` (tests/wasm/ passes the WebAssembly build's). */
export function rejecter(errorClass) {
  /** Assert that `promiseOrFn` fails with an `errorClass` of `code` (and `status`, if given). */
  return async function rejectsWith(promiseOrFn, code, status) {
    let err
    try {
      await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn)
    } catch (e) {
      err = e
    }
    assert.ok(err, `expected ${code}, got success`)
    assert.ok(err instanceof errorClass, `not ${errorClass.name} of this build: ${err && err.stack}`)
    assert.equal(err.code, code, err.message)
    if (status !== undefined) assert.equal(err.status, status)
    return err
  }
}

/** Assert that `promiseOrFn` fails with an `OpenRouterPkceError` of `code` (and `status`, if given). */
export async function rejectsWith(promiseOrFn, code, status) {
  const { OpenRouterPkceError } = await import('openrouter-pkce')
  return rejecter(OpenRouterPkceError)(promiseOrFn, code, status)
}
