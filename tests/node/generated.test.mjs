// The generated loader and type declarations are committed: a build must leave them unchanged.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './_helpers.mjs'

/** npm's CLI beside this node (no shell needed to run it). */
const npmCli = () => (process.platform === 'win32' ? 'npm.cmd' : 'npm')

const hasCargo = spawnSync('cargo', ['--version']).status === 0

test('napi build regenerates native.js and native.d.ts byte for byte', { skip: !hasCargo && 'cargo not found', timeout: 900000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'orp-gen-'))
  try {
    // The one napi build command is package.json's `napi` script (`build` and `build:debug` run it too).
    execFileSync(npmCli(), ['run', '--silent', 'napi', '--', '--release', '--output-dir', out],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 900000 })
    for (const f of ['native.js', 'native.d.ts']) {
      assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(ROOT, 'bindings-node', f), 'utf8'),
        `bindings-node/${f} is stale: run \`npm run build\` and commit it`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
