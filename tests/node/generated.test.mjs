// The generated loader and type declarations are committed: a build must leave them unchanged.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { ROOT } from './_helpers.mjs'

const hasCargo = spawnSync('cargo', ['--version']).status === 0

test('napi build regenerates native.js and native.d.ts byte for byte', { skip: !hasCargo && 'cargo not found', timeout: 900000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'orp-gen-'))
  try {
    const napi = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('@napi-rs/cli/package.json')), 'dist', 'cli.js')
    execFileSync(process.execPath, [napi, 'build', '--platform', '--release', '--manifest-path', 'bindings-node/Cargo.toml',
      '--package-json-path', 'package.json', '--output-dir', out, '--js', 'native.js', '--dts', 'native.d.ts', '--no-const-enum'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 900000 })
    for (const f of ['native.js', 'native.d.ts']) {
      assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(ROOT, 'bindings-node', f), 'utf8'),
        `bindings-node/${f} is stale: run \`npm run build\` and commit it`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
