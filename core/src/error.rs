//! One error type for the whole library, with the contract's stable error codes.
//!
//! Every variant maps to exactly one code string (`Error::code`), shared verbatim by the Python and Node
//! bindings. Messages are written by this crate, never copied from a server body or a user's secret, so
//! they can be logged safely: a key, verifier or authorization code never appears in a message.

use std::fmt;
use std::time::Duration;

/// The stable, language-independent error codes of the public contract.
///
/// `as_str()` gives the exact string exposed as `err.code` in Python and Node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The code verifier has the wrong length or characters.
    InvalidVerifier,
    /// The challenge method is not exactly `S256` or `plain`.
    InvalidMethod,
    /// The callback URL was refused.
    InvalidCallbackUrl,
    /// Any other bad argument.
    InvalidArgument,
    /// The exchange answered 400 (method differs between step 1 and 2).
    InvalidCodeChallengeMethod,
    /// The exchange answered 403 "Invalid code or code_verifier".
    InvalidCode,
    /// The exchange answered 403 "Authorization code expired".
    CodeExpired,
    /// The exchange answered 405.
    MethodNotAllowed,
    /// Key info answered 401.
    Unauthorized,
    /// 429.
    RateLimited,
    /// 5xx.
    ServerError,
    /// Any other HTTP status.
    UnexpectedStatus,
    /// A body that is not the documented JSON.
    MalformedResponse,
    /// DNS, connect or TLS failure.
    Network,
    /// The HTTP deadline passed.
    Timeout,
    /// The callback carried `error=access_denied` (the user declined).
    AccessDenied,
    /// The callback's nonce/state is not this flow's.
    StateMismatch,
    /// No callback arrived before the login timeout.
    CallbackTimeout,
    /// Ctrl-C, a Jupyter interrupt or an AbortSignal ended the wait.
    Cancelled,
    /// The requested callback port is taken.
    PortInUse,
    /// The key file could not be read or written safely.
    Storage,
    /// The callback carried an OAuth `error=` other than `access_denied` (`server_error`,
    /// `temporarily_unavailable`, `invalid_scope`, …): the authorization server could not authorize.
    AuthorizationFailed,
    /// A sealed flow was refused: tampered, truncated, sealed with another secret, another version, not one.
    SealedFlowInvalid,
    /// A sealed flow is older than its maximum age.
    SealedFlowExpired,
    /// The operation needs what this runtime does not have (a loopback port, a file, a terminal): the
    /// WebAssembly build's `login`, key storage and emulator.
    UnsupportedRuntime,
}

impl ErrorCode {
    /// Every code, in the order of the contract's table.
    pub const ALL: [ErrorCode; 25] = [
        ErrorCode::InvalidVerifier,
        ErrorCode::InvalidMethod,
        ErrorCode::InvalidCallbackUrl,
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidCodeChallengeMethod,
        ErrorCode::InvalidCode,
        ErrorCode::CodeExpired,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Unauthorized,
        ErrorCode::RateLimited,
        ErrorCode::ServerError,
        ErrorCode::UnexpectedStatus,
        ErrorCode::MalformedResponse,
        ErrorCode::Network,
        ErrorCode::Timeout,
        ErrorCode::AccessDenied,
        ErrorCode::StateMismatch,
        ErrorCode::CallbackTimeout,
        ErrorCode::Cancelled,
        ErrorCode::PortInUse,
        ErrorCode::Storage,
        ErrorCode::AuthorizationFailed,
        ErrorCode::SealedFlowInvalid,
        ErrorCode::SealedFlowExpired,
        ErrorCode::UnsupportedRuntime,
    ];

    /// The stable code string, e.g. `"INVALID_CODE"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidVerifier => "INVALID_VERIFIER",
            ErrorCode::InvalidMethod => "INVALID_METHOD",
            ErrorCode::InvalidCallbackUrl => "INVALID_CALLBACK_URL",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidCodeChallengeMethod => "INVALID_CODE_CHALLENGE_METHOD",
            ErrorCode::InvalidCode => "INVALID_CODE",
            ErrorCode::CodeExpired => "CODE_EXPIRED",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::ServerError => "SERVER_ERROR",
            ErrorCode::UnexpectedStatus => "UNEXPECTED_STATUS",
            ErrorCode::MalformedResponse => "MALFORMED_RESPONSE",
            ErrorCode::Network => "NETWORK",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::StateMismatch => "STATE_MISMATCH",
            ErrorCode::CallbackTimeout => "CALLBACK_TIMEOUT",
            ErrorCode::Cancelled => "CANCELLED",
            ErrorCode::PortInUse => "PORT_IN_USE",
            ErrorCode::Storage => "STORAGE",
            ErrorCode::AuthorizationFailed => "AUTHORIZATION_FAILED",
            ErrorCode::SealedFlowInvalid => "SEALED_FLOW_INVALID",
            ErrorCode::SealedFlowExpired => "SEALED_FLOW_EXPIRED",
            ErrorCode::UnsupportedRuntime => "UNSUPPORTED_RUNTIME",
        }
    }

    /// Parse a code string back (used by the shared test vectors).
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The class of error, which decides the CLI exit code and the builtin exception a binding mixes in.
    pub const fn class(self) -> ErrorClass {
        match self {
            ErrorCode::InvalidVerifier
            | ErrorCode::InvalidMethod
            | ErrorCode::InvalidCallbackUrl
            | ErrorCode::InvalidArgument
            | ErrorCode::UnsupportedRuntime => ErrorClass::Input,
            ErrorCode::InvalidCodeChallengeMethod
            | ErrorCode::InvalidCode
            | ErrorCode::CodeExpired
            | ErrorCode::MethodNotAllowed
            | ErrorCode::Unauthorized
            | ErrorCode::RateLimited
            | ErrorCode::ServerError
            | ErrorCode::UnexpectedStatus
            | ErrorCode::MalformedResponse => ErrorClass::Http,
            ErrorCode::Network => ErrorClass::Network,
            ErrorCode::Timeout | ErrorCode::CallbackTimeout => ErrorClass::Timeout,
            ErrorCode::AccessDenied | ErrorCode::StateMismatch => ErrorClass::Authorization,
            ErrorCode::Cancelled => ErrorClass::Cancelled,
            ErrorCode::PortInUse => ErrorClass::Network,
            ErrorCode::Storage => ErrorClass::Storage,
            ErrorCode::AuthorizationFailed => ErrorClass::Authorization,
            ErrorCode::SealedFlowInvalid | ErrorCode::SealedFlowExpired => ErrorClass::Authorization,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Broad families of errors. Each has its own CLI exit code and Python builtin base class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Bad input from the caller (Python: `ValueError`). Exit code 2.
    Input,
    /// OpenRouter (or the emulator) answered with an error. Exit code 3.
    Http,
    /// The server could not be reached (Python: `ConnectionError`). Exit code 4.
    Network,
    /// A deadline passed (Python: `TimeoutError`). Exit code 5.
    Timeout,
    /// The user declined, or the callback did not belong to this flow. Exit code 6.
    Authorization,
    /// The user or the program cancelled. Exit code 130, like a shell's Ctrl-C.
    Cancelled,
    /// The key file. Exit code 7.
    Storage,
}

impl ErrorClass {
    /// The process exit code the CLI uses for this class.
    pub const fn exit_code(self) -> i32 {
        match self {
            ErrorClass::Input => 2,
            ErrorClass::Http => 3,
            ErrorClass::Network => 4,
            ErrorClass::Timeout => 5,
            ErrorClass::Authorization => 6,
            ErrorClass::Cancelled => 130,
            ErrorClass::Storage => 7,
        }
    }
}

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The library's error. `code()` is the stable contract; the message says what happened and what to do.
///
/// No variant ever holds a key, verifier or authorization code, so `Display`, `Debug` and the source chain
/// are safe to log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The code verifier has the wrong length or characters.
    #[error("invalid code_verifier: {reason}")]
    InvalidVerifier {
        /// What is wrong (never the verifier itself).
        reason: String,
    },
    /// The challenge method is not exactly `S256` or `plain`.
    #[error("invalid code_challenge_method {method}: use \"S256\" (or \"plain\")")]
    InvalidMethod {
        /// The refused method, quoted and truncated.
        method: String,
    },
    /// The callback URL was refused.
    #[error("invalid callback_url: {reason}")]
    InvalidCallbackUrl {
        /// Why it was refused.
        reason: String,
    },
    /// Any other bad argument.
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// Which argument and why.
        reason: String,
    },
    /// An HTTP error status from OpenRouter, mapped to its code.
    #[error("{message} (HTTP {status})")]
    Http {
        /// The mapped code (one of the HTTP rows of the table).
        code: ErrorCode,
        /// The HTTP status.
        status: u16,
        /// Our own message for the status (never the server's body).
        message: String,
        /// `Retry-After`, for 429.
        retry_after: Option<Duration>,
    },
    /// A body that is not the documented JSON.
    #[error("malformed response from OpenRouter: {detail}")]
    MalformedResponse {
        /// The HTTP status of the malformed response.
        status: Option<u16>,
        /// What was wrong with it (never the body itself).
        detail: String,
    },
    /// DNS, connect or TLS failure: the request never reached the server.
    #[error("network error: {detail}")]
    Network {
        /// What failed.
        detail: String,
        /// The underlying transport error (its text holds no secrets: URLs are stripped).
        #[source]
        source: Option<BoxError>,
    },
    /// The HTTP deadline passed.
    #[error("timed out: {detail}")]
    Timeout {
        /// Which deadline.
        detail: String,
    },
    /// The callback carried `error=access_denied`: the user declined.
    #[error("access denied: {message}")]
    AccessDenied {
        /// The OAuth `error` value (`access_denied`).
        error: String,
        /// `error_description`, when given: filtered (no control characters) and capped, never in the message.
        description: Option<String>,
        /// Our own text (never the server's).
        message: String,
    },
    /// The callback carried another OAuth `error=` value (`server_error`, `temporarily_unavailable`, …).
    #[error("authorization failed: {message}")]
    AuthorizationFailed {
        /// The OAuth `error` value, filtered and capped (see [`Error::oauth_error`]).
        error: String,
        /// `error_description`, when given: filtered (no control characters) and capped, never in the message.
        description: Option<String>,
        /// Our own text (never the server's).
        message: String,
    },
    /// The callback's nonce/state is not this flow's.
    #[error("state mismatch: {detail}")]
    StateMismatch {
        /// What did not match.
        detail: String,
    },
    /// No callback arrived before the login timeout.
    #[error("no callback arrived within {}s; run the login again", .after.as_secs_f64())]
    CallbackTimeout {
        /// How long we waited.
        after: Duration,
    },
    /// The wait was cancelled.
    #[error("cancelled: {detail}")]
    Cancelled {
        /// By what.
        detail: String,
    },
    /// The requested callback port is taken.
    #[error("port {port} is already in use on {host}; pass port=0 to let the OS choose a free one")]
    PortInUse {
        /// The host that was asked for.
        host: String,
        /// The port that is taken.
        port: u16,
    },
    /// The key file could not be read or written safely.
    #[error("key storage: {detail}")]
    Storage {
        /// What failed, with the path.
        detail: String,
        /// The underlying I/O error.
        #[source]
        source: Option<std::io::Error>,
    },
    /// A sealed flow was refused (see [`crate::SealSecrets`]).
    #[error("sealed flow refused: {detail}; start the login again")]
    SealedFlowInvalid {
        /// Why (never the token, a secret or the flow's content).
        detail: String,
    },
    /// A stored flow (sealed, or kept as JSON) is too old.
    #[error("the flow expired: started {}s ago, valid for {}s; start the login again", .age.as_secs(), .max_age.as_secs())]
    SealedFlowExpired {
        /// How old it is.
        age: Duration,
        /// How long it was valid.
        max_age: Duration,
    },
    /// The operation cannot run in this runtime (the WebAssembly build has no loopback port, file or
    /// terminal).
    #[error("{operation} is not available in {runtime}: {reason}")]
    UnsupportedRuntime {
        /// What was called, e.g. `login()`.
        operation: String,
        /// The runtime, e.g. `a browser` or `Cloudflare Workers (workerd)`.
        runtime: String,
        /// What it needs and what to use instead.
        reason: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The stable code of this error, e.g. `"INVALID_CODE"`.
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The code as an enum.
    pub fn kind(&self) -> ErrorCode {
        match self {
            Error::InvalidVerifier { .. } => ErrorCode::InvalidVerifier,
            Error::InvalidMethod { .. } => ErrorCode::InvalidMethod,
            Error::InvalidCallbackUrl { .. } => ErrorCode::InvalidCallbackUrl,
            Error::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Error::Http { code, .. } => *code,
            Error::MalformedResponse { .. } => ErrorCode::MalformedResponse,
            Error::Network { .. } => ErrorCode::Network,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::AccessDenied { .. } => ErrorCode::AccessDenied,
            Error::StateMismatch { .. } => ErrorCode::StateMismatch,
            Error::CallbackTimeout { .. } => ErrorCode::CallbackTimeout,
            Error::Cancelled { .. } => ErrorCode::Cancelled,
            Error::PortInUse { .. } => ErrorCode::PortInUse,
            Error::Storage { .. } => ErrorCode::Storage,
            Error::AuthorizationFailed { .. } => ErrorCode::AuthorizationFailed,
            Error::SealedFlowInvalid { .. } => ErrorCode::SealedFlowInvalid,
            Error::SealedFlowExpired { .. } => ErrorCode::SealedFlowExpired,
            Error::UnsupportedRuntime { .. } => ErrorCode::UnsupportedRuntime,
        }
    }

    /// The HTTP status, for errors that came from an HTTP answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            Error::MalformedResponse { status, .. } => *status,
            _ => None,
        }
    }

    /// The OAuth `error` value of an `ACCESS_DENIED` or `AUTHORIZATION_FAILED` error (filtered: printable
    /// ASCII, at most [`MAX_OAUTH_ERROR_LEN`] characters).
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            Error::AccessDenied { error, .. } | Error::AuthorizationFailed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The `error_description` of an `ACCESS_DENIED` or `AUTHORIZATION_FAILED` error, when one came:
    /// control characters removed, at most [`MAX_ERROR_DESCRIPTION_LEN`] characters. It is the server's
    /// text, not ours: show it as text, never as markup; it is never part of the message.
    pub fn error_description(&self) -> Option<&str> {
        match self {
            Error::AccessDenied { description, .. } | Error::AuthorizationFailed { description, .. } => {
                description.as_deref()
            }
            _ => None,
        }
    }

    /// The error for a callback or pasted response carrying OAuth `error=` (and maybe `error_description`):
    /// `access_denied` is `ACCESS_DENIED`, any other value `AUTHORIZATION_FAILED`. Both values are
    /// filtered and capped; the message is the library's own text.
    pub fn from_oauth_error(error: &str, description: Option<&str>) -> Error {
        let error = filter_oauth_error(error);
        let description = description.map(filter_description).filter(|d| !d.is_empty());
        if error == "access_denied" {
            Error::AccessDenied {
                error,
                description,
                message: "the user declined the authorization request; run the login again to retry".into(),
            }
        } else {
            let message = match error.as_str() {
                "temporarily_unavailable" => {
                    "OpenRouter is temporarily unable to authorize (temporarily_unavailable); try again in a moment"
                        .to_owned()
                }
                "server_error" => {
                    "OpenRouter had an error while authorizing (server_error); try again later".to_owned()
                }
                // A registered-looking token is named; anything else stays in the `oauth_error` field only.
                other if !other.is_empty()
                    && other.len() <= 40
                    && other.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
                {
                    format!(
                        "OpenRouter refused the authorization request ({other}); check the authorization URL's parameters"
                    )
                }
                _ => "OpenRouter refused the authorization request with an unrecognised error value (see oauth_error)"
                    .to_owned(),
            };
            Error::AuthorizationFailed { error, description, message }
        }
    }

    /// The family of this error (exit code, Python base class).
    pub fn class(&self) -> ErrorClass {
        self.kind().class()
    }

    /// The error's message followed by its source chain, `: `-separated, for bindings that flatten it.
    pub fn chain_message(&self) -> String {
        let mut out = self.to_string();
        let mut src = std::error::Error::source(self);
        while let Some(s) = src {
            out.push_str(": ");
            out.push_str(&s.to_string());
            src = s.source();
        }
        out
    }

    pub(crate) fn invalid_argument(reason: impl Into<String>) -> Self {
        Error::InvalidArgument { reason: reason.into() }
    }

    /// `INVALID_ARGUMENT` for an argument of the wrong kind: "`{param}` must be {expected}", where
    /// `expected` is said in the binding's own type names ("a str or an ApiKey", "a string or an ApiKey").
    pub fn wrong_type(param: &str, expected: &str) -> Self {
        Error::InvalidArgument { reason: format!("`{param}` must be {expected}") }
    }

    pub(crate) fn invalid_callback(reason: impl Into<String>) -> Self {
        Error::InvalidCallbackUrl { reason: reason.into() }
    }

    pub(crate) fn storage(detail: impl Into<String>, source: Option<std::io::Error>) -> Self {
        Error::Storage { detail: detail.into(), source }
    }

    #[allow(dead_code)] // used by the login flow and the bindings' cancellation paths
    pub(crate) fn cancelled(detail: impl Into<String>) -> Self {
        Error::Cancelled { detail: detail.into() }
    }

    /// `INVALID_ARGUMENT` for a text argument that is not valid Unicode (a lone UTF-16 surrogate, which
    /// Python and JavaScript strings can hold): the bindings refuse it instead of replacing or failing bare.
    pub fn invalid_text(param: &str) -> Self {
        Error::InvalidArgument {
            reason: format!("{param} is not valid Unicode text (it holds a lone surrogate)"),
        }
    }

    /// `INVALID_ARGUMENT` for a number argument outside what the parameter can hold (e.g. an integer of
    /// 2⁶³ or more).
    pub fn out_of_range(param: &str) -> Self {
        Error::InvalidArgument { reason: format!("{param} is out of range") }
    }

    /// `CANCELLED` for a call its caller aborted (a Node `AbortSignal`, a cancelled Python task): the
    /// bindings' one wording for it.
    pub fn aborted() -> Self {
        Error::Cancelled { detail: "the call was aborted by its caller".into() }
    }

    /// `UNSUPPORTED_RUNTIME` for a native-only `operation` (`login()`, `loadKey()`, `Emulator`, …) called in
    /// the runtime of `runtime_kind` ([`runtime_name`]): the bindings' one wording, with what to use instead.
    pub fn native_only(operation: &str, runtime_kind: &str) -> Self {
        Error::UnsupportedRuntime {
            operation: operation.to_owned(),
            runtime: runtime_name(runtime_kind),
            reason:
                "it needs a loopback port, files or a terminal, which only the native addon has (Node.js, \
                     Bun or Python with the native package); in a browser or a Worker, use startAuth() and \
                     completeAuth(), and keep the key where your app keeps secrets"
                    .to_owned(),
        }
    }

    /// `UNSUPPORTED_RUNTIME` for a network call in a runtime of `runtime_kind` that has no global `fetch`.
    pub fn no_fetch(runtime_kind: &str) -> Self {
        Error::UnsupportedRuntime {
            operation: "fetch()".to_owned(),
            runtime: runtime_name(runtime_kind),
            reason: "the network calls need one: pass a fetch implementation as new Client({fetch})"
                .to_owned(),
        }
    }
}

/// How an `UNSUPPORTED_RUNTIME` message names the runtime the WebAssembly build's JavaScript layer detected:
/// `workerd`, `edge:<name>`, `deno`, `bun`, `node`, `browser`, `web-worker`; anything else is "this JavaScript
/// runtime".
pub fn runtime_name(kind: &str) -> String {
    match kind {
        "workerd" => "Cloudflare Workers (workerd)".to_owned(),
        "deno" => "Deno (the WebAssembly build)".to_owned(),
        "bun" => "Bun without the native addon (the WebAssembly build)".to_owned(),
        "node" => "Node.js without the native addon (the WebAssembly build)".to_owned(),
        "browser" => "a browser".to_owned(),
        "web-worker" => "a web worker".to_owned(),
        _ => match kind.strip_prefix("edge:") {
            Some(name) if !name.is_empty() && name.len() <= 64 && name.chars().all(|c| !c.is_control()) => {
                format!("an edge runtime ({name})")
            }
            _ => "this JavaScript runtime (the WebAssembly build)".to_owned(),
        },
    }
}

/// Longest OAuth `error` value kept (RFC 6749 values are short tokens).
pub const MAX_OAUTH_ERROR_LEN: usize = 64;
/// Longest `error_description` kept.
pub const MAX_ERROR_DESCRIPTION_LEN: usize = 300;

/// An OAuth `error` value as RFC 6749 allows it (printable ASCII but `"` and `\`), cut to
/// [`MAX_OAUTH_ERROR_LEN`]; anything else is dropped.
fn filter_oauth_error(value: &str) -> String {
    value
        .chars()
        .filter(|c| matches!(c, ' ' | '!' | '#'..='[' | ']'..='~'))
        .take(MAX_OAUTH_ERROR_LEN)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// An `error_description` with control, format (bidi) and line-breaking characters removed, cut to
/// [`MAX_ERROR_DESCRIPTION_LEN`] characters.
fn filter_description(value: &str) -> String {
    value
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        })
        .take(MAX_ERROR_DESCRIPTION_LEN)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Quote a user-supplied, non-secret value for an error message: escaped, and cut to 40 characters so a
/// megabyte of input cannot become a megabyte of message.
pub(crate) fn quote_for_message(value: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::from("\"");
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_runtime_names_the_runtime_and_what_to_do() {
        let e = Error::native_only("login()", "workerd");
        assert_eq!(e.code(), "UNSUPPORTED_RUNTIME");
        assert!(e.to_string().starts_with(
            "login() is not available in Cloudflare Workers (workerd): it needs a loopback port"
        ));
        assert_eq!(runtime_name("edge:vercel"), "an edge runtime (vercel)");
        assert_eq!(runtime_name("edge:"), "this JavaScript runtime (the WebAssembly build)");
        assert_eq!(runtime_name("edge:a\nb"), "this JavaScript runtime (the WebAssembly build)");
        assert_eq!(runtime_name("something"), "this JavaScript runtime (the WebAssembly build)");
        let f = Error::no_fetch("browser").to_string();
        assert!(
            f.starts_with("fetch() is not available in a browser: ") && f.contains("new Client({fetch})"),
            "{f}"
        );
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
        assert_eq!(ErrorCode::parse("NOPE"), None);
    }

    #[test]
    fn status_only_for_http() {
        let e =
            Error::Http { code: ErrorCode::InvalidCode, status: 403, message: "x".into(), retry_after: None };
        assert_eq!(e.status(), Some(403));
        assert_eq!(e.code(), "INVALID_CODE");
        assert_eq!(Error::cancelled("x").status(), None);
        assert_eq!(Error::cancelled("x").class().exit_code(), 130);
    }

    #[test]
    fn oauth_errors_keep_their_meaning() {
        // Issue 11 item 8: every value was ACCESS_DENIED, and the description was the message.
        let e = Error::from_oauth_error("access_denied", Some("No thanks"));
        assert_eq!(e.code(), "ACCESS_DENIED");
        assert_eq!(e.oauth_error(), Some("access_denied"));
        assert_eq!(e.error_description(), Some("No thanks"));
        assert!(!e.to_string().contains("No thanks"), "{e}");
        for value in ["server_error", "temporarily_unavailable", "invalid_scope", "invalid_request", "x"] {
            let e = Error::from_oauth_error(value, Some("<script>x</script>"));
            assert_eq!(e.code(), "AUTHORIZATION_FAILED", "{value}");
            assert_eq!(e.class(), ErrorClass::Authorization);
            assert_eq!(e.oauth_error(), Some(value));
            assert_eq!(e.error_description(), Some("<script>x</script>"), "kept as text, as a field");
            assert!(!e.chain_message().contains("<script>"), "{e}");
        }
        let long = format!("a\u{0}b\r\nc\u{202e}d{}", "z".repeat(1000));
        let e = Error::from_oauth_error(&format!("bad\n<{}>", "e".repeat(100)), Some(&long));
        assert_eq!(e.code(), "AUTHORIZATION_FAILED");
        let error = e.oauth_error().unwrap();
        assert!(error.len() <= MAX_OAUTH_ERROR_LEN && !error.contains('\n'), "{error:?}");
        let d = e.error_description().unwrap();
        assert!(d.starts_with("abcd") && d.chars().count() == MAX_ERROR_DESCRIPTION_LEN, "{d:?}");
        assert!(!e.to_string().contains('\n') && !e.to_string().contains("zzzz"));
        assert_eq!(Error::from_oauth_error("access_denied", Some("\u{7}")).error_description(), None);
        assert_eq!(Error::cancelled("x").oauth_error(), None);
    }

    #[test]
    fn quoting_is_bounded_and_escaped() {
        let q = quote_for_message(&"a".repeat(1000));
        assert!(q.chars().count() < 50);
        assert_eq!(quote_for_message("a\nb"), "\"a\\nb\"");
    }
}
