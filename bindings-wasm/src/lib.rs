//! WebAssembly bindings for openrouter-pkce (wasm-bindgen), for every JavaScript runtime without the native
//! addon: browsers, Cloudflare Workers (workerd), Deno, Vercel/Netlify edge functions, and Node or Bun where
//! no native package fits.
//!
//! This crate only translates, like the napi-rs binding: JavaScript values in, a call into the core, results
//! and errors out. The core decides everything — the requests and what their answers mean, the error table,
//! the retry policy and its exactly-once rule, the option checks. The runtime's `fetch` only moves bytes: the
//! JavaScript layer (`bindings-wasm/js/`) hands each call a transport (`send` one request, `sleep`) and
//! [`client`] drives it with the core's protocol layer.
//!
//! Internal exports are prefixed with `_`; the JavaScript layer gives the public names.

#![warn(missing_docs)]

mod args;
mod client;
mod error;
mod flow;
mod keys;
mod pkce;
mod transport;

use wasm_bindgen::prelude::*;

pub use client::Client;
pub use flow::AuthRequest;
pub use keys::{ApiKey, AuthCode};

/// The library version: one number for the Rust crate, the Python and the Node packages.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    openrouter_pkce::VERSION.to_owned()
}

/// Internal: the core's error-code table as `[[code, class, exitCode], …]`, in the contract's order.
#[wasm_bindgen(js_name = _errorTable)]
pub fn error_table() -> js_sys::Array {
    openrouter_pkce::contract::error_table()
        .into_iter()
        .map(|r| {
            let row = js_sys::Array::new();
            row.push(&r.code.into());
            row.push(&r.class.into());
            row.push(&r.exit_code.into());
            JsValue::from(row)
        })
        .collect()
}

/// Internal: the option keys of each options bag (the core's `contract::OPTION_KEYS`) as an object of arrays.
#[wasm_bindgen(js_name = _optionKeys)]
pub fn option_keys() -> js_sys::Object {
    let out = js_sys::Object::new();
    for (kind, keys) in openrouter_pkce::contract::OPTION_KEYS {
        let list: js_sys::Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(kind), &list);
    }
    out
}

/// Internal: OpenRouter's app categories, in the core's order.
#[wasm_bindgen(js_name = _appCategories)]
pub fn app_categories() -> js_sys::Array {
    openrouter_pkce::APP_CATEGORIES.iter().map(|c| JsValue::from_str(c)).collect()
}
