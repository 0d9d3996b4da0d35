//! One connection and its request checks: right `Host` (no DNS rebinding), `GET`, the path's nonce, a
//! well-formed callback query; the first valid callback is claimed, everything else answered and ignored.
//!
//! The claimed callback is not answered at once: its connection hands the parameters to the waiter and
//! holds the browser until the app reports the outcome (or [`OUTCOME_WAIT`] passes, or the app drops the
//! [`super::Callback`]), so the page tells what really happened.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use subtle::ConstantTimeEq;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::OUTCOME_WAIT;
use super::page::{not_found, outcome_page, page};
use crate::ErrorCode;
use crate::query::{CallbackParams, parse_callback_query_strict};

/// What the app reports about a claimed callback; the page the browser gets follows from it.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// Answer at once from the callback alone (what [`super::CallbackServer::wait`] does).
    Received,
    /// The key was minted.
    Connected,
    /// The flow ended in this error (its code and our own message).
    Failed { code: ErrorCode, message: String },
}

/// The first valid callback, on its way to the waiter.
pub(super) struct Claimed {
    /// Which connection holds the browser (it survives the end of the wait).
    pub(super) conn: u64,
    pub(super) params: CallbackParams,
    /// Where the app sends the outcome.
    pub(super) reply: oneshot::Sender<Outcome>,
    /// Resolves once the page was written (or the connection ended).
    pub(super) delivered: oneshot::Receiver<()>,
}

/// Per-connection state shared between the accept loop and the connection's task.
#[derive(Default)]
pub(super) struct ConnState {
    /// Set once a complete request head was read: such a connection is never evicted by a flood.
    pub(super) head_done: AtomicBool,
    /// Set when this connection claimed the callback: it may then outlive the connection deadline.
    pub(super) claimed: AtomicBool,
}

/// What every connection's handler needs to know.
pub(super) struct Shared {
    pub(super) port: u16,
    pub(super) nonce: String,
    /// Set by the first valid callback; later ones are told the sign-in already completed.
    pub(super) claimed: AtomicBool,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn serve_connection(
    conn: u64,
    stream: TcpStream,
    http: Arc<hyper::server::conn::http1::Builder>,
    shared: Arc<Shared>,
    state: Arc<ConnState>,
    tx: mpsc::Sender<Claimed>,
    connection_timeout: Duration,
) {
    let (delivered_tx, delivered_rx) = oneshot::channel::<()>();
    let delivered_rx = Arc::new(Mutex::new(Some(delivered_rx)));
    let service = {
        let state = Arc::clone(&state);
        hyper::service::service_fn(move |req: Request<Incoming>| {
            state.head_done.store(true, Ordering::SeqCst);
            let decision = handle(&req, &shared);
            let (tx, state, delivered_rx) = (tx.clone(), Arc::clone(&state), Arc::clone(&delivered_rx));
            async move {
                let params = match decision {
                    Decision::Answer(response) => return Ok::<_, Infallible>(response),
                    Decision::Claim(params) => params,
                };
                state.claimed.store(true, Ordering::SeqCst);
                let (reply, outcome) = oneshot::channel();
                let delivered = delivered_rx.lock().unwrap_or_else(|p| p.into_inner()).take();
                let Some(delivered) = delivered else {
                    return Ok(outcome_page(&params, None));
                };
                if tx.send(Claimed { conn, params: params.clone(), reply, delivered }).await.is_err() {
                    return Ok(outcome_page(&params, None));
                }
                let outcome = tokio::time::timeout(OUTCOME_WAIT, outcome).await.ok().and_then(Result::ok);
                Ok(outcome_page(&params, outcome.as_ref()))
            }
        })
    };
    // With keep-alive off, the connection future ends once the response is written and flushed. Errors
    // (garbage, a TLS ClientHello, a header timeout, a reset) just end this connection. The deadline does
    // not cut the claimed callback's connection: it waits for the outcome, itself bounded by OUTCOME_WAIT.
    let connection = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let deadline = tokio::time::sleep(connection_timeout);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut connection => break,
            _ = &mut deadline => {
                if !state.claimed.load(Ordering::SeqCst) {
                    break;
                }
                deadline.as_mut().reset(tokio::time::Instant::now() + OUTCOME_WAIT + connection_timeout);
            }
        }
    }
    let _ = delivered_tx.send(());
}

/// What to do with one request.
enum Decision {
    /// Answer with this page; the wait goes on.
    Answer(Response<Full<Bytes>>),
    /// The one valid callback: hand it to the waiter, answer once the outcome is known.
    Claim(CallbackParams),
}

/// Decide the answer to one request.
fn handle(req: &Request<Incoming>, shared: &Shared) -> Decision {
    use Decision::Answer;
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends `Host: evil.example`.
    if !host_is_loopback(req, shared.port) {
        return Answer(page(
            StatusCode::MISDIRECTED_REQUEST,
            "Wrong host",
            "This address only answers on loopback.",
        ));
    }
    if req.method() != Method::GET {
        let mut resp =
            page(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "Only GET is supported here.");
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET"));
        return Answer(resp);
    }
    let Some(given) = req.uri().path().strip_prefix("/callback/") else {
        return Answer(not_found());
    };
    if !nonce_matches(given, &shared.nonce) {
        return Answer(not_found());
    }
    let query = req.uri().query().unwrap_or("");
    let Ok(params) = parse_callback_query_strict(query) else {
        return Answer(page(StatusCode::BAD_REQUEST, "Bad request", "The callback repeats a parameter."));
    };
    let is_error = params.error.is_some();
    let has_code = params.code.as_deref().is_some_and(|c| !c.is_empty());
    if !is_error && !has_code {
        return Answer(page(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "This callback carries no authorization code. Return to your app and try again.",
        ));
    }
    if shared.claimed.swap(true, Ordering::SeqCst) {
        return Answer(page(
            StatusCode::CONFLICT,
            "Already done",
            "This sign-in has already completed. You can close this tab.",
        ));
    }
    Decision::Claim(params)
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
