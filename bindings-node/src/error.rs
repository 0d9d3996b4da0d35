//! Core errors → JS errors, built in Rust as the JS layer's own `OpenRouterPkceError` class.
//!
//! `index.js` hands its error class to [`register_error_class`] when it loads (once per JS thread: the
//! main thread and every worker). From then on every error of the core becomes an instance of that class
//! with `.code` (the contract's code), `.status` (the HTTP status, when an HTTP answer caused it) and, for
//! OAuth refusals, `.oauthError` / `.errorDescription`, set as properties: nothing travels packed in the
//! message. A synchronous throw builds it here on the JS thread and hands it to napi-rs as the value to
//! throw; a rejected promise the same way, on the JS thread that settles it ([`crate::settle`], from the
//! core error itself: [`Failure::Core`]). Core messages never hold a key, verifier or code, so no error
//! holds a secret.

use std::cell::RefCell;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;
use openrouter_pkce::Error as CoreError;
use openrouter_pkce::contract;

/// Why an async call failed: an error of the core (with its code, status and OAuth fields), or one of
/// napi's own (a value that could not be converted).
pub(crate) enum Failure {
    Core(CoreError),
    Napi(napi::Error),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e)
    }
}

impl From<napi::Error> for Failure {
    fn from(e: napi::Error) -> Self {
        Failure::Napi(e)
    }
}

impl Failure {
    /// The error to reject with, built on the JS thread that settles the promise: a core error as this
    /// thread's `OpenRouterPkceError` (napi-rs rejects with that value as it is).
    pub(crate) fn into_napi(self) -> napi::Error {
        match self {
            Failure::Core(e) => to_napi(e),
            Failure::Napi(e) => e,
        }
    }
}

thread_local! {
    /// This JS thread's env and a reference to `OpenRouterPkceError`, once `index.js` registered it.
    static CLASS: RefCell<Option<(usize, usize)>> = const { RefCell::new(None) };
}

/// Internal: `index.js` registers its `OpenRouterPkceError` class (`new Cls(code, message, status?)`), so
/// every error of this JS thread is built as one.
#[napi_derive::napi(js_name = "_registerErrorClass")]
pub fn register_error_class(env: Env, error_class: Unknown<'_>) -> Result<()> {
    let raw_env = env.raw();
    let mut reference = ptr::null_mut();
    // SAFETY: JS thread, live env, a live value. The reference lives as long as the environment (it is
    // never deleted: Node frees it with the environment, and an env has one class).
    check_status!(unsafe { sys::napi_create_reference(raw_env, error_class.raw(), 1, &mut reference) })?;
    CLASS.with(|c| *c.borrow_mut() = Some((raw_env as usize, reference as usize)));
    Ok(())
}

fn string(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    // SAFETY: JS thread, live env; `s` is valid UTF-8 of the given length.
    check_status!(unsafe {
        sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out)
    })?;
    Ok(out)
}

fn set(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &std::ffi::CStr,
    value: sys::napi_value,
) -> Result<()> {
    // SAFETY: JS thread, live env, live values.
    check_status!(unsafe { sys::napi_set_named_property(env, object, name.as_ptr(), value) })
}

/// `err` as a JS error of the thread that owns `env`, with `message` as its message: an
/// `OpenRouterPkceError` when `index.js` registered it, else a plain `Error` with the same properties.
fn build_error(env: sys::napi_env, err: &CoreError, message: &str) -> Result<sys::napi_value> {
    let code = string(env, err.code())?;
    let message = string(env, message)?;
    let mut status = ptr::null_mut();
    // SAFETY (all calls below): JS thread, live env, live values.
    match err.status() {
        Some(s) => check_status!(unsafe { sys::napi_create_uint32(env, u32::from(s), &mut status) })?,
        None => check_status!(unsafe { sys::napi_get_undefined(env, &mut status) })?,
    }
    let class = CLASS.with(|c| *c.borrow()).filter(|(owner, _)| *owner == env as usize);
    let mut error = ptr::null_mut();
    match class {
        Some((_, reference)) => {
            let mut ctor = ptr::null_mut();
            check_status!(unsafe {
                sys::napi_get_reference_value(env, reference as sys::napi_ref, &mut ctor)
            })?;
            let args = [code, message, status];
            check_status!(unsafe {
                sys::napi_new_instance(env, ctor, args.len(), args.as_ptr(), &mut error)
            })?;
        }
        None => {
            check_status!(unsafe { sys::napi_create_error(env, code, message, &mut error) })?;
            if err.status().is_some() {
                set(env, error, c"status", status)?;
            }
        }
    }
    if let Some(oauth) = err.oauth_error() {
        set(env, error, c"oauthError", string(env, oauth)?)?;
        if let Some(description) = err.error_description().filter(|d| !d.is_empty()) {
            set(env, error, c"errorDescription", string(env, description)?)?;
        }
    }
    Ok(error)
}

/// A core error as the `napi::Error` a synchronous function returns: on a JS thread that registered the
/// class, napi-rs throws the `OpenRouterPkceError` built here; elsewhere (no JS to build it with) a plain
/// error with the contract's code as its `code`.
pub(crate) fn to_napi(err: CoreError) -> napi::Error {
    let message = js_message(&err);
    thrown(err, message)
}

/// [`to_napi`] with the core's message as it is: for messages that quote the caller's own words.
fn to_napi_verbatim(err: CoreError) -> napi::Error {
    let message = err.chain_message();
    thrown(err, message)
}

fn thrown(err: CoreError, message: String) -> napi::Error {
    let env = CLASS.with(|c| *c.borrow()).map(|(env, _)| env as sys::napi_env);
    if let Some(env) = env
        && let Ok(value) = build_error(env, &err, &message)
    {
        // SAFETY: `value` is a live value of this thread's env.
        return napi::Error::from(unsafe { Unknown::from_raw_unchecked(env, value) });
    }
    napi::Error::new(Status::GenericFailure, message)
}

/// How a refusal names what the argument must be, in JavaScript's type names: napi's own conversion codes
/// (`StringExpected`, …) and the JS layer's argument kinds.
const EXPECTED: &[(&str, &str)] = &[
    ("StringExpected", "a string"),
    ("NumberExpected", "a number"),
    ("BooleanExpected", "a boolean"),
    ("ObjectExpected", "an object"),
    ("FunctionExpected", "a function"),
    ("BigintExpected", "a bigint"),
    ("key", "a string or an ApiKey"),
    ("secrets", "a string, a Uint8Array or an array of them"),
    ("data", "a toDict() object or a JSON string"),
    ("request", "an AuthRequest, its toDict() object or a sealed string"),
    ("signal", "an AbortSignal"),
];

/// Internal: napi's conversion codes the JS layer can name a parameter for (`EXPECTED`'s first rows).
#[napi_derive::napi(js_name = "_typeCodes")]
pub fn type_codes() -> Vec<&'static str> {
    EXPECTED.iter().map(|(c, _)| *c).filter(|c| c.ends_with("Expected")).collect()
}

/// Throws the core's `INVALID_ARGUMENT` for an argument the JS layer refused before napi could alter or
/// ignore it; `name` is the parameter (or option key) as JavaScript spells it. `kind`:
/// `"text"` a lone surrogate (napi would replace it with U+FFFD silently), `"range"` an integer of 2⁶³ or
/// more, `"type"` a value of the wrong type (`detail`: napi's code or the JS layer's kind of argument;
/// without `name`, the kind only), `"options"` an options argument that is not an object (`detail`: the
/// function), `"option"` a key the function does not know (`detail`: the function, `known`: its keys).
#[napi_derive::napi(js_name = "_argumentError")]
pub fn argument_error(
    kind: String,
    name: Option<String>,
    detail: Option<String>,
    known: Option<Vec<String>>,
) -> napi::Result<()> {
    let name = name.unwrap_or_default();
    let detail = detail.unwrap_or_default();
    let expected = EXPECTED.iter().find(|(c, _)| *c == detail).map(|(_, e)| *e);
    Err(match (kind.as_str(), expected) {
        ("text", _) => to_napi(CoreError::invalid_text(&name)),
        ("range", _) => to_napi(CoreError::out_of_range(&name)),
        ("type", Some(expected)) if !name.is_empty() => to_napi(CoreError::wrong_type(&name, expected)),
        ("options", _) => to_napi(contract::options_not_an_object(&detail)),
        // The key is the caller's own spelling: shown verbatim, never translated into JavaScript's names.
        ("option", _) => {
            let known = known.unwrap_or_default();
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            to_napi_verbatim(contract::unknown_option(&detail, &name, &known))
        }
        _ => invalid_argument(format!("wrong type ({detail})")),
    })
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
    to_napi(CoreError::InvalidArgument { reason: reason.into() })
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
    Err(to_napi(CoreError::aborted()))
}

/// The core error's message in JavaScript's words (`callbackUrl`, `timeoutMs`, …), as users of this
/// package pass them.
pub(crate) fn js_message(err: &CoreError) -> String {
    openrouter_pkce::contract::in_dialect(
        &err.chain_message(),
        openrouter_pkce::contract::Dialect::JavaScript,
    )
}
