//! Step 2 and 3 over HTTP: the code exchange (`POST /api/v1/auth/keys`) and key info (`GET /api/v1/key`),
//! with every answer mapped onto the contract's error codes.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::api_key::{ApiKey, KeyInfo, is_well_formed_key};
use crate::auth_url::{AuthRequest, now_unix};
use crate::client::{CallOptions, Client, Delivery, HttpAnswer, attribution_headers, bearer};
use crate::error::{Error, ErrorCode, Result};
use crate::pkce::{ChallengeMethod, CodeVerifier};
use crate::response::{check_code, extract_code};
use crate::seal::MAX_CLOCK_SKEW_SECS;

/// An authorization code from the callback: a single-use secret until exchanged.
///
/// Like oauth2-rs's secret types, `Debug` redacts it and there is no `Display`; the value is reachable only
/// through [`AuthorizationCode::secret`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthorizationCode(String);

impl AuthorizationCode {
    /// Wrap a code (it is checked when exchanged).
    pub fn new(code: impl Into<String>) -> Self {
        AuthorizationCode(code.into())
    }

    /// The code itself. Secret: send it only in the exchange.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for AuthorizationCode {
    fn from(code: String) -> Self {
        AuthorizationCode(code)
    }
}

impl From<&str> for AuthorizationCode {
    fn from(code: &str) -> Self {
        AuthorizationCode(code.to_owned())
    }
}

impl std::fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthorizationCode(<redacted>)")
    }
}

/// The exchange's inputs. Both secrets are typed ([`AuthorizationCode`], [`CodeVerifier`]) and redact
/// themselves, so the derived `Debug` never shows them.
#[derive(Debug, Clone, Default)]
pub struct ExchangeRequest {
    /// The authorization code from the callback (secret, single use).
    pub code: AuthorizationCode,
    /// The flow's verifier (secret, validated when built); `None` if the flow used no challenge.
    pub code_verifier: Option<CodeVerifier>,
    /// The method of the flow's challenge; sent whenever a verifier is.
    pub code_challenge_method: Option<ChallengeMethod>,
}

/// Which endpoint answered, since the same status means different things on each.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
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

/// Map a non-2xx answer to its error. The server's own text only *chooses* between documented cases;
/// it is never copied into our message (it may echo the code or verifier).
pub(crate) fn status_error(endpoint: Endpoint, answer: &HttpAnswer) -> Error {
    let status = answer.status;
    let http = |code: ErrorCode, message: &str| Error::Http {
        code,
        status,
        message: message.to_owned(),
        retry_after: answer.retry_after,
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

pub(crate) fn malformed(status: u16, detail: &str) -> Error {
    Error::MalformedResponse { status: Some(status), detail: detail.to_owned() }
}

/// Parse a successful exchange body: `{"key": "<non-empty string>", "user_id": "<string>" | null}`.
fn parse_key(answer: &HttpAnswer) -> Result<ApiKey> {
    let value: Value = serde_json::from_slice(&answer.body)
        .map_err(|_| malformed(answer.status, "the exchange answer is not JSON"))?;
    let obj = value
        .as_object()
        .ok_or_else(|| malformed(answer.status, "the exchange answer is not a JSON object"))?;
    let key = match obj.get("key") {
        Some(Value::String(k)) => k,
        Some(_) => return Err(malformed(answer.status, "the exchange answer's `key` is not a string")),
        None => return Err(malformed(answer.status, "the exchange answer has no `key`")),
    };
    if !is_well_formed_key(key) {
        return Err(malformed(answer.status, "the exchange answer's `key` is empty or malformed"));
    }
    let user_id = match obj.get("user_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(u)) => Some(u.clone()),
        Some(_) => return Err(malformed(answer.status, "the exchange answer's `user_id` is not a string")),
    };
    Ok(ApiKey::new(key.clone(), user_id))
}

/// Parse a key-info body: `{"data": {...}}`.
fn parse_key_info(answer: &HttpAnswer) -> Result<KeyInfo> {
    #[derive(Deserialize)]
    struct Envelope {
        data: KeyInfo,
    }
    serde_json::from_slice::<Envelope>(&answer.body)
        .map(|e| e.data)
        .map_err(|_| malformed(answer.status, "the key info answer is not the documented JSON"))
}

pub(crate) fn check_key_arg(key: &str) -> Result<()> {
    if !is_well_formed_key(key) {
        return Err(Error::invalid_argument("the API key is empty or malformed"));
    }
    Ok(())
}

impl Client {
    /// Exchange an authorization code (and the flow's verifier) for a user-controlled API key.
    ///
    /// Sent exactly once: the code is single-use, so nothing is retried once the request may have
    /// reached the server. It always rides a new connection (never a pooled one the server may have closed
    /// after its last answer), and is resent only when that connection could not be made.
    pub async fn exchange_code(&self, request: ExchangeRequest, call: &CallOptions) -> Result<ApiKey> {
        let (base, timeout) = self.resolve(call)?;
        let attribution = attribution_headers(&self.attribution_of(call)?);
        let code = request.code.secret().trim();
        check_code(code)?;
        let mut body = serde_json::Map::new();
        body.insert("code".into(), Value::String(code.to_owned()));
        if let Some(v) = &request.code_verifier {
            body.insert("code_verifier".into(), Value::String(v.secret().to_owned()));
            let method = request.code_challenge_method.unwrap_or_default();
            body.insert("code_challenge_method".into(), Value::String(method.as_str().into()));
        }
        let body = serde_json::to_vec(&Value::Object(body)).expect("a JSON map always serialises");
        let url = format!("{base}/api/v1/auth/keys");
        let answer = self
            .send(
                &base,
                |http| {
                    http.post(&url)
                        .headers(attribution.clone())
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .header(reqwest::header::ACCEPT, "application/json")
                        .body(body.clone())
                },
                timeout,
                Delivery::AtMostOnce,
            )
            .await?;
        if (200..300).contains(&answer.status) {
            parse_key(&answer).map(|key| key.with_base_url(base))
        } else {
            Err(status_error(Endpoint::Exchange, &answer))
        }
    }

    /// Finish a started flow: check that `response` (a callback URL, its query, or a pasted code) belongs
    /// to `request`, then exchange at the flow's own base URL.
    pub async fn complete_auth(
        &self,
        request: &AuthRequest,
        response: &str,
        call: &CallOptions,
    ) -> Result<ApiKey> {
        let base_url = self.flow_base_url(request, call)?;
        let code = extract_code(request, response)?;
        let call = CallOptions { base_url: Some(base_url), ..call.clone() };
        self.exchange_code(
            ExchangeRequest {
                code: AuthorizationCode::new(code),
                code_verifier: Some(request.code_verifier().clone()),
                code_challenge_method: Some(request.code_challenge_method()),
            },
            &call,
        )
        .await
    }

    /// Where `request` is finished (the rule of docs/security.md, "Stored flows"):
    ///
    /// - a flow [`crate::start_auth`] made in this process: the call's base URL, else the flow's own;
    /// - a flow read back from storage (JSON, a dict / object, a sealed token): the call's base URL, else this
    ///   client's — never the one written in the flow, which must be the same (`INVALID_ARGUMENT` otherwise),
    ///   and only within [`STORED_FLOW_MAX_AGE`] of its `created_at` (`SEALED_FLOW_EXPIRED` otherwise).
    ///
    /// Both are refused before anything is sent.
    fn flow_base_url(&self, request: &AuthRequest, call: &CallOptions) -> Result<String> {
        if !request.is_stored() {
            return Ok(call.base_url.clone().unwrap_or_else(|| request.base_url().to_owned()));
        }
        let (target, _) = self.resolve(call)?;
        if target != request.base_url() {
            return Err(Error::invalid_argument(format!(
                "this flow was started against {}, but is being finished against {target}: a flow read back \
                 from storage never chooses the host, so pass the same base URL as when it started",
                request.base_url()
            )));
        }
        check_flow_age(request.created_at(), now_unix())?;
        Ok(target)
    }

    /// Details of an [`ApiKey`], asked of the server that minted it ([`ApiKey::base_url`]) unless `call`
    /// names another base URL; a key without one (loaded from a file) goes to this client's base URL.
    pub async fn key_info_of(&self, key: &ApiKey, call: &CallOptions) -> Result<KeyInfo> {
        let call = CallOptions {
            base_url: call.base_url.clone().or_else(|| key.base_url().map(str::to_owned)),
            ..call.clone()
        };
        self.key_info(key.key(), &call).await
    }

    /// Details of a key: label, limit, usage, … (`GET /api/v1/key`).
    pub async fn key_info(&self, key: &str, call: &CallOptions) -> Result<KeyInfo> {
        check_key_arg(key)?;
        let (base, timeout) = self.resolve(call)?;
        let attribution = attribution_headers(&self.attribution_of(call)?);
        let url = format!("{base}/api/v1/key");
        let answer = self
            .send(
                &base,
                |http| {
                    http.get(&url)
                        .headers(attribution.clone())
                        .header(reqwest::header::AUTHORIZATION, bearer(key))
                        .header(reqwest::header::ACCEPT, "application/json")
                },
                timeout,
                Delivery::Idempotent,
            )
            .await?;
        if (200..300).contains(&answer.status) {
            parse_key_info(&answer)
        } else {
            Err(status_error(Endpoint::KeyInfo, &answer))
        }
    }
}

/// How long a flow read back from storage may be finished after its `created_at`: OpenRouter's code lifetime,
/// the lifetime of a sealed flow too.
pub const STORED_FLOW_MAX_AGE: Duration = crate::seal::DEFAULT_SEAL_MAX_AGE;

/// A stored flow created at `created_at` (Unix seconds) may still be finished at `now`.
fn check_flow_age(created_at: u64, now: u64) -> Result<()> {
    if created_at > now.saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(Error::invalid_argument(
            "this flow's created_at is in the future (are the servers' clocks in sync?)",
        ));
    }
    let age = now.saturating_sub(created_at);
    if age > STORED_FLOW_MAX_AGE.as_secs() {
        return Err(Error::SealedFlowExpired { age: Duration::from_secs(age), max_age: STORED_FLOW_MAX_AGE });
    }
    Ok(())
}

fn classify(endpoint: Endpoint, status: u16, body: &[u8]) -> Option<ErrorCode> {
    let answer =
        HttpAnswer { status, retry_after: None::<Duration>, body: bytes::Bytes::copy_from_slice(body) };
    let result = match (200..300).contains(&status) {
        false => Err(status_error(endpoint, &answer)),
        true if endpoint == Endpoint::Exchange => parse_key(&answer).map(|_| ()),
        true => parse_key_info(&answer).map(|_| ()),
    };
    result.err().map(|e| e.kind())
}

/// Map an HTTP status and body, as the exchange would, to the resulting error code (or `None` for a
/// well-formed success). Used by the shared test vectors in all three languages.
pub fn classify_exchange_answer(status: u16, body: &[u8]) -> Option<ErrorCode> {
    classify(Endpoint::Exchange, status, body)
}

/// Map an HTTP status and body, as key info would, to the resulting error code (`None` on success).
pub fn classify_key_info_answer(status: u16, body: &[u8]) -> Option<ErrorCode> {
    classify(Endpoint::KeyInfo, status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_secrets_redact_themselves() {
        let verifier = CodeVerifier::new("V".repeat(43)).unwrap();
        let request = ExchangeRequest {
            code: AuthorizationCode::new("SECRETCODE"),
            code_verifier: Some(verifier),
            code_challenge_method: Some(ChallengeMethod::S256),
        };
        let dbg = format!("{request:?} {:?}", request.code);
        assert!(!dbg.contains("SECRETCODE") && !dbg.contains(&"V".repeat(43)), "{dbg}");
        assert!(dbg.contains("AuthorizationCode(<redacted>)") && dbg.contains("CodeVerifier(<redacted>)"));
        assert_eq!(request.code.secret(), "SECRETCODE");
    }

    #[test]
    fn maps_documented_statuses() {
        let c = classify_exchange_answer;
        assert_eq!(c(200, br#"{"key":"sk-or-v1-abc","user_id":null}"#), None);
        assert_eq!(c(200, br#"{"key":"sk-or-v1-abc","extra":1}"#), None);
        assert_eq!(
            c(400, br#"{"error":{"code":400,"message":"Invalid code_challenge_method"}}"#),
            Some(ErrorCode::InvalidCodeChallengeMethod)
        );
        assert_eq!(
            c(403, br#"{"error":{"code":403,"message":"Invalid code or code_verifier"}}"#),
            Some(ErrorCode::InvalidCode)
        );
        assert_eq!(
            c(403, br#"{"error":{"code":403,"message":"Authorization code expired"}}"#),
            Some(ErrorCode::CodeExpired)
        );
        assert_eq!(c(403, b"<html>Forbidden</html>"), Some(ErrorCode::InvalidCode));
        assert_eq!(c(405, b""), Some(ErrorCode::MethodNotAllowed));
        assert_eq!(c(429, b""), Some(ErrorCode::RateLimited));
        assert_eq!(c(502, b"<html>bad gateway</html>"), Some(ErrorCode::ServerError));
        assert_eq!(c(418, b""), Some(ErrorCode::UnexpectedStatus));
        assert_eq!(c(302, b""), Some(ErrorCode::UnexpectedStatus));
        for body in [
            &b""[..],
            b"null",
            b"[]",
            b"{}",
            b"<html>",
            br#"{"key":""}"#,
            br#"{"key":5}"#,
            br#"{"key":"a b"}"#,
            br#"{"key":"sk","user_id":3}"#,
            br#"{"key":"sk-or"#,
        ] {
            assert_eq!(
                c(200, body),
                Some(ErrorCode::MalformedResponse),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        assert_eq!(classify_key_info_answer(401, b""), Some(ErrorCode::Unauthorized));
        assert_eq!(classify_key_info_answer(200, br#"{"data":{"label":"x","limit":null}}"#), None);
        assert_eq!(classify_key_info_answer(200, br#"{"label":"x"}"#), Some(ErrorCode::MalformedResponse));
    }

    #[test]
    fn stored_flows_expire_by_created_at() {
        const T: u64 = 1_700_000_000;
        assert!(check_flow_age(T, T).is_ok());
        assert!(check_flow_age(T, T + 600).is_ok());
        assert_eq!(check_flow_age(T, T + 601).unwrap_err().code(), "SEALED_FLOW_EXPIRED");
        assert!(check_flow_age(T + 60, T).is_ok());
        assert_eq!(check_flow_age(T + 61, T).unwrap_err().code(), "INVALID_ARGUMENT");
        assert_eq!(check_flow_age(0, T).unwrap_err().code(), "SEALED_FLOW_EXPIRED");
    }

    #[test]
    fn messages_never_echo_the_body() {
        let answer = HttpAnswer {
            status: 403,
            retry_after: None,
            body: bytes::Bytes::from_static(
                br#"{"error":{"code":403,"message":"Invalid code SECRET123 or verifier VERI456"}}"#,
            ),
        };
        let e = status_error(Endpoint::Exchange, &answer);
        let text = format!("{e} {e:?}");
        assert!(!text.contains("SECRET123") && !text.contains("VERI456"), "{text}");
    }
}
