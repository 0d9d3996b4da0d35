//! What the bindings must publish the same way: the error-code table, the names of the public API, and the
//! sentences shown to users. Pure: nothing here reads the environment or touches a file. The Python and Node packages read these from the core (never copy them), and
//! their drift tests compare their exports, stubs and type declarations against [`error_table`] and
//! [`PUBLIC_API`].

use crate::error::{Error, ErrorClass, ErrorCode};

/// One row of the error-code table, as the bindings and their drift tests see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRow {
    /// The stable code, e.g. `"INVALID_CODE"`.
    pub code: &'static str,
    /// The family (`"input"`, `"http"`, `"network"`, `"timeout"`, `"authorization"`, `"cancelled"`,
    /// `"storage"`), which decides the Python base class and the CLI exit code.
    pub class: &'static str,
    /// The CLI's exit code for this error.
    pub exit_code: i32,
}

/// Every error code with its family and exit code, in the contract's order.
pub fn error_table() -> Vec<ErrorRow> {
    ErrorCode::ALL
        .into_iter()
        .map(|c| ErrorRow { code: c.as_str(), class: c.class().as_str(), exit_code: c.class().exit_code() })
        .collect()
}

/// What kind of public item a name is, which decides how each binding spells and exports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKind {
    /// A function without I/O (same name in every binding; camelCase in Node).
    Function,
    /// A function that does I/O: Python has it plus a `<name>_async` twin, Node returns a Promise.
    Network,
    /// A class.
    Class,
    /// A read-only record of values: a class in Python, a plain object typed by an interface in Node.
    Record,
}

impl ApiKind {
    /// `"function"`, `"network"`, `"class"` or `"record"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiKind::Function => "function",
            ApiKind::Network => "network",
            ApiKind::Class => "class",
            ApiKind::Record => "record",
        }
    }
}

/// The public API every binding exports, by its snake_case name (Node spells it in camelCase). The test
/// doubles (`Emulator`) live in Python's `openrouter_pkce.testing` and Node's main module.
pub const PUBLIC_API: &[(&str, ApiKind)] = &[
    ("create_verifier", ApiKind::Function),
    ("create_challenge", ApiKind::Function),
    ("verify_challenge", ApiKind::Function),
    ("generate_pkce", ApiKind::Function),
    ("auth_url", ApiKind::Function),
    ("start_auth", ApiKind::Function),
    ("exchange_code", ApiKind::Network),
    ("complete_auth", ApiKind::Network),
    ("key_info", ApiKind::Network),
    ("create_auth_code", ApiKind::Network),
    ("login", ApiKind::Network),
    ("load_key", ApiKind::Function),
    ("save_key", ApiKind::Function),
    ("logout", ApiKind::Function),
    ("key_path", ApiKind::Function),
    ("Pkce", ApiKind::Class),
    ("AuthRequest", ApiKind::Class),
    ("ApiKey", ApiKind::Class),
    ("AuthCode", ApiKind::Class),
    ("KeyInfo", ApiKind::Record),
    ("Client", ApiKind::Class),
    ("Emulator", ApiKind::Class),
];

/// The heading shown above the authorization URL. `headless`: the user pastes the code OpenRouter shows
/// afterwards; `notebook`: the URL is a clickable link in a cell (so the paste box is "below").
pub const fn url_heading(headless: bool, notebook: bool) -> &'static str {
    match (headless, notebook) {
        (true, false) => "Open this URL in any browser, approve, then paste the code it shows:",
        (true, true) => "Open this link, approve, then paste the code it shows below:",
        (false, false) => "Open this URL to connect your OpenRouter account:",
        (false, true) => "Open this link to connect your OpenRouter account:",
    }
}

/// Whose words a message is shown in: the core writes its messages with the Python (snake_case) names of
/// the parameters, and each binding shows them in its own ([`in_dialect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Python's keyword arguments, as the core writes them.
    Python,
    /// JavaScript's option keys (camelCase; durations in milliseconds).
    JavaScript,
    /// The command line's flags.
    Cli,
}

/// Each parameter name a message may hold, as Python, JavaScript and the command line spell it (`None`: the
/// command line has no such flag, and keeps the library's name).
pub const PARAMETER_NAMES: &[(&str, &str, Option<&str>)] = &[
    ("callback_url", "callbackUrl", None),
    ("base_url", "baseUrl", Some("--base-url")),
    ("key_label", "keyLabel", Some("--label")),
    ("code_verifier", "codeVerifier", None),
    ("code_challenge", "codeChallenge", None),
    ("code_challenge_method", "codeChallengeMethod", None),
    ("created_at", "createdAt", None),
    ("max_age", "maxAgeMs", None),
    ("timeout", "timeoutMs", Some("--timeout")),
    ("user_agent", "userAgent", None),
    ("open_browser", "openBrowser", Some("--no-browser")),
    ("http_referer", "httpReferer", Some("--app-url")),
    ("app_title", "appTitle", Some("--app-title")),
    ("app_categories", "appCategories", Some("--app-category")),
    ("expires_at", "expiresAt", None),
    ("usage_limit_type", "usageLimitType", None),
    ("workspace_id", "workspaceId", None),
    ("port=0", "port: 0", Some("--port 0")),
];

/// `message` (written with the Python names) with every parameter name of [`PARAMETER_NAMES`] spelled as
/// `dialect` spells it. Only whole names change (`timeout` in `timeouts` stays).
pub fn in_dialect(message: &str, dialect: Dialect) -> String {
    let spelled = |python: &'static str| -> Option<&'static str> {
        let (_, js, cli) = PARAMETER_NAMES.iter().find(|(p, _, _)| *p == python)?;
        match dialect {
            Dialect::Python => None,
            Dialect::JavaScript => Some(js),
            Dialect::Cli => *cli,
        }
    };
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '=';
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..].find(|c| !is_word(c)).unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        match PARAMETER_NAMES.iter().find(|(p, _, _)| *p == word).and_then(|(p, _, _)| spelled(p)) {
            Some(other) => out.push_str(other),
            None => out.push_str(word),
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

/// The smallest integer magnitude no parameter of the core holds (2⁶³): the bindings refuse such a number
/// with [`Error::out_of_range`] before their converters fail bare (pyo3) or round it (JavaScript numbers).
pub const INTEGER_ARGUMENT_LIMIT: u64 = 1 << 63;

/// The keys each JavaScript options object accepts, by the bag's name (several functions share one: `call`
/// is `keyInfo`'s, `complete` `completeAuth`'s, `client` `new Client`'s). A binding whose converter would
/// ignore an unknown key silently refuses it with [`unknown_option`] against this list; the Node and the
/// WebAssembly bindings both read it from here. JavaScript-only keys a binding takes off before the check
/// (an `AbortSignal`'s `signal` outside `login`, the WebAssembly `Client`'s `fetch`) are not listed.
pub const OPTION_KEYS: &[(&str, &[&str])] = &[
    (
        "authUrl",
        &["callbackUrl", "codeChallenge", "codeChallengeMethod", "keyLabel", "limit", "state", "baseUrl"],
    ),
    ("startAuth", &["callbackUrl", "method", "keyLabel", "limit", "baseUrl"]),
    (
        "exchangeCode",
        &[
            "code",
            "codeVerifier",
            "codeChallengeMethod",
            "baseUrl",
            "timeoutMs",
            "httpReferer",
            "appTitle",
            "appCategories",
        ],
    ),
    ("call", &["baseUrl", "timeoutMs", "httpReferer", "appTitle", "appCategories"]),
    ("complete", &["baseUrl", "timeoutMs", "httpReferer", "appTitle", "appCategories", "secrets"]),
    ("client", &["baseUrl", "timeoutMs", "userAgent", "httpReferer", "appTitle", "appCategories"]),
    (
        "createAuthCode",
        &[
            "callbackUrl",
            "codeChallenge",
            "codeChallengeMethod",
            "expiresAt",
            "keyLabel",
            "limit",
            "usageLimitType",
            "workspaceId",
            "baseUrl",
            "timeoutMs",
            "httpReferer",
            "appTitle",
            "appCategories",
        ],
    ),
    (
        "login",
        &[
            "mode",
            "host",
            "port",
            "openBrowser",
            "timeoutMs",
            "keyLabel",
            "limit",
            "save",
            "force",
            "baseUrl",
            "httpReferer",
            "appTitle",
            "appCategories",
            "profile",
            "storage",
            "signal",
            "onUrl",
        ],
    ),
    ("store", &["profile", "storage"]),
    ("keyPath", &["profile"]),
    ("generatePkce", &["length", "method"]),
    ("unseal", &["maxAgeMs"]),
    ("emulator", &["autoApprove", "relayState", "codeTtlMs", "port"]),
    ("fault", &["endpoint", "kind", "status", "body", "contentType", "delayMs", "location", "bytes"]),
    ("issueCode", &["codeChallenge", "method", "keyLabel", "limit"]),
    ("createKey", &["label", "limit"]),
    ("lifecycle", &[]),
];

/// The keys the options bag `kind` accepts ([`OPTION_KEYS`]); `None` for a bag of no such name.
pub fn option_keys(kind: &str) -> Option<&'static [&'static str]> {
    OPTION_KEYS.iter().find(|(k, _)| *k == kind).map(|(_, keys)| *keys)
}

/// Check an options object's keys against the bag `kind` ([`OPTION_KEYS`]): the first unknown one is
/// [`unknown_option`] of `function`.
pub fn check_option_keys<'a>(
    function: &str,
    kind: &str,
    keys: impl IntoIterator<Item = &'a str>,
) -> Result<(), Error> {
    let known = option_keys(kind).unwrap_or(&[]);
    match keys.into_iter().find(|key| !known.contains(key)) {
        Some(key) => Err(unknown_option(function, key, known)),
        None => Ok(()),
    }
}

/// `INVALID_ARGUMENT` for an options argument that is not an options object (`function` as the binding
/// spells it, e.g. `authUrl`).
pub fn options_not_an_object(function: &str) -> Error {
    Error::InvalidArgument { reason: format!("`options` of {function}() must be an object") }
}

/// `INVALID_ARGUMENT` for an option `function` does not know (a binding that would ignore it silently
/// refuses it instead, so `{timeout: 5000}` never means the default deadline): names the key and the one it
/// most likely meant ([`suggest_option`]), or lists the `known` ones.
pub fn unknown_option(function: &str, key: &str, known: &[&str]) -> Error {
    let fix = match suggest_option(key, known) {
        Some(hint) => format!("did you mean `{hint}`?"),
        None => format!("known options: {}", known.join(", ")),
    };
    Error::InvalidArgument { reason: format!("{function}() has no option `{key}`; {fix}") }
}

/// The known option a mistyped `key` most likely meant: the one that is the same once case, `_` and a unit
/// suffix `Ms` / `_ms` are set aside (`key_label` → `keyLabel`, `timeout` → `timeoutMs`).
pub fn suggest_option<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars().filter(|c| *c != '_') {
            push_lowercase(&mut out, c);
        }
        let s = out;
        s.strip_suffix("ms").map(str::to_owned).unwrap_or(s)
    };
    let wanted = fold(key);
    known.iter().copied().find(|k| *k != key && fold(k) == wanted)
}

/// `c` lowercased (Unicode's full mapping). In the WebAssembly build a non-ASCII character goes through
/// JavaScript's `toLowerCase` (the same mapping), as Rust's case tables would cost the .wasm ~12 KB.
fn push_lowercase(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    out.push_str(&String::from(js_sys::JsString::from(c).to_lower_case()));
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    out.extend(c.to_lowercase());
}

impl ErrorClass {
    /// The family's name in [`error_table`].
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Input => "input",
            ErrorClass::Http => "http",
            ErrorClass::Network => "network",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Authorization => "authorization",
            ErrorClass::Cancelled => "cancelled",
            ErrorClass::Storage => "storage",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_each_dialect() {
        let m = "invalid callback_url: bad; base_url and timeout (not timeouts); pass port=0";
        assert_eq!(in_dialect(m, Dialect::Python), m);
        assert_eq!(
            in_dialect(m, Dialect::JavaScript),
            "invalid callbackUrl: bad; baseUrl and timeoutMs (not timeouts); pass port: 0"
        );
        assert_eq!(
            in_dialect(m, Dialect::Cli),
            "invalid callback_url: bad; --base-url and --timeout (not timeouts); pass --port 0"
        );
        assert_eq!(in_dialect("`key_label` is longer", Dialect::Cli), "`--label` is longer");
    }

    #[test]
    fn unknown_options_name_the_likely_one() {
        let known = ["keyLabel", "timeoutMs", "limit"];
        assert_eq!(suggest_option("key_label", &known), Some("keyLabel"));
        assert_eq!(suggest_option("timeout", &known), Some("timeoutMs"));
        assert_eq!(suggest_option("timeout_ms", &known), Some("timeoutMs"));
        assert_eq!(suggest_option("limits", &known), None);
        let text = unknown_option("login", "timeout", &known).to_string();
        assert_eq!(text, "invalid argument: login() has no option `timeout`; did you mean `timeoutMs`?");
        let text = unknown_option("login", "x", &known).to_string();
        assert!(text.ends_with("known options: keyLabel, timeoutMs, limit"), "{text}");
        assert!(
            options_not_an_object("authUrl").to_string().contains("`options` of authUrl() must be an object")
        );
    }

    #[test]
    fn option_bags_are_checked_by_the_one_table() {
        let kinds: std::collections::HashSet<_> = OPTION_KEYS.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds.len(), OPTION_KEYS.len());
        for (kind, keys) in OPTION_KEYS {
            let unique: std::collections::HashSet<_> = keys.iter().collect();
            assert_eq!(unique.len(), keys.len(), "{kind}");
            assert!(check_option_keys("f", kind, keys.iter().copied()).is_ok(), "{kind}");
        }
        assert_eq!(
            option_keys("call"),
            Some(&["baseUrl", "timeoutMs", "httpReferer", "appTitle", "appCategories"][..])
        );
        assert_eq!(option_keys("nope"), None);
        let e = check_option_keys("exchangeCode", "exchangeCode", ["code", "timeout"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid argument: exchangeCode() has no option `timeout`; did you mean `timeoutMs`?"
        );
        assert!(check_option_keys("lifecycle", "lifecycle", ["x"]).is_err());
    }

    #[test]
    fn the_table_has_every_code_once() {
        let table = error_table();
        assert_eq!(table.len(), ErrorCode::ALL.len());
        let codes: std::collections::HashSet<_> = table.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), table.len());
        let port = table.iter().find(|r| r.code == "PORT_IN_USE").unwrap();
        assert_eq!((port.class, port.exit_code), ("network", 4));
    }

    #[test]
    fn api_names_are_unique() {
        let names: std::collections::HashSet<_> = PUBLIC_API.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), PUBLIC_API.len());
    }

    #[test]
    fn logout_message_names_the_revocation_page() {
        use crate::ApiKey;
        use crate::store::logout_message;
        let key = ApiKey::new("sk-or-v1-".to_owned() + &"a".repeat(64), None);
        let text = logout_message(Some(&key), "/tmp/k");
        assert!(text.contains(key.masked().as_str()) && text.contains(key.settings_url().as_str()));
        assert!(!text.contains(key.key()));
        assert!(logout_message(None, "/tmp/k").starts_with("No stored key to delete (/tmp/k)."));
    }
}
