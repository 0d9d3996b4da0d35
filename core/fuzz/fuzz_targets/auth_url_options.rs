//! Authorization-URL options as a caller (or a web form behind it) may pass them: never a panic, and every
//! URL built starts with the normalised base URL's `/auth?` and parses.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use openrouter_pkce::{
    AuthUrlOptions, ChallengeMethod, StartAuthOptions, auth_url, normalize_base_url, start_auth,
    validate_callback_url,
};

#[derive(Debug, Arbitrary)]
struct Options {
    callback_url: Option<String>,
    code_challenge: Option<String>,
    plain: bool,
    key_label: Option<String>,
    limit: Option<f64>,
    state: Option<String>,
    base_url: Option<String>,
}

fuzz_target!(|o: Options| {
    let method = if o.plain { ChallengeMethod::Plain } else { ChallengeMethod::S256 };
    if let Some(cb) = &o.callback_url {
        let _ = validate_callback_url(cb);
    }
    let base = o.base_url.as_deref().map(normalize_base_url);
    let opts = AuthUrlOptions {
        callback_url: o.callback_url.clone(),
        code_challenge: o.code_challenge.clone(),
        code_challenge_method: method,
        key_label: o.key_label.clone(),
        limit: o.limit,
        state: o.state.clone(),
        base_url: o.base_url.clone(),
    };
    if let Ok(url) = auth_url(&opts) {
        let base = match base {
            Some(Ok(b)) => b,
            Some(Err(e)) => panic!("auth_url accepted a base URL normalize_base_url refuses: {e}"),
            None => "https://openrouter.ai".to_owned(),
        };
        assert!(url.starts_with(&format!("{base}/auth?")), "{url}");
        assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()), "{url}");
    }
    let started = start_auth(&StartAuthOptions {
        callback_url: o.callback_url,
        method,
        key_label: o.key_label,
        limit: o.limit,
        base_url: o.base_url,
    });
    if let Ok(request) = started {
        let back = openrouter_pkce::AuthRequest::from_json(&request.to_json()).expect("own JSON reads back");
        assert!(back == request);
    }
});
