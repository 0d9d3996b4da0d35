//! `POST /api/v1/auth/keys/code`: the body an app holding a key sends to create an authorization code,
//! validated the way OpenRouter documents it. The code it creates is exchanged at `/api/v1/auth/keys`
//! exactly like one from `/auth`.

use serde_json::Value;
use url::Url;

use super::clock::{self, DateError};
use super::routes::{check_callback, is_unreserved};
use super::state::Grant;

/// The longest `key_label` OpenRouter takes here, in characters.
const MAX_LABEL_CHARS: usize = 100;

/// A valid request: where the app would redirect, and what the created code mints.
pub(crate) struct CodeRequest {
    pub callback: Url,
    pub grant: Grant,
}

/// An optional field: absent or `null` is `None`.
fn field<'a>(body: &'a Value, name: &str) -> Option<&'a Value> {
    body.get(name).filter(|v| !v.is_null())
}

/// An optional string field; present with another type, it is the 400's message.
fn string<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>, String> {
    match field(body, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{name} must be a string")),
    }
}

/// Validate the JSON body as of `now_ms`; `Err` is the message of the 400.
pub(crate) fn parse(bytes: &[u8], now_ms: i64) -> Result<CodeRequest, String> {
    let body: Value = serde_json::from_slice(bytes).map_err(|_| "Invalid request body".to_string())?;
    if !body.is_object() {
        return Err("Invalid request body".into());
    }
    let callback = string(&body, "callback_url")?.ok_or("callback_url is required")?;
    let callback = check_callback(callback)?;

    let challenge = string(&body, "code_challenge")?;
    let method = string(&body, "code_challenge_method")?;
    if method.is_some_and(|m| m != "S256" && m != "plain") {
        return Err("Invalid code_challenge_method: it must be S256 or plain".into());
    }
    if let Some(c) = challenge
        && (!(43..=128).contains(&c.len()) || !c.bytes().all(is_unreserved))
    {
        return Err("code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~".into());
    }

    let expires_at_ms = match string(&body, "expires_at")? {
        None => None,
        Some(text) => match clock::parse_rfc3339(text) {
            Ok(ms) if ms > now_ms => Some(ms),
            Ok(_) => return Err("expires_at must be in the future".into()),
            Err(DateError::NoSeconds) => {
                return Err(
                    "expires_at must include seconds (e.g. 2027-12-31T23:59:59Z): minute precision is refused"
                        .into(),
                );
            }
            Err(DateError::Invalid) => {
                return Err(
                    "expires_at must be an ISO 8601 date-time with an offset, e.g. 2027-12-31T23:59:59Z"
                        .into(),
                );
            }
        },
    };

    let label = string(&body, "key_label")?;
    if label.is_some_and(|l| l.chars().count() > MAX_LABEL_CHARS) {
        return Err(format!("key_label must be at most {MAX_LABEL_CHARS} characters"));
    }

    let limit = match field(&body, "limit") {
        None => None,
        Some(v) => match v.as_f64() {
            Some(n) if v.is_number() && n.is_finite() && n >= 0.0 => Some(n),
            _ => return Err("limit must be a non-negative number".into()),
        },
    };

    let limit_reset = string(&body, "usage_limit_type")?;
    if limit_reset.is_some_and(|t| !matches!(t, "daily" | "weekly" | "monthly")) {
        return Err("usage_limit_type must be daily, weekly or monthly".into());
    }

    let workspace_id = string(&body, "workspace_id")?;
    if workspace_id.is_some_and(|w| !crate::auth_code::is_uuid(w)) {
        return Err("workspace_id must be a UUID".into());
    }
    // Documented but without meaning here; only their type is checked.
    string(&body, "spawn_agent")?;
    string(&body, "spawn_cloud")?;

    // RFC 7636 §4.3: a challenge without a method is `plain`, as for `/auth`; a method without a
    // challenge binds nothing.
    let method = challenge.map(|_| method.unwrap_or("plain").to_owned());
    let grant = Grant {
        challenge: challenge.map(str::to_owned),
        method,
        label: label.map(str::to_owned),
        limit,
        limit_reset: limit_reset.map(str::to_owned),
        expires_at_ms,
        workspace_id: workspace_id.map(str::to_owned),
    };
    Ok(CodeRequest { callback, grant })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const C: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const NOW: i64 = 1_756_290_600_000; // 2025-08-27T10:30:00Z

    fn check(body: Value) -> Result<CodeRequest, String> {
        parse(body.to_string().as_bytes(), NOW)
    }

    #[test]
    fn a_full_request_binds_every_field() {
        let r = check(json!({
            "callback_url": "https://app.example/cb",
            "code_challenge": C,
            "code_challenge_method": "S256",
            "expires_at": "2027-12-31T23:59:59.5+00:00",
            "key_label": "Ünïcode ".repeat(12) + "1234",
            "limit": 12.5,
            "usage_limit_type": "monthly",
            "workspace_id": "0B7C2F1E-9A3D-4E5F-8A6B-1C2D3E4F5A6B",
            "spawn_agent": "x",
        }))
        .unwrap();
        assert_eq!(r.callback.as_str(), "https://app.example/cb");
        assert_eq!(r.grant.challenge.as_deref(), Some(C));
        assert_eq!(r.grant.method.as_deref(), Some("S256"));
        assert_eq!(r.grant.limit, Some(12.5));
        assert_eq!(r.grant.limit_reset.as_deref(), Some("monthly"));
        assert_eq!(r.grant.expires_at_ms.map(clock::format_ms).as_deref(), Some("2027-12-31T23:59:59.500Z"));
        assert_eq!(r.grant.workspace_id.as_deref(), Some("0B7C2F1E-9A3D-4E5F-8A6B-1C2D3E4F5A6B"));
    }

    #[test]
    fn the_minimal_request_and_nulls() {
        let r = check(json!({"callback_url": "http://localhost:3000/cb", "expires_at": null, "limit": null}))
            .unwrap();
        assert!(r.grant.challenge.is_none() && r.grant.method.is_none() && r.grant.expires_at_ms.is_none());
        // A challenge without a method is `plain`; a method without a challenge binds nothing.
        let r = check(json!({"callback_url": "https://a.example/", "code_challenge": C})).unwrap();
        assert_eq!(r.grant.method.as_deref(), Some("plain"));
        let r =
            check(json!({"callback_url": "https://a.example/", "code_challenge_method": "S256"})).unwrap();
        assert!(r.grant.method.is_none());
    }

    #[test]
    fn refusals() {
        let cb = "https://a.example/cb";
        let cases = [
            (json!({}), "callback_url is required"),
            (json!([]), "Invalid request body"),
            (json!({"callback_url": 5}), "callback_url must be a string"),
            (json!({"callback_url": "http://evil.example/cb"}), "callback_url must be https://"),
            (json!({"callback_url": "not a url"}), "callback_url is not a valid"),
            (
                json!({"callback_url": cb, "code_challenge": C, "code_challenge_method": "S512"}),
                "Invalid code_challenge_method",
            ),
            (
                json!({"callback_url": cb, "code_challenge": C, "code_challenge_method": "s256"}),
                "Invalid code_challenge_method",
            ),
            (json!({"callback_url": cb, "code_challenge": "short"}), "code_challenge must be"),
            (
                json!({"callback_url": cb, "expires_at": "2027-12-31T23:59Z"}),
                "expires_at must include seconds",
            ),
            (json!({"callback_url": cb, "expires_at": "2027-12-31"}), "expires_at must be an ISO 8601"),
            (
                json!({"callback_url": cb, "expires_at": "2020-01-01T00:00:00Z"}),
                "expires_at must be in the future",
            ),
            (json!({"callback_url": cb, "expires_at": 1_900_000_000}), "expires_at must be a string"),
            (json!({"callback_url": cb, "key_label": "x".repeat(101)}), "key_label must be at most 100"),
            (json!({"callback_url": cb, "limit": -1}), "limit must be a non-negative number"),
            (json!({"callback_url": cb, "limit": "5"}), "limit must be a non-negative number"),
            (json!({"callback_url": cb, "usage_limit_type": "yearly"}), "usage_limit_type must be"),
            (json!({"callback_url": cb, "workspace_id": "not-a-uuid"}), "workspace_id must be a UUID"),
            (
                json!({"callback_url": cb, "workspace_id": "0b7c2f1e9a3d4e5f8a6b1c2d3e4f5a6b"}),
                "workspace_id must be a UUID",
            ),
        ];
        for (body, want) in cases {
            let err = check(body.clone()).err().unwrap_or_else(|| panic!("{body} was accepted"));
            assert!(err.starts_with(want), "{body}: {err}");
        }
        assert_eq!(parse(b"{not json", NOW).err().as_deref(), Some("Invalid request body"));
        assert!(check(json!({"callback_url": cb, "key_label": "é".repeat(100)})).is_ok());
    }
}
