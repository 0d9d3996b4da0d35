// `npm pack` of the main package (JavaScript only, no install script) and of this platform's package
// (npm/<target> + the addon built from this checkout), then `npm install` of both tarballs into a fresh
// directory outside the repository, and a smoke flow against the emulator from there: what a user's
// install does. (`make dist-check` does the same with the cross-built packages on Node 18–24.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './_helpers.mjs'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const FAKE_BROWSER = join(ROOT, 'core', 'tests', 'fixtures', 'fake-browser.sh')

test('npm pack + npm install <tarball> + smoke flow + npx openrouter-pkce', { timeout: 600000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'orp-pack-'))
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    assert.equal(pkg.scripts.install, undefined, 'no install script')
    assert.equal(pkg.scripts.postinstall, undefined, 'no postinstall script')
    const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }))
    const files = packed[0].files.map((f) => f.path)
    assert.ok(!files.some((f) => f.endsWith('.node')), 'the main package holds no native code')
    // This platform's package, the way `make dist` assembles it: npm/<target>/ + the addon.
    const target = platformDir()
    const staged = join(work, 'platform')
    cpSync(join(ROOT, 'npm', target), staged, { recursive: true })
    copyFileSync(join(ROOT, 'bindings-node', `openrouter-pkce.${target}.node`), join(staged, `openrouter-pkce.${target}.node`))
    const platformPacked = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: staged, encoding: 'utf8' }))
    assert.deepEqual(platformPacked[0].files.map((f) => f.path).filter((f) => f.endsWith('.node')), [`openrouter-pkce.${target}.node`])
    assert.equal(JSON.parse(readFileSync(join(ROOT, 'npm', target, 'package.json'), 'utf8')).version, pkg.version)
    for (const f of ['package.json', 'bindings-node/cli.js', 'bindings-node/index.js', 'bindings-node/index.mjs', 'bindings-node/index.d.ts', 'bindings-node/native.js', 'bindings-node/native.d.ts']) {
      assert.ok(files.includes(f), f)
    }
    assert.ok(!files.some((f) => f.startsWith('tests/') || f.startsWith('core/')), 'no tests or sources in the package')
    const tarball = join(work, packed[0].filename)
    const platformTarball = join(work, platformPacked[0].filename)

    const app = join(work, 'app')
    execFileSync('mkdir', ['-p', app])
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }))
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', tarball, platformTarball], { cwd: app, encoding: 'utf8', stdio: 'pipe' })
    assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((f) => f.startsWith('openrouter-pkce')).sort(), ['openrouter-pkce', `openrouter-pkce-${target}`])
    writeFileSync(join(app, 'smoke.mjs'), `
      import { Emulator, Client, generatePkce, OpenRouterPkceError } from 'openrouter-pkce'
      import { createRequire } from 'node:module'
      const cjs = createRequire(import.meta.url)('openrouter-pkce')
      const emu = new Emulator(); await emu.start()
      const p = generatePkce()
      const code = emu.issueCode({ codeChallenge: p.codeChallenge, method: 'S256', keyLabel: 'packaged' })
      const client = new cjs.Client({ baseUrl: emu.baseUrl })
      const key = await client.exchangeCode({ code, codeVerifier: p.codeVerifier })
      const info = await client.keyInfo(key.key)
      let reused = null
      try { await client.exchangeCode({ code, codeVerifier: p.codeVerifier }) } catch (e) { reused = e instanceof OpenRouterPkceError && e.code }
      const { login } = await import('openrouter-pkce')
      const oneClick = await login({ mode: 'loopback', baseUrl: emu.baseUrl, keyLabel: 'one-click' })
      const oneClickLabel = (await client.keyInfo(oneClick.key)).label
      await emu.stop()
      console.log(JSON.stringify({ masked: String(key), label: info.label, reused, sameClass: cjs.Client === Client, oneClickLabel }))
    `)
    const env = { ...process.env, BROWSER: FAKE_BROWSER }
    const out = JSON.parse(execFileSync(process.execPath, ['smoke.mjs'], { cwd: app, encoding: 'utf8', timeout: 60000, env }))
    assert.equal(out.oneClickLabel, 'one-click')
    assert.equal(out.label, 'packaged')
    assert.equal(out.reused, 'INVALID_CODE')
    assert.equal(out.sameClass, true)
    assert.match(out.masked, /^sk-or-v1-..…/)

    // The installed command: `npx openrouter-pkce ...` from the fresh directory.
    const pair = JSON.parse(execFileSync(npx, ['--no', 'openrouter-pkce', 'pkce', '--json'], { cwd: app, encoding: 'utf8', timeout: 60000 }))
    assert.ok(Object.values(pair).some((v) => typeof v === 'string' && v.length === 43))
    const emuScript = `import { Emulator } from 'openrouter-pkce'; const e = new Emulator(); await e.start(); console.log(e.baseUrl); process.stdin.on('data', () => {}); process.stdin.on('end', () => e.stop())`
    const { spawn } = await import('node:child_process')
    const emu = spawn(process.execPath, ['--input-type=module', '-e', emuScript], { cwd: app, stdio: ['pipe', 'pipe', 'inherit'] })
    const baseUrl = await new Promise((resolve) => emu.stdout.once('data', (d) => resolve(String(d).trim())))
    try {
      const cfg = join(work, 'cfg')
      const logged = JSON.parse(execFileSync(npx, ['--no', 'openrouter-pkce', 'login', '--json', '--save', '--mode', 'loopback', '--label', 'npx', '--base-url', baseUrl], { cwd: app, encoding: 'utf8', timeout: 60000, env: { ...env, OPENROUTER_PKCE_CONFIG_DIR: cfg } }))
      assert.match(JSON.stringify(logged), /sk-or-v1-..…/)
      const who = JSON.parse(execFileSync(npx, ['--no', 'openrouter-pkce', 'whoami', '--json', '--base-url', baseUrl], { cwd: app, encoding: 'utf8', timeout: 60000, env: { ...env, OPENROUTER_PKCE_CONFIG_DIR: cfg, OPENROUTER_API_KEY: '' } }))
      assert.equal(who.label, 'npx')
    } finally {
      emu.stdin.end()
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})

// The napi target directory name of this machine (npm/<dir>), as the generated loader picks it.
function platformDir() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report.getReport().header.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}
