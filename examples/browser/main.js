// "Sign in with OpenRouter" in a single-page app, with no backend: OpenRouter's PKCE guide, whole.
// `npm install openrouter-pkce` and a bundler (Vite here) pick the WebAssembly build by the `browser`
// condition; nothing else to configure. See README.md beside this file and docs/browser.md.
import { AuthRequest, OpenRouterPkceError, completeAuth, keyInfo, startAuth } from 'openrouter-pkce'
import './style.css'

// Where OpenRouter is: https://openrouter.ai unless a build says otherwise (the tests point it at the
// emulator with VITE_OPENROUTER_BASE_URL; leave it unset in production).
const BASE_URL = import.meta.env.VITE_OPENROUTER_BASE_URL || undefined
const FLOW = 'openrouter_flow' // the started flow, between the redirect and /callback
const KEY = 'openrouter_key' // the API key, once connected

// Where the key lives — a trade-off a backend-less app cannot avoid:
// - sessionStorage (used here): one tab, gone when the tab closes; the user signs in again in a new tab.
// - localStorage: every tab, survives restarts; longer exposure if the key ever leaks.
// Either way any script running on this origin can read it (an XSS hole, a compromised dependency): keep a
// strict Content-Security-Policy, few third-party scripts, and a spending `limit` on the key. There is no
// HttpOnly cookie without a server; if you have one, use the sealed-cookie flow of
// examples/cloudflare-worker/ instead and keep the key server-side.
const store = sessionStorage

const $ = (id) => document.getElementById(id)

function show(state, text) {
  $('status').dataset.state = state
  $('status').textContent = text
  $('sign-in').hidden = state === 'connected'
  $('sign-out').hidden = state !== 'connected'
}

function signIn() {
  const flow = startAuth({
    callbackUrl: location.origin + '/callback',
    keyLabel: 'Sign in with OpenRouter example',
    limit: 5, // US$ the key may spend: a leaked key costs at most this
    baseUrl: BASE_URL,
  })
  // The verifier must survive the round trip to OpenRouter, in this tab only.
  sessionStorage.setItem(FLOW, JSON.stringify(flow.toDict()))
  location.assign(flow.url)
}

async function finish() {
  const response = location.href
  const saved = sessionStorage.getItem(FLOW)
  sessionStorage.removeItem(FLOW) // a flow is used once
  history.replaceState(null, '', '/') // the code leaves the address bar and the history
  if (!saved) return show('error', 'No sign-in was started in this tab.')
  show('working', 'Connecting…')
  try {
    const key = await completeAuth(AuthRequest.fromJSON(saved), response, { baseUrl: BASE_URL })
    store.setItem(KEY, key.key)
    const info = await keyInfo(key)
    show('connected', `Connected: ${key.masked} (${info.label})`)
  } catch (e) {
    // e.code: ACCESS_DENIED when the user declined, STATE_MISMATCH for a callback of another flow, …
    show('error', e instanceof OpenRouterPkceError ? `Not connected (${e.code}): ${e.message}` : String(e))
  }
}

async function resume(secret) {
  try {
    const info = await keyInfo(secret, { baseUrl: BASE_URL })
    show('connected', `Connected (${info.label})`)
  } catch (e) {
    if (e instanceof OpenRouterPkceError && e.code === 'UNAUTHORIZED') store.removeItem(KEY) // revoked
    show('signed-out', 'Not connected.')
  }
}

$('sign-in').addEventListener('click', signIn)
$('sign-out').addEventListener('click', () => {
  // Forgetting the key here does not revoke it: the user does that in OpenRouter's settings.
  store.removeItem(KEY)
  show('signed-out', 'Signed out.')
})

if (location.pathname === '/callback') finish()
else if (store.getItem(KEY)) resume(store.getItem(KEY))
