//! The minted API key and the key-info answer.
//!
//! `ApiKey` is a secret: `Debug` and `Display` show only the masked form, and the full value is reachable only
//! through the explicit [`ApiKey::key`] accessor.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where OpenRouter's deep links point; the key's owner sees the key's page there.
pub const OPENROUTER_SITE: &str = "https://openrouter.ai";

/// A user-controlled OpenRouter API key, as returned by the exchange.
///
/// Two keys are equal when the key, user id and base URL are: where one was loaded from does not count.
#[derive(Clone, Eq)]
pub struct ApiKey {
    key: String,
    user_id: Option<String>,
    /// The base URL of the server that minted the key (OpenRouter, or an emulator), when known.
    base_url: Option<String>,
    /// Where a loaded key came from; `None` for a key just minted or passed in.
    source: Option<KeySource>,
}

/// Where a loaded key came from ([`ApiKey::source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySource {
    /// The `OPENROUTER_API_KEY` environment variable.
    Env,
    /// A profile's key file.
    File,
    /// The OS keyring.
    Keyring,
}

impl KeySource {
    /// `"env"`, `"file"` or `"keyring"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeySource::Env => "env",
            KeySource::File => "file",
            KeySource::Keyring => "keyring",
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ApiKey {
    /// Wrap a key (and the optional `user_id` the exchange returned).
    pub fn new(key: impl Into<String>, user_id: Option<String>) -> Self {
        ApiKey { key: key.into(), user_id, base_url: None, source: None }
    }

    /// The same key, saying where it was loaded from (the store sets it).
    pub fn with_source(mut self, source: KeySource) -> Self {
        self.source = Some(source);
        self
    }

    /// Where [`crate::store::load_key`] found the key: the environment, a key file or the OS keyring;
    /// `None` for a key that was not loaded (minted by an exchange, passed in).
    pub fn source(&self) -> Option<KeySource> {
        self.source
    }

    /// The same key, remembering the base URL of the server it came from (the exchange sets it).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The base URL of the server that minted the key, when known: `key_info` of this key asks it unless
    /// the call names another.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// The full secret key. Pass it as `Authorization: Bearer <key>`; never log it.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The OpenRouter user id, when the exchange returned one.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The key with its middle hidden, e.g. `sk-or-v1-ab…9f3e`: safe to print.
    pub fn masked(&self) -> String {
        mask_key(&self.key)
    }

    /// Lowercase hex SHA-256 of the key, the identifier OpenRouter's deep links use.
    pub fn hash_hex(&self) -> String {
        key_hash_hex(&self.key)
    }

    /// The key's settings page on OpenRouter (where its owner can revoke it).
    pub fn settings_url(&self) -> String {
        format!("{OPENROUTER_SITE}/keys/{}", self.hash_hex())
    }

    /// The key's request logs on OpenRouter.
    pub fn logs_url(&self) -> String {
        format!("{OPENROUTER_SITE}/logs?api_key_hash={}", self.hash_hex())
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        (&self.key, &self.user_id, &self.base_url) == (&other.key, &other.user_id, &other.base_url)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ApiKey");
        d.field("key", &self.masked()).field("user_id", &self.user_id);
        if let Some(source) = self.source {
            d.field("source", &source);
        }
        d.finish()
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Longest API key accepted anywhere (from the server, from the caller, from the key file).
pub const MAX_KEY_LEN: usize = 4096;

/// The prefix every OpenRouter API key starts with (`sk-or-v1-…` today).
pub const KEY_PREFIX: &str = "sk-";

/// What a well-formed key looks like, for error messages.
pub const KEY_SHAPE: &str = "an API key starts with `sk-` and holds only ASCII letters, digits, `-`, `_` and `.` (at most 4096 bytes)";

/// Whether `key` has the shape of an API key: `sk-` and at least one more character, at most [`MAX_KEY_LEN`]
/// bytes, only ASCII letters, digits, `-`, `_` and `.` (no whitespace, control, escape, bidi or other
/// non-ASCII characters). The one rule for keys the server returns, the caller passes, the environment and
/// the key file hold.
pub fn is_well_formed_key(key: &str) -> bool {
    key.len() > KEY_PREFIX.len()
        && key.len() <= MAX_KEY_LEN
        && key.starts_with(KEY_PREFIX)
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Remove what is harmless around a key read from outside (the environment, a file): surrounding
/// whitespace and a leading UTF-8 byte-order mark. Nothing inside the key is changed.
pub fn trim_key(raw: &str) -> &str {
    let t = raw.trim();
    t.strip_prefix('\u{feff}').map(str::trim).unwrap_or(t)
}

/// Lowercase hex SHA-256 of a key.
pub fn key_hash_hex(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        use fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Mask a key for display: the `sk-or-v1-` style prefix, two characters, an ellipsis and the last four.
///
/// Short or unusual strings reveal less: under 16 characters only an ellipsis and the last two remain.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n < 16 {
        let tail: String = chars[n.saturating_sub(2)..].iter().collect();
        return format!("…{tail}");
    }
    // Keep a conventional prefix such as `sk-or-v1-` (everything up to the last '-' within the first 12 chars).
    let prefix_len = chars[..12.min(n)].iter().rposition(|&c| c == '-').map(|i| i + 1).unwrap_or(0);
    let head: String = chars[..prefix_len + 2].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Information about a key, from `GET /api/v1/key`.
///
/// Numeric fields are `f64` because OpenRouter reports credits as decimals; absent values are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct KeyInfo {
    /// The key's label.
    #[serde(default)]
    pub label: Option<String>,
    /// Credit limit, `None` for unlimited.
    #[serde(default)]
    pub limit: Option<f64>,
    /// Credits left under the limit.
    #[serde(default)]
    pub limit_remaining: Option<f64>,
    /// When the limit resets (`daily`, `weekly`, `monthly`), if it does.
    #[serde(default)]
    pub limit_reset: Option<String>,
    /// Credits used, all time.
    #[serde(default)]
    pub usage: Option<f64>,
    /// Credits used today (UTC).
    #[serde(default)]
    pub usage_daily: Option<f64>,
    /// Credits used this week (UTC).
    #[serde(default)]
    pub usage_weekly: Option<f64>,
    /// Credits used this month (UTC).
    #[serde(default)]
    pub usage_monthly: Option<f64>,
    /// Whether the user has only ever used the free tier.
    #[serde(default)]
    pub is_free_tier: Option<bool>,
    /// Expiry (ISO 8601), if the key expires.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// The user who created the key.
    #[serde(default)]
    pub creator_user_id: Option<String>,
    /// Credits spent through the user's own provider keys (BYOK), all time.
    #[serde(default)]
    pub byok_usage: Option<f64>,
    /// BYOK credits spent today (UTC).
    #[serde(default)]
    pub byok_usage_daily: Option<f64>,
    /// BYOK credits spent this week (UTC).
    #[serde(default)]
    pub byok_usage_weekly: Option<f64>,
    /// BYOK credits spent this month (UTC).
    #[serde(default)]
    pub byok_usage_monthly: Option<f64>,
    /// Whether BYOK spend counts against `limit`.
    #[serde(default)]
    pub include_byok_in_limit: Option<bool>,
    /// Whether this is a management key (it can create and delete other keys).
    #[serde(default)]
    pub is_management_key: Option<bool>,
    /// Deprecated name of `is_management_key`.
    #[serde(default)]
    pub is_provisioning_key: Option<bool>,
    /// Deprecated by OpenRouter and safe to ignore: `{requests, interval, note}`.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// The data regions requests with this key may be served from (`global`, `europe`, `us`).
    #[serde(default)]
    pub allowed_data_regions: Option<Vec<String>>,
    /// The daily allowance of free-model requests: `{limit, remaining, used}`.
    #[serde(default)]
    pub free_model_daily_requests: Option<FreeModelDailyRequests>,
    /// The organization that owns the key, if any.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// The workspace the key belongs to, if any.
    #[serde(default)]
    pub workspace_id: Option<String>,
}

impl KeyInfo {
    /// The fields as `GET /api/v1/key`'s `data` names them, as JSON text (what the bindings turn into a dict
    /// or an object).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("key info always serialises")
    }

    /// Credits spent in the current limit window: `limit - limit_remaining` (`usage` is lifetime spend, not
    /// this). `None` without a limit.
    pub fn limit_used(&self) -> Option<f64> {
        Some(self.limit? - self.limit_remaining?)
    }
}

/// `KeyInfo::rate_limit` (deprecated by OpenRouter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed per interval.
    #[serde(default)]
    pub requests: Option<f64>,
    /// The interval, e.g. `"1h"`.
    #[serde(default)]
    pub interval: Option<String>,
    /// OpenRouter's note on the field.
    #[serde(default)]
    pub note: Option<String>,
}

/// `KeyInfo::free_model_daily_requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct FreeModelDailyRequests {
    /// Requests allowed per day.
    #[serde(default)]
    pub limit: Option<f64>,
    /// Requests left today.
    #[serde(default)]
    pub remaining: Option<f64>,
    /// Requests made today.
    #[serde(default)]
    pub used: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_openrouter_keys() {
        let k = ApiKey::new(format!("sk-or-v1-ab{}9f3e", "0".repeat(56)), None);
        assert_eq!(k.masked(), "sk-or-v1-ab…9f3e");
        assert_eq!(format!("{k}"), "sk-or-v1-ab…9f3e");
        let dbg = format!("{k:?}");
        assert!(!dbg.contains(&"0".repeat(10)), "{dbg}");
    }

    #[test]
    fn masks_short_and_odd_keys_without_revealing_them() {
        assert_eq!(mask_key(""), "");
        assert_eq!(mask_key("abc"), "…bc");
        assert_eq!(mask_key("ééééééééééééééééééé"), "éé…éééé");
    }

    #[test]
    fn one_key_shape() {
        let long = format!("sk-{}", "a".repeat(MAX_KEY_LEN - 3));
        for good in ["sk-or-v1-0123456789abcdef", "sk-x", "sk-or-v1-A_b.c-9", long.as_str()] {
            assert!(is_well_formed_key(good), "{good:?}");
        }
        let too_long = format!("sk-{}", "a".repeat(MAX_KEY_LEN - 2));
        for bad in [
            "",
            "sk-",
            "hello",
            "hello-world-key",
            "sk-or-v1-\u{e9}\u{e9}",
            "sk-or-v1-ab\u{202e}cd",
            "sk-or-v1-a\x1b[31mb",
            "sk-or v1",
            "sk-or-v1-a\nb",
            "\u{feff}sk-or-v1-a",
            "sk-or-v1-\"x\"",
            too_long.as_str(),
        ] {
            assert!(!is_well_formed_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn trims_only_what_is_harmless() {
        assert_eq!(trim_key("  sk-a \r\n"), "sk-a");
        assert_eq!(trim_key("\u{feff}sk-a\n"), "sk-a");
        assert_eq!(trim_key("sk-a b"), "sk-a b");
    }

    #[test]
    fn deep_links_use_sha256_hex() {
        let k = ApiKey::new("abc", None);
        assert_eq!(k.hash_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            k.settings_url(),
            "https://openrouter.ai/keys/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(k.logs_url().starts_with("https://openrouter.ai/logs?api_key_hash=ba7816"));
    }
}
