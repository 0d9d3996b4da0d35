// The shared body (tests/runtimes/body.mjs) in a Worker under workerd, bundled by esbuild with wrangler's
// conditions from the npm-packed package (the `workerd` condition: the wasm build, its .wasm a module). GET /
// runs it against env.OPENROUTER_BASE_URL (the emulator, reached through a loopback-only outbound) and answers
// the result as JSON. The flow steps approve by reading the emulator's redirect (`fetch`, redirect: 'manual').
import * as lib from 'openrouter-pkce'
import { approveByRedirect, runBody } from './body.mjs'
import pkce from './vectors/pkce.json'
import authUrls from './vectors/auth_urls.json'

// Workers refuse random numbers at a module's top level: the core says UNSUPPORTED_RUNTIME there (it was a
// wasm trap, `RuntimeError: unreachable`, after which generatePkce failed in every request too).
let topLevel
try {
  lib.generatePkce()
  topLevel = 'no error'
} catch (e) {
  topLevel = `${e instanceof lib.OpenRouterPkceError ? e.code : e.name}: ${e.message}`
}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/top-level') {
      return Response.json({ topLevel, inRequest: lib.generatePkce().codeVerifier.length, flow: lib.startAuth().url.length > 0 })
    }
    let result
    try {
      result = await runBody(lib, { baseUrl: env.OPENROUTER_BASE_URL, vectors: { pkce, authUrls }, expect: 'wasm', approve: approveByRedirect })
    } catch (e) {
      result = { passed: 0, failed: 1, steps: [{ name: 'runBody', ok: false, error: `${e.name}: ${e.message}` }] }
    }
    return Response.json(result)
  },
}
