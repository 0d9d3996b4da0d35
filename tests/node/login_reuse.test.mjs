// Issue 20: a second login does not mint a second key while the stored one works (a re-run script made a
// new key each time, orphaning the last); `force: true` does, and says the old key stays valid until revoked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Emulator, login } from 'openrouter-pkce'
import { ROOT } from './_helpers.mjs'

test('a second login returns the stored key unless forced', async () => {
  const emu = new Emulator()
  await emu.start()
  const work = mkdtempSync(join(tmpdir(), 'orp-reuse-'))
  const saved = { ...process.env }
  process.env.OPENROUTER_PKCE_CONFIG_DIR = join(work, 'config')
  process.env.BROWSER = join(ROOT, 'core', 'tests', 'fixtures', 'fake-browser.sh')
  delete process.env.OPENROUTER_API_KEY
  try {
    const first = await login({ mode: 'loopback', save: true, baseUrl: emu.baseUrl })
    const again = await login({ mode: 'loopback', save: true, baseUrl: emu.baseUrl })
    assert.equal(again.key, first.key)
    assert.equal(emu.requestCount('exchange'), 1, 'no second key was minted')
    const forced = await login({ mode: 'loopback', save: true, force: true, baseUrl: emu.baseUrl })
    assert.notEqual(forced.key, first.key)
    assert.equal(emu.requestCount('exchange'), 2)
  } finally {
    process.env = saved
    await emu.stop()
    rmSync(work, { recursive: true, force: true })
  }
})
