//! The core's contract (`openrouter_pkce::contract`) for the JS layer and the drift tests: the error-code
//! table and the public API names, read from the core, never copied.

use napi_derive::napi;
use openrouter_pkce::contract;

/// One row of the core's error-code table.
#[napi(object)]
pub struct ErrorRow {
    /// The stable code, e.g. `"INVALID_CODE"`.
    pub code: String,
    /// Its family: `input`, `http`, `network`, `timeout`, `authorization`, `cancelled` or `storage`.
    pub class: String,
    /// The CLI's exit code for it.
    pub exit_code: i32,
}

/// One public API name of the core (snake_case; Node spells it in camelCase).
#[napi(object)]
pub struct ApiName {
    /// The snake_case name, e.g. `"key_info"`.
    pub name: String,
    /// `"function"`, `"network"` (a Promise in Node), `"class"` or `"record"` (a plain object in Node).
    pub kind: String,
}

/// Internal: the core's error-code table, in the contract's order.
#[napi(js_name = "_errorTable")]
pub fn error_table() -> Vec<ErrorRow> {
    contract::error_table()
        .into_iter()
        .map(|r| ErrorRow { code: r.code.to_owned(), class: r.class.to_owned(), exit_code: r.exit_code })
        .collect()
}

/// Internal: the core's public API names.
#[napi(js_name = "_publicApi")]
pub fn public_api() -> Vec<ApiName> {
    contract::PUBLIC_API
        .iter()
        .map(|(name, kind)| ApiName { name: (*name).to_owned(), kind: kind.as_str().to_owned() })
        .collect()
}

/// Internal: the keys each options bag accepts, the core's `contract::OPTION_KEYS` as rows
/// `[bag, ...keys]` (the WebAssembly build checks its options with the same table).
#[napi(js_name = "_optionKeys")]
pub fn option_keys() -> Vec<Vec<&'static str>> {
    contract::OPTION_KEYS
        .iter()
        .map(|(kind, keys)| std::iter::once(*kind).chain(keys.iter().copied()).collect())
        .collect()
}

/// Internal: the environment variables the JS layer hands to the core before each call (the core's
/// `env::RUNTIME_VARS`), since Bun does not pass `process.env` changes made at run time to native code.
#[napi(js_name = "_runtimeEnvNames")]
pub fn runtime_env_names() -> Vec<&'static str> {
    openrouter_pkce::env::RUNTIME_VARS.to_vec()
}

/// Internal: the current `process.env` values of `_runtimeEnvNames()`, in that order (`null`: unset).
#[napi(js_name = "_setRuntimeEnv")]
pub fn set_runtime_env(values: Vec<Option<String>>) {
    openrouter_pkce::env::set_runtime_values(values);
}

/// Internal: the longest pasted line the core looks at (`openrouter_pkce::MAX_RESPONSE_LEN`); the JS layer's
/// stdin reader cuts a line one byte after it.
#[napi(js_name = "_maxPastedLine")]
pub fn max_pasted_line() -> u32 {
    openrouter_pkce::MAX_RESPONSE_LEN as u32
}

/// Internal: OpenRouter's app categories, in the core's order (the `AppCategory` type's drift test reads it).
#[napi(js_name = "_appCategories")]
pub fn app_categories() -> Vec<&'static str> {
    openrouter_pkce::APP_CATEGORIES.to_vec()
}

/// Internal: the smallest integer magnitude no parameter of the core holds (2⁶³, exact as a double); the JS
/// layer refuses such numbers and bigints by name before napi would round or wrap them.
#[napi(js_name = "_intLimit")]
pub fn int_limit() -> f64 {
    contract::INTEGER_ARGUMENT_LIMIT as f64
}
