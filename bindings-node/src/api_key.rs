//! `ApiKey` (a secret that prints masked) and `KeyInfo`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A user-controlled OpenRouter API key. `console.log`, `util.inspect`, `String()` and `JSON.stringify`
/// show only the masked form; the full secret is only in `.key`.
#[napi]
pub struct ApiKey {
    pub(crate) inner: openrouter_pkce::ApiKey,
}

#[napi]
impl ApiKey {
    /// The full secret key. Send it as `Authorization: Bearer <key>`; never log it.
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.inner.key().to_owned()
    }

    /// The OpenRouter user id, when the exchange returned one; else `null`.
    #[napi(getter)]
    pub fn user_id(&self) -> Option<String> {
        self.inner.user_id().map(str::to_owned)
    }

    /// The key with its middle hidden, e.g. `sk-or-v1-ab…9f3e`: safe to print.
    #[napi(getter)]
    pub fn masked(&self) -> String {
        self.inner.masked()
    }

    /// The key's settings page on OpenRouter (where its owner can revoke it).
    #[napi(getter)]
    pub fn settings_url(&self) -> String {
        self.inner.settings_url()
    }

    /// The key's request logs on OpenRouter.
    #[napi(getter)]
    pub fn logs_url(&self) -> String {
        self.inner.logs_url()
    }
}

/// KeyInfo reports absent values as `null` in JS, like Python's `None`.
fn nullable<T>(v: Option<T>) -> Either<T, Null> {
    v.map_or(Either::B(Null), Either::A)
}

/// Details of a key (`GET /api/v1/key`). Credits are numbers; absent values are `null`.
#[napi(object)]
pub struct KeyInfo {
    /// The key's label.
    pub label: Either<String, Null>,
    /// Credit limit; `null` for unlimited.
    pub limit: Either<f64, Null>,
    /// Credits left under the limit.
    pub limit_remaining: Either<f64, Null>,
    /// When the limit resets (`daily`, `weekly`, `monthly`), if it does.
    pub limit_reset: Either<String, Null>,
    /// Credits used, all time.
    pub usage: Either<f64, Null>,
    /// Credits used today (UTC).
    pub usage_daily: Either<f64, Null>,
    /// Credits used this week (UTC).
    pub usage_weekly: Either<f64, Null>,
    /// Credits used this month (UTC).
    pub usage_monthly: Either<f64, Null>,
    /// Whether the user has only ever used the free tier.
    pub is_free_tier: Either<bool, Null>,
    /// Expiry (ISO 8601), if the key expires.
    pub expires_at: Either<String, Null>,
    /// The user who created the key.
    pub creator_user_id: Either<String, Null>,
}

impl From<openrouter_pkce::KeyInfo> for KeyInfo {
    fn from(k: openrouter_pkce::KeyInfo) -> Self {
        KeyInfo {
            label: nullable(k.label),
            limit: nullable(k.limit),
            limit_remaining: nullable(k.limit_remaining),
            limit_reset: nullable(k.limit_reset),
            usage: nullable(k.usage),
            usage_daily: nullable(k.usage_daily),
            usage_weekly: nullable(k.usage_weekly),
            usage_monthly: nullable(k.usage_monthly),
            is_free_tier: nullable(k.is_free_tier),
            expires_at: nullable(k.expires_at),
            creator_user_id: nullable(k.creator_user_id),
        }
    }
}
