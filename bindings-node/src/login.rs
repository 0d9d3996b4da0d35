//! One-click login: the machinery behind the module-level `_login` and `Client#_login` (both in `client`).
//!
//! The flow is the core's `login`; this module only supplies a [`LoginUi`] that talks to JS: the URL goes to
//! the caller's `onUrl` callback (or stderr), messages to stderr, and pasted lines come from a JS function
//! (readline on stdin, owned by `index.js`). Both callbacks are *weak* threadsafe functions, so they never
//! keep the process alive, and they are released as soon as the login ends. An `AbortSignal` reaches the
//! running login through `_cancel` (see `settle`): the core future is dropped at once, which closes the port.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi_derive::napi;
use openrouter_pkce::login::{LineFuture, LoginMode, LoginOptions, LoginUi, TerminalUi};

use crate::api_key::ApiKey;
use crate::error::{IntoNapi, millis, port};
use crate::settle::spawn_promise;

/// Options of `login()`.
#[napi(object)]
pub struct LoginOpts {
    /// `'auto'` (default): loopback where a local browser can reach this process, headless where it
    /// cannot (an SSH session, no display, a hosted notebook, or the browser fails to open). `'loopback'`:
    /// listen on a loopback port for the browser's redirect. `'headless'`: the user pastes the code
    /// OpenRouter shows (read from stdin with readline).
    pub mode: Option<String>,
    /// Loopback host: `'localhost'` (default; both 127.0.0.1 and ::1), `'127.0.0.1'` or `'::1'`.
    pub host: Option<String>,
    /// Loopback port; 0 (default) lets the OS choose. A taken port fails with `PORT_IN_USE` before any
    /// browser opens.
    pub port: Option<u32>,
    /// Open the browser (default `true`; `BROWSER` is honoured, no shell). `false` only shows the URL.
    pub open_browser: Option<bool>,
    /// How long the user has to approve, in milliseconds (default 600000); then `CALLBACK_TIMEOUT`.
    pub timeout_ms: Option<f64>,
    /// Label of the minted key.
    pub key_label: Option<String>,
    /// Credit limit of the minted key.
    pub limit: Option<f64>,
    /// Store the key (see `saveKey`) before resolving.
    pub save: Option<bool>,
    /// Log in (and make a new key) even when the stored key still works; by default that key is returned and no new one is made.
    pub force: Option<bool>,
    /// Where OpenRouter lives (e.g. `emu.baseUrl`); default the client's base URL.
    pub base_url: Option<String>,
    /// Your app's URL, sent as `HTTP-Referer` on the exchange (default: the client's).
    pub http_referer: Option<String>,
    /// Your app's name, sent as `X-OpenRouter-Title` (and `X-Title`) on the exchange.
    pub app_title: Option<String>,
    /// At most 2 of OpenRouter's app categories, sent as `X-OpenRouter-Categories`.
    pub app_categories: Option<Vec<String>>,
    /// The profile `save` stores the key in (default: `OPENROUTER_PKCE_PROFILE`, else the active one, else
    /// `'default'`).
    pub profile: Option<String>,
    /// Where `save` stores it: `'file'` or `'keyring'` (default: `OPENROUTER_PKCE_STORAGE`, else where the
    /// profile's key already is, else the file).
    pub storage: Option<String>,
}

/// `onUrl(url, headless)` as JS sees it (the JS layer wraps the user's `onUrl(url, {headless})`).
pub type ShowUrlFn = ThreadsafeFunction<
    FnArgs<(String, bool)>,
    UnknownReturnValue,
    FnArgs<(String, bool)>,
    Status,
    false,
    true,
>;

/// `ask(prompt) => Promise<string | null>`: one line from stdin, `null` at end of input.
pub type AskFn = ThreadsafeFunction<String, Promise<Option<String>>, String, Status, false, true>;

struct NodeUi {
    show_url: Option<ShowUrlFn>,
    ask: Option<Arc<AskFn>>,
    can_paste: bool,
}

/// The longest the login waits for the JS thread to have shown the URL (a busy event loop must not stall it).
const SHOW_URL_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

impl LoginUi for NodeUi {
    fn show_url(&self, url: &str, headless: bool) {
        match &self.show_url {
            Some(f) => {
                // Wait (briefly) until the JS callback has run: the URL is shown before the browser opens,
                // and `onUrl` has always been called by the time the login's promise settles (the two
                // travel on separate queues to the JS thread).
                let (tx, rx) = std::sync::mpsc::channel();
                let status = f.call_with_return_value(
                    FnArgs::from((url.to_owned(), headless)),
                    ThreadsafeFunctionCallMode::NonBlocking,
                    move |_, _| {
                        let _ = tx.send(());
                        Ok(())
                    },
                );
                if status == Status::Ok {
                    let _ = rx.recv_timeout(SHOW_URL_WAIT);
                } else {
                    TerminalUi.show_url(url, headless);
                }
            }
            None => TerminalUi.show_url(url, headless),
        }
    }

    fn message(&self, text: &str) {
        TerminalUi.message(text);
    }

    fn can_paste(&self) -> bool {
        self.can_paste
    }

    fn read_line(&self, prompt: &str) -> LineFuture {
        let ask = self.ask.clone();
        let prompt = prompt.to_owned();
        Box::pin(async move {
            let ask = ask?;
            let answer = ask.call_async(prompt).await.ok()?;
            answer.await.ok().flatten()
        })
    }
}

fn options(o: Option<LoginOpts>) -> Result<LoginOptions> {
    let mut out = LoginOptions::default();
    let Some(o) = o else { return Ok(out) };
    if let Some(m) = o.mode {
        out.mode = LoginMode::parse(&m).napi()?;
    }
    if let Some(h) = o.host {
        out.host = h;
    }
    if let Some(p) = o.port {
        out.port = port(p)?;
    }
    if let Some(b) = o.open_browser {
        out.open_browser = b;
    }
    if let Some(t) = o.timeout_ms {
        out.timeout = millis(t);
    }
    out.key_label = o.key_label;
    out.limit = o.limit;
    if let Some(s) = o.save {
        out.save = s;
    }
    if let Some(f) = o.force {
        out.force = f;
    }
    out.base_url = o.base_url;
    out.attribution = openrouter_pkce::Attribution {
        http_referer: o.http_referer,
        app_title: o.app_title,
        app_categories: o.app_categories,
    };
    out.store = openrouter_pkce::StoreOptions { profile: o.profile, storage: o.storage };
    Ok(out)
}

pub(crate) fn start<'env>(
    env: &'env Env,
    client: openrouter_pkce::Client,
    opts: Option<LoginOpts>,
    show_url: Option<ShowUrlFn>,
    ask: Option<AskFn>,
    can_paste: bool,
    cancel_id: u32,
) -> Result<PromiseRaw<'env, ApiKey>> {
    let options = options(opts)?;
    let ui: Arc<dyn LoginUi> = Arc::new(NodeUi { show_url, ask: ask.map(Arc::new), can_paste });
    // `_cancel(cancel_id)` (the JS layer's AbortSignal) drops the core future, which closes the port.
    spawn_promise(env, Some(cancel_id), async move {
        let inner = openrouter_pkce::login(&client, &options, ui).await?;
        Ok(ApiKey { inner })
    })
}
