//! # openrouter-pkce
//!
//! Get an OpenRouter API key from your user in one call: OAuth PKCE (RFC 7636), the authorization URL,
//! the code exchange, key info, a one-click loopback login with a headless fallback, key storage, and an
//! offline emulator of OpenRouter for tests.
//!
//! The Python and Node packages are thin bindings over this crate and share its API, vocabulary and
//! error codes.
//!
//! ```no_run
//! # async fn demo() -> openrouter_pkce::Result<()> {
//! use openrouter_pkce::{CallOptions, Client, StartAuthOptions, start_auth};
//! let request = start_auth(&StartAuthOptions {
//!     callback_url: Some("http://localhost:3000/callback".into()),
//!     ..Default::default()
//! })?;
//! println!("open {}", request.url());
//! // … the browser comes back to the callback with ?code=…
//! let key = Client::openrouter()
//!     .complete_auth(&request, "http://localhost:3000/callback?code=…", &CallOptions::default())
//!     .await?;
//! println!("got {key}"); // prints the masked key only
//! # Ok(()) }
//! ```
//!
//! ## Cargo features
//!
//! Only `net` is on by default: a library user compiles the client, the login and the key storage.
//!
//! - `net` (default): the network — the reqwest [`Client`], [`login()`] and its loopback callback server,
//!   the [`runtime`] and [`blocking`] facades (adds tokio, reqwest, rustls, hyper). Without it
//!   (`default-features = false`) the crate is I/O-free and builds for `wasm32-unknown-unknown`: PKCE,
//!   auth URLs, callback parsing, sealed flows, the errors, the [`contract`] and the [`protocol`] layer
//!   that any transport (a runtime's `fetch`) drives.
//! - `emulator`: the `emulator` module, the in-process fake of OpenRouter for tests and demos (adds axum;
//!   implies `net`).
//! - `cli`: the `openrouter-pkce` command line (adds clap; implies `emulator` for
//!   `openrouter-pkce emulator`). `cargo install openrouter-pkce --features cli` installs it.

#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod api_key;
mod attribution;
mod auth_code;
mod auth_url;
#[cfg(feature = "net")]
pub mod blocking;
pub mod browser;
#[cfg(feature = "net")]
pub mod callback;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "net")]
mod client;
pub mod contract;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod env;
mod error;
mod exchange;
#[cfg(feature = "net")]
pub mod login;
pub mod pkce;
pub mod protocol;
mod query;
mod response;
pub(crate) mod rng;
#[cfg(feature = "net")]
pub mod runtime;
mod seal;
pub mod store;
mod urls;
mod weburl;

pub use api_key::{
    ApiKey, FreeModelDailyRequests, KeyInfo, KeySource, MAX_KEY_LEN, OPENROUTER_SITE, RateLimit,
    is_well_formed_key, key_hash_hex, mask_key,
};
pub use attribution::{APP_CATEGORIES, Attribution, MAX_APP_CATEGORIES, MAX_APP_TITLE_LEN};
pub use auth_code::{AuthCode, AuthCodeOptions, MAX_AUTH_CODE_LABEL_LEN, UsageLimitType, rfc3339_utc};
pub use auth_url::{
    AuthRequest, AuthUrlOptions, MAX_KEY_LABEL_LEN, MAX_STATE_LEN, StartAuthOptions, auth_url, now_unix,
    start_auth,
};
#[cfg(feature = "net")]
pub use callback::{Callback, CallbackServer};
#[cfg(feature = "net")]
pub use client::{CONNECT_TIMEOUT, CallOptions, Client, ClientOptions, REACHABILITY_TIMEOUT};
pub use error::{
    Error, ErrorClass, ErrorCode, MAX_ERROR_DESCRIPTION_LEN, MAX_OAUTH_ERROR_LEN, Result, runtime_name,
};
pub use exchange::{AuthorizationCode, ExchangeRequest, STORED_FLOW_MAX_AGE};
#[cfg(feature = "net")]
pub use login::{Environment, LoginMode, LoginOptions, LoginUi, SilentUi, TerminalUi, login};
pub use pkce::{
    ChallengeMethod, CodeVerifier, Pkce, create_challenge, create_verifier, generate_pkce, validate_verifier,
    verify_challenge,
};
pub use protocol::{
    DEFAULT_TIMEOUT, MAX_BODY_BYTES, classify_exchange_answer, classify_key_info_answer, default_user_agent,
};
pub use query::CallbackParams;
pub use response::{MAX_RESPONSE_LEN, extract_code};
pub use rng::ensure_random;
pub use seal::{
    DEFAULT_SEAL_MAX_AGE, FlowInput, MAX_SEALED_LEN, MIN_SEAL_SECRET_LEN, SEAL_KEY_INFO, SEAL_KID_INFO,
    SEALED_FLOW_TYP, SealSecrets,
};
pub use store::{Storage, Store, StoreOptions};
pub use urls::{DEFAULT_BASE_URL, ENV_BASE_URL, default_base_url, normalize_base_url, validate_callback_url};

/// The library version (one number for the Rust crate, the Python and the Node packages).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The README's Rust blocks, compiled as doctests (`cargo test --doc ReadmeDoctests`; run by the docs test,
/// tests/docs/test_docs.py). Its other blocks are not Rust and rustdoc ignores them.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
