// Pack the main npm package the way `napi pre-publish` prepares it: the checkout's package.json plus one
// `optionalDependencies` entry per napi target (npm/<target>/package.json), at the same version; no
// scripts, no devDependencies, no native code. The committed package.json lists none (they do not exist
// on the registry until a release publishes them, and `npm ci` would try to fetch them).
// usage: node tests/dist/pack-main.mjs <staging dir> <dist dir>
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const [staging, dist] = process.argv.slice(2).map((p) => resolve(p))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

rmSync(staging, { recursive: true, force: true })
mkdirSync(staging, { recursive: true })
const listed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }))[0].files
// The WebAssembly build (browsers, Workers, Deno, and Node/Bun where no platform package fits): `make wasm-build`.
for (const needed of ['bindings-wasm/pkg/web/openrouter_pkce_wasm_bg.wasm', 'bindings-wasm/pkg/browser.mjs', 'bindings-wasm/pkg/workerd.mjs', 'bindings-wasm/pkg/node.cjs']) {
  if (!listed.some((f) => f.path === needed)) throw new Error(`the main package must carry the WebAssembly build: ${needed} (run make wasm-build)`)
}
for (const { path } of listed) {
  if (path.endsWith('.node')) throw new Error(`the main package must hold no native code: ${path}`)
  if (path === 'package.json') continue
  mkdirSync(dirname(join(staging, path)), { recursive: true })
  cpSync(join(root, path), join(staging, path))
}
const optional = {}
for (const dir of readdirSync(join(root, 'npm')).sort()) {
  const sub = JSON.parse(readFileSync(join(root, 'npm', dir, 'package.json'), 'utf8'))
  if (sub.version !== pkg.version) throw new Error(`npm/${dir} has version ${sub.version}, not ${pkg.version}`)
  optional[sub.name] = pkg.version
}
if (Object.keys(optional).length !== pkg.napi.targets.length) throw new Error('npm/ and napi.targets disagree')
delete pkg.scripts
delete pkg.devDependencies
pkg.optionalDependencies = optional
writeFileSync(join(staging, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
mkdirSync(dist, { recursive: true })
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dist], { cwd: staging, encoding: 'utf8' }))
console.log(`${packed[0].filename}: ${packed[0].entryCount} files, optionalDependencies ${Object.keys(optional).join(', ')}`)
