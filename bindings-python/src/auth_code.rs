//! `create_auth_code`'s arguments and its answer, `AuthCode`.

use openrouter_pkce::{self as core, AuthCodeOptions, ChallengeMethod, UsageLimitType};
use pyo3::prelude::*;

use crate::error::{IntoPyResult, to_py_err};

/// A created authorization code: `id` is the code to exchange (`exchange_code(code.id, verifier)`), a
/// single-use secret until then — `repr` does not show it.
#[pyclass(module = "openrouter_pkce._native", name = "AuthCode", frozen)]
pub struct AuthCode {
    pub inner: core::AuthCode,
}

#[pymethods]
impl AuthCode {
    /// The code, to exchange like a callback's `code`.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id.secret()
    }
    /// The app the code belongs to.
    #[getter]
    fn app_id(&self) -> Option<i64> {
        self.inner.app_id
    }
    /// When it was created (ISO 8601).
    #[getter]
    fn created_at(&self) -> Option<&str> {
        self.inner.created_at.as_deref()
    }
    fn __repr__(&self) -> String {
        format!(
            "AuthCode(id=<redacted>, app_id={:?}, created_at={:?})",
            self.inner.app_id, self.inner.created_at
        )
    }
}

/// `expires_at` as Unix seconds: a timezone-aware `datetime` (a naive one is ambiguous: refused).
fn unix_seconds(py: Python<'_>, at: &Bound<'_, PyAny>) -> PyResult<f64> {
    let aware = at.hasattr("tzinfo")? && at.hasattr("utcoffset")? && !at.call_method0("utcoffset")?.is_none();
    if !aware {
        return Err(to_py_err(
            py,
            &core::Error::wrong_type(
                "expires_at",
                "a timezone-aware datetime (e.g. datetime.now(timezone.utc) + timedelta(days=7))",
            ),
        ));
    }
    at.call_method0("timestamp")?.extract()
}

/// The core's options from `create_auth_code`'s keyword arguments.
#[allow(clippy::too_many_arguments)]
pub fn auth_code_options(
    py: Python<'_>,
    callback_url: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    expires_at: Option<&Bound<'_, PyAny>>,
    key_label: Option<String>,
    limit: Option<f64>,
    usage_limit_type: Option<String>,
    workspace_id: Option<String>,
) -> PyResult<AuthCodeOptions> {
    Ok(AuthCodeOptions {
        callback_url,
        code_challenge,
        code_challenge_method: code_challenge_method
            .map_or(Ok(ChallengeMethod::default()), |m| ChallengeMethod::parse(&m))
            .py(py)?,
        expires_at: expires_at.filter(|a| !a.is_none()).map(|a| unix_seconds(py, a)).transpose()?,
        key_label,
        limit,
        usage_limit_type: usage_limit_type.map(|t| UsageLimitType::parse(&t)).transpose().py(py)?,
        workspace_id,
    })
}

/// Register this file's class.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<AuthCode>()
}
