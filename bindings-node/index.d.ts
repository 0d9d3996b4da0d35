/**
 * openrouter-pkce: OAuth PKCE for OpenRouter (Rust core, napi-rs binding).
 *
 * The types of the native classes and option bags come from the generated `native.d.ts` (whose JSDoc is
 * the Rust doc comments); this file declares what the hand-written JS layer (`index.js`, `lib/`) adds
 * or reshapes.
 * @packageDocumentation
 */

import type {
  ApiKey, AuthCode, AuthRequest as NativeAuthRequest, AuthRequestData, AuthUrlOpts as NativeAuthUrlOpts,
  Client as NativeClient, ClientOpts as NativeClientOpts, CreateAuthCodeOpts as NativeCreateAuthCodeOpts,
  Emulator as NativeEmulator, ExchangeCodeOpts as NativeExchangeCodeOpts, FaultOpts as NativeFaultOpts,
  IssueCodeOpts as NativeIssueCodeOpts, CallOpts as NativeCallOpts, KeyInfo, LoginOpts as NativeLoginOpts,
  StartAuthOpts as NativeStartAuthOpts
} from './native'

export { ApiKey, AuthCode } from './native'
export type { AuthRequestData, KeyInfo } from './native'

/** OpenRouter's app categories (`appCategories`, at most 2 per request), checked against the core's list. */
export type AppCategory =
  | 'cli-agent' | 'ide-extension' | 'cloud-agent' | 'programming-app' | 'native-app-builder'
  | 'creative-writing' | 'video-gen' | 'image-gen' | 'audio-gen' | 'writing-assistant' | 'general-chat'
  | 'personal-agent' | 'legal' | 'roleplay' | 'game'

/** Attribution fields with OpenRouter's category names. */
interface WithCategories {
  /** At most 2 of OpenRouter's app categories, sent as `X-OpenRouter-Categories`. */
  appCategories?: AppCategory[]
}

/** Per-call options of `keyInfo` and `completeAuth`. */
export interface CallOpts extends Omit<NativeCallOpts, 'appCategories'>, WithCategories {}

/** Options of `new Client(...)`. */
export interface ClientOpts extends Omit<NativeClientOpts, 'appCategories'>, WithCategories {}

/** When a created key's limit resets. */
export type UsageLimitType = 'daily' | 'weekly' | 'monthly'

/** Options of `createAuthCode`. */
export interface CreateAuthCodeOpts
  extends Omit<NativeCreateAuthCodeOpts, 'codeChallengeMethod' | 'usageLimitType'>, CallOpts {
  /** `'S256'` (default) or `'plain'`. */
  codeChallengeMethod?: ChallengeMethod
  /** When the minted key's limit resets. */
  usageLimitType?: UsageLimitType
}

/** The library version (one number for the Rust crate, the Python and the Node packages). */
export declare const VERSION: string

/** The PKCE challenge methods, exactly these strings. */
export type ChallengeMethod = 'S256' | 'plain'

/** Options of `authUrl()`; unknown keys are refused with `INVALID_ARGUMENT`. */
export interface AuthUrlOpts extends Omit<NativeAuthUrlOpts, 'codeChallengeMethod'> {
  /** `'S256'` (default) or `'plain'`. */
  codeChallengeMethod?: ChallengeMethod
}

/** Options of `startAuth()`; unknown keys are refused with `INVALID_ARGUMENT`. */
export interface StartAuthOpts extends Omit<NativeStartAuthOpts, 'method'> {
  /** `'S256'` (default) or `'plain'`. */
  method?: ChallengeMethod
}

/** Options of `exchangeCode()`; unknown keys are refused with `INVALID_ARGUMENT`. */
export interface ExchangeCodeOpts extends Omit<NativeExchangeCodeOpts, 'codeChallengeMethod'>, CallOpts {
  /** `'S256'` (default) or `'plain'`: the method of the flow's challenge. */
  codeChallengeMethod?: ChallengeMethod
}

/**
 * The emulator's API endpoints (faults, request counts, attribution): `'exchange'` (`POST /api/v1/auth/keys`),
 * `'keyInfo'` (`GET /api/v1/key`) and `'createAuthCode'` (`POST /api/v1/auth/keys/code`).
 */
export type FaultEndpoint = 'exchange' | 'keyInfo' | 'createAuthCode'
/** The emulator's fault kinds. */
export type FaultKind = 'status' | 'delay' | 'redirect' | 'drip' | 'hugeBody' | 'hang' | 'close'

/** A fault for the emulator's next request to an endpoint (`emu.injectFault`). */
export interface FaultOpts extends Omit<NativeFaultOpts, 'endpoint' | 'kind'> {
  /** `'exchange'` (default), `'keyInfo'` or `'createAuthCode'`. */
  endpoint?: FaultEndpoint
  /** Default `'delay'` when `delayMs` is given, else `'status'`. */
  kind?: FaultKind
}

/** What `emu.issueCode` binds the code to. */
export interface IssueCodeOpts extends Omit<NativeIssueCodeOpts, 'method'> {
  /** `'S256'` (default) or `'plain'`. */
  method?: ChallengeMethod
}

/** The stable error codes of the contract, the same in Rust, Python and Node. */
export type ErrorCode =
  | 'INVALID_VERIFIER' | 'INVALID_METHOD' | 'INVALID_CALLBACK_URL' | 'INVALID_ARGUMENT'
  | 'INVALID_CODE_CHALLENGE_METHOD' | 'INVALID_CODE' | 'CODE_EXPIRED' | 'METHOD_NOT_ALLOWED' | 'UNAUTHORIZED'
  | 'RATE_LIMITED' | 'SERVER_ERROR' | 'UNEXPECTED_STATUS' | 'MALFORMED_RESPONSE' | 'NETWORK' | 'TIMEOUT'
  | 'ACCESS_DENIED' | 'STATE_MISMATCH' | 'CALLBACK_TIMEOUT' | 'CANCELLED' | 'PORT_IN_USE' | 'STORAGE'
  | 'AUTHORIZATION_FAILED' | 'SEALED_FLOW_INVALID' | 'SEALED_FLOW_EXPIRED'
  | 'UNSUPPORTED_RUNTIME'

/**
 * Every error the library throws or rejects with. Messages and stacks never contain a key, verifier or code.
 */
export declare class OpenRouterPkceError extends Error {
  constructor(code: ErrorCode, message: string, status?: number)
  /** The stable code, e.g. `'INVALID_CODE'`. */
  readonly code: ErrorCode
  /** The HTTP status, for errors caused by an HTTP answer. */
  readonly status?: number
  /** The OAuth `error` value of an `ACCESS_DENIED` or `AUTHORIZATION_FAILED` error (e.g. `'server_error'`). */
  readonly oauthError?: string
  /**
   * The server's `error_description` of an `ACCESS_DENIED` or `AUTHORIZATION_FAILED` error: control and bidi
   * characters removed, at most 300 characters. Show it as text, never as markup; it is never in the message.
   */
  readonly errorDescription?: string
  readonly name: 'OpenRouterPkceError'
}

/** A verifier, its challenge and the method. `util.inspect` / `JSON.stringify` redact the verifier. */
export declare class Pkce {
  constructor(codeVerifier: string, codeChallenge: string, codeChallengeMethod: ChallengeMethod)
  /** The secret verifier: send it only in the exchange. */
  readonly codeVerifier: string
  /** The challenge for the authorization URL. */
  readonly codeChallenge: string
  /** `'S256'` or `'plain'`. */
  readonly codeChallengeMethod: ChallengeMethod
  /** A redacted plain object. */
  toJSON(): { codeVerifier: string; codeChallenge: string; codeChallengeMethod: ChallengeMethod }
}

/** A new random code verifier of `length` characters (43–128, default 43 = 32 CSPRNG bytes). Throws `INVALID_VERIFIER`. */
export declare function createVerifier(length?: number): string
/** The challenge of a verifier (`method` default `'S256'`). Throws `INVALID_VERIFIER` or `INVALID_METHOD`. */
export declare function createChallenge(codeVerifier: string, method?: ChallengeMethod): string
/** Whether `codeChallenge` is the challenge of `codeVerifier`, in constant time. */
export declare function verifyChallenge(codeVerifier: string, codeChallenge: string, method?: ChallengeMethod): boolean
/** A fresh verifier and its challenge in one call (default: 43 characters, S256). */
export declare function generatePkce(options?: { length?: number; method?: ChallengeMethod }): Pkce

/**
 * Build the authorization URL (`<baseUrl>/auth?…`). Without `callbackUrl` it is headless mode (S256 required).
 * Throws `INVALID_CALLBACK_URL`, `INVALID_METHOD` or `INVALID_ARGUMENT`.
 */
export declare function authUrl(options?: AuthUrlOpts): string

/** What `JSON.stringify` and `util.inspect` show of an `AuthRequest`: never the verifier. */
export interface RedactedAuthRequest {
  url: string
  callbackUrl: string | null
  codeVerifier: '<redacted>'
  codeChallengeMethod: ChallengeMethod
  createdAt: number
}

/**
 * One started flow. Keep `toDict()` in a server-side session and rebuild it with `AuthRequest.fromDict`
 * (the same names as Python's `to_dict` / `from_dict`). `util.inspect`, `String()` and `JSON.stringify` never
 * show the verifier.
 */
export declare class AuthRequest extends NativeAuthRequest {
  /** Rebuild from `toDict()`'s object. Throws `INVALID_ARGUMENT` if tampered. */
  static fromDict(data: AuthRequestData): AuthRequest
  /** Rebuild from `toDict()`'s object or the Rust/Python JSON string. Throws `INVALID_ARGUMENT` if tampered. */
  static fromJSON(data: AuthRequestData | string): AuthRequest
  /** The redacted form `JSON.stringify` uses: never the verifier (the session form is `toDict()`). */
  toJSON(): RedactedAuthRequest
  /**
   * Open a flow sealed by `request.seal()` (in Node or Python) with any of `secrets`. Throws
   * `SEALED_FLOW_EXPIRED` when older than `maxAgeMs` (default and most: 10 minutes), `SEALED_FLOW_INVALID`
   * when tampered, truncated, sealed with a secret not in the list, or not a sealed flow.
   */
  static unseal(sealed: string, secrets: SealSecrets, options?: { maxAgeMs?: number }): AuthRequest
  /**
   * Seal this flow with the first of `secrets` into an opaque, expiring (10 minutes), cookie- and URL-safe
   * string (JWE `dir` + `A256GCM`). Throws `INVALID_ARGUMENT` for a missing or too short secret.
   */
  seal(secrets: SealSecrets): string
}

/** One sealing secret (at least 32 bytes: a string's UTF-8 bytes, or a Uint8Array such as a Buffer) or a list: the first seals, any opens. */
export type SealSecrets = string | Uint8Array | ReadonlyArray<string | Uint8Array>

/** Per-call options of `completeAuth`: `secrets` opens a sealed flow. */
export interface CompleteAuthOpts extends CallOpts {
  /** The secrets the flow was sealed with (required when `request` is a sealed string). */
  secrets?: SealSecrets
}

/** Start a flow: fresh PKCE and a 256-bit state, and the URL carrying them. */
export declare function startAuth(options?: StartAuthOpts): AuthRequest

/** What every async function accepts besides its options: an `AbortSignal` that cancels the call. */
export interface Cancellable {
  /** Aborting rejects the call with `CANCELLED` at once and drops it (an aborted signal rejects immediately). */
  signal?: AbortSignal
}

/** Exchange an authorization code (and the flow's verifier) for the user's API key. Sent exactly once. */
export declare function exchangeCode(options: ExchangeCodeOpts & Cancellable): Promise<ApiKey>

/**
 * Finish a started flow: `response` is the callback URL, its path + query (`req.originalUrl`), its query string or a pasted code. Checks the
 * state, turns `error=` into `ACCESS_DENIED`, then exchanges at the flow's base URL.
 */
export declare function completeAuth(
  request: NativeAuthRequest | AuthRequestData | string,
  response: string,
  options?: CompleteAuthOpts & Cancellable,
): Promise<ApiKey>

/**
 * Details of a key (`GET /api/v1/key`): a string or an `ApiKey`, which is asked of the server it came
 * from unless `options.baseUrl` names another. Rejects with `UNAUTHORIZED` for an invalid or revoked key.
 */
export declare function keyInfo(key: string | ApiKey, options?: CallOpts & Cancellable): Promise<KeyInfo>

/**
 * Create an authorization code with `key` (`POST /api/v1/auth/keys/code`): the way to mint a key that
 * expires (`expiresAt`) or whose limit resets (`usageLimitType`). Exchange `code.id` like a callback's code.
 * Sent at most once.
 */
export declare function createAuthCode(key: string | ApiKey, options: CreateAuthCodeOpts & Cancellable): Promise<AuthCode>

/**
 * How `login()` receives the authorization code. `'auto'` (default): loopback where a local browser can
 * reach this process, headless where it cannot (an SSH session, no display, a hosted notebook, or the
 * browser fails to open). `'loopback'`: a loopback port receives the browser's redirect. `'headless'`: the
 * user pastes the code OpenRouter shows (read from stdin with readline).
 */
export type LoginMode = 'auto' | 'loopback' | 'headless'

/** Options of `login()`. Every field is optional. */
export interface LoginOptions
  extends Omit<NativeLoginOpts, 'mode' | 'appCategories' | 'storage'>, WithCategories, StoreOptions {
  /** `'auto'` (default), `'loopback'` or `'headless'`: how the code comes back (see `LoginMode`). */
  mode?: LoginMode
  /** Aborting ends the login at once with `CANCELLED` and closes the port; an aborted signal rejects immediately. */
  signal?: AbortSignal
  /**
   * Called with the authorization URL (e.g. to show it in your UI). Without it the URL is printed on
   * stderr. `headless` is true when the user must paste the code shown by OpenRouter afterwards.
   */
  onUrl?: (url: string, info: { headless: boolean }) => void
}

/**
 * The whole login in one call: a loopback port (or headless mode), the browser, the callback or a pasted
 * code, the exchange. Status lines go to stderr; nothing keeps the process alive once it settles.
 *
 * Rejects with `INVALID_ARGUMENT`, `PORT_IN_USE`, `CALLBACK_TIMEOUT`, `CANCELLED` (the signal, or stdin
 * ended in headless mode), `ACCESS_DENIED`, `STORAGE` (with `save`) or the exchange's own codes.
 */
export declare function login(options?: LoginOptions): Promise<ApiKey>

/** Where keys are kept: the 0600 key file (default) or the OS keyring (Secret Service, Keychain, Credential Manager). */
export type Storage = 'file' | 'keyring'

/** Which profile's key a storage call uses, and where it is kept. */
export interface StoreOptions {
  /** A profile name: 1–64 ASCII letters, digits, `-`, `_`, `.` (default: `OPENROUTER_PKCE_PROFILE`, else the active one, else `'default'`). */
  profile?: string
  /** `'file'` or `'keyring'` (default: `OPENROUTER_PKCE_STORAGE`, else where the profile's key is, else the file). */
  storage?: Storage
}

/**
 * The key to use, as an `ApiKey` (masked when printed; the secret in `.key`): `OPENROUTER_API_KEY` when set
 * (trimmed), else the profile's stored key, else `null`. `.source` is `'env'`, `'file'` or `'keyring'`.
 * Throws `STORAGE` (a keyring that is absent, locked or silent for 30 s names the file fallback) or
 * `INVALID_ARGUMENT`.
 */
export declare function loadKey(options?: StoreOptions): ApiKey | null
/**
 * Store a key for the profile: in its key file (`$OPENROUTER_PKCE_CONFIG_DIR/api_key` for `'default'`,
 * `…/profiles/<name>/api_key` for the others; mode 0600 in a 0700 directory, written atomically) or in the OS
 * keyring (`storage: 'keyring'`). Returns where. Throws `STORAGE` or `INVALID_ARGUMENT` (empty, whitespace,
 * over 4096 bytes, a bad profile name).
 */
export declare function saveKey(key: string | ApiKey, options?: StoreOptions): string
/**
 * Delete the profile's stored key and print its settings URL on stderr, where it can be revoked (deleting it
 * does not revoke it). `OPENROUTER_API_KEY` is not touched. Throws `STORAGE`.
 */
export declare function logout(options?: StoreOptions): void
/** The profile's key file path (whether or not it exists). Throws `STORAGE` when no config directory can be found. */
export declare function keyPath(options?: { profile?: string }): string

/** A configured client: one pooled HTTP client, its own base URL, deadline and User-Agent. */
export declare class Client extends NativeClient {
  constructor(options?: ClientOpts)
  /** Finish a started flow (see `completeAuth`). */
  completeAuth(
    request: NativeAuthRequest | AuthRequestData | string,
    response: string,
    options?: CompleteAuthOpts & Cancellable,
  ): Promise<ApiKey>
  /** Exchange an authorization code (see `exchangeCode`). */
  exchangeCode(options: ExchangeCodeOpts & Cancellable): Promise<ApiKey>
  /** Details of a key (a string or an `ApiKey`) with this client (see `keyInfo`). */
  keyInfo(key: string | ApiKey, options?: CallOpts & Cancellable): Promise<KeyInfo>
  /** Create an authorization code with this client (see `createAuthCode`). */
  createAuthCode(key: string | ApiKey, options: CreateAuthCodeOpts & Cancellable): Promise<AuthCode>
  /** The whole login with this client; `baseUrl` defaults to the client's (see `login`). */
  login(options?: LoginOptions): Promise<ApiKey>
}

/**
 * The in-process fake of OpenRouter for tests: `await emu.start()`, `emu.baseUrl`, `emu.injectFault({...})`,
 * `emu.issueCode({...})`, `emu.createKey({...})`, `await emu.stop()`.
 */
export declare class Emulator extends NativeEmulator {
  /**
   * Start listening (`PORT_IN_USE` if the port is taken). `signal` rejects with `CANCELLED` at once and
   * nothing keeps listening.
   */
  start(options?: Cancellable): Promise<void>
  /**
   * Stop listening and close the port; in-flight requests get a few seconds to finish. `signal` ends that
   * wait at once (rejecting with `CANCELLED`); the port is closed either way.
   */
  stop(options?: Cancellable): Promise<void>
  /** Queue a misbehaviour for the next request to an endpoint (used once). */
  injectFault(fault: FaultOpts): void
  /** Issue an authorization code as if a user approved a flow. */
  issueCode(options?: IssueCodeOpts): string
  /** How many requests an endpoint (default `'exchange'`) has received (CORS preflights are not counted). */
  requestCount(endpointName?: FaultEndpoint): number
  /**
   * The attribution headers of the last request to an endpoint (default `'exchange'`), to check that a
   * client sends them: `httpReferer` (`HTTP-Referer`), `xOpenRouterTitle` (`X-OpenRouter-Title`), `xTitle`
   * (`X-Title`), `xOpenRouterCategories` (`X-OpenRouter-Categories`), each `null` when absent; `null` until
   * a request reaches the endpoint.
   */
  lastAttribution(endpointName?: FaultEndpoint): import('./native').ReceivedAttribution | null
}
export type { EmulatorOpts, CreateKeyOpts, ReceivedAttribution } from './native'
