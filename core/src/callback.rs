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

use std::convert::Infallible;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use subtle::ConstantTimeEq;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::{Error, Result};

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

/// What the one valid callback carried.
///
/// `Debug` hides the authorization code and the raw query.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    /// The authorization code (a secret until exchanged).
    pub code: Option<String>,
    /// The `state` parameter, when the authorization server relayed one.
    pub state: Option<String>,
    /// The OAuth `error` (e.g. `access_denied`), when the user declined.
    pub error: Option<String>,
    /// `error_description`, when given.
    pub error_description: Option<String>,
    /// The raw query string of the callback (it holds the code: never log it).
    pub query: String,
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackParams")
            .field("code", &self.code.as_ref().map(|_| "<redacted>"))
            .field("state", &self.state)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("query", &"<redacted>")
            .finish()
    }
}

/// Parse a callback query string (`code=…&state=…` or `error=…&error_description=…`).
///
/// The first occurrence of each parameter wins; unknown parameters are ignored.
pub fn parse_callback_query(query: &str) -> CallbackParams {
    let mut params = CallbackParams { query: query.to_owned(), ..CallbackParams::default() };
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "code" => &mut params.code,
            "state" => &mut params.state,
            "error" => &mut params.error,
            "error_description" => &mut params.error_description,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value.into_owned());
        }
    }
    params
}

/// Like [`parse_callback_query`], but a query that repeats `code`, `state` or `error` is refused: a genuine
/// redirect never does, and picking one of two codes would be a guess.
fn parse_callback_query_strict(query: &str) -> Option<CallbackParams> {
    let mut seen = [0u8; 3];
    for (name, _) in url::form_urlencoded::parse(query.as_bytes()) {
        let i = match name.as_ref() {
            "code" => 0,
            "state" => 1,
            "error" => 2,
            _ => continue,
        };
        seen[i] += 1;
        if seen[i] > 1 {
            return None;
        }
    }
    Some(parse_callback_query(query))
}

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

/// Which loopback addresses a host name means.
enum Family {
    /// `localhost`: both `127.0.0.1` and `::1` (IPv6 skipped if the machine has no IPv6 loopback).
    Both,
    V4,
    V6,
}

fn parse_host(host: &str) -> Result<(Family, &'static str)> {
    if host.eq_ignore_ascii_case("localhost") {
        Ok((Family::Both, "localhost"))
    } else if host == "127.0.0.1" {
        Ok((Family::V4, "127.0.0.1"))
    } else if host == "::1" || host == "[::1]" {
        Ok((Family::V6, "[::1]"))
    } else {
        Err(Error::invalid_argument(format!(
            "host {}: the callback listens on loopback only; use \"localhost\", \"127.0.0.1\" or \"::1\"",
            crate::error::quote_for_message(host)
        )))
    }
}

fn bind_error(host: &str, addr: SocketAddr, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::AddrInUse {
        Error::PortInUse { host: host.to_owned(), port: addr.port() }
    } else {
        Error::Network { detail: format!("could not listen on {addr}"), source: Some(Box::new(e)) }
    }
}

/// True when a bind to `::1` failed because the machine has no IPv6 loopback (not because the port is taken).
fn ipv6_unavailable(e: &io::Error) -> bool {
    if matches!(e.kind(), io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported) {
        return true;
    }
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(code) if code == libc::EAFNOSUPPORT || code == libc::EADDRNOTAVAIL || code == libc::EPROTONOSUPPORT)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn v4(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

fn v6(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv6Addr::LOCALHOST, port))
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

async fn bind_both(host: &str, port: u16) -> Result<Vec<TcpListener>> {
    let attempts = if port == 0 { DUAL_BIND_ATTEMPTS } else { 1 };
    for _ in 0..attempts {
        let l4 = TcpListener::bind(v4(port)).await.map_err(|e| bind_error(host, v4(port), e))?;
        let chosen = l4.local_addr().map_err(|e| bind_error(host, v4(port), e))?.port();
        match TcpListener::bind(v6(chosen)).await {
            Ok(l6) => return Ok(vec![l4, l6]),
            Err(e) if ipv6_unavailable(&e) => return Ok(vec![l4]),
            // Someone holds ::1 on the port the OS gave us for IPv4. Advertising `localhost` then would send
            // browsers that prefer ::1 to them, so look for another port.
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && port == 0 => continue,
            Err(e) => return Err(bind_error(host, v6(chosen), e)),
        }
    }
    Err(Error::Network {
        detail: format!("found no port free on both 127.0.0.1 and ::1 after {attempts} attempts"),
        source: None,
    })
}

/// Accept from whichever listener has a connection first.
async fn accept_any(listeners: &[TcpListener]) -> io::Result<TcpStream> {
    poll_fn(|cx| {
        for l in listeners {
            if let Poll::Ready(r) = l.poll_accept(cx) {
                return Poll::Ready(r.map(|(stream, _)| stream));
            }
        }
        Poll::Pending
    })
    .await
}

/// What every connection's handler needs to know.
struct Shared {
    port: u16,
    nonce: String,
    /// Set by the first valid callback; later ones are told the sign-in already completed.
    claimed: AtomicBool,
}

async fn serve_connection(
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
    let Some(params) = parse_callback_query_strict(query) else {
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
fn nonce_matches(given: &str, ours: &str) -> bool {
    given.len() == ours.len() && bool::from(given.as_bytes().ct_eq(ours.as_bytes()))
}

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

fn not_found() -> Response<Full<Bytes>> {
    page(StatusCode::NOT_FOUND, "Not found", "Nothing here.")
}

/// A static page; `message` is plain text and gets escaped.
fn page(status: StatusCode, title: &'static str, message: &str) -> Response<Full<Bytes>> {
    page_html(status, title, &html_escape(message))
}

/// A static page; `title` is a constant of this file and `body_html` must already be escaped.
fn page_html(status: StatusCode, title: &'static str, body_html: &str) -> Response<Full<Bytes>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const T: Duration = Duration::from_secs(10);

    async fn server(host: &str) -> CallbackServer {
        let mut s = CallbackServer::bind(host, 0).await.unwrap();
        s.header_read_timeout = Duration::from_millis(300);
        s.connection_timeout = Duration::from_secs(2);
        s
    }

    fn path_of(s: &CallbackServer) -> String {
        let url = s.callback_url();
        url[url.find("/callback/").unwrap()..].to_owned()
    }

    /// Send raw bytes and read the whole answer (the server closes every connection after one response).
    async fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let _ = stream.write_all(bytes).await;
        let mut out = Vec::new();
        let _ = tokio::time::timeout(T, stream.read_to_end(&mut out)).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    async fn get(addr: SocketAddr, host: &str, target: &str) -> String {
        raw(addr, format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes()).await
    }

    fn status(resp: &str) -> u16 {
        resp.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    async fn refused(addr: SocketAddr) -> bool {
        match TcpStream::connect(addr).await {
            Err(e) => e.kind() == io::ErrorKind::ConnectionRefused,
            Ok(_) => false,
        }
    }

    fn ipv6_loopback_available() -> bool {
        std::net::TcpListener::bind("[::1]:0").is_ok()
    }

    #[test]
    fn params_debug_hides_code_and_query() {
        let p = parse_callback_query("code=SECRETCODE&state=st");
        assert_eq!(p.code.as_deref(), Some("SECRETCODE"));
        assert_eq!(p.state.as_deref(), Some("st"));
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("SECRETCODE"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
    }

    #[test]
    fn query_parsing() {
        let p = parse_callback_query("code=a%2Bb+c&code=second&x=1");
        assert_eq!(p.code.as_deref(), Some("a+b c"));
        assert!(parse_callback_query_strict("code=a&code=b").is_none());
        assert!(parse_callback_query_strict("error=x&error=y").is_none());
        let e = parse_callback_query("error=access_denied&error_description=No%20thanks");
        assert_eq!(e.error.as_deref(), Some("access_denied"));
        assert_eq!(e.error_description.as_deref(), Some("No thanks"));
        assert_eq!(e.code, None);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            html_escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn nonce_comparison() {
        assert!(nonce_matches("abc", "abc"));
        assert!(!nonce_matches("abd", "abc"));
        assert!(!nonce_matches("ab", "abc"));
        assert!(!nonce_matches("", "abc"));
    }

    #[tokio::test]
    async fn bad_hosts_refused() {
        for host in ["0.0.0.0", "::", "example.com", "127.0.0.2", "", "localhost.evil.com"] {
            let e = CallbackServer::bind(host, 0).await.unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{host}");
        }
    }

    #[tokio::test]
    async fn port_zero_and_url_shape() {
        let s = CallbackServer::bind("127.0.0.1", 0).await.unwrap();
        assert_ne!(s.port(), 0);
        assert_eq!(s.host(), "127.0.0.1");
        let url = s.callback_url();
        let prefix = format!("http://127.0.0.1:{}/callback/", s.port());
        assert!(url.starts_with(&prefix), "{url}");
        let nonce = &url[prefix.len()..];
        assert_eq!(nonce.len(), 43); // 256 bits, base64url
        assert!(!format!("{s:?}").contains(nonce));
        let s2 = CallbackServer::bind("127.0.0.1", 0).await.unwrap();
        assert_ne!(s2.callback_url()[prefix.len()..], *nonce, "a fresh nonce per flow");
        if ipv6_loopback_available() {
            let s6 = CallbackServer::bind("::1", 0).await.unwrap();
            assert_eq!(s6.host(), "[::1]");
            assert!(s6.callback_url().starts_with("http://[::1]:"));
            assert!(s6.local_addrs().iter().all(|a| a.is_ipv6()));
        }
    }

    #[tokio::test]
    async fn fixed_port_and_port_in_use() {
        // Find a free port, release it, then bind it as a fixed port.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let s = CallbackServer::bind("127.0.0.1", port).await.unwrap();
        assert_eq!(s.port(), port);
        drop(s);

        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        for host in ["127.0.0.1", "localhost"] {
            let e = CallbackServer::bind(host, port).await.unwrap_err();
            assert_eq!(e.code(), "PORT_IN_USE", "{host}");
            assert!(e.to_string().contains(&port.to_string()));
        }
    }

    #[tokio::test]
    async fn localhost_listens_on_both_families() {
        let s = server("localhost").await;
        assert_eq!(s.host(), "localhost");
        let port = s.port();
        let path = path_of(&s);
        let addrs = s.local_addrs();
        assert!(addrs.contains(&v4(port)));
        let has_v6 = ipv6_loopback_available();
        if has_v6 {
            assert!(addrs.contains(&v6(port)));
        }
        let wait = tokio::spawn(s.wait());
        // Both addresses answer (a favicon request does not end the wait).
        assert_eq!(status(&get(v4(port), &format!("localhost:{port}"), "/favicon.ico").await), 404);
        let target = if has_v6 { v6(port) } else { v4(port) };
        let resp = get(target, &format!("localhost:{port}"), &format!("{path}?code=c6&state=s")).await;
        assert_eq!(status(&resp), 200, "{resp}");
        let p = tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
        assert_eq!(p.code.as_deref(), Some("c6"));
        assert!(refused(v4(port)).await);
        if has_v6 {
            assert!(refused(v6(port)).await);
        }
    }

    #[tokio::test]
    async fn strays_do_not_end_the_wait() {
        let s = server("127.0.0.1").await;
        let port = s.port();
        let addr = v4(port);
        let host = format!("127.0.0.1:{port}");
        let path = path_of(&s);
        let wait = tokio::spawn(s.wait());

        assert_eq!(status(&get(addr, &host, "/favicon.ico").await), 404);
        assert_eq!(status(&get(addr, &host, "/").await), 404);
        assert_eq!(status(&get(addr, &host, "/callback/").await), 404);
        assert_eq!(status(&get(addr, &host, "/callback/wrongnonce?code=x").await), 404);
        let other_nonce = crate::rng::token(32);
        assert_eq!(status(&get(addr, &host, &format!("/callback/{other_nonce}?code=x")).await), 404);
        assert_eq!(status(&get(addr, &host, &format!("{path}/extra?code=x")).await), 404);
        // Missing or empty code: 400, keep waiting.
        assert_eq!(status(&get(addr, &host, &path).await), 400);
        assert_eq!(status(&get(addr, &host, &format!("{path}?code=")).await), 400);
        assert_eq!(status(&get(addr, &host, &format!("{path}?code=a&code=b")).await), 400);
        // HEAD, POST, OPTIONS: 405, no CORS.
        for method in ["HEAD", "POST", "OPTIONS", "PUT"] {
            let req = format!(
                "{method} {path}?code=x HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example\r\n\
                 Access-Control-Request-Private-Network: true\r\nContent-Length: 0\r\n\r\n"
            );
            let resp = raw(addr, req.as_bytes()).await;
            assert_eq!(status(&resp), 405, "{method}: {resp}");
            assert!(!resp.to_ascii_lowercase().contains("access-control-"), "{resp}");
        }
        // DNS rebinding and other Host tricks.
        for bad in [
            "evil.example".to_owned(),
            format!("evil.example:{port}"),
            format!("127.0.0.1:{}", port.wrapping_add(1)),
            "127.0.0.1".to_owned(),
            format!("127.0.0.1.evil.com:{port}"),
            format!("localhost.:{port}"),
        ] {
            let resp = get(addr, &bad, &format!("{path}?code=stolen")).await;
            assert!(matches!(status(&resp), 400 | 421), "{bad}: {resp}");
        }
        let resp = raw(addr, format!("GET {path}?code=stolen HTTP/1.0\r\n\r\n").as_bytes()).await;
        assert!(matches!(status(&resp), 400 | 421), "{resp}");
        let resp = raw(
            addr,
            format!("GET http://evil.example{path}?code=stolen HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        )
        .await;
        assert!(matches!(status(&resp), 400 | 421), "{resp}");
        let resp = raw(
            addr,
            format!("GET {path}?code=stolen HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n\r\n")
                .as_bytes(),
        )
        .await;
        assert!(matches!(status(&resp), 400 | 421), "{resp}");
        // Garbage, a TLS ClientHello, an oversized request line, thousands of headers.
        let _ = raw(addr, b"\x00\xff\xfe garbage \r\n\r\n\r\n").await;
        let client_hello: &[u8] = &[
            0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x5b, 0x90, 0x9d, 0x9b, 0x72,
            0x0b, 0xbc, 0x0c, 0xbc, 0x2b, 0x92, 0xa8, 0x48, 0x97, 0xcf, 0xbd, 0x39, 0x04, 0xcc, 0x16, 0x0a,
            0x85, 0x03, 0x90, 0x9f, 0x77, 0x04, 0x33, 0xd4, 0xde, 0x00, 0x00, 0x20, 0xcc, 0xa8, 0xcc, 0xa9,
            0xc0, 0x2f,
        ];
        let _ = raw(addr, client_hello).await;
        let mut huge = b"GET /".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 1 << 20));
        let _ = raw(addr, &huge).await;
        let mut many = format!("GET {path}?code=x HTTP/1.1\r\nHost: {host}\r\n");
        for i in 0..5000 {
            many.push_str(&format!("X-H{i}: v\r\n"));
        }
        many.push_str("\r\n");
        let resp = raw(addr, many.as_bytes()).await;
        assert_ne!(status(&resp), 200);
        assert!(!wait.is_finished(), "a stray request ended the wait");

        // The real callback still works, with either loopback spelling of the host.
        let resp = get(addr, &format!("LocalHost:{port}"), &format!("{path}?code=the-code&state=st")).await;
        assert_eq!(status(&resp), 200, "{resp}");
        assert!(resp.contains("You're connected. You can close this tab and return to your app."));
        let p = tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
        assert_eq!(p.code.as_deref(), Some("the-code"));
        assert_eq!(p.state.as_deref(), Some("st"));
        assert!(refused(addr).await, "the port must close after the callback");
    }

    #[tokio::test]
    async fn security_headers_on_every_page() {
        let s = server("127.0.0.1").await;
        let port = s.port();
        let addr = v4(port);
        let host = format!("127.0.0.1:{port}");
        let path = path_of(&s);
        let wait = tokio::spawn(s.wait());
        let check = |resp: &str| {
            let lower = resp.to_ascii_lowercase();
            for h in [
                "content-type: text/html; charset=utf-8",
                "content-security-policy: default-src 'none'; style-src 'unsafe-inline'",
                "referrer-policy: no-referrer",
                "cache-control: no-store",
                "x-content-type-options: nosniff",
                "connection: close",
            ] {
                assert!(lower.contains(h), "missing {h}: {resp}");
            }
            assert!(!lower.contains("access-control-"));
            assert!(!lower.contains("src=\"http"), "nothing external");
        };
        check(&get(addr, &host, "/favicon.ico").await);
        check(&get(addr, "evil.example", "/").await);
        check(
            &raw(
                addr,
                format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
            )
            .await,
        );
        let ok = get(addr, &host, &format!("{path}?code=z")).await;
        check(&ok);
        tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
    }

    #[tokio::test]
    async fn access_denied_is_escaped_and_ends_the_wait() {
        let s = server("127.0.0.1").await;
        let port = s.port();
        let addr = v4(port);
        let path = path_of(&s);
        let wait = tokio::spawn(s.wait());
        let resp = get(
            addr,
            &format!("127.0.0.1:{port}"),
            &format!(
                "{path}?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E&state=%22'"
            ),
        )
        .await;
        assert_eq!(status(&resp), 200, "{resp}");
        assert!(resp.contains("Access was denied"), "{resp}");
        assert!(resp.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{resp}");
        assert!(!resp.contains("<script"), "{resp}");
        let p = tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
        assert_eq!(p.error.as_deref(), Some("access_denied"));
        assert_eq!(p.error_description.as_deref(), Some("<script>alert(1)</script>"));
        assert_eq!(p.code, None);
        assert!(refused(addr).await);
    }

    #[tokio::test]
    async fn slow_headers_do_not_block_the_callback() {
        let s = server("127.0.0.1").await;
        let port = s.port();
        let addr = v4(port);
        let path = path_of(&s);
        let wait = tokio::spawn(s.wait());
        // Several slowloris connections trickling one byte every 50 ms, and some that connect and say nothing.
        let mut idle = Vec::new();
        let mut tricklers = Vec::new();
        for _ in 0..8 {
            idle.push(TcpStream::connect(addr).await.unwrap());
            tricklers.push(tokio::spawn(async move {
                let mut st = TcpStream::connect(addr).await.unwrap();
                let started = std::time::Instant::now();
                for b in
                    b"GET /callback/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        .iter()
                        .cycle()
                {
                    if st.write_all(&[*b]).await.is_err() {
                        return started.elapsed();
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if started.elapsed() > Duration::from_secs(8) {
                        break;
                    }
                }
                started.elapsed()
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let resp = get(addr, &format!("127.0.0.1:{port}"), &format!("{path}?code=fast")).await;
        assert_eq!(status(&resp), 200);
        let p = tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
        assert_eq!(p.code.as_deref(), Some("fast"));
        // Every trickler was cut off (by the header timeout or by the end of the wait), long before 8 s.
        for t in tricklers {
            let elapsed = t.await.unwrap();
            assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
        }
    }

    #[tokio::test]
    async fn header_timeout_cuts_off_a_trickler() {
        let mut s = server("127.0.0.1").await;
        s.connection_timeout = Duration::from_secs(60); // only the header timeout can end it
        let addr = v4(s.port());
        let wait = tokio::spawn(s.wait());
        let mut st = TcpStream::connect(addr).await.unwrap();
        st.write_all(b"GET /x HTTP/1.1\r\n").await.unwrap();
        let started = std::time::Instant::now();
        let mut buf = [0u8; 512];
        // Keep sending a header line slowly; the server closes the connection after ~300 ms.
        loop {
            if st.write_all(b"X: y\r\n").await.is_err() {
                break;
            }
            match tokio::time::timeout(Duration::from_millis(50), st.read(&mut buf)).await {
                Ok(Ok(_)) | Ok(Err(_)) => break,
                Err(_) => {}
            }
            assert!(started.elapsed() < Duration::from_secs(5), "never cut off");
        }
        assert!(!wait.is_finished());
        wait.abort();
    }

    #[tokio::test]
    async fn many_connects_then_callback() {
        let s = server("127.0.0.1").await;
        let port = s.port();
        let addr = v4(port);
        let path = path_of(&s);
        let wait = tokio::spawn(s.wait());
        for _ in 0..200 {
            drop(TcpStream::connect(addr).await.unwrap());
        }
        // More simultaneous idle connections than the cap: the extras are closed, the server lives on.
        let mut held = Vec::new();
        for _ in 0..(MAX_CONNECTIONS + 10) {
            held.push(TcpStream::connect(addr).await.unwrap());
        }
        drop(held);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let resp = get(addr, &format!("127.0.0.1:{port}"), &format!("{path}?code=after200")).await;
        assert_eq!(status(&resp), 200, "{resp}");
        let p = tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
        assert_eq!(p.code.as_deref(), Some("after200"));
    }

    #[tokio::test]
    async fn second_flow_cannot_complete_the_first() {
        let a = server("127.0.0.1").await;
        let b = server("127.0.0.1").await;
        let (addr_a, host_a) = (v4(a.port()), format!("127.0.0.1:{}", a.port()));
        let path_b = path_of(&b);
        let wait_a = tokio::spawn(a.wait());
        assert_eq!(status(&get(addr_a, &host_a, &format!("{path_b}?code=x")).await), 404);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!wait_a.is_finished());
        wait_a.abort();
        drop(b);
    }

    #[tokio::test]
    async fn dropping_the_wait_closes_the_port() {
        let s = server("localhost").await;
        let addrs = s.local_addrs();
        let r = tokio::time::timeout(Duration::from_millis(200), s.wait()).await;
        assert!(r.is_err());
        for a in addrs {
            assert!(refused(a).await, "{a} still open");
        }

        let s = server("127.0.0.1").await;
        let addr = v4(s.port());
        let e = s.wait_timeout(Duration::from_millis(100)).await.unwrap_err();
        assert_eq!(e.code(), "CALLBACK_TIMEOUT");
        assert!(refused(addr).await);
    }

    #[tokio::test]
    async fn open_connections_are_closed_when_the_wait_ends() {
        let s = server("127.0.0.1").await;
        let addr = v4(s.port());
        let wait = tokio::spawn(s.wait());
        let mut st = TcpStream::connect(addr).await.unwrap();
        st.write_all(b"GET / HT").await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        wait.abort();
        let _ = wait.await;
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(T, st.read(&mut buf)).await.unwrap().unwrap_or(0);
        assert_eq!(n, 0, "the connection should be closed");
    }

    #[cfg(target_os = "linux")]
    fn open_fds() -> usize {
        std::fs::read_dir("/proc/self/fd").unwrap().count()
    }

    /// File descriptors are counted in a child process so the other tests' sockets do not blur the count.
    #[cfg(target_os = "linux")]
    #[test]
    fn no_fd_leak() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "callback::tests::fd_leak_child",
                "--exact",
                "--ignored",
                "--test-threads=1",
                "--nocapture",
            ])
            .env("OPENROUTER_PKCE_FD_CHILD", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("1 passed"), "{stdout}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "run by no_fd_leak in a child process"]
    fn fd_leak_child() {
        if std::env::var_os("OPENROUTER_PKCE_FD_CHILD").is_none() {
            return;
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            // Warm up: the first flow opens the runtime's own descriptors.
            let run = || async {
                let s = server("localhost").await;
                let port = s.port();
                let addr = v4(port);
                let path = path_of(&s);
                let wait = tokio::spawn(s.wait());
                for _ in 0..200 {
                    drop(TcpStream::connect(addr).await.unwrap());
                }
                let _ = raw(addr, b"garbage\r\n\r\n").await;
                let resp = get(addr, &format!("127.0.0.1:{port}"), &format!("{path}?code=x")).await;
                assert_eq!(status(&resp), 200);
                tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
            };
            run().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let before = open_fds();
            for _ in 0..3 {
                run().await;
            }
            // A dropped wait too.
            let s = server("localhost").await;
            let addr = v4(s.port());
            let _ = tokio::time::timeout(Duration::from_millis(50), async {
                let wait = s.wait();
                tokio::pin!(wait);
                let _ = tokio::time::timeout(Duration::from_millis(1), &mut wait).await;
                for _ in 0..20 {
                    let _ = TcpStream::connect(addr).await;
                }
                wait.await
            })
            .await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            let after = open_fds();
            assert!(after <= before + 2, "fds grew from {before} to {after}");
        });
    }
}
