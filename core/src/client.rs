//! The configured HTTP client: one pooled reqwest client per `Client`, created on first use and rebuilt
//! after `fork`, with the transport policy of SECURITY.md (deadlines, no redirects, capped bodies, the
//! retry rules).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::attribution::Attribution;
use crate::error::{Error, Result};
use crate::rng::fork_generation;
use crate::urls::{base_is_loopback, default_base_url, normalize_base_url};

/// Default total deadline of one HTTP call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Deadline for establishing a connection (DNS + TCP + TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a login waits to learn that OpenRouter (or the emulator) answers at all, before it sends the user
/// to a page there and waits minutes for a callback that could never come.
pub const REACHABILITY_TIMEOUT: Duration = Duration::from_secs(5);
/// The most body bytes we read from any answer; the documented ones are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest `Retry-After` we honour with our single 429 retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// The User-Agent every request carries.
pub fn default_user_agent() -> String {
    format!("openrouter-pkce/{} (+https://github.com/openrouter-pkce/openrouter-pkce)", crate::VERSION)
}

/// How a [`Client`] is configured.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Where OpenRouter lives (`https://`, or `http://` on loopback for the emulator).
    pub base_url: String,
    /// Total deadline of each call.
    pub timeout: Duration,
    /// User-Agent; default names this library and its version.
    pub user_agent: Option<String>,
    /// Who the requests are for (`HTTP-Referer`, `X-OpenRouter-Title`, `X-OpenRouter-Categories`), sent on
    /// every request.
    pub attribution: Attribution,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            base_url: default_base_url(),
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
            attribution: Attribution::default(),
        }
    }
}

/// Per-call overrides of a client's settings (what the module-level functions' `base_url=` and
/// `timeout=` arguments become).
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Another base URL for this call.
    pub base_url: Option<String>,
    /// Another total deadline for this call.
    pub timeout: Option<Duration>,
    /// Attribution for this call; each field given replaces the client's.
    pub attribution: Attribution,
}

struct Inner {
    base_url: String,
    /// [`Client::from_environment`]: the base URL is [`default_base_url`] at each call.
    follows_environment: bool,
    timeout: Duration,
    user_agent: String,
    attribution: Attribution,
    /// The HTTP clients, per fork generation, indexed by [`pool_index`]: through the environment's proxies
    /// or direct (loopback), and pooled (keep-alive) or fresh (a new connection per request).
    http: Mutex<Option<(u64, [Option<reqwest::Client>; 4])>>,
}

/// A configured OpenRouter client. Cheap to clone (shared pool); safe to use from many tasks and threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Which connection a request may ride, and what may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Not idempotent (the exchange spends a single-use code): always a new connection, so the request is
    /// never written into a pooled socket the server may already have closed; resent only when the
    /// connection could not be made (the request provably never left).
    AtMostOnce,
    /// Idempotent (a GET): a pooled connection, and one resend on a fresh connection when the pooled one
    /// failed before an answer arrived (a server may close an idle keep-alive connection at any time).
    Idempotent,
}

fn pool_index(loopback: bool, pooled: bool) -> usize {
    usize::from(loopback) * 2 + usize::from(pooled)
}

pub(crate) fn check_timeout(timeout: Duration) -> Result<()> {
    if timeout.is_zero() || timeout > Duration::from_secs(24 * 3600) {
        return Err(Error::invalid_argument("timeout must be more than 0 and at most a day"));
    }
    Ok(())
}

/// Install ring as rustls' process default provider, unless the host application installed one.
fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    /// A client with the given options; the base URL is validated now, the connection pool is made on
    /// first use.
    pub fn new(options: ClientOptions) -> Result<Client> {
        let base_url = normalize_base_url(&options.base_url)?;
        check_timeout(options.timeout)?;
        options.attribution.check()?;
        let user_agent = match options.user_agent {
            Some(ua) if ua.is_empty() || ua.chars().any(|c| c.is_control()) || ua.len() > 512 => {
                return Err(Error::invalid_argument("user_agent must be 1–512 printable characters"));
            }
            Some(ua) => ua,
            None => default_user_agent(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                base_url,
                follows_environment: false,
                timeout: options.timeout,
                user_agent,
                attribution: options.attribution,
                http: Mutex::new(None),
            }),
        })
    }

    /// The client of the bindings' module-level functions: default settings, and the base URL read at each
    /// call ([`default_base_url`]: `OPENROUTER_PKCE_BASE_URL`, else OpenRouter), so a program that sets the
    /// variable after the first call is followed.
    pub fn from_environment() -> Client {
        let mut inner = Arc::into_inner(Client::openrouter().inner).expect("a new client is not shared");
        inner.follows_environment = true;
        Client { inner: Arc::new(inner) }
    }

    /// A client for `https://openrouter.ai` with default settings.
    pub fn openrouter() -> Client {
        Client::new(ClientOptions::default()).expect("the default options are valid")
    }

    /// The client's base URL (normalised, no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The base URL a call without its own goes to now: [`Client::base_url`], or for
    /// [`Client::from_environment`] the environment's at this moment.
    pub fn effective_base_url(&self) -> String {
        if self.inner.follows_environment { default_base_url() } else { self.inner.base_url.clone() }
    }

    /// The client's default deadline per call.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The pooled reqwest client, built on first use and again in a forked child (whose inherited
    /// sockets belong to the parent).
    ///
    /// Remote hosts go through the proxies of the environment (`HTTPS_PROXY`, `NO_PROXY`, …); loopback
    /// hosts (the emulator, tests) never do, so a developer's proxy setting cannot break them.
    ///
    /// A `pooled` client keeps idle connections for reuse; the other opens a new connection per request.
    fn http(&self, loopback: bool, pooled: bool) -> Result<reqwest::Client> {
        let generation = fork_generation();
        let mut slot = self.inner.http.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(|(g, _)| *g != generation) {
            *slot = Some((generation, [None, None, None, None]));
        }
        let pools = &mut slot.as_mut().expect("set just above").1;
        let index = pool_index(loopback, pooled);
        if let Some(c) = &pools[index] {
            return Ok(c.clone());
        }
        ensure_crypto_provider();
        let builder = || {
            let mut builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(CONNECT_TIMEOUT)
                .user_agent(self.inner.user_agent.clone())
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true);
            if !pooled {
                builder = builder.pool_max_idle_per_host(0);
            }
            if loopback {
                // Plain HTTP to the emulator needs no CA certificates (a slim image has none).
                builder = builder.no_proxy().tls_certs_only(std::iter::empty());
            }
            builder
        };
        let built = match builder().build() {
            // The system's verifier fails to build when the machine has no CA certificates: fall back to
            // Mozilla's roots (webpki-root-certs), as Node does with its own bundle.
            Err(_) if !loopback => builder().tls_certs_only(bundled_roots()).build(),
            other => other,
        };
        let client = built.map_err(|e| Error::Network {
            detail: "could not build the HTTP client (are CA certificates installed? e.g. `apt-get install ca-certificates`)".into(),
            source: Some(Box::new(e.without_url())),
        })?;
        pools[index] = Some(client.clone());
        Ok(client)
    }

    /// The attribution of one call: the call's fields over the client's, checked.
    pub(crate) fn attribution_of(&self, call: &CallOptions) -> Result<Attribution> {
        let attribution = self.inner.attribution.overridden_by(&call.attribution);
        attribution.check()?;
        Ok(attribution)
    }

    /// Resolve the base URL and deadline of one call.
    pub(crate) fn resolve(&self, call: &CallOptions) -> Result<(String, Duration)> {
        let base = match &call.base_url {
            Some(b) => normalize_base_url(b)?,
            None => self.effective_base_url(),
        };
        let timeout = call.timeout.unwrap_or(self.inner.timeout);
        check_timeout(timeout)?;
        Ok((base, timeout))
    }

    /// Whether `base_url` answers HTTP at all (any status counts): a `HEAD` of its root, through the same
    /// client (and proxies) as every call. `NETWORK` naming the host when it cannot be reached within
    /// [`REACHABILITY_TIMEOUT`]: a wrong base URL or a stopped emulator fails in seconds, not at the end of the
    /// login's wait.
    pub(crate) async fn check_reachable(&self, base_url: &str) -> Result<()> {
        let host = url::Url::parse(base_url)
            .ok()
            .and_then(|u| u.host_str().map(|h| u.port().map_or_else(|| h.to_owned(), |p| format!("{h}:{p}"))))
            .unwrap_or_else(|| base_url.to_owned());
        let http = self.http(base_is_loopback(base_url), false)?;
        let probe = http.head(base_url).timeout(REACHABILITY_TIMEOUT).send();
        let failed = |why: &str, source: Option<reqwest::Error>| Error::Network {
            detail: format!("cannot reach {host} ({why}); check the base URL, or that the server is running"),
            source: source.map(|e| Box::new(e.without_url()) as crate::error::BoxError),
        };
        match tokio::time::timeout(REACHABILITY_TIMEOUT, probe).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_timeout() => Err(failed(&no_answer(), Some(e))),
            Ok(Err(e)) if e.is_connect() => {
                Err(failed("the connection failed: DNS, refused or TLS", Some(e)))
            }
            Ok(Err(e)) => Err(failed("the request failed", Some(e))),
            Err(_) => Err(failed(&no_answer(), None)),
        }
    }

    /// Send one request under the retry policy and read its capped body.
    ///
    /// Retries when the request provably never left (connect failure: at most twice), on a 429 with a short
    /// `Retry-After` (once), and — only for [`Delivery::Idempotent`] requests — once on a fresh connection
    /// when a pooled one failed before any answer. For [`Delivery::AtMostOnce`] a timeout, a 5xx or a reset
    /// after sending is final.
    pub(crate) async fn send(
        &self,
        base_url: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        timeout: Duration,
        delivery: Delivery,
    ) -> Result<HttpAnswer> {
        let loopback = base_is_loopback(base_url);
        let mut http = self.http(loopback, delivery == Delivery::Idempotent)?;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut connect_retries = 0;
        let mut rate_retries = 0;
        let mut fresh_retries = 0;
        loop {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                return Err(timeout_error(timeout));
            }
            let attempt = async {
                let resp = build(&http).timeout(remaining).send().await?;
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                let body = read_capped(resp).await?;
                Ok::<_, reqwest::Error>((status, headers, body))
            };
            let outcome = match tokio::time::timeout(remaining, attempt).await {
                Ok(r) => r,
                Err(_) => return Err(timeout_error(timeout)),
            };
            match outcome {
                Ok((status, headers, Some(body))) => {
                    if status == 429
                        && rate_retries == 0
                        && let Some(wait) = retry_after(&headers).filter(|w| *w <= MAX_RETRY_AFTER)
                        && tokio::time::Instant::now() + wait < deadline
                    {
                        rate_retries += 1;
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Ok(HttpAnswer { status, retry_after: retry_after(&headers), body });
                }
                Ok((status, _, None)) => {
                    return Err(Error::MalformedResponse {
                        status: Some(status),
                        detail: format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
                    });
                }
                Err(e) if e.is_timeout() => return Err(timeout_error(timeout)),
                Err(e) if e.is_connect() && connect_retries < 2 => {
                    connect_retries += 1;
                    let backoff = Duration::from_millis(100 * 3u64.pow(connect_retries - 1));
                    tokio::time::sleep(backoff.min(remaining)).await;
                    continue;
                }
                Err(e)
                    if delivery == Delivery::Idempotent
                        && fresh_retries == 0
                        && !e.is_connect()
                        && e.status().is_none() =>
                {
                    // The pooled connection died under us (closed by the server after its last answer).
                    fresh_retries += 1;
                    http = self.http(loopback, false)?;
                    continue;
                }
                Err(e) => {
                    let detail = if e.is_connect() {
                        "could not connect to OpenRouter (DNS, connection or TLS failure)"
                    } else if e.is_body() || e.is_decode() {
                        "the connection failed while reading the answer"
                    } else {
                        "the request failed"
                    };
                    return Err(Error::Network {
                        detail: detail.into(),
                        source: Some(Box::new(e.without_url())),
                    });
                }
            }
        }
    }
}

fn no_answer() -> String {
    format!("no answer within {} s", REACHABILITY_TIMEOUT.as_secs())
}

/// The attribution headers of a request (values sent as their UTF-8 bytes: titles may be non-ASCII).
pub(crate) fn attribution_headers(attribution: &Attribution) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in attribution.headers() {
        if let Ok(v) = reqwest::header::HeaderValue::from_bytes(value.as_bytes()) {
            headers.insert(name, v);
        }
    }
    headers
}

/// `Authorization: Bearer <key>`, marked sensitive (never shown by reqwest's or hyper's debug output).
pub(crate) fn bearer(key: &str) -> reqwest::header::HeaderValue {
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}"))
        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Bearer invalid"));
    value.set_sensitive(true);
    value
}

/// Mozilla's root certificates, for a machine without its own.
fn bundled_roots() -> impl Iterator<Item = reqwest::Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().filter_map(|c| reqwest::Certificate::from_der(c).ok())
}

fn timeout_error(timeout: Duration) -> Error {
    Error::Timeout {
        detail: format!("no complete answer from OpenRouter within {:.1}s", timeout.as_secs_f64()),
    }
}

/// A status and a body of at most [`MAX_BODY_BYTES`].
pub(crate) struct HttpAnswer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Bytes,
}

/// Read the body up to the cap; `None` if it is larger (we stop reading, the connection is dropped).
async fn read_capped(mut resp: reqwest::Response) -> std::result::Result<Option<Bytes>, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Ok(None);
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf.freeze()))
}

/// `Retry-After` in seconds (the HTTP-date form is treated as absent).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_options() {
        let bad = Client::new(ClientOptions { base_url: "http://example.com".into(), ..Default::default() });
        assert_eq!(bad.unwrap_err().code(), "INVALID_ARGUMENT");
        let bad = Client::new(ClientOptions { timeout: Duration::ZERO, ..Default::default() });
        assert_eq!(bad.unwrap_err().code(), "INVALID_ARGUMENT");
        let bad = Client::new(ClientOptions { user_agent: Some("a\nb".into()), ..Default::default() });
        assert_eq!(bad.unwrap_err().code(), "INVALID_ARGUMENT");
        let ok = Client::openrouter();
        assert_eq!(ok.base_url(), "https://openrouter.ai");
        assert!(default_user_agent().starts_with("openrouter-pkce/"));
    }

    /// Issue 17 item 10: with no CA certificates on the machine (`SSL_CERT_FILE`/`SSL_CERT_DIR` pointing at
    /// nothing makes rustls-native-certs find none), the loopback client needs none, and the remote one falls
    /// back to the bundled roots instead of failing every call. Run in a child process (it sets the
    /// environment): `cargo test` re-runs this test binary with the variables set.
    #[test]
    fn no_ca_certificates_break_nothing() {
        if std::env::var_os("ORP_TEST_NO_CA").is_none() {
            let me = std::env::current_exe().unwrap();
            let out = std::process::Command::new(me)
                .args(["--exact", "client::tests::no_ca_certificates_break_nothing", "--nocapture"])
                .env("ORP_TEST_NO_CA", "1")
                .env("SSL_CERT_FILE", "/nonexistent/ca.pem")
                .env("SSL_CERT_DIR", "/nonexistent")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success() && text.contains("1 passed"), "{text}");
            return;
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Unix: the variables empty the root store, the condition under test. Windows and macOS take their roots
        // from the OS's own store, which no variable empties: there the test checks that every client builds.
        #[cfg(all(unix, not(target_os = "macos")))]
        assert!(
            reqwest::Client::builder().build().is_err(),
            "the system verifier finds no roots here (the condition under test)"
        );
        let c = Client::openrouter();
        for (loopback, pooled) in [(true, true), (true, false), (false, true), (false, false)] {
            c.http(loopback, pooled).unwrap_or_else(|e| panic!("loopback={loopback}: {e}"));
        }
        assert!(bundled_roots().count() > 100);
    }

    #[test]
    fn parses_retry_after() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
