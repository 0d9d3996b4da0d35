//! Core errors out as the Python exception classes of `openrouter_pkce.errors`.
//!
//! The classes are defined once, in Python; here they are looked up by code (the mapping is cached).

use openrouter_pkce::Error;
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

static ERRORS_BY_CODE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
static ERROR_CAUSE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn errors_by_code(py: Python<'_>) -> PyResult<&Bound<'_, PyDict>> {
    ERRORS_BY_CODE.import(py, "openrouter_pkce.errors", "ERRORS_BY_CODE")
}

/// The Python exception for a core error: the class of its code, its message, `status`, and the core's
/// source chain as `__cause__`.
pub fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    match build(py, err) {
        Ok(e) => e,
        Err(e) => e,
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let cls = errors_by_code(py)?.get_item(err.code())?.ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("unknown error code {}", err.code()))
    })?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("status", err.status())?;
    let exc = cls.call((err.to_string(),), Some(&kwargs))?;
    if let Some(oauth_error) = err.oauth_error() {
        exc.setattr("oauth_error", oauth_error)?;
        exc.setattr("error_description", err.error_description())?;
    }
    let pyerr = PyErr::from_value(exc);
    let mut chain = Vec::new();
    let mut src = std::error::Error::source(err);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    if !chain.is_empty() {
        let cause_cls = ERROR_CAUSE.import(py, "openrouter_pkce.errors", "ErrorCause")?;
        pyerr.set_cause(py, Some(PyErr::from_value(cause_cls.call1((chain.join(": "),))?)));
    }
    Ok(pyerr)
}

/// Extension to turn `openrouter_pkce::Result` into `PyResult` with `?`.
pub trait IntoPyResult<T> {
    /// Convert the error, if any.
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, &e))
    }
}

/// A pending signal error becomes the CANCELLED error when it is a KeyboardInterrupt (Ctrl-C, a Jupyter
/// interrupt): one error, not chained to the KeyboardInterrupt, that ends an uncaught script as Ctrl-C does
/// (`openrouter_pkce._interrupt`). Anything else a signal handler raised passes through unchanged.
pub fn interrupted(py: Python<'_>, signal_err: PyErr) -> PyErr {
    if signal_err.is_instance_of::<PyKeyboardInterrupt>(py) {
        let cancelled = to_py_err(py, &Error::Cancelled { detail: "interrupted (Ctrl-C)".into() });
        let value = cancelled.value(py).clone().into_any();
        match py.import("openrouter_pkce._interrupt").and_then(|m| m.call_method1("interrupted", (value,))) {
            Ok(_) => cancelled,
            Err(e) => e,
        }
    } else {
        signal_err
    }
}

/// The core's `INVALID_ARGUMENT` for an argument Python could not hand over: `kind` is `"text"` (a lone
/// surrogate in a str), `"range"` (an integer too large) or `"type"` (a value of another type; `expected`
/// says which, in Python's words). The Python layer raises it in place of the bare `UnicodeEncodeError` /
/// `OverflowError` / `TypeError` of the argument conversion, naming the parameter.
#[pyfunction]
#[pyo3(signature = (name, kind, expected = None))]
pub fn _argument_error(py: Python<'_>, name: &str, kind: &str, expected: Option<&str>) -> PyErr {
    let err = match (kind, expected) {
        ("text", _) => Error::invalid_text(name),
        ("type", Some(expected)) => Error::wrong_type(name, expected),
        _ => Error::out_of_range(name),
    };
    to_py_err(py, &err)
}
