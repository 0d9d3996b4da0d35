//! # openrouter-pkce
//!
//! Get an OpenRouter API key from your user in one call: OAuth PKCE (RFC 7636), the authorization URL,
//! the code exchange, key info, a one-click loopback login with a headless fallback, key storage, and an
//! offline emulator of OpenRouter for tests.
//!
//! The Python and Node packages are thin bindings over this crate and share its API, vocabulary and
//! error codes.

#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![allow(dead_code)] // TEMP while modules land

mod api_key;
#[cfg(feature = "emulator")]
pub mod emulator;
mod error;
pub(crate) mod rng;

pub use api_key::{ApiKey, KeyInfo, OPENROUTER_SITE, key_hash_hex, mask_key};
pub use error::{Error, ErrorClass, ErrorCode, Result};

/// The library version (one number for the Rust crate, the Python and the Node packages).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
