//! Exchange and key-info answers (status and body) from a hostile server: never a panic; an exchange
//! answer is a success only with a well-formed key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openrouter_pkce::{classify_exchange_answer, classify_key_info_answer, is_well_formed_key};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    let body = &data[2..];
    let exchange = classify_exchange_answer(status, body);
    if exchange.is_none() {
        assert!((200..300).contains(&status));
        let value: serde_json::Value = serde_json::from_slice(body).expect("a success is JSON");
        let key = value["key"].as_str().expect("a success has a key");
        assert!(is_well_formed_key(key), "a success with a malformed key");
    }
    if classify_key_info_answer(status, body).is_none() {
        assert!((200..300).contains(&status));
    }
});
