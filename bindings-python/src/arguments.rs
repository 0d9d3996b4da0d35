//! Python values the core takes as text or as seal keys: `text_arg` (a `str` that may hold a lone
//! surrogate) and `secrets_arg` (one secret or a list of them). Below `auth_url`, `api_key` and `seal`,
//! which all take them (no converter depends on another's file).

use std::borrow::Cow;

use openrouter_pkce::{self as core, SealSecrets};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

use crate::error::{IntoPyResult, to_py_err};

/// A `str` argument as text: one with a lone surrogate (not UTF-8) is the core's `INVALID_ARGUMENT` naming
/// `name`, never a bare `UnicodeEncodeError` (whose repr would hold the text, perhaps a secret).
pub fn text_arg<'a>(py: Python<'_>, s: &'a Bound<'_, PyString>, name: &str) -> PyResult<Cow<'a, str>> {
    s.to_cow().map_err(|_| to_py_err(py, &core::Error::invalid_text(name)))
}

fn one_secret(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(text_arg(py, s, "secrets")?.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Some(b.to_vec()));
    }
    Ok(None)
}

const SECRETS_TYPE: &str = "a str or bytes, or a list of them";

fn wrong_secrets(py: Python<'_>) -> PyErr {
    to_py_err(py, &core::Error::wrong_type("secrets", SECRETS_TYPE))
}

/// The core's key set from `secrets`: one `str`/`bytes` or a list/tuple of them; `None` is an empty list,
/// which the core refuses with its own message.
pub fn secrets_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<SealSecrets> {
    let mut list = Vec::new();
    if let Some(obj) = obj.filter(|o| !o.is_none()) {
        if let Some(one) = one_secret(py, obj)? {
            list.push(one);
        } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            for item in obj.try_iter()? {
                list.push(one_secret(py, &item?)?.ok_or_else(|| wrong_secrets(py))?);
            }
        } else {
            return Err(wrong_secrets(py));
        }
    }
    let keys = SealSecrets::new(&list).py(py);
    for s in &mut list {
        s.fill(0);
    }
    keys
}
