//! Python bindings for openrouter-pkce: the native module `openrouter_pkce._native`.
//!
//! Translation only: arguments in, a core call, results and errors out. The exception classes, `__all__`,
//! the emulator context manager and the Jupyter helpers live in the pure-Python package beside this crate.

mod api_key;
mod arguments;
mod auth_code;
mod auth_url;
mod cli;
mod client;
mod contract;
mod emulator;
mod error;
mod login;
mod pkce;
mod runtime;
mod seal;
mod store;

use pyo3::prelude::*;

/// The native half of `openrouter_pkce`; import the package, not this module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", openrouter_pkce::VERSION)?;
    // The longest pasted line looked at; one character more is read, so the core refuses an overlong line.
    m.add("_MAX_PASTED_LINE", openrouter_pkce::MAX_RESPONSE_LEN)?;
    pkce::register(m)?;
    auth_url::register(m)?;
    api_key::register(m)?;
    auth_code::register(m)?;
    client::register(m)?;
    runtime::register(m)?;
    emulator::register(m)?;
    login::register(m)?;
    store::register(m)?;
    cli::register(m)?;
    m.add_function(wrap_pyfunction!(error::_argument_error, m)?)?;
    contract::register(m)?;
    Ok(())
}
