//! The core's contract (`openrouter_pkce::contract`) for the pure-Python half and the drift tests: the
//! error-code table, the public API names and the user-facing sentences, read from the core, never copied.

use openrouter_pkce::contract;
use pyo3::prelude::*;

/// Every error code as `(code, family, exit_code)`, in the contract's order.
#[pyfunction]
fn _error_table() -> Vec<(&'static str, &'static str, i32)> {
    contract::error_table().into_iter().map(|r| (r.code, r.class, r.exit_code)).collect()
}

/// The public API as `(snake_case name, kind)`; kind is `"function"`, `"network"` (has an `_async` twin),
/// `"class"` or `"record"` (a class in Python).
#[pyfunction]
fn _public_api() -> Vec<(&'static str, &'static str)> {
    contract::PUBLIC_API.iter().map(|(name, kind)| (*name, kind.as_str())).collect()
}

/// The heading shown above the authorization URL.
#[pyfunction]
fn _url_heading(headless: bool, notebook: bool) -> &'static str {
    contract::url_heading(headless, notebook)
}

/// OpenRouter's app categories, in the core's order (the `AppCategory` literal's drift test reads it).
#[pyfunction]
fn _app_categories() -> Vec<&'static str> {
    openrouter_pkce::APP_CATEGORIES.to_vec()
}

/// Register this file's functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_app_categories, m)?)?;
    m.add_function(wrap_pyfunction!(_error_table, m)?)?;
    m.add_function(wrap_pyfunction!(_public_api, m)?)?;
    m.add_function(wrap_pyfunction!(_url_heading, m)?)?;
    // The smallest integer magnitude no parameter of the core holds (2**63): `_arguments.py` names it.
    m.add("_INT_LIMIT", contract::INTEGER_ARGUMENT_LIMIT)?;
    Ok(())
}
