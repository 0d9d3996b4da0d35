// The shared body (tests/runtimes/body.mjs) in the browser, bundled by Vite beside the example SPA from the
// same `openrouter-pkce` import (the `browser` condition: the wasm build). The flow steps are the SPA's real
// navigation (browser.test.mjs), so no `approve` here. The result lands in `window.__result`.
import * as lib from 'openrouter-pkce'
import { runBody } from './body.mjs'
import pkce from './vectors/pkce.json'
import authUrls from './vectors/auth_urls.json'

const done = (result) => {
  window.__result = result
  document.getElementById('out').textContent = JSON.stringify(result, null, 1)
}
runBody(lib, { baseUrl: import.meta.env.VITE_OPENROUTER_BASE_URL, vectors: { pkce, authUrls }, expect: 'wasm' }).then(done, (e) =>
  done({ passed: 0, failed: 1, steps: [{ name: 'runBody', ok: false, error: `${e.name}: ${e.message}` }] }),
)
