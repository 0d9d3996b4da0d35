// The shared body (tests/runtimes/body.mjs) in a Web Worker, bundled by webpack 5 with `target: 'webworker'` and
// no other configuration (no plugin, no loader, no `experiments`): webpack's `worker` condition with its own
// `webpack` condition picks the build whose `.wasm` is inlined (package.json `exports`). The emulator's URL comes
// in the worker's query (`?api=`); the result goes to the page (webworker-page.js), which puts it in
// `window.__result`.
import * as lib from 'openrouter-pkce'
import { runBody } from './body.mjs'
import pkce from './vectors/pkce.json'
import authUrls from './vectors/auth_urls.json'

const baseUrl = new URLSearchParams(self.location.search).get('api')
runBody(lib, { baseUrl, vectors: { pkce, authUrls }, expect: 'wasm' }).then(
  (result) => self.postMessage(result),
  (e) => self.postMessage({ passed: 0, failed: 1, steps: [{ name: 'runBody', ok: false, error: `${e.name}: ${e.message}` }] }),
)
