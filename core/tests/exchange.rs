//! Every exchange and key-info outcome, end to end against the emulator on loopback.

use std::time::{Duration, Instant};

use openrouter_pkce::emulator::{Emulator, EmulatorConfig, Endpoint, Fault};
use openrouter_pkce::{
    ApiKey, AuthRequest, CallOptions, ChallengeMethod, Client, ClientOptions, CodeVerifier, ExchangeRequest,
    Pkce, StartAuthOptions, start_auth,
};

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.expect("emulator starts")
}

fn client(emu: &Emulator) -> Client {
    Client::new(ClientOptions { base_url: emu.base_url(), ..Default::default() }).unwrap()
}

/// A fresh pair and a code the emulator bound to its challenge.
fn approved(emu: &Emulator, method: ChallengeMethod) -> (Pkce, String) {
    let pkce = Pkce::generate(43, method).unwrap();
    let code = emu.issue_code(Some(&pkce.code_challenge), Some(method.as_str()), Some("tests"), None);
    (pkce, code)
}

fn exchange_req(pkce: &Pkce, code: &str) -> ExchangeRequest {
    ExchangeRequest {
        code: code.into(),
        code_verifier: Some(pkce.code_verifier.clone()),
        code_challenge_method: Some(pkce.code_challenge_method),
    }
}

/// What a browser does with the auth URL: follow the emulator's redirect and hand back the Location.
async fn browse(url: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = http.get(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 302, "the emulator auto-approves");
    resp.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn full_flow_start_approve_callback_exchange_key_info() {
    let emu = emulator().await;
    let c = client(&emu);
    let req = start_auth(&StartAuthOptions {
        callback_url: Some("http://localhost:3000/callback".into()),
        key_label: Some("integration".into()),
        limit: Some(3.0),
        base_url: Some(emu.base_url()),
        ..Default::default()
    })
    .unwrap();
    let location = browse(req.url()).await;
    assert!(location.starts_with("http://localhost:3000/callback?code="));
    // The request survives a round trip through JSON (a web session) before the callback.
    let req = AuthRequest::from_json(&req.to_json()).unwrap();
    let key = c.complete_auth(&req, &location, &CallOptions::default()).await.unwrap();
    assert!(key.key().starts_with("sk-or-v1-"));
    assert_eq!(emu.request_count(Endpoint::Exchange), 1);
    let info = c.key_info(key.key(), &CallOptions::default()).await.unwrap();
    assert_eq!(info.label.as_deref(), Some("integration"));
    assert_eq!(info.limit, Some(3.0));
    // The key remembers where it came from: a client for OpenRouter asks the emulator about it.
    assert_eq!(key.base_url(), Some(emu.base_url().as_str()));
    let production = Client::new(ClientOptions::default()).unwrap();
    assert_eq!(production.key_info_of(&key, &CallOptions::default()).await.unwrap().label, info.label);
    // The code was single-use.
    let again = c.complete_auth(&req, &location, &CallOptions::default()).await.unwrap_err();
    assert_eq!(again.code(), "INVALID_CODE");
    assert_eq!(again.status(), Some(403));
}

#[tokio::test]
async fn plain_method_and_no_state_relay() {
    let emu = emulator().await;
    emu.set_relay_state(false);
    let req = start_auth(&StartAuthOptions {
        callback_url: Some("https://app.example/cb?keep=1".into()),
        method: ChallengeMethod::Plain,
        base_url: Some(emu.base_url()),
        ..Default::default()
    })
    .unwrap();
    let location = browse(req.url()).await;
    assert!(!location.contains("state="));
    assert!(location.contains("keep=1"));
    let key = client(&emu).complete_auth(&req, &location, &CallOptions::default()).await.unwrap();
    assert!(!format!("{key} {key:?}").contains(key.key()));
}

#[tokio::test]
async fn documented_errors_map_to_codes() {
    let emu = emulator().await;
    let c = client(&emu);
    let call = CallOptions::default();

    // 400: the method differs between step 1 and step 2.
    let (pkce, code) = approved(&emu, ChallengeMethod::S256);
    let mut r = exchange_req(&pkce, &code);
    r.code_challenge_method = Some(ChallengeMethod::Plain);
    let e = c.exchange_code(r, &call).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("INVALID_CODE_CHALLENGE_METHOD", Some(400)));

    // 403: a wrong verifier.
    let (_, code) = approved(&emu, ChallengeMethod::S256);
    let other = Pkce::generate(43, ChallengeMethod::S256).unwrap();
    let e = c.exchange_code(exchange_req(&other, &code), &call).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("INVALID_CODE", Some(403)));

    // 403: expired.
    emu.set_code_ttl(Duration::from_millis(1));
    let (pkce, code) = approved(&emu, ChallengeMethod::S256);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let e = c.exchange_code(exchange_req(&pkce, &code), &call).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("CODE_EXPIRED", Some(403)));
    emu.set_code_ttl(Duration::from_secs(600));

    // 401 on key info.
    let e = c.key_info("sk-or-v1-unknown", &call).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("UNAUTHORIZED", Some(401)));
    let known = emu.create_key(Some("mine"), None);
    assert_eq!(c.key_info(&known, &call).await.unwrap().label.as_deref(), Some("mine"));
}

async fn exchange_with_fault(
    emu: &Emulator,
    fault: Fault,
    timeout: Option<Duration>,
) -> openrouter_pkce::Error {
    let c = client(emu);
    let (pkce, code) = approved(emu, ChallengeMethod::S256);
    let before = emu.request_count(Endpoint::Exchange);
    emu.inject_fault(Endpoint::Exchange, fault);
    let call = CallOptions { timeout, ..Default::default() };
    let e = c.exchange_code(exchange_req(&pkce, &code), &call).await.unwrap_err();
    assert_eq!(emu.request_count(Endpoint::Exchange) - before, 1, "exactly one request for {e:?}");
    e
}

fn status(status: u16, body: &str, content_type: &str) -> Fault {
    Fault::Status { status, body: body.into(), content_type: content_type.into() }
}

#[tokio::test]
async fn faults_give_codes_and_exactly_one_request() {
    let emu = emulator().await;
    let json = "application/json";
    let cases: Vec<(Fault, &str, Option<u16>)> = vec![
        (
            status(405, r#"{"error":{"code":405,"message":"Method Not Allowed"}}"#, json),
            "METHOD_NOT_ALLOWED",
            Some(405),
        ),
        (status(429, r#"{"error":{"code":429,"message":"slow down"}}"#, json), "RATE_LIMITED", Some(429)),
        (status(500, r#"{"error":{"code":500,"message":"boom"}}"#, json), "SERVER_ERROR", Some(500)),
        (status(503, "<html>down</html>", "text/html"), "SERVER_ERROR", Some(503)),
        (status(418, "", "text/plain"), "UNEXPECTED_STATUS", Some(418)),
        (status(200, "<!doctype html><p>cdn page</p>", "text/html"), "MALFORMED_RESPONSE", Some(200)),
        (status(200, "", json), "MALFORMED_RESPONSE", Some(200)),
        (status(200, r#"{"key": "sk-or-v1-trunc"#, json), "MALFORMED_RESPONSE", Some(200)),
        (status(200, "null", json), "MALFORMED_RESPONSE", Some(200)),
        (status(200, r#"{"user_id":"u"}"#, json), "MALFORMED_RESPONSE", Some(200)),
        (Fault::HugeBody { bytes: 10 * 1024 * 1024 }, "MALFORMED_RESPONSE", Some(200)),
        (Fault::Close, "NETWORK", None),
    ];
    for (fault, code, st) in cases {
        let label = format!("{fault:?}");
        let e = exchange_with_fault(&emu, fault, None).await;
        assert_eq!((e.code(), e.status()), (code, st), "{label}: {e}");
    }
}

#[tokio::test]
async fn stalls_and_drips_end_in_timeout() {
    let emu = emulator().await;
    for fault in [Fault::Delay(Duration::from_secs(30)), Fault::Hang, Fault::Drip] {
        let label = format!("{fault:?}");
        let started = Instant::now();
        let e = exchange_with_fault(&emu, fault, Some(Duration::from_millis(700))).await;
        assert_eq!(e.code(), "TIMEOUT", "{label}");
        assert!(started.elapsed() < Duration::from_secs(5), "{label} took {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let emu = emulator().await;
    let second = emulator().await;
    let e = exchange_with_fault(
        &emu,
        Fault::Redirect { location: format!("{}/api/v1/auth/keys", second.base_url()), status: 307 },
        None,
    )
    .await;
    assert_eq!((e.code(), e.status()), ("UNEXPECTED_STATUS", Some(307)));
    assert_eq!(second.request_count(Endpoint::Exchange), 0, "the second host received nothing");
}

#[tokio::test]
async fn connection_refused_is_network_error() {
    let emu = emulator().await;
    let base = emu.base_url();
    emu.stop().await;
    let c = Client::new(ClientOptions { base_url: base, ..Default::default() }).unwrap();
    let e = c
        .exchange_code(ExchangeRequest { code: "abc".into(), ..Default::default() }, &CallOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "NETWORK");
    assert_eq!(e.status(), None);
}

#[tokio::test]
async fn many_concurrent_exchanges_share_one_client() {
    let emu = emulator().await;
    let c = client(&emu);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (pkce, code) = approved(&emu, ChallengeMethod::S256);
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.exchange_code(exchange_req(&pkce, &code), &CallOptions::default()).await
        }));
    }
    let mut keys: Vec<String> = Vec::new();
    for t in tasks {
        let key: ApiKey = t.await.unwrap().unwrap();
        keys.push(key.key().to_owned());
    }
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 200);
}

#[tokio::test]
async fn errors_and_debug_never_hold_secrets() {
    let emu = emulator().await;
    let c = client(&emu);
    let (pkce, code) = approved(&emu, ChallengeMethod::S256);
    let verifier = pkce.code_verifier.secret().to_owned();
    // A hostile server echoing the secrets back.
    emu.inject_fault(
        Endpoint::Exchange,
        status(
            403,
            &format!(r#"{{"error":{{"code":403,"message":"bad {code} {verifier}"}}}}"#),
            "application/json",
        ),
    );
    let e = c.exchange_code(exchange_req(&pkce, &code), &CallOptions::default()).await.unwrap_err();
    let text = format!("{e} | {e:?} | {}", e.chain_message());
    assert!(!text.contains(&code) && !text.contains(&verifier), "{text}");
}

#[tokio::test]
async fn per_call_base_url_and_bad_arguments() {
    let emu = emulator().await;
    let c = Client::openrouter();
    let (pkce, code) = approved(&emu, ChallengeMethod::S256);
    let call = CallOptions { base_url: Some(emu.base_url()), ..Default::default() };
    c.exchange_code(exchange_req(&pkce, &code), &call).await.unwrap();
    let bad = CallOptions { base_url: Some("http://example.com".into()), ..Default::default() };
    let e = c.exchange_code(exchange_req(&pkce, &code), &bad).await.unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let e = c.key_info("", &call).await.unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    // A malformed verifier cannot even be put into a request.
    let e = CodeVerifier::new("short").unwrap_err();
    assert_eq!(e.code(), "INVALID_VERIFIER");
}

#[test]
fn blocking_facade_works_without_a_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator());
    let c = openrouter_pkce::blocking::Client::new(ClientOptions {
        base_url: emu.base_url(),
        ..Default::default()
    })
    .unwrap();
    let (pkce, code) = approved(&emu, ChallengeMethod::S256);
    let key = c.exchange_code(exchange_req(&pkce, &code), &CallOptions::default()).unwrap();
    let info = c.key_info(key.key(), &CallOptions::default()).unwrap();
    assert_eq!(info.label.as_deref(), Some("tests"));
}

/// A server that answers each request keep-alive style (no `Connection: close`) and then closes the
/// connection a moment later without reading anything more, as a server may. Counts the requests it read.
async fn closing_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let n = count.fetch_add(1, Ordering::SeqCst);
                let body = if head.starts_with("post") {
                    format!(r#"{{"key":"sk-or-v1-{n:064x}","user_id":null}}"#)
                } else {
                    r#"{"data":{"label":"closing"}}"#.to_owned()
                };
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(answer.as_bytes()).await;
                // The client's next request lands here, is never read, and the close resets it.
                tokio::time::sleep(Duration::from_millis(30)).await;
                drop(sock);
            });
        }
    });
    (base, seen)
}

/// Issue 11 item 3: back-to-back calls to a server that closes each keep-alive connection after answering.
/// Before: the second call reused the dead pooled socket and failed with NETWORK.
#[tokio::test]
async fn calls_survive_a_server_that_closes_after_each_answer() {
    use std::sync::atomic::Ordering;
    let (base, seen) = closing_server().await;
    let c = Client::new(ClientOptions { base_url: base, ..Default::default() }).unwrap();
    for i in 0..20 {
        let info = c.key_info("sk-or-v1-abc", &CallOptions::default()).await;
        assert_eq!(
            info.map(|k| k.label).unwrap_or_else(|e| panic!("key info #{i}: {e}")).as_deref(),
            Some("closing")
        );
    }
    let before = seen.load(Ordering::SeqCst);
    for i in 0..20 {
        let req = ExchangeRequest { code: format!("code{i}").into(), ..Default::default() };
        c.exchange_code(req, &CallOptions::default()).await.unwrap_or_else(|e| panic!("exchange #{i}: {e}"));
    }
    assert_eq!(seen.load(Ordering::SeqCst) - before, 20, "each exchange reached the server exactly once");
}

/// Issue 17 item 1 (the stored-flow rule of docs/security.md): a flow read back from storage never chooses
/// the host. Finished by a client for emulator A, a flow that names emulator B — in JSON, as a mapping's
/// parts, or sealed — is refused before anything is sent to either; a stored flow older than 10 minutes is
/// refused too. A flow `start_auth` made in this process still finishes where it started.
#[tokio::test]
async fn a_stored_flow_never_chooses_the_host() {
    let ours = emulator().await;
    let theirs = emulator().await;
    let c = client(&ours);
    let start = |base: String| {
        start_auth(&StartAuthOptions {
            callback_url: Some("http://localhost:3000/callback".into()),
            base_url: Some(base),
            ..Default::default()
        })
        .unwrap()
    };
    let foreign = start(theirs.base_url());
    let location = browse(foreign.url()).await;
    let secrets =
        openrouter_pkce::SealSecrets::new(["a sealing secret of 32 bytes or more, really"]).unwrap();
    let stored = [
        AuthRequest::from_json(&foreign.to_json()).unwrap(),
        AuthRequest::unseal(&foreign.seal(&secrets).unwrap(), &secrets, Duration::from_secs(600)).unwrap(),
    ];
    for flow in &stored {
        let e = c.complete_auth(flow, &location, &CallOptions::default()).await.unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT", "{e}");
        assert!(e.to_string().contains("never chooses the host"), "{e}");
    }
    let sealed = foreign.seal(&secrets).unwrap();
    let e = c.complete_sealed_auth(&sealed, &secrets, &location, &CallOptions::default()).await.unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert_eq!(theirs.request_count(Endpoint::Exchange), 0, "nothing reached the flow's host");
    assert_eq!(ours.request_count(Endpoint::Exchange), 0, "nor the client's");

    // A stored flow of our own host, but older than 10 minutes (created_at is what the app stored).
    let old = start(ours.base_url());
    let location = browse(old.url()).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let aged = AuthRequest::from_parts(
        old.url().into(),
        old.callback_url().map(Into::into),
        old.code_verifier().secret().into(),
        old.code_challenge().into(),
        "S256",
        old.state().into(),
        now - 601,
        Some(ours.base_url()),
    )
    .unwrap();
    let e = c.complete_auth(&aged, &location, &CallOptions::default()).await.unwrap_err();
    assert_eq!(e.code(), "SEALED_FLOW_EXPIRED", "{e}");
    assert_eq!(ours.request_count(Endpoint::Exchange), 0);
    // The same flow, fresh and stored, finishes at the client's host; a live one at its own.
    let fresh = AuthRequest::from_json(&old.to_json()).unwrap();
    c.complete_auth(&fresh, &location, &CallOptions::default()).await.unwrap();
    assert_eq!(ours.request_count(Endpoint::Exchange), 1);
    let live = start(theirs.base_url());
    let location = browse(live.url()).await;
    c.complete_auth(&live, &location, &CallOptions::default()).await.unwrap();
    assert_eq!(theirs.request_count(Endpoint::Exchange), 1);
}

/// Our client's `create_auth_code` against the emulator's `POST /api/v1/auth/keys/code` (written
/// independently): the created code exchanges once, the minted key reports what was asked, and every
/// request carried the client's attribution.
#[tokio::test]
async fn create_auth_code_exchange_and_key_info_with_attribution() {
    use openrouter_pkce::emulator::ReceivedAttribution;
    use openrouter_pkce::{Attribution, AuthCodeOptions, UsageLimitType};

    let emu = emulator().await;
    let c = Client::new(ClientOptions {
        base_url: emu.base_url(),
        attribution: Attribution {
            http_referer: Some("https://app.example/".into()),
            app_title: Some("My App".into()),
            app_categories: Some(vec!["cli-agent".into()]),
        },
        ..Default::default()
    })
    .unwrap();
    let app_key = emu.create_key(Some("backend"), None);
    let pkce = Pkce::generate(43, ChallengeMethod::S256).unwrap();
    let workspace = "0b7c2f1e-9a3d-4e5f-8a6b-1c2d3e4f5a6b";
    let options = AuthCodeOptions {
        callback_url: "https://app.example/cb".into(),
        code_challenge: Some(pkce.code_challenge.clone()),
        code_challenge_method: ChallengeMethod::S256,
        expires_at: Some(4_102_444_800.5), // 2100-01-01T00:00:00.500Z
        key_label: Some("agent".into()),
        limit: Some(4.0),
        usage_limit_type: Some(UsageLimitType::Monthly),
        workspace_id: Some(workspace.into()),
    };
    let code = c.create_auth_code(&app_key, &options, &CallOptions::default()).await.unwrap();
    assert!(code.app_id.is_some() && code.created_at.is_some());
    let seen = emu.last_attribution(Endpoint::CreateAuthCode).unwrap();
    let want = ReceivedAttribution {
        http_referer: Some("https://app.example/".into()),
        x_openrouter_title: Some("My App".into()),
        x_title: Some("My App".into()),
        x_openrouter_categories: Some("cli-agent".into()),
    };
    assert_eq!(seen, want);

    let key = c.exchange_code(exchange_req(&pkce, code.id.secret()), &CallOptions::default()).await.unwrap();
    assert_eq!(emu.last_attribution(Endpoint::Exchange).as_ref(), Some(&want));
    let err =
        c.exchange_code(exchange_req(&pkce, code.id.secret()), &CallOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), "INVALID_CODE");

    let info = c.key_info(key.key(), &CallOptions::default()).await.unwrap();
    assert_eq!(emu.last_attribution(Endpoint::KeyInfo), Some(want));
    assert_eq!(info.label.as_deref(), Some("agent"));
    assert_eq!((info.limit, info.limit_remaining), (Some(4.0), Some(4.0)));
    assert_eq!(info.limit_reset.as_deref(), Some("monthly"));
    assert_eq!(info.expires_at.as_deref(), Some("2100-01-01T00:00:00.500Z"));
    assert_eq!(info.workspace_id.as_deref(), Some(workspace));
    assert_eq!(info.usage, Some(0.0));
    assert_eq!(info.is_management_key, Some(false));
    assert_eq!(info.allowed_data_regions.as_deref(), Some(&["global".to_owned()][..]));
    assert_eq!(info.free_model_daily_requests.and_then(|f| f.limit), Some(50.0));
    assert_eq!(emu.request_count(Endpoint::CreateAuthCode), 1);

    // An unknown bearer is the emulator's 401, which our client maps to UNAUTHORIZED.
    let err = c.create_auth_code("sk-or-v1-unknown", &options, &CallOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), "UNAUTHORIZED");
}
