//! Profiles and the OS keyring (issue 20 items 4 and 5), through the `openrouter-pkce` command run as a
//! subprocess against the emulator, each in a config directory and HOME of its own.
//!
//! The `#[ignore]`d tests need a real Secret Service: `make keyring-test` runs them inside
//! `dbus-run-session` with gnome-keyring-daemon unlocked (as keyring-rs's own CI does).

#![cfg(feature = "cli")]

#[path = "support/command.rs"]
mod command;
mod support;

use command::{BIN, RunningEmulator};

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

/// The command with a clean environment: its own config directory and HOME, no key, profile or storage.
fn cmd(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("OPENROUTER_API_KEY")
        .env_remove("OPENROUTER_PKCE_BASE_URL")
        .env_remove("OPENROUTER_PKCE_PROFILE")
        .env_remove("OPENROUTER_PKCE_STORAGE")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home)
        .env("OPENROUTER_PKCE_CONFIG_DIR", home.join("cfg"))
        .env("BROWSER", support::fake_browser())
        .stdin(Stdio::null());
    c
}

fn run(c: &mut Command) -> Output {
    c.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}: stdout={} stderr={}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(out), stderr(out)))
}

/// `login --json` into `home` (with extra flags), returning the masked key.
fn login(home: &Path, emu: &RunningEmulator, extra: &[&str]) -> String {
    let mut c = cmd(home);
    c.args(["login", "--json", "--mode", "loopback", "--base-url", &emu.base_url]).args(extra);
    json(&ok(run(&mut c)))["masked"].as_str().unwrap().to_owned()
}

fn token(home: &Path, extra: &[&str]) -> Output {
    run(cmd(home).arg("token").args(extra))
}

#[test]
fn profiles_keep_keys_side_by_side_and_default_stays_where_it_was() {
    let emu = RunningEmulator::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("cfg");
    let first = login(home.path(), &emu, &[]);
    let work = login(home.path(), &emu, &["--profile", "work"]);
    assert_ne!(first, work);
    // The default profile keeps today's file; the others live beside it.
    assert!(cfg.join("api_key").is_file());
    let work_file = cfg.join("profiles").join("work").join("api_key");
    assert!(work_file.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&work_file), 0o600);
        assert_eq!(mode(&cfg.join("profiles").join("work")), 0o700);
        assert_eq!(mode(&cfg.join("profiles")), 0o700);
    }
    let default_key = stdout(&ok(token(home.path(), &[])));
    let work_key = stdout(&ok(token(home.path(), &["--profile", "work"])));
    assert_ne!(default_key, work_key);
    assert_eq!(std::fs::read_to_string(&work_file).unwrap(), work_key);
    // The environment names the profile too.
    let by_env = ok(run(cmd(home.path()).arg("token").env("OPENROUTER_PKCE_PROFILE", "work")));
    assert_eq!(stdout(&by_env), work_key);
    // whoami and status take it.
    let who = json(&ok(run(cmd(home.path()).args([
        "whoami",
        "--json",
        "--profile",
        "work",
        "--base-url",
        &emu.base_url,
    ]))));
    assert_eq!(who["masked"], work.as_str());
    assert_eq!(who["source"], work_file.display().to_string());
    let status = ok(run(cmd(home.path()).args(["status", "--profile", "work", "--base-url", &emu.base_url])));
    assert!(stdout(&status).contains(&work), "{}", stdout(&status));
    // A profile that has no key is "no key", exit 1.
    assert_eq!(token(home.path(), &["--profile", "empty"]).status.code(), Some(1));
}

#[test]
fn list_switch_status_all_and_logout_all() {
    let emu = RunningEmulator::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("cfg");
    let first = login(home.path(), &emu, &[]);
    let work = login(home.path(), &emu, &["--profile", "work"]);

    let listed = stdout(&ok(run(cmd(home.path()).arg("list"))));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].starts_with("* default") && lines[0].contains(&first), "{listed}");
    assert!(lines[1].starts_with("  work") && lines[1].contains(&work), "{listed}");
    let secret = stdout(&ok(token(home.path(), &["--profile", "work"])));
    assert!(!listed.contains(secret.trim()), "list shows keys masked");

    // switch persists the active profile, written like the key file.
    let switched = ok(run(cmd(home.path()).args(["switch", "work"])));
    assert!(stdout(&switched).contains("Active profile: work"), "{}", stdout(&switched));
    let record = cfg.join("active_profile");
    assert_eq!(std::fs::read_to_string(&record).unwrap(), "work\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&record).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(stdout(&ok(token(home.path(), &[]))), secret, "the active profile's key is the one in use");
    let rows = json(&ok(run(cmd(home.path()).args(["list", "--json"]))));
    assert_eq!(rows[0]["profile"], "default");
    assert_eq!(rows[0]["active"], false);
    assert_eq!(rows[1]["profile"], "work");
    assert_eq!(rows[1]["active"], true);
    assert_eq!(rows[1]["masked"], work.as_str());
    assert_eq!(rows[1]["storage"], "file");
    // A login without --profile now goes to the active profile.
    let again = login(home.path(), &emu, &[]);
    assert_eq!(json(&ok(run(cmd(home.path()).args(["list", "--json"]))))[1]["masked"], again.as_str());
    // The environment wins over the active profile.
    let by_env = ok(run(cmd(home.path()).arg("token").env("OPENROUTER_PKCE_PROFILE", "default")));
    assert_ne!(stdout(&by_env), stdout(&ok(token(home.path(), &[]))));

    // status --all: one line per profile, `*` on the active one.
    let all = ok(run(cmd(home.path()).args(["status", "--all", "--base-url", &emu.base_url])));
    let text = stdout(&all);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().any(|l| l.starts_with("  default: logged in")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("* work: logged in")), "{text}");
    let all =
        json(&ok(run(cmd(home.path()).args(["status", "--all", "--json", "--base-url", &emu.base_url]))));
    assert_eq!(all["profiles"].as_array().unwrap().len(), 2);
    assert!(all["profiles"][0].get("token").is_none(), "the key only with --show-token");

    // logout --all removes every profile's key and says where to revoke each.
    let bye = ok(run(cmd(home.path()).args(["logout", "--all"])));
    assert_eq!(stdout(&bye).matches("https://openrouter.ai/keys/").count(), 2, "{}", stdout(&bye));
    assert!(!cfg.join("api_key").exists() && !cfg.join("profiles/work/api_key").exists());
    assert_eq!(token(home.path(), &[]).status.code(), Some(1));
    let after = run(cmd(home.path()).args(["status", "--all", "--base-url", &emu.base_url]));
    assert_eq!(after.status.code(), Some(1), "no profile is logged in");

    ok(run(cmd(home.path()).args(["switch", "default"])));
    assert!(!record.exists(), "switching back to default removes the record");
}

/// `status --all` lists a profile without a key and still says "logged in" (exit 0) when every stored key works.
#[test]
fn status_all_is_zero_when_every_stored_key_works() {
    let emu = RunningEmulator::start();
    let home = tempfile::tempdir().unwrap();
    login(home.path(), &emu, &["--profile", "work"]);
    let all = ok(run(cmd(home.path()).args(["status", "--all", "--base-url", &emu.base_url])));
    let text = stdout(&all);
    assert!(text.contains("* default: no key") && text.contains("  work: logged in"), "{text}");
}

#[test]
fn bad_profile_names_and_storages_are_refused_before_anything_is_written() {
    let emu = RunningEmulator::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("cfg");
    let long = "p".repeat(65);
    for bad in ["../evil", "a/b", "a\\b", "..", "a\u{1b}[2Jb", "tab\there", long.as_str(), ""] {
        for args in [
            vec!["switch", bad],
            vec!["token", "--profile", bad],
            vec!["logout", "--profile", bad],
            vec!["login", "--mode", "loopback", "--base-url", &emu.base_url, "--profile", bad],
        ] {
            let out = run(cmd(home.path()).args(&args));
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("[INVALID_ARGUMENT]"), "{args:?}: {}", stderr(&out));
            assert!(!stderr(&out).contains('\u{1b}'), "control characters are never echoed");
        }
        let out = run(cmd(home.path()).arg("token").env("OPENROUTER_PKCE_PROFILE", bad));
        if !bad.is_empty() {
            assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("OPENROUTER_PKCE_PROFILE"), "{}", stderr(&out));
        }
    }
    assert!(!home.path().join("evil").exists());
    assert!(!cfg.join("active_profile").exists());
    let out = run(cmd(home.path()).arg("token").env("OPENROUTER_PKCE_STORAGE", "vault"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("OPENROUTER_PKCE_STORAGE"), "{}", stderr(&out));
    assert_eq!(run(cmd(home.path()).args(["token", "--storage", "vault"])).status.code(), Some(2));
}

/// A session bus address where nothing listens: the keyring is absent. Fails fast (no 30 s wait) with
/// `STORAGE` (exit 7), naming the file fallback; the key is never in the message.
#[cfg(target_os = "linux")]
#[test]
fn an_absent_keyring_is_a_storage_error_naming_the_file_fallback() {
    let home = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}", home.path().join("no-bus").display());
    let started = Instant::now();
    for args in [vec!["token", "--storage", "keyring"], vec!["logout", "--storage", "keyring"]] {
        let out = run(cmd(home.path()).args(&args).env("DBUS_SESSION_BUS_ADDRESS", &bus));
        assert_eq!(out.status.code(), Some(7), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("[STORAGE]") && err.contains("--storage file"), "{err}");
        assert!(err.contains("OS keyring"), "{err}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    // with-token into an absent keyring: the key was checked, then refused, and never echoed.
    let emu = RunningEmulator::start();
    let key = {
        let out = ok(run(cmd(home.path()).args([
            "login",
            "--no-save",
            "--print-key",
            "--mode",
            "loopback",
            "--base-url",
            &emu.base_url,
        ])));
        stdout(&out).trim().to_owned()
    };
    let mut c = cmd(home.path());
    c.args(["login", "--with-token", "--storage", "keyring", "--base-url", &emu.base_url])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus);
    let out = with_stdin(&mut c, &format!("{key}\n"));
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&key) && !stdout(&out).contains(&key));
    assert!(stderr(&out).contains("--storage file"), "{}", stderr(&out));
}

#[cfg_attr(not(unix), allow(dead_code))] // its one caller needs a Unix D-Bus
fn with_stdin(c: &mut Command, input: &str) -> Output {
    use std::io::Write;
    let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The keyring round trip against a real Secret Service (gnome-keyring under `make keyring-test`): login
/// saves there (no key file), later commands find it without `--storage`, `list` shows it, logout deletes it.
#[test]
#[ignore = "needs a Secret Service: make keyring-test"]
fn keyring_round_trip_with_a_real_secret_service() {
    let emu = RunningEmulator::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("cfg");
    let profile = format!("rust-{}", std::process::id());
    let started = Instant::now();
    let masked = login(home.path(), &emu, &["--profile", &profile, "--storage", "keyring"]);
    let saved_in = started.elapsed();
    let dir = cfg.join("profiles").join(&profile);
    assert!(!dir.join("api_key").exists(), "the key is not in a file");
    let record = std::fs::read_to_string(dir.join("api_key.keyring")).unwrap();
    assert!(!record.contains("sk-"), "the record holds no secret: {record}");

    let t0 = Instant::now();
    let key = stdout(&ok(token(home.path(), &["--profile", &profile])));
    let load = t0.elapsed();
    assert!(key.starts_with("sk-or-v1-"), "{key}");
    assert_eq!(stdout(&ok(token(home.path(), &["--profile", &profile, "--storage", "keyring"]))), key);
    // Asking for the file does not read the keyring.
    assert_eq!(token(home.path(), &["--profile", &profile, "--storage", "file"]).status.code(), Some(1));
    let who = json(&ok(run(cmd(home.path()).args([
        "whoami",
        "--json",
        "--profile",
        &profile,
        "--base-url",
        &emu.base_url,
    ]))));
    assert_eq!(who["masked"], masked.as_str());
    assert!(who["source"].as_str().unwrap().contains("keyring"), "{who}");
    let rows = json(&ok(run(cmd(home.path()).args(["list", "--json"]))));
    let row = rows.as_array().unwrap().iter().find(|r| r["profile"] == profile.as_str()).unwrap().clone();
    assert_eq!(row["storage"], "keyring");
    assert_eq!(row["masked"], masked.as_str());

    let t0 = Instant::now();
    let bye = ok(run(cmd(home.path()).args(["logout", "--profile", &profile])));
    let logout = t0.elapsed();
    assert!(
        stdout(&bye).contains(&masked) && stdout(&bye).contains("https://openrouter.ai/keys/"),
        "{}",
        stdout(&bye)
    );
    assert!(!dir.join("api_key.keyring").exists());
    assert_eq!(token(home.path(), &["--profile", &profile, "--storage", "keyring"]).status.code(), Some(1));
    eprintln!(
        "keyring round trip (whole commands, process start included): login+save {saved_in:?}, token {load:?}, \
         logout {logout:?}"
    );
}

/// Moving a profile between the file and the keyring leaves one copy: the other is removed.
#[test]
#[ignore = "needs a Secret Service: make keyring-test"]
fn saving_to_one_storage_removes_the_other_copy() {
    let emu = RunningEmulator::start();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cfg");
    login(home.path(), &emu, &[]);
    assert!(dir.join("api_key").exists());
    login(home.path(), &emu, &["--storage", "keyring"]);
    assert!(!dir.join("api_key").exists() && dir.join("api_key.keyring").exists());
    let in_keyring = stdout(&ok(token(home.path(), &[])));
    login(home.path(), &emu, &["--storage", "file"]);
    assert!(dir.join("api_key").exists() && !dir.join("api_key.keyring").exists());
    assert_ne!(stdout(&ok(token(home.path(), &[]))), in_keyring);
    assert_eq!(
        token(home.path(), &["--storage", "keyring"]).status.code(),
        Some(1),
        "the keyring copy is gone"
    );
    ok(run(cmd(home.path()).arg("logout")));
}

/// A bus that accepts the connection and never answers: the call gives up after the keyring timeout with
/// `STORAGE` naming the fallback, instead of hanging.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "waits the whole 30 s keyring timeout: make keyring-test"]
fn a_silent_keyring_is_a_storage_error_after_30_s() {
    use std::os::unix::net::UnixListener;
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("silent-bus");
    let listener = UnixListener::bind(&path).unwrap();
    let held = std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept() {
            held.push(conn); // accepted, never answered
        }
    });
    let started = Instant::now();
    let out = run(cmd(home.path())
        .args(["token", "--storage", "keyring"])
        .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", path.display())));
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("--storage file"), "{}", stderr(&out));
    assert!(
        took >= std::time::Duration::from_secs(29) && took < std::time::Duration::from_secs(45),
        "{took:?}: {}",
        stderr(&out)
    );
    eprintln!("silent keyring: {took:?}: {}", stderr(&out).trim());
    drop(held);
}
