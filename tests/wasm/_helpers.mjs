// Shared helpers of the WebAssembly build's node:test suites (not a test file itself).
import { OpenRouterPkceError } from 'openrouter-pkce/wasm'
import { rejecter } from '../node/_helpers.mjs'

export { ROOT, vectors } from '../node/_helpers.mjs'

/** Assert that `promiseOrFn` fails with the WebAssembly build's `OpenRouterPkceError` of `code` (and `status`). */
export const rejectsWith = rejecter(OpenRouterPkceError)
