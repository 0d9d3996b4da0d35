'use strict'
// npm `install` script: make sure a native addon is present.
//
// - An installed tarball ships the prebuilt `openrouter-pkce.<platform>.node`: nothing to do.
// - A git checkout (the Cargo workspace is beside this package) builds it with cargo, through
//   `napi build` when @napi-rs/cli is installed, else with plain `cargo build` and a copy.
// Set OPENROUTER_PKCE_SKIP_BUILD=1 to skip (e.g. when a later step builds it anyway).

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const here = __dirname
const root = path.join(here, '..')

function loads() {
  try {
    require(path.join(here, 'native.js'))
    return true
  } catch {
    return false
  }
}

function platformTag() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const report = process.report && process.report.getReport ? process.report.getReport() : null
    const glibc = report && report.header && report.header.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function run(cmd, args) {
  console.error(`openrouter-pkce: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: false })
  return r.status === 0
}

function build() {
  const manifest = path.join('bindings-node', 'Cargo.toml')
  let napiCli = null
  try {
    napiCli = path.join(path.dirname(require.resolve('@napi-rs/cli/package.json', { paths: [root] })), 'dist', 'cli.js')
  } catch {}
  if (napiCli) {
    return run(process.execPath, [napiCli, 'build', '--platform', '--release', '--manifest-path', manifest,
      '--package-json-path', 'package.json', '--output-dir', 'bindings-node', '--js', 'native.js',
      '--dts', 'native.d.ts', '--no-const-enum'])
  }
  if (!run('cargo', ['build', '--release', '-p', 'openrouter-pkce-node', '--manifest-path', 'Cargo.toml'])) return false
  const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target')
  const lib = { win32: 'openrouter_pkce_node.dll', darwin: 'libopenrouter_pkce_node.dylib' }[process.platform] || 'libopenrouter_pkce_node.so'
  fs.copyFileSync(path.join(target, 'release', lib), path.join(here, `openrouter-pkce.${platformTag()}.node`))
  return true
}

if (process.env.OPENROUTER_PKCE_SKIP_BUILD || loads()) process.exit(0)
if (!fs.existsSync(path.join(root, 'Cargo.toml')) || !fs.existsSync(path.join(root, 'core'))) {
  console.error('openrouter-pkce: no prebuilt native addon for this platform in this package, and no Rust sources to build one.')
  process.exit(1)
}
if (spawnSync('cargo', ['--version']).status !== 0) {
  console.error('openrouter-pkce: building the native addon needs Rust (cargo): https://rustup.rs')
  process.exit(1)
}
if (!build() || !loads()) {
  console.error('openrouter-pkce: the native addon could not be built')
  process.exit(1)
}
