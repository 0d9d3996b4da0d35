//! The protocol without the I/O: every decision about a request to OpenRouter and its answer, as functions
//! that take and return plain values (the `oauth2` crate's `HttpRequest` / `HttpResponse`, oauth4webapi's
//! `…Request` / `process…Response`).
//!
//! - [`exchange_request`], [`key_info_request`], [`create_auth_code_request`] check their inputs and build
//!   the whole request: method, URL, headers, body, and its [`Delivery`] (what may be sent again).
//! - [`process_exchange_response`], [`process_key_info_response`], [`process_create_auth_code_response`]
//!   read an answer: every status of the error table, the 400/403 split, the body cap, `MALFORMED_RESPONSE`.
//! - [`flow_base_url`] says where a started or stored flow is finished.
//! - [`Retries`] is the retry policy as data: which transport [`Failure`]s and which answers may be
//!   retried, for which [`Delivery`], and how long to wait; [`failure_error`] says what a final failure is.
//!
//! A transport only moves bytes: it sends an [`HttpRequest`] as it is — never following a redirect (a 3xx
//! is handed back as the answer), reading at most [`MAX_BODY_BYTES`] of the body — and returns the
//! [`HttpResponse`], asking [`Retries`] after each attempt. The reqwest client (`Client`, feature `net`) is
//! one such transport; the runtime's `fetch` (`redirect: "manual"`) is another. Nothing here reads the
//! clock, the environment or the network, so this module builds for `wasm32-unknown-unknown`.

use std::fmt;
use std::time::Duration;

mod answers;
mod flow;
mod requests;
mod retry;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use answers::parse_auth_code;
pub use answers::{
    body_too_large, classify_exchange_answer, classify_key_info_answer, process_create_auth_code_response,
    process_exchange_response, process_key_info_response,
};
pub use flow::flow_base_url;
pub use requests::{
    RequestContext, check_key, check_timeout, create_auth_code_request, exchange_request, key_info_request,
    reachability_request, user_agent_or_default,
};
pub use retry::{
    CONNECT_BACKOFF, Delivery, Failure, MAX_CONNECT_RETRIES, MAX_RETRY_AFTER, Retries, Retry, failure_error,
    timeout_error,
};

/// The most body bytes read from any answer; the documented ones are a few hundred bytes. A transport stops
/// reading past it and reports [`body_too_large`]; the `process_…` functions refuse a longer body the same way.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Default total deadline of one HTTP call, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The User-Agent every request carries.
pub fn default_user_agent() -> String {
    format!("openrouter-pkce/{} (+https://github.com/openrouter-pkce/openrouter-pkce)", crate::VERSION)
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `HEAD`
    Head,
}

impl Method {
    /// The method's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Head => "HEAD",
        }
    }
}

/// A request to send exactly as built. Header values are UTF-8 text (an app title may be non-ASCII).
///
/// `Debug` shows neither the body (it holds the code and verifier) nor the `Authorization` value (the key).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The headers, in order, as (name, value).
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
    /// What the transport may do with it: which connection it may ride, what may be sent again.
    pub delivery: Delivery,
}

impl HttpRequest {
    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                (n.as_str(), if n.eq_ignore_ascii_case("authorization") { "<redacted>" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|b| format!("<{} bytes, redacted>", b.len())))
            .field("delivery", &self.delivery)
            .finish()
    }
}

/// An answer as the transport received it: the status, the headers (values as text, lossily) and the body.
///
/// `Debug` shows the body's length only (a successful exchange's body is the key).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in order, as (name, value).
    pub headers: Vec<(String, String)>,
    /// The body (at most [`MAX_BODY_BYTES`] are read).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An answer with a status and a body, no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> HttpResponse {
        HttpResponse { status, headers: Vec::new(), body: body.into() }
    }

    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }

    /// `Retry-After` in seconds (the HTTP-date form is treated as absent).
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")?.trim().parse::<u64>().ok().map(Duration::from_secs)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format!("<{} bytes>", self.body.len()))
            .finish()
    }
}

fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}
