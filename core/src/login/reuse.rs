//! A second login never silently mints a new key while a valid one is stored (issue 20): three runs of a
//! login used to mint three keys and keep one, the others valid until the user found and revoked them.

use crate::ApiKey;
use crate::client::{CallOptions, Client};
use crate::error::{ErrorCode, Result};
use crate::store::Store;

use super::LoginOptions;

/// What the store holds for the login's profile, and whether OpenRouter still accepts it.
pub(super) enum Stored {
    /// Nothing stored (or no store to look in and nothing asked to be saved).
    Nothing,
    /// A key OpenRouter accepts: returned instead of minting (unless `force`).
    Accepted(ApiKey),
    /// A key OpenRouter refuses (revoked, expired, another server's): a new login replaces it.
    Refused,
}

/// Look up the stored key of the login's profile and ask OpenRouter (`base_url`) whether it is still good.
/// A store that cannot be opened is an error only when the login was asked to save; a `NETWORK` or server
/// error while checking is the login's error (minting would meet the same server).
pub(super) async fn stored_key(client: &Client, options: &LoginOptions, base_url: &str) -> Result<Stored> {
    let store = options.store.clone();
    // The keyring's call may wait (up to its timeout): off the runtime's threads.
    let stored = tokio::task::spawn_blocking(move || Store::open(&store)?.load_stored())
        .await
        .unwrap_or_else(|_| Err(crate::Error::storage("the stored key could not be read", None)));
    let key = match stored {
        Ok(Some(key)) => key,
        Ok(None) => return Ok(Stored::Nothing),
        Err(_) if !options.save => return Ok(Stored::Nothing),
        Err(e) => return Err(e),
    };
    let call = CallOptions {
        base_url: Some(base_url.to_owned()),
        attribution: options.attribution.clone(),
        ..Default::default()
    };
    match client.key_info(key.key(), &call).await {
        Ok(_) => Ok(Stored::Accepted(key)),
        Err(e) if e.kind() == ErrorCode::Unauthorized => Ok(Stored::Refused),
        Err(e) => Err(e),
    }
}

/// What the login says when it returns the stored key instead of minting one.
pub(super) fn reused_message(key: &ApiKey) -> String {
    format!(
        "Already logged in: the stored key {} still works, so no new key was made. To make a new one anyway, \
         log in with force (`--force` on the command line).",
        key.masked()
    )
}

/// What a forced login says once the new key replaced an older one that still works.
pub(super) fn replaced_message(old: &ApiKey) -> String {
    format!("The previous key {} still works until you revoke it: {}", old.masked(), old.settings_url())
}
