//! Steps 2 and 3: the exchange and key info, and the whole login, each written once, on `Client`. The
//! package's module-level functions are these methods on a default client made on first use
//! (`_defaultClient`, called by lib/client.js). The login machinery itself is in `login`, which does not
//! depend on this file.

use std::sync::OnceLock;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use openrouter_pkce::{
    Attribution, AuthCodeOptions, AuthorizationCode, CallOptions, ChallengeMethod, ClientOptions,
    CodeVerifier, ExchangeRequest, UsageLimitType,
};

use crate::api_key::{ApiKey, AuthCode, KeyInfo};
use crate::auth_url::AuthRequest;
use crate::error::{IntoNapi, millis};
use crate::login::{AskFn, LoginOpts, ShowUrlFn};
use crate::settle::spawn_promise;

/// Options of `exchangeCode` (with [`CallOpts`]: the JS layer passes one object as both).
#[napi(object)]
pub struct ExchangeCodeOpts {
    /// The authorization code from the callback (secret, single use).
    pub code: String,
    /// The flow's verifier; leave it out only if the flow used no challenge.
    pub code_verifier: Option<String>,
    /// `"S256"` (default) or `"plain"`: the method of the flow's challenge.
    pub code_challenge_method: Option<String>,
}

/// Per-call options of every network call (`exchangeCode`, `completeAuth`, `keyInfo`, `createAuthCode`):
/// napi has no struct flatten, so the JS layer passes the caller's one options object as each call's
/// own options and as these.
#[napi(object)]
pub struct CallOpts {
    /// Another base URL for this call.
    pub base_url: Option<String>,
    /// Total deadline of this call in milliseconds (default 30000).
    pub timeout_ms: Option<f64>,
    /// Your app's URL, sent as `HTTP-Referer` (OpenRouter makes an app page only from it).
    pub http_referer: Option<String>,
    /// Your app's name, sent as `X-OpenRouter-Title` (and `X-Title`).
    pub app_title: Option<String>,
    /// At most 2 of OpenRouter's app categories, sent as `X-OpenRouter-Categories`.
    pub app_categories: Option<Vec<String>>,
}

fn call_options(o: Option<CallOpts>) -> CallOptions {
    o.map(|o| CallOptions {
        base_url: o.base_url,
        timeout: o.timeout_ms.map(millis),
        attribution: Attribution {
            http_referer: o.http_referer,
            app_title: o.app_title,
            app_categories: o.app_categories,
        },
    })
    .unwrap_or_default()
}

/// The client of the module-level functions: made on first use, `https://openrouter.ai` (or
/// `OPENROUTER_PKCE_BASE_URL`, read at each call) with the core's defaults.
fn default_client() -> &'static Client {
    static DEFAULT: OnceLock<Client> = OnceLock::new();
    DEFAULT.get_or_init(|| Client { inner: openrouter_pkce::Client::from_environment() })
}

/// Internal: the default client itself, whose methods the JS layer's module-level functions call.
#[napi(js_name = "_defaultClient")]
pub fn default_client_object() -> Client {
    Client { inner: default_client().inner.clone() }
}

/// Options of `createAuthCode` (with [`CallOpts`]).
#[napi(object)]
pub struct CreateAuthCodeOpts {
    /// Where the app redirects (required by OpenRouter): `https://`, or `http://` on loopback.
    pub callback_url: String,
    /// The PKCE challenge the code is bound to.
    pub code_challenge: Option<String>,
    /// `"S256"` (default) or `"plain"`.
    pub code_challenge_method: Option<String>,
    /// When the minted key stops working: a `Date` (or milliseconds since 1970), sent with seconds. (The
    /// package hands a `Date` over as its milliseconds.)
    #[napi(ts_type = "Date | number")]
    pub expires_at: Option<f64>,
    /// The minted key's label (at most 100 characters).
    pub key_label: Option<String>,
    /// The minted key's credit limit.
    pub limit: Option<f64>,
    /// When that limit resets: `"daily"`, `"weekly"` or `"monthly"`.
    pub usage_limit_type: Option<String>,
    /// The workspace the key belongs to (a UUID).
    pub workspace_id: Option<String>,
}

/// Options of `new Client(...)`.
#[napi(object)]
pub struct ClientOpts {
    /// Where OpenRouter lives (`https://`, or `http://` on loopback for the emulator). Default `https://openrouter.ai`.
    pub base_url: Option<String>,
    /// Total deadline of each call in milliseconds (default 30000).
    pub timeout_ms: Option<f64>,
    /// User-Agent; default names this library and its version.
    pub user_agent: Option<String>,
    /// Your app's URL, sent on every request as `HTTP-Referer` (OpenRouter makes an app page only from it).
    pub http_referer: Option<String>,
    /// Your app's name, sent on every request as `X-OpenRouter-Title` (and `X-Title`).
    pub app_title: Option<String>,
    /// At most 2 of OpenRouter's app categories, sent on every request as `X-OpenRouter-Categories`.
    pub app_categories: Option<Vec<String>>,
}

/// A configured OpenRouter client with one pooled HTTP connection set, created on first use.
/// The module-level functions use a default client for `https://openrouter.ai`.
#[napi]
pub struct Client {
    pub(crate) inner: openrouter_pkce::Client,
}

#[napi]
impl Client {
    /// A client; the base URL and timeout are checked now (`INVALID_ARGUMENT`).
    #[napi(constructor)]
    pub fn new(options: Option<ClientOpts>) -> Result<Client> {
        let mut opts = ClientOptions::default();
        if let Some(o) = options {
            if let Some(b) = o.base_url {
                opts.base_url = b;
            }
            if let Some(t) = o.timeout_ms {
                opts.timeout = millis(t);
            }
            opts.user_agent = o.user_agent;
            opts.attribution = Attribution {
                http_referer: o.http_referer,
                app_title: o.app_title,
                app_categories: o.app_categories,
            };
        }
        Ok(Client { inner: openrouter_pkce::Client::new(opts).napi()? })
    }

    /// The client's base URL (normalised, no trailing slash).
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// The client's deadline per call, in milliseconds.
    #[napi(getter)]
    pub fn timeout_ms(&self) -> f64 {
        self.inner.timeout().as_secs_f64() * 1000.0
    }

    /// Exchange an authorization code (and the flow's verifier) for the user's API key
    /// (`POST /api/v1/auth/keys`). Sent exactly once: never retried after it may have reached the server.
    ///
    /// Rejects with `INVALID_CODE`, `CODE_EXPIRED`, `INVALID_CODE_CHALLENGE_METHOD`, `SERVER_ERROR`,
    /// `MALFORMED_RESPONSE`, `TIMEOUT`, `NETWORK`, … (see the error table).
    ///
    /// `cancel_id` (set by the JS layer for an `AbortSignal`): `_cancel(id)` rejects it with `CANCELLED` at once.
    #[napi(ts_return_type = "Promise<ApiKey>")]
    pub fn exchange_code<'env>(
        &self,
        env: &'env Env,
        options: ExchangeCodeOpts,
        call: Option<CallOpts>,
        cancel_id: Option<u32>,
    ) -> Result<PromiseRaw<'env, ApiKey>> {
        let o = options;
        let method = o.code_challenge_method.as_deref().map(ChallengeMethod::parse).transpose().napi()?;
        let verifier = o.code_verifier.map(CodeVerifier::new).transpose().napi()?;
        let request = ExchangeRequest {
            code: AuthorizationCode::new(o.code),
            code_verifier: verifier,
            code_challenge_method: method,
        };
        let (client, call) = (self.inner.clone(), call_options(call));
        spawn_promise(env, cancel_id, async move {
            Ok(ApiKey { inner: client.exchange_code(request, &call).await? })
        })
    }

    /// Finish a started flow: check that `response` (the callback URL, its path + query, its query string,
    /// or a pasted code) belongs to `request`, turn `error=` into `ACCESS_DENIED`, then exchange at the
    /// flow's base URL.
    #[napi(ts_return_type = "Promise<ApiKey>")]
    pub fn complete_auth<'env>(
        &self,
        env: &'env Env,
        request: &AuthRequest,
        response: String,
        options: Option<CallOpts>,
        cancel_id: Option<u32>,
    ) -> Result<PromiseRaw<'env, ApiKey>> {
        let (client, request, call) = (self.inner.clone(), request.inner.clone(), call_options(options));
        spawn_promise(env, cancel_id, async move {
            Ok(ApiKey { inner: client.complete_auth(&request, &response, &call).await? })
        })
    }

    /// Internal: details of an `ApiKey`, asked of the server that minted it unless `options.baseUrl` names
    /// another (`keyInfo(apiKey)` wraps this).
    #[napi(js_name = "_keyInfoOf", ts_return_type = "Promise<KeyInfo>")]
    pub fn key_info_of<'env>(
        &self,
        env: &'env Env,
        key: &ApiKey,
        options: Option<CallOpts>,
        cancel_id: Option<u32>,
    ) -> Result<PromiseRaw<'env, KeyInfo>> {
        let (client, key, call) = (self.inner.clone(), key.inner.clone(), call_options(options));
        spawn_promise(
            env,
            cancel_id,
            async move { Ok(client.key_info_of(&key, &call).await.map(KeyInfo::from)?) },
        )
    }

    /// Details of a key: label, limit, usage, … (`GET /api/v1/key`). Rejects with `UNAUTHORIZED` for an
    /// invalid or revoked key.
    #[napi(ts_return_type = "Promise<KeyInfo>")]
    pub fn key_info<'env>(
        &self,
        env: &'env Env,
        key: String,
        options: Option<CallOpts>,
        cancel_id: Option<u32>,
    ) -> Result<PromiseRaw<'env, KeyInfo>> {
        let (client, call) = (self.inner.clone(), call_options(options));
        spawn_promise(
            env,
            cancel_id,
            async move { Ok(client.key_info(&key, &call).await.map(KeyInfo::from)?) },
        )
    }

    /// Create an authorization code with `key` (`POST /api/v1/auth/keys/code`, the key as bearer): the way
    /// to mint a key that expires (`expiresAt`) or whose limit resets (`usageLimitType`). Exchange `code.id`
    /// like a callback's code. Sent at most once.
    #[napi(ts_return_type = "Promise<AuthCode>")]
    pub fn create_auth_code<'env>(
        &self,
        env: &'env Env,
        key: String,
        options: CreateAuthCodeOpts,
        call: Option<CallOpts>,
        cancel_id: Option<u32>,
    ) -> Result<PromiseRaw<'env, AuthCode>> {
        let o = options;
        let method = o.code_challenge_method.as_deref().map(ChallengeMethod::parse).transpose().napi()?;
        let options = AuthCodeOptions {
            callback_url: o.callback_url,
            code_challenge: o.code_challenge,
            code_challenge_method: method.unwrap_or_default(),
            expires_at: o.expires_at.map(|ms| ms / 1000.0),
            key_label: o.key_label,
            limit: o.limit,
            usage_limit_type: o.usage_limit_type.as_deref().map(UsageLimitType::parse).transpose().napi()?,
            workspace_id: o.workspace_id,
        };
        let (client, call) = (self.inner.clone(), call_options(call));
        spawn_promise(env, cancel_id, async move {
            Ok(AuthCode { inner: client.create_auth_code(&key, &options, &call).await? })
        })
    }

    /// The whole login with this client (the JS `Client#login` wraps this).
    #[napi(js_name = "_login", ts_return_type = "Promise<ApiKey>")]
    pub fn login<'env>(
        &self,
        env: &'env Env,
        options: Option<LoginOpts>,
        #[napi(ts_arg_type = "((url: string, headless: boolean) => void) | null | undefined")]
        show_url: Option<ShowUrlFn>,
        #[napi(ts_arg_type = "((prompt: string) => Promise<string | null>) | null | undefined")] ask: Option<
            AskFn,
        >,
        can_paste: bool,
        cancel_id: u32,
    ) -> Result<PromiseRaw<'env, ApiKey>> {
        crate::login::start(env, self.inner.clone(), options, show_url, ask, can_paste, cancel_id)
    }
}
