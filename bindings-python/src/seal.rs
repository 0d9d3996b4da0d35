//! Sealed flows: the secrets argument, and a flow given as an `AuthRequest`, its dict, or its sealed string.

use openrouter_pkce::{self as core, SealSecrets};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

use crate::auth_url::auth_request_arg;
use crate::error::IntoPyResult;

fn one_secret(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Some(b.to_vec()));
    }
    Ok(None)
}

const SECRETS_TYPE: &str = "secrets must be a str or bytes, or a list of them";

/// The core's key set from `secrets`: one `str`/`bytes` or a list/tuple of them; `None` is an empty list,
/// which the core refuses with its own message.
pub fn secrets_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<SealSecrets> {
    let mut list = Vec::new();
    if let Some(obj) = obj.filter(|o| !o.is_none()) {
        if let Some(one) = one_secret(obj)? {
            list.push(one);
        } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            for item in obj.try_iter()? {
                list.push(one_secret(&item?)?.ok_or_else(|| PyTypeError::new_err(SECRETS_TYPE))?);
            }
        } else {
            return Err(PyTypeError::new_err(SECRETS_TYPE));
        }
    }
    let keys = SealSecrets::new(&list).py(py);
    for s in &mut list {
        s.fill(0);
    }
    keys
}

/// A flow to finish: an `AuthRequest`, the dict `to_dict()` made, or the string `seal()` made (opened
/// with `secrets`, refused after the core's default maximum age).
pub fn flow_arg(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    secrets: Option<&Bound<'_, PyAny>>,
) -> PyResult<core::AuthRequest> {
    if let Ok(text) = request.cast::<PyString>() {
        // The core tells the JSON session form from a sealed string.
        let keys = match secrets.filter(|s| !s.is_none()) {
            Some(s) => Some(secrets_arg(py, Some(s))?),
            None => None,
        };
        return core::AuthRequest::from_stored(&text.to_cow()?, keys.as_ref()).py(py);
    }
    auth_request_arg(py, request)
}
