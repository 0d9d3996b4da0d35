// The package as consumers see it: CommonJS, ESM, TypeScript types, version, generated files.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { VERSION } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

const fixtures = join(ROOT, 'tests', 'node', 'fixtures')
const run = (file) => execFileSync(process.execPath, [join(fixtures, file)], { encoding: 'utf8', timeout: 30000 })

test('a CommonJS consumer works', () => {
  assert.match(run('consumer.cjs'), /^cjs ok /)
})

test('an ES module consumer works', () => {
  assert.match(run('consumer.mjs'), /^esm ok /)
})

test('a TypeScript consumer type-checks (tsc --noEmit)', () => {
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', join(fixtures, 'tsconfig.json')], { encoding: 'utf8', timeout: 120000 })
})

test('package.json version equals the Cargo workspace version and VERSION', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const cargo = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8')
  const ws = cargo.slice(cargo.indexOf('[workspace.package]'))
  const version = ws.match(/^version\s*=\s*"([^"]+)"/m)[1]
  assert.equal(pkg.version, version)
  assert.equal(VERSION, version)
})

test('every export has JSDoc in the type declarations', () => {
  const dts = readFileSync(join(ROOT, 'bindings-node', 'native.d.ts'), 'utf8')
  const lines = dts.split('\n')
  lines.forEach((line, i) => {
    if (/^export (declare )?(function|class|interface|const)/.test(line) && !line.includes('__napiBindingTarget')) {
      assert.match(lines[i - 1], /\*\/\s*$/, `no JSDoc before: ${line}`)
    }
  })
})
