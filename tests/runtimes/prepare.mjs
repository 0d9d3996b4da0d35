#!/usr/bin/env node
// Lays out the consumer projects the runtime tests import `openrouter-pkce` from (run by `make runtimes-test`
// before `node --test tests/runtimes/`; fast, idempotent):
//
//   target/runtimes/linked/  node_modules/openrouter-pkce -> the checkout (the native addon is there: Node and
//                            Bun take it; `openrouter-pkce/wasm` forces the wasm build)
//   target/runtimes/packed/  node_modules/openrouter-pkce = `npm pack` of the checkout, unpacked: what the
//                            registry would serve, without any native package (none is installed beside it),
//                            so Node and Bun must fall back to the wasm build, and Deno, the Vite SPA and the
//                            Worker take it by their conditions. A file missing from package.json `files`
//                            fails the tests here.
//
// Each also gets a copy of tests/runtimes/body.mjs and entry.mjs (a copy, not a link: a runtime resolves a bare
// import from a file's real path).
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')
const OUT = join(ROOT, 'target', 'runtimes')

function app(name) {
  const dir = join(OUT, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `runtimes-${name}`, private: true, type: 'module', dependencies: { 'openrouter-pkce': '*' } }, null, 2) + '\n',
  )
  for (const f of ['body.mjs', 'entry.mjs']) copyFileSync(join(HERE, f), join(dir, f))
  return dir
}

const linked = app('linked')
symlinkSync(ROOT, join(linked, 'node_modules', 'openrouter-pkce'), 'dir')

const packed = app('packed')
const [{ filename }] = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--silent', '--ignore-scripts', '--pack-destination', OUT], { cwd: ROOT, encoding: 'utf8' }),
)
const pkg = join(packed, 'node_modules', 'openrouter-pkce')
mkdirSync(pkg)
execFileSync('tar', ['-xzf', join(OUT, filename), '-C', pkg, '--strip-components=1'])
rmSync(join(OUT, filename))
console.log(`prepare: ${linked} (linked), ${packed} (npm pack)`)
