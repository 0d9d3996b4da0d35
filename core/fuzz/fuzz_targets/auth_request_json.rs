//! `AuthRequest` JSON coming back from a web session (possibly tampered with): never a panic; what is
//! accepted round-trips, and its `Debug` never shows the verifier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openrouter_pkce::AuthRequest;

fuzz_target!(|json: &str| {
    match AuthRequest::from_json(json) {
        Ok(request) => {
            let again = AuthRequest::from_json(&request.to_json()).expect("own JSON reads back");
            assert!(again == request);
            let verifier = request.code_verifier().secret();
            assert!(!format!("{request:?}").contains(verifier), "Debug shows the verifier");
        }
        Err(e) => assert_eq!(e.code(), "INVALID_ARGUMENT"),
    }
});
