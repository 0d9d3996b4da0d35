//! JavaScript arguments as the core's values, refused the way the napi binding refuses them: an options bag
//! with a key its function does not know (the core's `contract::OPTION_KEYS`), text with a lone surrogate,
//! an integer of 2⁶³ or more, a value of the wrong type — each the core's `INVALID_ARGUMENT` naming the
//! parameter as JavaScript spells it.

use js_sys::{Array, JsString, Object, Reflect, Uint8Array};
use openrouter_pkce::contract::{self, INTEGER_ARGUMENT_LIMIT};
use openrouter_pkce::{Error as CoreError, SealSecrets};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::error::{IntoJs, to_js, to_js_verbatim, wrong_type};

/// Text from JavaScript, refused when it holds a lone surrogate (it would reach the core altered).
pub(crate) fn text(value: &JsValue, name: &str) -> Result<String, JsValue> {
    match value.dyn_ref::<JsString>() {
        Some(s) if !s.is_valid_utf16() => Err(to_js(CoreError::invalid_text(name))),
        Some(s) => Ok(String::from(s)),
        None => Err(wrong_type(name, "a string")),
    }
}

/// Optional text: `undefined` and `null` are absent.
pub(crate) fn opt_text(value: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() { Ok(None) } else { text(value, name).map(Some) }
}

/// An optional number, refused past the core's integer limit (JavaScript would have rounded it already).
pub(crate) fn opt_number(value: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if value.is_bigint() {
        // A bigint is out of range when it is (its digits tell, whatever its size), else not a number.
        let digits = value.clone().unchecked_into::<js_sys::BigInt>().to_string(10).map(String::from);
        let magnitude = digits.ok().and_then(|d| d.trim_start_matches('-').parse::<u128>().ok());
        if magnitude.is_none_or(|m| m >= u128::from(INTEGER_ARGUMENT_LIMIT)) {
            return Err(to_js(CoreError::out_of_range(name)));
        }
        return Err(wrong_type(name, "a number"));
    }
    match value.as_f64() {
        Some(n) if n.abs() >= INTEGER_ARGUMENT_LIMIT as f64 => Err(to_js(CoreError::out_of_range(name))),
        Some(n) => Ok(Some(n)),
        None => Err(wrong_type(name, "a number")),
    }
}

/// An options object of `function` whose keys are checked against the bag `kind` (the core's table).
pub(crate) struct Opts(Option<Object>);

impl Opts {
    /// `value` (absent: no options), refused when it is not an object or has a key the bag does not know.
    pub(crate) fn new(value: &JsValue, function: &str, kind: &str) -> Result<Opts, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(Opts(None));
        }
        if !value.is_object() || Array::is_array(value) || value.is_function() {
            return Err(to_js(contract::options_not_an_object(function)));
        }
        let object: Object = value.clone().unchecked_into();
        let keys: Vec<String> = Object::keys(&object).iter().filter_map(|k| k.as_string()).collect();
        contract::check_option_keys(function, kind, keys.iter().map(String::as_str))
            .map_err(to_js_verbatim)?;
        Ok(Opts(Some(object)))
    }

    /// The value of `key` (`undefined` when absent).
    pub(crate) fn get(&self, key: &str) -> JsValue {
        match &self.0 {
            Some(o) => Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED),
            None => JsValue::UNDEFINED,
        }
    }

    /// Optional text under `key`.
    pub(crate) fn text(&self, key: &str) -> Result<Option<String>, JsValue> {
        opt_text(&self.get(key), key)
    }

    /// An optional number under `key`.
    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>, JsValue> {
        opt_number(&self.get(key), key)
    }

    /// An optional array of strings under `key`.
    pub(crate) fn texts(&self, key: &str) -> Result<Option<Vec<String>>, JsValue> {
        let value = self.get(key);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        if !Array::is_array(&value) {
            return Err(wrong_type(key, "an array of strings"));
        }
        let array: Array = value.unchecked_into();
        array.iter().map(|item| text(&item, key)).collect::<Result<Vec<_>, _>>().map(Some)
    }
}

/// A duration in milliseconds from JavaScript; out-of-range values become zero, which the core refuses with
/// its own message.
pub(crate) fn millis(ms: f64) -> std::time::Duration {
    if ms.is_finite() && ms > 0.0 {
        std::time::Duration::from_secs_f64(ms.min(1e15) / 1000.0)
    } else {
        std::time::Duration::ZERO
    }
}

/// One secret or a list of them (strings as their UTF-8 bytes, or `Uint8Array`s) as the core's key set:
/// the first seals, any opens.
pub(crate) fn secrets(value: &JsValue) -> Result<SealSecrets, JsValue> {
    let list: Vec<JsValue> = if Array::is_array(value) {
        value.clone().unchecked_into::<Array>().iter().collect()
    } else if value.is_undefined() || value.is_null() {
        Vec::new()
    } else {
        vec![value.clone()]
    };
    let mut bytes = Vec::with_capacity(list.len());
    for item in &list {
        if let Some(s) = item.dyn_ref::<JsString>() {
            bytes.push(text(s, "secrets")?.into_bytes());
        } else if let Some(b) = item.dyn_ref::<Uint8Array>() {
            bytes.push(b.to_vec());
        } else {
            return Err(wrong_type("secrets", "a string, a Uint8Array or an array of them"));
        }
    }
    SealSecrets::new(bytes.iter()).js()
}
