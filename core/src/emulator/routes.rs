//! The HTTP surface: `/auth`, `/auth/decision`, `/api/v1/auth/keys`, `/api/v1/auth/keys/code`,
//! `/api/v1/key` (the three API endpoints with CORS), and JSON 404/405s.
//!
//! Status codes and messages follow PROTOCOL.md exactly. No body ever echoes a code, verifier or key
//! from the request.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};
use url::{Host, Url};

use super::fault::{self, Endpoint, Outcome};
use super::state::{ExchangeOutcome, Grant, KeyRecord, PendingAuth, Shared};
use super::{clock, cors, create_code, key_info, pages};

/// The largest exchange body read; a real one is a few hundred bytes.
const MAX_EXCHANGE_BODY: usize = 64 * 1024;

type Shr = State<Arc<Shared>>;

/// Build the router over `shared`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/api/v1/auth/keys", any(exchange))
        .route("/api/v1/auth/keys/code", any(create_auth_code))
        .route("/api/v1/key", any(key_info))
        .route_layer(middleware::from_fn(cors::layer));
    Router::new()
        .route("/auth", get(auth))
        .route("/auth/decision", post(decision))
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

/// OpenRouter's error shape: `{"error":{"code":<int>,"message":"<text>"}}`.
fn json_error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"code": status.as_u16(), "message": message}});
    no_store((status, axum::Json(body)).into_response())
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, "Not Found")
}

async fn method_not_allowed() -> Response {
    json_error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

fn method_not_allowed_with(allow: &'static str) -> Response {
    let mut resp = json_error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

/// A validated `/auth` request.
struct AuthRequest {
    callback: Option<Url>,
    grant: Grant,
    state: Option<String>,
}

/// Validate `/auth`'s query the way the protocol describes; `Err` is the reason shown on the 400 page.
fn parse_auth(query: &str) -> Result<AuthRequest, String> {
    let mut callback = None;
    let mut challenge = None;
    let mut method = None;
    let mut label = None;
    let mut limit = None;
    let mut state = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let target = match name.as_ref() {
            "callback_url" => &mut callback,
            "code_challenge" => &mut challenge,
            "code_challenge_method" => &mut method,
            "key_label" => &mut label,
            "limit" => &mut limit,
            "state" => &mut state,
            _ => continue,
        };
        if target.is_some() {
            return Err(format!("the parameter {name} appears more than once"));
        }
        // An empty value is treated as absent, as form encoders produce them for unset fields.
        *target = Some(value.into_owned()).filter(|v| !v.is_empty());
    }
    let callback = callback.map(|c| check_callback(&c)).transpose()?;
    if let Some(m) = method.as_deref()
        && m != "S256"
        && m != "plain"
    {
        return Err("code_challenge_method must be S256 or plain".into());
    }
    match challenge.as_deref() {
        None if method.is_some() => {
            return Err("code_challenge_method was given without a code_challenge".into());
        }
        Some(c) if !(43..=128).contains(&c.len()) || !c.bytes().all(is_unreserved) => {
            return Err("code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~".into());
        }
        _ => {}
    }
    if callback.is_none() && (challenge.is_none() || method.as_deref() != Some("S256")) {
        return Err(
            "headless mode (no callback_url) requires a code_challenge with code_challenge_method=S256"
                .into(),
        );
    }
    let limit = match limit {
        None => None,
        Some(l) => match l.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
            _ => return Err("limit must be a non-negative number".into()),
        },
    };
    // RFC 7636 §4.3: a challenge without a method is `plain`.
    let method = challenge.as_ref().map(|_| method.unwrap_or_else(|| "plain".into()));
    Ok(AuthRequest { callback, grant: Grant { challenge, method, label, limit, ..Grant::default() }, state })
}

pub(super) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    }
}

pub(super) fn check_callback(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|_| "callback_url is not a valid absolute URL".to_string())?;
    let ok = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback_host(&url),
        _ => false,
    };
    if !ok {
        return Err("callback_url must be https://, or http:// on localhost, 127.0.0.1 or [::1]".into());
    }
    if url.fragment().is_some() {
        return Err("callback_url must not contain a fragment".into());
    }
    Ok(url)
}

/// The name on the consent page: the key label, else `localhost:PORT` for loopback apps, else the host.
fn app_name(callback: Option<&Url>, grant: &Grant) -> String {
    if let Some(label) = &grant.label {
        return label.clone();
    }
    match callback {
        Some(url) if is_loopback_host(url) => {
            format!("localhost:{}", url.port_or_known_default().unwrap_or(80))
        }
        Some(url) => url.host_str().unwrap_or("an application").to_owned(),
        None => "an application".to_owned(),
    }
}

/// 302 to `url` with `pairs` appended to its query (existing parameters and encodings are kept).
fn redirect_to(url: Url) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(loc) = HeaderValue::from_str(url.as_str()) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    pages::harden(&mut resp);
    resp
}

/// `url` with `pairs` appended, and the flow's `state` when the emulator relays it.
fn callback_with(shared: &Shared, mut url: Url, pairs: &[(&str, &str)], state: Option<&str>) -> Url {
    url.query_pairs_mut().extend_pairs(pairs);
    if let (true, Some(state)) = (shared.settings().relay_state, state) {
        url.query_pairs_mut().append_pair("state", state);
    }
    url
}

fn approve(shared: &Shared, pending: PendingAuth) -> Response {
    let app = app_name(pending.callback.as_ref(), &pending.grant);
    let code = shared.issue_code(pending.grant);
    match pending.callback {
        Some(url) => redirect_to(callback_with(shared, url, &[("code", &code)], pending.state.as_deref())),
        None => pages::show_code(&code, &app),
    }
}

fn deny(shared: &Shared, pending: PendingAuth) -> Response {
    match pending.callback {
        Some(url) => {
            let pairs = [("error", "access_denied"), ("error_description", "The user denied the request")];
            redirect_to(callback_with(shared, url, &pairs, pending.state.as_deref()))
        }
        None => pages::denied(&app_name(None, &pending.grant)),
    }
}

/// Where a browser that opens `/auth?{query}` ends up when the emulator approves at once: the callback URL
/// with the code (and the relayed `state`). `Err`: why it would not redirect there.
pub(crate) fn approved_callback(shared: &Shared, query: &str) -> Result<Url, String> {
    let req = parse_auth(query)?;
    if !shared.settings().auto_approve {
        return Err("auto-approve is off, so /auth shows the Approve/Deny page".into());
    }
    let Some(url) = req.callback else {
        return Err(
            "a headless flow (no callback URL) shows its code on the page; issue a code instead".into()
        );
    };
    let code = shared.issue_code(req.grant);
    Ok(callback_with(shared, url, &[("code", &code)], req.state.as_deref()))
}

async fn auth(State(shared): Shr, RawQuery(query): RawQuery) -> Response {
    let req = match parse_auth(query.as_deref().unwrap_or("")) {
        Ok(r) => r,
        Err(reason) => return pages::bad_request(&reason),
    };
    let pending = PendingAuth { callback: req.callback, grant: req.grant, state: req.state };
    if shared.settings().auto_approve {
        return approve(&shared, pending);
    }
    let app = app_name(pending.callback.as_ref(), &pending.grant);
    let limit = pending.grant.limit;
    let id = shared.add_pending(pending);
    pages::consent(&id, &app, limit)
}

async fn decision(State(shared): Shr, body: Bytes) -> Response {
    let mut request_id = None;
    let mut choice = None;
    for (name, value) in url::form_urlencoded::parse(&body) {
        match name.as_ref() {
            "request_id" => request_id = Some(value.into_owned()),
            "decision" => choice = Some(value.into_owned()),
            _ => {}
        }
    }
    let approve_it = match choice.as_deref() {
        Some("approve") => true,
        Some("deny") => false,
        _ => return pages::bad_request("decision must be approve or deny"),
    };
    let Some(pending) = request_id.as_deref().and_then(|id| shared.take_pending(id)) else {
        return pages::bad_request("unknown or already decided authorization request");
    };
    if approve_it { approve(&shared, pending) } else { deny(&shared, pending) }
}

/// Read an optional string field: absent or `null` is `None`; any other non-string is an error.
fn optional_str<'a>(body: &'a Value, field: &str) -> Result<Option<&'a str>, ()> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

async fn exchange(State(shared): Shr, req: Request) -> Response {
    if let Some(f) = shared.begin_request(Endpoint::Exchange, req.headers())
        && let Outcome::Respond(resp) = fault::apply(f, shared.shutdown.clone()).await
    {
        return resp;
    }
    if req.method() != Method::POST {
        return method_not_allowed_with("POST");
    }
    let invalid = || json_error(StatusCode::BAD_REQUEST, "Invalid request body");
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), MAX_EXCHANGE_BODY).await else {
        return invalid();
    };
    let Ok(body) = serde_json::from_slice::<Value>(&bytes) else {
        return invalid();
    };
    let Some(code) = body.get("code").and_then(Value::as_str) else {
        return invalid();
    };
    let (Ok(verifier), Ok(method)) =
        (optional_str(&body, "code_verifier"), optional_str(&body, "code_challenge_method"))
    else {
        return invalid();
    };
    match shared.exchange(code, verifier, method) {
        ExchangeOutcome::Minted { key } => {
            no_store(axum::Json(json!({"key": key, "user_id": shared.user_id})).into_response())
        }
        ExchangeOutcome::InvalidCode => json_error(StatusCode::FORBIDDEN, "Invalid code or code_verifier"),
        ExchangeOutcome::Expired => json_error(StatusCode::FORBIDDEN, "Authorization code expired"),
        ExchangeOutcome::MethodMismatch => {
            json_error(StatusCode::BAD_REQUEST, "Invalid code_challenge_method")
        }
    }
}

/// The token of `Authorization: Bearer <token>`, if there is a non-empty one.
fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn key_info(State(shared): Shr, req: Request) -> Response {
    if let Some(f) = shared.begin_request(Endpoint::KeyInfo, req.headers())
        && let Outcome::Respond(resp) = fault::apply(f, shared.shutdown.clone()).await
    {
        return resp;
    }
    if req.method() != Method::GET {
        return method_not_allowed_with("GET");
    }
    let record = match known_key(&shared, &req) {
        Ok(key) => key,
        Err(message) => return json_error(StatusCode::UNAUTHORIZED, message),
    };
    no_store(axum::Json(key_info::body(&record, &shared.user_id, clock::now_ms())).into_response())
}

/// The record of the request's bearer key, or the message of the 401 OpenRouter answers without one or for
/// an unknown one.
fn known_key(shared: &Shared, req: &Request) -> Result<KeyRecord, &'static str> {
    let Some(key) = bearer(req) else {
        return Err("No auth credentials found");
    };
    shared.key_info(key).ok_or("User not found.")
}

/// `POST /api/v1/auth/keys/code`: an app holding a key creates a code; `data.id` is exchanged like a
/// redirect's `code` (single-use, bound to the challenge, same lifetime).
async fn create_auth_code(State(shared): Shr, req: Request) -> Response {
    if let Some(f) = shared.begin_request(Endpoint::CreateAuthCode, req.headers())
        && let Outcome::Respond(resp) = fault::apply(f, shared.shutdown.clone()).await
    {
        return resp;
    }
    if req.method() != Method::POST {
        return method_not_allowed_with("POST");
    }
    if let Err(message) = known_key(&shared, &req) {
        return json_error(StatusCode::UNAUTHORIZED, message);
    }
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), MAX_EXCHANGE_BODY).await else {
        return json_error(StatusCode::BAD_REQUEST, "Invalid request body");
    };
    let now = clock::now_ms();
    let request = match create_code::parse(&bytes, now) {
        Ok(r) => r,
        Err(reason) => return json_error(StatusCode::BAD_REQUEST, &reason),
    };
    let app_id = shared.app_id(&request.callback.origin().ascii_serialization());
    let code = shared.issue_code(request.grant);
    no_store(
        axum::Json(json!({"data": {"id": code, "app_id": app_id, "created_at": clock::format_ms(now)}}))
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn auth_validation() {
        let ok = |q: &str| parse_auth(q).is_ok();
        assert!(ok(&format!("code_challenge={C}&code_challenge_method=S256")));
        assert!(ok("callback_url=http://localhost:3000/cb"));
        assert!(ok("callback_url=http://127.0.0.1:1/cb"));
        assert!(ok("callback_url=http://[::1]:1/cb"));
        assert!(ok("callback_url=https://example.com/cb"));
        assert!(!ok("callback_url=http://example.com/cb"));
        assert!(!ok("callback_url=javascript:alert(1)"));
        assert!(!ok("callback_url=https://example.com/cb&callback_url=https://x.com"));
        assert!(!ok(&format!("code_challenge={C}&code_challenge_method=plain")));
        assert!(!ok("code_challenge_method=S256&callback_url=https://a.b/"));
        assert!(!ok(&format!("callback_url=https://a.b/&code_challenge={C}&code_challenge_method=S512")));
        assert!(!ok("callback_url=https://a.b/&limit=-1"));
        assert!(!ok("callback_url=https://a.b/&limit=NaN"));
        assert!(ok("callback_url=https://a.b/&limit=2.5"));
        assert!(!ok("callback_url=https://a.b/&code_challenge=short"));
        let r = parse_auth(&format!("callback_url=https://a.b/&code_challenge={C}")).unwrap();
        assert_eq!(r.grant.method.as_deref(), Some("plain"));
    }
}
