//! `make bench` helper (Rust rows of the network and one-click tables): prints one JSON object.
//!
//! `bench_login login <n> <browser>`: `n` one-click logins against the embedded emulator, with `<browser>`
//! (`bench/timed-browser.py`) as the browser command. The browser writes the wall clock just before it
//! GETs the loopback callback; latency = the time `login` returned - that time.
//!
//! `bench_login exchange <n> <concurrency>`: `n` exchanges one after another, then `n` more with
//! `concurrency` in flight, each with a code minted before the timed section; per-call latencies.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use openrouter_pkce::emulator::{Emulator, EmulatorConfig};
use openrouter_pkce::{
    CallOptions, ChallengeMethod, Client, ClientOptions, CodeVerifier, ExchangeRequest, LoginMode,
    LoginOptions, Pkce, SilentUi, login,
};

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn summary(mut ms: Vec<f64>, wall: Duration) -> String {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    format!(
        "{{\"n\":{},\"p50_ms\":{:.4},\"p99_ms\":{:.4},\"per_s\":{:.1}}}",
        ms.len(),
        pct(&ms, 50.0),
        pct(&ms, 99.0),
        ms.len() as f64 / wall.as_secs_f64()
    )
}

fn mint(emu: &Emulator, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|_| {
            let p = Pkce::generate(43, ChallengeMethod::S256).unwrap();
            let code = emu.issue_code(Some(&p.code_challenge), Some("S256"), None, None);
            (code, p.code_verifier.secret().to_owned())
        })
        .collect()
}

fn request(code: String, verifier: String) -> ExchangeRequest {
    ExchangeRequest {
        code: code.into(),
        code_verifier: Some(CodeVerifier::new(verifier).expect("a generated verifier is valid")),
        code_challenge_method: Some(ChallengeMethod::S256),
    }
}

async fn exchanges(n: usize, concurrency: usize) -> String {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(ClientOptions { base_url: emu.base_url(), ..Default::default() }).unwrap();
    let call = CallOptions::default();
    // Warm-up: the pool's connection and the runtime.
    for (code, v) in mint(&emu, 20) {
        client.exchange_code(request(code, v), &call).await.unwrap();
    }

    let codes = mint(&emu, n);
    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for (code, v) in codes {
        let t = Instant::now();
        client.exchange_code(request(code, v), &call).await.unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let sequential = summary(lat, t0.elapsed());

    let codes = mint(&emu, n);
    let client = Arc::new(client);
    let queue = Arc::new(std::sync::Mutex::new(codes));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, queue) = (client.clone(), queue.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let next = queue.lock().unwrap().pop();
                let Some((code, v)) = next else { break };
                let t = Instant::now();
                client.exchange_code(request(code, v), &CallOptions::default()).await.unwrap();
                lat.push(t.elapsed().as_secs_f64() * 1e3);
            }
            lat
        }));
    }
    let mut lat = Vec::with_capacity(n);
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let concurrent = summary(lat, t0.elapsed());
    emu.stop().await;
    format!("{{\"sequential\":{sequential},\"concurrent\":{concurrent},\"concurrency\":{concurrency}}}")
}

async fn logins(n: usize, browser: String) -> String {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::new(ClientOptions { base_url: emu.base_url(), ..Default::default() }).unwrap();
    let dir = std::env::temp_dir().join(format!("bench-login-rs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t");
    // SAFETY: set before any other thread reads the environment (the runtime's workers never do).
    unsafe { std::env::set_var("BENCH_CALLBACK_TIME_FILE", &file) };
    let options = LoginOptions {
        mode: LoginMode::Loopback,
        host: "127.0.0.1".into(),
        browser_command: Some(browser),
        timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for i in 0..n + 3 {
        let _ = std::fs::remove_file(&file);
        let key = login(&client, &options, Arc::new(SilentUi)).await.unwrap();
        let returned = now_ns();
        std::hint::black_box(key);
        let recorded: u128 = std::fs::read_to_string(&file).unwrap().trim().parse().unwrap();
        if i >= 3 {
            lat.push(returned.saturating_sub(recorded) as f64 / 1e6);
        }
    }
    let wall = t0.elapsed();
    emu.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    summary(lat, wall)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = match args.get(1).map(String::as_str) {
        Some("login") => logins(args[2].parse().unwrap(), args[3].clone()).await,
        Some("exchange") => exchanges(args[2].parse().unwrap(), args[3].parse().unwrap()).await,
        _ => {
            eprintln!("usage: bench_login login <n> <browser-command> | exchange <n> <concurrency>");
            std::process::exit(2);
        }
    };
    println!("{out}");
}
