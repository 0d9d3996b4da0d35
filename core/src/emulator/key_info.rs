//! The body of `GET /api/v1/key`: every field of OpenRouter's schema and of the official SDKs' response
//! validation (@openrouter/sdk 1.3.19 requires `allowed_data_regions`, `free_model_daily_requests`,
//! `organization_id` and `workspace_id`; PyPI `openrouter` 1.3.84 also `budgets` and `effective_budget`),
//! with the values a fresh key on a free account has: nothing spent yet.

use serde_json::{Value, json};

use super::clock;
use super::state::KeyRecord;

/// What OpenRouter answers in the deprecated `rate_limit` (the SDKs document "will always return -1").
const RATE_LIMIT_NOTE: &str = "This field is deprecated and safe to ignore.";

/// Free-model requests a free account may make per UTC day.
const FREE_MODEL_DAILY_LIMIT: u32 = 50;

/// `{"data": {...}}` for `record`, created by `creator`, as of `now_ms`.
pub(crate) fn body(record: &KeyRecord, creator: &str, now_ms: i64) -> Value {
    // The emulated key has spent nothing: lifetime, window and BYOK usage are all zero.
    let spent = 0.0_f64;
    let remaining = record.limit.map(|l| l - spent);
    // The key's own limit is its one budget layer; none when it has no limit.
    let budgets: Vec<Value> = record
        .limit
        .map(|limit| {
            let resets_at = record
                .limit_reset
                .as_deref()
                .and_then(|r| clock::next_reset_ms(r, now_ms))
                .map(clock::format_ms);
            json!({
                "scope": "key_limit",
                "budget_id": null,
                "guardrail_id": null,
                "include_byok": false,
                "limit_usd": limit,
                "spend_usd": spent,
                "remaining_usd": limit - spent,
                "reset_interval": record.limit_reset,
                "resets_at": resets_at,
            })
        })
        .into_iter()
        .collect();
    let effective_budget = budgets.first().cloned().unwrap_or(Value::Null);
    json!({"data": {
        "label": record.label,
        "limit": record.limit,
        "limit_remaining": remaining,
        "limit_reset": record.limit_reset,
        "usage": spent,
        "usage_daily": spent,
        "usage_weekly": spent,
        "usage_monthly": spent,
        "byok_usage": spent,
        "byok_usage_daily": spent,
        "byok_usage_weekly": spent,
        "byok_usage_monthly": spent,
        "include_byok_in_limit": false,
        "is_free_tier": true,
        "is_management_key": false,
        "is_provisioning_key": false,
        "expires_at": record.expires_at_ms.map(clock::format_ms),
        "creator_user_id": creator,
        "rate_limit": {"requests": -1, "interval": "10s", "note": RATE_LIMIT_NOTE},
        "allowed_data_regions": ["global"],
        "free_model_daily_requests": {
            "limit": FREE_MODEL_DAILY_LIMIT,
            "remaining": FREE_MODEL_DAILY_LIMIT,
            "used": 0,
        },
        "organization_id": null,
        "workspace_id": record.workspace_id,
        "budgets": budgets,
        "effective_budget": effective_budget,
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(limit: Option<f64>, reset: Option<&str>) -> KeyRecord {
        KeyRecord {
            label: "app".into(),
            limit,
            limit_reset: reset.map(str::to_owned),
            expires_at_ms: None,
            workspace_id: None,
        }
    }

    #[test]
    fn a_key_without_a_limit_has_no_budget() {
        let b = &body(&record(None, None), "user_1", 0)["data"];
        assert_eq!(b["limit"], Value::Null);
        assert_eq!(b["limit_remaining"], Value::Null);
        assert_eq!(b["budgets"], json!([]));
        assert_eq!(b["effective_budget"], Value::Null);
        assert_eq!(b["usage"], json!(0.0));
        assert!(b["free_model_daily_requests"]["used"].is_u64());
        assert!(b["rate_limit"]["requests"].is_i64());
        assert_eq!(b["expires_at"], Value::Null);
    }

    #[test]
    fn a_limited_key_reports_its_remaining_and_next_reset() {
        let now = clock::parse_rfc3339("2025-08-27T10:30:00Z").unwrap();
        let b = &body(&record(Some(12.5), Some("weekly")), "user_1", now)["data"];
        assert_eq!(b["limit_remaining"], json!(12.5));
        assert_eq!(b["limit_reset"], "weekly");
        assert_eq!(b["effective_budget"], b["budgets"][0]);
        assert_eq!(b["budgets"][0]["resets_at"], "2025-09-01T00:00:00Z");
        assert_eq!(b["budgets"][0]["remaining_usd"], json!(12.5));
        let lifetime = body(&record(Some(1.0), None), "user_1", now);
        assert_eq!(lifetime["data"]["budgets"][0]["resets_at"], Value::Null);
    }
}
