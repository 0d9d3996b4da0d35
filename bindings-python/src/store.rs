//! Key storage: `load_key`, `save_key` and the native half of `logout` (the core's `store`).

use openrouter_pkce as core;
use pyo3::prelude::*;

use crate::api_key::{ApiKey, key_arg};
use crate::error::IntoPyResult;

fn options(profile: Option<String>, storage: Option<String>) -> core::StoreOptions {
    core::StoreOptions { profile, storage }
}

/// The key to use: `OPENROUTER_API_KEY` when set, else the profile's stored key, else None; an `ApiKey`
/// whose `source` says which.
#[pyfunction]
#[pyo3(signature = (*, profile = None, storage = None))]
fn load_key(py: Python<'_>, profile: Option<String>, storage: Option<String>) -> PyResult<Option<ApiKey>> {
    let options = options(profile, storage);
    py.detach(move || core::store::load_key_with(&options)).map(|k| k.map(|inner| ApiKey { inner })).py(py)
}

/// Store a key (a `str` or an `ApiKey`) for the profile, in its key file atomically (0600 in a 0700
/// directory) or in the OS keyring; returns where.
#[pyfunction]
#[pyo3(signature = (key, *, profile = None, storage = None))]
fn save_key(
    py: Python<'_>,
    key: &Bound<'_, PyAny>,
    profile: Option<String>,
    storage: Option<String>,
) -> PyResult<String> {
    let key = key_arg(key)?;
    let options = options(profile, storage);
    py.detach(move || core::store::save_key_with(&key, &options)).py(py)
}

/// Delete the profile's stored key; returns the core's text for the user (what was deleted and where to
/// revoke it, or that nothing was stored). `openrouter_pkce.logout()` prints it on stderr.
#[pyfunction]
#[pyo3(signature = (*, profile = None, storage = None))]
fn _logout(py: Python<'_>, profile: Option<String>, storage: Option<String>) -> PyResult<String> {
    let options = options(profile, storage);
    py.detach(move || -> core::Result<_> {
        let store = core::Store::open(&options)?;
        let location = store.location();
        let removed = store.logout()?;
        Ok(core::store::logout_message(removed.as_ref(), &location))
    })
    .py(py)
}

/// The profile's key file path (whether or not it exists).
#[pyfunction]
#[pyo3(signature = (*, profile = None))]
fn key_path(py: Python<'_>, profile: Option<String>) -> PyResult<String> {
    core::store::key_path_with(&options(profile, None)).map(|p| p.display().to_string()).py(py)
}

/// Register this file's functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load_key, m)?)?;
    m.add_function(wrap_pyfunction!(save_key, m)?)?;
    m.add_function(wrap_pyfunction!(_logout, m)?)?;
    m.add_function(wrap_pyfunction!(key_path, m)?)?;
    Ok(())
}
