//! Key storage (the core's `store`): `loadKey`, `keyPath` and the native halves of `saveKey` and `logout`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

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

/// Delete the stored key; returns the core's text for the user (what was deleted and where to revoke it,
/// or that nothing was stored). `logout()` prints it on stderr.
#[napi(js_name = "_logout")]
pub fn logout() -> Result<String> {
    (|| {
        let path = openrouter_pkce::store::key_path()?.to_string_lossy().into_owned();
        let removed = openrouter_pkce::store::logout()?;
        Ok(openrouter_pkce::store::logout_message(removed.as_ref(), &path))
    })()
    .napi()
}

/// The key file's path (whether or not it exists).
#[napi]
pub fn key_path() -> Result<String> {
    openrouter_pkce::store::key_path().map(|p| p.to_string_lossy().into_owned()).napi()
}
