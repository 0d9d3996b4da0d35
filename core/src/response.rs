//! Reading what the app received after the consent screen: a full callback URL, its query string, or a
//! code the user pasted (headless mode). Checks that it belongs to the flow before anything is exchanged.

use crate::auth_url::AuthRequest;
use crate::error::{Error, Result};
use crate::pkce::ct_eq_str;
use crate::query::{CallbackParams, parse_callback_query_strict};
use crate::weburl::WebUrl;

/// Longest response (URL, query or code) accepted.
pub const MAX_RESPONSE_LEN: usize = 8192;
/// Longest code accepted.
pub const MAX_CODE_LEN: usize = 2048;

/// The one rule for authorization codes: non-empty, at most [`MAX_CODE_LEN`] bytes of printable ASCII (what
/// OpenRouter issues; a pasted line with a stray non-UTF-8 byte arrives holding U+FFFD and is refused here,
/// before a code is spent). The error never contains the code.
pub(crate) fn check_code(code: &str) -> Result<()> {
    if code.is_empty() {
        return Err(Error::invalid_argument("the code is empty"));
    }
    if code.len() > MAX_CODE_LEN || !code.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_argument(
            "the code is malformed (too long, or holds spaces, control or non-ASCII characters)",
        ));
    }
    Ok(())
}

/// Extract the authorization code from `response` for `request`.
///
/// - a URL: must be the flow's callback URL (same scheme, host, port and path, which also carries the
///   loopback login's nonce), else `STATE_MISMATCH` (when only the origin differs, e.g. behind a reverse
///   proxy, the message says how to fix it);
/// - a path and query (`/callback?code=…&state=…`, what Express's `req.originalUrl` and Flask's
///   `request.full_path` give): the path must be the callback URL's path, else `STATE_MISMATCH`;
/// - a query (`code=…&state=…`, optionally starting with `?`): `state`, when present, must be the flow's
///   (constant-time), else `STATE_MISMATCH`; `error=` gives `ACCESS_DENIED`;
/// - anything else is taken as a pasted code.
pub fn extract_code(request: &AuthRequest, response: &str) -> Result<String> {
    let response = response.trim();
    if response.is_empty() {
        return Err(Error::invalid_argument("the response is empty: paste the code or callback URL"));
    }
    if response.len() > MAX_RESPONSE_LEN {
        return Err(Error::invalid_argument("the response is too long"));
    }
    let lower = response.get(..8).unwrap_or(response).to_ascii_lowercase();
    let query: String = if lower.starts_with("http://") || lower.starts_with("https://") {
        let got = WebUrl::parse(response)
            .map_err(|_| Error::invalid_argument("the response looks like a URL but does not parse"))?;
        if let Some(expected) = request.callback_url() {
            let expected = WebUrl::parse(expected)
                .map_err(|_| Error::invalid_argument("the flow's callback_url does not parse"))?;
            if !ct_eq_str(got.path(), expected.path()) {
                return Err(Error::StateMismatch {
                    detail: "the callback URL is not this flow's callback URL (another flow or app?)".into(),
                });
            }
            let same_origin = got.scheme() == expected.scheme()
                && got.host() == expected.host()
                && got.port_or_known_default() == expected.port_or_known_default();
            if !same_origin {
                return Err(Error::StateMismatch { detail: origin_mismatch(&got, &expected) });
            }
        }
        got.query().unwrap_or("").to_owned()
    } else if response.starts_with('/') && !response.starts_with("//") {
        let (path, query) = response.split_once('?').unwrap_or((response, ""));
        if let Some(expected) = request.callback_url() {
            let expected = WebUrl::parse(expected)
                .map_err(|_| Error::invalid_argument("the flow's callback_url does not parse"))?;
            // Compare the path as the URL parser normalises it (percent-encoding, dot segments).
            let got = expected
                .join(path)
                .map_err(|_| Error::invalid_argument("the response looks like a path but does not parse"))?;
            if !ct_eq_str(got.path(), expected.path()) {
                return Err(Error::StateMismatch {
                    detail: "the callback path is not this flow's callback path (another flow or app?)"
                        .into(),
                });
            }
        }
        query.to_owned()
    } else if let Some(q) = response.strip_prefix('?') {
        q.to_owned()
    } else if response.contains('=') {
        response.to_owned()
    } else {
        check_code(response)?;
        return Ok(response.to_owned());
    };

    let CallbackParams { code, state, error, error_description: description, .. } =
        parse_callback_query_strict(&query).map_err(|name| {
            Error::invalid_argument(format!("the response repeats the `{name}` parameter"))
        })?;
    if let Some(s) = &state
        && !ct_eq_str(s, request.state())
    {
        return Err(Error::StateMismatch {
            detail: "the callback's state is not this flow's (a stale or forged callback)".into(),
        });
    }
    if let Some(err) = error {
        return Err(Error::from_oauth_error(&err, description.as_deref()));
    }
    let code = code.ok_or_else(|| Error::invalid_argument("the response holds no `code` parameter"))?;
    check_code(&code)?;
    Ok(code)
}

/// The message for a callback URL with the flow's path on another origin: what a reverse proxy or a
/// load balancer does when the app rebuilds the URL from its own (internal) host and scheme.
fn origin_mismatch(got: &WebUrl, expected: &WebUrl) -> String {
    format!(
        "the callback URL's origin {} is not the flow's {} (the path matches: behind a reverse proxy?); \
         pass the path and query instead (Express `req.originalUrl`, Flask `request.full_path`), \
         or make the app see its public host and scheme (e.g. Express `app.set('trust proxy', true)`, \
         werkzeug `ProxyFix`)",
        got.origin(),
        expected.origin()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth_url::{StartAuthOptions, start_auth};

    fn req(cb: Option<&str>) -> AuthRequest {
        start_auth(&StartAuthOptions { callback_url: cb.map(str::to_owned), ..Default::default() }).unwrap()
    }

    #[test]
    fn accepts_url_query_and_bare_code() {
        let r = req(Some("http://localhost:3000/callback/abc"));
        let url = format!("http://localhost:3000/callback/abc?code=C1&state={}", r.state());
        assert_eq!(extract_code(&r, &url).unwrap(), "C1");
        assert_eq!(extract_code(&r, "code=C2").unwrap(), "C2");
        assert_eq!(extract_code(&r, "?code=C3").unwrap(), "C3");
        assert_eq!(extract_code(&r, "  C4\n").unwrap(), "C4");
        assert_eq!(extract_code(&r, "http://localhost:3000/callback/abc?code=C5").unwrap(), "C5");
    }

    #[test]
    fn accepts_path_and_query() {
        let r = req(Some("http://localhost:3000/callback"));
        let q = format!("/callback?code=P1&state={}", r.state());
        assert_eq!(extract_code(&r, &q).unwrap(), "P1");
        assert_eq!(extract_code(&r, "/callback?code=P2").unwrap(), "P2");
        for bad in ["/other?code=C", "/callback/x?code=C", "/callback?code=C&state=x"] {
            assert_eq!(extract_code(&r, bad).unwrap_err().code(), "STATE_MISMATCH", "{bad}");
        }
        assert_eq!(extract_code(&r, "/callback").unwrap_err().code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn reverse_proxy_origin_says_how_to_fix() {
        let r = req(Some("https://app.example/callback"));
        let e = extract_code(&r, &format!("http://10.0.0.5:8080/callback?code=C&state={}", r.state()))
            .unwrap_err();
        assert_eq!(e.code(), "STATE_MISMATCH");
        let msg = e.to_string();
        assert!(msg.contains("http://10.0.0.5:8080") && msg.contains("https://app.example"), "{msg}");
        assert!(msg.contains("req.originalUrl") && msg.contains("request.full_path"), "{msg}");
    }

    #[test]
    fn refuses_other_flows() {
        let r = req(Some("http://localhost:3000/callback/abc"));
        for bad in [
            "http://localhost:3000/callback/other?code=C",
            "http://localhost:3001/callback/abc?code=C",
            "http://127.0.0.1:3000/callback/abc?code=C",
            "code=C&state=forged",
        ] {
            assert_eq!(extract_code(&r, bad).unwrap_err().code(), "STATE_MISMATCH", "{bad}");
        }
    }

    #[test]
    fn denial_and_malformed() {
        let r = req(None);
        let e = extract_code(&r, "error=access_denied&error_description=No%0Athanks").unwrap_err();
        assert_eq!(e.code(), "ACCESS_DENIED");
        assert_eq!(e.error_description(), Some("Nothanks"));
        assert!(!e.to_string().contains("thanks"), "the description is a field, never the message");
        let e = extract_code(&r, "error=server_error&error_description=%3Cscript%3Ex%3C%2Fscript%3E")
            .unwrap_err();
        assert_eq!(e.code(), "AUTHORIZATION_FAILED");
        assert_eq!(e.oauth_error(), Some("server_error"));
        assert!(!e.to_string().contains("<script>"), "{e}");
        for bad in ["", "   ", "state=x", "code=", "code=a b", "code=1&code=2", "a b"] {
            let e = extract_code(&r, bad).unwrap_err();
            assert!(matches!(e.code(), "INVALID_ARGUMENT" | "STATE_MISMATCH"), "{bad}: {e}");
        }
        assert_eq!(extract_code(&r, &"x".repeat(10_000)).unwrap_err().code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn errors_never_echo_the_code() {
        let r = req(None);
        let secret = "SECRETCODE123";
        let e = extract_code(&r, &format!("code={secret}&state=nope")).unwrap_err();
        assert!(!e.to_string().contains(secret));
    }
}
