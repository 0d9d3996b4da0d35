//! The loopback receiver of the one-click login (RFC 8252 §7.3).
//!
//! [`CallbackServer::bind`] opens loopback-only listeners (both `127.0.0.1` and `::1` when `localhost` is
//! advertised, because browsers may resolve `localhost` to either), and [`CallbackServer::wait`] serves until
//! the one valid callback arrives: right `Host`, `GET`, path `/callback/<nonce>` with this flow's 256-bit
//! nonce, and a `code` or an `error` in the query. Everything else — favicons, port scans, garbage bytes, TLS
//! handshakes on the plain port, requests from a DNS-rebound origin, a second flow's callback — is answered (or
//! dropped) without ending the wait.
//!
//! hyper parses every request; each connection gets a header read timeout, a small buffer, no keep-alive and
//! an overall deadline, and the number of simultaneous connections is capped. When `wait` returns, or its
//! future is dropped, every listener closes at once and every connection task is aborted.
//!
//! The parts: `listen.rs` binds the loopback listeners and accepts; `request.rs` checks each request (host,
//! method, path nonce, query) and decides its answer; `page.rs` renders the answer pages; `query.rs` parses
//! a callback query — the one parser [`crate::extract_code`] uses too.

mod listen;
mod page;
mod query;
mod request;
#[cfg(test)]
mod tests;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use hyper_util::rt::TokioTimer;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::{Error, Result};
use listen::{Family, accept_any, bind_both, bind_error, parse_host, v4, v6};
pub(crate) use page::html_escape;
pub(crate) use query::parse_callback_query_strict;
pub use query::{CallbackParams, parse_callback_query};
use request::{Shared, serve_connection};

/// How long a client may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long any one connection may live, whatever it does (covers clients that connect and send nothing).
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// The most request-head bytes hyper buffers per connection.
const MAX_BUF_SIZE: usize = 16 * 1024;
/// The most headers a request may carry.
const MAX_HEADERS: usize = 64;
/// Connections served at once; beyond that, new ones are closed immediately.
const MAX_CONNECTIONS: usize = 64;
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

    /// Serve until the one valid callback arrives, answer it, close every listener and connection, and
    /// return what it carried.
    ///
    /// A callback with `error=` (the user declined) also ends the wait; the caller turns it into
    /// `ACCESS_DENIED`. Dropping the future cancels the wait and closes the listeners at once. The wait has no
    /// deadline of its own: see [`CallbackServer::wait_timeout`].
    pub async fn wait(self) -> Result<CallbackParams> {
        let CallbackServer {
            listeners,
            host: _,
            port,
            nonce,
            header_read_timeout,
            connection_timeout,
            max_connections,
        } = self;

        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .max_buf_size(MAX_BUF_SIZE)
            .max_headers(MAX_HEADERS)
            .keep_alive(false)
            .half_close(false);
        let http = Arc::new(http);

        let shared = Arc::new(Shared { port, nonce, claimed: AtomicBool::new(false) });
        let (tx, mut rx) = mpsc::channel::<CallbackParams>(1);
        // Owned by this future: dropping it (return, cancellation) aborts every connection task.
        let mut connections: JoinSet<()> = JoinSet::new();

        loop {
            tokio::select! {
                biased;
                Some(params) = rx.recv() => {
                    // `listeners` and `connections` drop here: the port closes, stragglers are aborted.
                    return Ok(params);
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                accepted = accept_any(&listeners) => match accepted {
                    Ok(stream) => {
                        if connections.len() >= max_connections {
                            drop(stream);
                            continue;
                        }
                        let _ = stream.set_nodelay(true);
                        connections.spawn(serve_connection(
                            stream,
                            Arc::clone(&http),
                            Arc::clone(&shared),
                            tx.clone(),
                            connection_timeout,
                        ));
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
