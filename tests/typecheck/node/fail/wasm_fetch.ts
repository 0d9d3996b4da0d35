// `fetch` of the WebAssembly build's Client must be a function.
import { Client } from 'openrouter-pkce/wasm'

export const client = new Client({ fetch: 'https://proxy.example' }) // E: TS2322
