//! Black-box tests: a raw HTTP client (reqwest, redirects off) against a running emulator.

use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use axum::http::{HeaderValue, Method};

use super::*;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().redirect(Policy::none()).no_proxy().build().unwrap()
}

async fn emu() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn exchange(c: &reqwest::Client, e: &Emulator, body: &str) -> (u16, Value) {
    let resp = c
        .post(format!("{}/api/v1/auth/keys", e.base_url()))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    (status, serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap())
}

async fn exchange_json(c: &reqwest::Client, e: &Emulator, body: Value) -> (u16, Value) {
    exchange(c, e, &body.to_string()).await
}

async fn get(c: &reqwest::Client, url: String) -> reqwest::Response {
    c.get(url).send().await.unwrap()
}

fn location(resp: &reqwest::Response) -> Url {
    assert_eq!(resp.status().as_u16(), 302);
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn error_message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap()
}

fn is_key(k: &str) -> bool {
    k.len() == 73
        && k.starts_with("sk-or-v1-")
        && k[9..].bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn assert_html_headers(resp: &reqwest::Response) {
    let h = resp.headers();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["referrer-policy"], "no-referrer");
}

fn auth_url(e: &Emulator, callback: &str, extra: &str) -> String {
    format!(
        "{}/auth?callback_url={}&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        e.base_url(),
        enc(callback)
    )
}

fn request_id(html: &str) -> String {
    let marker = "name=\"request_id\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn decide(c: &reqwest::Client, e: &Emulator, id: &str, decision: &str) -> reqwest::Response {
    c.post(format!("{}/auth/decision", e.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("request_id={}&decision={decision}", enc(id)))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn auto_approve_redirect_carries_code_and_state_and_keeps_callback_query() {
    let e = emu().await;
    let c = client();
    let cb = "http://localhost:8976/cb/n0nce?keep=a%2Bb&x=1+2";
    let resp = get(&c, auth_url(&e, cb, "&state=st%26ate&key_label=My+App&limit=5")).await;
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let loc = location(&resp);
    assert!(loc.as_str().starts_with("http://localhost:8976/cb/n0nce?keep=a%2Bb&x=1+2&code="));
    assert_eq!(query(&loc, "keep").as_deref(), Some("a+b"));
    assert_eq!(query(&loc, "state").as_deref(), Some("st&ate"));
    let code = query(&loc, "code").unwrap();

    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let key = body["key"].as_str().unwrap();
    assert!(is_key(key));
    assert!(body["user_id"].as_str().unwrap().starts_with("user_"));

    let info = c.get(format!("{}/api/v1/key", e.base_url())).bearer_auth(key).send().await.unwrap();
    assert_eq!(info.status().as_u16(), 200);
    let info: Value = serde_json::from_slice(&info.bytes().await.unwrap()).unwrap();
    assert_eq!(info["data"]["label"], "My App");
    assert_eq!(info["data"]["limit"], 5.0);
    assert_eq!(info["data"]["limit_remaining"], 5.0);
    assert_eq!(info["data"]["usage"], 0.0);
    assert_eq!(info["data"]["is_free_tier"], true);
    assert_eq!(info["data"]["creator_user_id"], body["user_id"]);
    e.stop().await;
}

#[tokio::test]
async fn state_is_not_relayed_when_switched_off() {
    let e =
        Emulator::start(EmulatorConfig { relay_state: false, ..EmulatorConfig::default() }).await.unwrap();
    let c = client();
    let loc = location(&get(&c, auth_url(&e, "http://127.0.0.1:1/cb", "&state=abc")).await);
    assert!(query(&loc, "code").is_some());
    assert_eq!(query(&loc, "state"), None);
    e.set_relay_state(true);
    let loc = location(&get(&c, auth_url(&e, "http://127.0.0.1:1/cb", "&state=abc")).await);
    assert_eq!(query(&loc, "state").as_deref(), Some("abc"));
    // No state given: none relayed.
    let loc = location(&get(&c, auth_url(&e, "https://app.example/cb", "")).await);
    assert_eq!(query(&loc, "state"), None);
}

#[tokio::test]
async fn headless_page_shows_the_code() {
    let e = emu().await;
    let c = client();
    let url = format!(
        "{}/auth?code_challenge={}&code_challenge_method=S256&key_label=cli",
        e.base_url(),
        s256("another-verifier-another-verifier-another-verifier")
    );
    let resp = get(&c, url).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_html_headers(&resp);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Paste this code into your app"));
    let start = html.find("<code id=\"code\">").unwrap() + "<code id=\"code\">".len();
    let code = &html[start..start + html[start..].find('<').unwrap()];
    let (status, _) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": "another-verifier-another-verifier-another-verifier", "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!(status, 200);

    // Headless needs S256.
    let bad = format!("{}/auth?code_challenge={VERIFIER}&code_challenge_method=plain", e.base_url());
    let resp = get(&c, bad).await;
    assert_eq!(resp.status().as_u16(), 400);
    assert_html_headers(&resp);
    assert!(resp.text().await.unwrap().contains("S256"));
    // Headless without a challenge.
    assert_eq!(get(&c, format!("{}/auth", e.base_url())).await.status().as_u16(), 400);
}

#[tokio::test]
async fn auth_refuses_bad_parameters() {
    let e = emu().await;
    let c = client();
    for q in [
        format!("callback_url={}", enc("http://evil.example/cb")),
        format!("callback_url={}", enc("ftp://localhost/cb")),
        format!("callback_url={}&code_challenge_method=S256", enc("https://a.example/")),
        format!(
            "callback_url={}&code_challenge={CHALLENGE}&code_challenge_method=s256",
            enc("https://a.example/")
        ),
        format!("callback_url={}&limit=-3", enc("https://a.example/")),
        format!("callback_url={}&limit=lots", enc("https://a.example/")),
    ] {
        let resp = get(&c, format!("{}/auth?{q}", e.base_url())).await;
        assert_eq!(resp.status().as_u16(), 400, "{q}");
        assert_html_headers(&resp);
    }
    // No method with a challenge means plain: accepted, and the code is bound to plain.
    let url =
        format!("{}/auth?callback_url={}&code_challenge={VERIFIER}", e.base_url(), enc("http://[::1]:5/cb"));
    let code = query(&location(&get(&c, url).await), "code").unwrap();
    let (status, _) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn consent_page_approve_and_deny() {
    let e =
        Emulator::start(EmulatorConfig { auto_approve: false, ..EmulatorConfig::default() }).await.unwrap();
    let c = client();
    let resp = get(&c, auth_url(&e, "http://localhost:4321/cb?a=1", "&state=s1")).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_html_headers(&resp);
    let html = resp.text().await.unwrap();
    assert!(html.contains("localhost:4321"));
    assert!(html.contains(r#"<form method="post" action="/auth/decision">"#));
    assert!(html.contains(r#"id="approve""#) && html.contains(r#"id="deny""#));
    let id = request_id(&html);

    let loc = location(&decide(&c, &e, &id, "approve").await);
    assert_eq!(query(&loc, "a").as_deref(), Some("1"));
    assert_eq!(query(&loc, "state").as_deref(), Some("s1"));
    let code = query(&loc, "code").unwrap();
    let (status, _) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!(status, 200);
    // A decision is final.
    assert_eq!(decide(&c, &e, &id, "approve").await.status().as_u16(), 400);
    assert_eq!(decide(&c, &e, "no-such-request", "approve").await.status().as_u16(), 400);

    // Deny with a callback.
    let html = get(&c, auth_url(&e, "http://127.0.0.1:4321/cb", "&state=s2")).await.text().await.unwrap();
    let resp = decide(&c, &e, &request_id(&html), "deny").await;
    let raw = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(raw.contains("error=access_denied&error_description=The+user+denied+the+request"), "{raw}");
    let loc = location(&resp);
    assert_eq!(query(&loc, "code"), None);
    assert_eq!(query(&loc, "state").as_deref(), Some("s2"));

    // Headless deny: a page says so.
    let url = format!("{}/auth?code_challenge={CHALLENGE}&code_challenge_method=S256", e.base_url());
    let html = get(&c, url).await.text().await.unwrap();
    let resp = decide(&c, &e, &request_id(&html), "deny").await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_html_headers(&resp);
    assert!(resp.text().await.unwrap().contains("denied"));

    // Switching auto-approve back on skips the page.
    e.set_auto_approve(true);
    location(&get(&c, auth_url(&e, "http://127.0.0.1:4321/cb", "")).await);
}

#[tokio::test]
async fn html_escapes_echoed_values() {
    let e =
        Emulator::start(EmulatorConfig { auto_approve: false, ..EmulatorConfig::default() }).await.unwrap();
    let c = client();
    let label = "<script>alert('x')</script>\"&";
    let html = get(&c, auth_url(&e, "https://app.example/cb", &format!("&key_label={}", enc(label))))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"));
    // The headless code page too.
    e.set_auto_approve(true);
    let url = format!(
        "{}/auth?code_challenge={CHALLENGE}&code_challenge_method=S256&key_label={}",
        e.base_url(),
        enc(label)
    );
    let html = get(&c, url).await.text().await.unwrap();
    assert!(!html.contains("<script>"));
}

#[tokio::test]
async fn exchange_outcomes() {
    let e = emu().await;
    let c = client();
    let s256_body =
        |code: &str| json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});

    // plain
    let code = e.issue_code(Some(VERIFIER), Some("plain"), None, None);
    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(is_key(body["key"].as_str().unwrap()));

    // reuse after success
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    assert_eq!(exchange_json(&c, &e, s256_body(&code)).await.0, 200);
    let (status, body) = exchange_json(&c, &e, s256_body(&code)).await;
    assert_eq!((status, error_message(&body)), (403, "Invalid code or code_verifier"));
    assert_eq!(body["error"]["code"], 403);

    // wrong verifier, then the code is gone even with the right one
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    let wrong = json!({"code": code, "code_verifier": "x".repeat(43), "code_challenge_method": "S256"});
    let (status, body) = exchange_json(&c, &e, wrong).await;
    assert_eq!((status, error_message(&body)), (403, "Invalid code or code_verifier"));
    assert_eq!(exchange_json(&c, &e, s256_body(&code)).await.0, 403);

    // method mismatch (and null means plain)
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    let plain = json!({"code": code, "code_verifier": CHALLENGE, "code_challenge_method": "plain"});
    let (status, body) = exchange_json(&c, &e, plain).await;
    assert_eq!((status, error_message(&body)), (400, "Invalid code_challenge_method"));
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    let null = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": null});
    assert_eq!(exchange_json(&c, &e, null).await.0, 400);
    let code = e.issue_code(Some(VERIFIER), None, None, None);
    let null = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": null});
    assert_eq!(exchange_json(&c, &e, null).await.0, 200);

    // no verifier for a bound code
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    let (status, _) = exchange_json(&c, &e, json!({"code": code, "code_challenge_method": "S256"})).await;
    assert_eq!(status, 403);

    // a code issued without a challenge needs no verifier
    let code = e.issue_code(None, None, Some("bare"), None);
    assert_eq!(exchange_json(&c, &e, json!({"code": code})).await.0, 200);

    // unknown code
    let (status, body) = exchange_json(&c, &e, s256_body("nope")).await;
    assert_eq!((status, error_message(&body)), (403, "Invalid code or code_verifier"));

    // bad bodies
    for bad in ["not json", "{}", r#"{"code": 5}"#, r#"{"code":"a","code_verifier":7}"#, "[]"] {
        let (status, body) = exchange(&c, &e, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["error"]["code"], 400);
    }
}

#[tokio::test]
async fn error_bodies_never_echo_secrets() {
    let e = emu().await;
    let c = client();
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    let body = json!({"code": code, "code_verifier": "secret-verifier-secret-verifier-secret-verifier", "code_challenge_method": "S256"});
    let (status, resp) = exchange_json(&c, &e, body).await;
    assert_eq!(status, 403);
    let text = resp.to_string();
    assert!(!text.contains(&code) && !text.contains("secret-verifier"));
    assert!(!format!("{e:?}").contains(&code));
}

#[tokio::test]
async fn codes_expire() {
    let e = emu().await;
    let c = client();
    e.set_code_ttl(Duration::from_millis(1));
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!((status, error_message(&body)), (403, "Authorization code expired"));
    // Expired codes are consumed too.
    e.set_code_ttl(Duration::from_secs(600));
    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!((status, error_message(&body)), (403, "Invalid code or code_verifier"));
}

#[tokio::test]
async fn wrong_methods_and_paths() {
    let e = emu().await;
    let c = client();
    let resp = get(&c, format!("{}/api/v1/auth/keys", e.base_url())).await;
    assert_eq!(resp.status().as_u16(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body, json!({"error": {"code": 405, "message": "Method Not Allowed"}}));
    let resp = c.put(format!("{}/api/v1/auth/keys", e.base_url())).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert_eq!(e.request_count(Endpoint::Exchange), 2);

    let resp = get(&c, format!("{}/api/v1/nothing", e.base_url())).await;
    assert_eq!(resp.status().as_u16(), 404);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], 404);
    let resp = c.post(format!("{}/api/v1/key", e.base_url())).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
}

#[tokio::test]
async fn key_info_statuses() {
    let e = emu().await;
    let c = client();
    let url = format!("{}/api/v1/key", e.base_url());
    let key = e.create_key(None, None);
    assert!(is_key(&key));
    let resp = c.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["data"]["label"], "openrouter-pkce emulator");
    assert_eq!(body["data"]["limit"], Value::Null);
    assert_eq!(body["data"]["limit_reset"], Value::Null);

    let resp = get(&c, url.clone()).await;
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body, json!({"error": {"code": 401, "message": "No auth credentials found"}}));
    let resp = c.get(&url).bearer_auth("sk-or-v1-unknown").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], 401);
    assert_eq!(e.request_count(Endpoint::KeyInfo), 3);
    assert_eq!(e.request_count(Endpoint::Exchange), 0);
}

#[tokio::test]
async fn fault_status_is_used_once_and_counted() {
    let e = emu().await;
    let c = client();
    e.inject_fault(
        Endpoint::Exchange,
        Fault::Status {
            status: 502,
            body: "<html>Bad gateway</html>".into(),
            content_type: "text/html".into(),
        },
    );
    let code = e.issue_code(Some(CHALLENGE), Some("S256"), None, None);
    let body = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}).to_string();
    let url = format!("{}/api/v1/auth/keys", e.base_url());
    let resp = c.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 502);
    assert_eq!(resp.headers()["content-type"], "text/html");
    assert_eq!(resp.text().await.unwrap(), "<html>Bad gateway</html>");
    assert_eq!(e.request_count(Endpoint::Exchange), 1);
    // The fault did not consume the code, and it is gone now.
    let resp = c.post(&url).body(body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(e.request_count(Endpoint::Exchange), 2);
}

#[tokio::test]
async fn fault_delay_and_hang_stall_the_client() {
    let e = emu().await;
    let c = client();
    let url = format!("{}/api/v1/key", e.base_url());
    e.inject_fault(Endpoint::KeyInfo, Fault::Delay(Duration::from_millis(300)));
    let t = Instant::now();
    let resp = get(&c, url.clone()).await;
    assert!(t.elapsed() >= Duration::from_millis(290));
    assert_eq!(resp.status().as_u16(), 401, "a delay answers normally afterwards");

    e.inject_fault(Endpoint::KeyInfo, Fault::Delay(Duration::from_secs(30)));
    let err = c.get(&url).timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert!(err.is_timeout());

    e.inject_fault(Endpoint::KeyInfo, Fault::Hang);
    let err = c.get(&url).timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(e.request_count(Endpoint::KeyInfo), 3);
}

#[tokio::test]
async fn fault_redirect() {
    let e = emu().await;
    let c = client();
    e.inject_fault(
        Endpoint::Exchange,
        Fault::Redirect { location: "http://127.0.0.1:9/elsewhere".into(), status: 307 },
    );
    let resp = c.post(format!("{}/api/v1/auth/keys", e.base_url())).body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 307);
    assert_eq!(resp.headers()["location"], "http://127.0.0.1:9/elsewhere");
}

#[tokio::test]
async fn fault_drip_sends_headers_then_trickles() {
    let e = emu().await;
    let c = client();
    e.inject_fault(Endpoint::Exchange, Fault::Drip);
    let mut resp = c.post(format!("{}/api/v1/auth/keys", e.base_url())).body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let first = resp.chunk().await.unwrap().unwrap();
    assert_eq!(&first[..], b"{");
    let t = Instant::now();
    let second = resp.chunk().await.unwrap().unwrap();
    assert_eq!(&second[..], b"\"");
    assert!(t.elapsed() >= Duration::from_millis(300), "bytes come slowly");
    // The body never finishes within a short deadline.
    assert!(tokio::time::timeout(Duration::from_millis(1500), resp.bytes()).await.is_err());
    // stop() is not held up by the drip.
    let t = Instant::now();
    e.stop().await;
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn fault_huge_body_is_streamed_whole() {
    let e = emu().await;
    let c = client();
    let size = 10 * 1024 * 1024 + 7;
    e.inject_fault(Endpoint::Exchange, Fault::HugeBody { bytes: size });
    let resp = c.post(format!("{}/api/v1/auth/keys", e.base_url())).body("{}").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers().get("content-length").is_none(), "streamed, not announced");
    let body = resp.bytes().await.unwrap();
    assert_eq!(body.len(), size);
    assert!(body.starts_with(br#"{"key":"aaa"#));
    assert!(body.ends_with(br#"","user_id":null}"#));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert!(v["key"].is_string());
}

#[tokio::test]
async fn fault_close_drops_the_connection() {
    let e = emu().await;
    let c = client();
    e.inject_fault(Endpoint::Exchange, Fault::Close);
    let err = c.post(format!("{}/api/v1/auth/keys", e.base_url())).body("{}").send().await.unwrap_err();
    assert!(!err.is_timeout());
    assert!(err.status().is_none());
    assert_eq!(e.request_count(Endpoint::Exchange), 1);
    // The next request is served normally.
    assert_eq!(exchange(&c, &e, "{}").await.0, 400);
}

#[tokio::test]
async fn faults_are_queued_in_order() {
    let e = emu().await;
    let c = client();
    let url = format!("{}/api/v1/key", e.base_url());
    for status in [500, 429] {
        e.inject_fault(
            Endpoint::KeyInfo,
            Fault::Status { status, body: "{}".into(), content_type: "application/json".into() },
        );
    }
    assert_eq!(get(&c, url.clone()).await.status().as_u16(), 500);
    assert_eq!(get(&c, url.clone()).await.status().as_u16(), 429);
    assert_eq!(get(&c, url).await.status().as_u16(), 401);
}

#[tokio::test]
async fn stop_closes_the_port_even_with_a_hanging_request() {
    let e = emu().await;
    let port = e.port();
    assert_eq!(e.base_url(), format!("http://127.0.0.1:{port}"));
    e.inject_fault(Endpoint::Exchange, Fault::Hang);
    let url = format!("{}/api/v1/auth/keys", e.base_url());
    let hanging = tokio::spawn(async move { client().post(url).body("{}").send().await });
    while e.request_count(Endpoint::Exchange) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let t = Instant::now();
    e.stop().await;
    assert!(t.elapsed() < Duration::from_secs(3));
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err());
    assert!(hanging.await.unwrap().is_err(), "the hung request ends without an answer");
}

#[tokio::test]
async fn drop_closes_the_port() {
    let e = emu().await;
    let port = e.port();
    drop(e);
    // Abort takes effect when the runtime next polls the task.
    let mut closed = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(closed);
}

#[tokio::test]
async fn start_errors() {
    let err =
        Emulator::start(EmulatorConfig { host: "0.0.0.0".parse().unwrap(), ..EmulatorConfig::default() })
            .await
            .unwrap_err();
    assert_eq!(err.code(), "INVALID_ARGUMENT");

    let e = emu().await;
    let err =
        Emulator::start(EmulatorConfig { port: e.port(), ..EmulatorConfig::default() }).await.unwrap_err();
    assert_eq!(err.code(), "PORT_IN_USE");
    assert!(format!("{e:?}").contains(&e.base_url()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_exchanges() {
    let e = emu().await;
    let c = client();
    let url = format!("{}/api/v1/auth/keys", e.base_url());
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let verifier = format!("{i:0>43}");
        let code = e.issue_code(Some(&s256(&verifier)), Some("S256"), None, None);
        let (c, url) = (c.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"code": code, "code_verifier": verifier, "code_challenge_method": "S256"});
            let resp = c.post(url).body(body.to_string()).send().await.unwrap();
            let status = resp.status().as_u16();
            let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
            (status, body["key"].as_str().unwrap().to_owned())
        }));
    }
    let mut keys = std::collections::HashSet::new();
    for t in tasks {
        let (status, key) = t.await.unwrap();
        assert_eq!(status, 200);
        keys.insert(key);
    }
    assert_eq!(keys.len(), 1000);
    assert_eq!(e.request_count(Endpoint::Exchange), 1000);
    e.stop().await;
}

#[tokio::test]
async fn fault_close_sends_no_bytes_at_all() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let e = emu().await;
    e.inject_fault(Endpoint::Exchange, Fault::Close);
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", e.port())).await.unwrap();
    s.write_all(b"POST /api/v1/auth/keys HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}").await.unwrap();
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut got)).await.unwrap();
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
}

#[tokio::test]
async fn listens_on_ipv6_loopback() {
    let Ok(e) =
        Emulator::start(EmulatorConfig { host: "::1".parse().unwrap(), ..EmulatorConfig::default() }).await
    else {
        return; // no IPv6 on this machine
    };
    assert_eq!(e.base_url(), format!("http://[::1]:{}", e.port()));
    let resp = get(&client(), format!("{}/api/v1/key", e.base_url())).await;
    assert_eq!(resp.status().as_u16(), 401);
}

// ---- POST /api/v1/auth/keys/code, CORS, attribution, the full key-info body ----

const WORKSPACE: &str = "0b7c2f1e-9a3d-4e5f-8a6b-1c2d3e4f5a6b";

async fn create_code(c: &reqwest::Client, e: &Emulator, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = c
        .post(format!("{}/api/v1/auth/keys/code", e.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    (status, serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap())
}

async fn key_data(c: &reqwest::Client, e: &Emulator, key: &str) -> Value {
    let resp = c.get(format!("{}/api/v1/key", e.base_url())).bearer_auth(key).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    body["data"].clone()
}

#[tokio::test]
async fn created_code_is_exchanged_once_and_mints_the_key_it_describes() {
    let e = emu().await;
    let c = client();
    let app_key = e.create_key(Some("the app"), None);
    let (status, body) = create_code(
        &c,
        &e,
        Some(&app_key),
        json!({
            "callback_url": "https://app.example/cb",
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
            "expires_at": "2099-12-31T23:59:59Z",
            "key_label": "Created key",
            "limit": 12.5,
            "usage_limit_type": "weekly",
            "workspace_id": WORKSPACE,
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    assert_eq!(data.as_object().unwrap().len(), 3, "{data}");
    let code = data["id"].as_str().unwrap();
    assert!(data["app_id"].is_i64());
    let created = clock::parse_rfc3339(data["created_at"].as_str().unwrap()).unwrap();
    assert!((clock::now_ms() - created).abs() < 60_000);
    assert_eq!(e.request_count(Endpoint::CreateAuthCode), 1);

    // The same app (callback origin) keeps its id; another gets a new one.
    let (_, again) =
        create_code(&c, &e, Some(&app_key), json!({"callback_url": "https://app.example/other"})).await;
    assert_eq!(again["data"]["app_id"], data["app_id"]);
    assert_ne!(again["data"]["id"], data["id"]);
    let (_, other) =
        create_code(&c, &e, Some(&app_key), json!({"callback_url": "http://localhost:3000/cb"})).await;
    assert_ne!(other["data"]["app_id"], data["app_id"]);

    let exchange_body = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});
    let (status, minted) = exchange_json(&c, &e, exchange_body.clone()).await;
    assert_eq!(status, 200, "{minted}");
    let key = minted["key"].as_str().unwrap();
    assert!(is_key(key) && key != app_key);
    // Single-use.
    let (status, body) = exchange_json(&c, &e, exchange_body).await;
    assert_eq!((status, error_message(&body)), (403, "Invalid code or code_verifier"));

    let info = key_data(&c, &e, key).await;
    assert_eq!(info["label"], "Created key");
    assert_eq!(info["limit"], 12.5);
    assert_eq!(info["limit_remaining"], 12.5);
    assert_eq!(info["limit_reset"], "weekly");
    assert_eq!(info["expires_at"], "2099-12-31T23:59:59Z");
    assert_eq!(info["workspace_id"], WORKSPACE);
    assert_eq!(info["creator_user_id"], minted["user_id"]);
    assert_eq!(info["budgets"][0]["scope"], "key_limit");
    assert_eq!(info["budgets"][0]["reset_interval"], "weekly");
    assert!(info["budgets"][0]["resets_at"].is_string());
    // The app's own key is unchanged.
    let app = key_data(&c, &e, &app_key).await;
    assert_eq!((app["label"].as_str(), app["limit_reset"].is_null()), (Some("the app"), true));
}

#[tokio::test]
async fn created_code_is_bound_to_its_challenge_and_expires() {
    let e = emu().await;
    let c = client();
    let key = e.create_key(None, None);
    let new_code = |method: &'static str| {
        let (c, e, key) = (&c, &e, &key);
        async move {
            let body = json!({"callback_url": "https://a.example/", "code_challenge": CHALLENGE, "code_challenge_method": method});
            let (status, body) = create_code(c, e, Some(key), body).await;
            assert_eq!(status, 200, "{body}");
            body["data"]["id"].as_str().unwrap().to_owned()
        }
    };
    let code = new_code("S256").await;
    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": "x".repeat(43), "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!((status, error_message(&body)), (403, "Invalid code or code_verifier"));
    let code = new_code("S256").await;
    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_eq!((status, error_message(&body)), (400, "Invalid code_challenge_method"));
    // A plain challenge is its verifier.
    let body = json!({"callback_url": "https://a.example/", "code_challenge": VERIFIER, "code_challenge_method": "plain"});
    let (_, created) = create_code(&c, &e, Some(&key), body).await;
    let code = created["data"]["id"].as_str().unwrap();
    let (status, _) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "plain"}),
    )
    .await;
    assert_eq!(status, 200);
    // Without a challenge the code exchanges alone.
    let (_, created) = create_code(&c, &e, Some(&key), json!({"callback_url": "https://a.example/"})).await;
    let (status, _) = exchange_json(&c, &e, json!({"code": created["data"]["id"]})).await;
    assert_eq!(status, 200);

    let code = new_code("S256").await;
    e.set_code_ttl(Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (status, body) = exchange_json(
        &c,
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!((status, error_message(&body)), (403, "Authorization code expired"));
}

#[tokio::test]
async fn create_code_refusals() {
    let e = emu().await;
    let c = client();
    let key = e.create_key(None, None);
    let ok = json!({"callback_url": "https://a.example/cb"});
    let (status, body) = create_code(&c, &e, None, ok.clone()).await;
    assert_eq!(
        (status, body),
        (401, json!({"error": {"code": 401, "message": "No auth credentials found"}}))
    );
    let (status, body) = create_code(&c, &e, Some("sk-or-v1-unknown"), ok.clone()).await;
    assert_eq!((status, body), (401, json!({"error": {"code": 401, "message": "User not found."}})));

    let cb = "https://a.example/cb";
    for (body, want) in [
        (json!({}), "callback_url is required"),
        (json!({"callback_url": "http://evil.example/cb"}), "callback_url must be"),
        (json!({"callback_url": "nope"}), "callback_url is not a valid"),
        (
            json!({"callback_url": cb, "code_challenge": CHALLENGE, "code_challenge_method": "S512"}),
            "Invalid code_challenge_method",
        ),
        (json!({"callback_url": cb, "expires_at": "2099-12-31T23:59Z"}), "expires_at must include seconds"),
        (
            json!({"callback_url": cb, "expires_at": "2001-01-01T00:00:00Z"}),
            "expires_at must be in the future",
        ),
        (json!({"callback_url": cb, "key_label": "x".repeat(101)}), "key_label must be at most 100"),
        (json!({"callback_url": cb, "usage_limit_type": "hourly"}), "usage_limit_type must be"),
        (json!({"callback_url": cb, "workspace_id": "ws_123"}), "workspace_id must be a UUID"),
    ] {
        let (status, answer) = create_code(&c, &e, Some(&key), body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], 400);
        assert!(error_message(&answer).starts_with(want), "{body}: {answer}");
    }
    let resp = c
        .post(format!("{}/api/v1/auth/keys/code", e.base_url()))
        .bearer_auth(&key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let resp =
        c.get(format!("{}/api/v1/auth/keys/code", e.base_url())).bearer_auth(&key).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    assert_eq!(e.request_count(Endpoint::CreateAuthCode), 13);

    // The endpoint has its own fault queue.
    e.inject_fault(
        Endpoint::CreateAuthCode,
        Fault::Status { status: 409, body: "{}".into(), content_type: "application/json".into() },
    );
    let (status, _) = create_code(&c, &e, Some(&key), ok.clone()).await;
    assert_eq!(status, 409);
    let (status, _) = create_code(&c, &e, Some(&key), ok).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn cors_preflight_and_actual_answers() {
    let e = emu().await;
    let c = client();
    for (path, methods) in [
        ("/api/v1/auth/keys", "POST, OPTIONS"),
        ("/api/v1/auth/keys/code", "POST, OPTIONS"),
        ("/api/v1/key", "GET, OPTIONS"),
    ] {
        let resp = c
            .request(Method::OPTIONS, format!("{}{path}", e.base_url()))
            .header("origin", "https://app.example")
            .header("access-control-request-method", if path == "/api/v1/key" { "GET" } else { "POST" })
            .header(
                "access-control-request-headers",
                "authorization, content-type, http-referer, x-openrouter-title",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 204, "{path}");
        let h = resp.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        assert_eq!(h["access-control-allow-methods"], methods);
        let allowed = h["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
        for name in [
            "authorization",
            "content-type",
            "http-referer",
            "x-openrouter-title",
            "x-title",
            "x-openrouter-categories",
        ] {
            assert!(allowed.split(", ").any(|a| a == name), "{path}: {name} in {allowed}");
        }
        assert_eq!(h["access-control-max-age"], "86400");
    }
    // Preflights are not requests to the endpoint: not counted, no attribution, no fault taken.
    assert_eq!(e.request_count(Endpoint::Exchange), 0);
    assert_eq!(e.last_attribution(Endpoint::Exchange), None);

    // Actual answers, errors and faults included, carry the origin header.
    let key = e.create_key(None, None);
    let origin = |resp: &reqwest::Response| resp.headers().get("access-control-allow-origin").cloned();
    let base = e.base_url();
    let answers = [
        c.get(format!("{base}/api/v1/key")).bearer_auth(&key).send().await.unwrap(),
        c.get(format!("{base}/api/v1/key")).send().await.unwrap(),
        c.post(format!("{base}/api/v1/auth/keys")).body("{}").send().await.unwrap(),
        c.post(format!("{base}/api/v1/auth/keys"))
            .body(json!({"code": "nope"}).to_string())
            .send()
            .await
            .unwrap(),
        c.get(format!("{base}/api/v1/auth/keys")).send().await.unwrap(),
        c.post(format!("{base}/api/v1/auth/keys/code")).send().await.unwrap(),
    ];
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 401, 400, 403, 405, 401]);
    for resp in &answers {
        assert_eq!(origin(resp).unwrap(), "*", "{}", resp.url());
    }
    e.inject_fault(
        Endpoint::KeyInfo,
        Fault::Status { status: 502, body: String::new(), content_type: "text/html".into() },
    );
    let resp = c.get(format!("{base}/api/v1/key")).send().await.unwrap();
    assert_eq!((resp.status().as_u16(), origin(&resp).unwrap()), (502, HeaderValue::from_static("*")));

    // Not on the page, the consent form or unknown paths.
    let resp = get(&c, auth_url(&e, "https://app.example/cb", "")).await;
    assert_eq!(resp.status().as_u16(), 302);
    assert!(origin(&resp).is_none());
    let resp = c
        .request(Method::OPTIONS, format!("{base}/auth"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_ne!(resp.status().as_u16(), 204);
    assert!(origin(&resp).is_none());
    assert!(origin(&get(&c, format!("{base}/api/v1/nothing")).await).is_none());
    assert!(origin(&decide(&c, &e, "nope", "approve").await).is_none());
}

#[tokio::test]
async fn attribution_of_the_last_request_per_endpoint() {
    let e = emu().await;
    let c = client();
    assert_eq!(e.last_attribution(Endpoint::Exchange), None);
    c.post(format!("{}/api/v1/auth/keys", e.base_url()))
        .header("HTTP-Referer", "https://app.example/")
        .header("X-OpenRouter-Title", "My App")
        .header("X-Title", "My App (old)")
        .header("X-OpenRouter-Categories", "cli-agent,game")
        .body(json!({"code": "nope"}).to_string())
        .send()
        .await
        .unwrap();
    let seen = e.last_attribution(Endpoint::Exchange).unwrap();
    assert_eq!(
        seen,
        ReceivedAttribution {
            http_referer: Some("https://app.example/".into()),
            x_openrouter_title: Some("My App".into()),
            x_title: Some("My App (old)".into()),
            x_openrouter_categories: Some("cli-agent,game".into()),
        }
    );
    assert_eq!(e.last_attribution(Endpoint::KeyInfo), None);
    assert_eq!(e.last_attribution(Endpoint::CreateAuthCode), None);

    // Faulted requests are recorded too; a request without the headers clears them.
    e.inject_fault(Endpoint::KeyInfo, Fault::Close);
    let _ = c.get(format!("{}/api/v1/key", e.base_url())).header("X-Title", "t").send().await;
    assert_eq!(e.last_attribution(Endpoint::KeyInfo).unwrap().x_title.as_deref(), Some("t"));
    c.post(format!("{}/api/v1/auth/keys", e.base_url())).body("{}").send().await.unwrap();
    assert_eq!(e.last_attribution(Endpoint::Exchange), Some(ReceivedAttribution::default()));
}

#[tokio::test]
async fn key_info_has_every_field_of_the_schema_and_the_sdks() {
    let e = emu().await;
    let c = client();
    let info = key_data(&c, &e, &e.create_key(Some("k"), Some(3.0))).await;
    let fields = [
        "label",
        "limit",
        "limit_remaining",
        "limit_reset",
        "usage",
        "usage_daily",
        "usage_weekly",
        "usage_monthly",
        "byok_usage",
        "byok_usage_daily",
        "byok_usage_weekly",
        "byok_usage_monthly",
        "include_byok_in_limit",
        "is_free_tier",
        "is_management_key",
        "is_provisioning_key",
        "expires_at",
        "creator_user_id",
        "rate_limit",
        "allowed_data_regions",
        "free_model_daily_requests",
        "organization_id",
        "workspace_id",
        "budgets",
        "effective_budget",
    ];
    for f in fields {
        assert!(info.get(f).is_some(), "{f} missing from {info}");
    }
    assert_eq!(info.as_object().unwrap().len(), fields.len());
    assert_eq!((info["limit"].as_f64(), info["limit_remaining"].as_f64()), (Some(3.0), Some(3.0)));
    for f in ["usage", "usage_daily", "byok_usage_monthly"] {
        assert!(info[f].is_f64() && info[f] == 0.0, "{f}");
    }
    assert!(info["rate_limit"]["requests"].is_i64());
    for f in ["limit", "remaining", "used"] {
        assert!(info["free_model_daily_requests"][f].is_u64(), "{f}");
    }
    assert_eq!(info["allowed_data_regions"], json!(["global"]));
    assert_eq!(info["effective_budget"]["limit_usd"], 3.0);
}

#[tokio::test]
async fn approve_plays_the_browser_in_process() {
    let e = emu().await;
    let auth = format!(
        "{}/auth?callback_url={}&code_challenge={CHALLENGE}&code_challenge_method=S256&state=xyz",
        e.base_url(),
        enc("http://localhost:3000/cb")
    );
    let callback = Url::parse(&e.approve(&auth).unwrap()).unwrap();
    assert_eq!(callback.path(), "/cb");
    let pairs: Vec<(String, String)> = callback.query_pairs().into_owned().collect();
    assert_eq!(pairs[1], ("state".to_owned(), "xyz".to_owned()));
    let code = &pairs[0].1;
    let (status, _) = exchange_json(
        &client(),
        &e,
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"}),
    )
    .await;
    assert_eq!(status, 200);
    // Another emulator's URL, a headless flow, a refused query and a consent page are all refused.
    let other = auth.replace(&format!(":{}/", e.port()), ":1/");
    for (url, why) in [
        (other.as_str(), "not this emulator's"),
        (&format!("{}/auth?code_challenge={CHALLENGE}", e.base_url()), "headless"),
        (&format!("{}/auth?callback_url=ftp%3A%2F%2Fx", e.base_url()), "did not redirect"),
    ] {
        let err = e.approve(url).unwrap_err();
        assert_eq!(err.code(), "INVALID_ARGUMENT");
        assert!(err.to_string().contains(why), "{err}");
    }
    e.set_auto_approve(false);
    assert!(e.approve(&auth).unwrap_err().to_string().contains("auto-approve is off"));
    assert_eq!(e.request_count(Endpoint::Exchange), 1);
    e.stop().await;
}

#[test]
fn names_in_each_dialect() {
    use crate::contract::Dialect;
    for ep in Endpoint::ALL {
        for d in [Dialect::Python, Dialect::JavaScript, Dialect::Cli] {
            assert_eq!(Endpoint::from_name(ep.name(d), d).unwrap(), ep);
        }
    }
    assert_eq!(Endpoint::KeyInfo.name(Dialect::JavaScript), "keyInfo");
    let err = Endpoint::from_name("keyInfo", Dialect::Python).unwrap_err().to_string();
    assert!(err.contains(r#"endpoint must be "exchange", "key_info" or "create_auth_code""#), "{err}");
    let spec = FaultSpec { delay: Some(Duration::from_millis(5)), ..FaultSpec::default() };
    assert_eq!(FaultKind::from_name(None, Dialect::JavaScript, &spec).unwrap(), FaultKind::Delay);
    assert_eq!(
        FaultKind::from_name(None, Dialect::Python, &FaultSpec::default()).unwrap(),
        FaultKind::Status
    );
    assert_eq!(
        FaultKind::from_name(Some("hugeBody"), Dialect::JavaScript, &spec).unwrap(),
        FaultKind::HugeBody
    );
    assert!(FaultKind::from_name(Some("hugeBody"), Dialect::Python, &spec).is_err());
    for k in FaultKind::ALL {
        assert_eq!(FaultKind::from_name(Some(k.name(Dialect::Python)), Dialect::Python, &spec).unwrap(), k);
    }
}
