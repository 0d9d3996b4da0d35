//! The emulator's HTML pages: errors, the consent page, the headless code page and the denial page.
//!
//! Every echoed value is HTML-escaped, and every page carries a strict CSP, `no-store` and
//! `no-referrer`, the same hygiene a real authorization page needs.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'";

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}\
code{font-size:1.1rem;padding:.4rem .6rem;background:#eee;border-radius:4px;word-break:break-all;user-select:all}\
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}";

use crate::callback::html_escape as escape;

/// Security headers shared by HTML pages and redirects.
pub(crate) fn harden(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
}

/// A complete page; `body_html` must already be escaped.
fn page(status: StatusCode, title: &str, body_html: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} · OpenRouter emulator</title><style>{STYLE}</style></head>\n<body>\n{body_html}\n</body></html>\n",
        escape(title)
    );
    let mut resp = (status, html).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    harden(&mut resp);
    resp
}

/// 400 page for a refused `/auth` request.
pub(crate) fn bad_request(reason: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Bad request",
        &format!("<h1>Bad request</h1>\n<p id=\"error\">{}</p>", escape(reason)),
    )
}

/// The headless result: the code on screen for the user to copy.
pub(crate) fn show_code(code: &str, app: &str) -> Response {
    page(
        StatusCode::OK,
        "Authorization code",
        &format!(
            "<h1>{} is authorized</h1>\n<p>Paste this code into your app:</p>\n<p><code id=\"code\">{}</code></p>",
            escape(app),
            escape(code)
        ),
    )
}

/// The Approve/Deny page for pending request `request_id`.
pub(crate) fn consent(request_id: &str, app: &str, limit: Option<f64>) -> Response {
    let limit_html = match limit {
        Some(l) => format!(
            "<p>Credit limit for the new key: <span id=\"limit\">{}</span></p>\n",
            escape(&l.to_string())
        ),
        None => String::new(),
    };
    page(
        StatusCode::OK,
        "Authorize application",
        &format!(
            "<h1>Authorize <span id=\"app\">{app}</span></h1>\n\
<p><strong>{app}</strong> wants to create an API key on your OpenRouter account.</p>\n{limit_html}\
<form method=\"post\" action=\"/auth/decision\">\n\
<input type=\"hidden\" name=\"request_id\" value=\"{id}\">\n\
<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button>\n\
<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n\
</form>",
            app = escape(app),
            id = escape(request_id),
        ),
    )
}

/// Headless denial: there is no callback to tell, so the page says so.
pub(crate) fn denied(app: &str) -> Response {
    page(
        StatusCode::OK,
        "Access denied",
        &format!(
            "<h1>Access denied</h1>\n<p id=\"denied\">You denied {} access to your account. No key was created.</p>",
            escape(app)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
    }
}
