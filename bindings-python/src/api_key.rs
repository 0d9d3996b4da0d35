//! `ApiKey` (a secret that prints masked) and `KeyInfo`.

use openrouter_pkce as core;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::to_py_err;

/// A user-controlled OpenRouter API key.
///
/// `repr` and `str` show only the masked form (`sk-or-v1-ab…9f3e`); the full secret is reachable only
/// through the explicit `.key` attribute.
#[pyclass(module = "openrouter_pkce._native", name = "ApiKey", frozen)]
pub struct ApiKey {
    pub inner: core::ApiKey,
}

#[pymethods]
impl ApiKey {
    /// Wrap an existing key (e.g. one loaded from the environment) to get its masked form and links.
    #[new]
    #[pyo3(signature = (key, user_id = None))]
    fn new(key: String, user_id: Option<String>) -> Self {
        ApiKey { inner: core::ApiKey::new(key, user_id) }
    }
    /// The full secret key: send it as `Authorization: Bearer <key>`; never log it.
    #[getter]
    fn key(&self) -> &str {
        self.inner.key()
    }
    /// The OpenRouter user id, when the exchange returned one.
    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.inner.user_id()
    }
    /// Where `load_key()` found the key: `"env"`, `"file"` or `"keyring"`; `None` for a key not loaded.
    #[getter]
    fn source(&self) -> Option<&'static str> {
        self.inner.source().map(core::KeySource::as_str)
    }
    /// The key with its middle hidden, safe to print.
    #[getter]
    fn masked(&self) -> String {
        self.inner.masked()
    }
    /// The key's settings page on OpenRouter (where its owner can revoke it).
    #[getter]
    fn settings_url(&self) -> String {
        self.inner.settings_url()
    }
    /// The key's request logs on OpenRouter.
    #[getter]
    fn logs_url(&self) -> String {
        self.inner.logs_url()
    }
    fn __repr__(&self) -> String {
        match self.inner.user_id() {
            Some(u) => format!("ApiKey({:?}, user_id={u:?})", self.inner.masked()),
            None => format!("ApiKey({:?})", self.inner.masked()),
        }
    }
    fn __str__(&self) -> String {
        self.inner.masked()
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<ApiKey>().map(|o| o.get().inner == self.inner).unwrap_or(false)
    }
    fn __hash__(&self) -> isize {
        // From the key's SHA-256, not the key itself.
        u64::from_str_radix(&self.inner.hash_hex()[..16], 16).unwrap_or(0) as isize
    }
    /// Jupyter: the masked key and a link to its settings page.
    fn _repr_html_(&self) -> String {
        let masked: String = self.inner.masked().chars().filter(|c| !"<>&\"'".contains(*c)).collect();
        format!(
            "<code>{masked}</code> (<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">settings</a>)",
            self.inner.settings_url()
        )
    }
    /// Keys are not picklable: a pickle would carry the secret in the clear.
    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err("ApiKey is not picklable; pass ApiKey.key explicitly"))
    }
}

/// A key given as `ApiKey` or `str`.
pub(crate) fn key_arg(key: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(k) = key.cast::<ApiKey>() {
        return Ok(k.get().inner.key().to_owned());
    }
    key_text(key)
}

/// A `key` given as a `str`: its text, or the core's `INVALID_ARGUMENT` naming `key` (never the value).
fn key_text(key: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = key.py();
    let s = key.cast::<PyString>().map_err(|_| to_py_err(py, &core::Error::wrong_type("key", KEY_TYPE)))?;
    Ok(crate::arguments::text_arg(py, s, "key")?.into_owned())
}

const KEY_TYPE: &str = "a str or an ApiKey";

/// A `key` argument as the core's key: an `ApiKey` keeps the base URL it came from, a `str` has none.
pub(crate) fn api_key_arg(key: &Bound<'_, PyAny>) -> PyResult<core::ApiKey> {
    if let Ok(k) = key.cast::<ApiKey>() {
        return Ok(k.get().inner.clone());
    }
    Ok(core::ApiKey::new(key_text(key)?, None))
}

/// Details of a key (`GET /api/v1/key`). Absent values are `None`.
#[pyclass(module = "openrouter_pkce._native", name = "KeyInfo", frozen, eq)]
#[derive(PartialEq)]
pub struct KeyInfo {
    pub inner: core::KeyInfo,
}

#[pymethods]
impl KeyInfo {
    /// The key's label.
    #[getter]
    fn label(&self) -> Option<&str> {
        self.inner.label.as_deref()
    }
    /// Credit limit, `None` for unlimited.
    #[getter]
    fn limit(&self) -> Option<f64> {
        self.inner.limit
    }
    /// Credits left under the limit.
    #[getter]
    fn limit_remaining(&self) -> Option<f64> {
        self.inner.limit_remaining
    }
    /// When the limit resets (`daily`, `weekly`, `monthly`), if it does.
    #[getter]
    fn limit_reset(&self) -> Option<&str> {
        self.inner.limit_reset.as_deref()
    }
    /// Credits used, all time.
    #[getter]
    fn usage(&self) -> Option<f64> {
        self.inner.usage
    }
    /// Credits used today (UTC).
    #[getter]
    fn usage_daily(&self) -> Option<f64> {
        self.inner.usage_daily
    }
    /// Credits used this week (UTC).
    #[getter]
    fn usage_weekly(&self) -> Option<f64> {
        self.inner.usage_weekly
    }
    /// Credits used this month (UTC).
    #[getter]
    fn usage_monthly(&self) -> Option<f64> {
        self.inner.usage_monthly
    }
    /// Whether the user has only used the free tier.
    #[getter]
    fn is_free_tier(&self) -> Option<bool> {
        self.inner.is_free_tier
    }
    /// Expiry (ISO 8601), if the key expires.
    #[getter]
    fn expires_at(&self) -> Option<&str> {
        self.inner.expires_at.as_deref()
    }
    /// The user who created the key.
    #[getter]
    fn creator_user_id(&self) -> Option<&str> {
        self.inner.creator_user_id.as_deref()
    }
    /// Credits spent through the user's own provider keys (BYOK), all time.
    #[getter]
    fn byok_usage(&self) -> Option<f64> {
        self.inner.byok_usage
    }
    /// BYOK credits spent today (UTC).
    #[getter]
    fn byok_usage_daily(&self) -> Option<f64> {
        self.inner.byok_usage_daily
    }
    /// BYOK credits spent this week (UTC).
    #[getter]
    fn byok_usage_weekly(&self) -> Option<f64> {
        self.inner.byok_usage_weekly
    }
    /// BYOK credits spent this month (UTC).
    #[getter]
    fn byok_usage_monthly(&self) -> Option<f64> {
        self.inner.byok_usage_monthly
    }
    /// Whether BYOK spend counts against `limit`.
    #[getter]
    fn include_byok_in_limit(&self) -> Option<bool> {
        self.inner.include_byok_in_limit
    }
    /// Whether this is a management key (it can create and delete other keys).
    #[getter]
    fn is_management_key(&self) -> Option<bool> {
        self.inner.is_management_key
    }
    /// Deprecated name of `is_management_key`.
    #[getter]
    fn is_provisioning_key(&self) -> Option<bool> {
        self.inner.is_provisioning_key
    }
    /// The organization that owns the key, if any.
    #[getter]
    fn organization_id(&self) -> Option<&str> {
        self.inner.organization_id.as_deref()
    }
    /// The workspace the key belongs to, if any.
    #[getter]
    fn workspace_id(&self) -> Option<&str> {
        self.inner.workspace_id.as_deref()
    }
    /// The data regions requests with this key may be served from (`global`, `europe`, `us`).
    #[getter]
    fn allowed_data_regions(&self) -> Option<Vec<String>> {
        self.inner.allowed_data_regions.clone()
    }
    /// The daily allowance of free-model requests: a dict with `limit`, `remaining`, `used`.
    #[getter]
    fn free_model_daily_requests<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.field(py, "free_model_daily_requests")
    }
    /// Deprecated by OpenRouter and safe to ignore: a dict with `requests`, `interval`, `note`.
    #[getter]
    fn rate_limit<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.field(py, "rate_limit")
    }
    /// Credits spent in the current limit window, `limit - limit_remaining` (`usage` is lifetime spend);
    /// `None` without a limit.
    #[getter]
    fn limit_used(&self) -> Option<f64> {
        self.inner.limit_used()
    }
    /// Every field as a plain dict (the names and values of `GET /api/v1/key`'s `data`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?.call_method1("loads", (self.inner.to_json(),))
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_else(|| "None".into());
        format!(
            "KeyInfo(label={}, limit={}, limit_remaining={}, usage={}, is_free_tier={}, expires_at={})",
            i.label.as_ref().map(|l| format!("{l:?}")).unwrap_or_else(|| "None".into()),
            f(i.limit),
            f(i.limit_remaining),
            f(i.usage),
            i.is_free_tier.map(|b| if b { "True" } else { "False" }).unwrap_or("None"),
            i.expires_at.as_ref().map(|l| format!("{l:?}")).unwrap_or_else(|| "None".into()),
        )
    }
}

/// Register this file's classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ApiKey>()?;
    m.add_class::<KeyInfo>()?;
    Ok(())
}

impl KeyInfo {
    /// One field of [`KeyInfo::to_dict`] (`None` when absent).
    fn field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let value = self.to_dict(py)?.get_item(name)?;
        Ok(if value.is_none() { None } else { Some(value) })
    }
}
