//! Sealed flows: `AuthRequest#seal`, `AuthRequest.unseal` (the JS layer gives them their public names).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use openrouter_pkce::{DEFAULT_SEAL_MAX_AGE, FlowInput, SealSecrets};

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

/// Internal: the flow handed to `completeAuth` — an `AuthRequest`, its JSON string or sealed string, or a
/// plain object — by the core's rule (with `secrets`, only a sealed string). `null`: a plain object without
/// `secrets`, which the package turns into a flow with `AuthRequest.fromJSON`.
#[napi(js_name = "_openFlow")]
pub fn open_flow(
    request: Either3<String, &AuthRequest, Unknown<'_>>,
    secrets_list: Option<Vec<Either<String, Uint8Array>>>,
) -> napi::Result<Option<AuthRequest>> {
    let keys = secrets_list.map(secrets).transpose()?;
    let input = match &request {
        Either3::A(text) => FlowInput::Text(text),
        Either3::B(r) => FlowInput::Request(&r.inner),
        Either3::C(_) => FlowInput::Mapping,
    };
    let inner = openrouter_pkce::AuthRequest::open_flow(input, keys.as_ref()).napi()?;
    Ok(inner.map(|inner| AuthRequest { inner }))
}

/// Options of `AuthRequest.unseal`.
#[napi(object)]
pub struct UnsealOpts {
    /// Refuse the flow when older (default and most: 10 minutes).
    pub max_age_ms: Option<f64>,
}

/// Internal: open a sealed flow with any of `secrets`, refusing it after `maxAgeMs` (default: the core's
/// 10 minutes). Use `AuthRequest.unseal(sealed, secrets, {maxAgeMs})` from the package.
#[napi(js_name = "_unsealFlow")]
pub fn unseal_flow(
    sealed: String,
    secrets_list: Vec<Either<String, Uint8Array>>,
    options: Option<UnsealOpts>,
) -> napi::Result<AuthRequest> {
    let max_age = options.and_then(|o| o.max_age_ms).map(millis).unwrap_or(DEFAULT_SEAL_MAX_AGE);
    let inner = openrouter_pkce::AuthRequest::unseal(&sealed, &secrets(secrets_list)?, max_age).napi()?;
    Ok(AuthRequest { inner })
}
