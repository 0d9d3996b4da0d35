//! The callback query (`code=…&state=…` or `error=…&error_description=…`): the one parser, below both the
//! loopback receiver ([`crate::callback`]) and the reading of pasted answers ([`crate::extract_code`]),
//! which depend on it and never on each other.

use std::fmt;

/// What the one valid callback carried.
///
/// `Debug` hides the authorization code and the raw query.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    /// The authorization code (a secret until exchanged).
    pub code: Option<String>,
    /// The `state` parameter, when the authorization server relayed one.
    pub state: Option<String>,
    /// The OAuth `error` (e.g. `access_denied`), when the user declined.
    pub error: Option<String>,
    /// `error_description`, when given.
    pub error_description: Option<String>,
    /// The raw query string of the callback (it holds the code: never log it).
    pub query: String,
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackParams")
            .field("code", &self.code.as_ref().map(|_| "<redacted>"))
            .field("state", &self.state)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("query", &"<redacted>")
            .finish()
    }
}

/// Parse a callback query string (`code=…&state=…` or `error=…&error_description=…`).
///
/// The first occurrence of each parameter wins; unknown parameters are ignored.
#[cfg_attr(not(feature = "net"), allow(dead_code))] // the callback server's (feature `net`)
pub fn parse_callback_query(query: &str) -> CallbackParams {
    // A lenient parse never refuses.
    parse(query, false).unwrap_or_default()
}

/// Like [`parse_callback_query`], but a query that repeats `code`, `state`, `error` or `error_description`
/// is refused with that parameter's name: a genuine redirect never repeats one, and picking one of two
/// codes would be a guess. The loopback receiver and [`crate::extract_code`] both read queries this way.
pub(crate) fn parse_callback_query_strict(query: &str) -> Result<CallbackParams, &'static str> {
    parse(query, true)
}

fn parse(query: &str, strict: bool) -> Result<CallbackParams, &'static str> {
    let mut params = CallbackParams { query: query.to_owned(), ..CallbackParams::default() };
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let (name, slot) = match name.as_ref() {
            "code" => ("code", &mut params.code),
            "state" => ("state", &mut params.state),
            "error" => ("error", &mut params.error),
            "error_description" => ("error_description", &mut params.error_description),
            _ => continue,
        };
        match slot {
            None => *slot = Some(value.into_owned()),
            Some(_) if strict => return Err(name),
            Some(_) => {}
        }
    }
    Ok(params)
}
