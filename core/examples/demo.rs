//! The demo of `make demo` (Rust part): a whole PKCE round against the embedded emulator —
//! start → the browser approves → the loopback callback → exchange → key info — printing only the
//! masked key.

use openrouter_pkce::emulator::{Emulator, EmulatorConfig};
use openrouter_pkce::{CallOptions, CallbackServer, Client, ClientOptions, StartAuthOptions, start_auth};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start(EmulatorConfig::default()).await?;
    eprintln!("emulator listening on {}", emu.base_url());

    let server = CallbackServer::bind("localhost", 0).await?;
    let request = start_auth(&StartAuthOptions {
        callback_url: Some(server.callback_url()),
        key_label: Some("openrouter-pkce demo (rust)".into()),
        base_url: Some(emu.base_url()),
        ..Default::default()
    })?;
    eprintln!("open this URL to connect OpenRouter:\n  {}", request.url());

    // The "browser": follow the emulator's consent redirect to our loopback callback.
    let url = request.url().to_owned();
    let browser = tokio::spawn(async move {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        http.get(&url).send().await.map(|r| r.status())
    });
    let params = server.wait().await?;
    let page_status = browser.await??;
    eprintln!("callback received; the browser was shown a page with status {page_status}");

    let client = Client::new(ClientOptions { base_url: emu.base_url(), ..Default::default() })?;
    let key = client.complete_auth(&request, &format!("?{}", params.query), &CallOptions::default()).await?;
    let info = client.key_info(key.key(), &CallOptions::default()).await?;
    println!(
        "rust:   got key {key} (label {:?}), settings at {}",
        info.label.unwrap_or_default(),
        key.settings_url()
    );
    emu.stop().await;
    Ok(())
}
