//! One connection and its request checks: right `Host` (no DNS rebinding), `GET`, the path's nonce, a
//! well-formed callback query; the first valid callback is claimed, everything else answered and ignored.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use subtle::ConstantTimeEq;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::page::{html_escape, not_found, page, page_html};
use super::query::{CallbackParams, parse_callback_query_strict};

/// What every connection's handler needs to know.
pub(super) struct Shared {
    pub(super) port: u16,
    pub(super) nonce: String,
    /// Set by the first valid callback; later ones are told the sign-in already completed.
    pub(super) claimed: AtomicBool,
}

pub(super) async fn serve_connection(
    stream: TcpStream,
    http: Arc<hyper::server::conn::http1::Builder>,
    shared: Arc<Shared>,
    tx: mpsc::Sender<CallbackParams>,
    connection_timeout: Duration,
) {
    let found: Arc<Mutex<Option<CallbackParams>>> = Arc::new(Mutex::new(None));
    let service = {
        let found = Arc::clone(&found);
        hyper::service::service_fn(move |req: Request<Incoming>| {
            let response = handle(&req, &shared, &found);
            async move { Ok::<_, Infallible>(response) }
        })
    };
    // With keep-alive off, the connection future ends once the response is written and flushed, so the
    // browser has its page before the wait returns and tears everything down. Errors (garbage, a TLS
    // ClientHello, a header timeout, a reset) just end this connection.
    let _ =
        tokio::time::timeout(connection_timeout, http.serve_connection(TokioIo::new(stream), service)).await;
    let params = found.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(params) = params {
        let _ = tx.send(params).await;
    }
}

/// Decide the answer to one request; a valid callback's parameters go into `found`.
fn handle(
    req: &Request<Incoming>,
    shared: &Shared,
    found: &Mutex<Option<CallbackParams>>,
) -> Response<Full<Bytes>> {
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends `Host: evil.example`.
    if !host_is_loopback(req, shared.port) {
        return page(StatusCode::MISDIRECTED_REQUEST, "Wrong host", "This address only answers on loopback.");
    }
    if req.method() != Method::GET {
        let mut resp =
            page(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "Only GET is supported here.");
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET"));
        return resp;
    }
    let Some(given) = req.uri().path().strip_prefix("/callback/") else {
        return not_found();
    };
    if !nonce_matches(given, &shared.nonce) {
        return not_found();
    }
    let query = req.uri().query().unwrap_or("");
    let Ok(params) = parse_callback_query_strict(query) else {
        return page(StatusCode::BAD_REQUEST, "Bad request", "The callback repeats a parameter.");
    };
    let is_error = params.error.is_some();
    let has_code = params.code.as_deref().is_some_and(|c| !c.is_empty());
    if !is_error && !has_code {
        return page(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "This callback carries no authorization code. Return to your app and try again.",
        );
    }
    if shared.claimed.swap(true, Ordering::SeqCst) {
        return page(
            StatusCode::CONFLICT,
            "Already done",
            "This sign-in has already completed. You can close this tab.",
        );
    }
    let response = if let Some(error) = &params.error {
        let mut detail = format!("OpenRouter answered <code>{}</code>.", html_escape(error));
        if let Some(description) = &params.error_description {
            detail.push_str(&format!(" {}", html_escape(description)));
        }
        page_html(StatusCode::OK, "Access was denied — you can close this tab", &detail)
    } else {
        page_html(
            StatusCode::OK,
            "You're connected",
            "You're connected. You can close this tab and return to your app.",
        )
    };
    *found.lock().unwrap_or_else(|p| p.into_inner()) = Some(params);
    response
}

fn host_is_loopback(req: &Request<Incoming>, port: u16) -> bool {
    // Browsers send origin-form (`GET /path`); an absolute-form target names its own authority.
    if req.uri().authority().is_some() || req.uri().scheme().is_some() {
        return false;
    }
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let (Some(value), None) = (hosts.next(), hosts.next()) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let Some((name, p)) = value.rsplit_once(':') else {
        return false;
    };
    if p != port.to_string() {
        return false;
    }
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]"
}

/// Constant-time comparison of the path's nonce with ours (the length is not secret).
pub(super) fn nonce_matches(given: &str, ours: &str) -> bool {
    given.len() == ours.len() && bool::from(given.as_bytes().ct_eq(ours.as_bytes()))
}
