//! Key storage (the core's `store`): `loadKey`, `keyPath` and the native halves of `saveKey` and `logout`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::api_key::ApiKey;
use crate::error::IntoNapi;

/// Options of `loadKey`, `saveKey` and `logout`.
#[napi(object)]
pub struct StoreOpts {
    /// The profile (default: `OPENROUTER_PKCE_PROFILE`, else the one `openrouter-pkce switch` made active,
    /// else `'default'`).
    pub profile: Option<String>,
    /// `'file'` or `'keyring'` (default: `OPENROUTER_PKCE_STORAGE`, else where the profile's key is, else
    /// the file).
    pub storage: Option<String>,
}

/// Options of `keyPath`.
#[napi(object)]
pub struct KeyPathOpts {
    /// The profile (default as for `loadKey`).
    pub profile: Option<String>,
}

fn options(o: Option<StoreOpts>) -> openrouter_pkce::StoreOptions {
    o.map(|o| openrouter_pkce::StoreOptions { profile: o.profile, storage: o.storage }).unwrap_or_default()
}

/// The key to use: `OPENROUTER_API_KEY` when set, else the profile's stored key, else `null`; an
/// `ApiKey` whose `source` says which.
#[napi]
pub fn load_key(options_: Option<StoreOpts>) -> Result<Option<ApiKey>> {
    openrouter_pkce::store::load_key_with(&options(options_)).map(|k| k.map(|inner| ApiKey { inner })).napi()
}

/// Store `key` for the profile (mode 0600 in a 0700 directory, atomically, or in the OS keyring); returns
/// where.
#[napi(js_name = "_saveKey")]
pub fn save_key(key: String, options_: Option<StoreOpts>) -> Result<String> {
    openrouter_pkce::store::save_key_with(&key, &options(options_)).napi()
}

/// Delete the profile's stored key; returns the core's text for the user (what was deleted and where to
/// revoke it, or that nothing was stored). `logout()` prints it on stderr.
#[napi(js_name = "_logout")]
pub fn logout(options_: Option<StoreOpts>) -> Result<String> {
    (|| {
        let store = openrouter_pkce::Store::open(&options(options_))?;
        let location = store.location();
        let removed = store.logout()?;
        Ok(openrouter_pkce::store::logout_message(removed.as_ref(), &location))
    })()
    .napi()
}

/// The profile's key file path (whether or not it exists).
#[napi]
pub fn key_path(options_: Option<KeyPathOpts>) -> Result<String> {
    let profile = options_.and_then(|o| o.profile);
    openrouter_pkce::store::key_path_with(&openrouter_pkce::StoreOptions { profile, storage: None })
        .map(|p| p.to_string_lossy().into_owned())
        .napi()
}
