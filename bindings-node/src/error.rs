//! Core errors → JS errors.
//!
//! napi-rs turns a rejected `async fn` into a plain `Error` whose `code` is a napi status, so the contract's
//! code and HTTP status travel in the message instead: `CODE \x1f STATUS \x1f message`. The JS layer
//! (`index.js`) decodes that into an `OpenRouterPkceError` with `.code`, `.status` (and `.oauthError`,
//! `.errorDescription` for OAuth refusals, after a `\x1e`). Core messages never
//! hold a key, verifier or code, so nothing secret is ever in this string.

use openrouter_pkce::Error;

/// The separator between the code, the status and the message (a control character no message holds).
const SEP: char = '\u{1f}';

/// Separates the message from the OAuth error fields: `message RS oauthError RS errorDescription`.
const RS: char = '\u{1e}';

/// Encode a core error for the JS layer (with the OAuth `error` value and its filtered description, for
/// `ACCESS_DENIED` and `AUTHORIZATION_FAILED`, as fields after the message).
pub(crate) fn to_napi(err: Error) -> napi::Error {
    let status = err.status().map(|s| s.to_string()).unwrap_or_default();
    let mut text = format!("{}{SEP}{status}{SEP}{}", err.code(), err.chain_message());
    if let Some(oauth) = err.oauth_error() {
        let clean = |s: &str| s.replace([SEP, RS], "");
        text.push(RS);
        text.push_str(&clean(oauth));
        text.push(RS);
        text.push_str(&clean(err.error_description().unwrap_or("")));
    }
    napi::Error::from_reason(text)
}

/// Throws the core's `INVALID_ARGUMENT` naming a parameter the JS layer refused before napi could alter it:
/// `kind` `"text"` for a lone surrogate (napi would replace it with U+FFFD silently), `"range"` for an
/// integer of 2⁶³ or more.
#[napi_derive::napi(js_name = "_argumentError")]
pub fn argument_error(name: String, kind: String) -> napi::Result<()> {
    Err(to_napi(match kind.as_str() {
        "text" => Error::invalid_text(&name),
        _ => Error::out_of_range(&name),
    }))
}

/// `?`-friendly conversion of core results.
pub(crate) trait IntoNapi<T> {
    fn napi(self) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for openrouter_pkce::Result<T> {
    fn napi(self) -> napi::Result<T> {
        self.map_err(to_napi)
    }
}

/// An `INVALID_ARGUMENT` error for a JS argument the core cannot even receive (wrong shape or range).
pub(crate) fn invalid_argument(reason: impl Into<String>) -> napi::Error {
    to_napi(Error::InvalidArgument { reason: reason.into() })
}

/// A TCP port from JS (0 lets the OS choose); out of range is `INVALID_ARGUMENT`.
pub(crate) fn port(p: u32) -> napi::Result<u16> {
    u16::try_from(p).map_err(|_| invalid_argument("port must be between 0 and 65535"))
}

/// A millisecond count from JS as a `Duration`; out-of-range values become zero, which the core refuses
/// with its own message.
pub(crate) fn millis(ms: f64) -> std::time::Duration {
    if ms.is_finite() && ms > 0.0 {
        std::time::Duration::from_secs_f64(ms.min(1e15) / 1000.0)
    } else {
        std::time::Duration::ZERO
    }
}

/// Throws the core's `CANCELLED` for a call whose `AbortSignal` was already aborted (nothing is started).
#[napi_derive::napi(js_name = "_aborted")]
pub fn aborted() -> napi::Result<()> {
    Err(to_napi(Error::aborted()))
}
