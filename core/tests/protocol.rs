//! The I/O-free protocol layer on its own, as a transport other than reqwest (a runtime's `fetch` in the
//! wasm build) uses it: the shared answer vectors of `tests/vectors/http_answers.json` read by the pure
//! interpreters, and a scripted transport driven by the retry policy. Builds without the `net` feature.

use std::collections::VecDeque;
use std::time::Duration;

use openrouter_pkce::protocol::{
    Failure, HttpRequest, HttpResponse, RequestContext, Retries, Retry, exchange_request, failure_error,
    key_info_request, process_exchange_response, process_key_info_response,
};
use openrouter_pkce::{
    Attribution, AuthorizationCode, ExchangeRequest, Result, default_user_agent, is_well_formed_key,
};
use serde_json::Value;

const BASE: &str = "https://openrouter.ai";

fn vectors() -> Value {
    let path = format!("{}/../tests/vectors/http_answers.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect(&path)
}

fn cases(section: &str) -> Vec<(u16, String, Option<String>)> {
    let v = vectors();
    let cases = v[section].as_array().unwrap_or_else(|| panic!("no {section} vectors"));
    assert!(cases.len() >= 5, "{section}: too few vectors");
    cases
        .iter()
        .map(|c| {
            (
                c["status"].as_u64().unwrap() as u16,
                c["body"].as_str().unwrap().to_owned(),
                c["error"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn exchange_answer_vectors_read_by_the_pure_interpreter() {
    for (status, body, error) in cases("exchange") {
        let got = process_exchange_response(&HttpResponse::new(status, body.as_bytes()), BASE);
        match (&got, &error) {
            (Ok(key), None) => {
                assert!(is_well_formed_key(key.key()), "{status} {body}");
                assert_eq!(key.base_url(), Some(BASE), "the key remembers who minted it");
            }
            (Err(e), Some(code)) => {
                assert_eq!(e.code(), code, "{status} {body}");
                if !(200..300).contains(&status) {
                    assert_eq!(e.status(), Some(status), "{status} {body}");
                }
                assert!(!e.to_string().contains(&body) || body.is_empty(), "the body is never echoed: {e}");
            }
            _ => panic!("{status} {body}: expected {error:?}, got {got:?}"),
        }
    }
}

#[test]
fn key_info_answer_vectors_read_by_the_pure_interpreter() {
    for (status, body, error) in cases("key_info") {
        let got = process_key_info_response(&HttpResponse::new(status, body.as_bytes()));
        assert_eq!(got.as_ref().err().map(|e| e.code()), error.as_deref(), "{status} {body}");
    }
}

/// A transport written against the protocol layer only: each attempt's outcome comes from `script`, and the
/// layer alone decides whether to send again. Returns the result and how many times the request was sent.
fn drive(
    request: &HttpRequest,
    script: Vec<std::result::Result<HttpResponse, Failure>>,
) -> (Result<HttpResponse>, usize) {
    let mut script = VecDeque::from(script);
    let mut retries = Retries::new(request.delivery);
    let mut sent = 0;
    loop {
        sent += 1;
        match script.pop_front().expect("the script ran out: sent once too often") {
            Ok(answer) => match retries.after_answer(&answer, Duration::from_secs(30)) {
                Retry::After(_) | Retry::OnFreshConnection => continue,
                Retry::No => return (Ok(answer), sent),
            },
            Err(failure) => match retries.after_failure(failure) {
                Retry::After(_) | Retry::OnFreshConnection => continue,
                Retry::No => return (Err(failure_error(failure, Duration::from_secs(30), None)), sent),
            },
        }
    }
}

fn context() -> RequestContext {
    RequestContext {
        base_url: BASE.into(),
        user_agent: default_user_agent(),
        attribution: Attribution::default(),
    }
}

#[test]
fn a_scripted_transport_sends_the_exchange_at_most_once() {
    let exchange = exchange_request(
        &context(),
        &ExchangeRequest { code: AuthorizationCode::new("CODE"), ..Default::default() },
    )
    .unwrap();
    let ok = || Ok(HttpResponse::new(200, r#"{"key":"sk-or-v1-0123456789abcdef"}"#));
    // Never sent (connect failures): sent again, twice at most.
    let (answer, sent) = drive(&exchange, vec![Err(Failure::Connect), Err(Failure::Connect), ok()]);
    assert_eq!(sent, 3);
    assert!(process_exchange_response(&answer.unwrap(), BASE).is_ok());
    let (answer, sent) = drive(&exchange, vec![Err(Failure::Connect); 3]);
    assert_eq!((answer.unwrap_err().code(), sent), ("NETWORK", 3));
    // May have arrived: final, whatever happened.
    for failure in [Failure::Send, Failure::Body, Failure::Timeout] {
        let (answer, sent) = drive(&exchange, vec![Err(failure), ok()]);
        assert_eq!(sent, 1, "{failure:?} resent the exchange");
        assert!(matches!(answer.unwrap_err().code(), "NETWORK" | "TIMEOUT"));
    }
    let (answer, sent) = drive(&exchange, vec![Ok(HttpResponse::new(502, "")), ok()]);
    assert_eq!(sent, 1);
    assert_eq!(process_exchange_response(&answer.unwrap(), BASE).unwrap_err().code(), "SERVER_ERROR");
    // Rate limited with a short Retry-After: not processed, so waited out once.
    let limited =
        HttpResponse { headers: vec![("Retry-After".into(), "1".into())], ..HttpResponse::new(429, "") };
    let (answer, sent) = drive(&exchange, vec![Ok(limited.clone()), ok()]);
    assert_eq!(sent, 2);
    assert!(process_exchange_response(&answer.unwrap(), BASE).is_ok());
    let (answer, sent) = drive(&exchange, vec![Ok(limited.clone()), Ok(limited)]);
    assert_eq!(sent, 2);
    assert_eq!(process_exchange_response(&answer.unwrap(), BASE).unwrap_err().code(), "RATE_LIMITED");
}

#[test]
fn a_scripted_transport_resends_key_info_once_on_a_dead_connection() {
    let request = key_info_request(&context(), "sk-or-v1-0123456789abcdef").unwrap();
    let ok = || Ok(HttpResponse::new(200, r#"{"data":{"label":"x"}}"#));
    let (answer, sent) = drive(&request, vec![Err(Failure::Send), ok()]);
    assert_eq!(sent, 2);
    assert_eq!(process_key_info_response(&answer.unwrap()).unwrap().label.as_deref(), Some("x"));
    let (answer, sent) = drive(&request, vec![Err(Failure::Body), Err(Failure::Send), ok()]);
    assert_eq!((answer.unwrap_err().code(), sent), ("NETWORK", 2));
}
