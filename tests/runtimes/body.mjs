// The one test body every JavaScript runtime runs (issue 19 item 4): Chromium (in the bundled SPA's page),
// workerd (a Worker), Deno, Bun (native addon and `openrouter-pkce/wasm`) and Node (native, and on the wasm
// fallback). It imports nothing: no `node:` module, no file system, only what the Web platform and the library
// give, so it runs unchanged everywhere. Each runtime's entry imports `openrouter-pkce` the way a user would
// (so the package's `exports` conditions pick the build) and passes it in.
//
//   const result = await runBody(lib, { baseUrl, vectors, expect, approve })
//
// - `baseUrl`: the emulator's base URL (loopback; started by the node:test driver with auto-approve).
// - `vectors`: { pkce, authUrls } — tests/vectors/pkce.json and auth_urls.json, the files the Rust, Python and
//   Node suites read.
// - `expect`: 'wasm' or 'native' — which build the runtime must have loaded (checked, not assumed).
// - `approve(url)`: resolves with the callback URL the emulator redirects to after approving `url`; omitted in
//   the browser page, whose flow is the real navigation (tests/runtimes/browser.test.mjs).
//
// Resolves with { passed, failed, steps: [{ name, ok, error? }] }; it never throws. The driver checks that
// `failed` is 0 and that every step ran (`steps.length` equals STEP_COUNT for that runtime).

export const SECRET = 'a sealing secret of at least 32 bytes, for the runtime tests'

/** The steps every runtime runs, plus one when `approve` is given ('flow: …'). */
export const STEP_NAMES = [
  'build: the expected one loaded',
  'pkce: RFC 7636 appendix B and the shared pairs',
  'pkce: invalid verifiers, methods and lengths have their codes',
  'pkce: generatePkce is synchronous, 43 characters, S256',
  'authUrl: the shared vectors, exactly',
  'startAuth: toDict / fromDict round trip, no verifier in JSON.stringify or String',
  "AuthRequest.fromJSON(JSON.stringify(flow.toDict())), as API.md's browser flow keeps it in sessionStorage",
  'seal: unseal round trip, URL-safe, tampering refused',
  'errors: exchange of an unknown code is INVALID_CODE 403',
  'errors: key info of an unknown key is UNAUTHORIZED 401',
  'native-only: login, loadKey, Emulator',
]
export const FLOW_STEPS = [
  'flow: startAuth → approve → completeAuth → keyInfo',
  'flow: sealed → approve → completeAuth(sealed, …, {secrets})',
]

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]))

class Failure extends Error {}

function ok(cond, message) {
  if (!cond) throw new Failure(message)
}

function eq(actual, expected, what) {
  if (actual !== expected) {
    throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/** Call `fn` (sync or async) and require an OpenRouterPkceError with `code` (and `status`). */
async function rejectsWith(lib, fn, code, status, what = code) {
  let err
  try {
    await fn()
  } catch (e) {
    err = e
  }
  ok(err, `${what}: expected ${code}, got success`)
  ok(err instanceof lib.OpenRouterPkceError, `${what}: not an OpenRouterPkceError: ${err && err.name}: ${err && err.message}`)
  ok(err instanceof Error, `${what}: an OpenRouterPkceError that is not an Error`)
  eq(err.code, code, `${what}: code (message: ${err.message})`)
  if (status !== undefined) eq(err.status, status, `${what}: status`)
  return err
}

function base64urlOfOctets(octets) {
  let bin = ''
  for (const o of octets) bin += String.fromCharCode(o)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export async function runBody(lib, { baseUrl, vectors, expect, approve }) {
  const steps = []
  const step = async (name, fn) => {
    try {
      await fn()
      steps.push({ name, ok: true })
    } catch (e) {
      const error = e instanceof Failure ? e.message : `${e && e.name}: ${e && e.message}`
      steps.push({ name, ok: false, error })
    }
  }
  const client = new lib.Client({ baseUrl, timeoutMs: 10000 })
  const callbackUrl = 'http://127.0.0.1:9/callback'

  await step(STEP_NAMES[0], async () => {
    ok(expect === 'wasm' || expect === 'native', `expect must be wasm or native, not ${expect}`)
    // The wasm build has no Emulator (it listens on a port): its constructor throws UNSUPPORTED_RUNTIME.
    let err = null
    try {
      new lib.Emulator()
    } catch (e) {
      err = e
    }
    if (expect === 'wasm') {
      ok(err && err.code === 'UNSUPPORTED_RUNTIME', `the native build loaded where the wasm one was expected (new Emulator(): ${err ? err.code : 'constructed'})`)
    } else {
      ok(err === null, `the wasm build loaded where the native one was expected: ${err && err.code}`)
    }
  })

  await step(STEP_NAMES[1], () => {
    const rfc = vectors.pkce.rfc7636
    eq(base64urlOfOctets(rfc.octets), rfc.code_verifier, 'RFC 7636 octets')
    eq(lib.createChallenge(rfc.code_verifier, rfc.method), rfc.code_challenge, 'RFC 7636 challenge')
    eq(lib.createChallenge(rfc.code_verifier), rfc.code_challenge, 'S256 is the default')
    eq(lib.verifyChallenge(rfc.code_verifier, rfc.code_challenge, rfc.method), true, 'verifyChallenge')
    for (const p of vectors.pkce.pairs) {
      eq(lib.createChallenge(p.code_verifier, p.method), p.code_challenge, `pair ${p.code_verifier}`)
      eq(lib.verifyChallenge(p.code_verifier, p.code_challenge, p.method), true, `verify ${p.code_verifier}`)
      const other = p.code_challenge.slice(0, -1) + (p.code_challenge.endsWith('A') ? 'B' : 'A')
      eq(lib.verifyChallenge(p.code_verifier, other, p.method), false, `verify a wrong challenge of ${p.code_verifier}`)
    }
  })

  await step(STEP_NAMES[2], async () => {
    const v = vectors.pkce
    for (const bad of v.invalid_verifiers) {
      await rejectsWith(lib, () => lib.createChallenge(bad.code_verifier), bad.error, undefined, `verifier (${bad.why})`)
    }
    for (const bad of v.invalid_methods) {
      await rejectsWith(lib, () => lib.createChallenge(v.rfc7636.code_verifier, bad.method), bad.error, undefined, `method ${JSON.stringify(bad.method)}`)
    }
    for (const bad of v.invalid_lengths) {
      await rejectsWith(lib, () => lib.createVerifier(bad.length), bad.error, undefined, `length ${bad.length}`)
    }
    for (const n of v.valid_lengths) {
      const verifier = lib.createVerifier(n)
      eq(verifier.length, n, 'verifier length')
      ok(/^[A-Za-z0-9._~-]+$/.test(verifier), `verifier charset: ${verifier.length} characters`)
    }
  })

  await step(STEP_NAMES[3], () => {
    const p = lib.generatePkce()
    ok(!(p instanceof Promise) && typeof p.then !== 'function', 'generatePkce returned a promise')
    eq(p.codeVerifier.length, 43, 'verifier length')
    eq(p.codeChallengeMethod, 'S256', 'method')
    eq(lib.createChallenge(p.codeVerifier), p.codeChallenge, 'challenge of the verifier')
    ok(lib.generatePkce().codeVerifier !== p.codeVerifier, 'two verifiers are equal')
    const plain = lib.generatePkce({ method: 'plain' })
    eq(plain.codeChallenge, plain.codeVerifier, 'plain challenge')
  })

  await step(STEP_NAMES[4], async () => {
    for (const c of vectors.authUrls.cases) {
      const opts = camelKeys(c.input)
      if (c.error) await rejectsWith(lib, () => lib.authUrl(opts), c.error, undefined, `authUrl ${JSON.stringify(c.input)}`)
      else eq(lib.authUrl(opts), c.url, 'authUrl')
    }
  })

  await step(STEP_NAMES[5], async () => {
    const flow = lib.startAuth({ callbackUrl, keyLabel: 'runtime test', baseUrl })
    const url = new URL(flow.url)
    eq(url.origin + url.pathname, new URL('/auth', baseUrl).href, 'the flow URL')
    eq(url.searchParams.get('callback_url').split('?')[0], callbackUrl, 'callback_url')
    eq(url.searchParams.get('code_challenge'), flow.codeChallenge, 'code_challenge')
    eq(url.searchParams.get('code_challenge_method'), 'S256', 'code_challenge_method')
    eq(lib.createChallenge(flow.codeVerifier), flow.codeChallenge, 'the flow challenge')
    const dict = flow.toDict()
    const again = lib.AuthRequest.fromDict(dict)
    eq(again.url, flow.url, 'fromDict url')
    eq(again.codeVerifier, flow.codeVerifier, 'fromDict verifier')
    eq(lib.AuthRequest.fromJSON(dict).state, flow.state, 'fromJSON(object) state')
    ok(!JSON.stringify(flow).includes(flow.codeVerifier), 'JSON.stringify(flow) shows the verifier')
    ok(!String(flow).includes(flow.codeVerifier), 'String(flow) shows the verifier')
    await rejectsWith(lib, () => lib.startAuth({ callbackUrl: 'http://example.com/cb' }), 'INVALID_CALLBACK_URL')
  })

  await step(STEP_NAMES[6], () => {
    const flow = lib.startAuth({ callbackUrl, keyLabel: 'runtime test', baseUrl })
    const text = JSON.stringify(flow.toDict())
    const back = lib.AuthRequest.fromJSON(text)
    eq(back.state, flow.state, 'state')
    eq(back.codeVerifier, flow.codeVerifier, 'verifier')
    eq(back.url, flow.url, 'url')
  })

  await step(STEP_NAMES[7], async () => {
    const flow = lib.startAuth({ callbackUrl, baseUrl })
    const sealed = flow.seal(SECRET)
    eq(typeof sealed, 'string', 'sealed type')
    ok(/^[A-Za-z0-9_.-]+$/.test(sealed), 'the sealed form is not URL- and cookie-safe')
    ok(!sealed.includes(flow.codeVerifier) && !sealed.includes(flow.state), 'the sealed form shows the verifier or state')
    const back = lib.AuthRequest.unseal(sealed, SECRET)
    eq(back.codeVerifier, flow.codeVerifier, 'unsealed verifier')
    eq(back.url, flow.url, 'unsealed url')
    eq(lib.AuthRequest.unseal(sealed, ['another secret, also at least 32 bytes', SECRET], { maxAgeMs: 60000 }).state, flow.state, 'rotation')
    const i = Math.floor(sealed.length / 2)
    const tampered = sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1)
    await rejectsWith(lib, () => lib.AuthRequest.unseal(tampered, SECRET), 'SEALED_FLOW_INVALID', undefined, 'tampered')
    await rejectsWith(lib, () => lib.AuthRequest.unseal(sealed, 'a different secret of at least 32 bytes'), 'SEALED_FLOW_INVALID', undefined, 'foreign secret')
    await rejectsWith(lib, () => flow.seal('short'), 'INVALID_ARGUMENT', undefined, 'short secret')
  })

  await step(STEP_NAMES[8], async () => {
    const p = lib.generatePkce()
    await rejectsWith(lib, () => client.exchangeCode({ code: 'not-a-code-the-emulator-issued', codeVerifier: p.codeVerifier }), 'INVALID_CODE', 403)
    await rejectsWith(lib, () => lib.exchangeCode({ code: 'x', codeVerifier: p.codeVerifier, baseUrl: 'http://example.com' }), 'INVALID_ARGUMENT', undefined, 'plain-HTTP remote base URL')
  })

  await step(STEP_NAMES[9], async () => {
    await rejectsWith(lib, () => lib.keyInfo('sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000', { baseUrl, timeoutMs: 10000 }), 'UNAUTHORIZED', 401)
  })

  await step(STEP_NAMES[10], async () => {
    if (expect === 'wasm') {
      const e = await rejectsWith(lib, () => lib.login({ openBrowser: false, baseUrl }), 'UNSUPPORTED_RUNTIME', undefined, 'login')
      ok(/^login\(\) is not available in .+: it needs a loopback port/.test(e.message), `login's UNSUPPORTED_RUNTIME message: ${e.message}`)
      await rejectsWith(lib, () => lib.loadKey(), 'UNSUPPORTED_RUNTIME', undefined, 'loadKey')
      await rejectsWith(lib, () => new lib.Emulator(), 'UNSUPPORTED_RUNTIME', undefined, 'new Emulator()')
    } else {
      eq(typeof lib.login, 'function', 'login')
      eq(typeof lib.loadKey, 'function', 'loadKey')
      eq(typeof new lib.Emulator().start, 'function', 'Emulator#start')
    }
  })

  if (approve) {
    await step(FLOW_STEPS[0], async () => {
      const flow = lib.startAuth({ callbackUrl, keyLabel: 'runtime flow', baseUrl })
      const callback = await approve(flow.url)
      ok(callback.startsWith(callbackUrl + '?'), `the emulator redirected elsewhere: ${callback.split('?')[0]}`)
      const key = await client.completeAuth(flow, callback)
      ok(/^sk-or-v1-/.test(key.key), 'the key is not an OpenRouter key')
      ok(!JSON.stringify(key).includes(key.key) && !String(key).includes(key.key), 'the key shows in JSON.stringify or String')
      ok(key.masked.includes('…') && !key.masked.includes(key.key), `masked: ${key.masked}`)
      const info = await client.keyInfo(key)
      eq(info.label, 'runtime flow', 'key label')
      // The code was single-use.
      await rejectsWith(lib, () => client.completeAuth(flow, callback), 'INVALID_CODE', 403, 'second exchange')
      // Another flow's callback is refused before any request.
      const other = lib.startAuth({ callbackUrl, baseUrl })
      await rejectsWith(lib, () => client.completeAuth(other, callback), 'STATE_MISMATCH', undefined, 'foreign callback')
    })
    await step(FLOW_STEPS[1], async () => {
      const flow = lib.startAuth({ callbackUrl, keyLabel: 'runtime sealed', baseUrl })
      const sealed = flow.seal(SECRET)
      const callback = await approve(flow.url)
      await rejectsWith(lib, () => client.completeAuth(sealed, callback, { secrets: 'a different secret of at least 32 bytes' }), 'SEALED_FLOW_INVALID', undefined, 'wrong secret')
      const key = await lib.completeAuth(sealed, callback, { secrets: [SECRET], baseUrl, timeoutMs: 10000 })
      eq((await lib.keyInfo(key)).label, 'runtime sealed', 'key label (keyInfo from the key\'s own base URL)')
    })
  }

  const passed = steps.filter((s) => s.ok).length
  return { passed, failed: steps.length - passed, steps }
}

/** approve() for runtimes whose fetch can read a redirect (all but a page): the emulator auto-approves, so
 * GET on the authorization URL answers 302 to the callback, code and state in its query. */
export async function approveByRedirect(url) {
  const res = await fetch(url, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (res.status !== 302 && res.status !== 303) throw new Failure(`the emulator's /auth answered ${res.status}, not a redirect`)
  if (!location) throw new Failure('the emulator\'s redirect has no Location')
  return new URL(location, url).href
}
