//! Which URLs we accept: callback URLs (step 1) and base URLs (where OpenRouter, or the emulator, lives).
//!
//! Validation is done on the raw text as well as on the WHATWG-parsed URL, because the two can disagree
//! (`http://0x7f.1/` parses as `127.0.0.1`, `http://127.0.0.1\@evil/` as a path) and the raw text is what we
//! send and what OpenRouter and the browser will interpret.

use crate::error::{Error, Result};
use crate::weburl::WebUrl;

/// OpenRouter's production origin, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai";
/// The environment variable that sets the base URL for the library (every binding) and the CLI alike, e.g.
/// an emulator's `http://127.0.0.1:8787`.
pub const ENV_BASE_URL: &str = "OPENROUTER_PKCE_BASE_URL";

/// The base URL used when none is passed: [`ENV_BASE_URL`] when it is set to a valid base URL, else
/// [`DEFAULT_BASE_URL`]. An invalid value is reported once on stderr and ignored.
pub fn default_base_url() -> String {
    let Some(value) =
        crate::env::var(ENV_BASE_URL).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    else {
        return DEFAULT_BASE_URL.to_owned();
    };
    match normalize_base_url(&value) {
        Ok(url) => url,
        Err(e) => {
            // wasm32-unknown-unknown has no stderr (std's is a sink there): the warning is native only.
            #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
            {
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| {
                    eprintln!("openrouter-pkce: ignoring {ENV_BASE_URL} ({e}); using {DEFAULT_BASE_URL}");
                });
            }
            #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
            let _ = e;
            DEFAULT_BASE_URL.to_owned()
        }
    }
}

/// Longest callback URL we accept.
pub const MAX_CALLBACK_URL_LEN: usize = 2048;

/// The authority (`host[:port]`) exactly as written after `scheme://`.
fn raw_authority(raw: &str) -> Option<&str> {
    let rest = raw.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The host exactly as written (without port; IPv6 keeps its brackets).
fn raw_host(authority: &str) -> &str {
    if authority.starts_with('[') {
        match authority.find(']') {
            Some(i) => &authority[..=i],
            None => authority,
        }
    } else {
        authority.rsplit_once(':').map(|(h, _)| h).unwrap_or(authority)
    }
}

/// Validate a callback URL: `https://`, or `http://` on `localhost`, `127.0.0.1` or `[::1]`; no userinfo,
/// no fragment, no control characters or backslashes, at most 2048 characters.
pub fn validate_callback_url(callback_url: &str) -> Result<()> {
    if callback_url.is_empty() {
        return Err(Error::invalid_callback("it is empty; leave it out for headless mode"));
    }
    if callback_url.len() > MAX_CALLBACK_URL_LEN {
        return Err(Error::invalid_callback(format!("longer than {MAX_CALLBACK_URL_LEN} bytes")));
    }
    if callback_url.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_callback("it contains control characters (CR, LF, NUL, …)"));
    }
    if callback_url.contains('\\') {
        return Err(Error::invalid_callback("it contains a backslash"));
    }
    if callback_url.contains('#') {
        return Err(Error::invalid_callback("fragments (#…) are not allowed"));
    }
    let lower_scheme = callback_url
        .split_once("://")
        .map(|(s, _)| s.to_ascii_lowercase())
        .ok_or_else(|| Error::invalid_callback("it must start with https:// or http://localhost"))?;
    if lower_scheme != "https" && lower_scheme != "http" {
        return Err(Error::invalid_callback("only https:// (or http:// on loopback) is allowed"));
    }
    let authority = raw_authority(callback_url).unwrap_or("");
    if authority.contains('@') {
        return Err(Error::invalid_callback("user information (user@host) is not allowed"));
    }
    let parsed =
        WebUrl::parse(callback_url).map_err(|e| Error::invalid_callback(format!("not a valid URL ({e})")))?;
    if parsed.has_userinfo() {
        return Err(Error::invalid_callback("user information (user@host) is not allowed"));
    }
    let Some(host) = parsed.host() else {
        return Err(Error::invalid_callback("it has no host"));
    };
    if lower_scheme == "http" {
        let written = raw_host(authority).to_ascii_lowercase();
        let allowed = matches!(written.as_str(), "localhost" | "127.0.0.1" | "[::1]");
        if !allowed || !host.is_loopback() {
            return Err(Error::invalid_callback(
                "http:// is only allowed on localhost, 127.0.0.1 or [::1]; use https:// otherwise",
            ));
        }
    }
    Ok(())
}

/// Validate and normalise a base URL: `https://`, or `http://` on a loopback host (for the emulator and
/// tests). Returns it without a trailing slash.
pub fn normalize_base_url(base_url: &str) -> Result<String> {
    let bad = |why: &str| Error::invalid_argument(format!("base_url {why}"));
    if base_url.len() > MAX_CALLBACK_URL_LEN || base_url.chars().any(|c| c.is_control()) {
        return Err(bad("is too long or contains control characters"));
    }
    if base_url.contains(['\\', '#', '?']) {
        return Err(bad("must not contain a query, fragment or backslash"));
    }
    let parsed = WebUrl::parse(base_url).map_err(|e| bad(&format!("is not a valid URL ({e})")))?;
    if parsed.has_userinfo() {
        return Err(bad("must not contain user information"));
    }
    let Some(host) = parsed.host() else {
        return Err(bad("has no host"));
    };
    match parsed.scheme() {
        "https" => {}
        "http" if host.is_loopback() => {}
        "http" => {
            return Err(bad(
                "must use https:// (plain http:// is only allowed on loopback, for the emulator)",
            ));
        }
        _ => return Err(bad("must be an https:// URL")),
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// Whether a (normalised) base URL points at a loopback host.
#[cfg(feature = "net")]
pub(crate) fn base_is_loopback(base_url: &str) -> bool {
    WebUrl::parse(base_url).ok().and_then(|u| u.host().map(|h| h.is_loopback())).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_urls() {
        for ok in [
            "https://example.com/cb",
            "https://example.com/cb?x=1&y=a%2Fb",
            "http://localhost:3000/callback",
            "http://LOCALHOST:3000/callback",
            "http://127.0.0.1:51423/cb",
            "http://[::1]:8080/cb",
            "http://localhost/cb?q=a b",
            "https://例え.jp/cb",
        ] {
            validate_callback_url(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "ftp://example.com/",
            "http://example.com/cb",
            "http://evil@127.0.0.1/",
            "https://user:pw@example.com/",
            "http://127.0.0.1.evil.com/",
            "http://localhost.evil.com/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://localhost./cb",
            "http://127.0.0.1\\@evil.com/",
            "https://example.com/cb#frag",
            "https://example.com/cb\r\nX: y",
            "https://example.com/\0",
            "example.com/cb",
            "//example.com/cb",
            "https://",
        ] {
            let e = validate_callback_url(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_CALLBACK_URL", "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(3000));
        assert_eq!(validate_callback_url(&long).unwrap_err().code(), "INVALID_CALLBACK_URL");
    }

    #[test]
    fn base_urls() {
        assert_eq!(normalize_base_url("https://openrouter.ai/").unwrap(), "https://openrouter.ai");
        assert_eq!(normalize_base_url("http://127.0.0.1:9/").unwrap(), "http://127.0.0.1:9");
        assert_eq!(normalize_base_url("http://localhost:9").unwrap(), "http://localhost:9");
        assert_eq!(normalize_base_url("https://x.test/api").unwrap(), "https://x.test/api");
        for bad in ["http://openrouter.ai", "ftp://x", "nope", "https://u@x.test", "https://x.test/?a"] {
            assert_eq!(normalize_base_url(bad).unwrap_err().code(), "INVALID_ARGUMENT", "{bad}");
        }
    }
}
