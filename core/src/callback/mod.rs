//! The loopback receiver of the one-click login (RFC 8252 §7.3).
//!
//! [`CallbackServer::bind`] opens loopback-only listeners (both `127.0.0.1` and `::1` when `localhost` is
//! advertised, because browsers may resolve `localhost` to either), and [`CallbackServer::wait`] serves until
//! the one valid callback arrives: right `Host`, `GET`, path `/callback/<nonce>` with this flow's 256-bit
//! nonce, and a `code` or an `error` in the query. Everything else — favicons, port scans, garbage bytes, TLS
//! handshakes on the plain port, requests from a DNS-rebound origin, a second flow's callback — is answered (or
//! dropped) without ending the wait.
//!
//! hyper parses every request; each connection gets a header read timeout, a bounded buffer (64 KiB of request
//! head: browsers send all of `localhost`'s cookies), no keep-alive and an overall deadline. A local flood
//! cannot lock the real callback out: past `MAX_CONNECTIONS` the oldest connection that still has not sent a
//! complete request head is evicted for the newcomer (never one younger than `MIN_EVICT_AGE`, so a browser
//! has time to send its request), connections accepted under pressure get a much shorter header timeout, and
//! only at `HARD_MAX_CONNECTIONS` with nothing evictable is a newcomer closed. When the wait returns, or its
//! future is dropped, every listener closes at once and every other connection task is aborted; the
//! claimed callback's connection stays open until the app reports the outcome
//! ([`CallbackServer::wait_for_callback`], [`Callback::answer`]).
//!
//! The parts: `listen.rs` binds the loopback listeners and accepts; `request.rs` checks each request (host,
//! method, path nonce, query) and decides its answer; `page.rs` renders the answer pages. The callback
//! query is parsed by `query.rs` in the crate root, the one parser below both this receiver and
//! [`crate::extract_code`].

mod listen;
mod page;
mod request;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper_util::rt::TokioTimer;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

pub use crate::query::{CallbackParams, parse_callback_query};
use crate::{Error, Result};
use listen::{Family, accept_any, bind_both, bind_error, parse_host, v4, v6};
#[cfg(any(feature = "emulator", test))]
pub(crate) use page::html_escape;
pub(crate) use request::Outcome;
use request::{Claimed, ConnState, Shared, serve_connection};

/// How long a client may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long any one connection may live, whatever it does (covers clients that connect and send nothing).
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// The header read timeout of connections accepted while more than half of [`MAX_CONNECTIONS`] are open.
const PRESSURED_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// The most request-head bytes hyper buffers per connection: browsers send every `localhost` cookie (shared
/// across ports), and web developers' machines often have over 16 KiB of them.
const MAX_BUF_SIZE: usize = 64 * 1024;
/// The most headers a request may carry.
const MAX_HEADERS: usize = 64;
/// Connections served at once before a newcomer evicts the oldest one still sending its request head.
const MAX_CONNECTIONS: usize = 64;
/// Connections served at once, at most; a newcomer is closed only here, and only when no connection can be
/// evicted.
const HARD_MAX_CONNECTIONS: usize = 256;
/// A connection younger than this is never evicted: a browser sends its whole request head at once.
const MIN_EVICT_AGE: Duration = Duration::from_millis(500);
/// How long the claimed callback's browser waits for the app's outcome before it gets a neutral page.
const OUTCOME_WAIT: Duration = Duration::from_secs(60);
/// How long [`Callback::answer`] waits for the page to be written.
const DELIVERY_WAIT: Duration = Duration::from_secs(2);
/// How many times `port = 0` with `localhost` looks for a port free on both loopback addresses.
const DUAL_BIND_ATTEMPTS: usize = 16;

/// A loopback HTTP listener waiting for one OAuth callback.
pub struct CallbackServer {
    listeners: Vec<TcpListener>,
    host: String,
    port: u16,
    nonce: String,
    /// How long a client may take to send its headers (tests shorten it).
    pub(crate) header_read_timeout: Duration,
    /// How long any one connection may live (tests shorten it).
    pub(crate) connection_timeout: Duration,
    /// How many connections are served at once.
    pub(crate) max_connections: usize,
}

impl fmt::Debug for CallbackServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addrs: Vec<SocketAddr> = self.listeners.iter().filter_map(|l| l.local_addr().ok()).collect();
        f.debug_struct("CallbackServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("listening_on", &addrs)
            .finish_non_exhaustive()
    }
}

impl CallbackServer {
    /// Listen on loopback only, before the browser is opened.
    ///
    /// `host`: `"localhost"` listens on both `127.0.0.1` and `::1` on the same port (IPv4 alone when the
    /// machine has no IPv6 loopback); `"127.0.0.1"` on IPv4; `"::1"` or `"[::1]"` on IPv6. Any other host is
    /// refused with `INVALID_ARGUMENT`. `port = 0` lets the OS choose a free port; a taken fixed port fails
    /// with `PORT_IN_USE`. Every server gets a fresh 256-bit nonce for its callback path.
    pub async fn bind(host: &str, port: u16) -> Result<CallbackServer> {
        let (family, advertised) = parse_host(host)?;
        let listeners = match family {
            Family::V4 => vec![TcpListener::bind(v4(port)).await.map_err(|e| bind_error(host, v4(port), e))?],
            Family::V6 => vec![TcpListener::bind(v6(port)).await.map_err(|e| bind_error(host, v6(port), e))?],
            Family::Both => bind_both(host, port).await?,
        };
        let port = listeners[0]
            .local_addr()
            .map_err(|e| Error::Network {
                detail: "could not read the callback listener's port".into(),
                source: Some(Box::new(e)),
            })?
            .port();
        Ok(CallbackServer {
            listeners,
            host: advertised.to_owned(),
            port,
            nonce: crate::rng::token(32),
            header_read_timeout: HEADER_READ_TIMEOUT,
            connection_timeout: CONNECTION_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        })
    }

    /// The port the listeners are bound to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The host as advertised in the callback URL: `"localhost"`, `"127.0.0.1"` or `"[::1]"`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The addresses actually listened on.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners.iter().filter_map(|l| l.local_addr().ok()).collect()
    }

    /// The URL to pass as `callback_url`: `http://<host>:<port>/callback/<nonce>`.
    pub fn callback_url(&self) -> String {
        format!("http://{}:{}/callback/{}", self.host, self.port, self.nonce)
    }

    /// Serve until the one valid callback arrives, answer it at once from the callback alone (a
    /// "connected" page, or "access was denied" for `error=`), close every listener and connection, and
    /// return what it carried.
    ///
    /// A callback with `error=` (the user declined) also ends the wait; the caller turns it into an error.
    /// Dropping the future cancels the wait and closes the listeners at once. The wait has no deadline of its
    /// own: see [`CallbackServer::wait_timeout`]. To answer the browser with the flow's real outcome (after
    /// the state check and the exchange), use [`CallbackServer::wait_for_callback`].
    pub async fn wait(self) -> Result<CallbackParams> {
        let callback = self.wait_for_callback().await?;
        let params = callback.params.clone();
        callback.reply(Outcome::Received).await;
        Ok(params)
    }

    /// Serve until the one valid callback arrives, close every listener and every other connection, and
    /// return it *without answering*: the browser waits (at most a minute) until [`Callback::answer`] tells
    /// it how the flow ended. Dropping the [`Callback`] gives the browser a neutral page.
    pub async fn wait_for_callback(self) -> Result<Callback> {
        let CallbackServer {
            listeners,
            host: _,
            port,
            nonce,
            header_read_timeout,
            connection_timeout,
            max_connections,
        } = self;

        let builder = |header_timeout: Duration| {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(MAX_BUF_SIZE)
                .max_headers(MAX_HEADERS)
                .keep_alive(false)
                .half_close(false);
            Arc::new(http)
        };
        let http = builder(header_read_timeout);
        let pressured = builder(header_read_timeout.min(PRESSURED_HEADER_READ_TIMEOUT));
        let hard_max = HARD_MAX_CONNECTIONS.max(max_connections);

        let shared = Arc::new(Shared { port, nonce, claimed: AtomicBool::new(false) });
        let (tx, mut rx) = mpsc::channel::<Claimed>(1);
        // Owned by this future: dropping it (cancellation) aborts every connection task.
        let mut connections: JoinSet<()> = JoinSet::new();
        // The open connections in accept order, for eviction under a flood.
        let mut open: VecDeque<Tracked> = VecDeque::new();
        let mut next_id: u64 = 0;

        loop {
            tokio::select! {
                biased;
                Some(claimed) = rx.recv() => {
                    // Every other connection ends now; the claimed one waits for the outcome on its own.
                    for t in open.iter().filter(|t| t.id != claimed.conn) {
                        t.abort.abort();
                    }
                    connections.detach_all();
                    // `listeners` drop here: the port closes.
                    return Ok(Callback {
                        params: claimed.params,
                        reply: Some(claimed.reply),
                        delivered: Some(claimed.delivered),
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                accepted = accept_any(&listeners) => match accepted {
                    Ok(stream) => {
                        open.retain(|t| !t.abort.is_finished());
                        if open.len() >= max_connections && !evict_one(&mut open) && open.len() >= hard_max {
                            drop(stream);
                            continue;
                        }
                        let _ = stream.set_nodelay(true);
                        let http = if open.len() * 2 >= max_connections { &pressured } else { &http };
                        let state = Arc::new(ConnState::default());
                        next_id += 1;
                        let abort = connections.spawn(serve_connection(
                            next_id,
                            stream,
                            Arc::clone(http),
                            Arc::clone(&shared),
                            Arc::clone(&state),
                            tx.clone(),
                            connection_timeout,
                        ));
                        open.push_back(Tracked { id: next_id, started: Instant::now(), state, abort });
                    }
                    // EMFILE, ECONNABORTED and friends: never fatal; pause briefly so a full fd table
                    // does not turn this loop into a busy spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                },
            }
        }
    }

    /// [`CallbackServer::wait`] with a deadline: `CALLBACK_TIMEOUT` when no valid callback arrived in time
    /// (the port is closed either way).
    pub async fn wait_timeout(self, timeout: Duration) -> Result<CallbackParams> {
        match tokio::time::timeout(timeout, self.wait()).await {
            Ok(result) => result,
            Err(_) => Err(Error::CallbackTimeout { after: timeout }),
        }
    }
}

/// One open connection of the receiver, as the accept loop sees it.
struct Tracked {
    id: u64,
    started: Instant,
    state: Arc<ConnState>,
    abort: AbortHandle,
}

/// Evict the oldest connection that has not sent a complete request head and is older than
/// [`MIN_EVICT_AGE`]; `false` when there is none.
fn evict_one(open: &mut VecDeque<Tracked>) -> bool {
    let now = Instant::now();
    let victim = open.iter().position(|t| {
        !t.state.head_done.load(Ordering::SeqCst) && now.duration_since(t.started) >= MIN_EVICT_AGE
    });
    match victim.and_then(|i| open.remove(i)) {
        Some(t) => {
            t.abort.abort();
            true
        }
        None => false,
    }
}

/// The one valid callback, with the browser still waiting for its page.
///
/// Tell the browser how the flow ended with [`Callback::answer`]; dropping it unanswered gives the browser a
/// neutral page. `Debug` hides the code.
pub struct Callback {
    params: CallbackParams,
    reply: Option<oneshot::Sender<Outcome>>,
    delivered: Option<oneshot::Receiver<()>>,
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback").field("params", &self.params).finish_non_exhaustive()
    }
}

impl Callback {
    /// What the callback carried.
    pub fn params(&self) -> &CallbackParams {
        &self.params
    }

    /// Answer the browser with the flow's outcome — "You're connected" for `Ok`, an escaped page naming the
    /// error's code for `Err` (access denied, a state mismatch, a failed exchange) — and wait (at most two
    /// seconds) until the page is written.
    pub async fn answer<T>(self, outcome: std::result::Result<&T, &Error>) {
        let outcome = match outcome {
            Ok(_) => Outcome::Connected,
            Err(e) => Outcome::Failed { code: e.kind(), message: e.to_string() },
        };
        self.reply(outcome).await;
    }

    async fn reply(mut self, outcome: Outcome) {
        if let Some(reply) = self.reply.take() {
            let _ = reply.send(outcome);
        }
        if let Some(delivered) = self.delivered.take() {
            let _ = tokio::time::timeout(DELIVERY_WAIT, delivered).await;
        }
    }
}
