//! Step 1: the authorization URL, `AuthRequest`, its session form (`toDict` / `fromDict`) and its sealed form
//! (`seal` / `unseal`), the same token format as the native bindings.

use js_sys::{JsString, Object, Reflect};
use openrouter_pkce::{AuthUrlOptions, ChallengeMethod, DEFAULT_SEAL_MAX_AGE, FlowInput, StartAuthOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::args::{Opts, millis, opt_number, opt_text, secrets, text};
use crate::error::{IntoJs, to_js, wrong_type};

fn method_or_default(method: Option<String>) -> Result<ChallengeMethod, JsValue> {
    method.as_deref().map(ChallengeMethod::parse).transpose().js().map(Option::unwrap_or_default)
}

/// Build the authorization URL (`<baseUrl>/auth?…`) the user's browser opens. Every parameter is
/// percent-encoded.
///
/// Throws `INVALID_CALLBACK_URL`, `INVALID_METHOD` or `INVALID_ARGUMENT`.
#[wasm_bindgen(js_name = authUrl)]
pub fn auth_url(options: JsValue) -> Result<String, JsValue> {
    let o = Opts::new(&options, "authUrl", "authUrl")?;
    let opts = AuthUrlOptions {
        callback_url: o.text("callbackUrl")?,
        code_challenge: o.text("codeChallenge")?,
        code_challenge_method: method_or_default(o.text("codeChallengeMethod")?)?,
        key_label: o.text("keyLabel")?,
        limit: o.number("limit")?,
        state: o.text("state")?,
        base_url: o.text("baseUrl")?,
    };
    openrouter_pkce::auth_url(&opts).js()
}

/// Start a flow: a fresh verifier, challenge and 256-bit state, and the URL carrying them.
#[wasm_bindgen(js_name = startAuth)]
pub fn start_auth(options: JsValue) -> Result<AuthRequest, JsValue> {
    let o = Opts::new(&options, "startAuth", "startAuth")?;
    let opts = StartAuthOptions {
        callback_url: o.text("callbackUrl")?,
        method: method_or_default(o.text("method")?)?,
        key_label: o.text("keyLabel")?,
        limit: o.number("limit")?,
        base_url: o.text("baseUrl")?,
    };
    openrouter_pkce::ensure_random().js()?;
    Ok(AuthRequest { inner: openrouter_pkce::start_auth(&opts).js()? })
}

/// One started flow: the URL to send the user to and what is needed to finish it.
///
/// `JSON.stringify`, `String()` and `util.inspect` never show the verifier (the JavaScript layer gives it
/// redacted views); `toDict()` does (it is for server-side sessions and `sessionStorage`).
#[wasm_bindgen]
pub struct AuthRequest {
    pub(crate) inner: openrouter_pkce::AuthRequest,
}

/// The field `name` of a `toDict()` object.
fn field(data: &Object, name: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

impl AuthRequest {
    /// A flow from `toDict()`'s plain object, with the core's checks (tampered or inconsistent data is
    /// `INVALID_ARGUMENT`).
    fn from_object(data: &Object) -> Result<AuthRequest, JsValue> {
        let created_at = match opt_number(&field(data, "createdAt"), "createdAt")? {
            Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 => t as u64,
            Some(_) => {
                return Err(to_js(openrouter_pkce::Error::InvalidArgument {
                    reason: "createdAt must be a whole number of seconds".into(),
                }));
            }
            None => return Err(wrong_type("createdAt", "a number")),
        };
        let inner = openrouter_pkce::AuthRequest::from_parts(
            text(&field(data, "url"), "url")?,
            opt_text(&field(data, "callbackUrl"), "callbackUrl")?,
            text(&field(data, "codeVerifier"), "codeVerifier")?,
            text(&field(data, "codeChallenge"), "codeChallenge")?,
            &text(&field(data, "codeChallengeMethod"), "codeChallengeMethod")?,
            text(&field(data, "state"), "state")?,
            created_at,
            opt_text(&field(data, "baseUrl"), "baseUrl")?,
        )
        .js()?;
        Ok(AuthRequest { inner })
    }
}

#[wasm_bindgen]
impl AuthRequest {
    /// Internal: rebuild a flow from `toDict()`'s plain object or the core's JSON string (Rust/Python
    /// `to_json`). Use `AuthRequest.fromDict` / `AuthRequest.fromJSON` from the package.
    #[wasm_bindgen(js_name = _fromJSON)]
    pub fn from_json(data: JsValue) -> Result<AuthRequest, JsValue> {
        if let Some(s) = data.dyn_ref::<JsString>() {
            let json = text(s, "data")?;
            return Ok(AuthRequest { inner: openrouter_pkce::AuthRequest::from_json(&json).js()? });
        }
        match data.dyn_ref::<Object>() {
            Some(o) if data.is_object() => AuthRequest::from_object(o),
            _ => Err(wrong_type("data", "a toDict() object or a JSON string")),
        }
    }

    /// Internal: the flow `completeAuth` was handed as text (its JSON or sealed string) or a plain object —
    /// by the core's rule (with `secrets`, only a sealed string). Use `completeAuth` from the package.
    #[wasm_bindgen(js_name = _open)]
    pub fn open(request: JsValue, secrets_: JsValue) -> Result<AuthRequest, JsValue> {
        let keys =
            if secrets_.is_undefined() || secrets_.is_null() { None } else { Some(secrets(&secrets_)?) };
        let text_form;
        let input = if let Some(s) = request.dyn_ref::<JsString>() {
            text_form = text(s, "request")?;
            FlowInput::Text(&text_form)
        } else if request.is_object() {
            FlowInput::Mapping
        } else {
            return Err(wrong_type("request", "an AuthRequest, its toDict() object or a sealed string"));
        };
        match openrouter_pkce::AuthRequest::open_flow(input, keys.as_ref()).js()? {
            Some(inner) => Ok(AuthRequest { inner }),
            None => AuthRequest::from_object(request.unchecked_ref()),
        }
    }

    /// Internal: this flow as `completeAuth` takes it, by the core's rule (with `secrets`, an `AuthRequest`
    /// object is refused: only a sealed string is). Use `completeAuth` from the package.
    #[wasm_bindgen(js_name = _reopen)]
    pub fn reopen(&self, secrets_: JsValue) -> Result<AuthRequest, JsValue> {
        let keys =
            if secrets_.is_undefined() || secrets_.is_null() { None } else { Some(secrets(&secrets_)?) };
        let inner =
            openrouter_pkce::AuthRequest::open_flow(FlowInput::Request(&self.inner), keys.as_ref()).js()?;
        Ok(AuthRequest { inner: inner.unwrap_or_else(|| self.inner.clone()) })
    }

    /// Seal this flow into an opaque, expiring, cookie- and URL-safe string (JWE `dir` + `A256GCM`) with the
    /// first of `secrets` (each at least 32 bytes); `AuthRequest.unseal` (here, in the native Node package or
    /// in Python) opens it with any of them.
    pub fn seal(&self, secrets_: JsValue) -> Result<String, JsValue> {
        openrouter_pkce::ensure_random().js()?;
        self.inner.seal(&secrets(&secrets_)?).js()
    }

    /// Open a flow sealed by `request.seal()` (in any binding) with any of `secrets`; `{maxAgeMs}` refuses it
    /// when older (default and most: 10 minutes).
    ///
    /// Throws `SEALED_FLOW_EXPIRED`, `SEALED_FLOW_INVALID` or `INVALID_ARGUMENT`.
    pub fn unseal(sealed: JsValue, secrets_: JsValue, options: JsValue) -> Result<AuthRequest, JsValue> {
        let o = Opts::new(&options, "unseal", "unseal")?;
        let sealed = match sealed.dyn_ref::<JsString>() {
            Some(s) => text(s, "sealed")?,
            None => return Err(wrong_type("sealed", "a string")),
        };
        let max_age = o.number("maxAgeMs")?.map(millis).unwrap_or(DEFAULT_SEAL_MAX_AGE);
        let inner = openrouter_pkce::AuthRequest::unseal(&sealed, &secrets(&secrets_)?, max_age).js()?;
        Ok(AuthRequest { inner })
    }

    /// The plain object to keep in a server-side session or `sessionStorage` (contains the verifier): an
    /// explicit call, named like Python's `to_dict`. `JSON.stringify` shows a redacted view instead.
    #[wasm_bindgen(js_name = toDict)]
    pub fn to_dict(&self) -> Object {
        let r = &self.inner;
        let o = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
        };
        set("url", r.url().into());
        set("callbackUrl", r.callback_url().map_or(JsValue::NULL, JsValue::from_str));
        set("codeVerifier", r.code_verifier().secret().into());
        set("codeChallenge", r.code_challenge().into());
        set("codeChallengeMethod", r.code_challenge_method().as_str().into());
        set("state", r.state().into());
        set("createdAt", (r.created_at() as f64).into());
        set("baseUrl", r.base_url().into());
        o
    }

    /// The URL to send the user to.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }

    /// The URL safe to print (with `plain`, the verifier in it is redacted).
    #[wasm_bindgen(getter, js_name = urlForDisplay)]
    pub fn url_for_display(&self) -> String {
        self.inner.url_for_display()
    }

    /// The callback URL; `null` in headless mode.
    #[wasm_bindgen(getter, js_name = callbackUrl)]
    pub fn callback_url(&self) -> Option<String> {
        self.inner.callback_url().map(str::to_owned)
    }

    /// The secret verifier, needed for the exchange.
    #[wasm_bindgen(getter, js_name = codeVerifier)]
    pub fn code_verifier(&self) -> String {
        self.inner.code_verifier().secret().to_owned()
    }

    /// The challenge in the URL.
    #[wasm_bindgen(getter, js_name = codeChallenge)]
    pub fn code_challenge(&self) -> String {
        self.inner.code_challenge().to_owned()
    }

    /// `"S256"` or `"plain"`.
    #[wasm_bindgen(getter, js_name = codeChallengeMethod)]
    pub fn code_challenge_method(&self) -> String {
        self.inner.code_challenge_method().as_str().to_owned()
    }

    /// The flow's unguessable state/nonce.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.inner.state().to_owned()
    }

    /// Unix time (seconds) the flow started.
    #[wasm_bindgen(getter, js_name = createdAt)]
    pub fn created_at(&self) -> f64 {
        self.inner.created_at() as f64
    }

    /// The base URL the flow (and its exchange) runs against.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
}
