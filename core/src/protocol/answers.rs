//! The answers: what each status and body means, per endpoint. The server's own text only *chooses* between
//! documented cases; it is never copied into our message (it may echo the code or verifier).

use serde::Deserialize;
use serde_json::Value;

use super::{HttpResponse, MAX_BODY_BYTES};
use crate::api_key::{ApiKey, KeyInfo, is_well_formed_key};
use crate::auth_code::AuthCode;
use crate::error::{Error, ErrorCode, Result};
use crate::exchange::AuthorizationCode;
use crate::response::check_code;

/// Which endpoint answered, since the same status means different things on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Exchange,
    KeyInfo,
    CreateAuthCode,
}

/// OpenRouter's error body: `{"error": {"code": <int>, "message": "<text>"}}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}
#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: Option<String>,
}

fn error_message_of(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<ErrorBody>(body).ok().and_then(|b| b.error.message)
}

/// An answer whose body is longer than [`MAX_BODY_BYTES`]: `MALFORMED_RESPONSE`, whatever its status (a
/// transport that stops reading at the cap reports this).
pub fn body_too_large(status: u16) -> Error {
    Error::MalformedResponse {
        status: Some(status),
        detail: format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
    }
}

fn malformed(status: u16, detail: &str) -> Error {
    Error::MalformedResponse { status: Some(status), detail: detail.to_owned() }
}

/// Map a non-2xx answer to its error: the whole table of docs/errors.md for OpenRouter's statuses.
fn status_error(endpoint: Endpoint, answer: &HttpResponse) -> Error {
    let status = answer.status;
    let http = |code: ErrorCode, message: &str| Error::Http {
        code,
        status,
        message: message.to_owned(),
        retry_after: answer.retry_after(),
    };
    match (endpoint, status) {
        (Endpoint::Exchange, 400) => http(
            ErrorCode::InvalidCodeChallengeMethod,
            "OpenRouter says the code_challenge_method differs from the authorization URL's; start the flow again with the same method",
        ),
        (Endpoint::Exchange, 403) => {
            let expired =
                error_message_of(&answer.body).is_some_and(|m| m.to_ascii_lowercase().contains("expired"));
            if expired {
                http(
                    ErrorCode::CodeExpired,
                    "the authorization code expired (codes live 10 minutes); start the flow again",
                )
            } else {
                http(
                    ErrorCode::InvalidCode,
                    "OpenRouter refused the code or code_verifier (wrong, already used, or from another flow); start the flow again",
                )
            }
        }
        (Endpoint::Exchange, 405) => http(
            ErrorCode::MethodNotAllowed,
            "OpenRouter answered Method Not Allowed: the exchange must be a POST over HTTPS (check base_url and proxies)",
        ),
        (Endpoint::KeyInfo | Endpoint::CreateAuthCode, 401) => http(
            ErrorCode::Unauthorized,
            "OpenRouter does not accept this API key (invalid or revoked); log in again",
        ),
        (Endpoint::CreateAuthCode, 400) => http(
            ErrorCode::UnexpectedStatus,
            "OpenRouter refused the auth code's parameters (callback_url, expires_at, limit, workspace_id)",
        ),
        (Endpoint::CreateAuthCode, 403) => http(
            ErrorCode::UnexpectedStatus,
            "OpenRouter does not let this key create auth codes (it says which keys may)",
        ),
        (Endpoint::CreateAuthCode, 409) => http(
            ErrorCode::UnexpectedStatus,
            "OpenRouter reported a conflict creating the auth code; try again",
        ),
        (Endpoint::CreateAuthCode, 500..=599) => http(
            ErrorCode::ServerError,
            "OpenRouter had a server error; whether the auth code was created is unknown, so create another",
        ),
        (_, 429) => http(ErrorCode::RateLimited, "rate limited by OpenRouter; wait and try again"),
        (Endpoint::Exchange, 500..=599) => http(
            ErrorCode::ServerError,
            "OpenRouter had a server error; the exchange's outcome is unknown and the code may be spent, so start the flow again",
        ),
        (Endpoint::KeyInfo, 500..=599) => {
            http(ErrorCode::ServerError, "OpenRouter had a server error; try again later")
        }
        (_, 300..=399) => http(
            ErrorCode::UnexpectedStatus,
            "OpenRouter answered with a redirect, which is never followed (check base_url)",
        ),
        _ => http(ErrorCode::UnexpectedStatus, "unexpected HTTP status from OpenRouter"),
    }
}

/// The common frame of every answer: the body cap, then a 2xx goes to `parse`, anything else to the table.
fn process<T>(
    endpoint: Endpoint,
    response: &HttpResponse,
    parse: impl FnOnce(u16, &[u8]) -> Result<T>,
) -> Result<T> {
    if response.body.len() > MAX_BODY_BYTES {
        return Err(body_too_large(response.status));
    }
    if response.is_success() {
        parse(response.status, &response.body)
    } else {
        Err(status_error(endpoint, response))
    }
}

/// Read the exchange's answer (`POST /api/v1/auth/keys`): a 2xx must be `{"key": "<well-formed key>",
/// "user_id": "<string>" | null}` (extra fields tolerated), else `MALFORMED_RESPONSE`; 400 is
/// `INVALID_CODE_CHALLENGE_METHOD`, 403 `CODE_EXPIRED` when OpenRouter's message says expired and
/// `INVALID_CODE` otherwise, 405 `METHOD_NOT_ALLOWED`, 429 `RATE_LIMITED`, 5xx `SERVER_ERROR`, a 3xx or any
/// other status `UNEXPECTED_STATUS`. The key remembers `base_url`, the server that minted it.
pub fn process_exchange_response(response: &HttpResponse, base_url: &str) -> Result<ApiKey> {
    process(Endpoint::Exchange, response, parse_key).map(|key| key.with_base_url(base_url))
}

/// Read key info's answer (`GET /api/v1/key`): a 2xx must be `{"data": {...}}`; 401 is `UNAUTHORIZED`.
pub fn process_key_info_response(response: &HttpResponse) -> Result<KeyInfo> {
    process(Endpoint::KeyInfo, response, parse_key_info)
}

/// Read the answer to creating an auth code (`POST /api/v1/auth/keys/code`): a 2xx must be
/// `{"data": {"id": "<code>", "app_id": <int>, "created_at": "<date-time>"}}`; 401 is `UNAUTHORIZED`, 400,
/// 403 and 409 `UNEXPECTED_STATUS` with what OpenRouter refused, 5xx `SERVER_ERROR`.
pub fn process_create_auth_code_response(response: &HttpResponse) -> Result<AuthCode> {
    process(Endpoint::CreateAuthCode, response, parse_auth_code)
}

/// Parse a successful exchange body: `{"key": "<non-empty string>", "user_id": "<string>" | null}`.
fn parse_key(status: u16, body: &[u8]) -> Result<ApiKey> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| malformed(status, "the exchange answer is not JSON"))?;
    let obj =
        value.as_object().ok_or_else(|| malformed(status, "the exchange answer is not a JSON object"))?;
    let key = match obj.get("key") {
        Some(Value::String(k)) => k,
        Some(_) => return Err(malformed(status, "the exchange answer's `key` is not a string")),
        None => return Err(malformed(status, "the exchange answer has no `key`")),
    };
    if !is_well_formed_key(key) {
        return Err(malformed(status, "the exchange answer's `key` is empty or malformed"));
    }
    let user_id = match obj.get("user_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(u)) => Some(u.clone()),
        Some(_) => return Err(malformed(status, "the exchange answer's `user_id` is not a string")),
    };
    Ok(ApiKey::new(key.clone(), user_id))
}

/// Parse a key-info body: `{"data": {...}}`.
fn parse_key_info(status: u16, body: &[u8]) -> Result<KeyInfo> {
    #[derive(Deserialize)]
    struct Envelope {
        data: KeyInfo,
    }
    serde_json::from_slice::<Envelope>(body)
        .map(|e| e.data)
        .map_err(|_| malformed(status, "the key info answer is not the documented JSON"))
}

/// `{"data": {"id": "<code>", "app_id": <int>, "created_at": "<date-time>"}}`.
pub(crate) fn parse_auth_code(status: u16, body: &[u8]) -> Result<AuthCode> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| malformed(status, "the auth code answer is not JSON"))?;
    let data = value
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed(status, "the auth code answer has no `data` object"))?;
    let id = match data.get("id") {
        Some(Value::String(id)) if check_code(id).is_ok() => id.clone(),
        _ => return Err(malformed(status, "the auth code answer's `id` is missing or malformed")),
    };
    let app_id = match data.get("app_id") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| malformed(status, "the auth code answer's `app_id` is not an integer"))?,
        ),
    };
    let created_at = match data.get("created_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed(status, "the auth code answer's `created_at` is not a string")),
    };
    Ok(AuthCode { id: AuthorizationCode::new(id), app_id, created_at })
}

/// Map an HTTP status and body, as the exchange would, to the resulting error code (or `None` for a
/// well-formed success). Used by the shared test vectors in all three languages.
pub fn classify_exchange_answer(status: u16, body: &[u8]) -> Option<ErrorCode> {
    process_exchange_response(&HttpResponse::new(status, body), "").err().map(|e| e.kind())
}

/// Map an HTTP status and body, as key info would, to the resulting error code (`None` on success).
pub fn classify_key_info_answer(status: u16, body: &[u8]) -> Option<ErrorCode> {
    process_key_info_response(&HttpResponse::new(status, body)).err().map(|e| e.kind())
}
