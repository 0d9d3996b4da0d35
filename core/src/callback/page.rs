//! The answer pages of the loopback receiver: static HTML with strict security headers.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};

use super::request::Outcome;
use crate::ErrorCode;
use crate::query::CallbackParams;

/// Escape text for HTML element content and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn not_found() -> Response<Full<Bytes>> {
    page(StatusCode::NOT_FOUND, "Not found", "Nothing here.")
}

/// A static page; `message` is plain text and gets escaped.
pub(super) fn page(status: StatusCode, title: &'static str, message: &str) -> Response<Full<Bytes>> {
    page_html(status, title, &html_escape(message))
}

/// A static page; `title` is a constant of this file and `body_html` must already be escaped.
pub(super) fn page_html(status: StatusCode, title: &'static str, body_html: &str) -> Response<Full<Bytes>> {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}}\
         h1{{font-size:1.4rem}}</style></head>\
         <body><h1>{title}</h1><p>{body_html}</p></body></html>\n"
    );
    let mut resp = Response::new(Full::new(Bytes::from(html)));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// The page of the claimed callback, once its outcome is known (`None`: the app did not report one in time,
/// or stopped waiting).
pub(super) fn outcome_page(params: &CallbackParams, outcome: Option<&Outcome>) -> Response<Full<Bytes>> {
    match outcome {
        Some(Outcome::Received) => match &params.error {
            Some(error) => {
                let mut detail = format!("OpenRouter answered <code>{}</code>.", html_escape(error));
                if let Some(description) = &params.error_description {
                    detail.push_str(&format!(" {}", html_escape(description)));
                }
                page_html(StatusCode::OK, "Access was denied — you can close this tab", &detail)
            }
            None => page_html(
                StatusCode::OK,
                "You're connected",
                "You're connected. You can close this tab and return to your app.",
            ),
        },
        Some(Outcome::Connected) => page_html(
            StatusCode::OK,
            "You're connected",
            "You're connected. You can close this tab and return to your app.",
        ),
        Some(Outcome::Failed { code, message }) => {
            let (status, title) = match code {
                ErrorCode::AccessDenied => {
                    (StatusCode::FORBIDDEN, "Access was denied — you can close this tab")
                }
                ErrorCode::StateMismatch => {
                    (StatusCode::BAD_REQUEST, "This sign-in does not belong to your app's current login")
                }
                _ => (StatusCode::BAD_GATEWAY, "The sign-in did not complete"),
            };
            let detail = format!(
                "{} <code>{}</code>. Return to your app and try again.",
                html_escape(&capitalised(message)),
                html_escape(code.as_str())
            );
            page_html(status, title, &detail)
        }
        None => page(
            StatusCode::OK,
            "Return to your app",
            "Your app received the answer but did not report how the sign-in ended. Check it there.",
        ),
    }
}

fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
