//! Core errors → JavaScript errors, built as the JavaScript layer's own `OpenRouterPkceError` class.
//!
//! The layer registers its class once ([`register_error_class`]); from then on every error of the core is
//! `new OpenRouterPkceError(code, message, status)` with `oauthError` / `errorDescription` set for OAuth
//! refusals, as the napi binding builds them. Core messages never hold a key, verifier or code.

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect};
use openrouter_pkce::Error as CoreError;
use openrouter_pkce::contract::{self, Dialect};
use wasm_bindgen::prelude::*;

thread_local! {
    /// The JavaScript layer's `OpenRouterPkceError` (wasm is single-threaded: one per instance).
    static CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Internal: the JavaScript layer registers its `OpenRouterPkceError` class (`new Cls(code, message,
/// status?)`), so every error is built as one.
#[wasm_bindgen(js_name = _registerErrorClass)]
pub fn register_error_class(class: Function) {
    CLASS.with(|c| *c.borrow_mut() = Some(class));
}

/// `err` as a JavaScript error with `message`.
fn build(err: &CoreError, message: &str) -> JsValue {
    let status = err.status().map_or(JsValue::UNDEFINED, |s| JsValue::from(u32::from(s)));
    let error = CLASS
        .with(|c| c.borrow().clone())
        .and_then(|class| {
            Reflect::construct(&class, &Array::of3(&err.code().into(), &message.into(), &status)).ok()
        })
        .unwrap_or_else(|| {
            let e = js_sys::Error::new(message);
            let _ = Reflect::set(&e, &"code".into(), &err.code().into());
            if !status.is_undefined() {
                let _ = Reflect::set(&e, &"status".into(), &status);
            }
            e.into()
        });
    if let Some(oauth) = err.oauth_error() {
        let _ = Reflect::set(&error, &"oauthError".into(), &oauth.into());
        if let Some(description) = err.error_description().filter(|d| !d.is_empty()) {
            let _ = Reflect::set(&error, &"errorDescription".into(), &description.into());
        }
    }
    error
}

/// A core error as the JavaScript value to throw: the core's message in JavaScript's words (`callbackUrl`,
/// `timeoutMs`, …).
pub(crate) fn to_js(err: CoreError) -> JsValue {
    let message = contract::in_dialect(&err.chain_message(), Dialect::JavaScript);
    build(&err, &message)
}

/// [`to_js`] with the core's message as it is: for messages that quote the caller's own words (an unknown
/// option key).
pub(crate) fn to_js_verbatim(err: CoreError) -> JsValue {
    let message = err.chain_message();
    build(&err, &message)
}

/// `?`-friendly conversion of core results.
pub(crate) trait IntoJs<T> {
    /// The result with a core error as the JavaScript error to throw.
    fn js(self) -> Result<T, JsValue>;
}

impl<T> IntoJs<T> for openrouter_pkce::Result<T> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(to_js)
    }
}

/// Internal: the core's `CANCELLED` for a call whose `AbortSignal` was already aborted (nothing is sent).
#[wasm_bindgen(js_name = _aborted)]
pub fn aborted() -> JsValue {
    to_js(CoreError::aborted())
}

/// Internal: the core's `UNSUPPORTED_RUNTIME` for the native-only `operation` (e.g. `login()`) called in the
/// runtime the JavaScript layer detected (`runtimeKind()`, e.g. `browser`; the core names it).
#[wasm_bindgen(js_name = _unsupported)]
pub fn unsupported(operation: &str, runtime_kind: &str) -> JsValue {
    to_js(CoreError::native_only(operation, runtime_kind))
}

/// Internal: the core's `UNSUPPORTED_RUNTIME` for a network call where the runtime has no global `fetch`.
#[wasm_bindgen(js_name = _noFetch)]
pub fn no_fetch(runtime_kind: &str) -> JsValue {
    to_js(CoreError::no_fetch(runtime_kind))
}

/// Internal: the core's `INVALID_ARGUMENT` for an argument of the wrong kind, named as JavaScript names it
/// (`expected` in JavaScript's type names).
#[wasm_bindgen(js_name = _wrongType)]
pub fn wrong_type(name: &str, expected: &str) -> JsValue {
    to_js(CoreError::wrong_type(name, expected))
}
