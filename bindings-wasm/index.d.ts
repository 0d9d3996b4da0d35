/**
 * openrouter-pkce's WebAssembly build (`openrouter-pkce/wasm`, and the `browser`, `worker`, `workerd`,
 * `edge-light` and `deno` conditions of `openrouter-pkce`): the native package's API, with the same types.
 * `login`, `loadKey`, `saveKey`, `logout`, `keyPath` and `Emulator` are exported and throw (or reject with)
 * `UNSUPPORTED_RUNTIME`. `new Client({fetch})` takes the `fetch` to send requests with.
 * @packageDocumentation
 */

import type { ClientOpts } from '../bindings-node/index'
import { Client as NativeClient } from '../bindings-node/index'

export * from '../bindings-node/index'

/**
 * A `fetch` for `new Client({fetch})`: called as `fetch(url, init)` with `init.redirect === 'manual'`, the
 * method, the headers as `[name, value]` pairs, the body (a `Uint8Array`) and an `AbortSignal`; it resolves
 * to a `Response`.
 */
export type FetchLike = (url: string, init: {
  method: string
  headers: Array<[string, string]>
  body?: Uint8Array
  redirect: 'manual'
  signal: any
}) => Promise<any>

/** Options of `new Client(...)` in the WebAssembly build: the native ones, and `fetch`. */
export interface WasmClientOpts extends ClientOpts {
  /** The `fetch` to send requests with (default: the runtime's `globalThis.fetch`). */
  fetch?: FetchLike
}

/** A configured client over the runtime's `fetch` (or `options.fetch`). */
export declare class Client extends NativeClient {
  constructor(options?: WasmClientOpts)
}
