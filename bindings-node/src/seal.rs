//! Sealed flows: `AuthRequest#seal`, `AuthRequest.unseal` (the JS layer gives them their public names).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use openrouter_pkce::{DEFAULT_SEAL_MAX_AGE, SealSecrets};

use crate::auth_url::AuthRequest;
use crate::error::{IntoNapi, millis};

/// The core's key set from JS secrets (strings as their UTF-8 bytes, or Uint8Arrays).
fn secrets(list: Vec<Either<String, Uint8Array>>) -> napi::Result<SealSecrets> {
    SealSecrets::new(list.iter().map(|s| match s {
        Either::A(text) => text.as_bytes(),
        Either::B(buf) => buf.as_ref(),
    }))
    .napi()
}

/// Internal: seal `request` with the first of `secrets`. Use `request.seal(secrets)` from the package.
#[napi(js_name = "_sealFlow")]
pub fn seal_flow(
    request: &AuthRequest,
    secrets_list: Vec<Either<String, Uint8Array>>,
) -> napi::Result<String> {
    request.inner.seal(&secrets(secrets_list)?).napi()
}

/// Internal: a flow an app kept as text — its JSON session form or a sealed string, opened with `secrets`
/// (the core's one rule tells them apart). `completeAuth` and `Client#completeAuth` use it for strings.
#[napi(js_name = "_flowFromText")]
pub fn flow_from_text(
    text: String,
    secrets_list: Option<Vec<Either<String, Uint8Array>>>,
) -> napi::Result<AuthRequest> {
    let keys = secrets_list.map(secrets).transpose()?;
    let inner = openrouter_pkce::AuthRequest::from_stored(&text, keys.as_ref()).napi()?;
    Ok(AuthRequest { inner })
}

/// Internal: open a sealed flow with any of `secrets`, refusing it after `maxAgeMs` (default: the core's
/// 10 minutes). Use `AuthRequest.unseal(sealed, secrets, {maxAgeMs})` from the package.
#[napi(js_name = "_unsealFlow")]
pub fn unseal_flow(
    sealed: String,
    secrets_list: Vec<Either<String, Uint8Array>>,
    max_age_ms: Option<f64>,
) -> napi::Result<AuthRequest> {
    let max_age = max_age_ms.map(millis).unwrap_or(DEFAULT_SEAL_MAX_AGE);
    let inner = openrouter_pkce::AuthRequest::unseal(&sealed, &secrets(secrets_list)?, max_age).napi()?;
    Ok(AuthRequest { inner })
}
