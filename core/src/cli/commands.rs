//! What each subcommand does. Results go to stdout, everything meant for the person at the terminal to stderr.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::{
    Cli, Command, CompletionArgs, EMULATOR_READY, EXIT_NO_KEY, EmulatorArgs, LoginArgs, LogoutArgs, PkceArgs,
    WhoamiArgs,
};
use crate::api_key::ApiKey;
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
        Command::Token => token(),
        Command::Completion(args) => completion(args),
        Command::Logout(args) => logout(args),
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
    Client::new(ClientOptions { base_url: base_url.unwrap_or_else(default_base_url), ..Default::default() })
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
    let client = client_for(args.base_url)?;
    if args.with_token {
        return with_token(&client, args.json).await;
    }
    let save = !args.no_save;
    let options = LoginOptions {
        mode: LoginMode::parse(&args.mode)?,
        host: args.host,
        port,
        open_browser: !args.no_browser,
        timeout: Duration::from_secs_f64(args.timeout),
        key_label: args.label,
        limit: args.limit,
        save,
        base_url: None,
        environment: None,
        browser_command: None,
    };
    let key = login(&client, &options, Arc::new(TerminalUi)).await?;
    let saved_path = if save { store::key_path().ok().map(|p| p.display().to_string()) } else { None };
    if args.json {
        print_json(&login_json(&key, saved_path.as_deref(), args.print_key));
        return Ok(0);
    }
    let summary = login_summary(&key, saved_path.as_deref());
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
    Ok(0)
}

fn login_summary(key: &ApiKey, saved_path: Option<&str>) -> String {
    let mut lines = vec![format!("Logged in. Key: {}", key.masked())];
    if let Some(user) = key.user_id() {
        lines.push(format!("User: {user}"));
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

/// The key in use and where it came from.
fn current_key() -> Result<Option<(String, String)>> {
    if let Some(key) =
        std::env::var(store::ENV_KEY).ok().map(|k| k.trim().to_owned()).filter(|k| !k.is_empty())
    {
        return Ok(Some((key, store::ENV_KEY.to_owned())));
    }
    match store::load_stored_key()? {
        Some(key) => Ok(Some((key, store::key_path()?.display().to_string()))),
        None => Ok(None),
    }
}

/// `login --with-token`: one key from stdin, checked with key info, then stored.
async fn with_token(client: &Client, json_out: bool) -> Result<i32> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| Error::InvalidArgument {
        reason: format!("--with-token: could not read stdin ({e})"),
    })?;
    let secret = line.trim();
    if secret.is_empty() {
        return Err(Error::InvalidArgument {
            reason: "--with-token reads the key from stdin, and it was empty: \
                     `openrouter-pkce login --with-token < key.txt`"
                .into(),
        });
    }
    if !(secret.starts_with("sk-or-") && crate::api_key::is_well_formed_key(secret)) {
        return Err(Error::InvalidArgument {
            reason: "--with-token: stdin does not hold an OpenRouter key (sk-or-…)".into(),
        });
    }
    client.key_info(secret, &CallOptions::default()).await?;
    let path = store::save_key(secret)?.display().to_string();
    let key = ApiKey::new(secret.to_owned(), None);
    if json_out {
        print_json(&login_json(&key, Some(&path), false));
    } else {
        stdout_line(&login_summary(&key, Some(&path)));
    }
    Ok(0)
}

fn no_key() -> i32 {
    stderr_line(&format!("error: no API key: run `openrouter-pkce login` or set {}", store::ENV_KEY));
    EXIT_NO_KEY
}

/// `token`: the key in use, alone on stdout.
fn token() -> Result<i32> {
    match current_key()? {
        Some((secret, _)) => {
            stdout_line(&secret);
            Ok(0)
        }
        None => Ok(no_key()),
    }
}

/// `status`: one line (or `--json`) about the key in use.
async fn status(args: WhoamiArgs) -> Result<i32> {
    let Some((secret, source)) = current_key()? else {
        return Ok(no_key());
    };
    let key = ApiKey::new(secret, None);
    let client = client_for(args.base_url)?;
    let info = client.key_info(key.key(), &CallOptions::default()).await;
    let (valid, detail) = match &info {
        Ok(info) => {
            let mut parts = vec![format!("key {}", key.masked())];
            if let Some(label) = &info.label {
                parts.push(format!("label {label:?}"));
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
    if args.json {
        print_json(&json!({
            "logged_in": valid,
            "masked": key.masked(),
            "source": source,
            "base_url": client.base_url(),
        }));
    } else if valid {
        stdout_line(&format!("Logged in to {} ({detail}; from {source})", client.base_url()));
    } else {
        stdout_line(&format!("Not logged in: {detail}; from {source}"));
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
    let Some((secret, source)) = current_key()? else {
        return Ok(no_key());
    };
    let key = ApiKey::new(secret, None);
    let info = client_for(args.base_url)?.key_info(key.key(), &CallOptions::default()).await?;
    let mut obj = Map::new();
    obj.insert("masked".into(), key.masked().into());
    obj.insert("source".into(), source.into());
    if let Value::Object(fields) = serde_json::to_value(&info).unwrap_or(Value::Null) {
        obj.extend(fields);
    }
    obj.insert("settings_url".into(), key.settings_url().into());
    obj.insert("logs_url".into(), key.logs_url().into());
    if args.json {
        print_json(&Value::Object(obj));
        return Ok(0);
    }
    let mut lines = Vec::new();
    for (name, value) in &obj {
        let shown = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        lines.push(format!("{name}: {shown}"));
    }
    stdout_line(&lines.join("\n"));
    Ok(0)
}

fn logout(args: LogoutArgs) -> Result<i32> {
    let path = store::key_path()?.display().to_string();
    let removed = store::logout()?;
    let text = crate::contract::logout_message(removed.as_ref(), &path);
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
