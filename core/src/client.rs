//! The configured HTTP client: one pooled reqwest client per `Client`, created on first use and rebuilt
//! after `fork`, with the transport policy of SECURITY.md (deadlines, no redirects, capped bodies, the
//! retry rules).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::attribution::Attribution;
use crate::error::{Error, Result};
use crate::protocol::{
    DEFAULT_TIMEOUT, Failure, HttpRequest, HttpResponse, MAX_BODY_BYTES, Method, RequestContext, Retries,
    Retry, body_too_large, failure_error, reachability_request, timeout_error, user_agent_or_default,
};
use crate::rng::fork_generation;
use crate::urls::{base_is_loopback, default_base_url, normalize_base_url};

/// Deadline for establishing a connection (DNS + TCP + TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a login waits to learn that OpenRouter (or the emulator) answers at all, before it sends the user
/// to a page there and waits minutes for a callback that could never come.
pub const REACHABILITY_TIMEOUT: Duration = Duration::from_secs(5);

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

fn pool_index(loopback: bool, pooled: bool) -> usize {
    usize::from(loopback) * 2 + usize::from(pooled)
}

pub(crate) use crate::protocol::check_timeout;

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
        let user_agent = user_agent_or_default(options.user_agent)?;
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

    /// What the protocol layer's builders need for one call to `base_url`: the checked attribution (the
    /// call's fields over the client's) and the User-Agent.
    pub(crate) fn context(&self, base_url: &str, call: &CallOptions) -> Result<RequestContext> {
        Ok(RequestContext {
            base_url: base_url.to_owned(),
            user_agent: self.inner.user_agent.clone(),
            attribution: self.attribution_of(call)?,
        })
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
        let request = reachability_request(base_url, &self.inner.user_agent)?;
        let http = self.http(base_is_loopback(base_url), request.delivery.pooled())?;
        let probe = to_reqwest(&http, &request).timeout(REACHABILITY_TIMEOUT).send();
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

    /// Send one request of the protocol layer and read its capped body, under the retry policy that layer
    /// states ([`Retries`]): this is the transport, it decides nothing about the protocol.
    ///
    /// An at-most-once request ([`crate::protocol::Delivery`]) always rides a new connection; a pooled one is
    /// used only for idempotent ones. Redirects are never followed: a 3xx is the answer.
    pub(crate) async fn send(&self, request: &HttpRequest, timeout: Duration) -> Result<HttpResponse> {
        let loopback = base_is_loopback(&request.url);
        let mut http = self.http(loopback, request.delivery.pooled())?;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut retries = Retries::new(request.delivery);
        loop {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                return Err(timeout_error(timeout));
            }
            let attempt = async {
                let resp = to_reqwest(&http, request).timeout(remaining).send().await?;
                let status = resp.status().as_u16();
                let headers = resp
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                let body = read_capped(resp).await?;
                Ok::<_, reqwest::Error>((status, headers, body))
            };
            let outcome = match tokio::time::timeout(remaining, attempt).await {
                Ok(r) => r,
                Err(_) => return Err(timeout_error(timeout)),
            };
            let (failure, error) = match outcome {
                Ok((status, headers, Some(body))) => {
                    let response = HttpResponse { status, headers, body };
                    let time_left = deadline.saturating_duration_since(tokio::time::Instant::now());
                    match retries.after_answer(&response, time_left) {
                        Retry::After(wait) => {
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        Retry::OnFreshConnection | Retry::No => return Ok(response),
                    }
                }
                Ok((status, _, None)) => return Err(body_too_large(status)),
                Err(e) => (failure_of(&e), e),
            };
            match retries.after_failure(failure) {
                Retry::After(backoff) => tokio::time::sleep(backoff.min(remaining)).await,
                // The pooled connection died under us (closed by the server after its last answer).
                Retry::OnFreshConnection => http = self.http(loopback, false)?,
                Retry::No => {
                    return Err(failure_error(failure, timeout, Some(Box::new(error.without_url()))));
                }
            }
        }
    }
}

/// How a reqwest attempt failed, in the protocol layer's terms.
fn failure_of(e: &reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect
    } else if e.is_body() || e.is_decode() {
        Failure::Body
    } else {
        Failure::Send
    }
}

/// The protocol layer's request as reqwest's. Header values are sent as their UTF-8 bytes (titles may be
/// non-ASCII); `Authorization` is marked sensitive (never shown by reqwest's or hyper's debug output).
fn to_reqwest(http: &reqwest::Client, request: &HttpRequest) -> reqwest::RequestBuilder {
    let method = match request.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Head => reqwest::Method::HEAD,
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &request.headers {
        let (Ok(name), Ok(mut value)) =
            (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value.as_bytes()))
        else {
            continue;
        };
        value.set_sensitive(name == reqwest::header::AUTHORIZATION);
        headers.append(name, value);
    }
    let builder = http.request(method, &request.url).headers(headers);
    match &request.body {
        Some(body) => builder.body(body.clone()),
        None => builder,
    }
}

fn no_answer() -> String {
    format!("no answer within {} s", REACHABILITY_TIMEOUT.as_secs())
}

/// Mozilla's root certificates, for a machine without its own.
fn bundled_roots() -> impl Iterator<Item = reqwest::Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().filter_map(|c| reqwest::Certificate::from_der(c).ok())
}

/// Read the body up to the cap; `None` if it is larger (we stop reading, the connection is dropped).
async fn read_capped(mut resp: reqwest::Response) -> std::result::Result<Option<Vec<u8>>, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Ok(None);
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::default_user_agent;

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
}
