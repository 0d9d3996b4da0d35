//! The core's emulator as `openrouter_pkce._native.Emulator` (wrapped by `openrouter_pkce.testing`).

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use openrouter_pkce::Error;
use openrouter_pkce::contract::Dialect;
use openrouter_pkce::emulator::{self as core, EmulatorConfig, Endpoint, Fault, FaultKind, FaultSpec};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::{IntoPyResult, to_py_err};
use crate::runtime::wait;

fn bad(py: Python<'_>, reason: impl Into<String>) -> PyErr {
    to_py_err(py, &Error::InvalidArgument { reason: reason.into() })
}

fn seconds(py: Python<'_>, name: &str, s: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(s)
        .map_err(|_| bad(py, format!("{name} must be a finite number of seconds, 0 or more")))
}

fn endpoint_arg(py: Python<'_>, endpoint: &str) -> PyResult<Endpoint> {
    Endpoint::from_name(endpoint, Dialect::Python).py(py)
}

/// A running in-process fake of OpenRouter on `127.0.0.1:<port>` (see `openrouter_pkce.testing`).
#[pyclass(module = "openrouter_pkce._native", name = "Emulator", frozen)]
pub struct Emulator {
    inner: Mutex<Option<core::Emulator>>,
    base_url: String,
    port: u16,
}

impl Emulator {
    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&core::Emulator) -> T) -> PyResult<T> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(e) => Ok(f(e)),
            None => Err(bad(py, "the emulator is stopped")),
        }
    }
}

#[pymethods]
impl Emulator {
    /// Start the emulator now; every option left `None` takes the core's default (`EmulatorConfig::default()`:
    /// 127.0.0.1, a free port chosen by the OS, auto-approve, state relayed, OpenRouter's code lifetime).
    #[new]
    #[pyo3(signature = (*, host = None, port = None, auto_approve = None, relay_state = None, code_ttl = None))]
    fn new(
        py: Python<'_>,
        host: Option<&str>,
        port: Option<u16>,
        auto_approve: Option<bool>,
        relay_state: Option<bool>,
        code_ttl: Option<f64>,
    ) -> PyResult<Self> {
        let defaults = EmulatorConfig::default();
        let host: IpAddr = match host {
            Some(h) => h.parse().map_err(|_| bad(py, "host must be a loopback IP address"))?,
            None => defaults.host,
        };
        let config = EmulatorConfig {
            host,
            port: port.unwrap_or(defaults.port),
            auto_approve: auto_approve.unwrap_or(defaults.auto_approve),
            relay_state: relay_state.unwrap_or(defaults.relay_state),
            code_ttl: match code_ttl {
                Some(t) => seconds(py, "code_ttl", t)?,
                None => defaults.code_ttl,
            },
        };
        let emu = wait(py, core::Emulator::start(config))?;
        Ok(Emulator { base_url: emu.base_url(), port: emu.port(), inner: Mutex::new(Some(emu)) })
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:53127`.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The port it listens on.
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// Whether it is still serving.
    #[getter]
    fn running(&self) -> bool {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Queue a misbehaviour for the next request to `endpoint` (`"exchange"`, `"key_info"` or
    /// `"create_auth_code"`).
    ///
    /// `kind` is one of `"status"` (answer `status`, default 500, with `body` and `content_type`, default
    /// JSON), `"delay"` (wait `seconds`, then answer normally), `"redirect"` (to `location`), `"drip"` (a byte
    /// every half second), `"huge_body"` (`size` bytes), `"hang"` (never answer) or `"close"` (drop the
    /// connection). Each queued fault is used once.
    #[pyo3(signature = (endpoint, kind, *, status = None, body = None, content_type = None, seconds = None, location = None, size = None))]
    #[allow(clippy::too_many_arguments)]
    fn inject_fault(
        &self,
        py: Python<'_>,
        endpoint: &str,
        kind: &str,
        status: Option<u16>,
        body: Option<String>,
        content_type: Option<String>,
        seconds: Option<f64>,
        location: Option<String>,
        size: Option<usize>,
    ) -> PyResult<()> {
        let endpoint = endpoint_arg(py, endpoint)?;
        let delay = seconds.map(|s| self::seconds(py, "seconds", s)).transpose()?;
        let spec = FaultSpec { status, body, content_type, delay, location, bytes: size };
        let kind = FaultKind::from_name(Some(kind), Dialect::Python, &spec).py(py)?;
        let fault = Fault::from_spec(kind, spec).py(py)?;
        self.with(py, |e| e.inject_fault(endpoint, fault))
    }

    /// How many requests reached `endpoint` (`"exchange"`, `"key_info"` or `"create_auth_code"`) so far,
    /// whatever their method or answer (CORS preflights are not counted).
    fn request_count(&self, py: Python<'_>, endpoint: &str) -> PyResult<usize> {
        let endpoint = endpoint_arg(py, endpoint)?;
        self.with(py, |e| e.request_count(endpoint))
    }

    /// The attribution headers of the last request to `endpoint`, to check that a client sends them.
    ///
    /// A dict of `http_referer` (`HTTP-Referer`), `x_openrouter_title` (`X-OpenRouter-Title`), `x_title`
    /// (`X-Title`) and `x_openrouter_categories` (`X-OpenRouter-Categories`), each `None` when that request
    /// did not carry it; `None` until a request reaches `endpoint`.
    fn last_attribution<'py>(&self, py: Python<'py>, endpoint: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        let endpoint = endpoint_arg(py, endpoint)?;
        let Some(seen) = self.with(py, |e| e.last_attribution(endpoint))? else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("http_referer", seen.http_referer)?;
        d.set_item("x_openrouter_title", seen.x_openrouter_title)?;
        d.set_item("x_title", seen.x_title)?;
        d.set_item("x_openrouter_categories", seen.x_openrouter_categories)?;
        Ok(Some(d))
    }

    /// Mint a code as if the user had approved `/auth` with these parameters.
    ///
    /// A challenge without a method is bound to `plain` (RFC 7636); without a challenge the code exchanges
    /// without a verifier.
    #[pyo3(signature = (code_challenge = None, code_challenge_method = None, key_label = None, limit = None))]
    fn issue_code(
        &self,
        py: Python<'_>,
        code_challenge: Option<&str>,
        code_challenge_method: Option<&str>,
        key_label: Option<&str>,
        limit: Option<f64>,
    ) -> PyResult<String> {
        self.with(py, |e| e.issue_code(code_challenge, code_challenge_method, key_label, limit))
    }

    /// Play the user's browser: the callback URL that this emulator's `auth_url` redirects to (with the
    /// code), as the core's `Emulator::approve` finds it.
    fn approve(&self, py: Python<'_>, auth_url: &str) -> PyResult<String> {
        self.with(py, |e| e.approve(auth_url))?.py(py)
    }

    /// Create an API key that `key_info` knows and `POST /api/v1/auth/keys/code` takes as its bearer.
    #[pyo3(signature = (label = None, limit = None))]
    fn create_key(&self, py: Python<'_>, label: Option<&str>, limit: Option<f64>) -> PyResult<String> {
        self.with(py, |e| e.create_key(label, limit))
    }

    /// Approve `/auth` at once (`True`) or show the Approve/Deny page (`False`).
    fn set_auto_approve(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.with(py, |e| e.set_auto_approve(on))
    }

    /// Relay `state` on the callback redirect, or not.
    fn set_relay_state(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.with(py, |e| e.set_relay_state(on))
    }

    /// How long codes stay valid, in seconds (applies to codes already issued too).
    fn set_code_ttl(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        let ttl = self::seconds(py, "seconds", seconds)?;
        self.with(py, |e| e.set_code_ttl(ttl))
    }

    /// Stop serving and close the port (idempotent).
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let emu = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(emu) = emu {
            wait(py, async move {
                emu.stop().await;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!(
            "Emulator(base_url={:?}, running={})",
            self.base_url,
            if self.running() { "True" } else { "False" }
        )
    }
}

/// The core's endpoint and fault-kind names as Python spells them (the `FaultEndpoint` / `FaultKind`
/// literals' drift test reads them).
#[pyfunction]
fn _emulator_names() -> (Vec<&'static str>, Vec<&'static str>) {
    (
        Endpoint::ALL.iter().map(|e| e.name(Dialect::Python)).collect(),
        FaultKind::ALL.iter().map(|k| k.name(Dialect::Python)).collect(),
    )
}

/// Register the class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_emulator_names, m)?)?;
    m.add_class::<Emulator>()
}
