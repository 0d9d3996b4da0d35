// Vercel's edge runtime as Next.js runs it: a route handler with `export const runtime = 'edge'`
// (tests/runtimes/nextjs/route.js) imports `openrouter-pkce` from the npm-packed package, `next build` bundles it
// (the `edge-light` condition: the wasm build, its `.wasm` imported as `?module`) with webpack and with Turbopack
// (Next 16's default), and `next start` serves it from its edge sandbox (Vercel's edge-runtime, whose
// `EdgeRuntime` marker the route reports). The route runs the shared body, with a whole flow against the
// emulator. Vercel's hosted runtime itself is not reachable from here: this is the runtime Next.js runs locally.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PACKED, ROOT, RUNTIMES, assertResult, freePort, needs, run, serve, startEmulator } from './_harness.mjs'

const APP = join(RUNTIMES, 'nextjs')
const NEXT = join(APP, 'node_modules', 'next', 'dist', 'bin', 'next')
const skip = needs(NEXT, 'make nextjs-deps')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
const stops = []
let emu

before(async () => {
  if (skip) return
  emu = await startEmulator({ after: (fn) => stops.push(fn) })
  // The app: the route and the layout, the shared body and vectors, and the package as the registry serves it.
  for (const d of ['app', '.next', 'vectors', 'node_modules/openrouter-pkce']) rmSync(join(APP, d), { recursive: true, force: true })
  mkdirSync(join(APP, 'app', 'api', 'body'), { recursive: true })
  mkdirSync(join(APP, 'vectors'))
  cpSync(join(ROOT, 'tests', 'runtimes', 'nextjs', 'route.js'), join(APP, 'app', 'api', 'body', 'route.js'))
  cpSync(join(ROOT, 'tests', 'runtimes', 'nextjs', 'layout.js'), join(APP, 'app', 'layout.js'))
  cpSync(join(ROOT, 'tests', 'runtimes', 'body.mjs'), join(APP, 'body.mjs'))
  for (const f of ['pkce.json', 'auth_urls.json']) cpSync(join(ROOT, 'tests', 'vectors', f), join(APP, 'vectors', f))
  cpSync(join(PACKED, 'node_modules', 'openrouter-pkce'), join(APP, 'node_modules', 'openrouter-pkce'), { recursive: true })
})

after(() => stops.forEach((fn) => fn()))

for (const bundler of ['webpack', 'Turbopack']) {
  test(`Next.js edge route bundled by ${bundler}: next build, next start, the shared body with a flow`, { skip, timeout: 240000 }, async (t) => {
    rmSync(join(APP, '.next'), { recursive: true, force: true })
    const built = await run(process.execPath, [NEXT, 'build', ...(bundler === 'webpack' ? ['--webpack'] : [])], { cwd: APP, env, timeoutMs: 200000 })
    assert.equal(built.code, 0, `next build failed:\n${built.stdout.slice(-3000)}\n${built.stderr.slice(-3000)}`)
    const port = await freePort()
    const server = serve(t, process.execPath, [NEXT, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: APP, env, group: true, ready: (line) => /Ready in/.test(line) })
    await server.ready
    const res = await fetch(`http://127.0.0.1:${port}/api/body?api=${encodeURIComponent(emu)}`)
    const result = await res.json().catch(() => null)
    assert.equal(res.status, 200, `GET /api/body: ${res.status}\n${server.log().slice(-3000)}`)
    assert.equal(typeof result.edgeRuntime, 'string', 'the route did not run in the edge sandbox')
    assertResult(t, result, { withFlow: true, label: `Next.js (${bundler})` })
  })
}
