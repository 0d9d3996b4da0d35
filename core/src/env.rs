//! The environment variables the library reads, as the running program sees them.
//!
//! Normally that is the process environment. A binding whose runtime keeps its own copy — Bun does not pass
//! `process.env` changes made at run time on to native code — hands over the current values of
//! [`RUNTIME_VARS`] with [`set_runtime_values`] before each call, and those win.

use std::ffi::OsString;
use std::sync::RwLock;

/// The variables a program may set at run time that change what the library does: the key, the config
/// directory (and what it is derived from), the profile and storage, the base URL and the browser.
pub const RUNTIME_VARS: &[&str] = &[
    crate::store::ENV_KEY,
    crate::store::ENV_CONFIG_DIR,
    crate::store::ENV_PROFILE,
    crate::store::ENV_STORAGE,
    crate::urls::ENV_BASE_URL,
    "HOME",
    "XDG_CONFIG_HOME",
    "APPDATA",
    crate::browser::ENV_BROWSER,
];

static RUNTIME_VALUES: RwLock<Option<Vec<Option<OsString>>>> = RwLock::new(None);

/// The runtime's current values of [`RUNTIME_VARS`], in that order (`None`: unset). Ignored unless there is
/// exactly one value per variable.
pub fn set_runtime_values(values: Vec<Option<String>>) {
    if values.len() != RUNTIME_VARS.len() {
        return;
    }
    let values = values.into_iter().map(|v| v.map(OsString::from)).collect();
    *RUNTIME_VALUES.write().unwrap_or_else(|p| p.into_inner()) = Some(values);
}

/// A variable's value: the runtime's, when handed over, else the process environment's.
pub fn var_os(name: &str) -> Option<OsString> {
    if let Some(i) = RUNTIME_VARS.iter().position(|v| *v == name)
        && let Some(values) = RUNTIME_VALUES.read().unwrap_or_else(|p| p.into_inner()).as_ref()
    {
        return values[i].clone();
    }
    std::env::var_os(name)
}

/// [`var_os`] as text, like [`std::env::var`].
pub fn var(name: &str) -> Result<String, std::env::VarError> {
    match var_os(name) {
        None => Err(std::env::VarError::NotPresent),
        Some(v) => v.into_string().map_err(std::env::VarError::NotUnicode),
    }
}
