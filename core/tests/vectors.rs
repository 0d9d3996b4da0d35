//! The shared vectors of `tests/vectors/`, asserted by the Rust core (the Python and Node suites read the
//! same files).

use openrouter_pkce::{
    AuthUrlOptions, ChallengeMethod, ErrorCode, auth_url, classify_exchange_answer, classify_key_info_answer,
    create_challenge, create_verifier, validate_callback_url, validate_verifier, verify_challenge,
};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect(&path)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn pkce_vectors() {
    let v = load("pkce.json");
    let rfc = &v["rfc7636"];
    let octets: Vec<u8> =
        rfc["octets"].as_array().unwrap().iter().map(|o| o.as_u64().unwrap() as u8).collect();
    use base64::Engine;
    assert_eq!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&octets), s(&rfc["code_verifier"]));
    assert_eq!(create_challenge(s(&rfc["code_verifier"]), "S256").unwrap(), s(&rfc["code_challenge"]));

    let pairs = v["pairs"].as_array().unwrap();
    assert!(pairs.len() >= 10);
    for p in pairs {
        let (ver, method, ch) = (s(&p["code_verifier"]), s(&p["method"]), s(&p["code_challenge"]));
        assert_eq!(create_challenge(ver, method).unwrap(), ch, "{p}");
        assert!(verify_challenge(ver, ch, method).unwrap());
        assert!(!verify_challenge(ver, &format!("{ch}x"), method).unwrap());
    }
    for bad in v["invalid_verifiers"].as_array().unwrap() {
        let code = s(&bad["error"]);
        let verifier = s(&bad["code_verifier"]);
        assert_eq!(validate_verifier(verifier).unwrap_err().code(), code, "{bad}");
        assert_eq!(create_challenge(verifier, "S256").unwrap_err().code(), code, "{bad}");
        let err = verify_challenge(verifier, "x", "S256").unwrap_err();
        assert_eq!(err.code(), code);
    }
    for bad in v["invalid_methods"].as_array().unwrap() {
        let m = s(&bad["method"]);
        assert_eq!(ChallengeMethod::parse(m).unwrap_err().code(), s(&bad["error"]), "{bad}");
        assert_eq!(create_challenge(s(&rfc["code_verifier"]), m).unwrap_err().code(), s(&bad["error"]));
    }
    for bad in v["invalid_lengths"].as_array().unwrap() {
        let n = bad["length"].as_u64().unwrap() as usize;
        assert_eq!(create_verifier(n).unwrap_err().code(), s(&bad["error"]));
    }
    for n in v["valid_lengths"].as_array().unwrap() {
        let n = n.as_u64().unwrap() as usize;
        let ver = create_verifier(n).unwrap();
        assert_eq!(ver.chars().count(), n);
        validate_verifier(&ver).unwrap();
    }
}

#[test]
fn callback_url_vectors() {
    let v = load("callback_urls.json");
    for ok in v["accepted"].as_array().unwrap() {
        let cb = s(ok);
        validate_callback_url(cb).unwrap_or_else(|e| panic!("{cb}: {e}"));
        let url = auth_url(&AuthUrlOptions {
            callback_url: Some(cb.to_owned()),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            ..Default::default()
        })
        .unwrap();
        let parsed = url::Url::parse(&url).unwrap();
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs[0], ("callback_url".to_owned(), cb.to_owned()));
        assert_eq!(pairs.iter().filter(|(k, _)| k == "code_challenge_method").count(), 1);
        assert_eq!(pairs.iter().filter(|(k, _)| k == "code_challenge").count(), 1);
    }
    for bad in v["refused"].as_array().unwrap() {
        let e = validate_callback_url(s(&bad["url"])).unwrap_err();
        assert_eq!(e.code(), s(&bad["error"]), "{bad}");
    }
}

#[test]
fn auth_url_vectors() {
    let v = load("auth_urls.json");
    for case in v["cases"].as_array().unwrap() {
        let i = &case["input"];
        let text = |k: &str| i.get(k).and_then(Value::as_str).map(str::to_owned);
        let result = (|| {
            let method = match i.get("code_challenge_method") {
                Some(m) => ChallengeMethod::parse(s(m))?,
                None => ChallengeMethod::S256,
            };
            auth_url(&AuthUrlOptions {
                callback_url: text("callback_url"),
                code_challenge: text("code_challenge"),
                code_challenge_method: method,
                key_label: text("key_label"),
                limit: i.get("limit").and_then(Value::as_f64),
                state: text("state"),
                base_url: text("base_url"),
            })
        })();
        match (case.get("url"), case.get("error")) {
            (Some(url), _) => assert_eq!(result.unwrap(), s(url), "{case}"),
            (_, Some(code)) => assert_eq!(result.unwrap_err().code(), s(code), "{case}"),
            _ => panic!("bad vector {case}"),
        }
    }
}

#[test]
fn http_answer_vectors() {
    let v = load("http_answers.json");
    for (section, classify) in [
        ("exchange", classify_exchange_answer as fn(u16, &[u8]) -> Option<ErrorCode>),
        ("key_info", classify_key_info_answer),
    ] {
        for case in v[section].as_array().unwrap() {
            let status = case["status"].as_u64().unwrap() as u16;
            let got = classify(status, s(&case["body"]).as_bytes()).map(|c| c.as_str());
            assert_eq!(got, case["error"].as_str(), "{section} {case}");
        }
    }
}

/// The one error table: `ErrorCode::ALL` (the source), `tests/vectors/error_codes.json` (which the Python and
/// Node suites compare with their own tables) and the rows of `docs/errors.md` all list the same codes.
#[test]
fn error_code_table_has_no_drift() {
    let v = load("error_codes.json");
    let vector: Vec<&str> = v["codes"].as_array().unwrap().iter().map(s).collect();
    let core: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(vector, core, "tests/vectors/error_codes.json differs from ErrorCode::ALL");
    let path = format!("{}/../docs/errors.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).expect(&path);
    let mut documented: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(code, _)| code))
        .filter(|c| c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'))
        .collect();
    documented.sort_unstable();
    let mut expected = core.clone();
    expected.sort_unstable();
    assert_eq!(documented, expected, "docs/errors.md's table differs from ErrorCode::ALL");
}
