//! Core PKCE and URL micro-benchmarks (criterion). `make bench` reads criterion's JSON estimates from
//! `target/criterion/` into `docs/benchmarks.md`.
//!
//! `stdlike/*` rows are what a Rust user would otherwise write (one `getrandom` syscall per verifier), so
//! the table can show what the userspace fork-safe generator buys.

use std::hint::black_box;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use openrouter_pkce::{
    AuthRequest, AuthUrlOptions, ChallengeMethod, DEFAULT_SEAL_MAX_AGE, Pkce, SealSecrets, StartAuthOptions,
    auth_url, create_challenge, create_verifier, start_auth, verify_challenge,
};
use sha2::{Digest, Sha256};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn pkce(c: &mut Criterion) {
    c.bench_function("core/create_verifier", |b| b.iter(|| create_verifier(black_box(43)).unwrap()));
    c.bench_function("core/create_challenge", |b| {
        b.iter(|| create_challenge(black_box(VERIFIER), black_box("S256")).unwrap())
    });
    c.bench_function("core/verify_challenge", |b| {
        b.iter(|| verify_challenge(black_box(VERIFIER), black_box(CHALLENGE), "S256").unwrap())
    });
    c.bench_function("core/generate_pkce", |b| {
        b.iter(|| Pkce::generate(black_box(43), ChallengeMethod::S256).unwrap())
    });
    c.bench_function("core/generate_default_into", |b| {
        let (mut v, mut ch) = ([0u8; 43], [0u8; 43]);
        b.iter(|| {
            openrouter_pkce::pkce::generate_default_into(&mut v, &mut ch);
            black_box((&v, &ch));
        })
    });
    c.bench_function("stdlike/generate_pkce_getrandom_per_pair", |b| {
        b.iter(|| {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).unwrap();
            let verifier = URL_SAFE_NO_PAD.encode(bytes);
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            black_box((verifier, challenge))
        })
    });
}

fn urls(c: &mut Criterion) {
    let opts = AuthUrlOptions {
        callback_url: Some("http://localhost:51423/callback/abc".into()),
        code_challenge: Some(CHALLENGE.into()),
        key_label: Some("My app".into()),
        limit: Some(5.0),
        state: Some("O8PnV2Fa0dzhfVLrtagkR-2gaZT3bbu9tQZc09erTsA".into()),
        ..Default::default()
    };
    c.bench_function("core/auth_url", |b| b.iter(|| auth_url(black_box(&opts)).unwrap()));
    let start =
        StartAuthOptions { callback_url: Some("http://localhost:51423/cb".into()), ..Default::default() };
    c.bench_function("core/start_auth", |b| b.iter(|| start_auth(black_box(&start)).unwrap()));
}

fn seal(c: &mut Criterion) {
    let secrets = SealSecrets::new(["a benchmark sealing secret of at least 32 bytes"]).unwrap();
    let request = start_auth(&StartAuthOptions {
        callback_url: Some("https://app.example.com/callback".into()),
        key_label: Some("My app".into()),
        ..Default::default()
    })
    .unwrap();
    let sealed = request.seal(&secrets).unwrap();
    c.bench_function("core/seal", |b| b.iter(|| black_box(&request).seal(&secrets).unwrap()));
    c.bench_function("core/unseal", |b| {
        b.iter(|| AuthRequest::unseal(black_box(&sealed), &secrets, DEFAULT_SEAL_MAX_AGE).unwrap())
    });
    c.bench_function("core/seal_secrets_new", |b| {
        b.iter(|| SealSecrets::new([black_box("a benchmark sealing secret of at least 32 bytes")]).unwrap())
    });
}

criterion_group!(benches, pkce, urls, seal);
criterion_main!(benches);
