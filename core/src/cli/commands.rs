//! What each subcommand does. Results go to stdout, everything meant for the person at the terminal to stderr.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::{
    Cli, Command, CompletionArgs, EMULATOR_READY, EXIT_NO_KEY, EmulatorArgs, ListArgs, LoginArgs, LogoutArgs,
    PkceArgs, StatusArgs, StoreArgs, SwitchArgs, TokenArgs, WhoamiArgs,
};
use crate::api_key::ApiKey;
use crate::attribution::Attribution;
use crate::client::{CallOptions, Client, ClientOptions};
use crate::error::{Error, Result};
use crate::login::{LoginMode, LoginOptions, TerminalUi, login};
use crate::store;
use crate::urls::default_base_url;

/// Run one subcommand; `Ok` carries the exit code.
pub(super) async fn execute<F>(command: Command, cancel: F) -> Result<i32>
where
    F: Future<Output = ()> + Send + 'static,
{
    match command {
        Command::Login(args) => cancellable(login_cmd(args), cancel).await,
        Command::Whoami(args) => cancellable(whoami(args), cancel).await,
        Command::Status(args) => cancellable(status(args), cancel).await,
        Command::Token(args) => token(args).await,
        Command::Completion(args) => completion(args),
        Command::Logout(args) => logout(args).await,
        Command::List(args) => list(args).await,
        Command::Switch(args) => switch(args),
        Command::Pkce(args) => pkce(args),
        Command::Emulator(args) => emulator(args, cancel).await,
    }
}

/// Race `work` against `cancel`; cancelling drops `work` (closing any port it held).
async fn cancellable<F>(work: impl Future<Output = Result<i32>>, cancel: F) -> Result<i32>
where
    F: Future<Output = ()>,
{
    tokio::select! {
        r = work => r,
        _ = cancel => Err(Error::Cancelled { detail: "interrupted".into() }),
    }
}

fn stdout_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

fn stderr_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn print_json(value: &Value) {
    stdout_line(&serde_json::to_string_pretty(value).expect("JSON values always serialise"));
}

fn client_for(base_url: Option<String>) -> Result<Client> {
    client_with(base_url, Attribution::default())
}

fn client_with(base_url: Option<String>, attribution: Attribution) -> Result<Client> {
    Client::new(ClientOptions {
        base_url: base_url.unwrap_or_else(default_base_url),
        attribution,
        ..Default::default()
    })
}

async fn login_cmd(args: LoginArgs) -> Result<i32> {
    if !args.timeout.is_finite() || args.timeout <= 0.0 || args.timeout > 86_400.0 {
        return Err(Error::InvalidArgument {
            reason: "--timeout must be more than 0 and at most 86400 seconds".into(),
        });
    }
    let Ok(port) = u16::try_from(args.port) else {
        return Err(Error::InvalidArgument { reason: "--port must be between 0 and 65535".into() });
    };
    if args.limit.is_some_and(|l| !(l.is_finite() && l >= 0.0)) {
        return Err(Error::InvalidArgument { reason: "--limit must be a number ≥ 0 (credits)".into() });
    }
    let attribution = Attribution {
        http_referer: args.app_url.clone(),
        app_title: args.app_title.clone(),
        app_categories: Some(args.app_categories.clone()).filter(|c| !c.is_empty()),
    };
    let client = client_with(args.base_url.clone(), attribution)?;
    if args.with_token {
        return with_token(&client, &args).await;
    }
    let save = !args.no_save;
    let options = LoginOptions {
        mode: LoginMode::parse(&args.mode)?,
        host: args.host.clone(),
        port,
        open_browser: !args.no_browser,
        timeout: Duration::from_secs_f64(args.timeout),
        key_label: args.label.clone(),
        limit: args.limit,
        save,
        force: args.force,
        store: args.store.options(),
        base_url: None,
        environment: None,
        browser_command: None,
        // The client carries the attribution (--app-url, --app-title, --app-category).
        attribution: Attribution::default(),
    };
    let key = login(&client, &options, Arc::new(TerminalUi)).await?;
    let saved_path =
        if save { store::Store::open(&args.store.options()).ok().map(|s| s.location()) } else { None };
    print_login(&key, saved_path.as_deref(), &args);
    Ok(0)
}

/// What `login` prints, by `--json`, `--print-key` and where the key was saved (`None`: `--no-save`).
fn print_login(key: &ApiKey, saved_path: Option<&str>, args: &LoginArgs) {
    if args.json {
        print_json(&login_json(key, saved_path, args.print_key));
        return;
    }
    let summary = login_summary(key, saved_path);
    if args.print_key {
        // The key alone on stdout, so `export OPENROUTER_API_KEY=$(openrouter-pkce login --print-key)` works.
        stderr_line(&summary);
        stdout_line(key.key());
    } else {
        stdout_line(&summary);
        if saved_path.is_none() {
            stderr_line(
                "The key was neither saved nor printed (--no-save): pass --print-key to see it, or drop --no-save.",
            );
        }
    }
}

fn login_summary(key: &ApiKey, saved_path: Option<&str>) -> String {
    let mut lines = vec![format!("Logged in. Key: {}", key.masked())];
    if let Some(user) = key.user_id() {
        lines.push(format!("User: {}", terminal_safe(user)));
    }
    lines.push(format!("Manage or revoke it: {}", key.settings_url()));
    if let Some(path) = saved_path {
        lines.push(format!("Saved to: {path}"));
    }
    lines.join("\n")
}

fn login_json(key: &ApiKey, saved_path: Option<&str>, print_key: bool) -> Value {
    let mut obj = json!({
        "masked": key.masked(),
        "user_id": key.user_id(),
        "settings_url": key.settings_url(),
        "logs_url": key.logs_url(),
        "saved_path": saved_path,
    });
    if print_key {
        obj["key"] = Value::String(key.key().to_owned());
    }
    obj
}

/// A storage call (which may wait for the OS keyring, up to its timeout) off the runtime's threads.
async fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(Error::storage("the key store could not be reached", None)))
}

/// The key in use and where it came from, checked as `load_key` checks it (a malformed
/// `OPENROUTER_API_KEY` is a `STORAGE` error naming the variable, never printed): `OPENROUTER_API_KEY`,
/// the key file's path, or the keyring entry.
async fn current_key(args: &StoreArgs) -> Result<Option<(ApiKey, String)>> {
    let options = args.options();
    off_runtime(move || {
        let Some(key) = store::load_key_with(&options)? else { return Ok(None) };
        let source = match key.source() {
            Some(crate::KeySource::Env) | None => store::ENV_KEY.to_owned(),
            Some(_) => store::Store::open(&options)?.location(),
        };
        Ok(Some((key, source)))
    })
    .await
}

/// Server-supplied (or user-supplied) text made safe for a terminal: control characters (ESC sequences that
/// retitle or clear it, CR, BEL, …) and bidirectional overrides are shown escaped (`\u{1b}`), never sent.
pub(crate) fn terminal_safe(text: &str) -> String {
    let bidi =
        |c: char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    text.chars()
        .map(|c| if c.is_control() || bidi(c) { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

/// The longest `--with-token` line read: a key's maximum length and its line ending. A longer line (or an
/// endless stream such as `/dev/zero`) is refused after reading one byte more.
const MAX_TOKEN_LINE: usize = crate::api_key::MAX_KEY_LEN + 2;

/// `login --with-token`: one key from stdin, checked with key info, then stored unless `--no-save`.
async fn with_token(client: &Client, args: &LoginArgs) -> Result<i32> {
    let invalid = |reason: &str| Error::InvalidArgument { reason: format!("--with-token: {reason}") };
    let line = crate::login::read_line_bounded(&mut std::io::stdin().lock(), MAX_TOKEN_LINE)
        .map_err(|e| invalid(&format!("could not read stdin ({})", e.kind())))?
        .unwrap_or_default();
    if line.len() > MAX_TOKEN_LINE {
        return Err(invalid(&format!(
            "stdin holds more than {} bytes on its first line, longer than any key",
            crate::api_key::MAX_KEY_LEN
        )));
    }
    let line = String::from_utf8(line).map_err(|_| invalid("stdin is not UTF-8 text"))?;
    let secret = crate::api_key::trim_key(&line);
    if secret.is_empty() {
        return Err(invalid(
            "it reads the key from stdin, and it was empty: `openrouter-pkce login --with-token < key.txt`",
        ));
    }
    if !(secret.starts_with("sk-or-") && crate::api_key::is_well_formed_key(secret)) {
        return Err(invalid("stdin does not hold an OpenRouter key (sk-or-…)"));
    }
    client.key_info(secret, &CallOptions::default()).await?;
    let saved_path = if args.no_save {
        None
    } else {
        let (secret, options) = (secret.to_owned(), args.store.options());
        Some(off_runtime(move || store::save_key_with(&secret, &options)).await?)
    };
    let key = ApiKey::new(secret.to_owned(), None);
    print_login(&key, saved_path.as_deref(), args);
    Ok(0)
}

fn no_key() -> i32 {
    stderr_line(&format!("error: no API key: run `openrouter-pkce login` or set {}", store::ENV_KEY));
    EXIT_NO_KEY
}

/// `token`: the key in use, alone on stdout.
async fn token(args: TokenArgs) -> Result<i32> {
    match current_key(&args.store).await? {
        Some((key, _)) => {
            stdout_line(key.key());
            Ok(0)
        }
        None => Ok(no_key()),
    }
}

/// `status`: one line (or `--json`) about the key in use.
async fn status(args: StatusArgs) -> Result<i32> {
    if args.all {
        return status_all(args).await;
    }
    let Some((key, source)) = current_key(&args.common.store).await? else {
        return Ok(no_key());
    };
    let client = client_for(args.common.base_url)?;
    let info = client.key_info(key.key(), &CallOptions::default()).await;
    let (valid, detail) = match &info {
        Ok(info) => {
            let mut parts = vec![format!("key {}", key.masked())];
            if let Some(label) = &info.label {
                parts.push(format!("label \"{}\"", terminal_safe(label)));
            }
            match (info.usage, info.limit) {
                (Some(u), Some(l)) => parts.push(format!("usage {u} of {l} credits")),
                (Some(u), None) => parts.push(format!("usage {u} credits, no limit")),
                _ => {}
            }
            (true, parts.join(", "))
        }
        Err(e) if e.kind() == crate::ErrorCode::Unauthorized => {
            (false, format!("key {} is not accepted by {} (revoked?)", key.masked(), client.base_url()))
        }
        Err(_) => return info.map(|_| 0),
    };
    if args.common.json {
        let mut obj = json!({
            "logged_in": valid,
            "masked": key.masked(),
            "source": source,
            "base_url": client.base_url(),
        });
        if args.show_token {
            obj["token"] = Value::String(key.key().to_owned());
        }
        print_json(&obj);
    } else {
        if valid {
            stdout_line(&format!("Logged in to {} ({detail}; from {source})", client.base_url()));
        } else {
            stdout_line(&format!("Not logged in: {detail}; from {source}"));
        }
        if args.show_token {
            stdout_line(&format!("token: {}", key.key()));
        }
    }
    Ok(if valid { 0 } else { EXIT_NO_KEY })
}

fn completion(args: CompletionArgs) -> Result<i32> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "openrouter-pkce", &mut out);
    Ok(0)
}

async fn whoami(args: WhoamiArgs) -> Result<i32> {
    let Some((key, source)) = current_key(&args.store).await? else {
        return Ok(no_key());
    };
    let info = client_for(args.base_url)?.key_info(key.key(), &CallOptions::default()).await?;
    let mut obj = Map::new();
    obj.insert("masked".into(), key.masked().into());
    obj.insert("source".into(), source.clone().into());
    if let Value::Object(fields) = serde_json::to_value(&info).unwrap_or(Value::Null) {
        obj.extend(fields);
    }
    obj.insert("settings_url".into(), key.settings_url().into());
    obj.insert("logs_url".into(), key.logs_url().into());
    if args.json {
        print_json(&Value::Object(obj));
        return Ok(0);
    }
    stdout_line(&budget_line(&key, &info, &source));
    Ok(0)
}

/// `whoami` in one line: the key, its label, the budget that matters (what is left of the limit and when
/// it resets, or that there is none), what it used, and where the key came from.
fn budget_line(key: &ApiKey, info: &crate::KeyInfo, source: &str) -> String {
    let mut line = key.masked();
    if let Some(label) = &info.label {
        line.push_str(&format!(" \"{}\"", terminal_safe(label)));
    }
    line.push_str(": ");
    match (info.limit, info.limit_remaining) {
        (Some(limit), remaining) => {
            let left = remaining.unwrap_or_else(|| (limit - info.usage.unwrap_or(0.0)).max(0.0));
            line.push_str(&format!("{} of {} left", credits(left), credits(limit)));
            if let Some(reset) = &info.limit_reset {
                line.push_str(&format!(" (the limit resets {})", terminal_safe(reset)));
            }
        }
        (None, _) => line.push_str("no credit limit"),
    }
    if let Some(usage) = info.usage {
        line.push_str(&format!("; used {}", credits(usage)));
        if let Some(today) = info.usage_daily.filter(|d| *d > 0.0) {
            line.push_str(&format!(" ({} today)", credits(today)));
        }
    }
    if info.is_free_tier == Some(true) {
        line.push_str("; free tier");
    }
    if let Some(expires) = &info.expires_at {
        line.push_str(&format!("; expires {}", terminal_safe(expires)));
    }
    line.push_str(&format!("; from {source}"));
    line
}

/// Credits are US dollars: cents, or four decimals for amounts below a cent.
fn credits(amount: f64) -> String {
    if amount == 0.0 || amount.abs() >= 0.01 { format!("${amount:.2}") } else { format!("${amount:.4}") }
}

async fn logout(args: LogoutArgs) -> Result<i32> {
    if args.all {
        return logout_all(args).await;
    }
    let options = args.store.options();
    let (path, removed) = off_runtime(move || {
        let store = store::Store::open(&options)?;
        Ok((store.location(), store.logout()?))
    })
    .await?;
    let text = crate::store::logout_message(removed.as_ref(), &path);
    if args.json {
        print_json(&json!({
            "deleted": removed.is_some(),
            "path": path,
            "masked": removed.as_ref().map(ApiKey::masked),
            "settings_url": removed.as_ref().map(ApiKey::settings_url),
        }));
    } else {
        stdout_line(&text);
    }
    Ok(0)
}

/// One profile's stored key, read off the runtime: `Err` holds the error (shown per profile, not fatal).
struct ProfileKey {
    profile: String,
    active: bool,
    location: String,
    storage: &'static str,
    key: std::result::Result<Option<ApiKey>, Error>,
}

/// Every profile ([`store::list_profiles`]) with its stored key, `storage` as asked for.
async fn profile_keys(storage: Option<String>) -> Result<Vec<ProfileKey>> {
    off_runtime(move || {
        let active = store::active_profile()?;
        let mut out = Vec::new();
        for profile in store::list_profiles()? {
            let options = store::StoreOptions { profile: Some(profile.clone()), storage: storage.clone() };
            let opened = store::Store::open(&options)?;
            out.push(ProfileKey {
                active: profile == active,
                location: opened.location(),
                storage: opened.storage().as_str(),
                key: opened.load_stored(),
                profile,
            });
        }
        Ok(out)
    })
    .await
}

fn env_key_note() -> Option<String> {
    crate::env::var_os(store::ENV_KEY).filter(|v| !v.to_string_lossy().trim().is_empty()).map(|_| {
        format!("Note: {} is set: it is the key in use, whichever profile is active.", store::ENV_KEY)
    })
}

/// `list`: the profiles, `*` before the active one, each with its key masked and where it is kept.
async fn list(args: ListArgs) -> Result<i32> {
    let profiles = profile_keys(None).await?;
    if args.json {
        let rows: Vec<Value> = profiles
            .iter()
            .map(|p| {
                let (masked, error) = match &p.key {
                    Ok(key) => (key.as_ref().map(ApiKey::masked), None),
                    Err(e) => (None, Some(e.code())),
                };
                json!({
                    "profile": p.profile,
                    "active": p.active,
                    "masked": masked,
                    "storage": p.storage,
                    "location": p.location,
                    "error": error,
                })
            })
            .collect();
        print_json(&Value::Array(rows));
        return Ok(0);
    }
    let width = profiles.iter().map(|p| p.profile.len()).max().unwrap_or(0);
    for p in &profiles {
        let key = match &p.key {
            Ok(Some(key)) => key.masked(),
            Ok(None) => "(no key)".to_owned(),
            Err(e) => format!("(unreadable: {})", e.code()),
        };
        let mark = if p.active { '*' } else { ' ' };
        stdout_line(&format!("{mark} {:width$}  {key}  {}", p.profile, p.location));
    }
    if let Some(e) = profiles.iter().find_map(|p| p.key.as_ref().err()) {
        stderr_line(&format!("error: {} [{}]", super::cli_message(e), e.code()));
    }
    if let Some(note) = env_key_note() {
        stderr_line(&note);
    }
    Ok(0)
}

/// `switch NAME`: record the active profile.
fn switch(args: SwitchArgs) -> Result<i32> {
    store::validate_profile(&args.name)?;
    store::switch_profile(&args.name)?;
    let stored = store::Store::open(&store::StoreOptions::profile(args.name.clone()))?;
    let has_key = stored.key_path().exists() || stored.storage() == store::Storage::Keyring;
    let mut text = format!("Active profile: {}", args.name);
    if !has_key {
        text.push_str(&format!(" (no key stored yet: run `openrouter-pkce login --profile {}`)", args.name));
    }
    stdout_line(&text);
    if let Some(env) = crate::env::var_os(store::ENV_PROFILE).filter(|v| !v.is_empty()) {
        stderr_line(&format!(
            "Note: {}={} is set: it wins over the active profile in this environment.",
            store::ENV_PROFILE,
            terminal_safe(&env.to_string_lossy())
        ));
    }
    Ok(0)
}

/// `status --all`: one line per profile; exit 0 when some profile has a key and OpenRouter accepts every
/// stored key, else 1 (profiles without a key are only listed).
async fn status_all(args: StatusArgs) -> Result<i32> {
    let profiles = profile_keys(args.common.store.storage.clone()).await?;
    let client = client_for(args.common.base_url.clone())?;
    let (mut all_valid, mut any_key) = (true, false);
    let mut rows = Vec::new();
    for p in &profiles {
        let mark = if p.active { "*" } else { " " };
        let (state, key) = match &p.key {
            Ok(Some(key)) => match client.key_info(key.key(), &CallOptions::default()).await {
                Ok(_) => ("logged in", Some(key)),
                Err(e) if e.kind() == crate::ErrorCode::Unauthorized => {
                    ("not accepted (revoked?)", Some(key))
                }
                Err(e) => return Err(e),
            },
            Ok(None) => ("no key", None),
            Err(e) => {
                stderr_line(&format!("error: {}: {} [{}]", p.profile, super::cli_message(e), e.code()));
                ("unreadable", None)
            }
        };
        let logged_in = state == "logged in";
        if state != "no key" {
            any_key = true;
            all_valid &= logged_in;
        }
        if args.common.json {
            let mut row = json!({
                "profile": p.profile,
                "active": p.active,
                "logged_in": logged_in,
                "state": state,
                "masked": key.map(ApiKey::masked),
                "storage": p.storage,
                "location": p.location,
            });
            if let (true, Some(key)) = (args.show_token, key) {
                row["token"] = Value::String(key.key().to_owned());
            }
            rows.push(row);
        } else {
            let shown = key.map(|k| format!(" {}", k.masked())).unwrap_or_default();
            stdout_line(&format!("{mark} {}: {state}{shown} ({})", p.profile, p.location));
            if let (true, Some(key)) = (args.show_token, key) {
                stdout_line(&format!("  token: {}", key.key()));
            }
        }
    }
    if args.common.json {
        print_json(&json!({ "base_url": client.base_url(), "profiles": rows }));
    }
    if let Some(note) = env_key_note() {
        stderr_line(&note);
    }
    Ok(if all_valid && any_key { 0 } else { EXIT_NO_KEY })
}

/// `logout --all`: delete every profile's stored key, saying for each where to revoke it.
async fn logout_all(args: LogoutArgs) -> Result<i32> {
    let storage = args.store.storage.clone();
    let removed = off_runtime(move || {
        let mut out = Vec::new();
        for profile in store::list_profiles()? {
            let options = store::StoreOptions { profile: Some(profile.clone()), storage: storage.clone() };
            let opened = store::Store::open(&options)?;
            let location = opened.location();
            out.push((profile, location, opened.logout()?));
        }
        Ok(out)
    })
    .await?;
    if args.json {
        let rows: Vec<Value> = removed
            .iter()
            .map(|(profile, path, key)| {
                json!({
                    "profile": profile,
                    "deleted": key.is_some(),
                    "path": path,
                    "masked": key.as_ref().map(ApiKey::masked),
                    "settings_url": key.as_ref().map(ApiKey::settings_url),
                })
            })
            .collect();
        print_json(&Value::Array(rows));
    } else {
        for (profile, path, key) in &removed {
            stdout_line(&format!("{profile}: {}", crate::store::logout_message(key.as_ref(), path)));
        }
    }
    Ok(0)
}

fn pkce(args: PkceArgs) -> Result<i32> {
    let pair = crate::pkce::generate_pkce(args.length, &args.method)?;
    let (verifier, challenge, method) =
        (pair.code_verifier.secret(), pair.code_challenge.as_str(), pair.code_challenge_method.as_str());
    if args.json {
        print_json(&json!({
            "code_verifier": verifier,
            "code_challenge": challenge,
            "code_challenge_method": method,
        }));
    } else {
        stdout_line(&format!(
            "code_verifier: {verifier}\ncode_challenge: {challenge}\ncode_challenge_method: {method}"
        ));
    }
    Ok(0)
}

async fn emulator<F>(args: EmulatorArgs, cancel: F) -> Result<i32>
where
    F: Future<Output = ()>,
{
    use crate::emulator::{Emulator, EmulatorConfig};
    let emu = Emulator::start(EmulatorConfig {
        port: args.port,
        auto_approve: !args.no_auto_approve,
        relay_state: !args.no_relay_state,
        ..Default::default()
    })
    .await?;
    stdout_line(&emu.base_url());
    stderr_line(EMULATOR_READY);
    cancel.await;
    emu.stop().await;
    Ok(0)
}
