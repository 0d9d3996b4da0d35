use super::*;

#[test]
fn modes_parse_exactly() {
    for m in [LoginMode::Auto, LoginMode::Loopback, LoginMode::Headless] {
        assert_eq!(m.as_str().parse::<LoginMode>().unwrap(), m);
        assert_eq!(m.to_string(), m.as_str());
    }
    for bad in ["", "Auto", "auto ", "browser", "LOOPBACK"] {
        assert_eq!(LoginMode::parse(bad).unwrap_err().code(), "INVALID_ARGUMENT", "{bad:?}");
    }
    assert_eq!(LoginMode::default(), LoginMode::Auto);
}

#[test]
fn defaults_are_the_contract() {
    let o = LoginOptions::default();
    assert_eq!((o.mode, o.host.as_str(), o.port, o.open_browser), (LoginMode::Auto, "localhost", 0, true));
    assert_eq!(o.timeout, DEFAULT_LOGIN_TIMEOUT);
    assert_eq!(DEFAULT_LOGIN_TIMEOUT, Duration::from_secs(600), "the life of an OpenRouter code");
    assert!(!o.save && o.key_label.is_none() && o.limit.is_none() && o.base_url.is_none());
}

#[test]
fn options_are_validated_before_anything_starts() {
    let client = Client::openrouter();
    let ok = LoginOptions::default();
    ok.validate(&client).unwrap();
    for host in ["::1", "[::1]", "127.0.0.1"] {
        LoginOptions { host: host.into(), ..Default::default() }.validate(&client).unwrap();
    }
    let bad = [
        LoginOptions { timeout: Duration::ZERO, ..Default::default() },
        LoginOptions { timeout: Duration::from_secs(86_401), ..Default::default() },
        LoginOptions { host: "0.0.0.0".into(), ..Default::default() },
        LoginOptions { host: "example.com".into(), ..Default::default() },
        LoginOptions { host: "127.0.0.1.evil.com".into(), ..Default::default() },
        LoginOptions { limit: Some(-1.0), ..Default::default() },
        LoginOptions { limit: Some(f64::NAN), ..Default::default() },
        LoginOptions { key_label: Some(String::new()), ..Default::default() },
        LoginOptions { key_label: Some("a\nb".into()), ..Default::default() },
        LoginOptions { base_url: Some("http://example.com".into()), ..Default::default() },
    ];
    for o in bad {
        let e = o.validate(&client).unwrap_err();
        assert_eq!(e.class(), ErrorClass::Input, "{o:?}: {e}");
    }
}
