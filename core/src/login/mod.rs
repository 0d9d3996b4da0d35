//! One-click login: the whole flow from nothing to an API key.
//!
//! The core decides everything (which mode, when to fall back, what to tell the user); the user interface is
//! the [`LoginUi`] trait that the command line, Python and Node implement. Dropping the future returned by
//! [`login`] cancels the login at once and closes the callback port: that is how Ctrl-C and `AbortSignal`
//! are implemented.

mod environment;
mod reuse;
mod terminal;
mod ui;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

pub use environment::{Environment, HOSTED_NOTEBOOK_VARS, SSH_VARS};
pub use terminal::TerminalUi;
#[cfg(feature = "cli")]
pub(crate) use terminal::read_line_bounded;
pub use ui::{LineFuture, LoginUi, SilentUi, outcome_line};

use crate::api_key::ApiKey;
use crate::auth_url::{AuthRequest, StartAuthOptions, start_auth};
use crate::callback::{Callback, CallbackServer};
use crate::client::{CallOptions, Client, check_timeout};
use crate::error::{Error, ErrorClass, ErrorCode, Result};
use crate::pkce::ChallengeMethod;
use crate::response::extract_code;

/// Default time the user has to approve.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(600);

/// The prompt of headless mode.
pub const HEADLESS_PROMPT: &str = "Paste the code shown by OpenRouter: ";

/// How many pastes headless mode takes that hold no usable code — malformed, or refused by OpenRouter —
/// asking again after each, before it gives up.
pub const MAX_PASTE_ATTEMPTS: u32 = 3;

/// What headless mode says when OpenRouter refused a pasted code: the flow itself is still good (its
/// verifier was never used), so the user pastes again or approves the same URL again for a new code.
pub const REFUSED_CODE_NOTE: &str = "If it was mistyped, paste it again; if it was used or has expired, open the \
                                     URL above again and approve for a new code.";

/// The prompt shown while a loopback login waits, when the user can paste.
pub const LOOPBACK_PROMPT: &str = "Waiting for your browser… (or paste the callback URL or code here): ";

/// How the login receives the authorization code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoginMode {
    /// Loopback where a local browser can reach this process, headless where it cannot
    /// (see [`Environment::headless_reason`]), and headless when the browser fails to open.
    #[default]
    Auto,
    /// Listen on a loopback port for the browser's redirect.
    Loopback,
    /// No callback: the user pastes the code OpenRouter shows.
    Headless,
}

impl LoginMode {
    /// `"auto"`, `"loopback"` or `"headless"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LoginMode::Auto => "auto",
            LoginMode::Loopback => "loopback",
            LoginMode::Headless => "headless",
        }
    }

    /// Parse `"auto"`, `"loopback"` or `"headless"` (exactly); anything else is `INVALID_ARGUMENT`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(LoginMode::Auto),
            "loopback" => Ok(LoginMode::Loopback),
            "headless" => Ok(LoginMode::Headless),
            other => Err(Error::invalid_argument(format!(
                "mode {} is not one of \"auto\", \"loopback\", \"headless\"",
                crate::error::quote_for_message(other)
            ))),
        }
    }
}

impl FromStr for LoginMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        LoginMode::parse(s)
    }
}

impl fmt::Display for LoginMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of [`login`]. `LoginOptions::default()` is the contract's defaults.
#[derive(Debug, Clone)]
pub struct LoginOptions {
    /// How the code comes back. Default [`LoginMode::Auto`].
    pub mode: LoginMode,
    /// Loopback host: `localhost` (default; both `127.0.0.1` and `::1`), `127.0.0.1`, `::1` or `[::1]`.
    pub host: String,
    /// Loopback port; 0 (default) lets the OS choose a free one.
    pub port: u16,
    /// Open the browser (default true). When false the URL is only shown.
    pub open_browser: bool,
    /// How long the user has to approve (more than 0, at most a day). Default [`DEFAULT_LOGIN_TIMEOUT`]: 600 s,
    /// the life of an OpenRouter authorization code.
    pub timeout: Duration,
    /// Label of the minted key.
    pub key_label: Option<String>,
    /// Credit limit of the minted key.
    pub limit: Option<f64>,
    /// Store the key (see [`crate::store::save_key_with`]) before returning it.
    pub save: bool,
    /// Log in (and mint a key) even when the profile's stored key still works; without it that key is
    /// returned instead, and no second key is made.
    pub force: bool,
    /// The profile and storage `save` stores the key in (default: the profile in use, its storage).
    pub store: crate::store::StoreOptions,
    /// Where OpenRouter lives; default the client's base URL.
    pub base_url: Option<String>,
    /// The facts the automatic mode decides from; `None` = [`Environment::detect`].
    pub environment: Option<Environment>,
    /// A `BROWSER`-style command list used instead of the `BROWSER` environment variable (which is
    /// process-global; tests and embedders set this instead).
    pub browser_command: Option<String>,
    /// Attribution for the exchange; each field given replaces the client's.
    pub attribution: crate::attribution::Attribution,
}

impl Default for LoginOptions {
    fn default() -> Self {
        LoginOptions {
            mode: LoginMode::Auto,
            host: "localhost".to_owned(),
            port: 0,
            open_browser: true,
            timeout: DEFAULT_LOGIN_TIMEOUT,
            key_label: None,
            limit: None,
            save: false,
            force: false,
            store: Default::default(),
            base_url: None,
            environment: None,
            browser_command: None,
            attribution: Default::default(),
        }
    }
}

const LOOPBACK_HOSTS: [&str; 4] = ["localhost", "127.0.0.1", "::1", "[::1]"];

impl LoginOptions {
    /// Check every option before anything starts (no port opened, no browser launched).
    pub fn validate(&self, client: &Client) -> Result<()> {
        check_timeout(self.timeout)
            .map_err(|_| Error::invalid_argument("login timeout must be more than 0 and at most a day"))?;
        if !LOOPBACK_HOSTS.contains(&self.host.as_str()) {
            return Err(Error::invalid_argument(format!(
                "host {} is not a loopback name: use \"localhost\", \"127.0.0.1\" or \"::1\"",
                crate::error::quote_for_message(&self.host)
            )));
        }
        // start_auth's own checks of the label, limit and base URL, on a throwaway flow.
        start_auth(&self.start_options(client, None)).map(|_| ())
    }

    /// The exchange's call options: the login's attribution over the client's.
    fn call_options(&self) -> CallOptions {
        CallOptions { attribution: self.attribution.clone(), ..Default::default() }
    }

    fn start_options(&self, client: &Client, callback_url: Option<String>) -> StartAuthOptions {
        StartAuthOptions {
            callback_url,
            method: ChallengeMethod::S256,
            key_label: self.key_label.clone(),
            limit: self.limit,
            base_url: Some(self.base_url.clone().unwrap_or_else(|| client.effective_base_url())),
        }
    }
}

/// Run the whole login: open a loopback port or go headless, show the URL (and open the browser), wait for
/// the callback or a pasted code, exchange it, optionally store the key, return it.
///
/// Errors: `INVALID_ARGUMENT` for bad options; `NETWORK` (naming the host, within
/// [`crate::REACHABILITY_TIMEOUT`]) when the base URL does not answer, before any URL is shown;
/// `PORT_IN_USE` before any browser opens; `CALLBACK_TIMEOUT`
/// after `timeout`; `ACCESS_DENIED` when the user declines; `CANCELLED` when no input can come in headless
/// mode; the exchange's own errors; `STORAGE` when `save` fails. Dropping the future cancels everything and
/// closes the port.
pub async fn login(client: &Client, options: &LoginOptions, ui: Arc<dyn LoginUi>) -> Result<ApiKey> {
    options.validate(client)?;
    if options.save {
        // Find the config directory and check the profile and storage now, not after a key was minted.
        crate::store::Store::open(&options.store)?;
    }
    // A base URL nobody answers at fails now, before the user is sent to a dead page.
    let base_url = match &options.base_url {
        Some(b) => crate::urls::normalize_base_url(b)?,
        None => client.effective_base_url(),
    };
    client.check_reachable(&base_url).await?;
    let previous = match reuse::stored_key(client, options, &base_url).await? {
        reuse::Stored::Accepted(key) if !options.force => {
            ui.message(&reuse::reused_message(&key));
            return Ok(key);
        }
        reuse::Stored::Accepted(key) => Some(key),
        reuse::Stored::Refused | reuse::Stored::Nothing => None,
    };
    let deadline = Instant::now() + options.timeout;
    let key = match options.mode {
        LoginMode::Headless => headless(client, options, ui.as_ref(), deadline).await?,
        LoginMode::Loopback => loopback(client, options, ui.clone(), false, deadline).await?,
        LoginMode::Auto => {
            let env = options.environment.clone().unwrap_or_else(Environment::detect);
            match env.headless_reason() {
                Some(reason) => {
                    ui.message(&format!("Using headless login: {reason}."));
                    headless(client, options, ui.as_ref(), deadline).await?
                }
                None => loopback(client, options, ui.clone(), true, deadline).await?,
            }
        }
    };
    if options.save {
        // The keyring's call may wait (up to its timeout): off the runtime's threads.
        let (store, secret) = (options.store.clone(), key.key().to_owned());
        let saved = tokio::task::spawn_blocking(move || crate::store::save_key_with(&secret, &store))
            .await
            .unwrap_or_else(|_| Err(crate::error::Error::storage("the key could not be stored", None)));
        let location = saved.map_err(|e| {
            crate::error::Error::storage(
                format!(
                    "the key was created but could not be saved ({e}); revoke it at {}",
                    key.settings_url()
                ),
                None,
            )
        })?;
        ui.message(&format!("Saved the key to {location}"));
        if let Some(old) = previous.filter(|old| old.key() != key.key()) {
            ui.message(&reuse::replaced_message(&old));
        }
    }
    Ok(key)
}

async fn loopback(
    client: &Client,
    options: &LoginOptions,
    ui: Arc<dyn LoginUi>,
    auto: bool,
    deadline: Instant,
) -> Result<ApiKey> {
    // Bind first: a taken port fails before any browser opens.
    let server = CallbackServer::bind(&options.host, options.port).await?;
    let request = start_auth(&options.start_options(client, Some(server.callback_url())))?;
    let timed_out = || Error::CallbackTimeout { after: options.timeout };

    // Serving starts now, and the URL is shown at once: the browser may take seconds to start (or fail), and
    // the terminal is never blank meanwhile. Boxed so it can be dropped (closing the port) at any point below.
    // The callback's browser gets its page once the outcome is known (`answered`).
    let mut wait = Box::pin(server.wait_for_callback());
    ui.show_url(request.url(), false);
    let can_paste = ui.can_paste();
    let launch = async {
        if options.open_browser { Some(launch_browser(options, request.url()).await) } else { None }
    };
    tokio::pin!(launch);
    // The paste prompt comes once the launcher has answered (it prints its own line first); a callback that
    // arrives meanwhile wins as soon as it arrives.
    let mut paste = Box::pin(paste_while_waiting(ui.as_ref(), &request, can_paste, deadline));
    let mut launched = false;
    // Pasted codes that OpenRouter refused: the verifier is still good, so the wait goes on (for the callback,
    // or another paste), within the same tries as headless mode.
    let mut refused = 0;
    loop {
        let response = loop {
            tokio::select! {
                opened = &mut launch, if !launched => {
                    launched = true;
                    match opened {
                        Some(Ok(())) => ui.message("Opened your browser: approve the request there."),
                        Some(Err(reason)) if auto && !can_paste => {
                            drop(wait); // the port closes now
                            ui.message(&format!("Could not open a browser ({reason}); using headless login instead."));
                            return headless(client, options, ui.as_ref(), deadline).await;
                        }
                        Some(Err(reason)) if can_paste => ui.message(&format!(
                            "Could not open a browser ({reason}): open the URL above in any browser; after \
                             approving, paste the address it ends on, or the code it shows."
                        )),
                        Some(Err(reason)) => {
                            ui.message(&format!("Could not open a browser ({reason}): open the URL above by hand."));
                        }
                        None => {}
                    }
                    if !can_paste {
                        ui.message("Waiting for your browser…");
                    }
                }
                callback = &mut wait => break Received::Callback(callback?),
                line = &mut paste, if launched => break Received::Pasted(line?),
                _ = tokio::time::sleep_until(deadline) => return Err(timed_out()),
            }
        };
        match response {
            Received::Callback(callback) => {
                drop(wait); // closed before the exchange: nothing else is taken from now on
                return answered(client, ui.as_ref(), &request, callback, &options.call_options()).await;
            }
            Received::Pasted(pasted) => {
                // The port stays open meanwhile: a refused code does not end the flow. A callback that arrives
                // now waits for the outcome of this exchange.
                match finish(client, ui.as_ref(), &request, pasted, &options.call_options()).await {
                    Err(e) if refusal_to_retry(&e, refused) => {
                        refused += 1;
                        ui.message(&format!(
                            "OpenRouter refused the code: {e}. {REFUSED_CODE_NOTE} {}",
                            tries_left(refused)
                        ));
                        paste = Box::pin(paste_while_waiting(ui.as_ref(), &request, can_paste, deadline));
                    }
                    other => return other,
                }
            }
        }
    }
}

/// Whether a refused exchange of a pasted code leaves the flow open for another try: the code was wrong or
/// spent (the verifier was not), and fewer than [`MAX_PASTE_ATTEMPTS`] pastes were refused so far.
fn refusal_to_retry(error: &Error, refused: u32) -> bool {
    matches!(error.kind(), ErrorCode::InvalidCode | ErrorCode::CodeExpired)
        && refused + 1 < MAX_PASTE_ATTEMPTS
}

/// How the code came in loopback mode.
enum Received {
    /// The user pasted a callback URL or code.
    Pasted(String),
    /// The browser reached the loopback receiver (and waits for its page).
    Callback(Callback),
}

/// Finish the flow from the loopback callback, then tell its browser how it ended (the page waits for it).
async fn answered(
    client: &Client,
    ui: &dyn LoginUi,
    request: &AuthRequest,
    callback: Callback,
    call: &CallOptions,
) -> Result<ApiKey> {
    let result = finish(client, ui, request, format!("?{}", callback.params().query), call).await;
    callback.answer(result.as_ref()).await;
    result
}

async fn finish(
    client: &Client,
    ui: &dyn LoginUi,
    request: &AuthRequest,
    response: String,
    call: &CallOptions,
) -> Result<ApiKey> {
    // Only a response that holds this flow's code is announced as one (a denial or another flow's
    // callback is not); `complete_auth` reports the error itself.
    if extract_code(request, &response).is_ok() {
        ui.message("Got the authorization code; exchanging it for a key…");
    }
    client.complete_auth(request, &response, call).await
}

async fn launch_browser(options: &LoginOptions, url: &str) -> std::result::Result<(), String> {
    let command = options.browser_command.clone();
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || match command {
        Some(cmd) => crate::browser::open_browser_with(Some(&cmd), &url),
        None => crate::browser::open_browser(&url),
    })
    .await
    .unwrap_or_else(|_| Err("the browser launcher failed".to_owned()))
}

/// While the loopback server waits: accept a pasted callback URL or code, if the user can paste. Never
/// completes when they cannot (or stdin ends), leaving the callback and the deadline to decide.
async fn paste_while_waiting(
    ui: &dyn LoginUi,
    request: &AuthRequest,
    can_paste: bool,
    deadline: Instant,
) -> Result<String> {
    if can_paste {
        match read_response(ui, request, LOOPBACK_PROMPT, deadline, None).await {
            Err(Error::Cancelled { .. }) => {}
            other => return other,
        }
    }
    std::future::pending().await
}

async fn headless(
    client: &Client,
    options: &LoginOptions,
    ui: &dyn LoginUi,
    deadline: Instant,
) -> Result<ApiKey> {
    let request = start_auth(&options.start_options(client, None))?;
    ui.show_url(request.url(), true);
    let mut attempts = 0;
    loop {
        let reading = read_response(ui, &request, HEADLESS_PROMPT, deadline, Some(&mut attempts));
        let response = match tokio::time::timeout_at(deadline, reading).await {
            Ok(r) => r?,
            Err(_) => return Err(Error::CallbackTimeout { after: options.timeout }),
        };
        match client.complete_auth(&request, &response, &options.call_options()).await {
            // A wrong or spent code does not end the flow: its verifier was never used, so another paste (or
            // a new code from the same URL) still works, within the same tries as malformed pastes.
            Err(e) if refusal_to_retry(&e, attempts) => {
                attempts += 1;
                ui.message(&format!(
                    "OpenRouter refused the code: {e}. {REFUSED_CODE_NOTE} {}",
                    tries_left(attempts)
                ));
            }
            other => return other,
        }
    }
}

/// "(2 tries left)" after `used` of [`MAX_PASTE_ATTEMPTS`].
fn tries_left(used: u32) -> String {
    let left = MAX_PASTE_ATTEMPTS.saturating_sub(used);
    format!("({left} {} left)", if left == 1 { "try" } else { "tries" })
}

/// Read lines until one holds a code for `request`: empty lines and input mistakes (a malformed paste, the
/// URL of another flow) ask again; with `attempts`, each mistake counts there and [`MAX_PASTE_ATTEMPTS`] of
/// them end it (`INVALID_ARGUMENT`). End of input is `CANCELLED`; a pasted `error=` is `ACCESS_DENIED`. The
/// shape is checked here, before a code is spent.
async fn read_response(
    ui: &dyn LoginUi,
    request: &AuthRequest,
    prompt: &str,
    deadline: Instant,
    mut attempts: Option<&mut u32>,
) -> Result<String> {
    loop {
        let line = match tokio::time::timeout_at(deadline, ui.read_line(prompt)).await {
            Ok(line) => line,
            Err(_) => return std::future::pending().await, // the caller's deadline reports the timeout
        };
        let Some(line) = line else {
            return Err(Error::cancelled("no input: the login needs the code shown by OpenRouter"));
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match extract_code(request, line) {
            Ok(_) => return Ok(line.to_owned()),
            Err(e) if e.class() == ErrorClass::Input || matches!(e, Error::StateMismatch { .. }) => {
                match attempts.as_deref_mut() {
                    Some(used) => {
                        *used += 1;
                        if *used >= MAX_PASTE_ATTEMPTS {
                            return Err(Error::invalid_argument(format!(
                                "{MAX_PASTE_ATTEMPTS} pastes held no code for this login (the last: {e}); run \
                                 the login again"
                            )));
                        }
                        ui.message(&format!("That did not work: {e}. Try again {}.", tries_left(*used)));
                    }
                    None => ui.message(&format!("That did not work: {e}. Try again.")),
                }
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
