//! Key storage: `load_key`, `save_key` and the native half of `logout` (the core's `store`).

use openrouter_pkce as core;
use pyo3::prelude::*;

use crate::api_key::key_arg;
use crate::error::IntoPyResult;

/// The key to use: `OPENROUTER_API_KEY` when set, else the stored key, else None.
#[pyfunction]
fn load_key(py: Python<'_>) -> PyResult<Option<String>> {
    py.detach(core::store::load_key).py(py)
}

/// Store a key (a `str` or an `ApiKey`) in the key file atomically (0600 in a 0700 directory); returns
/// the file's path.
#[pyfunction]
fn save_key(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<String> {
    let key = key_arg(key)?;
    py.detach(move || core::store::save_key(&key)).map(|p| p.display().to_string()).py(py)
}

/// Delete the stored key; returns the core's text for the user (what was deleted and where to revoke it,
/// or that nothing was stored). `openrouter_pkce.logout()` prints it on stderr.
#[pyfunction]
fn _logout(py: Python<'_>) -> PyResult<String> {
    py.detach(|| -> core::Result<_> {
        let path = core::store::key_path()?.display().to_string();
        let removed = core::store::logout()?;
        Ok(core::store::logout_message(removed.as_ref(), &path))
    })
    .py(py)
}

/// The key file's path (whether or not it exists).
#[pyfunction]
fn key_path(py: Python<'_>) -> PyResult<String> {
    core::store::key_path().map(|p| p.display().to_string()).py(py)
}

/// Register this file's functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load_key, m)?)?;
    m.add_function(wrap_pyfunction!(save_key, m)?)?;
    m.add_function(wrap_pyfunction!(_logout, m)?)?;
    m.add_function(wrap_pyfunction!(key_path, m)?)?;
    Ok(())
}
