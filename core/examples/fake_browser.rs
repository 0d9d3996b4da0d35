//! A "browser" for tests on every OS (no shell needed, so Windows runs the same suites as Unix).
//!
//! `fake_browser [--record FILE] [--exit N] [--sleep-ms N] [ARGS…] URL`
//!
//! - by default it loads URL (the last argument) and follows the redirects to the loopback callback, as a
//!   real browser would after the user approved; any answer counts as a page shown (a denial page is a page);
//! - `--record FILE` writes every argument after the options, each ending in a NUL, to FILE, and loads nothing;
//! - `--exit N` exits with status N without loading anything (a browser command that fails);
//! - `--sleep-ms N` waits first (a browser that stays open).
//!
//! The Rust suites point `BROWSER` at this executable; the Python and Node suites use
//! `tests/fixtures/fake-browser.sh`, which loads the page with curl. Errors go to stderr without the URL.

use std::process::ExitCode;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let (mut record, mut exit, mut sleep_ms) = (None, None, 0u64);
    while args.len() >= 2 {
        match args[0].as_str() {
            "--record" => record = Some(args[1].clone()),
            "--exit" => exit = args[1].parse::<u8>().ok(),
            "--sleep-ms" => sleep_ms = args[1].parse().unwrap_or(0),
            _ => break,
        }
        args.drain(..2);
    }
    if sleep_ms > 0 {
        tokio::time::sleep(Duration::from_millis(sleep_ms)).await;
    }
    if let Some(code) = exit {
        return ExitCode::from(code);
    }
    if let Some(file) = record {
        let mut out = Vec::new();
        for a in &args {
            out.extend_from_slice(a.as_bytes());
            out.push(0);
        }
        return match std::fs::write(&file, out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fake_browser: cannot write {file}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let Some(url) = args.last() else {
        eprintln!("fake_browser: usage: fake_browser [--record FILE] [--exit N] [--sleep-ms N] [ARGS…] URL");
        return ExitCode::from(2);
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Loopback over plain HTTP only: no CA certificates needed (a test may point SSL_CERT_FILE nowhere).
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .no_proxy()
        .tls_certs_only(std::iter::empty())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fake_browser: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(url).send().await {
        Ok(resp) => {
            let _ = resp.bytes().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fake_browser: {}", e.without_url());
            ExitCode::FAILURE
        }
    }
}
