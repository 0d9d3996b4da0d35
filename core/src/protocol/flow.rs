//! Where a flow is finished: the rule of docs/security.md, "Stored flows", decided before the exchange is
//! built.

use crate::auth_url::AuthRequest;
use crate::error::{Error, Result};
use crate::exchange::check_flow_age;
use crate::urls::normalize_base_url;

/// The base URL at which `request` is finished, at `now` (Unix seconds):
///
/// - a flow [`crate::start_auth`] made in this process: `call_base_url`, else the flow's own;
/// - a flow read back from storage (JSON, a dict / object, a sealed token): `call_base_url`, else
///   `client_base_url` — never the one written in the flow, which must be the same (`INVALID_ARGUMENT`
///   otherwise), and only within [`crate::STORED_FLOW_MAX_AGE`] of its `created_at` (`SEALED_FLOW_EXPIRED`
///   otherwise).
pub fn flow_base_url(
    request: &AuthRequest,
    call_base_url: Option<&str>,
    client_base_url: &str,
    now: u64,
) -> Result<String> {
    if !request.is_stored() {
        return Ok(call_base_url.unwrap_or_else(|| request.base_url()).to_owned());
    }
    let target = match call_base_url {
        Some(base) => normalize_base_url(base)?,
        None => client_base_url.to_owned(),
    };
    if target != request.base_url() {
        return Err(Error::invalid_argument(format!(
            "this flow was started against {}, but is being finished against {target}: a flow read back \
             from storage never chooses the host, so pass the same base URL as when it started",
            request.base_url()
        )));
    }
    check_flow_age(request.created_at(), now)?;
    Ok(target)
}
