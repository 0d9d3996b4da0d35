//! `ApiKey` (a secret that prints masked), `AuthCode` (a single-use secret) and `KeyInfo` (a plain object).

use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A user-controlled OpenRouter API key. `String()`, `JSON.stringify` and `util.inspect` show only the masked
/// form (the JavaScript layer's views); the full secret is only in `.key`.
#[wasm_bindgen]
pub struct ApiKey {
    pub(crate) inner: openrouter_pkce::ApiKey,
}

#[wasm_bindgen]
impl ApiKey {
    /// The full secret key. Send it as `Authorization: Bearer <key>`; never log it.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> String {
        self.inner.key().to_owned()
    }

    /// The OpenRouter user id, when the exchange returned one; else `null`.
    #[wasm_bindgen(getter, js_name = userId)]
    pub fn user_id(&self) -> Option<String> {
        self.inner.user_id().map(str::to_owned)
    }

    /// Where a loaded key came from; always `null` here (the WebAssembly build loads no stored key).
    #[wasm_bindgen(getter)]
    pub fn source(&self) -> Option<String> {
        self.inner.source().map(|s| s.as_str().to_owned())
    }

    /// The key with its middle hidden, e.g. `sk-or-v1-ab…9f3e`: safe to print.
    #[wasm_bindgen(getter)]
    pub fn masked(&self) -> String {
        self.inner.masked()
    }

    /// The key's settings page on OpenRouter (where its owner can revoke it).
    #[wasm_bindgen(getter, js_name = settingsUrl)]
    pub fn settings_url(&self) -> String {
        self.inner.settings_url()
    }

    /// The key's request logs on OpenRouter.
    #[wasm_bindgen(getter, js_name = logsUrl)]
    pub fn logs_url(&self) -> String {
        self.inner.logs_url()
    }
}

/// A created authorization code (`createAuthCode`): `id` is the code to exchange, a single-use secret until
/// then — `JSON.stringify` and `util.inspect` do not show it.
#[wasm_bindgen]
pub struct AuthCode {
    pub(crate) inner: openrouter_pkce::AuthCode,
}

#[wasm_bindgen]
impl AuthCode {
    /// The code, to exchange like a callback's `code` (`exchangeCode({code: authCode.id, codeVerifier})`).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id.secret().to_owned()
    }

    /// The app the code belongs to.
    #[wasm_bindgen(getter, js_name = appId)]
    pub fn app_id(&self) -> Option<f64> {
        self.inner.app_id.map(|id| id as f64)
    }

    /// When it was created (ISO 8601).
    #[wasm_bindgen(getter, js_name = createdAt)]
    pub fn created_at(&self) -> Option<String> {
        self.inner.created_at.clone()
    }
}

/// `snake_case` as `camelCase`.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            // Non-ASCII through JavaScript's toUpperCase (the same Unicode mapping as Rust's): Rust's own
            // would link its case tables into the .wasm (~12 KB) for keys that are ASCII in practice.
            if c.is_ascii() {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push_str(&String::from(js_sys::JsString::from(c).to_upper_case()));
            }
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every object key of `value` in camelCase, recursively.
fn camel_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (camel(&k), camel_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

/// Key info as the plain object the Node binding gives: every field of `GET /api/v1/key` in camelCase,
/// `null` when absent, and `limitUsed`.
pub(crate) fn key_info_object(info: &openrouter_pkce::KeyInfo) -> Result<JsValue, JsValue> {
    let mut value = serde_json::to_value(info).map_err(|e| JsValue::from_str(&e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.insert("limit_used".into(), info.limit_used().map_or(Value::Null, Value::from));
    }
    js_sys::JSON::parse(&camel_keys(value).to_string())
}
