/**
 * What the public API (`api.js`) stands on, runtime by runtime: the runtime's kind for `UNSUPPORTED_RUNTIME`
 * and the transport — the runtime's `fetch`, which only moves bytes.
 * `tools/build.mjs` puts this file before `api.js` in `pkg/api.mjs` and `pkg/api.cjs`.
 * @module openrouter-pkce/wasm/transport
 */

/**
 * The runtime this build runs in, as a token the core turns into words for `UNSUPPORTED_RUNTIME`
 * (`runtime_name` in core/src/error.rs): `workerd`, `edge:<name>`, `deno`, `bun`, `node`, `browser`,
 * `web-worker` or `unknown`.
 */
function runtimeKind() {
  const g = globalThis
  if (typeof g.navigator === 'object' && g.navigator && g.navigator.userAgent === 'Cloudflare-Workers') return 'workerd'
  if (typeof g.EdgeRuntime === 'string') return `edge:${g.EdgeRuntime}`
  if (typeof g.Deno === 'object') return 'deno'
  if (typeof g.Bun === 'object') return 'bun'
  if (typeof g.process === 'object' && g.process && g.process.versions && g.process.versions.node) return 'node'
  if (typeof g.document === 'object') return 'browser'
  if (typeof g.WorkerGlobalScope === 'function') return 'web-worker'
  return 'unknown'
}

/**
 * `fetch` for one call: `send` one request as the core built it (never following a redirect, reading at
 * most `cap` body bytes, aborted after `timeoutMs` or by the call's `signal`) and `sleep`. Every outcome is
 * a value for the core (`src/client.rs`), never an exception.
 */
function transport(fetchFn, signal) {
  // A browser's fetch (a page's or a web worker's) owns User-Agent; setting it could also add it to a CORS
  // preflight's Access-Control-Request-Headers, which the server may refuse.
  const page = typeof globalThis.document === 'object' ||
    (typeof globalThis.WorkerGlobalScope === 'function' && typeof globalThis.importScripts === 'function')
  return {
    async send(method, url, headers, body, timeoutMs, cap) {
      if (signal && signal.aborted) return { failure: 'aborted' }
      const controller = new AbortController()
      let why = null
      const stop = (reason) => () => {
        if (why === null) why = reason
        controller.abort()
      }
      const onAbort = stop('aborted')
      const timer = setTimeout(stop('timeout'), Math.max(0, Math.ceil(timeoutMs)))
      if (signal) signal.addEventListener('abort', onAbort, { once: true })
      try {
        const init = { method, headers: [], redirect: 'manual', signal: controller.signal }
        for (const [name, value] of headers) if (!(page && name.toLowerCase() === 'user-agent')) init.headers.push([name, value])
        if (body) init.body = body
        let res
        try {
          res = await fetchFn(url, init)
        } catch (e) {
          const cause = e && e.cause && typeof e.cause.code === 'string' ? e.cause.code : undefined
          return { failure: why || 'send', cause }
        }
        const status = res.type === 'opaqueredirect' ? 0 : res.status
        const head = []
        res.headers.forEach((value, name) => head.push([name, value]))
        const length = Number(res.headers.get('content-length'))
        if (length > cap) {
          if (res.body) res.body.cancel().catch(() => {})
          return { status, tooLarge: true }
        }
        const chunks = []
        let total = 0
        if (res.body) {
          const reader = res.body.getReader()
          try {
            for (;;) {
              const { done, value } = await reader.read()
              if (done) break
              total += value.byteLength
              if (total > cap) {
                reader.cancel().catch(() => {})
                return { status, tooLarge: true }
              }
              chunks.push(value)
            }
          } catch (e) {
            return { failure: why || 'body' }
          }
        }
        const bytes = new Uint8Array(total)
        let at = 0
        for (const c of chunks) {
          bytes.set(c, at)
          at += c.byteLength
        }
        return { status, headers: head, body: bytes }
      } finally {
        clearTimeout(timer)
        if (signal) signal.removeEventListener('abort', onAbort)
      }
    },
    sleep(ms) {
      return new Promise((resolve) => {
        if (signal && signal.aborted) return resolve(true)
        const onAbort = () => {
          clearTimeout(timer)
          resolve(true)
        }
        const timer = setTimeout(() => {
          if (signal) signal.removeEventListener('abort', onAbort)
          resolve(false)
        }, ms)
        if (signal) signal.addEventListener('abort', onAbort, { once: true })
      })
    },
  }
}
