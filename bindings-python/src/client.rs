//! Network operations, each written once, on `Client`: `exchange_code`, `complete_auth`, `key_info`,
//! `create_auth_code` and `login`. One description per operation (its signature, its argument conversion,
//! what it runs; see [`operations!`]) makes the method and its `_async` twin; the package's module-level
//! functions are the bound methods of one default client (`_default_client()`). The login machinery
//! itself is in `login` (which does not depend on this file).

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

type LoginCall = (core::Client, LoginArgs);

fn run_login(py: Python<'_>, (client, args): LoginCall) -> PyResult<ApiKey> {
    login_sync(py, client, args)
}

fn run_login_async<'py>(py: Python<'py>, (client, args): LoginCall) -> PyResult<Bound<'py, PyAny>> {
    login_future(py, client, args)
}
use crate::seal::flow_arg;

fn call_options(base_url: Option<String>, timeout: Option<f64>, attribution: Attribution) -> CallOptions {
    CallOptions { base_url, timeout: timeout.map(duration_arg), attribution }
}

/// A configured OpenRouter client: its own base URL, deadline and User-Agent, and one pooled HTTP
/// connection pool (created on first use) shared by every call. Safe to share between threads.
#[pyclass(module = "openrouter_pkce._native", name = "Client", frozen)]
pub struct Client {
    inner: core::Client,
}

/// The network operations as core futures, shared by each sync method and its `_async` twin.
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

/// Each network operation once: its doc, its Python signature, its arguments and what it runs (a future
/// for [`wait`] / [`future`], or a login for [`run_login`] / [`run_login_async`]). The macro writes the
/// sync method (which waits with the GIL released) and its `_async` twin (an awaitable) from it, so the
/// two can never disagree.
macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident / $name_async:ident ($($sig:tt)*) ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;
        run $sync_run:ident / $async_run:ident: |$this:ident, $py:ident| $body:expr;
    )*) => {
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

            $(
                $(#[doc = $doc])*
                #[pyo3(signature = ($($sig)*))]
                fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<$ret> {
                    let ($this, $py) = (self, py);
                    $sync_run(py, $body?)
                }

                /// The awaitable twin of the method without `_async` (same arguments, same answer).
                #[pyo3(signature = ($($sig)*))]
                fn $name_async<'py>(&self, py: Python<'py>, $($arg: $ty),*) -> PyResult<Bound<'py, PyAny>> {
                    let ($this, $py) = (self, py);
                    $async_run(py, $body?)
                }
            )*
        }

        /// Register the class and the default client's maker (the package's module-level functions are
        /// that client's methods: `openrouter_pkce/__init__.py`).
        pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_class::<Client>()?;
            m.add_function(wrap_pyfunction!(default_client_object, m)?)?;
            Ok(())
        }
    };
}

/// The client of the module-level functions: made on first use, `https://openrouter.ai` (or
/// `OPENROUTER_PKCE_BASE_URL`, read at each call) with the core's defaults.
fn default_client() -> &'static Client {
    static DEFAULT: OnceLock<Client> = OnceLock::new();
    DEFAULT.get_or_init(|| Client { inner: core::Client::from_environment() })
}

/// The default client (one shared pool), whose bound methods are the package's module-level functions.
#[pyfunction(name = "_default_client")]
fn default_client_object() -> Client {
    Client { inner: default_client().inner.clone() }
}

operations! {
    /// Exchange an authorization code (and the flow's verifier) for an API key. Sent exactly once.
    fn exchange_code / exchange_code_async (code, code_verifier = None, code_challenge_method = None, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None)
    (code: String, code_verifier: Option<String>, code_challenge_method: Option<String>, base_url: Option<String>, timeout: Option<f64>, http_referer: Option<String>, app_title: Option<String>, app_categories: Option<Vec<String>>) -> ApiKey;
    run wait / future: |this, py| {
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        this.exchange_fut(py, code, code_verifier, code_challenge_method, call)
    };

    /// Finish a started flow: check `response` (the callback URL, its path + query such as Flask's
    /// `request.full_path`, its query string, or a pasted code) belongs to `request`, then exchange. A flow
    /// `start_auth` made is finished at its own base URL unless `base_url` names another; one read back from
    /// storage (dict, JSON, sealed) at `base_url` or the client's, which it must name. `request` is the
    /// `AuthRequest`, its `to_dict()`, or the string `AuthRequest.seal()` made (then pass the `secrets` it
    /// was sealed with).
    fn complete_auth / complete_auth_async (request, response, *, secrets = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None)
    (request: &Bound<'_, PyAny>, response: String, secrets: Option<&Bound<'_, PyAny>>, base_url: Option<String>, timeout: Option<f64>, http_referer: Option<String>, app_title: Option<String>, app_categories: Option<Vec<String>>) -> ApiKey;
    run wait / future: |this, py| {
        let call = call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories });
        this.complete_auth_fut(py, request, secrets, response, call)
    };

    /// Details of a key (`GET /api/v1/key`): a `str`, or an `ApiKey` (asked of the server it came from
    /// unless `base_url` names another).
    fn key_info / key_info_async (key, *, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None)
    (key: &Bound<'_, PyAny>, base_url: Option<String>, timeout: Option<f64>, http_referer: Option<String>, app_title: Option<String>, app_categories: Option<Vec<String>>) -> KeyInfo;
    run wait / future: |this, py| {
        let _ = py;
        this.key_info_fut(key, call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories }))
    };

    /// Create an authorization code with `key` (`POST /api/v1/auth/keys/code`): the way to mint a key that
    /// expires (`expires_at`, a timezone-aware datetime) or whose limit resets (`usage_limit_type`:
    /// `"daily"`, `"weekly"`, `"monthly"`). Exchange `code.id` as a callback's code. Sent at most once.
    fn create_auth_code / create_auth_code_async (key, *, callback_url, code_challenge = None, code_challenge_method = None, expires_at = None, key_label = None, limit = None, usage_limit_type = None, workspace_id = None, base_url = None, timeout = None, http_referer = None, app_title = None, app_categories = None)
    (key: &Bound<'_, PyAny>, callback_url: String, code_challenge: Option<String>, code_challenge_method: Option<String>, expires_at: Option<&Bound<'_, PyAny>>, key_label: Option<String>, limit: Option<f64>, usage_limit_type: Option<String>, workspace_id: Option<String>, base_url: Option<String>, timeout: Option<f64>, http_referer: Option<String>, app_title: Option<String>, app_categories: Option<Vec<String>>) -> AuthCode;
    run wait / future: |this, py| {
        let options = auth_code_options(
            py, callback_url, code_challenge, code_challenge_method, expires_at, key_label, limit, usage_limit_type, workspace_id,
        )?;
        this.auth_code_fut(key, options, call_options(base_url, timeout, Attribution { http_referer, app_title, app_categories }))
    };

    /// The whole login in one call: open a loopback port (or go headless), show the URL and open the
    /// browser, wait for the approval (or a pasted code), exchange, optionally save; returns the key.
    /// Ctrl-C / a Jupyter interrupt (or cancelling the awaitable) raises CANCELLED with the port closed.
    fn login / login_async (*, mode = None, host = None, port = None, open_browser = None, timeout = None, key_label = None, limit = None, save = None, force = None, base_url = None, http_referer = None, app_title = None, app_categories = None, profile = None, storage = None)
    (mode: Option<String>, host: Option<String>, port: Option<i64>, open_browser: Option<bool>, timeout: Option<f64>, key_label: Option<String>, limit: Option<f64>, save: Option<bool>, force: Option<bool>, base_url: Option<String>, http_referer: Option<String>, app_title: Option<String>, app_categories: Option<Vec<String>>, profile: Option<String>, storage: Option<String>) -> ApiKey;
    run run_login / run_login_async: |this, py| {
        let _ = py;
        let attribution = Attribution { http_referer, app_title, app_categories };
        let store = core::store::StoreOptions { profile, storage };
        let args = LoginArgs { mode, host, port, open_browser, timeout, key_label, limit, save, force, base_url, attribution, store };
        PyResult::Ok((this.inner.clone(), args))
    };
}
