//! The demo of `make demo` (Rust part): the one-click login against the embedded emulator.
//!
//! The "browser" is `core/tests/fixtures/fake-browser.sh`, which loads the authorization URL and follows
//! the emulator's consent redirect back to the loopback callback, as a real browser does after the user
//! clicks Approve. Only the masked key is printed.

use std::sync::Arc;

use openrouter_pkce::emulator::{Emulator, EmulatorConfig};
use openrouter_pkce::{CallOptions, Client, ClientOptions, LoginMode, LoginOptions, TerminalUi, login};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start(EmulatorConfig::default()).await?;
    eprintln!("emulator listening on {}", emu.base_url());
    let browser = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fake-browser.sh");

    let client = Client::new(ClientOptions { base_url: emu.base_url(), ..Default::default() })?;
    let options = LoginOptions {
        mode: LoginMode::Loopback,
        key_label: Some("openrouter-pkce demo (rust)".into()),
        browser_command: Some(browser.into()),
        ..Default::default()
    };
    let key = login(&client, &options, Arc::new(TerminalUi)).await?;
    let info = client.key_info(key.key(), &CallOptions::default()).await?;
    println!(
        "rust:   logged in, key {key} (label {:?}), revoke at {}",
        info.label.unwrap_or_default(),
        key.settings_url()
    );
    emu.stop().await;
    Ok(())
}
