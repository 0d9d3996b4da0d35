//! Step 1: `auth_url`, `start_auth` and `AuthRequest`.

use openrouter_pkce::{self as core, ChallengeMethod};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use crate::error::{IntoPyResult, to_py_err};

/// One started flow: the URL to send the user to, and what is needed to finish it.
///
/// Keep it between the redirect and the callback (`to_dict()` / `to_json()` for a web session).
/// `repr` never shows the verifier; in Jupyter it renders as a "Connect OpenRouter" link.
#[pyclass(module = "openrouter_pkce._native", name = "AuthRequest", frozen, eq)]
#[derive(PartialEq)]
pub struct AuthRequest {
    pub inner: core::AuthRequest,
}

static HTML_LINK: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn opt_str(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<String>> {
    match d.get_item(key)? {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => Ok(Some(v.extract()?)),
    }
}

fn missing(py: Python<'_>, key: &str) -> PyErr {
    crate::error::to_py_err(
        py,
        &core::Error::InvalidArgument { reason: format!("not a serialised AuthRequest: missing {key:?}") },
    )
}

fn req_str(py: Python<'_>, d: &Bound<'_, PyDict>, key: &str) -> PyResult<String> {
    opt_str(d, key)?.ok_or_else(|| missing(py, key))
}

#[pymethods]
impl AuthRequest {
    /// The URL to send the user to.
    #[getter]
    fn url(&self) -> &str {
        self.inner.url()
    }
    /// The callback URL, `None` in headless mode.
    #[getter]
    fn callback_url(&self) -> Option<&str> {
        self.inner.callback_url()
    }
    /// The secret verifier, needed for the exchange. Never log it.
    #[getter]
    fn code_verifier(&self) -> &str {
        self.inner.code_verifier().secret()
    }
    /// The challenge carried by the URL.
    #[getter]
    fn code_challenge(&self) -> &str {
        self.inner.code_challenge()
    }
    /// `"S256"` or `"plain"`.
    #[getter]
    fn code_challenge_method(&self) -> &'static str {
        self.inner.code_challenge_method().as_str()
    }
    /// The flow's unguessable nonce/state.
    #[getter]
    fn state(&self) -> &str {
        self.inner.state()
    }
    /// Unix time (seconds) the flow started.
    #[getter]
    fn created_at(&self) -> u64 {
        self.inner.created_at()
    }
    /// The base URL the flow runs against; the exchange goes there too.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// A plain dict (JSON-compatible) of every field, verifier included: keep it server-side only.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("url", self.inner.url())?;
        d.set_item("callback_url", self.inner.callback_url())?;
        d.set_item("code_verifier", self.inner.code_verifier().secret())?;
        d.set_item("code_challenge", self.inner.code_challenge())?;
        d.set_item("code_challenge_method", self.inner.code_challenge_method().as_str())?;
        d.set_item("state", self.inner.state())?;
        d.set_item("created_at", self.inner.created_at())?;
        d.set_item("base_url", self.inner.base_url())?;
        Ok(d)
    }

    /// Rebuild from `to_dict()`'s output; tampered or inconsistent data raises `InvalidArgumentError`.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<AuthRequest> {
        let d = d
            .cast::<PyDict>()
            .map_err(|_| to_py_err(py, &core::Error::wrong_type("d", "a dict (what to_dict() made)")))?;
        let created_at: u64 = match d.get_item("created_at")? {
            Some(v) if !v.is_none() => v.extract()?,
            // Required, as in `from_json`: no binding-side default.
            _ => return Err(missing(py, "created_at")),
        };
        let inner = core::AuthRequest::from_parts(
            req_str(py, d, "url")?,
            opt_str(d, "callback_url")?,
            req_str(py, d, "code_verifier")?,
            req_str(py, d, "code_challenge")?,
            &req_str(py, d, "code_challenge_method")?,
            req_str(py, d, "state")?,
            created_at,
            opt_str(d, "base_url")?,
        )
        .py(py)?;
        Ok(AuthRequest { inner })
    }

    /// JSON of `to_dict()` (verifier included: keep it server-side only).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Rebuild from `to_json()`'s output; tampered or inconsistent data raises `InvalidArgumentError`.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, py: Python<'_>, json: &str) -> PyResult<AuthRequest> {
        Ok(AuthRequest { inner: core::AuthRequest::from_json(json).py(py)? })
    }

    /// Seal this flow with the first of ``secrets`` (each at least 32 bytes, ``str`` or ``bytes``, or a
    /// list of them) into an opaque, expiring (10 minutes), cookie- and URL-safe string (JWE ``dir`` +
    /// ``A256GCM``) that ``AuthRequest.unseal`` opens, here or in Node.
    fn seal(&self, py: Python<'_>, secrets: &Bound<'_, PyAny>) -> PyResult<String> {
        self.inner.seal(&crate::arguments::secrets_arg(py, Some(secrets))?).py(py)
    }

    /// Open a flow sealed by ``seal()`` (in Python or Node) with any of ``secrets``. ``max_age`` (seconds)
    /// refuses older flows; ``None`` means 600, which is also the most. Raises ``SealedFlowExpiredError``
    /// or ``SealedFlowInvalidError``.
    #[classmethod]
    #[pyo3(signature = (sealed, secrets, *, max_age = None))]
    fn unseal(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        sealed: &str,
        secrets: &Bound<'_, PyAny>,
        max_age: Option<f64>,
    ) -> PyResult<AuthRequest> {
        let max_age = max_age.map(crate::runtime::duration_arg).unwrap_or(core::DEFAULT_SEAL_MAX_AGE);
        let keys = crate::arguments::secrets_arg(py, Some(secrets))?;
        Ok(AuthRequest { inner: core::AuthRequest::unseal(sealed, &keys, max_age).py(py)? })
    }

    fn __repr__(&self) -> String {
        format!(
            "AuthRequest(url={:?}, callback_url={}, code_verifier='<redacted>', code_challenge_method='{}', created_at={})",
            self.inner.url_for_display(),
            self.inner.callback_url().map(|c| format!("{c:?}")).unwrap_or_else(|| "None".into()),
            self.inner.code_challenge_method().as_str(),
            self.inner.created_at()
        )
    }

    /// Jupyter: a clickable "Connect OpenRouter" link (href escaped).
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let f = HTML_LINK.import(py, "openrouter_pkce._display", "auth_link_html")?;
        f.call1((self.inner.url_for_display(),))?.extract()
    }
}

fn method_arg(py: Python<'_>, method: Option<&str>) -> PyResult<ChallengeMethod> {
    method.map_or(Ok(ChallengeMethod::default()), ChallengeMethod::parse).py(py)
}

/// The authorization URL for step 1 (`callback_url=None`: headless mode).
#[pyfunction]
#[pyo3(signature = (callback_url = None, *, code_challenge = None, code_challenge_method = None, key_label = None, limit = None, state = None, base_url = None))]
#[allow(clippy::too_many_arguments)]
fn auth_url(
    py: Python<'_>,
    callback_url: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<&str>,
    key_label: Option<String>,
    limit: Option<f64>,
    state: Option<String>,
    base_url: Option<String>,
) -> PyResult<String> {
    let opts = core::AuthUrlOptions {
        callback_url,
        code_challenge,
        code_challenge_method: method_arg(py, code_challenge_method)?,
        key_label,
        limit,
        state,
        base_url,
    };
    core::auth_url(&opts).py(py)
}

/// Start a flow: fresh PKCE pair and state, and the URL carrying them.
#[pyfunction]
#[pyo3(signature = (callback_url = None, *, method = None, key_label = None, limit = None, base_url = None))]
fn start_auth(
    py: Python<'_>,
    callback_url: Option<String>,
    method: Option<&str>,
    key_label: Option<String>,
    limit: Option<f64>,
    base_url: Option<String>,
) -> PyResult<AuthRequest> {
    let opts =
        core::StartAuthOptions { callback_url, method: method_arg(py, method)?, key_label, limit, base_url };
    Ok(AuthRequest { inner: core::start_auth(&opts).py(py)? })
}

/// An `AuthRequest` argument, or the dict `to_dict()` made.
pub fn auth_request_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<core::AuthRequest> {
    if let Ok(r) = obj.cast::<AuthRequest>() {
        return Ok(r.get().inner.clone());
    }
    if obj.is_instance_of::<PyDict>() {
        let cls = py.get_type::<AuthRequest>();
        return Ok(AuthRequest::from_dict(&cls, py, obj)?.inner);
    }
    Err(to_py_err(
        py,
        &core::Error::wrong_type(
            "request",
            "an AuthRequest, the dict to_dict() made, its to_json() text or a sealed string",
        ),
    ))
}

/// Register this file's classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<AuthRequest>()?;
    m.add_function(wrap_pyfunction!(auth_url, m)?)?;
    m.add_function(wrap_pyfunction!(start_auth, m)?)?;
    Ok(())
}
