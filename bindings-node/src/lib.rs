//! Node.js bindings for openrouter-pkce (napi-rs).
//!
//! This crate only translates: JS arguments in, a call into the core, results and errors out. Every
//! protocol decision lives in `openrouter-pkce` (the core crate). The hand-written JS layer in
//! `bindings-node/index.js` adds what JS idioms need (an `OpenRouterPkceError` class, `util.inspect`
//! redaction, the fast `Pkce` object) on top of the generated loader `native.js`.

#![deny(clippy::all)]
// napi-derive registers the exports only outside `cfg(test)`, so the test build sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod api_key;
mod auth_url;
mod cli;
mod client;
mod contract;
mod emulator;
mod error;
mod login;
mod pkce;
mod seal;
mod settle;
mod store;

use napi_derive::napi;

/// The library version: one number for the Rust crate, the Python and the Node packages.
#[napi]
pub fn version() -> &'static str {
    openrouter_pkce::VERSION
}
