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

    /// Where `loadKey()` found the key: `'env'`, `'file'` or `'keyring'`; `null` for a key not loaded.
    #[napi(getter, ts_return_type = "'env' | 'file' | 'keyring' | null")]
    pub fn source(&self) -> Option<&'static str> {
        self.inner.source().map(openrouter_pkce::KeySource::as_str)
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
    /// Credits spent through the user's own provider keys (BYOK), all time.
    pub byok_usage: Either<f64, Null>,
    /// BYOK credits spent today (UTC).
    pub byok_usage_daily: Either<f64, Null>,
    /// BYOK credits spent this week (UTC).
    pub byok_usage_weekly: Either<f64, Null>,
    /// BYOK credits spent this month (UTC).
    pub byok_usage_monthly: Either<f64, Null>,
    /// Whether BYOK spend counts against `limit`.
    pub include_byok_in_limit: Either<bool, Null>,
    /// Whether this is a management key (it can create and delete other keys).
    pub is_management_key: Either<bool, Null>,
    /// Deprecated name of `isManagementKey`.
    pub is_provisioning_key: Either<bool, Null>,
    /// Deprecated by OpenRouter and safe to ignore.
    pub rate_limit: Either<RateLimit, Null>,
    /// The data regions requests with this key may be served from (`global`, `europe`, `us`).
    pub allowed_data_regions: Either<Vec<String>, Null>,
    /// The daily allowance of free-model requests.
    pub free_model_daily_requests: Either<FreeModelDailyRequests, Null>,
    /// The organization that owns the key, if any.
    pub organization_id: Either<String, Null>,
    /// The workspace the key belongs to, if any.
    pub workspace_id: Either<String, Null>,
    /// Credits spent in the current limit window, `limit - limitRemaining` (`usage` is lifetime spend);
    /// `null` without a limit.
    pub limit_used: Either<f64, Null>,
}

/// `KeyInfo.rateLimit` (deprecated by OpenRouter).
#[napi(object)]
pub struct RateLimit {
    /// Requests allowed per interval.
    pub requests: Either<f64, Null>,
    /// The interval, e.g. `"1h"`.
    pub interval: Either<String, Null>,
    /// OpenRouter's note on the field.
    pub note: Either<String, Null>,
}

/// `KeyInfo.freeModelDailyRequests`.
#[napi(object)]
pub struct FreeModelDailyRequests {
    /// Requests allowed per day.
    pub limit: Either<f64, Null>,
    /// Requests left today.
    pub remaining: Either<f64, Null>,
    /// Requests made today.
    pub used: Either<f64, Null>,
}

impl From<openrouter_pkce::KeyInfo> for KeyInfo {
    fn from(k: openrouter_pkce::KeyInfo) -> Self {
        let limit_used = k.limit_used();
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
            limit_used: nullable(limit_used),
            expires_at: nullable(k.expires_at),
            creator_user_id: nullable(k.creator_user_id),
            byok_usage: nullable(k.byok_usage),
            byok_usage_daily: nullable(k.byok_usage_daily),
            byok_usage_weekly: nullable(k.byok_usage_weekly),
            byok_usage_monthly: nullable(k.byok_usage_monthly),
            include_byok_in_limit: nullable(k.include_byok_in_limit),
            is_management_key: nullable(k.is_management_key),
            is_provisioning_key: nullable(k.is_provisioning_key),
            rate_limit: nullable(k.rate_limit.map(|r| RateLimit {
                requests: nullable(r.requests),
                interval: nullable(r.interval),
                note: nullable(r.note),
            })),
            allowed_data_regions: nullable(k.allowed_data_regions),
            free_model_daily_requests: nullable(k.free_model_daily_requests.map(|f| {
                FreeModelDailyRequests {
                    limit: nullable(f.limit),
                    remaining: nullable(f.remaining),
                    used: nullable(f.used),
                }
            })),
            organization_id: nullable(k.organization_id),
            workspace_id: nullable(k.workspace_id),
        }
    }
}

/// A created authorization code (`createAuthCode`): `id` is the code to exchange, a single-use secret until
/// then — `console.log` and `JSON.stringify` do not show it.
#[napi]
pub struct AuthCode {
    pub(crate) inner: openrouter_pkce::AuthCode,
}

#[napi]
impl AuthCode {
    /// The code, to exchange like a callback's `code` (`exchangeCode({code: authCode.id, codeVerifier})`).
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id.secret().to_owned()
    }
    /// The app the code belongs to.
    #[napi(getter)]
    pub fn app_id(&self) -> Option<i64> {
        self.inner.app_id
    }
    /// When it was created (ISO 8601).
    #[napi(getter)]
    pub fn created_at(&self) -> Option<String> {
        self.inner.created_at.clone()
    }
}
