use std::time::Duration;

use super::*;
use crate::attribution::Attribution;
use crate::auth_code::AuthCodeOptions;
use crate::error::{Error, ErrorCode};
use crate::exchange::{AuthorizationCode, ExchangeRequest};
use crate::pkce::{ChallengeMethod, CodeVerifier};

const KEY: &str = "sk-or-v1-0123456789abcdef";

fn context() -> RequestContext {
    RequestContext {
        base_url: "https://openrouter.ai/".into(),
        user_agent: default_user_agent(),
        attribution: Attribution {
            http_referer: Some("https://app.example".into()),
            app_title: Some("Ünïcode app".into()),
            app_categories: Some(vec!["cli-agent".into()]),
        },
    }
}

fn names(request: &HttpRequest) -> Vec<&str> {
    request.headers.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn the_exchange_request_is_built_whole() {
    let verifier = CodeVerifier::new("V".repeat(43)).unwrap();
    let exchange = ExchangeRequest {
        code: AuthorizationCode::new("  CODE-1 \n"),
        code_verifier: Some(verifier),
        code_challenge_method: Some(ChallengeMethod::S256),
    };
    let request = exchange_request(&context(), &exchange).unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://openrouter.ai/api/v1/auth/keys");
    assert_eq!(request.delivery, Delivery::AtMostOnce);
    assert_eq!(
        names(&request),
        [
            "HTTP-Referer",
            "X-OpenRouter-Title",
            "X-Title",
            "X-OpenRouter-Categories",
            "User-Agent",
            "Content-Type",
            "Accept"
        ]
    );
    assert_eq!(request.header("x-title"), Some("Ünïcode app"));
    assert_eq!(request.header("authorization"), None, "the exchange carries no key");
    let body: serde_json::Value = serde_json::from_slice(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": "CODE-1", "code_verifier": "V".repeat(43), "code_challenge_method": "S256"})
    );
    let no_challenge = ExchangeRequest { code: "C".into(), ..Default::default() };
    let body = exchange_request(&context(), &no_challenge).unwrap().body.unwrap();
    assert_eq!(body, br#"{"code":"C"}"#);
    // Nothing invalid is built, so nothing invalid is sent.
    for bad in ["", "a b", "é"] {
        let bad = ExchangeRequest { code: bad.into(), ..Default::default() };
        assert_eq!(exchange_request(&context(), &bad).unwrap_err().code(), "INVALID_ARGUMENT");
    }
    let remote_http = RequestContext { base_url: "http://example.com".into(), ..context() };
    assert_eq!(exchange_request(&remote_http, &no_challenge).unwrap_err().code(), "INVALID_ARGUMENT");
    let too_many = RequestContext {
        attribution: Attribution {
            app_categories: Some(vec!["cli-agent".into(), "game".into(), "legal".into()]),
            ..Default::default()
        },
        ..context()
    };
    assert_eq!(exchange_request(&too_many, &no_challenge).unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn key_info_and_auth_code_requests_carry_the_key_as_bearer() {
    let request = key_info_request(&context(), KEY).unwrap();
    assert_eq!((request.method, request.url.as_str()), (Method::Get, "https://openrouter.ai/api/v1/key"));
    assert_eq!(request.delivery, Delivery::Idempotent);
    assert_eq!(request.header("Authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(request.body, None);
    assert_eq!(key_info_request(&context(), "not a key").unwrap_err().code(), "INVALID_ARGUMENT");

    let options = AuthCodeOptions { callback_url: "https://app.example/cb".into(), ..Default::default() };
    let request = create_auth_code_request(&context(), KEY, &options, 1_800_000_000).unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://openrouter.ai/api/v1/auth/keys/code");
    assert_eq!(request.delivery, Delivery::AtMostOnce);
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.body.as_deref(), Some(&br#"{"callback_url":"https://app.example/cb"}"#[..]));
    let past = AuthCodeOptions { expires_at: Some(1_700_000_000.0), ..options };
    assert_eq!(
        create_auth_code_request(&context(), KEY, &past, 1_800_000_000).unwrap_err().code(),
        "INVALID_ARGUMENT"
    );

    let probe = reachability_request("http://127.0.0.1:8787/", "ua").unwrap();
    assert_eq!((probe.method, probe.url.as_str()), (Method::Head, "http://127.0.0.1:8787"));
}

#[test]
fn requests_and_answers_redact_their_secrets() {
    let verifier = CodeVerifier::new("V".repeat(43)).unwrap();
    let exchange = ExchangeRequest {
        code: AuthorizationCode::new("SECRETCODE"),
        code_verifier: Some(verifier),
        code_challenge_method: None,
    };
    let shown = format!(
        "{:?} {:?} {:?}",
        exchange_request(&context(), &exchange).unwrap(),
        key_info_request(&context(), KEY).unwrap(),
        HttpResponse::new(200, format!(r#"{{"key":"{KEY}"}}"#))
    );
    assert!(!shown.contains("SECRETCODE") && !shown.contains(&"V".repeat(43)), "{shown}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("<redacted>") && shown.contains("bytes"), "{shown}");
}

#[test]
fn answers_are_read_per_endpoint() {
    let answer = |status, body: &str| HttpResponse::new(status, body);
    let key =
        process_exchange_response(&answer(200, &format!(r#"{{"key":"{KEY}","user_id":"u"}}"#)), "b").unwrap();
    assert_eq!((key.key(), key.user_id(), key.base_url()), (KEY, Some("u"), Some("b")));
    let info = process_key_info_response(&answer(200, r#"{"data":{"label":"x","usage":1.5}}"#)).unwrap();
    assert_eq!(info.label.as_deref(), Some("x"));
    let code =
        process_create_auth_code_response(&answer(201, r#"{"data":{"id":"auth_1","app_id":7}}"#)).unwrap();
    assert_eq!((code.id.secret(), code.app_id), ("auth_1", Some(7)));

    // The same status means different things on each endpoint.
    let code_of = |e: Error| e.kind();
    assert_eq!(
        code_of(process_exchange_response(&answer(401, ""), "").unwrap_err()),
        ErrorCode::UnexpectedStatus
    );
    assert_eq!(code_of(process_key_info_response(&answer(401, "")).unwrap_err()), ErrorCode::Unauthorized);
    assert_eq!(
        code_of(process_create_auth_code_response(&answer(401, "")).unwrap_err()),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        code_of(process_exchange_response(&answer(400, ""), "").unwrap_err()),
        ErrorCode::InvalidCodeChallengeMethod
    );
    assert_eq!(
        code_of(process_create_auth_code_response(&answer(400, "")).unwrap_err()),
        ErrorCode::UnexpectedStatus
    );
    assert_eq!(
        code_of(process_create_auth_code_response(&answer(503, "")).unwrap_err()),
        ErrorCode::ServerError
    );
    // A redirect is never followed: it is an answer, and not a good one.
    let e = process_exchange_response(&answer(307, ""), "").unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorCode::UnexpectedStatus, Some(307)));
    assert!(e.to_string().contains("redirect"), "{e}");
    // 429 keeps the server's Retry-After.
    let limited = HttpResponse { headers: vec![("Retry-After".into(), "7".into())], ..answer(429, "") };
    let e = process_key_info_response(&limited).unwrap_err();
    assert!(
        matches!(e, Error::Http { code: ErrorCode::RateLimited, status: 429, retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{e:?}"
    );
    // A body over the cap is refused whatever the status, as the reqwest transport does when it stops
    // reading.
    let huge = answer(200, &format!(r#"{{"key":"{KEY}","pad":"{}"}}"#, "x".repeat(MAX_BODY_BYTES)));
    let e = process_exchange_response(&huge, "").unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorCode::MalformedResponse, Some(200)));
    assert_eq!(body_too_large(403).kind(), ErrorCode::MalformedResponse);
}

#[test]
fn messages_never_echo_the_body() {
    let answer = HttpResponse::new(
        403,
        &br#"{"error":{"code":403,"message":"Invalid code SECRET123 or verifier VERI456"}}"#[..],
    );
    let e = process_exchange_response(&answer, "").unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(!text.contains("SECRET123") && !text.contains("VERI456"), "{text}");
}

#[test]
fn parses_retry_after() {
    let with =
        |v: &str| HttpResponse { headers: vec![("retry-after".into(), v.into())], ..Default::default() };
    assert_eq!(with("3").retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(with(" 3 ").retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(with("Wed, 21 Oct 2015 07:28:00 GMT").retry_after(), None);
    assert_eq!(HttpResponse::default().retry_after(), None);
}

/// Exactly once: an at-most-once request is resent only when it provably never left, or after a short 429.
#[test]
fn the_retry_policy() {
    let s = Duration::from_secs(1);
    for delivery in [Delivery::AtMostOnce, Delivery::Idempotent] {
        let mut r = Retries::new(delivery);
        assert_eq!(r.after_failure(Failure::Connect), Retry::After(Duration::from_millis(100)));
        assert_eq!(r.after_failure(Failure::Connect), Retry::After(Duration::from_millis(300)));
        assert_eq!(r.after_failure(Failure::Connect), Retry::No);
        assert_eq!(Retries::new(delivery).after_failure(Failure::Timeout), Retry::No);

        let limited = |after: &str| HttpResponse {
            status: 429,
            headers: vec![("Retry-After".into(), after.into())],
            body: Vec::new(),
        };
        let mut r = Retries::new(delivery);
        assert_eq!(r.after_answer(&limited("2"), 10 * s), Retry::After(2 * s));
        assert_eq!(r.after_answer(&limited("2"), 10 * s), Retry::No, "once");
        assert_eq!(Retries::new(delivery).after_answer(&limited("6"), 10 * s), Retry::No, "too long");
        assert_eq!(Retries::new(delivery).after_answer(&limited("2"), s), Retry::No, "past the deadline");
        assert_eq!(Retries::new(delivery).after_answer(&limited("soon"), 10 * s), Retry::No);
        for status in [200, 403, 500, 502, 503] {
            let answer = HttpResponse { status, ..limited("1") };
            assert_eq!(Retries::new(delivery).after_answer(&answer, 10 * s), Retry::No, "{status}");
        }
    }
    for failure in [Failure::Send, Failure::Body] {
        assert_eq!(Retries::new(Delivery::AtMostOnce).after_failure(failure), Retry::No, "{failure:?}");
        let mut r = Retries::new(Delivery::Idempotent);
        assert_eq!(r.after_failure(failure), Retry::OnFreshConnection);
        assert_eq!(r.after_failure(failure), Retry::No, "once");
    }
    assert!(Delivery::Idempotent.pooled() && !Delivery::AtMostOnce.pooled());
}

#[test]
fn final_failures_are_timeout_or_network() {
    let t = Duration::from_millis(1500);
    let e = failure_error(Failure::Timeout, t, None);
    assert_eq!(e.kind(), ErrorCode::Timeout);
    assert!(e.to_string().contains("1.5s"), "{e}");
    for failure in [Failure::Connect, Failure::Send, Failure::Body] {
        assert_eq!(failure_error(failure, t, None).kind(), ErrorCode::Network);
    }
}
