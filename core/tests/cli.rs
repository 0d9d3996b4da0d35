//! The `openrouter-pkce` command, run as a subprocess against the emulator.

#![cfg(feature = "cli")]

#[path = "support/command.rs"]
mod command;
mod support;

use command::{BIN, RunningEmulator};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fake_browser() -> PathBuf {
    support::fake_browser()
}

/// The command with a clean, isolated environment.
fn cmd(config_dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("OPENROUTER_API_KEY")
        .env_remove("OPENROUTER_PKCE_BASE_URL")
        .env_remove("OPENROUTER_PKCE_PROFILE")
        .env_remove("OPENROUTER_PKCE_STORAGE")
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .env_remove("SSH_TTY")
        .env("OPENROUTER_PKCE_CONFIG_DIR", config_dir)
        .env("BROWSER", fake_browser())
        .stdin(Stdio::null());
    c
}

fn run(c: &mut Command) -> Output {
    c.output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn pkce_json_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cmd(dir.path()).args(["pkce", "--json", "--length", "64"]));
    assert!(out.status.success());
    let v = json(&out);
    let verifier = v["code_verifier"].as_str().unwrap();
    assert_eq!(verifier.len(), 64);
    assert_eq!(v["code_challenge_method"], "S256");
    assert!(
        openrouter_pkce::verify_challenge(verifier, v["code_challenge"].as_str().unwrap(), "S256").unwrap()
    );
    let bad = run(cmd(dir.path()).args(["pkce", "--method", "s256"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("[INVALID_METHOD]"));
}

#[test]
fn login_whoami_logout() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = run(cmd(dir.path()).args([
        "login",
        "--json",
        "--save",
        "--mode",
        "loopback",
        "--base-url",
        &emu.base_url,
    ]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert!(v.get("key").is_none(), "the full key only with --print-key");
    let masked = v["masked"].as_str().unwrap().to_owned();
    assert!(masked.contains('…'));
    let stored = std::fs::read_to_string(dir.path().join("api_key")).unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(stored.trim()));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(stored.trim()));
    assert_eq!(v["saved_path"].as_str().unwrap(), dir.path().join("api_key").display().to_string());

    let who = run(cmd(dir.path()).args(["whoami", "--json"]).env("OPENROUTER_PKCE_BASE_URL", &emu.base_url));
    assert!(who.status.success(), "{}", String::from_utf8_lossy(&who.stderr));
    let w = json(&who);
    assert_eq!(w["masked"], masked.as_str());
    assert_eq!(w["label"], "openrouter-pkce emulator");

    let bye = run(cmd(dir.path()).arg("logout"));
    assert!(bye.status.success());
    assert!(String::from_utf8_lossy(&bye.stdout).contains("https://openrouter.ai/keys/"));
    assert!(!dir.path().join("api_key").exists());

    let none = run(cmd(dir.path()).args(["whoami", "--base-url", &emu.base_url]));
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no API key"));
}

#[test]
fn print_key_puts_only_the_key_on_stdout() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = run(cmd(dir.path()).args(["login", "--print-key", "--base-url", &emu.base_url]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.trim().starts_with("sk-or-v1-") && stdout.trim().lines().count() == 1);
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(cmd(dir.path()).args(["login", "--bogus"])).status.code(), Some(2));
    assert_eq!(run(cmd(dir.path()).args(["login", "--mode", "nope"])).status.code(), Some(2));
    assert_eq!(run(cmd(dir.path()).args(["login", "--timeout", "0"])).status.code(), Some(2));
    assert_eq!(run(cmd(dir.path()).args(["login", "--host", "0.0.0.0"])).status.code(), Some(2));
    assert_eq!(run(&mut cmd(dir.path())).status.code(), Some(2));

    // A closed port: the network class.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = run(cmd(dir.path())
        .args(["whoami", "--base-url", &format!("http://127.0.0.1:{port}")])
        .env("OPENROUTER_API_KEY", "sk-or-v1-0123456789abcdef"));
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains("[NETWORK]"), "{err}");
    assert!(!err.contains("0123456789abcdef"));
}

#[test]
fn a_taken_port_is_exit_4_and_a_timeout_exit_5() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let base = ["--base-url", emu.base_url.as_str()];
    let out = run(cmd(dir.path())
        .args(["login", "--mode", "loopback", "--host", "127.0.0.1", "--port", &port])
        .args(base));
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[PORT_IN_USE]"));

    let out = run(cmd(dir.path())
        .args(["login", "--mode", "loopback", "--no-browser", "--timeout", "0.3"])
        .args(base));
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[CALLBACK_TIMEOUT]"));
}

/// Unix only: Windows has no SIGINT to send. Its Ctrl-C (`CTRL_C_EVENT`) reaches only processes that share
/// the sender's console (`GenerateConsoleCtrlEvent`), which a test harness under wine does not have; the
/// handler is the same `tokio::signal::ctrl_c` on both.
#[cfg(unix)]
#[test]
fn sigint_during_login_is_cancelled_130() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = cmd(dir.path())
        .args([
            "login",
            "--mode",
            "loopback",
            "--no-browser",
            "--host",
            "127.0.0.1",
            "--base-url",
            &emu.base_url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the URL on stderr, so the port is open and the handler installed.
    use std::io::BufRead;
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut port = None;
    for line in (&mut stderr).lines() {
        let line = line.unwrap();
        if let Some(i) = line.find("callback_url=http%3A%2F%2F127.0.0.1%3A") {
            let rest = &line[i + "callback_url=http%3A%2F%2F127.0.0.1%3A".len()..];
            port = Some(rest.split('%').next().unwrap().parse::<u16>().unwrap());
        }
        if line.contains("Waiting") {
            break;
        }
    }
    let port = port.expect("the URL was shown");
    std::thread::sleep(std::time::Duration::from_millis(200));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("[CANCELLED]"), "{rest}");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// The command with `input` on stdin.
fn run_with_stdin(c: &mut Command, input: &str) -> Output {
    use std::io::Write;
    let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn login_saves_by_default_and_token_prints_it_like_gh_auth() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    // No key yet: `token` and `status` say so with exit 1.
    assert_eq!(run(cmd(dir.path()).arg("token")).status.code(), Some(1));
    let out = run(cmd(dir.path()).args(["login", "--base-url", &emu.base_url]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("api_key").exists(), "login stores the key without --save");
    let token = run(cmd(dir.path()).arg("token"));
    assert!(token.status.success());
    let key = String::from_utf8(token.stdout).unwrap();
    assert!(key.trim().starts_with("sk-or-v1-") && key.lines().count() == 1);
    // `token` reads the stored key: a second call prints the same key (no new one minted).
    assert_eq!(String::from_utf8(run(cmd(dir.path()).arg("token")).stdout).unwrap(), key);

    let status = run(cmd(dir.path()).args(["status", "--base-url", &emu.base_url]));
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let line = String::from_utf8(status.stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("Logged in to ") && line.contains("sk-or-v1-") && !line.contains(key.trim()));

    // --no-save leaves the stored key alone.
    let other = tempfile::tempdir().unwrap();
    let out = run(cmd(other.path()).args(["login", "--no-save", "--base-url", &emu.base_url]));
    assert!(out.status.success());
    assert!(!other.path().join("api_key").exists());
}

#[test]
fn login_with_token_checks_then_stores_the_key() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let minted =
        run(cmd(dir.path()).args(["login", "--no-save", "--print-key", "--base-url", &emu.base_url]));
    let key = String::from_utf8(minted.stdout).unwrap().trim().to_owned();

    let other = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        cmd(other.path()).args(["login", "--with-token", "--base-url", &emu.base_url]),
        &format!("{key}\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(run(cmd(other.path()).arg("token")).stdout).unwrap().trim(), key);

    // A key the server does not know is refused and not stored.
    let third = tempfile::tempdir().unwrap();
    let unknown = format!("sk-or-v1-{}", "0".repeat(64));
    let out = run_with_stdin(
        cmd(third.path()).args(["login", "--with-token", "--base-url", &emu.base_url]),
        &format!("{unknown}\n"),
    );
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[UNAUTHORIZED]"));
    assert!(!third.path().join("api_key").exists());
    // Something that is not a key at all never leaves the machine.
    let out = run_with_stdin(cmd(third.path()).args(["login", "--with-token"]), "hello\n");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completion_scripts_for_three_shells() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in
        [("bash", "complete -F"), ("zsh", "#compdef openrouter-pkce"), ("fish", "complete -c")]
    {
        let out = run(cmd(dir.path()).args(["completion", shell]));
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker) && text.contains("with-token"), "{shell}: {text}");
    }
    assert_eq!(run(cmd(dir.path()).args(["completion", "tcsh"])).status.code(), Some(2));
}

#[test]
fn errors_use_the_cli_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cmd(dir.path()).args(["login", "--limit", "-1"]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--limit must be a number ≥ 0") && !err.contains("unexpected argument"), "{err}");

    let out = run(cmd(dir.path()).args(["login", "--port", "70000"]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port must be between 0 and 65535"));

    let emu = RunningEmulator::start();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(cmd(dir.path()).args([
        "login",
        "--mode",
        "loopback",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--base-url",
        &emu.base_url,
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pass --port 0") && !err.contains("port=0"), "{err}");
}

#[test]
fn the_base_url_variable_reaches_the_library_defaults() {
    // `OPENROUTER_PKCE_BASE_URL` alone (no --base-url) points login at the emulator.
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = run(cmd(dir.path()).args(["login", "--json"]).env("OPENROUTER_PKCE_BASE_URL", &emu.base_url));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Issue 17 item 2: `--with-token --no-save` stores nothing and says so; `--print-key` prints the key.
#[test]
fn with_token_honours_no_save_and_print_key() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let minted =
        run(cmd(dir.path()).args(["login", "--no-save", "--print-key", "--base-url", &emu.base_url]));
    let key = String::from_utf8(minted.stdout).unwrap().trim().to_owned();
    let other = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        cmd(other.path()).args(["login", "--with-token", "--no-save", "--base-url", &emu.base_url]),
        &format!("{key}\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!other.path().join("api_key").exists(), "--no-save stored the key");
    assert!(!all.contains("Saved to") && all.contains("neither saved nor printed"), "{all}");
    let out = run_with_stdin(
        cmd(other.path()).args([
            "login",
            "--with-token",
            "--no-save",
            "--print-key",
            "--base-url",
            &emu.base_url,
        ]),
        &format!("{key}\n"),
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), key, "the key alone on stdout");
    let out = run_with_stdin(
        cmd(other.path()).args([
            "login",
            "--with-token",
            "--json",
            "--print-key",
            "--base-url",
            &emu.base_url,
        ]),
        &format!("{key}\n"),
    );
    assert_eq!(json(&out)["key"].as_str(), Some(key.as_str()));
    assert!(other.path().join("api_key").exists(), "saved without --no-save");
}

/// Issue 17 item 5: `token` checks `OPENROUTER_API_KEY` as `load_key` does: escape sequences, newlines,
/// non-keys and 100 KB values are a STORAGE error that prints nothing of them; a value that is not UTF-8
/// does not silently fall back to the stored key.
#[test]
fn token_refuses_a_malformed_environment_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("api_key"), "sk-or-v1-stored\n").unwrap();
    // Windows caps one variable at 32,767 characters: 30,000 there (still seven times the key bound).
    let huge = format!("sk-or-v1-{}", "a".repeat(if cfg!(windows) { 30_000 } else { 100_000 }));
    for bad in ["\x1b]0;pwned\x07sk-or-v1-x", "hello", "sk-or-v1-a\nb", huge.as_str()] {
        let out = run(cmd(dir.path()).arg("token").env("OPENROUTER_API_KEY", bad));
        assert_eq!(out.status.code(), Some(7), "{bad:.20}");
        assert!(out.stdout.is_empty(), "{bad:.20}: printed {:?}", String::from_utf8_lossy(&out.stdout));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("OPENROUTER_API_KEY") && !err.contains("pwned") && !err.contains("hello"),
            "{err}"
        );
    }
    #[cfg(unix)]
    let not_utf8: std::ffi::OsString =
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"sk-or-v1-\xff").to_owned();
    // Windows: an unpaired surrogate, the UTF-16 twin of an invalid byte.
    #[cfg(windows)]
    let not_utf8: std::ffi::OsString = std::os::windows::ffi::OsStringExt::from_wide(
        &"sk-or-v1-".encode_utf16().chain([0xD800]).collect::<Vec<u16>>(),
    );
    let out = run(cmd(dir.path()).arg("token").env("OPENROUTER_API_KEY", not_utf8));
    assert_eq!(out.status.code(), Some(7));
    assert!(out.stdout.is_empty(), "fell back to the stored key");
}

/// Issue 17 item 6: stdin lines have a bound. `--with-token < /dev/zero` and a headless login fed
/// `/dev/zero` end with an error at once instead of growing until the process aborts.
#[test]
fn stdin_is_read_with_a_bound() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    // Unix: an endless stream of NULs. Windows has no /dev/zero: a 1 MiB file of NULs (256 times the bound).
    #[cfg(unix)]
    let zero = || std::fs::File::open("/dev/zero").unwrap();
    #[cfg(windows)]
    let zeros = {
        let path = dir.path().join("zeros");
        std::fs::write(&path, vec![0u8; 1 << 20]).unwrap();
        path
    };
    #[cfg(windows)]
    let zero = || std::fs::File::open(&zeros).unwrap();
    let out = cmd(dir.path())
        .args(["login", "--with-token", "--base-url", &emu.base_url])
        .stdin(zero())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("longer than any key"));
    let out = cmd(dir.path())
        .args(["login", "--mode", "headless", "--no-browser", "--base-url", &emu.base_url])
        .stdin(zero())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pastes held no code"));
    // A line that is not UTF-8 is refused without an echo; nothing is sent.
    let out = run_with_stdin(
        cmd(dir.path()).args(["login", "--with-token", "--base-url", &emu.base_url]),
        "sk-or-v1-\u{0}\n",
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 17 item 9: `whoami` and `status` show a server-supplied label with its control characters
/// escaped: an escape sequence in a key's label cannot retitle or clear the user's terminal.
#[test]
fn server_strings_reach_the_terminal_escaped() {
    // The emulator serves from the runtime's worker thread while the command runs.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let emu =
        rt.block_on(openrouter_pkce::emulator::Emulator::start(Default::default())).expect("emulator starts");
    let label = "\x1b]0;pwned\x07\x1b[2J\u{202e}evil";
    let key = emu.create_key(Some(label), None);
    let dir = tempfile::tempdir().unwrap();
    for command in ["whoami", "status"] {
        let base = emu.base_url();
        let mut c = cmd(dir.path());
        c.args([command, "--base-url", &base]).env("OPENROUTER_API_KEY", &key);
        let out = run(&mut c);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{command}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
            "{command}: {text:?}"
        );
        assert!(text.contains("\\u{1b}]0;pwned\\u{7}"), "{command}: {text}");
    }
}

/// Issue 17 item 10: a machine without CA certificates (a slim image) still reaches the emulator on loopback
/// over plain HTTP; before, every call failed ("could not build the HTTP client").
#[test]
fn loopback_http_needs_no_ca_certificates() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let no_ca = |c: &mut Command| {
        c.env("SSL_CERT_FILE", "/nonexistent/ca.pem").env("SSL_CERT_DIR", "/nonexistent");
    };
    let mut login = cmd(dir.path());
    login.args(["login", "--base-url", &emu.base_url]);
    no_ca(&mut login);
    let out = run(&mut login);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut status = cmd(dir.path());
    status.args(["status", "--base-url", &emu.base_url]);
    no_ca(&mut status);
    assert!(run(&mut status).status.success());
}

/// Issue 20: a base URL nobody answers at (a typo, a stopped emulator) is `NETWORK` naming the host within
/// seconds, before any URL is shown; before, the login showed a dead page's URL and waited the whole timeout
/// for a callback that could not come, ending in CALLBACK_TIMEOUT.
#[test]
fn an_unreachable_base_url_fails_fast_naming_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    for mode in ["loopback", "headless"] {
        let started = std::time::Instant::now();
        let out =
            run(cmd(dir.path()).args(["login", "--mode", mode, "--timeout", "60", "--base-url", &base]));
        assert_eq!(out.status.code(), Some(4), "{mode}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("[NETWORK]") && err.contains(&format!("cannot reach 127.0.0.1:{port}")),
            "{err}"
        );
        assert!(!err.contains("/auth?"), "no URL of a dead page is shown: {err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(15), "{mode}: {:?}", started.elapsed());
    }
}

/// Issue 20: `whoami` shows the budget that matters in one line (what is left of the limit, when it resets,
/// what was used, where the key came from); `--json` has every field. Before, it printed every field on a
/// line of its own.
#[test]
fn whoami_is_one_line_with_the_budget() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let emu = rt.block_on(openrouter_pkce::emulator::Emulator::start(Default::default())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = emu.base_url();
    for (label, limit, want) in
        [("capped", Some(5.0), "$5.00 of $5.00 left"), ("open", None, "no credit limit")]
    {
        let key = emu.create_key(Some(label), limit);
        let out = run(cmd(dir.path()).args(["whoami", "--base-url", &base]).env("OPENROUTER_API_KEY", &key));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.contains(&format!("\"{label}\": {want}")) && text.contains("from OPENROUTER_API_KEY"),
            "{text}"
        );
        assert!(!text.contains(&key), "{text}");
        let out = run(cmd(dir.path())
            .args(["whoami", "--json", "--base-url", &base])
            .env("OPENROUTER_API_KEY", &key));
        let v = json(&out);
        assert_eq!(v["label"], label);
        assert_eq!(v["limit"].as_f64(), limit);
        assert!(v.get("limit_remaining").is_some() && v.get("settings_url").is_some(), "{v}");
    }
}

/// Issue 20: `status --json` shows the key masked only; `--show-token` adds it, as `gh auth status` does.
#[test]
fn status_shows_the_token_only_when_asked() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let out = run(cmd(dir.path()).args(["login", "--base-url", &emu.base_url]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = std::fs::read_to_string(dir.path().join("api_key")).unwrap().trim().to_owned();
    let status =
        |extra: &[&str]| run(cmd(dir.path()).args(["status", "--base-url", &emu.base_url]).args(extra));
    let plain = status(&["--json"]);
    assert!(plain.status.success());
    assert!(json(&plain).get("token").is_none() && !String::from_utf8_lossy(&plain.stdout).contains(&key));
    let shown = status(&["--json", "--show-token"]);
    assert_eq!(json(&shown)["token"], key.as_str());
    let text = status(&["--show-token"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains(&format!("token: {key}")));
    assert!(!String::from_utf8_lossy(&status(&[]).stdout).contains(&key));
}

/// Issue 20: logging in again does not mint a second key while the stored one works (three runs made three
/// keys and kept one before); `--force` does, and then says the old key stays valid until revoked, with its
/// settings URL. A stored key that OpenRouter refuses is replaced without `--force`.
#[test]
fn a_second_login_keeps_the_stored_key_unless_forced() {
    let emu = RunningEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let stored = || std::fs::read_to_string(dir.path().join("api_key")).unwrap().trim().to_owned();
    let login =
        |extra: &[&str]| run(cmd(dir.path()).args(["login", "--base-url", &emu.base_url]).args(extra));
    let first = login(&[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let key = stored();

    let again = login(&[]);
    assert!(again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("Already logged in") && err.contains("--force"), "{err}");
    assert!(!err.contains(&key), "the key itself is never shown: {err}");
    assert_eq!(stored(), key, "no second key");

    let forced = login(&["--force"]);
    assert!(forced.status.success());
    let err = String::from_utf8_lossy(&forced.stderr);
    assert_ne!(stored(), key, "a new key was made and stored");
    assert!(err.contains("previous key") && err.contains("https://openrouter.ai/keys/"), "{err}");

    // A stored key the server refuses: a new login, no --force needed. (Unix: a test-written file can be made
    // 0600 here; under wine a file Rust writes is readable by Everyone, which the store rightly refuses.)
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("api_key");
        std::fs::write(&path, "sk-or-v1-revoked0000000000000000\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let replaced = login(&[]);
        assert!(replaced.status.success(), "{}", String::from_utf8_lossy(&replaced.stderr));
        assert!(!String::from_utf8_lossy(&replaced.stderr).contains("Already logged in"));
        assert!(stored().starts_with("sk-or-v1-") && stored() != "sk-or-v1-revoked0000000000000000");
    }
}
