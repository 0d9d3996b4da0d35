// The same input gets the same answer in every language (issue 11 item 5): a lone surrogate (which napi
// replaced with U+FFFD silently) or an integer of 2**63 or more is INVALID_ARGUMENT naming the parameter.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as orp from 'openrouter-pkce'
import { rejectsWith, vectors } from './_helpers.mjs'

const { cases } = vectors('arguments')

for (const c of cases) {
  const [fn, param, style] = c.node
  test(`${fn}(${param}) refuses ${typeof c.value === 'string' ? 'a lone surrogate' : 'an integer ≥ 2**63'}`, async () => {
    const call = () => (style === 'options' ? orp[fn]({ [param]: c.value }) : orp[fn](c.value))
    const err = await rejectsWith(call, 'INVALID_ARGUMENT')
    // The core's own wording, naming the parameter (not a later check tripping over U+FFFD or a wrapped number).
    const says = typeof c.value === 'string' ? `${param} is not valid Unicode text` : `${param} is out of range`
    assert.ok(err.message.includes(says), err.message)
  })
}

test('saveKey never stores replacement characters', async () => {
  const err = await rejectsWith(() => orp.saveKey('sk-or-v1-\ud800'), 'INVALID_ARGUMENT')
  assert.match(err.message, /key is not valid Unicode text/)
})
