// The shared body (tests/runtimes/body.mjs) in a Worker under workerd, bundled by esbuild with wrangler's
// conditions from the npm-packed package (the `workerd` condition: the wasm build, its .wasm a module). GET /
// runs it against env.OPENROUTER_BASE_URL (the emulator, reached through a loopback-only outbound) and answers
// the result as JSON. The flow steps approve by reading the emulator's redirect (`fetch`, redirect: 'manual').
import * as lib from 'openrouter-pkce'
import { approveByRedirect, runBody } from './body.mjs'
import pkce from './vectors/pkce.json'
import authUrls from './vectors/auth_urls.json'

export default {
  async fetch(request, env) {
    let result
    try {
      result = await runBody(lib, { baseUrl: env.OPENROUTER_BASE_URL, vectors: { pkce, authUrls }, expect: 'wasm', approve: approveByRedirect })
    } catch (e) {
      result = { passed: 0, failed: 1, steps: [{ name: 'runBody', ok: false, error: `${e.name}: ${e.message}` }] }
    }
    return Response.json(result)
  },
}
