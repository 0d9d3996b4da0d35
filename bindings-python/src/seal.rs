//! A flow to finish, given as an `AuthRequest`, its dict or JSON text, or its sealed string.

use openrouter_pkce::{self as core, FlowInput};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::arguments::{secrets_arg, text_arg};
use crate::auth_url::{AuthRequest, auth_request_arg};
use crate::error::IntoPyResult;

/// A flow to finish: an `AuthRequest`, the dict `to_dict()` made, its JSON text, or the string `seal()`
/// made — by the core's rule ([`core::AuthRequest::open_flow`]): with `secrets`, only the sealed string.
pub fn flow_arg(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    secrets: Option<&Bound<'_, PyAny>>,
) -> PyResult<core::AuthRequest> {
    let keys = match secrets.filter(|s| !s.is_none()) {
        Some(s) => Some(secrets_arg(py, Some(s))?),
        None => None,
    };
    let text;
    let held;
    let input = if let Ok(s) = request.cast::<PyString>() {
        text = text_arg(py, s, "request")?;
        FlowInput::Text(&text)
    } else if let Ok(r) = request.cast::<AuthRequest>() {
        held = r.get().inner.clone();
        FlowInput::Request(&held)
    } else {
        FlowInput::Mapping
    };
    match core::AuthRequest::open_flow(input, keys.as_ref()).py(py)? {
        Some(flow) => Ok(flow),
        None => auth_request_arg(py, request),
    }
}
