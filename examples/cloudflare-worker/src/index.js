// "Sign in with OpenRouter" on Cloudflare Workers: the sealed-cookie flow. No session store: the started flow
// (its PKCE verifier and state) travels sealed — authenticated encryption, expiring after 10 minutes — in an
// HttpOnly cookie between /login and /callback, so any instance (any colo) can finish it.
// `openrouter-pkce` resolves to its WebAssembly build through the `workerd` condition; wrangler compiles the
// .wasm module itself: no plugin, no configuration (see wrangler.toml).
import { Client, OpenRouterPkceError, keyInfo, startAuth } from 'openrouter-pkce'

const COOKIE = 'openrouter_flow'

/** The sealing secrets (each at least 32 bytes): `wrangler secret put FLOW_SECRET`. To rotate, move the old
 * one to FLOW_SECRET_PREVIOUS: the first seals, either opens. */
const secrets = (env) => [env.FLOW_SECRET, env.FLOW_SECRET_PREVIOUS].filter(Boolean)

function flowCookie(url, value, maxAge) {
  // Lax: OpenRouter's redirect back to /callback is a top-level GET, which carries it. Secure over HTTPS
  // (everything but `wrangler dev` on http://localhost).
  const secure = url.protocol === 'https:' ? '; Secure' : ''
  return `${COOKIE}=${value}; Path=/callback; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`
}

function readCookie(request, name) {
  for (const part of (request.headers.get('Cookie') || '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

const text = (status, body, headers = {}) =>
  new Response(body + '\n', { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } })

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    // https://openrouter.ai unless OPENROUTER_BASE_URL says otherwise (the tests: the emulator).
    const baseUrl = env.OPENROUTER_BASE_URL || undefined

    if (url.pathname === '/login') {
      const flow = startAuth({ callbackUrl: `${url.origin}/callback`, keyLabel: 'Cloudflare Worker example', baseUrl })
      return new Response(null, {
        status: 302,
        headers: { Location: flow.url, 'Set-Cookie': flowCookie(url, flow.seal(secrets(env)), 600) },
      })
    }

    if (url.pathname === '/callback') {
      const sealed = readCookie(request, COOKIE)
      const clear = { 'Set-Cookie': flowCookie(url, '', 0) }
      if (!sealed) return text(400, 'No sign-in in progress here (the cookie expired, or /login was not visited).', clear)
      try {
        // Checks the state, refuses a tampered or expired cookie, then exchanges the code (once).
        const key = await new Client({ baseUrl }).completeAuth(sealed, request.url, { secrets: secrets(env) })
        // A real app now stores key.key server-side (KV, D1, a Durable Object) under its own user session,
        // encrypted, and never sends it to the browser.
        const info = await keyInfo(key)
        return text(200, `Connected: ${key.masked} (${info.label})`, clear)
      } catch (e) {
        if (!(e instanceof OpenRouterPkceError)) throw e
        // ACCESS_DENIED (the user declined), STATE_MISMATCH, SEALED_FLOW_EXPIRED, INVALID_CODE, …
        return text(e.code === 'ACCESS_DENIED' ? 403 : 400, `Not connected (${e.code}): ${e.message}`, clear)
      }
    }

    return text(200, 'Sign in with OpenRouter: /login')
  },
}
