//! Step 2 and 3 over HTTP: the code exchange (`POST /api/v1/auth/keys`) and key info (`GET /api/v1/key`),
//! with every answer mapped onto the contract's error codes.

use std::time::Duration;

#[cfg(feature = "net")]
use crate::api_key::{ApiKey, KeyInfo};
#[cfg(feature = "net")]
use crate::auth_url::{AuthRequest, now_unix};
#[cfg(feature = "net")]
use crate::client::{CallOptions, Client};
use crate::error::{Error, Result};
use crate::pkce::{ChallengeMethod, CodeVerifier};
#[cfg(feature = "net")]
use crate::protocol;
#[cfg(feature = "net")]
use crate::response::extract_code;
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

#[cfg(feature = "net")]
impl Client {
    /// Exchange an authorization code (and the flow's verifier) for a user-controlled API key.
    ///
    /// Sent exactly once: the code is single-use, so nothing is retried once the request may have
    /// reached the server. It always rides a new connection (never a pooled one the server may have closed
    /// after its last answer), and is resent only when that connection could not be made.
    pub async fn exchange_code(&self, request: ExchangeRequest, call: &CallOptions) -> Result<ApiKey> {
        let (base, timeout) = self.resolve(call)?;
        let http = protocol::exchange_request(&self.context(&base, call)?, &request)?;
        let answer = self.send(&http, timeout).await?;
        protocol::process_exchange_response(&answer, &base)
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
        let target = if request.is_stored() { Some(self.resolve(call)?.0) } else { call.base_url.clone() };
        protocol::flow_base_url(request, target.as_deref(), &self.effective_base_url(), now_unix())
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
        protocol::check_key(key)?;
        let (base, timeout) = self.resolve(call)?;
        let http = protocol::key_info_request(&self.context(&base, call)?, key)?;
        let answer = self.send(&http, timeout).await?;
        protocol::process_key_info_response(&answer)
    }
}

/// How long a flow read back from storage may be finished after its `created_at`: OpenRouter's code lifetime,
/// the lifetime of a sealed flow too.
pub const STORED_FLOW_MAX_AGE: Duration = crate::seal::DEFAULT_SEAL_MAX_AGE;

/// A stored flow created at `created_at` (Unix seconds) may still be finished at `now`.
pub(crate) fn check_flow_age(created_at: u64, now: u64) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::protocol::{classify_exchange_answer, classify_key_info_answer};

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
}
