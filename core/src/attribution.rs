//! App attribution: the headers by which OpenRouter credits requests to an app (its app page, rankings).
//! Sent on every request — the exchange, key info, creating an auth code — as the official SDKs do.

use crate::error::{Error, Result};

/// OpenRouter's app categories, as `X-OpenRouter-Categories` takes them (unknown ones are dropped by
/// OpenRouter without an error, so we refuse them locally).
pub const APP_CATEGORIES: &[&str] = &[
    "cli-agent",
    "ide-extension",
    "cloud-agent",
    "programming-app",
    "native-app-builder",
    "creative-writing",
    "video-gen",
    "image-gen",
    "audio-gen",
    "writing-assistant",
    "general-chat",
    "personal-agent",
    "legal",
    "roleplay",
    "game",
];

/// The most categories OpenRouter takes per request.
pub const MAX_APP_CATEGORIES: usize = 2;
/// The longest app title accepted, in characters.
pub const MAX_APP_TITLE_LEN: usize = 100;
/// The longest app URL (`HTTP-Referer`) accepted, in bytes.
pub const MAX_APP_URL_LEN: usize = 2048;

/// Who the requests are for: `HTTP-Referer` (the app's URL: without it OpenRouter makes no app page),
/// `X-OpenRouter-Title` and the older `X-Title` (its name; localhost apps need it to be tracked at all), and
/// `X-OpenRouter-Categories` (at most 2 of [`APP_CATEGORIES`]). `None` fields send nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// The app's URL, sent as `HTTP-Referer`.
    pub http_referer: Option<String>,
    /// The app's name, sent as `X-OpenRouter-Title` and `X-Title`.
    pub app_title: Option<String>,
    /// The app's categories, sent comma-separated as `X-OpenRouter-Categories`.
    pub app_categories: Option<Vec<String>>,
}

impl Attribution {
    /// Check every field (`INVALID_ARGUMENT` naming it): a `http`/`https` URL without user info or control
    /// characters; a title of 1–100 printable characters; at most 2 distinct categories from
    /// [`APP_CATEGORIES`].
    pub fn check(&self) -> Result<()> {
        if let Some(url) = &self.http_referer {
            check_app_url(url)?;
        }
        if let Some(title) = &self.app_title {
            let n = title.chars().count();
            if n == 0 || n > MAX_APP_TITLE_LEN || title.chars().any(char::is_control) || title.trim() != title
            {
                return Err(Error::invalid_argument(format!(
                    "app_title must be 1–{MAX_APP_TITLE_LEN} printable characters, without surrounding spaces"
                )));
            }
        }
        if let Some(categories) = &self.app_categories {
            if categories.len() > MAX_APP_CATEGORIES {
                return Err(Error::invalid_argument(format!(
                    "app_categories takes at most {MAX_APP_CATEGORIES} categories per request (OpenRouter drops the rest)"
                )));
            }
            for (i, c) in categories.iter().enumerate() {
                if !APP_CATEGORIES.contains(&c.as_str()) {
                    return Err(Error::invalid_argument(format!(
                        "app_categories: {} is not one of OpenRouter's categories ({})",
                        shown(c),
                        APP_CATEGORIES.join(", ")
                    )));
                }
                if categories[..i].contains(c) {
                    return Err(Error::invalid_argument(format!("app_categories names {c} twice")));
                }
            }
        }
        Ok(())
    }

    /// This attribution with `other`'s fields where `other` has them (a call's over its client's).
    pub fn overridden_by(&self, other: &Attribution) -> Attribution {
        Attribution {
            http_referer: other.http_referer.clone().or_else(|| self.http_referer.clone()),
            app_title: other.app_title.clone().or_else(|| self.app_title.clone()),
            app_categories: other.app_categories.clone().or_else(|| self.app_categories.clone()),
        }
    }

    /// The headers to send, as (name, value) pairs; values are UTF-8.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(url) = &self.http_referer {
            out.push(("HTTP-Referer", url.clone()));
        }
        if let Some(title) = &self.app_title {
            out.push(("X-OpenRouter-Title", title.clone()));
            out.push(("X-Title", title.clone()));
        }
        if let Some(categories) = self.app_categories.as_ref().filter(|c| !c.is_empty()) {
            out.push(("X-OpenRouter-Categories", categories.join(",")));
        }
        out
    }
}

/// A category as shown in a message: the text if short and printable, else a note of its length.
fn shown(c: &str) -> String {
    if c.len() <= 40 && !c.chars().any(char::is_control) { format!("{c:?}") } else { "that value".into() }
}

fn check_app_url(url: &str) -> Result<()> {
    let bad = |why: &str| Error::invalid_argument(format!("http_referer {why}"));
    if url.is_empty() || url.len() > MAX_APP_URL_LEN {
        return Err(bad(&format!("must be a URL of 1–{MAX_APP_URL_LEN} bytes")));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("contains spaces or control characters"));
    }
    let parsed =
        crate::weburl::WebUrl::parse(url).map_err(|_| bad("is not a URL (e.g. https://myapp.example)"))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
        return Err(bad("must be an http:// or https:// URL with a host"));
    }
    if parsed.has_userinfo() {
        return Err(bad("must not hold user information (user@host)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribution(url: Option<&str>, title: Option<&str>, cats: Option<&[&str]>) -> Attribution {
        Attribution {
            http_referer: url.map(Into::into),
            app_title: title.map(Into::into),
            app_categories: cats.map(|c| c.iter().map(|s| (*s).to_owned()).collect()),
        }
    }

    #[test]
    fn headers_as_openrouter_reads_them() {
        let a = attribution(Some("https://myapp.example"), Some("My App"), Some(&["cli-agent", "game"]));
        a.check().unwrap();
        assert_eq!(
            a.headers(),
            vec![
                ("HTTP-Referer", "https://myapp.example".to_owned()),
                ("X-OpenRouter-Title", "My App".to_owned()),
                ("X-Title", "My App".to_owned()),
                ("X-OpenRouter-Categories", "cli-agent,game".to_owned()),
            ]
        );
        assert!(Attribution::default().headers().is_empty());
        attribution(None, Some("Café ☕"), None).check().unwrap();
    }

    #[test]
    fn bad_attribution_is_refused_locally() {
        for a in [
            attribution(None, None, Some(&["cli-agent", "game", "legal"])),
            attribution(None, None, Some(&["Cli-Agent"])),
            attribution(None, None, Some(&["coding"])),
            attribution(None, None, Some(&["game", "game"])),
            attribution(Some("ftp://x.example"), None, None),
            attribution(Some("myapp.example"), None, None),
            attribution(Some("https://user:pw@x.example"), None, None),
            attribution(Some("https://x.example/\r\nX-Evil: 1"), None, None),
            attribution(None, Some(""), None),
            attribution(None, Some("a\nb"), None),
            attribution(None, Some(&"x".repeat(101)), None),
        ] {
            let e = a.check().unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{a:?}");
        }
    }

    #[test]
    fn a_call_overrides_its_client_field_by_field() {
        let client = attribution(Some("https://a.example"), Some("A"), None);
        let call = attribution(None, Some("B"), Some(&["game"]));
        assert_eq!(
            client.overridden_by(&call),
            attribution(Some("https://a.example"), Some("B"), Some(&["game"]))
        );
    }
}
