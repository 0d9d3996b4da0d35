//! Network operations: `Client` and the module-level `exchange_code`, `complete_auth`, `key_info` and
//! `login` (with `_async` twins), which use a default client for `https://openrouter.ai`. The login
//! machinery itself is in `login` (which does not depend on this file).

// Each function's parameters are its Python keyword arguments, one for one.
#![allow(clippy::too_many_arguments)]

use std::sync::OnceLock;

use openrouter_pkce::{
    self as core, Attribution, AuthorizationCode, CallOptions, ChallengeMethod, CodeVerifier, ExchangeRequest,
};
use pyo3::prelude::*;

use crate::api_key::{ApiKey, KeyInfo, api_key_arg, key_arg};
use crate::auth_code::{AuthCode, auth_code_options};
use crate::error::IntoPyResult;
use crate::login::{LoginArgs, login_async as login_future, login_sync};
use crate::runtime::{duration_arg, future, wait};
use crate::seal::flow_arg;

fn call_options(base_url: Option<String>, timeout: Option<f64>, attribution: Attribution) -> CallOptions {
    CallOptions { base_url, timeout: timeout.map(duration_arg), attribution }
}

/// The client of the module-level functions (`https://openrouter.ai`, the core's defaults).
fn default_client() -> &'static Client {
    static DEFAULT: OnceLock<Client> = OnceLock::new();
    DEFAULT.get_or_init(|| Client { inner: core::Client::from_environment() })
}

/// A configured OpenRouter client: its own base URL, deadline and User-Agent, and one pooled HTTP
/// connection pool (created on first use) shared by every call. Safe to share between threads.
#[pyclass(module = "openrouter_pkce._native", name = "Client", frozen)]
pub struct Client {
    inner: core::Client,
}

/// The network operations as core futures, shared by the sync and async methods of `Client` and by the
/// module-level functions (which use [`default_client`]).
impl Client {
    fn exchange_fut(
        &self,
        py: Python<'_>,
        code: String,
        code_verifier: Option<String>,
        method: Option<String>,
        call: CallOptions,
    ) -> PyResult<impl Future<Output = core::Result<ApiKey>> + Send + 'static> {
        let method = method.map_or(Ok(ChallengeMethod::default()), |m| ChallengeMethod::parse(&m)).py(py)?;
        let c = self.inner.clone();
        Ok(async move {
            let request = ExchangeRequest {
                code: AuthorizationCode::new(code),
                code_verifier: code_verifier.map(CodeVerifier::new).transpose()?,
                code_challenge_method: Some(method),
            };
            c.exchange_code(request, &call).await.map(|inner| ApiKey { inner })
        })
    }

    fn complete_auth_fut(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
        secrets: Option<&Bound<'_, PyAny>>,
        response: String,
        call: CallOptions,
    ) -> PyResult<impl Future<Output = core::Result<ApiKey>> + Send + 'static> {
        let request = flow_arg(py, request, secrets)?;
        let c = self.inner.clone();
        Ok(async move { c.complete_auth(&request, &response, &call).await.map(|inner| ApiKey { inner }) })
    }

    fn auth_code_fut(
        &self,
        key: &Bound<'_, PyAny>,
        options: core::AuthCodeOptions,
        call: CallOptions,
    ) -> PyResult<impl Future<Output = core::Result<AuthCode>> + Send + 'static> {
        let key = key_arg(key)?;
        let c = self.inner.clone();
        Ok(async move { c.create_auth_code(&key, &options, &call).await.map(|inner| AuthCode { inner }) })
    }

    fn key_info_fut(
        &self,
        key: &Bound<'_, PyAny>,
        call: CallOptions,
    ) -> PyResult<impl Future<Output = core::Result<KeyInfo>> + Send + 'static> {
        let key = api_key_arg(key)?;
        let c = self.inner.clone();
        Ok(async move { c.key_info_of(&key, &call).await.map(|inner| KeyInfo { inner }) })
    }
}

#[pymethods]
impl Client {
    /// A client for `base_url` (`https://`, or `http://` on loopback for the emulator).
    #[new]
    #[pyo3(signature = (base_url = None, timeout = None, user_agent = None, *, http_referer = None, app_title = None, app_categories = None))]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        timeout: Option<f64>,
        user_agent: Option<String>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let defaults = core::ClientOptions::default();
        let inner = core::Client::new(core::ClientOptions {
            base_url: base_url.unwrap_or(defaults.base_url),
            timeout: timeout.map_or(defaults.timeout, duration_arg),
            user_agent,
            attribution: Attribution { http_referer, app_title, app_categories },
        })
        .py(py)?;
        Ok(Client { inner })
    }

    /// The normalised base URL (no trailing slash).
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The default deadline of each call, in seconds.
    #[getter]
    fn timeout(&self) -> f64 {
        self.inner.timeout().as_secs_f64()
    }

    fn __repr__(&self) -> String {
        format!(
            "Client(base_url={:?}, timeout={})",
            self.inner.base_url(),
            self.inner.timeout().as_secs_f64()
        )
    }

    /// Exchange an authorization code (and the flow's verifier) for an API key. Sent exactly once.
    #[pyo3(signature = (code, code_verifier = None, code_challenge_method = None, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn exchange_code(
        &self,
        py: Python<'_>,
        code: String,
        code_verifier: Option<String>,
        code_challenge_method: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<ApiKey> {
        wait(
            py,
            self.exchange_fut(
                py,
                code,
                code_verifier,
                code_challenge_method,
                call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories }),
            )?,
        )
    }

    /// Awaitable twin of `exchange_code`.
    #[pyo3(signature = (code, code_verifier = None, code_challenge_method = None, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn exchange_code_async<'py>(
        &self,
        py: Python<'py>,
        code: String,
        code_verifier: Option<String>,
        code_challenge_method: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        future(
            py,
            self.exchange_fut(
                py,
                code,
                code_verifier,
                code_challenge_method,
                call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories }),
            )?,
        )
    }

    /// Finish a started flow with what the app received (callback URL, query string, or pasted code).
    /// `request` may be the string `AuthRequest.seal()` made; then pass `secrets`.
    #[pyo3(signature = (request, response, *, secrets = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn complete_auth(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
        response: String,
        secrets: Option<&Bound<'_, PyAny>>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<ApiKey> {
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        wait(py, self.complete_auth_fut(py, request, secrets, response, call)?)
    }

    /// Awaitable twin of `complete_auth`.
    #[pyo3(signature = (request, response, *, secrets = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn complete_auth_async<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'_, PyAny>,
        response: String,
        secrets: Option<&Bound<'_, PyAny>>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        future(py, self.complete_auth_fut(py, request, secrets, response, call)?)
    }

    /// Details of a key (`GET /api/v1/key`): a `str`, or an `ApiKey` (asked of the server it came from
    /// unless `base_url` names another).
    #[pyo3(signature = (key, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn key_info(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<KeyInfo> {
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        wait(py, self.key_info_fut(key, call)?)
    }

    /// Awaitable twin of `key_info`.
    #[pyo3(signature = (key, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn key_info_async<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'_, PyAny>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        future(py, self.key_info_fut(key, call)?)
    }

    /// Create an authorization code with `key` (`POST /api/v1/auth/keys/code`): the way to mint a key that
    /// expires (`expires_at`, a timezone-aware datetime) or whose limit resets (`usage_limit_type`:
    /// `"daily"`, `"weekly"`, `"monthly"`). Exchange `code.id` as a callback's code. Sent at most once.
    #[pyo3(signature = (key, *, callback_url, code_challenge = None, code_challenge_method = None, expires_at = None, key_label = None, limit = None, usage_limit_type = None, workspace_id = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn create_auth_code(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        callback_url: String,
        code_challenge: Option<String>,
        code_challenge_method: Option<String>,
        expires_at: Option<&Bound<'_, PyAny>>,
        key_label: Option<String>,
        limit: Option<f64>,
        usage_limit_type: Option<String>,
        workspace_id: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<AuthCode> {
        let options = auth_code_options(
            py,
            callback_url,
            code_challenge,
            code_challenge_method,
            expires_at,
            key_label,
            limit,
            usage_limit_type,
            workspace_id,
        )?;
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        wait(py, self.auth_code_fut(key, options, call)?)
    }

    /// Awaitable twin of `create_auth_code`.
    #[pyo3(signature = (key, *, callback_url, code_challenge = None, code_challenge_method = None, expires_at = None, key_label = None, limit = None, usage_limit_type = None, workspace_id = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
    fn create_auth_code_async<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'_, PyAny>,
        callback_url: String,
        code_challenge: Option<String>,
        code_challenge_method: Option<String>,
        expires_at: Option<&Bound<'_, PyAny>>,
        key_label: Option<String>,
        limit: Option<f64>,
        usage_limit_type: Option<String>,
        workspace_id: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = auth_code_options(
            py,
            callback_url,
            code_challenge,
            code_challenge_method,
            expires_at,
            key_label,
            limit,
            usage_limit_type,
            workspace_id,
        )?;
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        future(py, self.auth_code_fut(key, options, call)?)
    }

    /// The whole login in one call: open a loopback port (or go headless), show the URL and open the
    /// browser, wait for the approval (or a pasted code), exchange, optionally save; returns the key.
    /// Ctrl-C / a Jupyter interrupt raises CANCELLED with the port closed.
    #[pyo3(signature = (*, mode = None, host = None, port = None, open_browser = None, timeout = None, key_label = None, limit = None, save = None, base_url = None, http_referer = None, app_title = None, app_categories = None))]
    fn login(
        &self,
        py: Python<'_>,
        mode: Option<String>,
        host: Option<String>,
        port: Option<i64>,
        open_browser: Option<bool>,
        timeout: Option<f64>,
        key_label: Option<String>,
        limit: Option<f64>,
        save: Option<bool>,
        base_url: Option<String>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<ApiKey> {
        login_sync(
            py,
            self.inner.clone(),
            LoginArgs::new(
                mode,
                host,
                port,
                open_browser,
                timeout,
                key_label,
                limit,
                save,
                base_url,
                Attribution { http_referer, app_title, app_categories },
            ),
        )
    }

    /// Awaitable twin of `login`; cancelling it closes the port.
    #[pyo3(signature = (*, mode = None, host = None, port = None, open_browser = None, timeout = None, key_label = None, limit = None, save = None, base_url = None, http_referer = None, app_title = None, app_categories = None))]
    fn login_async<'py>(
        &self,
        py: Python<'py>,
        mode: Option<String>,
        host: Option<String>,
        port: Option<i64>,
        open_browser: Option<bool>,
        timeout: Option<f64>,
        key_label: Option<String>,
        limit: Option<f64>,
        save: Option<bool>,
        base_url: Option<String>,
        http_referer: Option<String>,
        app_title: Option<String>,
        app_categories: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        login_future(
            py,
            self.inner.clone(),
            LoginArgs::new(
                mode,
                host,
                port,
                open_browser,
                timeout,
                key_label,
                limit,
                save,
                base_url,
                Attribution { http_referer, app_title, app_categories },
            ),
        )
    }
}

/// Exchange an authorization code (and the flow's verifier) for an API key. Sent exactly once.
#[pyfunction]
#[pyo3(signature = (code, code_verifier = None, code_challenge_method = None, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn exchange_code(
    py: Python<'_>,
    code: String,
    code_verifier: Option<String>,
    code_challenge_method: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<ApiKey> {
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    wait(py, default_client().exchange_fut(py, code, code_verifier, code_challenge_method, call)?)
}

/// Awaitable twin of `exchange_code`.
#[pyfunction]
#[pyo3(signature = (code, code_verifier = None, code_challenge_method = None, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn exchange_code_async<'py>(
    py: Python<'py>,
    code: String,
    code_verifier: Option<String>,
    code_challenge_method: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    future(py, default_client().exchange_fut(py, code, code_verifier, code_challenge_method, call)?)
}

/// Finish a started flow: check `response` (the callback URL, its path + query such as Flask's
/// `request.full_path`, its query string, or a pasted code) belongs to `request`, then exchange. A flow
/// `start_auth` made is finished at its own base URL unless `base_url` names another; one read back from
/// storage (dict, JSON, sealed) at `base_url` or the default, which it must name. `request` is the `AuthRequest`, its `to_dict()`, or the string `AuthRequest.seal()`
/// made (then pass the `secrets` it was sealed with).
#[pyfunction]
#[pyo3(signature = (request, response, *, secrets = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn complete_auth(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    response: String,
    secrets: Option<&Bound<'_, PyAny>>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<ApiKey> {
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    wait(py, default_client().complete_auth_fut(py, request, secrets, response, call)?)
}

/// Awaitable twin of `complete_auth`.
#[pyfunction]
#[pyo3(signature = (request, response, *, secrets = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn complete_auth_async<'py>(
    py: Python<'py>,
    request: &Bound<'_, PyAny>,
    response: String,
    secrets: Option<&Bound<'_, PyAny>>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    future(py, default_client().complete_auth_fut(py, request, secrets, response, call)?)
}

/// Details of a key (`GET /api/v1/key`): a `str` or an `ApiKey`, which remembers the server it came from
/// (asked unless `base_url` names another).
#[pyfunction]
#[pyo3(signature = (key, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn key_info(
    py: Python<'_>,
    key: &Bound<'_, PyAny>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<KeyInfo> {
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    wait(py, default_client().key_info_fut(key, call)?)
}

/// Create an authorization code with `key` (`POST /api/v1/auth/keys/code`); see `Client.create_auth_code`.
#[pyfunction]
#[pyo3(signature = (key, *, callback_url, code_challenge = None, code_challenge_method = None, expires_at = None, key_label = None, limit = None, usage_limit_type = None, workspace_id = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn create_auth_code(
    py: Python<'_>,
    key: &Bound<'_, PyAny>,
    callback_url: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    expires_at: Option<&Bound<'_, PyAny>>,
    key_label: Option<String>,
    limit: Option<f64>,
    usage_limit_type: Option<String>,
    workspace_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<AuthCode> {
    let options = auth_code_options(
        py,
        callback_url,
        code_challenge,
        code_challenge_method,
        expires_at,
        key_label,
        limit,
        usage_limit_type,
        workspace_id,
    )?;
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    wait(py, default_client().auth_code_fut(key, options, call)?)
}

/// Awaitable twin of `create_auth_code`.
#[pyfunction]
#[pyo3(signature = (key, *, callback_url, code_challenge = None, code_challenge_method = None, expires_at = None, key_label = None, limit = None, usage_limit_type = None, workspace_id = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn create_auth_code_async<'py>(
    py: Python<'py>,
    key: &Bound<'_, PyAny>,
    callback_url: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    expires_at: Option<&Bound<'_, PyAny>>,
    key_label: Option<String>,
    limit: Option<f64>,
    usage_limit_type: Option<String>,
    workspace_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = auth_code_options(
        py,
        callback_url,
        code_challenge,
        code_challenge_method,
        expires_at,
        key_label,
        limit,
        usage_limit_type,
        workspace_id,
    )?;
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    future(py, default_client().auth_code_fut(key, options, call)?)
}

/// Awaitable twin of `key_info`.
#[pyfunction]
#[pyo3(signature = (key, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None))]
fn key_info_async<'py>(
    py: Python<'py>,
    key: &Bound<'_, PyAny>,
    base_url: Option<String>,
    timeout: Option<f64>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
    future(py, default_client().key_info_fut(key, call)?)
}

/// The whole login in one call: open a loopback port (or go headless), show the URL and open the browser,
/// wait for the approval (or a pasted code), exchange, optionally save; returns the key.
#[pyfunction]
#[pyo3(signature = (*, mode = None, host = None, port = None, open_browser = None, timeout = None, key_label = None, limit = None, save = None, base_url = None, http_referer = None, app_title = None, app_categories = None))]
fn login(
    py: Python<'_>,
    mode: Option<String>,
    host: Option<String>,
    port: Option<i64>,
    open_browser: Option<bool>,
    timeout: Option<f64>,
    key_label: Option<String>,
    limit: Option<f64>,
    save: Option<bool>,
    base_url: Option<String>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<ApiKey> {
    login_sync(
        py,
        default_client().inner.clone(),
        LoginArgs::new(
            mode,
            host,
            port,
            open_browser,
            timeout,
            key_label,
            limit,
            save,
            base_url,
            Attribution { http_referer, app_title, app_categories },
        ),
    )
}

/// Awaitable twin of `login`; cancelling it closes the port.
#[pyfunction]
#[pyo3(signature = (*, mode = None, host = None, port = None, open_browser = None, timeout = None, key_label = None, limit = None, save = None, base_url = None, http_referer = None, app_title = None, app_categories = None))]
fn login_async<'py>(
    py: Python<'py>,
    mode: Option<String>,
    host: Option<String>,
    port: Option<i64>,
    open_browser: Option<bool>,
    timeout: Option<f64>,
    key_label: Option<String>,
    limit: Option<f64>,
    save: Option<bool>,
    base_url: Option<String>,
    http_referer: Option<String>,
    app_title: Option<String>,
    app_categories: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    login_future(
        py,
        default_client().inner.clone(),
        LoginArgs::new(
            mode,
            host,
            port,
            open_browser,
            timeout,
            key_label,
            limit,
            save,
            base_url,
            Attribution { http_referer, app_title, app_categories },
        ),
    )
}

/// Register this file's class and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_function(wrap_pyfunction!(exchange_code, m)?)?;
    m.add_function(wrap_pyfunction!(exchange_code_async, m)?)?;
    m.add_function(wrap_pyfunction!(complete_auth, m)?)?;
    m.add_function(wrap_pyfunction!(complete_auth_async, m)?)?;
    m.add_function(wrap_pyfunction!(key_info, m)?)?;
    m.add_function(wrap_pyfunction!(key_info_async, m)?)?;
    m.add_function(wrap_pyfunction!(create_auth_code, m)?)?;
    m.add_function(wrap_pyfunction!(create_auth_code_async, m)?)?;
    m.add_function(wrap_pyfunction!(login, m)?)?;
    m.add_function(wrap_pyfunction!(login_async, m)?)?;
    Ok(())
}
