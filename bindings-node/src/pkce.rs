//! PKCE primitives: synchronous and pure.

use napi::JsString;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use openrouter_pkce::ChallengeMethod;
use openrouter_pkce::pkce::{
    DEFAULT_VERIFIER_LEN, MAX_VERIFIER_LEN, MIN_VERIFIER_LEN, generate_default_into,
};

use crate::error::{IntoNapi, to_napi};

/// A verifier length from JS: a whole number, else the core's `INVALID_VERIFIER`.
fn verifier_len(length: Option<f64>) -> Result<usize> {
    match length {
        None => Ok(DEFAULT_VERIFIER_LEN),
        Some(l) if l.is_finite() && l.fract() == 0.0 && (0.0..=1e6).contains(&l) => Ok(l as usize),
        Some(_) => Err(to_napi(openrouter_pkce::Error::InvalidVerifier {
            reason: format!("length must be a whole number from {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN}"),
        })),
    }
}

/// The method string from JS, or the core's default method.
fn method_or_default(method: &Option<String>) -> &str {
    method.as_deref().unwrap_or(ChallengeMethod::default().as_str())
}

/// A new random code verifier of `length` characters (43–128, default 43 = 32 CSPRNG bytes).
///
/// Throws `INVALID_VERIFIER` for a length outside 43–128.
#[napi]
pub fn create_verifier(length: Option<f64>) -> Result<String> {
    openrouter_pkce::create_verifier(verifier_len(length)?).napi()
}

/// The PKCE challenge of `codeVerifier` with `method` (`"S256"`, the default, or `"plain"`).
///
/// Throws `INVALID_VERIFIER` or `INVALID_METHOD`.
#[napi]
pub fn create_challenge(code_verifier: String, method: Option<String>) -> Result<String> {
    openrouter_pkce::create_challenge(&code_verifier, method_or_default(&method)).napi()
}

/// Whether `codeChallenge` is the challenge of `codeVerifier`, compared in constant time.
///
/// Throws `INVALID_VERIFIER` or `INVALID_METHOD`; a wrong challenge is `false`, not an error.
#[napi]
pub fn verify_challenge(
    code_verifier: String,
    code_challenge: String,
    method: Option<String>,
) -> Result<bool> {
    openrouter_pkce::verify_challenge(&code_verifier, &code_challenge, method_or_default(&method)).napi()
}

/// Internal: `[codeVerifier, codeChallenge, codeChallengeMethod]` for any length and method. Use
/// `generatePkce()` from the package instead.
#[napi(js_name = "_generatePkce")]
pub fn generate_pkce_parts(length: Option<f64>, method: Option<String>) -> Result<Vec<String>> {
    let pkce = openrouter_pkce::generate_pkce(verifier_len(length)?, method_or_default(&method)).napi()?;
    Ok(vec![
        String::from(pkce.code_verifier),
        pkce.code_challenge,
        pkce.code_challenge_method.as_str().to_owned(),
    ])
}

/// Internal: the default pair (43-character verifier, S256 challenge) as ONE 86-character string,
/// verifier first. Building one Latin-1 string from a stack buffer is several times cheaper than a JS
/// object with two strings; the JS layer slices it. Use `generatePkce()` from the package instead.
#[napi(js_name = "_pkcePair")]
pub fn pkce_pair(env: &Env) -> Result<JsString<'_>> {
    let mut buf = [0u8; 86];
    let (verifier, challenge) = buf.split_at_mut(43);
    let verifier: &mut [u8; 43] = verifier.try_into().expect("43 bytes");
    let challenge: &mut [u8; 43] = challenge.try_into().expect("43 bytes");
    generate_default_into(verifier, challenge);
    env.create_string_latin1(buf)
}
