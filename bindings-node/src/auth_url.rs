//! Step 1: the authorization URL and `AuthRequest`.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use openrouter_pkce::{AuthUrlOptions, ChallengeMethod, StartAuthOptions};

use crate::error::{IntoNapi, invalid_argument};

/// Options of `authUrl`.
#[napi(object)]
#[derive(Default)]
pub struct AuthUrlOpts {
    /// Where OpenRouter redirects after approval: `https://…`, or `http://` on localhost / 127.0.0.1 / [::1].
    /// Leave it out for headless mode (the code is shown on screen; S256 required).
    pub callback_url: Option<String>,
    /// The PKCE challenge (required in headless mode).
    pub code_challenge: Option<String>,
    /// `"S256"` (default) or `"plain"`; always sent when a challenge is.
    pub code_challenge_method: Option<String>,
    /// The label of the minted key, shown on the consent screen.
    pub key_label: Option<String>,
    /// Credit limit of the minted key (finite, 0 or more).
    pub limit: Option<f64>,
    /// An opaque value OpenRouter may echo on the callback.
    pub state: Option<String>,
    /// Where OpenRouter lives; default `https://openrouter.ai`.
    pub base_url: Option<String>,
}

fn method_or_default(method: Option<&str>) -> Result<ChallengeMethod> {
    method.map(ChallengeMethod::parse).transpose().napi().map(Option::unwrap_or_default)
}

/// Build the authorization URL (`<baseUrl>/auth?…`) the user's browser opens. Every parameter is
/// percent-encoded.
///
/// Throws `INVALID_CALLBACK_URL`, `INVALID_METHOD` or `INVALID_ARGUMENT`.
#[napi]
pub fn auth_url(options: Option<AuthUrlOpts>) -> Result<String> {
    let o = options.unwrap_or_default();
    openrouter_pkce::auth_url(&AuthUrlOptions {
        code_challenge_method: method_or_default(o.code_challenge_method.as_deref())?,
        callback_url: o.callback_url,
        code_challenge: o.code_challenge,
        key_label: o.key_label,
        limit: o.limit,
        state: o.state,
        base_url: o.base_url,
    })
    .napi()
}

/// Options of `startAuth`.
#[napi(object)]
#[derive(Default)]
pub struct StartAuthOpts {
    /// Callback URL; leave it out for headless mode.
    pub callback_url: Option<String>,
    /// `"S256"` (default) or `"plain"`.
    pub method: Option<String>,
    /// Label of the minted key.
    pub key_label: Option<String>,
    /// Credit limit of the minted key.
    pub limit: Option<f64>,
    /// Where OpenRouter lives; default `https://openrouter.ai`.
    pub base_url: Option<String>,
}

/// Start a flow: a fresh verifier, challenge and 256-bit state, and the URL carrying them.
///
/// Keep the returned `AuthRequest` (e.g. `request.toJSON()` in a server-side session) until the callback.
#[napi]
pub fn start_auth(options: Option<StartAuthOpts>) -> Result<AuthRequest> {
    let o = options.unwrap_or_default();
    let inner = openrouter_pkce::start_auth(&StartAuthOptions {
        method: method_or_default(o.method.as_deref())?,
        callback_url: o.callback_url,
        key_label: o.key_label,
        limit: o.limit,
        base_url: o.base_url,
    })
    .napi()?;
    Ok(AuthRequest { inner })
}

/// The plain-object form of an `AuthRequest` (what `toJSON()` gives and `AuthRequest.fromJSON` takes).
/// Holds the verifier: keep it server-side only.
#[napi(object)]
pub struct AuthRequestData {
    /// The URL to send the user to.
    pub url: String,
    /// The callback URL; `null` in headless mode.
    pub callback_url: Option<String>,
    /// The secret verifier.
    pub code_verifier: String,
    /// The challenge in the URL.
    pub code_challenge: String,
    /// `"S256"` or `"plain"`.
    pub code_challenge_method: String,
    /// The flow's unguessable state/nonce.
    pub state: String,
    /// Unix time (seconds) the flow started.
    pub created_at: f64,
    /// The base URL the flow runs against.
    pub base_url: Option<String>,
}

/// One started flow: the URL to send the user to and what is needed to finish it.
///
/// `console.log`, `util.inspect` and `JSON.stringify` never show the verifier; `toDict()` does (it is for
/// server-side sessions).
#[napi]
pub struct AuthRequest {
    pub(crate) inner: openrouter_pkce::AuthRequest,
}

#[napi]
impl AuthRequest {
    /// Internal: rebuild a request from `toJSON()`'s plain object, or from the JSON string the Rust and
    /// Python libraries write (tampered or inconsistent data throws `INVALID_ARGUMENT`). Use
    /// `AuthRequest.fromJSON` from the package instead.
    #[napi(factory, js_name = "_fromJSON")]
    pub fn from_json(data: Either<AuthRequestData, String>) -> Result<AuthRequest> {
        let inner = match data {
            Either::A(d) => {
                if !(d.created_at.is_finite() && d.created_at >= 0.0 && d.created_at.fract() == 0.0) {
                    return Err(invalid_argument("createdAt must be a whole number of seconds"));
                }
                openrouter_pkce::AuthRequest::from_parts(
                    d.url,
                    d.callback_url,
                    d.code_verifier,
                    d.code_challenge,
                    &d.code_challenge_method,
                    d.state,
                    d.created_at as u64,
                    d.base_url,
                )
            }
            Either::B(json) => openrouter_pkce::AuthRequest::from_json(&json),
        }
        .napi()?;
        Ok(AuthRequest { inner })
    }

    /// The plain object to keep in a server-side session (contains the verifier): an explicit call, named
    /// like Python's `to_dict`. `JSON.stringify` uses the redacted `toJSON()` of the JS layer instead.
    #[napi(js_name = "toDict")]
    pub fn to_dict(&self) -> AuthRequestData {
        let r = &self.inner;
        AuthRequestData {
            url: r.url().to_owned(),
            callback_url: r.callback_url().map(str::to_owned),
            code_verifier: r.code_verifier().secret().to_owned(),
            code_challenge: r.code_challenge().to_owned(),
            code_challenge_method: r.code_challenge_method().as_str().to_owned(),
            state: r.state().to_owned(),
            created_at: r.created_at() as f64,
            base_url: Some(r.base_url().to_owned()),
        }
    }

    /// The URL to send the user to.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }

    /// The URL safe to print (with `plain`, the verifier in it is redacted).
    #[napi(getter)]
    pub fn url_for_display(&self) -> String {
        self.inner.url_for_display()
    }

    /// The callback URL; `null` in headless mode.
    #[napi(getter)]
    pub fn callback_url(&self) -> Option<String> {
        self.inner.callback_url().map(str::to_owned)
    }

    /// The secret verifier, needed for the exchange.
    #[napi(getter)]
    pub fn code_verifier(&self) -> String {
        self.inner.code_verifier().secret().to_owned()
    }

    /// The challenge in the URL.
    #[napi(getter)]
    pub fn code_challenge(&self) -> String {
        self.inner.code_challenge().to_owned()
    }

    /// `"S256"` or `"plain"`.
    #[napi(getter)]
    pub fn code_challenge_method(&self) -> &'static str {
        self.inner.code_challenge_method().as_str()
    }

    /// The flow's unguessable state/nonce.
    #[napi(getter)]
    pub fn state(&self) -> String {
        self.inner.state().to_owned()
    }

    /// Unix time (seconds) the flow started.
    #[napi(getter)]
    pub fn created_at(&self) -> f64 {
        self.inner.created_at() as f64
    }

    /// The base URL the flow (and its exchange) runs against.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
}
