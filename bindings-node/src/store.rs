//! Key storage (the core's `store`): `loadKey`, `keyPath` and the native halves of `saveKey` and `logout`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::api_key::ApiKey;
use crate::error::IntoNapi;

/// The key to use: `OPENROUTER_API_KEY` when set, else the stored key, else `null`.
#[napi]
pub fn load_key() -> Result<Option<String>> {
    openrouter_pkce::store::load_key().napi()
}

/// Store `key` (mode 0600 in a 0700 directory, atomically); returns the file's path.
#[napi(js_name = "_saveKey")]
pub fn save_key(key: String) -> Result<String> {
    openrouter_pkce::store::save_key(&key).map(|p| p.to_string_lossy().into_owned()).napi()
}

/// Delete the stored key; returns it (so its settings URL can be shown), or `null` when none was stored.
#[napi(js_name = "_logout")]
pub fn logout() -> Result<Option<ApiKey>> {
    openrouter_pkce::store::logout().map(|k| k.map(|inner| ApiKey { inner })).napi()
}

/// The key file's path (whether or not it exists).
#[napi]
pub fn key_path() -> Result<String> {
    openrouter_pkce::store::key_path().map(|p| p.to_string_lossy().into_owned()).napi()
}
