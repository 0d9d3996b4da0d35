//! Tests of the loopback receiver.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::listen::{v4, v6};
use super::request::nonce_matches;
use super::*;
use crate::query::parse_callback_query_strict;

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
    assert_eq!(parse_callback_query_strict("code=a&code=b"), Err("code"));
    assert_eq!(parse_callback_query_strict("error=x&error=y"), Err("error"));
    assert_eq!(parse_callback_query_strict("state=x&code=c&state=y"), Err("state"));
    assert_eq!(
        parse_callback_query_strict("error=x&error_description=a&error_description=b"),
        Err("error_description")
    );
    let strict = parse_callback_query_strict("code=a%2Bb+c&x=1&x=2").unwrap();
    assert_eq!(strict, parse_callback_query("code=a%2Bb+c&x=1&x=2"));
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
        format!("GET {path}?code=stolen HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(matches!(status(&resp), 400 | 421), "{resp}");
    // Garbage, a TLS ClientHello, an oversized request line, thousands of headers.
    let _ = raw(addr, b"\x00\xff\xfe garbage \r\n\r\n\r\n").await;
    let client_hello: &[u8] = &[
        0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x5b, 0x90, 0x9d, 0x9b, 0x72, 0x0b,
        0xbc, 0x0c, 0xbc, 0x2b, 0x92, 0xa8, 0x48, 0x97, 0xcf, 0xbd, 0x39, 0x04, 0xcc, 0x16, 0x0a, 0x85, 0x03,
        0x90, 0x9f, 0x77, 0x04, 0x33, 0xd4, 0xde, 0x00, 0x00, 0x20, 0xcc, 0xa8, 0xcc, 0xa9, 0xc0, 0x2f,
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
        &raw(addr, format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n").as_bytes())
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
        &format!("{path}?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E&state=%22'"),
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
            for b in b"GET /callback/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
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

/// Windows twin: the process's open handles (sockets included).
#[cfg(windows)]
fn open_fds() -> usize {
    let mut n = 0u32;
    // SAFETY: the current-process pseudo-handle and a valid out-pointer.
    let ok = unsafe {
        windows_sys::Win32::System::Threading::GetProcessHandleCount(
            windows_sys::Win32::System::Threading::GetCurrentProcess(),
            &mut n,
        )
    };
    assert!(ok != 0, "GetProcessHandleCount");
    n as usize
}

/// File descriptors (handles on Windows) are counted in a child process so the other tests' sockets do not
/// blur the count.
#[cfg(any(target_os = "linux", windows))]
#[test]
fn no_fd_leak() {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["callback::tests::fd_leak_child", "--exact", "--ignored", "--test-threads=1", "--nocapture"])
        .env("OPENROUTER_PKCE_FD_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[cfg(any(target_os = "linux", windows))]
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

#[tokio::test]
async fn the_callback_is_answered_after_the_outcome() {
    let s = server("127.0.0.1").await;
    let port = s.port();
    let addr = v4(port);
    let path = path_of(&s);
    let wait = tokio::spawn(s.wait_for_callback());
    let browser =
        tokio::spawn(async move { get(addr, &format!("127.0.0.1:{port}"), &format!("{path}?code=c")).await });
    let callback = tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap();
    assert_eq!(callback.params().code.as_deref(), Some("c"));
    assert!(refused(addr).await, "the port closes when the callback is claimed");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!browser.is_finished(), "the browser waits for the outcome");
    let e = Error::StateMismatch { detail: "<b>forged</b>".into() };
    callback.answer::<()>(Err(&e)).await;
    let page = tokio::time::timeout(T, browser).await.unwrap().unwrap();
    assert_eq!(status(&page), 400, "{page}");
    assert!(page.contains("STATE_MISMATCH") && page.contains("&lt;b&gt;forged"), "{page}");
    assert!(!page.contains("<b>"), "{page}");

    // Dropped unanswered: a neutral page at once.
    let s = server("127.0.0.1").await;
    let port = s.port();
    let path = path_of(&s);
    let wait = tokio::spawn(s.wait_for_callback());
    let browser =
        tokio::spawn(
            async move { get(v4(port), &format!("127.0.0.1:{port}"), &format!("{path}?code=c")).await },
        );
    drop(tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap());
    let page = tokio::time::timeout(T, browser).await.unwrap().unwrap();
    assert_eq!(status(&page), 200, "{page}");
    assert!(page.contains("Return to your app") && !page.contains("connected"), "{page}");
}

#[tokio::test]
async fn request_heads_up_to_64_kib_are_read() {
    let s = server("127.0.0.1").await;
    let port = s.port();
    let path = path_of(&s);
    let wait = tokio::spawn(s.wait());
    let cookie = format!("Cookie: a={}\r\n", "c".repeat(60 * 1024));
    let resp = raw(
        v4(port),
        format!("GET {path}?code=big HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}\r\n").as_bytes(),
    )
    .await;
    assert_eq!(status(&resp), 200, "{resp}");
    assert_eq!(tokio::time::timeout(T, wait).await.unwrap().unwrap().unwrap().code.as_deref(), Some("big"));
}
