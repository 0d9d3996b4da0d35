//! One-click login for Python: the core's `login` with a [`LoginUi`] that shows the URL (a link in
//! Jupyter, stderr elsewhere) and reads pasted lines through Python (`input()`, so Jupyter's input
//! request works).
//!
//! Every Python call of the UI happens on a Python thread: the sync `login` runs the UI events on the
//! calling thread from its wait loop (so `input()` and IPython's display land in the running cell);
//! `login_async` schedules them on the event loop with `call_soon_threadsafe`, and reads lines on a
//! helper thread. The Python helpers live in `openrouter_pkce._display`. `Client.login` and the module-level
//! `login` (in `client`) call [`login_sync`] / [`login_async`].

use std::sync::{Arc, Mutex, mpsc};

use openrouter_pkce::login::{Environment, LineFuture, LoginMode, LoginOptions, LoginUi};
use openrouter_pkce::{self as core, runtime};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;
use tokio::sync::oneshot;

use crate::api_key::ApiKey;
use crate::error::{IntoPyResult, interrupted};
use crate::runtime::{SLICE, duration_arg, future, in_slices};

static DISPLAY: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn display(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    DISPLAY.get_or_try_init(py, || Ok(py.import("openrouter_pkce._display")?.unbind())).map(|m| m.bind(py))
}

/// Where the login runs, as Python sees it (`_display.context()`).
#[derive(Debug, Clone, Copy)]
struct Context {
    /// Inside a Jupyter/IPython kernel.
    notebook: bool,
    /// A hosted notebook only Python can tell (e.g. `google.colab` imported).
    hosted: bool,
    /// A terminal on stdin that can be polled: a pasted line can be read while the callback is awaited.
    tty: bool,
}

fn context(py: Python<'_>) -> PyResult<Context> {
    let (notebook, hosted, tty) = display(py)?.call_method0("context")?.extract()?;
    Ok(Context { notebook, hosted, tty })
}

/// A pasted line as the core's text: one that is not valid Unicode (a stray byte, surrogate-escaped by
/// Python's stdin) keeps U+FFFD in its place, so the core refuses it as a malformed paste and asks again —
/// never a bare `UnicodeEncodeError`, whose repr would hold the line (a code is a secret).
fn pasted_text(line: &Bound<'_, PyString>) -> String {
    line.to_string_lossy().into_owned()
}

/// The answer slot of one `read_line` question, handed to Python.
#[pyclass(frozen, name = "_LineReply", module = "openrouter_pkce._native")]
pub struct LineReply {
    tx: Mutex<Option<oneshot::Sender<Option<String>>>>,
}

#[pymethods]
impl LineReply {
    /// Deliver the line (`None`: no input will come). Only the first call counts.
    #[pyo3(signature = (line))]
    fn send(&self, line: Option<&Bound<'_, PyString>>) {
        if let Some(tx) = self.tx.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = tx.send(line.map(pasted_text));
        }
    }

    /// Whether the login stopped waiting for this line (it ended another way).
    fn abandoned(&self) -> bool {
        self.tx.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_none_or(|tx| tx.is_closed())
    }
}

/// What the UI asks the Python side to do.
enum UiEvent {
    ShowUrl(String, bool),
    Message(String),
    ReadLine(String, LineReply),
    /// The sync login's result (only on the sync channel).
    Done(core::Result<core::ApiKey>),
    /// How the async login ended, for the notebook's link (only on the async sink).
    Finished(String),
}

enum Sink {
    /// To the sync wait loop on the calling thread.
    Sync(mpsc::Sender<UiEvent>),
    /// Scheduled on this asyncio loop.
    Async { event_loop: Py<PyAny> },
}

struct PyUi {
    sink: Sink,
    ctx: Context,
}

impl PyUi {
    fn emit(&self, event: UiEvent) {
        match &self.sink {
            Sink::Sync(tx) => {
                let _ = tx.send(event);
            }
            Sink::Async { event_loop } => {
                let notebook = self.ctx.notebook;
                let tty = self.ctx.tty;
                // Fails only when the loop is closed or Python is finalizing: nobody is waiting then.
                crate::runtime::deliver(|py| -> PyResult<()> {
                    let d = display(py)?;
                    let lp = event_loop.bind(py);
                    match event {
                        UiEvent::ShowUrl(url, headless) => lp.call_method1(
                            "call_soon_threadsafe",
                            (d.getattr("show_url")?, url, headless, notebook),
                        )?,
                        UiEvent::Message(text) => {
                            lp.call_method1("call_soon_threadsafe", (d.getattr("message")?, text, notebook))?
                        }
                        UiEvent::ReadLine(prompt, reply) => lp.call_method1(
                            "call_soon_threadsafe",
                            (d.getattr("read_line_in_thread")?, prompt, tty, reply),
                        )?,
                        UiEvent::Finished(outcome) => lp.call_method1(
                            "call_soon_threadsafe",
                            (d.getattr("finish")?, outcome, notebook),
                        )?,
                        UiEvent::Done(_) => return Ok(()),
                    };
                    Ok(())
                });
            }
        }
    }
}

impl LoginUi for PyUi {
    fn show_url(&self, url: &str, headless: bool) {
        self.emit(UiEvent::ShowUrl(url.to_owned(), headless));
    }

    fn message(&self, text: &str) {
        self.emit(UiEvent::Message(text.to_owned()));
    }

    fn can_paste(&self) -> bool {
        // Only asked while a loopback login waits: a terminal can be polled, and a Jupyter input request is
        // withdrawn when the callback (or the timeout) ends the login first (`_display._kernel_line`).
        self.ctx.tty || self.ctx.notebook
    }

    fn read_line(&self, prompt: &str) -> LineFuture {
        let (tx, rx) = oneshot::channel();
        self.emit(UiEvent::ReadLine(prompt.to_owned(), LineReply { tx: Mutex::new(Some(tx)) }));
        Box::pin(async move { rx.await.ok().flatten() })
    }
}

/// The arguments of `login` / `Client.login` (and their async twins), as Python passed them.
pub struct LoginArgs {
    pub mode: Option<String>,
    pub host: Option<String>,
    pub port: Option<i64>,
    pub open_browser: Option<bool>,
    pub timeout: Option<f64>,
    pub key_label: Option<String>,
    pub limit: Option<f64>,
    pub save: Option<bool>,
    pub force: Option<bool>,
    pub base_url: Option<String>,
    pub attribution: core::Attribution,
    /// The profile and storage `save` uses.
    pub store: core::store::StoreOptions,
}

impl LoginArgs {
    fn options(self, py: Python<'_>, ctx: Context) -> PyResult<LoginOptions> {
        let defaults = LoginOptions::default();
        let mode = self.mode.as_deref().map_or(Ok(defaults.mode), LoginMode::parse).py(py)?;
        let port = match self.port {
            None => defaults.port,
            Some(p) => u16::try_from(p)
                .map_err(|_| core::Error::InvalidArgument {
                    reason: "port must be between 0 and 65535".into(),
                })
                .py(py)?,
        };
        let mut environment = Environment::detect();
        environment.notebook_kernel = ctx.notebook;
        environment.hosted_notebook |= ctx.hosted;
        Ok(LoginOptions {
            mode,
            host: self.host.unwrap_or(defaults.host),
            port,
            open_browser: self.open_browser.unwrap_or(defaults.open_browser),
            timeout: self.timeout.map_or(defaults.timeout, duration_arg),
            key_label: self.key_label,
            limit: self.limit,
            save: self.save.unwrap_or(defaults.save),
            force: self.force.unwrap_or(defaults.force),
            base_url: self.base_url,
            environment: Some(environment),
            browser_command: None,
            attribution: self.attribution,
            store: self.store,
        })
    }
}

/// The sync login: the core login on the runtime; this thread runs the UI events and checks for Ctrl-C
/// between slices, with the GIL released while idle. Ctrl-C drops the login (closing its port) and
/// raises CANCELLED.
pub fn login_sync(py: Python<'_>, client: core::Client, args: LoginArgs) -> PyResult<ApiKey> {
    let ctx = context(py)?;
    let options = args.options(py, ctx)?;
    let (tx, rx) = mpsc::channel();
    let ui = Arc::new(PyUi { sink: Sink::Sync(tx.clone()), ctx });
    let pending = runtime::spawn(async move {
        let result = core::login(&client, &options, ui).await;
        let _ = tx.send(UiEvent::Done(result));
    });
    let d = display(py)?;
    in_slices(
        py,
        rx,
        |rx| rx.recv_timeout(SLICE),
        |_, event| {
            let outcome = match event {
                Ok(UiEvent::Done(result)) => {
                    // The notebook's link leads to a closed port from now on: it says how the login ended.
                    let _ = d.call_method1("finish", (core::login::outcome_line(&result), ctx.notebook));
                    return Some(result.map(|inner| ApiKey { inner }).py(py));
                }
                Ok(UiEvent::ShowUrl(url, headless)) => {
                    d.call_method1("show_url", (url, headless, ctx.notebook)).map(drop)
                }
                Ok(UiEvent::Message(text)) => d.call_method1("message", (text, ctx.notebook)).map(drop),
                Ok(UiEvent::Finished(_)) => Ok(()),
                Ok(UiEvent::ReadLine(prompt, reply)) => Bound::new(py, reply).and_then(|reply| {
                    d.call_method1("read_line", (prompt, ctx.tty, reply.getattr("abandoned")?))
                        .and_then(|line| line.extract::<Option<Bound<'_, PyString>>>().map_err(PyErr::from))
                        .map(|line| reply.get().send(line.as_ref()))
                }),
                Err(mpsc::RecvTimeoutError::Timeout) => py.check_signals(),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Some(Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "openrouter-pkce: the login ended without a result",
                    )));
                }
            };
            // Ctrl-C (or a UI call that raised) drops the login, closing its port.
            outcome.err().map(|e| {
                pending.cancel();
                Err(interrupted(py, e))
            })
        },
    )
}

/// The async login: an asyncio future of the running loop; the UI runs on that loop.
pub fn login_async<'py>(
    py: Python<'py>,
    client: core::Client,
    args: LoginArgs,
) -> PyResult<Bound<'py, PyAny>> {
    let ctx = context(py)?;
    let options = args.options(py, ctx)?;
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?.unbind();
    let ui = Arc::new(PyUi { sink: Sink::Async { event_loop }, ctx });
    future(py, async move {
        let result = core::login(&client, &options, ui.clone()).await;
        ui.emit(UiEvent::Finished(core::login::outcome_line(&result)));
        result.map(|inner| ApiKey { inner })
    })
}

/// Register this file's class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LineReply>()?;
    Ok(())
}
