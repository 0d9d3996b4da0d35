// The shared vectors (tests/vectors/, the files the Rust, Python and native Node suites read), asserted by the
// WebAssembly build: the same results and error codes as the native package.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import * as wasm from 'openrouter-pkce/wasm'
import { Emulator } from 'openrouter-pkce'
import { ROOT, vectors, rejectsWith } from './_helpers.mjs'
import { vectorTests } from '../node/_vectors.mjs'

vectorTests(wasm, { rejectsWith, Emulator, label: 'wasm' })

test('error code vectors: the core table the WebAssembly build carries, in order', () => {
  const glue = createRequire(import.meta.url)(join(ROOT, 'bindings-wasm', 'pkg', 'node', 'openrouter_pkce_wasm.js'))
  assert.deepEqual(glue._errorTable().map((row) => row[0]), vectors('error_codes').codes)
})

test("option keys: the WebAssembly build checks options with the native addon's table, the core's", () => {
  const load = createRequire(import.meta.url)
  const glue = load(join(ROOT, 'bindings-wasm', 'pkg', 'node', 'openrouter_pkce_wasm.js'))
  const rows = load(join(ROOT, 'bindings-node', 'native.js'))._optionKeys()
  assert.deepEqual({ ...glue._optionKeys() }, Object.fromEntries(rows.map(([kind, ...keys]) => [kind, keys])))
  assert.ok(rows.length > 10)
})

test('argument vectors: a lone surrogate or an integer of 2**63 is INVALID_ARGUMENT naming the parameter', async () => {
  for (const c of vectors('arguments').cases) {
    const [fn, param, where] = c.node
    const value = typeof c.value === 'string' ? c.value : Number(c.value)
    const call = () => {
      if (fn === 'saveKey') return wasm.saveKey(value)
      if (where === 'options') return fn === 'exchangeCode' ? wasm.exchangeCode({ [param]: value }) : wasm[fn]({ [param]: value })
      return wasm[fn](value)
    }
    if (fn === 'saveKey') {
      // Native-only: the WebAssembly build has no key store at all.
      await rejectsWith(call, 'UNSUPPORTED_RUNTIME')
      continue
    }
    const err = await rejectsWith(call, 'INVALID_ARGUMENT')
    assert.ok(err.message.includes(param), `${fn}: ${err.message}`)
  }
})
