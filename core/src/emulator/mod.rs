//! An in-process fake of OpenRouter's OAuth PKCE endpoints, for tests, demos and offline development.
//!
//! It serves `/auth` (auto-approve, or an Approve/Deny page; headless mode shows the code),
//! `POST /api/v1/auth/keys` (single-use codes bound to their challenge and method, with the documented
//! statuses and messages), `POST /api/v1/auth/keys/code` (an app holding a key creates such a code) and
//! `GET /api/v1/key`, on `127.0.0.1:<port>`. The three API endpoints answer CORS, as OpenRouter does for
//! browser apps, with bodies that validate against OpenRouter's OpenAPI schema and the official SDKs' own
//! response checks, so the emulator can stand in for OpenRouter under any client. Faults can be queued
//! for the next request to an endpoint to exercise a client's error handling, and the attribution
//! headers of the last request to each endpoint are kept for a test to check.
//!
//! The server side is written independently of the client code in this crate, so the two check each
//! other.
//!
//! ```no_run
//! # async fn demo() -> openrouter_pkce::Result<()> {
//! use openrouter_pkce::emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! let code = emu.issue_code(None, None, Some("my app"), None);
//! println!("exchange {} at {}/api/v1/auth/keys", code.len(), emu.base_url());
//! emu.stop().await;
//! # Ok(()) }
//! ```

mod attribution;
mod clock;
mod cors;
mod create_code;
mod fault;
mod key_info;
mod pages;
mod routes;
mod state;
#[cfg(test)]
mod tests;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use attribution::ReceivedAttribution;
pub use fault::{Endpoint, Fault, FaultKind, FaultSpec};
use state::{Grant, Settings, Shared};

use crate::{Error, Result};

/// How long `stop` lets in-flight requests finish before cutting them off.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How to start an [`Emulator`]. Every field has a sensible default.
#[derive(Debug, Clone, PartialEq)]
pub struct EmulatorConfig {
    /// The address to listen on; must be a loopback address. Default `127.0.0.1`.
    pub host: IpAddr,
    /// The port; `0` (the default) lets the OS choose a free one.
    pub port: u16,
    /// `true` (default): `/auth` approves at once. `false`: it shows an Approve/Deny page.
    pub auto_approve: bool,
    /// `true` (default): `state` is appended to the callback redirect, as some OpenRouter deployments do.
    pub relay_state: bool,
    /// How long an authorization code stays valid. Default 600 s, like OpenRouter.
    pub code_ttl: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            auto_approve: true,
            relay_state: true,
            code_ttl: Duration::from_secs(600),
        }
    }
}

/// A running fake of OpenRouter. Stop it with [`Emulator::stop`]; dropping it also shuts it down.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Codes and keys live in `shared`; only harmless facts are shown.
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .field("running", &self.task.is_some())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Bind the configured address and serve on the current tokio runtime.
    ///
    /// Errors: `INVALID_ARGUMENT` for a non-loopback host, `PORT_IN_USE` when the port is taken,
    /// `NETWORK` for any other bind failure.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator> {
        if !config.host.is_loopback() {
            return Err(Error::invalid_argument(format!(
                "the emulator listens on loopback only; {} is not a loopback address",
                config.host
            )));
        }
        let listener = match tokio::net::TcpListener::bind((config.host, config.port)).await {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                return Err(Error::PortInUse { host: config.host.to_string(), port: config.port });
            }
            Err(e) => {
                return Err(Error::Network {
                    detail: format!("could not bind the emulator to {}:{}", config.host, config.port),
                    source: Some(Box::new(e)),
                });
            }
        };
        let addr = listener.local_addr().map_err(|e| Error::Network {
            detail: "could not read the emulator's bound address".into(),
            source: Some(Box::new(e)),
        })?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let settings = Settings {
            auto_approve: config.auto_approve,
            relay_state: config.relay_state,
            code_ttl: config.code_ttl,
        };
        let shared = Arc::new(Shared::new(settings, shutdown_rx.clone()));
        let app = routes::router(shared.clone());
        let mut signal = shutdown_rx;
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            // Also fires when the sender is dropped with the `Emulator`.
            let _ = signal.wait_for(|stop| *stop).await;
        });
        let task = tokio::spawn(async move {
            let _ = server.await;
        });
        Ok(Emulator { shared, addr, shutdown, task: Some(task) })
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:53127` (no trailing slash).
    pub fn base_url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V4(ip) => format!("http://{ip}:{}", self.addr.port()),
            IpAddr::V6(ip) => format!("http://[{ip}]:{}", self.addr.port()),
        }
    }

    /// The port the emulator listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Queue `fault` for a later request to `endpoint`; each request takes (at most) the oldest queued fault.
    pub fn inject_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.shared.push_fault(endpoint, fault);
    }

    /// How many requests (any method, faulted or not; CORS preflights aside) reached `endpoint` so far.
    pub fn request_count(&self, endpoint: Endpoint) -> usize {
        self.shared.request_count(endpoint)
    }

    /// The attribution headers (`HTTP-Referer`, `X-OpenRouter-Title`, `X-Title`, `X-OpenRouter-Categories`)
    /// of the last request to `endpoint`, each `None` when that request did not carry it; `None` until a
    /// request reaches `endpoint` (CORS preflights do not count).
    pub fn last_attribution(&self, endpoint: Endpoint) -> Option<ReceivedAttribution> {
        self.shared.last_attribution(endpoint)
    }

    /// Mint an authorization code as if the user had approved an `/auth` request with these parameters.
    ///
    /// A challenge without a method is bound to `plain` (RFC 7636); a code without a challenge is not
    /// PKCE-bound and exchanges without a verifier.
    pub fn issue_code(
        &self,
        code_challenge: Option<&str>,
        method: Option<&str>,
        key_label: Option<&str>,
        limit: Option<f64>,
    ) -> String {
        let challenge = code_challenge.map(str::to_owned);
        let method = challenge.as_ref().map(|_| method.unwrap_or("plain").to_owned());
        self.shared.issue_code(Grant {
            challenge,
            method,
            label: key_label.map(str::to_owned),
            limit,
            ..Grant::default()
        })
    }

    /// Play the user's browser on an auto-approving emulator: open `auth_url` (this emulator's `/auth`) and
    /// return the callback URL it redirects to, carrying the code (and `state` when relayed). For flows
    /// with a callback URL; a headless flow's code comes from [`Emulator::issue_code`].
    ///
    /// Errors: `INVALID_ARGUMENT` when `auth_url` is not this emulator's `/auth`, when `/auth` would refuse
    /// it (the reason is said) or would not redirect (auto-approve off, a headless flow).
    pub fn approve(&self, auth_url: &str) -> Result<String> {
        let not_ours = || Error::invalid_argument("the URL to approve is not this emulator's /auth URL");
        let url = url::Url::parse(auth_url).map_err(|_| not_ours())?;
        if url.scheme() != "http" || url.path() != "/auth" || url.port_or_known_default() != Some(self.port())
        {
            return Err(not_ours());
        }
        routes::approved_callback(&self.shared, url.query().unwrap_or(""))
            .map(String::from)
            .map_err(|reason| Error::invalid_argument(format!("the emulator did not redirect: {reason}")))
    }

    /// Create an API key that `GET /api/v1/key` knows and `POST /api/v1/auth/keys/code` takes as its
    /// bearer (label defaults to `openrouter-pkce emulator`).
    pub fn create_key(&self, label: Option<&str>, limit: Option<f64>) -> String {
        self.shared.create_key(label, limit)
    }

    /// Switch between approving `/auth` at once and showing the Approve/Deny page.
    pub fn set_auto_approve(&self, on: bool) {
        self.shared.update_settings(|s| s.auto_approve = on);
    }

    /// Choose whether `state` is relayed on the callback redirect.
    pub fn set_relay_state(&self, on: bool) {
        self.shared.update_settings(|s| s.relay_state = on);
    }

    /// Change how long codes stay valid; applies to codes already issued, too.
    pub fn set_code_ttl(&self, ttl: Duration) {
        self.shared.update_settings(|s| s.code_ttl = ttl);
    }

    /// Stop accepting connections, let in-flight requests finish (up to a few seconds; hanging and
    /// dripping faults are released at once) and return once the port is closed.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(STOP_GRACE, &mut task).await.is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            // Dropping the server future closes the listener; open connections are told to shut down.
            task.abort();
        }
    }
}
