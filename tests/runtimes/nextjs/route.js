// A Next.js route handler on the edge runtime (`export const runtime = 'edge'`): Next bundles `openrouter-pkce`
// with the `edge-light` condition (the wasm build, its `.wasm` imported as `?module`), and `next start` runs it in
// its edge sandbox (Vercel's edge-runtime). GET /api/body?api=<emulator> answers the shared body's result, with
// the sandbox's `EdgeRuntime` marker. Copied to app/api/body/route.js by tests/runtimes/nextjs.test.mjs.
import * as lib from 'openrouter-pkce'
import { approveByRedirect, runBody } from '../../../body.mjs'
import pkce from '../../../vectors/pkce.json'
import authUrls from '../../../vectors/auth_urls.json'

export const runtime = 'edge'
export const dynamic = 'force-dynamic'

export async function GET(request) {
  const baseUrl = new URL(request.url).searchParams.get('api')
  let result
  try {
    result = await runBody(lib, { baseUrl, vectors: { pkce, authUrls }, expect: 'wasm', approve: approveByRedirect })
  } catch (e) {
    result = { passed: 0, failed: 1, steps: [{ name: 'runBody', ok: false, error: `${e.name}: ${e.message}` }] }
  }
  return Response.json({ ...result, edgeRuntime: typeof EdgeRuntime === 'string' ? EdgeRuntime : null })
}
