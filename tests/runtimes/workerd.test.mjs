// workerd (the npm package's binary) running two Workers from the npm-packed package, no bundler plugin:
//
//   example  examples/cloudflare-worker, as is, bundled by wrangler itself (`wrangler deploy --dry-run
//            --outdir`: what it would upload): the sealed-cookie flow (/login, /callback)
//   body     tests/runtimes/worker/body-worker.mjs: the shared body, GET / answers its result; bundled by esbuild
//            with wrangler's conditions (`workerd`, `worker`, `browser`; .wasm files as modules)
//
// Their only outbound is a network service allowing 127.0.0.0/8 (the emulator), nothing else (checked: with
// another range the example answers NETWORK).
// Then sealed flows cross runtimes: started and sealed in the Worker, finished in Node (native) and in Python;
// sealed in Node (native) and in Python, finished in the Worker.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ESBUILD, PACKED, PYTHON, ROOT, WORKERD, WRANGLER, assertResult, freePort, needs, run, serve, startEmulator, tempDir } from './_harness.mjs'
import { SECRET } from './body.mjs'

const skip = needs(WORKERD, 'make runtimes-tools') || needs(ESBUILD, 'make runtimes-tools') || needs(WRANGLER, 'make runtimes-tools')
const pythonSkip = skip || needs(PYTHON, 'make python-build creates .venv')
const LABEL = 'Cloudflare Worker example'
const DIR = join(PACKED, 'worker')

let emu
let example // the example Worker's origin
let bodyWorker // the body Worker's origin
const stops = []

/** The .wasm module wrangler wrote beside the example's bundle (it prefixes the name with a hash). */
let exampleWasm

async function bundle() {
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(join(DIR, 'vectors'), { recursive: true })
  // The example as a user has it: its wrangler.toml and src/, openrouter-pkce resolved from the packed package
  // (PACKED/node_modules, above DIR). wrangler bundles it by the `workerd` condition, the .wasm as a module.
  for (const f of ['wrangler.toml', 'src']) cpSync(join(ROOT, 'examples', 'cloudflare-worker', f), join(DIR, 'example', f), { recursive: true })
  const home = tempDir({ after: (fn) => stops.push(fn) }, 'wrangler-home')
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, WRANGLER_SEND_METRICS: 'false', CI: 'true' }
  const dry = await run(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', 'out'], { cwd: join(DIR, 'example'), env })
  assert.equal(dry.code, 0, `wrangler deploy --dry-run failed:\n${dry.stdout}\n${dry.stderr}`)
  exampleWasm = readdirSync(join(DIR, 'example', 'out')).find((f) => f.endsWith('.wasm'))
  assert.ok(exampleWasm && existsSync(join(DIR, 'example', 'out', 'index.js')), `wrangler wrote no Worker and .wasm module:\n${dry.stdout}`)

  cpSync(join(ROOT, 'tests', 'runtimes', 'worker', 'body-worker.mjs'), join(DIR, 'body-worker.mjs'))
  cpSync(join(ROOT, 'tests', 'runtimes', 'body.mjs'), join(DIR, 'body.mjs'))
  for (const f of ['pkce.json', 'auth_urls.json']) cpSync(join(ROOT, 'tests', 'vectors', f), join(DIR, 'vectors', f))
  const esbuild = await import(ESBUILD)
  // What wrangler does: ESM, the workerd/worker/browser conditions, .wasm imports left as modules of the Worker.
  await esbuild.build({
    entryPoints: [join(DIR, 'body-worker.mjs')],
    outdir: join(DIR, 'dist'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    loader: { '.wasm': 'copy' },
    assetNames: '[name]',
    logLevel: 'warning',
  })
  assert.ok(existsSync(join(DIR, 'dist', 'openrouter_pkce_wasm_bg.wasm')), 'esbuild did not emit the .wasm module')
}

function config(ports) {
  const worker = (name, dir, entry, wasm) => `const ${name} :Workerd.Worker = (
  modules = [
    (name = "${entry}", esModule = embed "${dir}/${entry}"),
    (name = "${wasm}", wasm = embed "${dir}/${wasm}"),
  ],
  compatibilityDate = "2026-11-01",
  bindings = [
    (name = "FLOW_SECRET", text = ${JSON.stringify(SECRET)}),
    (name = "OPENROUTER_BASE_URL", text = ${JSON.stringify(emu)}),
  ],
  globalOutbound = "loopback",
);`
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "example", worker = .example),
    (name = "body", worker = .body),
    # Loopback only: the emulator. (workerd's default outbound allows only public addresses.)
    (name = "loopback", network = (allow = ["127.0.0.0/8"])),
  ],
  sockets = [
    (name = "example", address = "127.0.0.1:${ports.example}", http = (), service = "example"),
    (name = "body", address = "127.0.0.1:${ports.body}", http = (), service = "body"),
  ],
);
${worker('example', 'example/out', 'index.js', exampleWasm)}
${worker('body', 'dist', 'body-worker.js', 'openrouter_pkce_wasm_bg.wasm')}
`
}

before(async () => {
  if (skip) return
  emu = await startEmulator({ after: (fn) => stops.push(fn) })
  await bundle()
  const ports = { example: await freePort(), body: await freePort() }
  writeFileSync(join(DIR, 'config.capnp'), config(ports))
  const t = { after: (fn) => stops.push(fn) }
  const server = serve(t, WORKERD, ['serve', '--verbose', join(DIR, 'config.capnp')], { cwd: DIR, ready: () => false, timeoutMs: 1e9 })
  server.ready.catch(() => {}) // a failure shows in the polling below, with workerd's log
  example = `http://127.0.0.1:${ports.example}`
  bodyWorker = `http://127.0.0.1:${ports.body}`
  // workerd prints nothing when it listens: poll until the example answers (or give up with its log).
  const until = Date.now() + 30000
  for (;;) {
    try {
      if ((await fetch(example + '/')).ok) break
    } catch {
      // not yet listening
    }
    if (server.proc.exitCode !== null || Date.now() > until) throw new Error(`workerd did not serve:\n${server.log().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
})

after(() => stops.forEach((fn) => fn()))

/** The flow cookie of a Set-Cookie header (asserting its attributes). */
function flowCookie(res) {
  const set = res.headers.get('set-cookie') ?? ''
  const m = /^openrouter_flow=([^;]+); Path=\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/.exec(set)
  assert.ok(m, `Set-Cookie: ${set.replace(/=[^;]+/, '=…')}`)
  return m[1]
}

/** The emulator auto-approves: GET on the authorization URL answers 302 to the callback. */
async function approve(url) {
  const res = await fetch(url, { redirect: 'manual' })
  assert.equal(res.status, 302)
  return new URL(res.headers.get('location'), url).href
}

/** /login on the Worker: the sealed cookie and the callback URL after approval. */
async function workerLogin() {
  const res = await fetch(example + '/login', { redirect: 'manual' })
  assert.equal(res.status, 302)
  const location = res.headers.get('location')
  assert.ok(location.startsWith(emu + '/auth?'), location)
  assert.equal(new URL(location).searchParams.get('callback_url').split('?')[0], example + '/callback')
  const sealed = flowCookie(res)
  return { sealed, callback: await approve(location) }
}

const callbackWithCookie = (callback, sealed) => fetch(callback, { headers: { Cookie: `other=1; openrouter_flow=${sealed}` }, redirect: 'manual' })

test('workerd: the shared body in a Worker (the workerd condition, the .wasm as a module, fetch to loopback)', { skip, timeout: 60000 }, async (t) => {
  const res = await fetch(bodyWorker + '/')
  assert.equal(res.status, 200, await res.clone().text())
  assertResult(t, await res.json(), { withFlow: true, label: 'workerd' })
})

test("workerd: randomness at a module's top level is UNSUPPORTED_RUNTIME, and works in the requests after", { skip, timeout: 60000 }, async () => {
  const res = await fetch(bodyWorker + '/top-level')
  assert.equal(res.status, 200, await res.clone().text())
  const { topLevel, inRequest, flow } = await res.json()
  assert.match(topLevel, /^UNSUPPORTED_RUNTIME: a random source is not available in this context: .*request/)
  assert.equal(inRequest, 43)
  assert.equal(flow, true)
})

test('workerd: examples/cloudflare-worker signs in with the sealed cookie; replays, missing and tampered cookies are refused', { skip, timeout: 60000 }, async () => {
  const { sealed, callback } = await workerLogin()
  const done = await callbackWithCookie(callback, sealed)
  const body = await done.text()
  assert.equal(done.status, 200, body)
  assert.match(body, new RegExp(`^Connected: sk-or-v1-\\w+…\\w+ \\(${LABEL}\\)\\n$`))
  assert.match(done.headers.get('set-cookie'), /^openrouter_flow=; Path=\/callback; Max-Age=0; HttpOnly; SameSite=Lax$/)

  const replay = await callbackWithCookie(callback, sealed)
  assert.equal(replay.status, 400)
  assert.match(await replay.text(), /^Not connected \(INVALID_CODE\)/)

  const other = await workerLogin()
  const missing = await fetch(other.callback)
  assert.equal(missing.status, 400)
  assert.match(await missing.text(), /^No sign-in in progress/)
  const i = Math.floor(other.sealed.length / 2)
  const tampered = other.sealed.slice(0, i) + (other.sealed[i] === 'A' ? 'B' : 'A') + other.sealed.slice(i + 1)
  const refused = await callbackWithCookie(other.callback, tampered)
  assert.equal(refused.status, 400)
  assert.match(await refused.text(), /^Not connected \(SEALED_FLOW_INVALID\)/)
  // The untampered cookie of that flow still finishes it: nothing was spent by the refusals.
  assert.equal((await callbackWithCookie(other.callback, other.sealed)).status, 200)
})

test('workerd -> Node: a flow sealed in the Worker finishes in Node (native addon)', { skip, timeout: 60000 }, async () => {
  const lib = await import('openrouter-pkce')
  assert.doesNotThrow(() => new lib.Emulator(), 'this Node process did not load the native addon')
  const { sealed, callback } = await workerLogin()
  const key = await lib.completeAuth(sealed, callback, { secrets: SECRET, baseUrl: emu, timeoutMs: 10000 })
  assert.equal((await lib.keyInfo(key)).label, LABEL)
})

test('Node -> workerd: a flow sealed in Node (native addon) finishes in the Worker', { skip, timeout: 60000 }, async () => {
  const lib = await import('openrouter-pkce')
  const flow = lib.startAuth({ callbackUrl: example + '/callback', keyLabel: 'sealed in Node', baseUrl: emu })
  const callback = await approve(flow.url)
  const res = await callbackWithCookie(callback, flow.seal(SECRET))
  const body = await res.text()
  assert.equal(res.status, 200, body)
  assert.match(body, /^Connected: sk-or-v1-\w+…\w+ \(sealed in Node\)\n$/)
})

const PY_COMPLETE = `
import json, os, openrouter_pkce as orp
key = orp.complete_auth(os.environ["SEALED"], os.environ["CALLBACK"], secrets=os.environ["SECRET"], base_url=os.environ["BASE_URL"], timeout=10)
print(json.dumps({"label": orp.key_info(key).label, "masked": key.masked}))
`
const PY_SEAL = `
import json, os, openrouter_pkce as orp
flow = orp.start_auth(os.environ["CALLBACK"], key_label="sealed in Python", base_url=os.environ["BASE_URL"])
print(json.dumps({"url": flow.url, "sealed": flow.seal(os.environ["SECRET"])}))
`
const python = async (code, env) => {
  const res = await run(PYTHON, ['-c', code], { env: { ...process.env, SECRET, BASE_URL: emu, ...env }, timeoutMs: 30000 })
  assert.equal(res.code, 0, res.stderr)
  return JSON.parse(res.stdout)
}

test('workerd -> Python: a flow sealed in the Worker finishes in Python', { skip: pythonSkip, timeout: 60000 }, async () => {
  const { sealed, callback } = await workerLogin()
  const out = await python(PY_COMPLETE, { SEALED: sealed, CALLBACK: callback })
  assert.equal(out.label, LABEL)
  assert.match(out.masked, /^sk-or-v1-\w+…\w+$/)
})

test('Python -> workerd: a flow sealed in Python finishes in the Worker', { skip: pythonSkip, timeout: 60000 }, async () => {
  const { url, sealed } = await python(PY_SEAL, { CALLBACK: example + '/callback' })
  const res = await callbackWithCookie(await approve(url), sealed)
  const body = await res.text()
  assert.equal(res.status, 200, body)
  assert.match(body, /^Connected: sk-or-v1-\w+…\w+ \(sealed in Python\)\n$/)
})
