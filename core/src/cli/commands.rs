//! What each subcommand does. Results go to stdout, everything meant for the person at the terminal to stderr.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::{
    Command, EMULATOR_READY, EXIT_NO_KEY, EmulatorArgs, LoginArgs, LogoutArgs, PkceArgs, WhoamiArgs,
};
use crate::api_key::ApiKey;
use crate::client::{CallOptions, Client, ClientOptions};
use crate::error::{Error, Result};
use crate::login::{LoginMode, LoginOptions, TerminalUi, login};
use crate::store;
use crate::urls::DEFAULT_BASE_URL;

/// Run one subcommand; `Ok` carries the exit code.
pub(super) async fn execute<F>(command: Command, cancel: F) -> Result<i32>
where
    F: Future<Output = ()> + Send + 'static,
{
    match command {
        Command::Login(args) => cancellable(login_cmd(args), cancel).await,
        Command::Whoami(args) => cancellable(whoami(args), cancel).await,
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
    Client::new(ClientOptions {
        base_url: base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        ..Default::default()
    })
}

async fn login_cmd(args: LoginArgs) -> Result<i32> {
    if !args.timeout.is_finite() || args.timeout <= 0.0 || args.timeout > 86_400.0 {
        return Err(Error::InvalidArgument {
            reason: "--timeout must be more than 0 and at most 86400 seconds".into(),
        });
    }
    let client = client_for(args.base_url)?;
    let options = LoginOptions {
        mode: LoginMode::parse(&args.mode)?,
        host: args.host,
        port: args.port,
        open_browser: !args.no_browser,
        timeout: Duration::from_secs_f64(args.timeout),
        key_label: args.label,
        limit: args.limit,
        save: args.save,
        base_url: None,
        environment: None,
        browser_command: None,
    };
    let key = login(&client, &options, Arc::new(TerminalUi)).await?;
    let saved_path = if args.save { store::key_path().ok().map(|p| p.display().to_string()) } else { None };
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
                "The key was neither saved nor printed: pass --save to store it or --print-key to see it.",
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

async fn whoami(args: WhoamiArgs) -> Result<i32> {
    let Some((secret, source)) = current_key()? else {
        stderr_line(&format!(
            "error: no API key: run `openrouter-pkce login --save` or set {}",
            store::ENV_KEY
        ));
        return Ok(EXIT_NO_KEY);
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
    if args.json {
        print_json(&json!({
            "deleted": removed.is_some(),
            "path": path,
            "masked": removed.as_ref().map(ApiKey::masked),
            "settings_url": removed.as_ref().map(ApiKey::settings_url),
        }));
    } else {
        match &removed {
            Some(key) => stdout_line(&format!(
                "Deleted the stored key {} ({path}).\nIt still works until you revoke it: {}",
                key.masked(),
                key.settings_url()
            )),
            None => stdout_line(&format!("No stored key to delete ({path}).")),
        }
    }
    if std::env::var_os(store::ENV_KEY).is_some_and(|v| !v.is_empty()) {
        stderr_line(&format!("Note: {} is still set in your environment.", store::ENV_KEY));
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
