// lib/*.js reach `require('openrouter-pkce')` through one generated file, lib/_bundle.js (bindings-node/tools/
// bundle.js, run by `npm run build`): ten CommonJS modules had made the require ~4 ms slower (issue 18 item 7,
// "require unchanged"). The bundle must be what the sources give, and behave as they do.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './_helpers.mjs'

const BUNDLER = join(ROOT, 'bindings-node', 'tools', 'bundle.js')
const INDEX = join(ROOT, 'bindings-node', 'index.js')
const LIB = join(ROOT, 'bindings-node', 'lib')

test('lib/_bundle.js is what tools/bundle.js makes of lib/*.js (npm run build regenerates it)', () => {
  execFileSync(process.execPath, [BUNDLER, '--check'], { stdio: ['ignore', 'ignore', 'pipe'] })
})

test('require reads one file of lib/, and every lib module exports what its source does', () => {
  const script = `
    const orp = require(${JSON.stringify(INDEX)})
    const libFiles = Object.keys(require.cache).filter((f) => f.includes(${JSON.stringify(LIB)}))
    const load = require(${JSON.stringify(join(LIB, '_bundle.js'))})
    const names = ${JSON.stringify(readdirSync(LIB).filter((f) => f.endsWith('.js') && !f.startsWith('_')))}
    const exported = Object.fromEntries(names.map((n) => [n, Object.keys(load(n)).sort()]))
    console.log(JSON.stringify({ libFiles, exported, keys: Object.keys(orp).length }))
  `
  const bundled = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
  assert.deepEqual(bundled.libFiles, [join(LIB, '_bundle.js')])
  assert.ok(bundled.keys > 20)
  // The sources themselves, required one by one (a fresh process, so no instance is shared).
  const direct = JSON.parse(execFileSync(process.execPath, ['-e', `
    const names = ${JSON.stringify(Object.keys(bundled.exported))}
    console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, Object.keys(require(${JSON.stringify(LIB)} + '/' + n)).sort()]))))
  `], { encoding: 'utf8' }))
  assert.deepEqual(bundled.exported, direct)
})

test('one instance of each module: the error class index.js exports is the one every call rejects with', async () => {
  const script = `
    const orp = require(${JSON.stringify(INDEX)})
    const load = require(${JSON.stringify(join(LIB, '_bundle.js'))})
    let sync
    try { orp.createChallenge('short') } catch (e) { sync = e instanceof orp.OpenRouterPkceError && e.code }
    orp.keyInfo('sk-or-v1-abc', { baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 }).catch((e) => {
      console.log(JSON.stringify({ same: load('errors.js').OpenRouterPkceError === orp.OpenRouterPkceError, sync,
        async: e instanceof orp.OpenRouterPkceError && e.code }))
    })
  `
  const r = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
  assert.deepEqual(r, { same: true, sync: 'INVALID_VERIFIER', async: 'NETWORK' })
})
