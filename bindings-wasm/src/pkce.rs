//! PKCE primitives: synchronous and pure.

use openrouter_pkce::ChallengeMethod;
use openrouter_pkce::pkce::{
    DEFAULT_VERIFIER_LEN, MAX_VERIFIER_LEN, MIN_VERIFIER_LEN, generate_default_into,
};
use wasm_bindgen::prelude::*;

use crate::args::{Opts, opt_number, opt_text, text};
use crate::error::{IntoJs, to_js};

/// A verifier length from JavaScript: a whole number, else the core's `INVALID_VERIFIER`.
fn verifier_len(length: Option<f64>) -> Result<usize, JsValue> {
    match length {
        None => Ok(DEFAULT_VERIFIER_LEN),
        Some(l) if l.is_finite() && l.fract() == 0.0 && (0.0..=1e6).contains(&l) => Ok(l as usize),
        Some(_) => Err(to_js(openrouter_pkce::Error::InvalidVerifier {
            reason: format!("length must be a whole number from {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN}"),
        })),
    }
}

/// The method from JavaScript, or the core's default.
fn method(value: &JsValue, name: &str) -> Result<String, JsValue> {
    Ok(opt_text(value, name)?.unwrap_or_else(|| ChallengeMethod::default().as_str().to_owned()))
}

/// A new random code verifier of `length` characters (43–128, default 43 = 32 CSPRNG bytes).
///
/// Throws `INVALID_VERIFIER` for a length outside 43–128.
#[wasm_bindgen(js_name = createVerifier)]
pub fn create_verifier(length: JsValue) -> Result<String, JsValue> {
    openrouter_pkce::ensure_random().js()?;
    openrouter_pkce::create_verifier(verifier_len(opt_number(&length, "length")?)?).js()
}

/// The PKCE challenge of `codeVerifier` with `method` (`"S256"`, the default, or `"plain"`).
///
/// Throws `INVALID_VERIFIER` or `INVALID_METHOD`.
#[wasm_bindgen(js_name = createChallenge)]
pub fn create_challenge(code_verifier: JsValue, method_: JsValue) -> Result<String, JsValue> {
    let verifier = text(&code_verifier, "codeVerifier")?;
    openrouter_pkce::create_challenge(&verifier, &method(&method_, "method")?).js()
}

/// Whether `codeChallenge` is the challenge of `codeVerifier`, compared in constant time.
///
/// Throws `INVALID_VERIFIER` or `INVALID_METHOD`; a wrong challenge is `false`, not an error.
#[wasm_bindgen(js_name = verifyChallenge)]
pub fn verify_challenge(
    code_verifier: JsValue,
    code_challenge: JsValue,
    method_: JsValue,
) -> Result<bool, JsValue> {
    let verifier = text(&code_verifier, "codeVerifier")?;
    let challenge = text(&code_challenge, "codeChallenge")?;
    openrouter_pkce::verify_challenge(&verifier, &challenge, &method(&method_, "method")?).js()
}

/// Internal: `[codeVerifier, codeChallenge, codeChallengeMethod]` of `generatePkce(options)`, the options
/// checked by the core's table. Use `generatePkce()` from the package.
#[wasm_bindgen(js_name = _generatePkce)]
pub fn generate_pkce(options: JsValue) -> Result<js_sys::Array, JsValue> {
    let o = Opts::new(&options, "generatePkce", "generatePkce")?;
    let length = verifier_len(o.number("length")?)?;
    let method = method(&o.get("method"), "method")?;
    openrouter_pkce::ensure_random().js()?;
    let pkce = openrouter_pkce::generate_pkce(length, &method).js()?;
    Ok(js_sys::Array::of3(
        &pkce.code_verifier.secret().into(),
        &pkce.code_challenge.into(),
        &pkce.code_challenge_method.as_str().into(),
    ))
}

/// Internal: the default pair (43-character verifier, S256 challenge) as one 86-character string, verifier
/// first: one string crosses the boundary instead of an array of two. Use `generatePkce()` from the package.
#[wasm_bindgen(js_name = _pkcePair)]
pub fn pkce_pair() -> Result<String, JsValue> {
    openrouter_pkce::ensure_random().js()?;
    let mut buf = [0u8; 86];
    let (verifier, challenge) = buf.split_at_mut(43);
    let verifier: &mut [u8; 43] = verifier.try_into().expect("43 bytes");
    let challenge: &mut [u8; 43] = challenge.try_into().expect("43 bytes");
    generate_default_into(verifier, challenge);
    // Both halves are base64url (ASCII).
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
