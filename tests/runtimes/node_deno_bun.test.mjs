// The shared body (body.mjs) in Node, Deno and Bun, each a child process importing `openrouter-pkce` from a
// consumer project laid out by prepare.mjs, against one emulator (the CLI's, auto-approve, loopback).
//
//   Node, packed (no native package installed)  -> the wasm fallback of the `node` condition
//   Node, linked, 'openrouter-pkce/wasm'        -> the wasm build, forced
//   Node, linked                                -> the native addon
//   Node, linked, OPENROUTER_PKCE_FORCE_WASM=1  -> the native entry's wasm fallback, forced
//   Deno, packed                                -> the `deno` condition: the wasm build
//   Bun, linked                                 -> the native addon (`bun` condition)
//   Bun, linked, 'openrouter-pkce/wasm'         -> the wasm build, forced
//   Bun, packed                                 -> the wasm fallback
import { test, before, after } from 'node:test'
import { join } from 'node:path'
import { BUN, DENO, LINKED, PACKED, ROOT, VECTORS_URL, assertResult, needs, parseResult, run, startEmulator } from './_harness.mjs'

let baseUrl
const stops = []
// One emulator for the file, stopped after its last test.
before(async () => {
  baseUrl = await startEmulator({ after: (fn) => stops.push(fn) })
})
after(() => stops.forEach((fn) => fn()))

const CASES = [
  { name: 'Node: the wasm fallback when no native package fits', runtime: 'node', app: PACKED, specifier: 'openrouter-pkce', expect: 'wasm' },
  { name: "Node: 'openrouter-pkce/wasm' forces the wasm build", runtime: 'node', app: LINKED, specifier: 'openrouter-pkce/wasm', expect: 'wasm' },
  { name: 'Node: the native addon', runtime: 'node', app: LINKED, specifier: 'openrouter-pkce', expect: 'native' },
  { name: 'Node: OPENROUTER_PKCE_FORCE_WASM=1 turns the native addon off', runtime: 'node', app: LINKED, specifier: 'openrouter-pkce', expect: 'wasm', env: { OPENROUTER_PKCE_FORCE_WASM: '1' } },
  { name: "Deno: the 'deno' condition takes the wasm build", runtime: 'deno', app: PACKED, specifier: 'openrouter-pkce', expect: 'wasm' },
  { name: 'Bun: the native addon', runtime: 'bun', app: LINKED, specifier: 'openrouter-pkce', expect: 'native' },
  { name: "Bun: 'openrouter-pkce/wasm' forces the wasm build", runtime: 'bun', app: LINKED, specifier: 'openrouter-pkce/wasm', expect: 'wasm' },
  { name: 'Bun: the wasm fallback when no native package fits', runtime: 'bun', app: PACKED, specifier: 'openrouter-pkce', expect: 'wasm' },
]

function command(runtime, app, arg) {
  const entry = join(app, 'entry.mjs')
  switch (runtime) {
    case 'node':
      return [process.execPath, [entry, arg]]
    case 'bun':
      return [BUN, [entry, arg]]
    case 'deno':
      // Only loopback network, only the checkout readable (the package, the vectors), nothing else.
      return [DENO, ['run', '--no-prompt', '--allow-net=127.0.0.1', `--allow-read=${ROOT}`, entry, arg]]
  }
}

const SKIP = {
  node: false,
  deno: needs(DENO, 'make deno'),
  bun: needs(BUN, 'make bun'),
}

for (const c of CASES) {
  test(c.name, { skip: SKIP[c.runtime], timeout: 90000 }, async (t) => {
    const arg = JSON.stringify({ baseUrl, expect: c.expect, specifier: c.specifier, vectorsDir: VECTORS_URL })
    const [cmd, args] = command(c.runtime, c.app, arg)
    const env = { ...process.env, DENO_DIR: join(ROOT, 'target', 'runtimes', 'deno-cache'), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...c.env }
    delete env.OPENROUTER_API_KEY
    delete env.OPENROUTER_PKCE_BASE_URL
    if (!c.env) delete env.OPENROUTER_PKCE_FORCE_WASM
    const started = Date.now()
    const res = await run(cmd, args, { cwd: c.app, env, timeoutMs: 60000 })
    t.diagnostic(`${c.runtime}: exit ${res.code} after ${Date.now() - started} ms`)
    if (res.stderr.trim()) t.diagnostic(`stderr: ${res.stderr.trim().slice(-2000)}`)
    const result = parseResult(res.stdout, c.name)
    assertResult(t, result, { withFlow: true, label: c.name })
    if (res.code !== 0) throw new Error(`${c.name}: exit ${res.code}`)
  })
}
