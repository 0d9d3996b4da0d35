//! A proxy configured in the environment must not capture loopback hosts (the emulator, tests).
//! Its own test binary, because it sets process-wide environment variables.

use openrouter_pkce::emulator::{Emulator, EmulatorConfig};
use openrouter_pkce::{CallOptions, ChallengeMethod, Client, ClientOptions, ExchangeRequest, Pkce};

#[tokio::test]
async fn loopback_base_urls_bypass_environment_proxies() {
    // A proxy that does not exist: anything sent through it fails to connect.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        // SAFETY: this test binary has this single test, so no other thread reads the environment now.
        unsafe { std::env::set_var(var, &dead_url) };
    }
    for var in ["NO_PROXY", "no_proxy"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(var) };
    }

    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(ClientOptions { base_url: emu.base_url(), ..Default::default() }).unwrap();
    let pkce = Pkce::generate(43, ChallengeMethod::S256).unwrap();
    let code = emu.issue_code(Some(&pkce.code_challenge), Some("S256"), None, None);
    let key = client
        .exchange_code(
            ExchangeRequest {
                code: code.into(),
                code_verifier: Some(pkce.code_verifier.clone()),
                code_challenge_method: Some(ChallengeMethod::S256),
            },
            &CallOptions::default(),
        )
        .await
        .expect("the loopback emulator is reached directly, not through the proxy");
    assert!(key.key().starts_with("sk-or-v1-"));
}
