// The shared body (tests/runtimes/body.mjs) in the browser, bundled by webpack 5 with no configuration but the
// entry and the output (its defaults: target `web`, so the `browser` condition — the wasm build, its `.wasm`
// inlined — and JSON modules; no plugin, no loader). The emulator's URL comes in the page's query (`?api=`):
// webpack has no `import.meta.env`. The result lands in `window.__result`, as in body-page.mjs.
import * as lib from 'openrouter-pkce'
import { runBody } from './body.mjs'
import pkce from './vectors/pkce.json'
import authUrls from './vectors/auth_urls.json'

const done = (result) => {
  window.__result = result
  document.getElementById('out').textContent = JSON.stringify(result, null, 1)
}
const baseUrl = new URLSearchParams(location.search).get('api')
runBody(lib, { baseUrl, vectors: { pkce, authUrls }, expect: 'wasm' }).then(done, (e) =>
  done({ passed: 0, failed: 1, steps: [{ name: 'runBody', ok: false, error: `${e.name}: ${e.message}` }] }),
)
