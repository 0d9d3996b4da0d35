//! `POST /api/v1/auth/keys/code`: an app holding a key creates an authorization code bound to a challenge —
//! the only way to mint a key that expires (`expires_at`) or whose limit resets (`usage_limit_type`). The
//! code (`AuthCode::id`) is exchanged like a callback's: `exchange_code(code.id, verifier)`.

use std::fmt;

use serde_json::Value;

#[cfg(feature = "net")]
use crate::auth_url::now_unix;
use crate::auth_url::{check_challenge, check_limit, check_text};
#[cfg(feature = "net")]
use crate::client::{CallOptions, Client};
use crate::error::{Error, Result};
use crate::exchange::AuthorizationCode;
use crate::pkce::ChallengeMethod;
#[cfg(feature = "net")]
use crate::protocol;
use crate::urls::validate_callback_url;

/// The longest `key_label` OpenRouter takes for a created code.
pub const MAX_AUTH_CODE_LABEL_LEN: usize = 100;

/// When a created key's limit resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageLimitType {
    /// Every day (UTC).
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
}

impl UsageLimitType {
    /// `daily`, `weekly` or `monthly`, exactly; anything else is `INVALID_ARGUMENT`.
    pub fn parse(value: &str) -> Result<UsageLimitType> {
        match value {
            "daily" => Ok(UsageLimitType::Daily),
            "weekly" => Ok(UsageLimitType::Weekly),
            "monthly" => Ok(UsageLimitType::Monthly),
            _ => {
                Err(Error::invalid_argument("usage_limit_type must be \"daily\", \"weekly\" or \"monthly\""))
            }
        }
    }

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            UsageLimitType::Daily => "daily",
            UsageLimitType::Weekly => "weekly",
            UsageLimitType::Monthly => "monthly",
        }
    }
}

/// What a created code mints when exchanged.
#[derive(Debug, Clone, Default)]
pub struct AuthCodeOptions {
    /// Where the app would redirect (required by OpenRouter): `https://`, or `http://` on loopback.
    pub callback_url: String,
    /// The PKCE challenge the code is bound to.
    pub code_challenge: Option<String>,
    /// Its method (default `S256`), sent whenever a challenge is.
    pub code_challenge_method: ChallengeMethod,
    /// When the minted key stops working: Unix seconds (fractions kept), sent as an RFC 3339 UTC date-time
    /// with seconds. Must be in the future.
    pub expires_at: Option<f64>,
    /// The minted key's label (at most 100 characters).
    pub key_label: Option<String>,
    /// The minted key's credit limit.
    pub limit: Option<f64>,
    /// When that limit resets.
    pub usage_limit_type: Option<UsageLimitType>,
    /// The workspace the key belongs to (a UUID).
    pub workspace_id: Option<String>,
}

/// A created authorization code. `id` is the code (a single-use secret until exchanged): `Debug` redacts it.
#[derive(Clone, PartialEq)]
pub struct AuthCode {
    /// The code, to exchange at `POST /api/v1/auth/keys`.
    pub id: AuthorizationCode,
    /// The app it belongs to.
    pub app_id: Option<i64>,
    /// When it was created (ISO 8601, as OpenRouter wrote it).
    pub created_at: Option<String>,
}

impl fmt::Debug for AuthCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthCode")
            .field("id", &self.id)
            .field("app_id", &self.app_id)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// `expires_at` (Unix seconds) as RFC 3339 UTC with seconds — OpenRouter refuses minute precision — and
/// milliseconds when there are any.
pub fn rfc3339_utc(unix: f64) -> Result<String> {
    if !unix.is_finite() || !(0.0..253_402_300_800.0).contains(&unix) {
        return Err(Error::invalid_argument("expires_at must be a date between 1970 and 9999"));
    }
    let millis = (unix * 1000.0).round() as i64;
    let (secs, ms) = (millis.div_euclid(1000), millis.rem_euclid(1000));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let frac = if ms == 0 { String::new() } else { format!(".{ms:03}") };
    Ok(format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}{frac}Z"))
}

/// `8-4-4-4-12` hexadecimal digits, any case (a `workspace_id`); the emulator checks with it too.
pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl AuthCodeOptions {
    /// Check every field, then the JSON body OpenRouter documents.
    pub(crate) fn body(&self, now: u64) -> Result<Value> {
        validate_callback_url(&self.callback_url)?;
        let mut body = serde_json::Map::new();
        body.insert("callback_url".into(), self.callback_url.clone().into());
        if let Some(ch) = &self.code_challenge {
            check_challenge(ch, self.code_challenge_method)?;
            body.insert("code_challenge".into(), ch.clone().into());
            body.insert("code_challenge_method".into(), self.code_challenge_method.as_str().into());
        }
        if let Some(at) = self.expires_at {
            let text = rfc3339_utc(at)?;
            if at <= now as f64 {
                return Err(Error::invalid_argument("expires_at must be in the future"));
            }
            body.insert("expires_at".into(), text.into());
        }
        if let Some(label) = &self.key_label {
            check_text("key_label", label, MAX_AUTH_CODE_LABEL_LEN)?;
            body.insert("key_label".into(), label.clone().into());
        }
        check_limit(self.limit)?;
        if let Some(limit) = self.limit {
            body.insert("limit".into(), limit.into());
        }
        if let Some(kind) = self.usage_limit_type {
            body.insert("usage_limit_type".into(), kind.as_str().into());
        }
        if let Some(id) = &self.workspace_id {
            if !is_uuid(id) {
                return Err(Error::invalid_argument("workspace_id must be a UUID"));
            }
            body.insert("workspace_id".into(), id.clone().into());
        }
        Ok(Value::Object(body))
    }
}

#[cfg(feature = "net")]
impl Client {
    /// Create an authorization code with `key` (`POST /api/v1/auth/keys/code`, the key as bearer). Sent at
    /// most once, like the exchange: a code created twice is a code nobody holds.
    pub async fn create_auth_code(
        &self,
        key: &str,
        options: &AuthCodeOptions,
        call: &CallOptions,
    ) -> Result<AuthCode> {
        protocol::check_key(key)?;
        let now = now_unix();
        let (base, timeout) = self.resolve(call)?;
        let http = protocol::create_auth_code_request(&self.context(&base, call)?, key, options, now)?;
        let answer = self.send(&http, timeout).await?;
        protocol::process_create_auth_code_response(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_auth_code;

    #[test]
    fn dates_carry_seconds() {
        assert_eq!(rfc3339_utc(0.0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_830_297_599.0).unwrap(), "2027-12-31T23:59:59Z");
        assert_eq!(rfc3339_utc(951_782_400.5).unwrap(), "2000-02-29T00:00:00.500Z");
        assert_eq!(rfc3339_utc(4_107_542_400.0).unwrap(), "2100-03-01T00:00:00Z");
        for bad in [f64::NAN, f64::INFINITY, -1.0, 1e12] {
            assert_eq!(rfc3339_utc(bad).unwrap_err().code(), "INVALID_ARGUMENT");
        }
    }

    #[test]
    fn the_body_is_checked_before_anything_is_sent() {
        const NOW: u64 = 1_800_000_000;
        let ok = AuthCodeOptions {
            callback_url: "https://app.example/cb".into(),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            expires_at: Some(NOW as f64 + 3600.0),
            key_label: Some("agent".into()),
            limit: Some(5.0),
            usage_limit_type: Some(UsageLimitType::Monthly),
            workspace_id: Some("0b7e4f39-3f0e-4f34-9bf3-5b6c2d1e8a90".into()),
            ..Default::default()
        };
        let body = ok.body(NOW).unwrap();
        assert_eq!(body["code_challenge_method"], "S256");
        assert_eq!(body["expires_at"], "2027-01-15T09:00:00Z");
        assert_eq!(body["usage_limit_type"], "monthly");
        let bad_callback = AuthCodeOptions { callback_url: "ftp://x".into(), ..ok.clone() };
        assert_eq!(bad_callback.body(NOW).unwrap_err().code(), "INVALID_CALLBACK_URL");
        for bad in [
            AuthCodeOptions { expires_at: Some(NOW as f64 - 1.0), ..ok.clone() },
            AuthCodeOptions { key_label: Some("x".repeat(101)), ..ok.clone() },
            AuthCodeOptions { limit: Some(-1.0), ..ok.clone() },
            AuthCodeOptions { workspace_id: Some("not-a-uuid".into()), ..ok.clone() },
            AuthCodeOptions { code_challenge: Some("short".into()), ..ok.clone() },
        ] {
            assert_eq!(bad.body(NOW).unwrap_err().code(), "INVALID_ARGUMENT", "{bad:?}");
        }
        assert_eq!(UsageLimitType::parse("Monthly").unwrap_err().code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn answers_are_parsed_or_malformed() {
        let code = parse_auth_code(
            200,
            br#"{"data":{"id":"auth_code_xyz789","app_id":12345,"created_at":"2025-08-24T10:30:00Z"}}"#,
        )
        .unwrap();
        assert_eq!((code.id.secret(), code.app_id), ("auth_code_xyz789", Some(12345)));
        assert!(!format!("{code:?}").contains("auth_code_xyz789"));
        for body in
            [&b"{}"[..], br#"{"data":{}}"#, br#"{"data":{"id":""}}"#, br#"{"data":{"id":"a b"}}"#, b"<html>"]
        {
            assert_eq!(parse_auth_code(200, body).unwrap_err().code(), "MALFORMED_RESPONSE");
        }
    }
}
