/**
 * openrouter-pkce's public API over the WebAssembly build of the core: the same names and signatures as the
 * native Node package. Every decision is the core's (`bindings-wasm/src/`): this layer gives the public names
 * (the error class, `Pkce` and the redacted views are `bindings-node/lib/common.js`, shared with the native
 * package), and the transport (`transport.js`) — the runtime's `fetch`, which only moves bytes.
 *
 * `build(wasm)` takes the wasm-bindgen module once it is instantiated; `tools/build.mjs` writes this file into
 * `pkg/` as an ES module (`api.mjs`) and a CommonJS one (`api.cjs`), for the entries of each runtime.
 * @module openrouter-pkce/wasm/api
 */

/**
 * The public API over an instantiated wasm-bindgen module `wasm`.
 * @param {object} wasm the module's exports (`openrouter_pkce_wasm.js`)
 * @returns {object} the package's exports
 */
function build(wasm) {
  wasm._registerErrorClass(OpenRouterPkceError)

  const { AuthRequest, ApiKey, AuthCode } = wasm
  const RUNTIME = runtimeKind()

  /** `fn` with its stack trace starting at the caller's call (the error is built inside the wasm glue). */
  const trimmed = (e, fn) => {
    if (e instanceof OpenRouterPkceError && typeof Error.captureStackTrace === 'function') Error.captureStackTrace(e, fn)
    return e
  }
  const sync = (fn) => {
    const wrapped = function (...args) {
      try {
        return fn.apply(this, args)
      } catch (e) {
        throw trimmed(e, wrapped)
      }
    }
    return wrapped
  }

  /**
   * A fresh verifier (default 43 characters = 32 CSPRNG bytes) and its challenge, in one call.
   * @param {{length?: number, method?: 'S256' | 'plain'}} [options]
   * @returns {Pkce}
   */
  const generatePkce = sync(function generatePkce(options) {
    if (options === undefined || options === null) {
      const s = wasm._pkcePair()
      return new Pkce(s.slice(0, 43), s.slice(43), 'S256')
    }
    const [verifier, challenge, method] = wasm._generatePkce(options)
    return new Pkce(verifier, challenge, method)
  })

  redactSecrets({ AuthRequest, AuthCode, ApiKey })

  const method = (value) => ({ value, writable: true, configurable: true })
  const fromDict = sync(function fromDict(data) {
    return AuthRequest._fromJSON(data)
  })
  const sealMethod = AuthRequest.prototype.seal
  const unsealFn = AuthRequest.unseal
  Object.defineProperties(AuthRequest, {
    fromDict: method(fromDict),
    fromJSON: method(fromDict),
    unseal: method(sync(function unseal(sealed, secrets, options) {
      return unsealFn.call(AuthRequest, sealed, secrets, options)
    })),
  })
  Object.defineProperty(AuthRequest.prototype, 'seal', method(sync(function seal(secrets) {
    return sealMethod.call(this, secrets)
  })))

  /** A flow given as an `AuthRequest`, its `toDict()` object or JSON string, or its sealed string. */
  const asAuthRequest = (request, secrets) =>
    request instanceof AuthRequest ? request._reopen(secrets) : AuthRequest._open(request, secrets)

  /** `{signal, ...rest}` of an options argument, the signal checked; `fetch` too for `Client`. */
  function split(options, ...names) {
    if (options === undefined || options === null || typeof options !== 'object' || Array.isArray(options)) return [options, {}]
    const rest = { ...options }
    const taken = {}
    for (const n of names) {
      if (n in rest) {
        taken[n] = rest[n]
        delete rest[n]
      }
    }
    return [rest, taken]
  }

  const FETCH = Symbol('fetch')

  /** `wasm.Client` with the transport of this client's `fetch` and the call's signal. */
  async function run(client, signal, start) {
    if (signal !== undefined && signal !== null && !(typeof signal === 'object' && typeof signal.aborted === 'boolean')) {
      throw wasm._wrongType('signal', 'an AbortSignal')
    }
    if (signal && signal.aborted) throw wasm._aborted()
    const fetchFn = client[FETCH] || globalThis.fetch
    if (typeof fetchFn !== 'function') throw wasm._noFetch(RUNTIME)
    return start(transport((url, init) => fetchFn.call(globalThis, url, init), signal || undefined))
  }


  /**
   * A configured OpenRouter client: `new Client({baseUrl?, timeoutMs?, userAgent?, httpReferer?, appTitle?,
   * appCategories?, fetch?})`, with the module-level operations as methods. `fetch` replaces the runtime's
   * (tests, proxies); it is called as `fetch(url, init)` with `redirect: 'manual'`.
   */
  class Client {
    #inner
    /** @param {object} [options] */
    constructor(options) {
      const [rest, { fetch }] = split(options, 'fetch')
      if (fetch !== undefined && fetch !== null && typeof fetch !== 'function') {
        throw trimmed(wasm._wrongType('fetch', 'a function'), Client)
      }
      try {
        this.#inner = new wasm.Client(rest)
      } catch (e) {
        throw trimmed(e, Client)
      }
      this[FETCH] = fetch || null
    }

    /** The client's base URL (normalised, no trailing slash). @type {string} */
    get baseUrl() {
      return this.#inner.baseUrl
    }

    /** The client's deadline per call, in milliseconds. @type {number} */
    get timeoutMs() {
      return this.#inner.timeoutMs
    }

    /**
     * Exchange an authorization code for the user's API key. Sent exactly once. `signal` (an AbortSignal)
     * rejects with `CANCELLED` at once.
     */
    async exchangeCode(options) {
      const [rest, { signal }] = split(options, 'signal')
      return run(this, signal, (t) => this.#inner._exchangeCode(rest, t))
    }

    /**
     * Finish a started flow. `request` is the `AuthRequest`, its `toDict()` object, its JSON, or the string
     * `request.seal(secrets)` made (then pass `{secrets}`); `response` the callback URL (`location.href`),
     * its path + query, its query string or a pasted code.
     */
    async completeAuth(request, response, options) {
      const [rest, { signal, secrets }] = split(options, 'signal', 'secrets')
      const flow = asAuthRequest(request, secrets)
      return run(this, signal, (t) => this.#inner._completeAuth(flow, response, rest, t))
    }

    /** Details of a key (`GET /api/v1/key`): a string, or an `ApiKey` (asked of the server it came from). */
    async keyInfo(key, options) {
      const [rest, { signal }] = split(options, 'signal')
      if (key instanceof ApiKey) return run(this, signal, (t) => this.#inner._keyInfoOf(key, rest, t))
      return run(this, signal, (t) => this.#inner._keyInfo(key, rest, t))
    }

    /** Create an authorization code with `key` (`POST /api/v1/auth/keys/code`). Sent at most once. */
    async createAuthCode(key, options) {
      const [rest, { signal }] = split(options, 'signal')
      const secret = key instanceof ApiKey ? key.key : key
      return run(this, signal, (t) => this.#inner._createAuthCode(secret, rest, t))
    }

    /** Not available in the WebAssembly build: rejects with `UNSUPPORTED_RUNTIME`. */
    async login() {
      throw wasm._unsupported('login()', RUNTIME)
    }

    [INSPECT]() {
      return `Client { baseUrl: '${this.baseUrl}', timeoutMs: ${this.timeoutMs} }`
    }
  }

  let defaultClient = null
  /** The module-level functions' client: OpenRouter with the core's defaults, made on first use. */
  const theDefault = () => (defaultClient === null ? (defaultClient = new Client()) : defaultClient)

  /** Throws the core's `UNSUPPORTED_RUNTIME` for a native-only `operation`. */
  const unsupported = (operation) => {
    const refuse = function () {
      throw trimmed(wasm._unsupported(operation, RUNTIME), refuse)
    }
    return refuse
  }

  /**
   * The emulator runs a local HTTP server, which only the native addon can: its constructor throws
   * `UNSUPPORTED_RUNTIME` here.
   */
  class Emulator {
    constructor() {
      throw wasm._unsupported('Emulator', RUNTIME)
    }
  }

  /** @type {(length?: number) => string} A new random code verifier (43–128 characters, default 43). */
  const createVerifier = sync(wasm.createVerifier)
  /** @type {(codeVerifier: string, method?: 'S256' | 'plain') => string} The challenge of a verifier. */
  const createChallenge = sync(wasm.createChallenge)
  /** @type {(v: string, c: string, method?: 'S256' | 'plain') => boolean} Constant-time challenge check. */
  const verifyChallenge = sync(wasm.verifyChallenge)
  /** @type {(options?: object) => string} The authorization URL (every parameter percent-encoded). */
  const authUrl = sync(wasm.authUrl)
  /** @type {(options?: object) => AuthRequest} Start a flow: fresh PKCE and state, and the URL. */
  const startAuth = sync(wasm.startAuth)
  /** Exchange an authorization code for the user's API key with the default client (sent exactly once). */
  const exchangeCode = (options) => theDefault().exchangeCode(options)
  /** Finish a started flow (an `AuthRequest`, its `toDict()`, its JSON or its sealed string) with the default client. */
  const completeAuth = (request, response, options) => theDefault().completeAuth(request, response, options)
  /** Details of a key (a string or an `ApiKey`) with the default client. */
  const keyInfo = (key, options) => theDefault().keyInfo(key, options)
  /** Create an authorization code with `key` with the default client (sent at most once). */
  const createAuthCode = (key, options) => theDefault().createAuthCode(key, options)
  /** Not available in the WebAssembly build: rejects with `UNSUPPORTED_RUNTIME`. */
  const login = async () => {
    throw wasm._unsupported('login()', RUNTIME)
  }

  return {
    VERSION: wasm.version(),
    OpenRouterPkceError,
    Pkce,
    generatePkce,
    createVerifier,
    createChallenge,
    verifyChallenge,
    authUrl,
    startAuth,
    AuthRequest,
    ApiKey,
    AuthCode,
    exchangeCode,
    completeAuth,
    keyInfo,
    createAuthCode,
    login,
    loadKey: unsupported('loadKey()'),
    saveKey: unsupported('saveKey()'),
    logout: unsupported('logout()'),
    keyPath: unsupported('keyPath()'),
    Client,
    Emulator,
  }
}
