//! What the bindings must publish the same way: the error-code table, the names of the public API, and the
//! sentences shown to users. The Python and Node packages read these from the core (never copy them), and
//! their drift tests compare their exports, stubs and type declarations against [`error_table`] and
//! [`PUBLIC_API`].

use crate::api_key::ApiKey;
use crate::error::{ErrorClass, ErrorCode};

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
    ("login", ApiKind::Network),
    ("load_key", ApiKind::Function),
    ("save_key", ApiKind::Function),
    ("logout", ApiKind::Function),
    ("key_path", ApiKind::Function),
    ("Pkce", ApiKind::Class),
    ("AuthRequest", ApiKind::Class),
    ("ApiKey", ApiKind::Class),
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

/// What `logout` tells the user: the key it deleted (masked) and where to revoke it, or that there was none;
/// plus a note when `OPENROUTER_API_KEY` is still set (it is not touched).
pub fn logout_message(removed: Option<&ApiKey>, path: &str) -> String {
    let mut text = match removed {
        Some(key) => format!(
            "Deleted the stored key {} ({path}).\nIt still works until you revoke it: {}",
            key.masked(),
            key.settings_url()
        ),
        None => format!("No stored key to delete ({path})."),
    };
    if crate::env::var_os(crate::store::ENV_KEY).is_some_and(|v| !v.to_string_lossy().trim().is_empty()) {
        text.push_str(&format!("\nNote: {} is still set in your environment.", crate::store::ENV_KEY));
    }
    text
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
        let key = ApiKey::new("sk-or-v1-".to_owned() + &"a".repeat(64), None);
        let text = logout_message(Some(&key), "/tmp/k");
        assert!(text.contains(key.masked().as_str()) && text.contains(key.settings_url().as_str()));
        assert!(!text.contains(key.key()));
        assert!(logout_message(None, "/tmp/k").starts_with("No stored key to delete (/tmp/k)."));
    }
}
