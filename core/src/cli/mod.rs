//! The `openrouter-pkce` command line.
//!
//! The Python and Node packages install the same command by calling [`run`] with their own argv, so all
//! three behave identically. Prompts, URLs and status lines go to stderr; results go to stdout (`--json` for
//! machines). Modelled on `gh auth`: `login` stores the key (`--no-save` to opt out), `token` prints it for
//! `$(…)`, `login --with-token` stores a key read from stdin, `status` is a one-line summary.
//! Exit codes: 0 success, 1 not logged in (`whoami`, `status`, `token` without a key), 2 bad input or usage,
//! 3 HTTP error, 4 network, 5 timeout, 6 authorization (denied, state mismatch), 7 key storage,
//! 130 cancelled (Ctrl-C).

mod commands;

use std::ffi::OsString;
use std::future::Future;
use std::io::Write;

use clap::{Args, Parser, Subcommand};

use crate::error::Error;

/// The exit code of `whoami`, `status` and `token` when there is no key to show.
pub const EXIT_NO_KEY: i32 = 1;

/// What `emulator` prints on stderr once it is ready (after its base URL on stdout).
pub const EMULATOR_READY: &str = "OpenRouter emulator running; press Ctrl-C to stop.";

#[derive(Debug, Parser)]
#[command(
    name = "openrouter-pkce",
    version,
    about = "Get an OpenRouter API key with OAuth PKCE, inspect it, forget it.",
    after_help = "Exit codes: 0 ok, 1 no key (whoami), 2 bad input, 3 HTTP error, 4 network, 5 timeout, \
                  6 denied, 7 storage, 130 cancelled."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Log in through the browser (or by pasting a code) and get an API key.
    #[command(after_help = "Examples:
  openrouter-pkce login                            # the browser, or a pasted code; stores the key
  openrouter-pkce login --mode headless            # on a server: paste the code OpenRouter shows
  openrouter-pkce login --force                    # a new key even though the stored one still works
  openrouter-pkce login --label 'my tool' --limit 5
  export OPENROUTER_API_KEY=$(openrouter-pkce login --print-key --no-save)
  openrouter-pkce login --with-token < key.txt     # store a key you already have (checked first)
  openrouter-pkce login --profile work             # a second key beside the first (see `list`)
  openrouter-pkce login --storage keyring          # keep it in the OS keyring instead of a file")]
    Login(LoginArgs),
    /// Show the key in use (OPENROUTER_API_KEY, else the stored key) and its budget; --json for every field.
    #[command(after_help = "Examples:
  openrouter-pkce whoami                           # key, label, credits left and when the limit resets
  openrouter-pkce whoami --json | jq .limit_remaining")]
    Whoami(WhoamiArgs),
    /// One line: which key is in use, where it comes from, and whether OpenRouter accepts it.
    #[command(after_help = "Examples:
  openrouter-pkce status                           # exit 0 when logged in, 1 when not
  openrouter-pkce status --json                    # the key masked; add --show-token for the key itself
  openrouter-pkce status --all                     # one line per profile")]
    Status(StatusArgs),
    /// Print the key in use (OPENROUTER_API_KEY, else the stored key) alone on stdout, for `$(…)`.
    #[command(after_help = "Examples:
  export OPENROUTER_API_KEY=$(openrouter-pkce token)
  curl -H \"Authorization: Bearer $(openrouter-pkce token)\" https://openrouter.ai/api/v1/key
  openrouter-pkce token --profile work")]
    Token(TokenArgs),
    /// Delete the stored key and show where to revoke it.
    #[command(after_help = "Examples:
  openrouter-pkce logout                           # the key keeps working until revoked at the URL shown
  openrouter-pkce logout --profile work
  openrouter-pkce logout --all                     # every profile's stored key")]
    Logout(LogoutArgs),
    /// List the profiles: each one's key (masked), where it is kept, and which profile is active.
    #[command(after_help = "Examples:
  openrouter-pkce list                             # `*` marks the active profile
  openrouter-pkce list --json")]
    List(ListArgs),
    /// Make a profile the active one: the commands (and the libraries) then use its key unless told otherwise.
    #[command(after_help = "Examples:
  openrouter-pkce switch work                      # then `openrouter-pkce login` stores work's key
  openrouter-pkce switch default
  OPENROUTER_PKCE_PROFILE=work openrouter-pkce whoami   # one command only, without switching")]
    Switch(SwitchArgs),
    /// Print a fresh PKCE verifier and challenge.
    #[command(after_help = "Examples:
  openrouter-pkce pkce
  openrouter-pkce pkce --json --length 128")]
    Pkce(PkceArgs),
    /// Run the OpenRouter emulator in the foreground (first stdout line: its base URL).
    #[command(after_help = "Examples:
  openrouter-pkce emulator --port 8787 &           # then, in another shell:
  OPENROUTER_PKCE_BASE_URL=http://127.0.0.1:8787 openrouter-pkce login")]
    Emulator(EmulatorArgs),
    /// Print a shell completion script: `source <(openrouter-pkce completion bash)`.
    #[command(after_help = "Examples:
  source <(openrouter-pkce completion bash)        # in ~/.bashrc
  openrouter-pkce completion zsh > \"${fpath[1]}/_openrouter-pkce\"
  openrouter-pkce completion fish > ~/.config/fish/completions/openrouter-pkce.fish")]
    Completion(CompletionArgs),
}

/// Which profile's key a command uses, and where it is kept.
#[derive(Debug, Clone, Default, Args)]
struct StoreArgs {
    /// The profile (default: $OPENROUTER_PKCE_PROFILE, else the one `switch` chose, else "default").
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Where the key is kept: file (0600 in the config directory) or keyring (the OS credential store);
    /// default: $OPENROUTER_PKCE_STORAGE, else where the profile's key already is, else file.
    #[arg(long, value_name = "STORAGE", value_parser = ["file", "keyring"])]
    storage: Option<String>,
}

impl StoreArgs {
    fn options(&self) -> crate::store::StoreOptions {
        crate::store::StoreOptions { profile: self.profile.clone(), storage: self.storage.clone() }
    }
}

#[derive(Debug, Args)]
struct TokenArgs {
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Print the result as a JSON array.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SwitchArgs {
    /// The profile to make active (letters, digits, `-`, `_`, `.`; at most 64).
    #[arg(value_name = "NAME")]
    name: String,
}

#[derive(Debug, Args)]
struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
struct LoginArgs {
    /// auto: loopback where a local browser can reach this machine, else headless.
    #[arg(long, default_value = "auto", value_parser = ["auto", "loopback", "headless"])]
    mode: String,
    /// Loopback host for the callback: localhost, 127.0.0.1 or ::1.
    #[arg(long, default_value = "localhost")]
    host: String,
    /// Loopback port for the callback; 0 lets the OS choose.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    port: i64,
    /// Seconds to wait for the approval (the default is the life of an OpenRouter code).
    #[arg(long, value_name = "SECS", default_value_t = crate::login::DEFAULT_LOGIN_TIMEOUT.as_secs_f64(), allow_negative_numbers = true)]
    timeout: f64,
    /// Label of the new key.
    #[arg(long)]
    label: Option<String>,
    /// Credit limit of the new key.
    #[arg(long, allow_negative_numbers = true)]
    limit: Option<f64>,
    /// Only show the URL; do not open a browser.
    #[arg(long)]
    no_browser: bool,
    /// Do not store the key (by default it is stored in the config directory, see `whoami`).
    #[arg(long)]
    no_save: bool,
    /// Log in and make a new key even when the stored one still works (by default that key is kept and
    /// nothing new is made); the old key stays valid until revoked, and its settings URL is shown.
    #[arg(long)]
    force: bool,
    /// Kept for scripts written before storing became the default; does nothing.
    #[arg(long, hide = true, conflicts_with = "no_save")]
    save: bool,
    /// Read a key from stdin and store it (checked with OpenRouter's key info first), instead of a browser
    /// login: `openrouter-pkce login --with-token < key.txt`.
    #[arg(long)]
    with_token: bool,
    /// Print the result as a JSON object.
    #[arg(long)]
    json: bool,
    /// Print the full key (alone on stdout, or as "key" with --json).
    #[arg(long)]
    print_key: bool,
    /// Where OpenRouter lives (e.g. an emulator's URL).
    #[arg(long, env = "OPENROUTER_PKCE_BASE_URL", hide_env_values = true)]
    base_url: Option<String>,
    /// Your app's URL, sent as HTTP-Referer (OpenRouter makes an app page only from it).
    #[arg(long, value_name = "URL")]
    app_url: Option<String>,
    /// Your app's name, sent as X-OpenRouter-Title (localhost apps need it to be tracked).
    #[arg(long, value_name = "NAME")]
    app_title: Option<String>,
    /// One of OpenRouter's app categories (at most 2: repeat the flag), sent as X-OpenRouter-Categories.
    #[arg(long = "app-category", value_name = "CATEGORY", value_parser = clap::builder::PossibleValuesParser::new(crate::APP_CATEGORIES))]
    app_categories: Vec<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct WhoamiArgs {
    /// Print the result as a JSON object.
    #[arg(long)]
    json: bool,
    /// Where OpenRouter lives (e.g. an emulator's URL).
    #[arg(long, env = "OPENROUTER_PKCE_BASE_URL", hide_env_values = true)]
    base_url: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct StatusArgs {
    #[command(flatten)]
    common: WhoamiArgs,
    /// Also print the key itself (as "token" with --json); without it the key is only shown masked.
    #[arg(long)]
    show_token: bool,
    /// One line per profile (its stored key; OPENROUTER_API_KEY is only noted); exit 1 unless some profile
    /// has a key and OpenRouter accepts every stored one.
    #[arg(long, conflicts_with = "profile")]
    all: bool,
}

#[derive(Debug, Args)]
struct LogoutArgs {
    /// Print the result as a JSON object.
    #[arg(long)]
    json: bool,
    /// Delete the stored key of every profile.
    #[arg(long, conflicts_with = "profile")]
    all: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct PkceArgs {
    /// Verifier length, 43 to 128.
    #[arg(long, default_value_t = 43)]
    length: usize,
    /// Challenge method: S256 or plain.
    #[arg(long, default_value = "S256")]
    method: String,
    /// Print the result as a JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct EmulatorArgs {
    /// Port on 127.0.0.1; 0 lets the OS choose.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Show an Approve/Deny page instead of approving at once.
    #[arg(long)]
    no_auto_approve: bool,
    /// Do not relay `state` on the callback redirect.
    #[arg(long)]
    no_relay_state: bool,
}

/// Run the command line with `args` (the first item is the program name) and return the exit code.
///
/// Ctrl-C (and SIGTERM on Unix) cancels a running command: a login then ends with `CANCELLED` (exit 130)
/// and its port closed. Works from any thread, including one inside another async runtime.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    run_with_cancel(args, interrupted())
}

/// [`run`] with the caller's cancellation: when `cancel` completes, a running login ends with `CANCELLED`
/// and the emulator stops. For embedders that handle signals themselves (Python, Node).
pub fn run_with_cancel<F>(args: impl IntoIterator<Item = OsString>, cancel: F) -> i32
where
    F: Future<Output = ()> + Send + 'static,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let code = match crate::runtime::block_on(commands::execute(cli.command, cancel)) {
        Ok(code) => code,
        Err(e) => report(&e),
    };
    let _ = std::io::stdout().flush();
    code
}

/// The command line running on a thread of its own ([`spawn`]), for embedders whose own thread must
/// stay free: Python waits in slices that check for Ctrl-C, Node's event loop awaits the exit code.
pub struct Spawned {
    /// Sending cancels the command as Ctrl-C does (a login then ends with exit code 130); dropping the
    /// switch never cancels.
    pub cancel: tokio::sync::oneshot::Sender<()>,
    /// The exit code, once the command ended (1 if its thread died without one).
    pub exit: std::pin::Pin<Box<dyn Future<Output = i32> + Send>>,
}

/// [`run_with_cancel`] with `args` on a new thread named `openrouter-pkce-cli`.
pub fn spawn(args: Vec<OsString>) -> std::io::Result<Spawned> {
    let (cancel, cancel_rx) = tokio::sync::oneshot::channel::<()>();
    let (done, exit) = tokio::sync::oneshot::channel::<i32>();
    std::thread::Builder::new().name("openrouter-pkce-cli".into()).spawn(move || {
        let cancelled = async move {
            if cancel_rx.await.is_err() {
                // The switch was dropped without a send: never cancel.
                std::future::pending::<()>().await;
            }
        };
        let _ = done.send(run_with_cancel(args, cancelled));
    })?;
    Ok(Spawned { cancel, exit: Box::pin(async move { exit.await.unwrap_or(1) }) })
}

/// Run the command line with the process's arguments and exit with its code.
pub fn main() -> ! {
    let code = run(std::env::args_os());
    std::process::exit(code)
}

/// Print `error: <message> [CODE]` on stderr and return the error's exit code.
fn report(e: &Error) -> i32 {
    let _ = writeln!(std::io::stderr().lock(), "error: {} [{}]", cli_message(e), e.code());
    e.class().exit_code()
}

/// The error's message in the command line's words: its flags (`--port 0`, `--label`) rather than the
/// library's argument names (`port=0`, `key_label`).
fn cli_message(e: &Error) -> String {
    crate::contract::in_dialect(&e.chain_message(), crate::contract::Dialect::Cli)
}

/// Ctrl-C, or SIGTERM on Unix. Never completes if the handlers cannot be installed.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = async {
            match signal(SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => if r.is_err() { std::future::pending::<()>().await },
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The command's reference as Markdown, from its own help texts: `docs/cli.md` is this, written by
/// `make cli-reference` and checked by a test, so the docs cannot fall behind the flags.
pub fn reference_markdown() -> String {
    use clap::CommandFactory;
    let mut root = Cli::command();
    root.build();
    let mut out = String::from(
        "# The `openrouter-pkce` command\n\n\
         <!-- Generated from the command's own `--help` by `make cli-reference`; a test fails when it drifts. -->\n\n\
         The same command comes with the Python package (also `python -m openrouter_pkce`), the npm package \
         (`npx openrouter-pkce`) and the Rust crate (`cargo install openrouter-pkce --features cli`). Results go \
         to stdout, prompts and progress to stderr; see [login.md](login.md#exit-codes) for the exit codes.\n",
    );
    let mut section = |title: &str, help: String| {
        out.push_str(&format!("\n## `{title}`\n\n```\n{}\n```\n", help.trim_end()));
    };
    section("openrouter-pkce", root.render_long_help().to_string());
    let names: Vec<String> = root.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for name in names.iter().filter(|n| *n != "help") {
        let sub = root.find_subcommand_mut(name).expect("listed just above");
        section(&format!("openrouter-pkce {name}"), sub.render_long_help().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    /// `docs/cli.md` is the command's help as it is (issue 20: the hand-written reference had fallen behind:
    /// no `status`, `token`, `completion`). `OPENROUTER_PKCE_WRITE_CLI_REFERENCE=1` rewrites it.
    #[test]
    fn the_cli_reference_in_docs_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/cli.md");
        let want = super::reference_markdown();
        if std::env::var_os("OPENROUTER_PKCE_WRITE_CLI_REFERENCE").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "{} is out of date: run `make cli-reference`", path.display());
        let commands = [
            "login",
            "whoami",
            "status",
            "token",
            "logout",
            "list",
            "switch",
            "pkce",
            "emulator",
            "completion",
        ];
        for command in commands {
            assert!(want.contains(&format!("## `openrouter-pkce {command}`")), "{command}");
        }
        assert_eq!(want.matches("Examples:").count(), commands.len(), "every command shows examples");
    }
}
