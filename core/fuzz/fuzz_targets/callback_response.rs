//! What comes back from the browser or the user: a callback URL, its query, or a pasted code, read against
//! a loopback flow and a headless flow. Never a panic; a code handed out has the code shape; no error
//! message repeats the input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use openrouter_pkce::{AuthRequest, StartAuthOptions, extract_code, start_auth};

fn flows() -> &'static [AuthRequest; 2] {
    static FLOWS: OnceLock<[AuthRequest; 2]> = OnceLock::new();
    FLOWS.get_or_init(|| {
        let loopback = start_auth(&StartAuthOptions {
            callback_url: Some("http://127.0.0.1:3000/callback/n0nce".into()),
            ..Default::default()
        })
        .expect("a valid flow");
        let headless = start_auth(&StartAuthOptions::default()).expect("a valid flow");
        [loopback, headless]
    })
}

fuzz_target!(|input: &str| {
    for flow in flows() {
        match extract_code(flow, input) {
            Ok(code) => {
                assert!(!code.is_empty() && code.len() <= 2048, "code length {}", code.len());
                assert!(!code.chars().any(|c| c.is_whitespace() || c.is_control()), "code shape");
            }
            Err(e) => {
                let message = e.to_string();
                assert!(!message.is_empty());
                let trimmed = input.trim();
                if trimmed.len() >= 24 {
                    assert!(!message.contains(trimmed), "the message repeats the input");
                }
            }
        }
    }
});
