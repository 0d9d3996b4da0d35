#!/usr/bin/env node
// `make bench`, the JavaScript runtimes (issue 19 item 6): what a front-end developer would pick instead of
// this package — @openrouter/sdk's PKCE helper and oauth4webapi — in headless Chromium and in workerd:
//
//   size   esbuild bundles (minified, the `browser` condition; the Worker's with wrangler's conditions and
//          the .wasm as a separate module), raw and gzipped (level 9)
//   speed  bench/js/ops.mjs bundled into a page and into a Worker; each batch of n calls timed inside the
//          runtime with performance.now() (coarse in both — Chromium 100 µs, workerd 1 ms — hence batches of
//          tens to hundreds of ms). (Deployed Workers stop the clock while code runs; local workerd does not.)
//
// Prints one JSON line on stdout (progress on stderr). Usage: node bench/js/bench_runtimes.mjs [--quick]
// BENCH_JS_PACKAGE=<dir> measures another copy of the package (e.g. a WebAssembly build with other compiler
// settings) instead of this checkout.
// Needs `make runtimes-tools bench-js-tools browser-deps wasm-build` (make bench does it).
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { CHROMIUM, CHROMIUM_FLAGS, ESBUILD, ROOT, TOOLS, WORKERD, freePort } from '../../tests/runtimes/_harness.mjs'

const OUT = join(ROOT, 'target', 'bench-js')
const HERE = dirname(fileURLToPath(import.meta.url))
const PACKAGE = process.env.BENCH_JS_PACKAGE || ROOT
const OAUTH4WEBAPI = join(TOOLS, 'oauth4webapi', 'node_modules', 'oauth4webapi')
const QUICK = process.argv.includes('--quick')
const N = { pkce: QUICK ? 2000 : 20000, seal: QUICK ? 300 : 2000 }
const ROUNDS = QUICK ? 3 : 7
const OPS = ['pkce/ours', 'pkce/sdk', 'pkce/oauth4webapi', 'seal/ours', 'seal/jose']

const log = (...a) => console.error('[bench js]', ...a)
const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version

/** A project whose node_modules holds what the bundles import: this checkout as `openrouter-pkce`, the SDK and
 * jose from its devDependencies, oauth4webapi from target/tools. */
function project() {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(join(OUT, 'node_modules', '@openrouter'), { recursive: true })
  symlinkSync(PACKAGE, join(OUT, 'node_modules', 'openrouter-pkce'), 'dir')
  symlinkSync(join(ROOT, 'node_modules', '@openrouter', 'sdk'), join(OUT, 'node_modules', '@openrouter', 'sdk'), 'dir')
  symlinkSync(join(ROOT, 'node_modules', 'jose'), join(OUT, 'node_modules', 'jose'), 'dir')
  symlinkSync(OAUTH4WEBAPI, join(OUT, 'node_modules', 'oauth4webapi'), 'dir')
  copyFileSync(join(HERE, 'ops.mjs'), join(OUT, 'ops.mjs'))
  // A package scope of its own: without it, a bare `openrouter-pkce` inside this checkout is the checkout itself
  // (a self-reference, which resolvers try before node_modules).
  writeFileSync(join(OUT, 'package.json'), JSON.stringify({ name: 'bench-js', private: true, type: 'module' }) + '\n')
}

const sizes = (files) => {
  const raw = files.reduce((n, f) => n + statSync(f).size, 0)
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0)
  return { raw, gzip: gz, files: files.map((f) => f.slice(OUT.length + 1)) }
}

async function bundleSizes(esbuild) {
  const entries = {
    // Everything the package exports in a browser: the JS and the WebAssembly module inlined in it.
    ours_browser: "export * from 'openrouter-pkce'",
    // The PKCE helper alone (deep import of the function; the package exports only the client).
    sdk_pkce_helper: "export { oAuthCreateSHA256CodeChallenge } from './node_modules/@openrouter/sdk/esm/funcs/oAuthCreateSHA256CodeChallenge.js'",
    // What a front-end developer imports: the client, whose `oAuth` namespace has the helper and the exchange.
    sdk_client: "export { OpenRouter } from '@openrouter/sdk'",
    oauth4webapi_pkce: "export { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi'",
  }
  const out = {}
  for (const [name, code] of Object.entries(entries)) {
    writeFileSync(join(OUT, `size_${name}.mjs`), code + '\n')
    await esbuild.build({
      entryPoints: [join(OUT, `size_${name}.mjs`)], outfile: join(OUT, 'size', `${name}.js`), bundle: true,
      minify: true, format: 'esm', platform: 'browser', logLevel: 'error',
    })
    out[name] = sizes([join(OUT, 'size', `${name}.js`)])
  }
  // The Worker's: JS with the workerd condition, and the .wasm module beside it (uploaded as is).
  writeFileSync(join(OUT, 'size_ours_workerd.mjs'), "export * from 'openrouter-pkce'\n")
  await esbuild.build({
    entryPoints: [join(OUT, 'size_ours_workerd.mjs')], outdir: join(OUT, 'size-workerd'), bundle: true, minify: true,
    format: 'esm', platform: 'browser', conditions: ['workerd', 'worker', 'browser'], loader: { '.wasm': 'copy' },
    assetNames: '[name]', logLevel: 'error',
  })
  out.ours_workerd = sizes([join(OUT, 'size-workerd', 'size_ours_workerd.js'), join(OUT, 'size-workerd', 'openrouter_pkce_wasm_bg.wasm')])
  out.ours_wasm_module = sizes([join(OUT, 'size-workerd', 'openrouter_pkce_wasm_bg.wasm')])
  return out
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return { min_us: s[0], median_us: s[Math.floor(s.length / 2)] }
}

async function chromium(esbuild) {
  writeFileSync(join(OUT, 'page.mjs'), `import { runOp, check } from './ops.mjs'
window.bench = async (name, n, rounds) => {
  await runOp(name, Math.max(1, n / 5)) // warm-up
  const us = []
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now()
    await runOp(name, n)
    us.push(((performance.now() - t0) * 1000) / n)
  }
  return us
}
window.check = check
window.ready = true
`)
  await esbuild.build({ entryPoints: [join(OUT, 'page.mjs')], outfile: join(OUT, 'page', 'page.js'), bundle: true, minify: true, format: 'esm', platform: 'browser', logLevel: 'error' })
  writeFileSync(join(OUT, 'page', 'index.html'), '<!doctype html><meta charset=utf-8><title>bench</title><script type=module src=/page.js></script>\n')
  // A plain static server on loopback (a secure context is not needed: WebCrypto's digest works on http://127.0.0.1).
  const server = createHttpServer((req, res) => {
    const file = req.url === '/' ? 'index.html' : req.url.slice(1)
    try {
      const body = readFileSync(join(OUT, 'page', file))
      res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const { chromium: pw } = await import(join(ROOT, 'node_modules', 'playwright-core', 'index.mjs'))
  const browser = await pw.launch({
    executablePath: CHROMIUM, headless: true,
    args: CHROMIUM_FLAGS,
  })
  try {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    await page.waitForFunction(() => window.ready === true)
    const checked = await page.evaluate(() => window.check())
    const out = { version: browser.version(), check: checked, ops: {} }
    for (const op of OPS) {
      const n = N[op.split('/')[0]]
      out.ops[op] = stats(await page.evaluate(([name, n, rounds]) => window.bench(name, n, rounds), [op, n, ROUNDS]))
      log(`chromium ${op}: ${out.ops[op].min_us.toFixed(2)} µs`)
    }
    return out
  } finally {
    await browser.close()
    server.close()
  }
}

async function workerd(esbuild) {
  writeFileSync(join(OUT, 'worker.mjs'), `import { runOp, check } from './ops.mjs'
export default {
  async fetch(request) {
    const url = new URL(request.url)
    if (url.pathname === '/check') return Response.json(await check())
    const n = Number(url.searchParams.get('n'))
    const t0 = performance.now()
    const sink = await runOp(url.searchParams.get('op'), n)
    return Response.json({ ms: performance.now() - t0, sink })
  },
}
`)
  await esbuild.build({
    entryPoints: [join(OUT, 'worker.mjs')], outdir: join(OUT, 'worker'), bundle: true, minify: true, format: 'esm',
    platform: 'browser', conditions: ['workerd', 'worker', 'browser'], loader: { '.wasm': 'copy' }, assetNames: '[name]', logLevel: 'error',
  })
  const port = await freePort()
  writeFileSync(join(OUT, 'worker', 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "bench", worker = .bench)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "bench")],
);
const bench :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "openrouter_pkce_wasm_bg.wasm", wasm = embed "openrouter_pkce_wasm_bg.wasm"),
  ],
  compatibilityDate = "2026-11-01",
);
`)
  const proc = spawn(WORKERD, ['serve', join(OUT, 'worker', 'config.capnp')], { stdio: ['ignore', 'inherit', 'inherit'] })
  const base = `http://127.0.0.1:${port}`
  try {
    const until = Date.now() + 30000
    for (;;) {
      try {
        if ((await fetch(base + '/check')).ok) break
      } catch {
        // not listening yet
      }
      if (proc.exitCode !== null || Date.now() > until) throw new Error('workerd did not start')
      await new Promise((r) => setTimeout(r, 200))
    }
    const out = { version: version(join(TOOLS, 'workerd', 'node_modules', 'workerd')), check: await (await fetch(base + '/check')).json(), ops: {} }
    const timed = async (op, n) => {
      const res = await fetch(`${base}/?op=${encodeURIComponent(op)}&n=${n}`)
      if (!res.ok) throw new Error(`${op}: ${res.status} ${await res.text()}`)
      return ((await res.json()).ms * 1000) / n
    }
    for (const op of OPS) {
      const n = N[op.split('/')[0]]
      await timed(op, Math.max(1, n / 5)) // warm-up
      const us = []
      for (let r = 0; r < ROUNDS; r++) us.push(await timed(op, n))
      out.ops[op] = stats(us)
      log(`workerd ${op}: ${out.ops[op].min_us.toFixed(2)} µs`)
    }
    return out
  } finally {
    proc.kill('SIGKILL')
  }
}

project()
const esbuild = await import(ESBUILD)
const result = {
  versions: {
    'openrouter-pkce': version(PACKAGE),
    '@openrouter/sdk': version(join(ROOT, 'node_modules', '@openrouter', 'sdk')),
    oauth4webapi: version(OAUTH4WEBAPI),
    jose: version(join(ROOT, 'node_modules', 'jose')),
    esbuild: esbuild.version,
  },
  n: N,
  rounds: ROUNDS,
  sizes: await bundleSizes(esbuild),
}
log('sizes', JSON.stringify(result.sizes))
result.chromium = await chromium(esbuild)
result.workerd = await workerd(esbuild)
console.log(JSON.stringify(result))
