use super::*;
use crate::auth_url::{StartAuthOptions, start_auth};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SECRET: &str = "correct horse battery staple, 32+ bytes long!";
const OTHER: &str = "another secret of at least thirty-two bytes";
const T0: u64 = 1_800_000_000;

fn secrets(list: &[&str]) -> SealSecrets {
    SealSecrets::new(list.iter().map(|s| s.as_bytes())).unwrap()
}

fn flow() -> AuthRequest {
    start_auth(&StartAuthOptions {
        callback_url: Some("https://app.example.com/callback".into()),
        key_label: Some("My app".into()),
        ..Default::default()
    })
    .unwrap()
}

fn code<T>(r: Result<T>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

/// Seal arbitrary header/claims JSON with the real key, as a foreign implementation might.
fn forge(secret: &str, header: &str, claims: &str) -> String {
    let mut key = [0u8; 32];
    hkdf(secret.as_bytes(), SEAL_KEY_INFO, &mut key);
    let cipher = Aes256Gcm::new_from_slice(&key).unwrap();
    let h = B64.encode(header);
    let iv = [7u8; 12];
    let out = cipher
        .encrypt(Nonce::from_slice(&iv), Payload { msg: claims.as_bytes(), aad: h.as_bytes() })
        .unwrap();
    let (c, t) = out.split_at(out.len() - 16);
    format!("{h}..{}.{}.{}", B64.encode(iv), B64.encode(c), B64.encode(t))
}

fn kid_of(secret: &str) -> String {
    secrets(&[secret]).kid(0).unwrap().to_owned()
}

fn claims_json(r: &AuthRequest, v: u32, iat: u64, extra: &str) -> String {
    format!(
        r#"{{"v":{v},"iat":{iat},"exp":{},"url":{},"callback_url":{},"code_verifier":"{}","code_challenge_method":"S256","state":"{}","created_at":{iat},"base_url":"{}"{extra}}}"#,
        iat + 600,
        serde_json::to_string(r.url()).unwrap(),
        serde_json::to_string(&r.callback_url()).unwrap(),
        r.code_verifier().secret(),
        r.state(),
        r.base_url(),
    )
}

#[test]
fn known_answer_key_derivation() {
    // Computed independently with Python's hmac/hashlib (RFC 5869 by hand).
    let mut key = [0u8; 32];
    hkdf(SECRET.as_bytes(), SEAL_KEY_INFO, &mut key);
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "0e09dbfa5da0a1d93d3ebcbef5fc88600895b5192324934ae77ba4999d8a7048");
    assert_eq!(kid_of(SECRET), "_bq9I-MIYEM");
}

#[test]
fn round_trip_format_and_size() {
    let s = secrets(&[SECRET]);
    let r = flow();
    let sealed = r.seal(&s).unwrap();
    assert!(sealed.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{sealed}");
    assert!(sealed.len() < 1024, "{} bytes", sealed.len());
    let parts: Vec<&str> = sealed.split('.').collect();
    assert_eq!(parts.len(), 5);
    assert_eq!(parts[1], "");
    let header: serde_json::Value = serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        serde_json::json!({"alg": "dir", "enc": "A256GCM", "kid": "_bq9I-MIYEM", "typ": "or-pkce-flow+jwt"})
    );
    assert!(!sealed.contains(r.code_verifier().secret()));
    assert!(!sealed.contains(r.state()));
    let back = AuthRequest::unseal(&sealed, &s, DEFAULT_SEAL_MAX_AGE).unwrap();
    assert_eq!(back, r);
    // A fresh IV every time.
    assert_ne!(r.seal(&s).unwrap(), sealed);
    // Headless and plain flows too.
    for opts in [
        StartAuthOptions::default(),
        StartAuthOptions {
            callback_url: Some("http://localhost:3000/cb".into()),
            method: ChallengeMethod::Plain,
            base_url: Some("http://127.0.0.1:4567".into()),
            limit: Some(2.5),
            ..Default::default()
        },
    ] {
        let r = start_auth(&opts).unwrap();
        assert_eq!(AuthRequest::unseal(&r.seal(&s).unwrap(), &s, DEFAULT_SEAL_MAX_AGE).unwrap(), r);
    }
}

#[test]
fn secrets_are_checked_and_never_shown() {
    for bad in [&b""[..], b"short", &[b'a'; 64], b"abababababababababababababababababab"] {
        let e = SealSecrets::new([bad]).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }
    let e = SealSecrets::new([SECRET.as_bytes(), b"0123456789abcdef0123456789abcde"]).unwrap_err();
    assert!(e.to_string().contains("#2"), "{e}");
    assert!(!e.to_string().contains("0123456789"), "{e}");
    assert_eq!(SealSecrets::new(Vec::<&[u8]>::new()).unwrap_err().code(), "INVALID_ARGUMENT");
    let s = secrets(&[SECRET, OTHER]);
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("horse") && !dbg.contains("another"), "{dbg}");
    // Raw bytes work (not UTF-8).
    let raw: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(200)).collect();
    assert!(SealSecrets::new([raw]).is_ok());
}

#[test]
fn rotation_first_seals_any_opens() {
    let r = flow();
    let old = r.seal(&secrets(&[SECRET])).unwrap();
    let rotated = secrets(&[OTHER, SECRET]);
    assert_eq!(AuthRequest::unseal(&old, &rotated, DEFAULT_SEAL_MAX_AGE).unwrap(), r);
    let new = r.seal(&rotated).unwrap();
    assert!(new.starts_with(&B64.encode(format!(
        r#"{{"alg":"dir","enc":"A256GCM","kid":"{}","typ":"or-pkce-flow+jwt"}}"#,
        kid_of(OTHER)
    ))));
    let removed = secrets(&[OTHER]);
    let e = AuthRequest::unseal(&old, &removed, DEFAULT_SEAL_MAX_AGE).unwrap_err();
    assert_eq!(e.code(), "SEALED_FLOW_INVALID");
    assert_eq!(e.class(), crate::ErrorClass::Authorization);
}

#[test]
fn expiry() {
    let s = secrets(&[SECRET]);
    let r = flow();
    let sealed = r.seal_at(&s, T0).unwrap();
    let at = |now, max| code(AuthRequest::unseal_at(&sealed, &s, Duration::from_secs(max), now));
    assert_eq!(at(T0, 600), "OK");
    assert_eq!(at(T0 + 599, 600), "OK");
    assert_eq!(at(T0 + 600, 600), "SEALED_FLOW_EXPIRED");
    assert_eq!(at(T0 + 10_000, 600), "SEALED_FLOW_EXPIRED");
    // A longer max_age cannot outlive the expiry written in the token.
    assert_eq!(at(T0 + 700, 3600), "SEALED_FLOW_EXPIRED");
    // A shorter one shortens it.
    assert_eq!(at(T0 + 60, 60), "OK");
    assert_eq!(at(T0 + 61, 60), "SEALED_FLOW_EXPIRED");
    assert_eq!(code(AuthRequest::unseal_at(&sealed, &s, Duration::ZERO, T0)), "INVALID_ARGUMENT");
    // Clock skew: a little is fine, far in the future is refused.
    assert_eq!(at(T0 - 30, 600), "OK");
    assert_eq!(at(T0 - 61, 600), "SEALED_FLOW_INVALID");
    let e = AuthRequest::unseal_at(&sealed, &s, DEFAULT_SEAL_MAX_AGE, T0 + 601).unwrap_err();
    assert_eq!(e.to_string(), "the flow expired: started 601s ago, valid for 600s; start the login again");
}

#[test]
fn strict_header_and_claims() {
    let r = flow();
    let kid = kid_of(SECRET);
    let s = secrets(&[SECRET]);
    let claims = claims_json(&r, 1, T0, "");
    let ok_header = format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"or-pkce-flow+jwt"}}"#);
    // The forger itself is right: the exact header and claims open.
    assert_eq!(
        code(AuthRequest::unseal_at(&forge(SECRET, &ok_header, &claims), &s, DEFAULT_SEAL_MAX_AGE, T0)),
        "OK"
    );
    // Member order does not matter.
    let reordered = format!(r#"{{"typ":"or-pkce-flow+jwt","kid":"{kid}","enc":"A256GCM","alg":"dir"}}"#);
    assert_eq!(
        code(AuthRequest::unseal_at(&forge(SECRET, &reordered, &claims), &s, DEFAULT_SEAL_MAX_AGE, T0)),
        "OK"
    );
    for header in [
        format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"or-pkce-flow+jwt","zip":"DEF"}}"#),
        format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"or-pkce-flow+jwt","crit":["exp"]}}"#),
        format!(r#"{{"alg":"none","enc":"A256GCM","kid":"{kid}","typ":"or-pkce-flow+jwt"}}"#),
        format!(r#"{{"alg":"dir","enc":"A128GCM","kid":"{kid}","typ":"or-pkce-flow+jwt"}}"#),
        format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"JWT"}}"#),
        format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}"}}"#),
        format!(r#"{{"alg":"dir","alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"or-pkce-flow+jwt"}}"#),
        r#"{"alg":"dir","enc":"A256GCM","kid":"AAAAAAAAAAA","typ":"or-pkce-flow+jwt"}"#.to_owned(),
        "[]".to_owned(),
        "null".to_owned(),
    ] {
        let t = forge(SECRET, &header, &claims);
        assert_eq!(
            code(AuthRequest::unseal_at(&t, &s, DEFAULT_SEAL_MAX_AGE, T0)),
            "SEALED_FLOW_INVALID",
            "{header}"
        );
    }
    // A non-empty encrypted-key part is not `dir`.
    let t = forge(SECRET, &ok_header, &claims).replacen("..", ".AAAA.", 1);
    assert_eq!(code(AuthRequest::unseal_at(&t, &s, DEFAULT_SEAL_MAX_AGE, T0)), "SEALED_FLOW_INVALID");
    // Other versions, unknown or missing claims, inconsistent flows.
    for claims in [
        claims_json(&r, 2, T0, ""),
        claims.replace(r#""v":1,"#, ""),
        claims_json(&r, 1, T0, r#","nbf":1e400"#),
        claims.replace(&format!(r#""iat":{T0}"#), r#""iat":-5"#),
        claims.replace(r#""url":"#, r#""uri":"#),
        claims.replace(r.code_verifier().secret(), "short"),
        claims.replace(&format!(r#""base_url":"{}""#, r.base_url()), r#""base_url":"https://evil.example""#),
        "not json".to_owned(),
        String::new(),
    ] {
        let t = forge(SECRET, &ok_header, &claims);
        assert_eq!(
            code(AuthRequest::unseal_at(&t, &s, DEFAULT_SEAL_MAX_AGE, T0)),
            "SEALED_FLOW_INVALID",
            "{claims}"
        );
    }
}

#[test]
fn every_single_character_change_and_truncation_is_refused() {
    let s = secrets(&[SECRET]);
    let sealed = flow().seal(&s).unwrap();
    let bytes = sealed.as_bytes();
    for i in 0..bytes.len() {
        for sub in [b'A', b'_', b'.', b'0'] {
            if bytes[i] == sub {
                continue;
            }
            let mut t = bytes.to_vec();
            t[i] = sub;
            let t = String::from_utf8(t).unwrap();
            let e = AuthRequest::unseal(&t, &s, DEFAULT_SEAL_MAX_AGE).unwrap_err();
            assert_eq!(e.code(), "SEALED_FLOW_INVALID", "position {i}");
        }
        // Every bit flip of this byte (some are not UTF-8: the binding would refuse them as strings
        // already; the lossy form still reaches unseal).
        for bit in 0..8 {
            let mut t = bytes.to_vec();
            t[i] ^= 1 << bit;
            let t = String::from_utf8_lossy(&t);
            assert!(AuthRequest::unseal(&t, &s, DEFAULT_SEAL_MAX_AGE).is_err(), "position {i} bit {bit}");
        }
        let e = AuthRequest::unseal(&sealed[..i], &s, DEFAULT_SEAL_MAX_AGE).unwrap_err();
        assert_eq!(e.code(), "SEALED_FLOW_INVALID", "prefix {i}");
        let e = AuthRequest::unseal(&sealed[i + 1..], &s, DEFAULT_SEAL_MAX_AGE).unwrap_err();
        assert_eq!(e.code(), "SEALED_FLOW_INVALID", "suffix {i}");
    }
    // Swapped parts, appended data.
    let p: Vec<&str> = sealed.split('.').collect();
    for t in [
        format!("{}.{}.{}.{}.{}", p[0], p[1], p[3], p[2], p[4]),
        format!("{sealed}A"),
        format!("{sealed}."),
        format!("{sealed}.{}", p[4]),
    ] {
        assert_eq!(code(AuthRequest::unseal(&t, &s, DEFAULT_SEAL_MAX_AGE)), "SEALED_FLOW_INVALID", "{t}");
    }
}

#[test]
fn random_inputs_never_panic() {
    let s = secrets(&[SECRET]);
    let sealed = flow().seal(&s).unwrap();
    let mut rng = StdRng::seed_from_u64(0x5ea1);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    for round in 0..4000 {
        let len = rng.random_range(0..1200);
        let t: String = match round % 4 {
            0 => (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect(),
            1 => {
                let raw: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                String::from_utf8_lossy(&raw).into_owned()
            }
            2 => {
                // Five random base64url parts with a real header.
                let part = |rng: &mut StdRng, n: usize| -> String {
                    let raw: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                    B64.encode(raw)
                };
                let h = sealed.split('.').next().unwrap();
                let a = rng.random_range(0..600);
                format!("{h}..{}.{}.{}", part(&mut rng, 12), part(&mut rng, a), part(&mut rng, 16))
            }
            _ => {
                // Several random bit flips of a real token.
                let mut b = sealed.clone().into_bytes();
                for _ in 0..rng.random_range(1..6) {
                    let i = rng.random_range(0..b.len());
                    b[i] ^= 1 << rng.random_range(0..8);
                }
                String::from_utf8_lossy(&b).into_owned()
            }
        };
        let r = AuthRequest::unseal(&t, &s, DEFAULT_SEAL_MAX_AGE);
        if let Err(e) = r {
            assert_eq!(e.code(), "SEALED_FLOW_INVALID");
            assert!(e.to_string().len() < 200);
        } else {
            assert_eq!(t, sealed, "only the real token opens");
        }
    }
}

#[test]
fn huge_inputs_are_refused_quickly() {
    let s = secrets(&[SECRET]);
    let sealed = flow().seal(&s).unwrap();
    let p: Vec<&str> = sealed.split('.').collect();
    let big = "A".repeat(1 << 20);
    for t in [
        big.clone(),
        ".".repeat(1 << 20),
        format!("{}..{}.{big}.{}", p[0], p[2], p[4]),
        format!("{sealed}{big}"),
        "é".repeat(1 << 19),
    ] {
        let start = std::time::Instant::now();
        let e = AuthRequest::unseal(&t, &s, DEFAULT_SEAL_MAX_AGE).unwrap_err();
        assert_eq!(e.code(), "SEALED_FLOW_INVALID");
        assert!(e.to_string().len() < 200);
        assert!(start.elapsed() < Duration::from_millis(50), "{:?}", start.elapsed());
    }
}

#[test]
fn errors_never_show_the_token_or_the_flow() {
    let s = secrets(&[SECRET]);
    let r = flow();
    let sealed = r.seal_at(&s, T0).unwrap();
    let mut errors = vec![
        AuthRequest::unseal_at(&sealed, &s, DEFAULT_SEAL_MAX_AGE, T0 + 9999).unwrap_err(),
        AuthRequest::unseal_at(&sealed, &secrets(&[OTHER]), DEFAULT_SEAL_MAX_AGE, T0).unwrap_err(),
        AuthRequest::unseal_at(&sealed[..200], &s, DEFAULT_SEAL_MAX_AGE, T0).unwrap_err(),
    ];
    let bad_claims = claims_json(&r, 1, T0, "")
        .replace(&format!(r#""base_url":"{}""#, r.base_url()), r#""base_url":"https://evil.example""#);
    let kid = kid_of(SECRET);
    let h = format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"or-pkce-flow+jwt"}}"#);
    errors.push(
        AuthRequest::unseal_at(&forge(SECRET, &h, &bad_claims), &s, DEFAULT_SEAL_MAX_AGE, T0).unwrap_err(),
    );
    for e in errors {
        let text = format!("{e} {e:?} {}", e.chain_message());
        for secret in
            [r.code_verifier().secret(), r.state(), &sealed[..40], &sealed[sealed.len() - 20..], SECRET]
        {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

#[tokio::test]
async fn complete_sealed_auth_checks_the_flow_before_any_request() {
    // The unseal and the state check happen before the exchange: an unroutable base URL is never used.
    let s = secrets(&[SECRET]);
    let r = flow();
    let sealed = r.seal(&s).unwrap();
    let client = crate::Client::openrouter();
    let call = crate::CallOptions::default();
    let e = client.complete_sealed_auth(&sealed, &secrets(&[OTHER]), "code=abc", &call).await.unwrap_err();
    assert_eq!(e.code(), "SEALED_FLOW_INVALID");
    let e = client
        .complete_sealed_auth(&sealed, &s, "https://app.example.com/callback?code=abc&state=wrong", &call)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "STATE_MISMATCH");
}

#[test]
fn a_stored_flow_is_its_json_or_its_sealed_string() {
    let r = flow();
    let keys = secrets(&[SECRET]);
    let json = r.to_json();
    assert_eq!(AuthRequest::from_stored(&json, None).unwrap().state(), r.state());
    assert!(AuthRequest::from_stored(&json, None).unwrap().is_stored());
    let sealed = r.seal(&keys).unwrap();
    let opened = AuthRequest::from_stored(&sealed, Some(&keys)).unwrap();
    assert_eq!(opened.state(), r.state());
    assert!(opened.is_stored() && !r.is_stored());
    assert_eq!(code(AuthRequest::from_stored(&sealed, None)), "INVALID_ARGUMENT");
    assert_eq!(code(AuthRequest::from_stored(&sealed, Some(&secrets(&[OTHER])))), "SEALED_FLOW_INVALID");
    assert_eq!(code(AuthRequest::from_stored("{not json", None)), "INVALID_ARGUMENT");
}

/// Issue 17 item 1: with secrets, a flow in JSON (text, however padded, or valid) or object form is refused
/// as SEALED_FLOW_INVALID — a visitor's cookie cannot stand in for a sealed flow.
#[test]
fn with_secrets_only_a_sealed_flow_opens() {
    let r = flow();
    let keys = secrets(&[SECRET]);
    let json = r.to_json();
    for text in [json.clone(), format!("  {json}"), format!("\n{json}"), "{not json".into(), "{}".into()] {
        let e = AuthRequest::from_stored(&text, Some(&keys)).unwrap_err();
        assert_eq!(e.code(), "SEALED_FLOW_INVALID", "{text}");
        assert!(!e.to_string().contains(r.code_verifier().secret()));
    }
    assert_eq!(code(AuthRequest::open_flow(FlowInput::Text(&json), Some(&keys))), "SEALED_FLOW_INVALID");
    assert_eq!(code(AuthRequest::open_flow(FlowInput::Request(&r), Some(&keys))), "SEALED_FLOW_INVALID");
    assert_eq!(code(AuthRequest::open_flow(FlowInput::Mapping, Some(&keys))), "SEALED_FLOW_INVALID");
    let sealed = r.seal(&keys).unwrap();
    let opened = AuthRequest::open_flow(FlowInput::Text(&sealed), Some(&keys)).unwrap().unwrap();
    assert_eq!(opened.state(), r.state());
    // Without secrets: an object is used as it is, a mapping is the binding's to convert, JSON is parsed.
    assert_eq!(AuthRequest::open_flow(FlowInput::Request(&r), None).unwrap().unwrap(), r);
    assert!(AuthRequest::open_flow(FlowInput::Mapping, None).unwrap().is_none());
    assert_eq!(AuthRequest::open_flow(FlowInput::Text(&json), None).unwrap().unwrap(), r);
}

/// Issue 17 item 13: what RFC 7515/7519 say is the same opens — claims not understood (`jti`, anything) are
/// ignored, NumericDates may be non-integer, `nbf` is honoured, `typ` is compared case-insensitively with or
/// without `application/`, and header parameters other than those named are ignored — while what sealed flows
/// never use is refused with a message that says what it is.
#[test]
fn what_the_rfcs_allow_opens_and_the_rest_is_refused_by_name() {
    let r = flow();
    let kid = kid_of(SECRET);
    let s = secrets(&[SECRET]);
    let claims = claims_json(&r, 1, T0, "");
    let header = |typ: &str, extra: &str| {
        format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}","typ":"{typ}"{extra}}}"#)
    };
    let open =
        |h: &str, c: &str| AuthRequest::unseal_at(&forge(SECRET, h, c), &s, DEFAULT_SEAL_MAX_AGE, T0 + 1);
    let ok = header("or-pkce-flow+jwt", "");
    for c in [
        claims_json(&r, 1, T0, &format!(r#","jti":"b5c1","nbf":{T0}"#)),
        claims_json(&r, 1, T0, r#","admin":true,"aud":["x"]"#),
        claims.replace(&format!(r#""iat":{T0}"#), &format!(r#""iat":{T0}.25"#)),
        claims.replace(&format!(r#""exp":{}"#, T0 + 600), &format!(r#""exp":{}.5"#, T0 + 599)),
        claims.replace(&format!(r#""iat":{T0}"#), &format!(r#""iat":{T0}e0"#)),
    ] {
        assert_eq!(open(&ok, &c).map(|f| f.state().to_owned()).unwrap(), r.state(), "{c}");
    }
    for h in [
        header("application/or-pkce-flow+jwt", ""),
        header("OR-PKCE-FLOW+JWT", ""),
        header("Application/Or-Pkce-Flow+JWT", ""),
        header("or-pkce-flow+jwt", r#","x-unknown":1,"jku":"https://ignored.example""#),
    ] {
        assert_eq!(code(open(&h, &claims)), "OK", "{h}");
    }
    let refused = |h: &str, c: &str, words: &str| {
        let e = open(h, c).unwrap_err();
        assert_eq!(e.code(), "SEALED_FLOW_INVALID", "{h} {c}");
        assert!(e.to_string().contains(words), "{h}: {e}");
    };
    refused(&header("or-pkce-flow+jwt", r#","zip":"DEF""#), &claims, "compressed (zip)");
    refused(&header("or-pkce-flow+jwt", r#","crit":["exp"]"#), &claims, "critical extensions (crit)");
    refused(&header("or-pkce-flow+jwt", r#","cty":"JWT""#), &claims, "nested content (cty)");
    refused(&header("JWT", ""), &claims, "another kind of token");
    refused(&format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}"}}"#), &claims, "no typ");
    refused(&header("or-pkce-flow+jwt", r#","alg":"dir""#), &claims, "each once");
    refused(&ok, &claims_json(&r, 1, T0, &format!(r#","nbf":{}"#, T0 + 120)), "not valid yet");
    refused(&ok, &claims_json(&r, 2, T0, ""), "another version");
    refused(&ok, &claims.replace(r#""v":1,"#, ""), "no version claim");
    refused(&ok, &claims.replace(r#""url":"#, r#""uri":"#), "not those of a sealed flow");
}

/// Issue 17 item 8: seal and unseal agree on every input — seal() refuses a flow that would be longer than a
/// browser keeps in one cookie (saying so), and whatever it makes, unseal() opens.
#[test]
fn seal_and_unseal_agree_on_every_size() {
    let s = secrets(&[SECRET]);
    let mut sealed_sizes = Vec::new();
    for (cb_len, label) in [
        (20, "a".to_owned()),
        (200, "My app (someone@example.com)".to_owned()),
        (800, "l".repeat(256)),
        (600, "é".repeat(256)),
        (2000, "x".to_owned()),
        (2040, "é".repeat(256)),
    ] {
        let callback = format!("https://app.example/{}", "p".repeat(cb_len - 20));
        let r = start_auth(&StartAuthOptions {
            callback_url: Some(callback),
            key_label: Some(label),
            ..Default::default()
        })
        .unwrap();
        match r.seal(&s) {
            Ok(token) => {
                assert!(token.len() <= MAX_SEALED_LEN);
                assert_eq!(AuthRequest::unseal(&token, &s, DEFAULT_SEAL_MAX_AGE).unwrap(), r);
                sealed_sizes.push(token.len());
            }
            Err(e) => {
                assert_eq!(e.code(), "INVALID_ARGUMENT");
                assert!(e.to_string().contains("a browser keeps in one cookie"), "{e}");
            }
        }
    }
    assert!(sealed_sizes.len() >= 3, "ordinary flows seal: {sealed_sizes:?}");
    assert!(sealed_sizes[0] < 1000, "a short flow seals to under 1000 characters: {sealed_sizes:?}");
    // At the documented maxima (a 2048-character callback URL, a 256-character label of 2-byte characters)
    // the flow is too large for a cookie, and seal() says so.
    let r = start_auth(&StartAuthOptions {
        callback_url: Some(format!("https://app.example/{}", "%41".repeat(676))),
        key_label: Some("é".repeat(256)),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(r.seal(&s).unwrap_err().code(), "INVALID_ARGUMENT");
}
