//! Step 1: the authorization URL, and `AuthRequest`, the state of one started flow.

use std::fmt;
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
use std::time::{SystemTime, UNIX_EPOCH};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pkce::{ChallengeMethod, CodeVerifier, Pkce, ct_eq_str, is_unreserved};
use crate::rng;
use crate::urls::{default_base_url, normalize_base_url, validate_callback_url};

/// Everything except RFC 3986 unreserved characters is percent-encoded, so no value can ever smuggle a
/// `&`, `=`, `#` or a second parameter into the URL.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Longest `key_label` accepted.
pub const MAX_KEY_LABEL_LEN: usize = 256;
/// Longest `state` accepted.
pub const MAX_STATE_LEN: usize = 512;

/// Parameters of the authorization URL. `None` fields are left out of the URL.
#[derive(Debug, Clone, Default)]
pub struct AuthUrlOptions {
    /// Where OpenRouter redirects after approval; `None` = headless mode (the code is shown on screen).
    pub callback_url: Option<String>,
    /// The PKCE challenge (required in headless mode).
    pub code_challenge: Option<String>,
    /// The challenge method, sent whenever a challenge is. Default `S256`.
    pub code_challenge_method: ChallengeMethod,
    /// The label of the minted key / app name shown on the consent screen.
    pub key_label: Option<String>,
    /// Credit limit of the minted key (finite, ≥ 0).
    pub limit: Option<f64>,
    /// An opaque value OpenRouter may echo on the callback.
    pub state: Option<String>,
    /// Where OpenRouter lives; default `https://openrouter.ai`.
    pub base_url: Option<String>,
}

pub(crate) fn check_text(name: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("{name} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(Error::invalid_argument(format!("{name} is longer than {max} characters")));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_argument(format!("{name} contains control characters")));
    }
    Ok(())
}

/// Check a credit limit: a finite, non-negative number.
pub(crate) fn check_limit(limit: Option<f64>) -> Result<()> {
    match limit {
        Some(l) if !l.is_finite() || l < 0.0 => {
            Err(Error::invalid_argument("limit must be a finite number of credits, 0 or more"))
        }
        _ => Ok(()),
    }
}

pub(crate) fn check_challenge(challenge: &str, method: ChallengeMethod) -> Result<()> {
    let n = challenge.chars().count();
    let ok = match method {
        ChallengeMethod::S256 => {
            n == 43 && challenge.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
        ChallengeMethod::Plain => (43..=128).contains(&n) && challenge.chars().all(is_unreserved),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(format!(
            "code_challenge is not a valid {method} challenge (S256: 43 base64url characters)"
        )))
    }
}

/// Build the authorization URL (`<base>/auth?…`) the user's browser opens.
pub fn auth_url(opts: &AuthUrlOptions) -> Result<String> {
    let base = normalize_base_url(&opts.base_url.clone().unwrap_or_else(default_base_url))?;
    let mut params: Vec<(&str, String)> = Vec::with_capacity(6);
    match &opts.callback_url {
        Some(cb) => {
            validate_callback_url(cb)?;
            params.push(("callback_url", cb.clone()));
        }
        None => {
            if opts.code_challenge.is_none() {
                return Err(Error::invalid_argument(
                    "headless mode (no callback_url) requires a code_challenge",
                ));
            }
            if opts.code_challenge_method != ChallengeMethod::S256 {
                return Err(Error::invalid_argument(
                    "headless mode (no callback_url) accepts only the S256 method",
                ));
            }
        }
    }
    if let Some(ch) = &opts.code_challenge {
        check_challenge(ch, opts.code_challenge_method)?;
        params.push(("code_challenge", ch.clone()));
        params.push(("code_challenge_method", opts.code_challenge_method.as_str().to_owned()));
    }
    if let Some(label) = &opts.key_label {
        check_text("key_label", label, MAX_KEY_LABEL_LEN)?;
        params.push(("key_label", label.clone()));
    }
    check_limit(opts.limit)?;
    if let Some(limit) = opts.limit {
        params.push(("limit", format!("{limit}")));
    }
    if let Some(state) = &opts.state {
        check_text("state", state, MAX_STATE_LEN)?;
        params.push(("state", state.clone()));
    }
    let mut url = format!("{base}/auth");
    for (i, (k, v)) in params.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.extend(utf8_percent_encode(v, QUERY_VALUE));
    }
    Ok(url)
}

/// Options of [`start_auth`].
#[derive(Debug, Clone, Default)]
pub struct StartAuthOptions {
    /// Callback URL; `None` = headless mode.
    pub callback_url: Option<String>,
    /// Challenge method, default `S256`.
    pub method: ChallengeMethod,
    /// Label of the minted key.
    pub key_label: Option<String>,
    /// Credit limit of the minted key.
    pub limit: Option<f64>,
    /// Where OpenRouter lives; default `https://openrouter.ai`.
    pub base_url: Option<String>,
}

/// One started flow: the URL to send the user to and what is needed to finish it.
///
/// Serialise it (serde / [`AuthRequest::to_json`]) into a web session between the redirect and the
/// callback. `Debug` never shows the verifier.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "AuthRequestData", into = "AuthRequestData")]
pub struct AuthRequest {
    url: String,
    callback_url: Option<String>,
    code_verifier: CodeVerifier,
    code_challenge: String,
    code_challenge_method: ChallengeMethod,
    state: String,
    created_at: u64,
    base_url: String,
    /// Read back from storage (JSON, a dict / object, a sealed token) rather than made by [`start_auth`]
    /// in this process: such a flow never chooses the host it is finished at, and expires (docs/security.md).
    stored: bool,
}

/// Two flows are equal when their content is; where each came from is not part of it.
impl PartialEq for AuthRequest {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
            && self.callback_url == other.callback_url
            && self.code_verifier == other.code_verifier
            && self.code_challenge == other.code_challenge
            && self.code_challenge_method == other.code_challenge_method
            && self.state == other.state
            && self.created_at == other.created_at
            && self.base_url == other.base_url
    }
}

/// The plain-data form of [`AuthRequest`], checked when turned back into one. Written in snake_case (Python's
/// `to_dict()`, the sealed form); read in either spelling, so that the JSON of JavaScript's camelCase
/// `toDict()` (`AuthRequest.fromJSON(JSON.stringify(flow.toDict()))`, the browser flow of API.md) is a flow too.
#[derive(Serialize, Deserialize)]
struct AuthRequestData {
    url: String,
    #[serde(alias = "callbackUrl")]
    callback_url: Option<String>,
    #[serde(alias = "codeVerifier")]
    code_verifier: String,
    #[serde(alias = "codeChallenge")]
    code_challenge: String,
    #[serde(alias = "codeChallengeMethod")]
    code_challenge_method: ChallengeMethod,
    state: String,
    #[serde(alias = "createdAt")]
    created_at: u64,
    #[serde(default, alias = "baseUrl")]
    base_url: Option<String>,
}

impl From<AuthRequest> for AuthRequestData {
    fn from(r: AuthRequest) -> Self {
        AuthRequestData {
            url: r.url,
            callback_url: r.callback_url,
            code_verifier: r.code_verifier.into(),
            code_challenge: r.code_challenge,
            code_challenge_method: r.code_challenge_method,
            state: r.state,
            created_at: r.created_at,
            base_url: Some(r.base_url),
        }
    }
}

/// A field of a stored `AuthRequest` that fails its own check (a verifier, a callback URL, a method) is
/// tampered data: `INVALID_ARGUMENT`, as [`AuthRequest::from_json`] documents, with the check's words.
fn tampered(e: Error) -> Error {
    if e.code() == "INVALID_ARGUMENT" {
        e
    } else {
        Error::invalid_argument(format!("auth request is invalid: {e}"))
    }
}

impl TryFrom<AuthRequestData> for AuthRequest {
    type Error = Error;
    fn try_from(d: AuthRequestData) -> Result<Self> {
        AuthRequest::checked(d).map_err(tampered)
    }
}

impl AuthRequest {
    fn checked(d: AuthRequestData) -> Result<Self> {
        let code_verifier = CodeVerifier::new(d.code_verifier)?;
        if !ct_eq_str(&code_verifier.challenge(d.code_challenge_method), &d.code_challenge) {
            return Err(Error::invalid_argument(
                "auth request is inconsistent: code_challenge does not match code_verifier",
            ));
        }
        if let Some(cb) = &d.callback_url {
            validate_callback_url(cb)?;
        }
        check_text("state", &d.state, MAX_STATE_LEN)?;
        let base_url = normalize_base_url(&d.base_url.clone().unwrap_or_else(default_base_url))?;
        if !d.url.starts_with(&format!("{base_url}/auth")) {
            return Err(Error::invalid_argument("auth request url does not match its base_url"));
        }
        Ok(AuthRequest {
            url: d.url,
            callback_url: d.callback_url,
            code_verifier,
            code_challenge: d.code_challenge,
            code_challenge_method: d.code_challenge_method,
            state: d.state,
            created_at: d.created_at,
            base_url,
            stored: true,
        })
    }
}

impl AuthRequest {
    /// The URL to send the user to.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The callback URL, `None` in headless mode.
    pub fn callback_url(&self) -> Option<&str> {
        self.callback_url.as_deref()
    }
    /// The secret verifier, needed for the exchange.
    pub fn code_verifier(&self) -> &CodeVerifier {
        &self.code_verifier
    }
    /// The challenge in the URL.
    pub fn code_challenge(&self) -> &str {
        &self.code_challenge
    }
    /// The challenge method.
    pub fn code_challenge_method(&self) -> ChallengeMethod {
        self.code_challenge_method
    }
    /// The flow's unguessable state/nonce (256 bits).
    pub fn state(&self) -> &str {
        &self.state
    }
    /// Unix time (seconds) the flow started.
    pub fn created_at(&self) -> u64 {
        self.created_at
    }
    /// The base URL the flow runs against. A flow [`start_auth`] made in this process is finished there;
    /// one read back from storage only at the finishing client's own base URL, which must be this one.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// Whether this flow was read back from storage (JSON, a dict / object, a sealed token) rather than
    /// made by [`start_auth`] in this process.
    pub fn is_stored(&self) -> bool {
        self.stored
    }
    /// Plain JSON, to keep in a web session. Contains the verifier: store it server-side only.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("AuthRequest always serialises")
    }
    /// Read back what [`AuthRequest::to_json`] wrote; tampered or inconsistent data is `INVALID_ARGUMENT`.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str::<AuthRequestData>(json)
            .map_err(|e| {
                Error::invalid_argument(format!(
                    "not a serialised AuthRequest (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            })
            .and_then(AuthRequest::try_from)
    }
    /// Build from plain fields (what a binding receives from a dict / JS object), with the same checks
    /// as [`AuthRequest::from_json`].
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        url: String,
        callback_url: Option<String>,
        code_verifier: String,
        code_challenge: String,
        code_challenge_method: &str,
        state: String,
        created_at: u64,
        base_url: Option<String>,
    ) -> Result<Self> {
        AuthRequest::try_from(AuthRequestData {
            url,
            callback_url,
            code_verifier,
            code_challenge,
            code_challenge_method: ChallengeMethod::parse(code_challenge_method).map_err(tampered)?,
            state,
            created_at,
            base_url,
        })
    }
}

impl fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthRequest")
            .field("url", &self.url_for_display())
            .field("callback_url", &self.callback_url)
            .field("code_verifier", &self.code_verifier)
            .field("code_challenge_method", &self.code_challenge_method)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl AuthRequest {
    /// The URL, or a redacted form when the challenge is the verifier itself (`plain`).
    pub fn url_for_display(&self) -> String {
        match self.code_challenge_method {
            ChallengeMethod::S256 => self.url.clone(),
            ChallengeMethod::Plain => self.url.replace(self.code_verifier.secret(), "<redacted>"),
        }
    }
}

/// The current Unix time in seconds (0 before 1970): the one clock of flows, sealed flows and auth codes.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The current Unix time in seconds (0 before 1970): the one clock of flows, sealed flows and auth codes.
/// On `wasm32-unknown-unknown` `SystemTime::now()` panics: the JavaScript host's `Date.now()` is the clock.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub fn now_unix() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 { (ms / 1000.0) as u64 } else { 0 }
}

/// Start a flow: a fresh verifier, challenge and 256-bit state, and the URL carrying them.
pub fn start_auth(opts: &StartAuthOptions) -> Result<AuthRequest> {
    let pkce = Pkce::generate(crate::pkce::DEFAULT_VERIFIER_LEN, opts.method)?;
    let state = rng::token(32);
    let base_url = normalize_base_url(&opts.base_url.clone().unwrap_or_else(default_base_url))?;
    let url = auth_url(&AuthUrlOptions {
        callback_url: opts.callback_url.clone(),
        code_challenge: Some(pkce.code_challenge.clone()),
        code_challenge_method: opts.method,
        key_label: opts.key_label.clone(),
        limit: opts.limit,
        state: Some(state.clone()),
        base_url: Some(base_url.clone()),
    })?;
    Ok(AuthRequest {
        url,
        callback_url: opts.callback_url.clone(),
        code_verifier: pkce.code_verifier,
        code_challenge: pkce.code_challenge,
        code_challenge_method: opts.method,
        state,
        created_at: now_unix(),
        base_url,
        stored: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    const CH: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn query(url: &str) -> Vec<(String, String)> {
        Url::parse(url).unwrap().query_pairs().into_owned().collect()
    }

    #[test]
    fn builds_documented_url() {
        let u = auth_url(&AuthUrlOptions {
            callback_url: Some("http://localhost:3000/cb".into()),
            code_challenge: Some(CH.into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            u,
            format!(
                "https://openrouter.ai/auth?callback_url=http%3A%2F%2Flocalhost%3A3000%2Fcb&code_challenge={CH}&code_challenge_method=S256"
            )
        );
    }

    #[test]
    fn round_trips_awkward_callback_urls_and_cannot_be_injected() {
        for cb in [
            "https://example.com/cb?a=1&b=2",
            "https://example.com/cb?x=%2F&y=a+b",
            "https://example.com/p a/th?q=ü&code_challenge_method=plain",
            "https://example.com/cb?code_challenge=evil&%26=%3D",
        ] {
            let u = auth_url(&AuthUrlOptions {
                callback_url: Some(cb.into()),
                code_challenge: Some(CH.into()),
                state: Some("s&code_challenge=x".into()),
                key_label: Some("My app & co".into()),
                ..Default::default()
            })
            .unwrap();
            let q = query(&u);
            assert_eq!(q[0], ("callback_url".into(), cb.into()));
            assert_eq!(q.iter().filter(|(k, _)| k == "code_challenge").count(), 1, "{u}");
            assert_eq!(q.iter().filter(|(k, _)| k == "code_challenge_method").count(), 1);
            assert!(q.contains(&("state".into(), "s&code_challenge=x".into())));
            assert!(q.contains(&("key_label".into(), "My app & co".into())));
        }
    }

    #[test]
    fn headless_rules() {
        let u = auth_url(&AuthUrlOptions {
            code_challenge: Some(CH.into()),
            key_label: Some("cli".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(!u.contains("callback_url"));
        let no_ch = auth_url(&AuthUrlOptions::default()).unwrap_err();
        assert_eq!(no_ch.code(), "INVALID_ARGUMENT");
        let plain = auth_url(&AuthUrlOptions {
            code_challenge: Some(CH.into()),
            code_challenge_method: ChallengeMethod::Plain,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(plain.code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn bad_arguments() {
        let base = AuthUrlOptions {
            callback_url: Some("http://localhost/cb".into()),
            code_challenge: Some(CH.into()),
            ..Default::default()
        };
        for (opts, code) in [
            (AuthUrlOptions { limit: Some(-1.0), ..base.clone() }, "INVALID_ARGUMENT"),
            (AuthUrlOptions { limit: Some(f64::NAN), ..base.clone() }, "INVALID_ARGUMENT"),
            (AuthUrlOptions { key_label: Some("a\nb".into()), ..base.clone() }, "INVALID_ARGUMENT"),
            (AuthUrlOptions { code_challenge: Some("short".into()), ..base.clone() }, "INVALID_ARGUMENT"),
            (AuthUrlOptions { base_url: Some("http://evil.com".into()), ..base.clone() }, "INVALID_ARGUMENT"),
            (
                AuthUrlOptions { callback_url: Some("http://evil.com/".into()), ..base.clone() },
                "INVALID_CALLBACK_URL",
            ),
        ] {
            assert_eq!(auth_url(&opts).unwrap_err().code(), code, "{opts:?}");
        }
        let ok = auth_url(&AuthUrlOptions { limit: Some(2.5), ..base.clone() }).unwrap();
        assert!(ok.contains("&limit=2.5"));
        let ok = auth_url(&AuthUrlOptions { limit: Some(5.0), ..base }).unwrap();
        assert!(ok.ends_with("&limit=5"));
    }

    #[test]
    fn start_auth_and_json_round_trip() {
        let r = start_auth(&StartAuthOptions {
            callback_url: Some("http://127.0.0.1:9999/cb".into()),
            base_url: Some("http://127.0.0.1:1234".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(r.url().starts_with("http://127.0.0.1:1234/auth?"));
        assert_eq!(r.state().len(), 43);
        let q = query(r.url());
        assert!(q.contains(&("state".into(), r.state().into())));
        assert!(!format!("{r:?}").contains(r.code_verifier().secret()));
        let back = AuthRequest::from_json(&r.to_json()).unwrap();
        assert_eq!(back, r);
        let other = start_auth(&StartAuthOptions::default()).unwrap();
        assert_ne!(other.state(), r.state());
        // Tampering is caught.
        let tampered = r.to_json().replace(r.code_challenge(), CH);
        assert_eq!(AuthRequest::from_json(&tampered).unwrap_err().code(), "INVALID_ARGUMENT");
        assert_eq!(AuthRequest::from_json("{}").unwrap_err().code(), "INVALID_ARGUMENT");
    }

    /// The JSON of JavaScript's `toDict()` (camelCase keys) is a flow too: API.md's browser flow keeps
    /// `JSON.stringify(flow.toDict())` in `sessionStorage` and reads it with `AuthRequest.fromJSON` (it was
    /// `INVALID_ARGUMENT: not a serialised AuthRequest` in every JavaScript build).
    #[test]
    fn the_camel_case_json_of_javascript_is_read_too() {
        let r = start_auth(&StartAuthOptions {
            callback_url: Some("http://127.0.0.1:9999/cb".into()),
            base_url: Some("http://127.0.0.1:1234".into()),
            ..Default::default()
        })
        .unwrap();
        let mut camel = r.to_json();
        for (snake, js) in [
            ("callback_url", "callbackUrl"),
            ("code_verifier", "codeVerifier"),
            ("code_challenge_method", "codeChallengeMethod"),
            ("code_challenge", "codeChallenge"),
            ("created_at", "createdAt"),
            ("base_url", "baseUrl"),
        ] {
            camel = camel.replace(&format!("\"{snake}\""), &format!("\"{js}\""));
        }
        assert!(!camel.contains("code_verifier"));
        assert_eq!(AuthRequest::from_json(&camel).unwrap(), r);
        // Written once in each spelling is one field twice: refused.
        let both =
            r.to_json().replacen('{', &format!("{{\"codeVerifier\":\"{}\",", r.code_verifier().secret()), 1);
        assert_eq!(AuthRequest::from_json(&both).unwrap_err().code(), "INVALID_ARGUMENT");
    }

    /// Found by the `auth_request_json` fuzz target: a stored flow with a bad callback URL was
    /// `INVALID_CALLBACK_URL` (a bad verifier `INVALID_VERIFIER`, a bad method in `from_parts`
    /// `INVALID_METHOD`), not the documented `INVALID_ARGUMENT` for tampered data.
    #[test]
    fn every_tampered_field_is_invalid_argument() {
        let r = start_auth(&StartAuthOptions {
            callback_url: Some("http://localhost:3000/cb".into()),
            ..Default::default()
        })
        .unwrap();
        let json = r.to_json();
        for (from, to) in [
            ("http://localhost:3000/cb", "http://localhost:%3000/cb"),
            ("http://localhost:3000/cb", "http://evil.example/cb"),
            (r.code_verifier().secret(), "short"),
            ("https://openrouter.ai\"", "ftp://x\""),
        ] {
            let tampered = json.replace(from, to);
            assert_ne!(tampered, json, "{from}");
            let err = AuthRequest::from_json(&tampered).unwrap_err();
            assert_eq!(err.code(), "INVALID_ARGUMENT", "{from} -> {to}: {err}");
        }
        let err = AuthRequest::from_parts(
            r.url().into(),
            r.callback_url().map(Into::into),
            r.code_verifier().secret().into(),
            r.code_challenge().into(),
            "s256",
            r.state().into(),
            r.created_at(),
            None,
        )
        .unwrap_err();
        assert_eq!(err.code(), "INVALID_ARGUMENT", "{err}");
    }
}
