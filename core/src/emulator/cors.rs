//! CORS on the API endpoints, as OpenRouter answers a browser app that calls them with `fetch` (the
//! guide's step 2 runs in the page). `/auth` is a page the browser navigates to, so it gets none; nor does
//! the loopback callback server (`crate::callback`), which only a browser navigation should reach.
//!
//! Any origin is allowed (`*`): the endpoints take no cookies, only an explicit bearer key or code.
//! A preflight is answered here, before the endpoint's handler: it is not counted, records no
//! attribution and takes no queued fault, so a fault meant for the real request reaches it.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The request headers a browser app may send: the key, JSON, and OpenRouter's attribution headers.
pub(crate) const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, Accept, HTTP-Referer, X-OpenRouter-Title, X-Title, X-OpenRouter-Categories";

/// How long a browser may cache a preflight answer, in seconds (one day; browsers cap it lower).
pub(crate) const MAX_AGE: &str = "86400";

/// The methods of the API endpoint at `path`.
fn methods(path: &str) -> &'static str {
    match path {
        "/api/v1/key" => "GET, OPTIONS",
        _ => "POST, OPTIONS",
    }
}

/// Answer a preflight, or add `Access-Control-Allow-Origin` to whatever the endpoint answers (errors and
/// injected faults included, so a browser test sees their status).
pub(crate) async fn layer(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods(req.uri().path())));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE));
        return resp;
    }
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    resp
}
