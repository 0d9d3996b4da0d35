// The Node addon in the official Windows node.exe (under wine, by `make windows-check`): the shared PKCE
// vector, an authorization URL, a sealed flow, the one-click login through BROWSER (a Windows path with
// backslashes, started without a shell), the key stored under the config directory with its owner-only
// access list, key info, PORT_IN_USE and logout. Every step runs the same core code the Linux suites test.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  AuthRequest,
  Emulator,
  OpenRouterPkceError,
  authUrl,
  createChallenge,
  keyInfo,
  keyPath,
  loadKey,
  login,
  logout,
  startAuth,
  completeAuth,
} from 'openrouter-pkce'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SECRET = 'windows-check-sealing-secret-0123456789abcdef'
let emu
let work

before(async () => {
  assert.equal(process.platform, 'win32', 'this suite runs in the Windows node.exe')
  assert.ok(process.env.BROWSER && process.env.BROWSER.includes('\\'), 'BROWSER is a Windows path')
  emu = new Emulator()
  await emu.start()
  work = mkdtempSync(join(tmpdir(), 'orp-win-'))
  process.env.OPENROUTER_PKCE_CONFIG_DIR = join(work, 'config')
  delete process.env.OPENROUTER_API_KEY
})

after(async () => {
  await emu.stop()
  rmSync(work, { recursive: true, force: true })
})

test('the RFC 7636 vector', () => {
  const { rfc7636 } = JSON.parse(readFileSync(join(ROOT, 'tests', 'vectors', 'pkce.json'), 'utf8'))
  assert.equal(createChallenge(rfc7636.code_verifier, 'S256'), rfc7636.code_challenge)
})

test('an authorization URL', () => {
  const url = new URL(authUrl({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl, codeChallenge: 'x'.repeat(43) }))
  assert.equal(url.origin, emu.baseUrl)
  assert.equal(url.searchParams.get('callback_url'), 'http://localhost:3000/cb')
})

test('a sealed flow opens and is finished at the emulator', async () => {
  const flow = startAuth({ callbackUrl: 'http://localhost:3000/cb', baseUrl: emu.baseUrl })
  const sealed = flow.seal(SECRET)
  const opened = AuthRequest.unseal(sealed, SECRET)
  assert.equal(opened.state, flow.state)
  const code = emu.issueCode({ codeChallenge: flow.codeChallenge, method: 'S256' })
  const key = await completeAuth(sealed, `http://localhost:3000/cb?code=${code}&state=${flow.state}`, {
    secrets: SECRET,
    baseUrl: emu.baseUrl,
  })
  assert.match(key.key, /^sk-or-v1-/)
})

test('the one-click login through BROWSER, stored, then key info and logout', async () => {
  let shown
  const key = await login({ mode: 'loopback', baseUrl: emu.baseUrl, save: true, onUrl: (url) => (shown = url) })
  assert.ok(shown.startsWith(emu.baseUrl))
  assert.ok(!String(key).includes(key.key), 'the ApiKey masks itself')
  assert.equal(keyPath(), join(work, 'config', 'api_key'))
  const stored = loadKey()
  assert.equal(typeof stored === 'string' ? stored : stored.key, key.key)
  const info = await keyInfo(key, { baseUrl: emu.baseUrl })
  assert.equal(typeof info.label, 'string')
  logout()
  assert.equal(loadKey(), null)
})

test('a taken port is PORT_IN_USE before any browser opens', async () => {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  try {
    await assert.rejects(
      login({ mode: 'loopback', port, host: '127.0.0.1', baseUrl: emu.baseUrl, openBrowser: false }),
      (e) => e instanceof OpenRouterPkceError && e.code === 'PORT_IN_USE',
    )
  } finally {
    server.close()
  }
})
