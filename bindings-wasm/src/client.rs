//! Steps 2 and 3 over the runtime's `fetch`: the exchange, `completeAuth`, key info and creating an auth code,
//! on `Client` (the module-level functions are a default client's methods, in the JavaScript layer).
//!
//! The core builds each request and reads each answer (`openrouter_pkce::protocol`); `transport.rs` carries
//! them over the runtime's `fetch`.

use std::time::Duration;

use js_sys::{Date, Promise};
use openrouter_pkce::protocol::{self, DEFAULT_TIMEOUT, RequestContext};
use openrouter_pkce::{
    Attribution, AuthCodeOptions, AuthorizationCode, ChallengeMethod, CodeVerifier, ExchangeRequest,
    UsageLimitType, extract_code, normalize_base_url, now_unix,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::args::{Opts, millis, text};
use crate::error::{IntoJs, to_js, wrong_type};
use crate::flow::AuthRequest;
use crate::keys::{ApiKey, AuthCode, key_info_object};
use crate::transport::{Transport, send};

/// A configured OpenRouter client over the runtime's `fetch`: `new Client({baseUrl?, timeoutMs?, userAgent?,
/// httpReferer?, appTitle?, appCategories?, fetch?})` (the JavaScript layer takes `fetch` off), with the
/// module-level operations as methods.
#[wasm_bindgen]
pub struct Client {
    base_url: String,
    timeout: Duration,
    user_agent: String,
    attribution: Attribution,
}

/// One call's base URL, deadline and request context: the call's options over the client's.
struct Call {
    base_url: String,
    timeout: Duration,
    context: RequestContext,
}

impl Client {
    fn call(&self, o: &Opts, base_url: Option<String>) -> Result<Call, JsValue> {
        let base_url = match base_url.or(o.text("baseUrl")?) {
            Some(b) => normalize_base_url(&b).js()?,
            None => self.base_url.clone(),
        };
        let timeout = o.number("timeoutMs")?.map(millis).unwrap_or(self.timeout);
        protocol::check_timeout(timeout).js()?;
        let attribution = self.attribution.overridden_by(&Attribution {
            http_referer: o.text("httpReferer")?,
            app_title: o.text("appTitle")?,
            app_categories: o.texts("appCategories")?,
        });
        attribution.check().js()?;
        let context =
            RequestContext { base_url: base_url.clone(), user_agent: self.user_agent.clone(), attribution };
        Ok(Call { base_url, timeout, context })
    }
}

/// The exchange of `request` through `transport`, then the core's reading of the answer.
async fn exchange(transport: Transport, call: Call, request: ExchangeRequest) -> Result<JsValue, JsValue> {
    let http = protocol::exchange_request(&call.context, &request).js()?;
    let answer = send(&transport, &http, call.timeout).await.js()?;
    let key = protocol::process_exchange_response(&answer, &call.base_url).js()?;
    Ok(ApiKey { inner: key }.into())
}

/// Key info of `key` through `transport`.
async fn key_info(transport: Transport, call: Call, key: String) -> Result<JsValue, JsValue> {
    let http = protocol::key_info_request(&call.context, &key).js()?;
    let answer = send(&transport, &http, call.timeout).await.js()?;
    key_info_object(&protocol::process_key_info_response(&answer).js()?)
}

/// `check` of a synchronous part, then `future` as a promise; a refusal rejects the promise (nothing sent).
fn promise<F>(prepared: Result<F, JsValue>) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    match prepared {
        Ok(future) => future_to_promise(future),
        Err(e) => Promise::reject(&e),
    }
}

#[wasm_bindgen]
impl Client {
    /// A client; the base URL, timeout, User-Agent and attribution are checked now (`INVALID_ARGUMENT`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Client, JsValue> {
        let o = Opts::new(&options, "Client", "client")?;
        let base_url = match o.text("baseUrl")? {
            Some(b) => normalize_base_url(&b).js()?,
            None => openrouter_pkce::default_base_url(),
        };
        let timeout = o.number("timeoutMs")?.map(millis).unwrap_or(DEFAULT_TIMEOUT);
        protocol::check_timeout(timeout).js()?;
        let user_agent = protocol::user_agent_or_default(o.text("userAgent")?).js()?;
        let attribution = Attribution {
            http_referer: o.text("httpReferer")?,
            app_title: o.text("appTitle")?,
            app_categories: o.texts("appCategories")?,
        };
        attribution.check().js()?;
        Ok(Client { base_url, timeout, user_agent, attribution })
    }

    /// The client's base URL (normalised, no trailing slash).
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The client's deadline per call, in milliseconds.
    #[wasm_bindgen(getter, js_name = timeoutMs)]
    pub fn timeout_ms(&self) -> f64 {
        self.timeout.as_secs_f64() * 1000.0
    }

    /// Internal: exchange an authorization code for the user's API key through `transport`. Sent exactly
    /// once. Use `exchangeCode` from the package.
    #[wasm_bindgen(js_name = _exchangeCode)]
    pub fn exchange_code(&self, options: JsValue, transport: Transport) -> Promise {
        promise((|| {
            let o = Opts::new(&options, "exchangeCode", "exchangeCode")?;
            let code = text(&o.get("code"), "code")?;
            let method =
                o.text("codeChallengeMethod")?.as_deref().map(ChallengeMethod::parse).transpose().js()?;
            let verifier = o.text("codeVerifier")?.map(CodeVerifier::new).transpose().js()?;
            let request = ExchangeRequest {
                code: AuthorizationCode::new(code),
                code_verifier: verifier,
                code_challenge_method: method,
            };
            let call = self.call(&o, None)?;
            Ok(exchange(transport, call, request))
        })())
    }

    /// Internal: finish a started flow through `transport` — check that `response` (the callback URL, its
    /// path + query, its query string, or a pasted code) belongs to `request`, then exchange at the flow's
    /// base URL. Use `completeAuth` from the package.
    #[wasm_bindgen(js_name = _completeAuth)]
    pub fn complete_auth(
        &self,
        request: &AuthRequest,
        response: JsValue,
        options: JsValue,
        transport: Transport,
    ) -> Promise {
        promise((|| {
            let o = Opts::new(&options, "completeAuth", "complete")?;
            let response = text(&response, "response")?;
            let flow = &request.inner;
            // Where the flow is finished: the core's rule for stored and fresh flows.
            let call_base = o.text("baseUrl")?;
            let target = match (&call_base, flow.is_stored()) {
                (Some(b), _) => Some(normalize_base_url(b).js()?),
                (None, true) => Some(self.base_url.clone()),
                (None, false) => None,
            };
            let base_url =
                protocol::flow_base_url(flow, target.as_deref(), &self.base_url, now_unix()).js()?;
            let code = extract_code(flow, &response).js()?;
            let call = self.call(&o, Some(base_url))?;
            let request = ExchangeRequest {
                code: AuthorizationCode::new(code),
                code_verifier: Some(flow.code_verifier().clone()),
                code_challenge_method: Some(flow.code_challenge_method()),
            };
            Ok(exchange(transport, call, request))
        })())
    }

    /// Internal: details of a key string through `transport`. Use `keyInfo` from the package.
    #[wasm_bindgen(js_name = _keyInfo)]
    pub fn key_info(&self, key: JsValue, options: JsValue, transport: Transport) -> Promise {
        promise((|| {
            let o = Opts::new(&options, "keyInfo", "call")?;
            let Some(key) = key.as_string() else {
                return Err(wrong_type("key", "a string or an ApiKey"));
            };
            let key = text(&JsValue::from_str(&key), "key")?;
            protocol::check_key(&key).js()?;
            let call = self.call(&o, None)?;
            Ok(key_info(transport, call, key))
        })())
    }

    /// Internal: details of an `ApiKey`, asked of the server that minted it unless `options.baseUrl` names
    /// another. Use `keyInfo` from the package.
    #[wasm_bindgen(js_name = _keyInfoOf)]
    pub fn key_info_of(&self, key: &ApiKey, options: JsValue, transport: Transport) -> Promise {
        promise((|| {
            let o = Opts::new(&options, "keyInfo", "call")?;
            let base = o.text("baseUrl")?.or_else(|| key.inner.base_url().map(str::to_owned));
            let call = self.call(&o, base)?;
            Ok(key_info(transport, call, key.inner.key().to_owned()))
        })())
    }

    /// Internal: create an authorization code with `key` (`POST /api/v1/auth/keys/code`, the key as bearer)
    /// through `transport`. Sent at most once. Use `createAuthCode` from the package.
    #[wasm_bindgen(js_name = _createAuthCode)]
    pub fn create_auth_code(&self, key: JsValue, options: JsValue, transport: Transport) -> Promise {
        promise((|| {
            let key = text(&key, "key")?;
            protocol::check_key(&key).js()?;
            let o = Opts::new(&options, "createAuthCode", "createAuthCode")?;
            let expires = o.get("expiresAt");
            let expires_at = match expires.dyn_ref::<Date>() {
                Some(date) => Some(date.get_time()),
                None => o.number("expiresAt")?,
            };
            let method =
                o.text("codeChallengeMethod")?.as_deref().map(ChallengeMethod::parse).transpose().js()?;
            let usage = o.text("usageLimitType")?.as_deref().map(UsageLimitType::parse).transpose().js()?;
            let options = AuthCodeOptions {
                callback_url: text(&o.get("callbackUrl"), "callbackUrl")?,
                code_challenge: o.text("codeChallenge")?,
                code_challenge_method: method.unwrap_or_default(),
                expires_at: expires_at.map(|ms| ms / 1000.0),
                key_label: o.text("keyLabel")?,
                limit: o.number("limit")?,
                usage_limit_type: usage,
                workspace_id: o.text("workspaceId")?,
            };
            let call = self.call(&o, None)?;
            let http = protocol::create_auth_code_request(&call.context, &key, &options, now_unix()).js()?;
            Ok(async move {
                let answer = send(&transport, &http, call.timeout).await.map_err(to_js)?;
                let code = protocol::process_create_auth_code_response(&answer).js()?;
                Ok(AuthCode { inner: code }.into())
            })
        })())
    }
}
