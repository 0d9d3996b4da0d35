//! PKCE primitives: `create_verifier`, `create_challenge`, `verify_challenge`, `generate_pkce`, `Pkce`.

use openrouter_pkce::pkce as core;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::IntoPyResult;

/// A length from Python: negative or huge values become one the core refuses with its own error.
pub fn length_arg(length: i64) -> usize {
    usize::try_from(length).unwrap_or(0)
}

/// A verifier, its challenge and the method (`generate_pkce()`'s result). Immutable.
#[pyclass(module = "openrouter_pkce._native", name = "Pkce", frozen)]
pub struct Pkce {
    /// The secret verifier; keep it until the exchange, never log it.
    #[pyo3(get)]
    code_verifier: Py<PyString>,
    /// The challenge sent in the authorization URL.
    #[pyo3(get)]
    code_challenge: Py<PyString>,
    method: core::ChallengeMethod,
}

#[pymethods]
impl Pkce {
    /// The method that made the challenge: `"S256"` or `"plain"`.
    #[getter]
    fn code_challenge_method(&self) -> &'static str {
        self.method.as_str()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        // With `plain` the challenge is the verifier itself, so it is hidden too.
        let challenge = match self.method {
            core::ChallengeMethod::S256 => self.code_challenge.bind(py).to_cow()?.into_owned(),
            core::ChallengeMethod::Plain => "<redacted>".to_owned(),
        };
        Ok(format!(
            "Pkce(code_verifier='<redacted>', code_challenge='{challenge}', code_challenge_method='{}')",
            self.method.as_str()
        ))
    }
}

/// The verifier length, the core's default when not given.
fn length_or_default(length: Option<i64>) -> usize {
    length.map_or(openrouter_pkce::pkce::DEFAULT_VERIFIER_LEN, length_arg)
}

/// The challenge method, the core's default when not given.
fn method_or_default(method: Option<&str>) -> &str {
    method.unwrap_or(core::ChallengeMethod::default().as_str())
}

/// A new random code verifier of `length` characters (43–128; 43 = 32 CSPRNG bytes).
#[pyfunction]
#[pyo3(signature = (length = None))]
fn create_verifier(py: Python<'_>, length: Option<i64>) -> PyResult<String> {
    core::create_verifier(length_or_default(length)).py(py)
}

/// The challenge of `code_verifier` with `method` (`"S256"` or `"plain"`).
#[pyfunction]
#[pyo3(signature = (code_verifier, method = None))]
fn create_challenge(py: Python<'_>, code_verifier: &str, method: Option<&str>) -> PyResult<String> {
    core::create_challenge(code_verifier, method_or_default(method)).py(py)
}

/// Whether `code_challenge` is the challenge of `code_verifier` (constant-time comparison).
#[pyfunction]
#[pyo3(signature = (code_verifier, code_challenge, method = None))]
fn verify_challenge(
    py: Python<'_>,
    code_verifier: &str,
    code_challenge: &str,
    method: Option<&str>,
) -> PyResult<bool> {
    core::verify_challenge(code_verifier, code_challenge, method_or_default(method)).py(py)
}

/// A fresh verifier and its challenge in one call.
#[pyfunction]
#[pyo3(signature = (length = None, method = None))]
fn generate_pkce(
    py: Python<'_>,
    length: Option<i64>,
    method: Option<&Bound<'_, PyString>>,
) -> PyResult<Pkce> {
    let length = length_or_default(length);
    // `"S256"` written in Python source is an interned string, so the common call is recognised by
    // identity without decoding (which costs an allocation under the abi3-py39 API).
    let default_method = match method {
        None => true,
        Some(m) => m.is(intern!(py, "S256")),
    };
    if length == openrouter_pkce::pkce::DEFAULT_VERIFIER_LEN && default_method {
        // The common case without intermediate Strings: the core fills two stack buffers.
        let mut verifier = [0u8; 43];
        let mut challenge = [0u8; 43];
        core::generate_default_into(&mut verifier, &mut challenge);
        let v = std::str::from_utf8(&verifier).expect("base64url is ASCII");
        let c = std::str::from_utf8(&challenge).expect("base64url is ASCII");
        return Ok(Pkce {
            code_verifier: PyString::new(py, v).unbind(),
            code_challenge: PyString::new(py, c).unbind(),
            method: core::ChallengeMethod::S256,
        });
    }
    let method = match method {
        Some(m) => m.to_cow()?.into_owned(),
        None => method_or_default(None).to_owned(),
    };
    let p = core::generate_pkce(length, &method).py(py)?;
    Ok(Pkce {
        code_verifier: PyString::new(py, p.code_verifier.secret()).unbind(),
        code_challenge: PyString::new(py, &p.code_challenge).unbind(),
        method: p.code_challenge_method,
    })
}

/// Register this file's classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pkce>()?;
    m.add_function(wrap_pyfunction!(create_verifier, m)?)?;
    m.add_function(wrap_pyfunction!(create_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(verify_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(generate_pkce, m)?)?;
    Ok(())
}
