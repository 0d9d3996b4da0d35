//! The retry policy as data: what may be sent again, when, and what a final failure is.
//!
//! Exactly once: codes are single-use, so once a request may have reached the server (a timeout, a reset
//! after sending, a 5xx) an [`Delivery::AtMostOnce`] request is never resent. Only a request that provably
//! never left (the connection could not be made) and a 429 with a short `Retry-After` (not processed, by
//! definition) are retried for every delivery.

use std::time::Duration;

use super::HttpResponse;
use crate::error::Error;

/// How many times a request is resent after the connection could not be made (DNS, refused, TLS).
pub const MAX_CONNECT_RETRIES: u32 = 2;
/// The wait before the first resend after a connect failure; each next one waits 3 times longer.
pub const CONNECT_BACKOFF: Duration = Duration::from_millis(100);
/// Longest `Retry-After` honoured by the single 429 retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Which connection a request may ride, and what may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Not idempotent (the exchange spends a single-use code): always a new connection, so the request is
    /// never written into a pooled socket the server may already have closed; resent only when the
    /// connection could not be made (the request provably never left).
    AtMostOnce,
    /// Idempotent (a GET): a pooled connection, and one resend on a fresh connection when the pooled one
    /// failed before an answer arrived (a server may close an idle keep-alive connection at any time).
    Idempotent,
}

impl Delivery {
    /// Whether the request may ride a pooled (kept-alive) connection.
    pub const fn pooled(self) -> bool {
        matches!(self, Delivery::Idempotent)
    }

    /// How many times the request is resent on a fresh connection after the connection it rode failed
    /// before a complete answer arrived.
    pub const fn fresh_connection_retries(self) -> u32 {
        match self {
            Delivery::AtMostOnce => 0,
            Delivery::Idempotent => 1,
        }
    }
}

/// How one attempt failed, as the transport saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection could not be made (DNS, refused, TLS handshake): the request provably never left.
    Connect,
    /// No complete answer within the call's deadline.
    Timeout,
    /// The connection failed after the request may have been sent, before the answer's status arrived.
    Send,
    /// The connection failed while the answer's body was read.
    Body,
}

/// What the transport does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Nothing: the failure is final ([`failure_error`]) or the answer is the result.
    No,
    /// Wait this long (never past the call's deadline), then send the same request again.
    After(Duration),
    /// Send the same request again at once, on a new connection (not a pooled one).
    OnFreshConnection,
}

/// The retry state of one call: ask it after each attempt.
#[derive(Debug, Clone)]
pub struct Retries {
    delivery: Delivery,
    connect: u32,
    rate_limited: u32,
    fresh_connection: u32,
}

impl Retries {
    /// A call of `delivery` before its first attempt.
    pub fn new(delivery: Delivery) -> Retries {
        Retries { delivery, connect: 0, rate_limited: 0, fresh_connection: 0 }
    }

    /// After an attempt failed: resend after a connect failure (at most [`MAX_CONNECT_RETRIES`] times,
    /// waiting [`CONNECT_BACKOFF`], then 3 times longer); for [`Delivery::Idempotent`], once on a fresh
    /// connection after a send or body failure; never after a timeout.
    pub fn after_failure(&mut self, failure: Failure) -> Retry {
        match failure {
            Failure::Timeout => Retry::No,
            Failure::Connect if self.connect < MAX_CONNECT_RETRIES => {
                self.connect += 1;
                Retry::After(CONNECT_BACKOFF * 3u32.pow(self.connect - 1))
            }
            Failure::Connect => Retry::No,
            Failure::Send | Failure::Body
                if self.fresh_connection < self.delivery.fresh_connection_retries() =>
            {
                self.fresh_connection += 1;
                Retry::OnFreshConnection
            }
            Failure::Send | Failure::Body => Retry::No,
        }
    }

    /// After an answer arrived, with `time_left` before the call's deadline: once, a 429 whose
    /// `Retry-After` is at most [`MAX_RETRY_AFTER`] and ends before the deadline is waited out and resent
    /// (any delivery: a rate-limited request was not processed). Any other answer is the result.
    pub fn after_answer(&mut self, response: &HttpResponse, time_left: Duration) -> Retry {
        if response.status == 429
            && self.rate_limited == 0
            && let Some(wait) = response.retry_after().filter(|w| *w <= MAX_RETRY_AFTER)
            && wait < time_left
        {
            self.rate_limited += 1;
            return Retry::After(wait);
        }
        Retry::No
    }
}

/// The error of a final failure: `TIMEOUT` naming the call's deadline, or `NETWORK` saying what failed.
/// `source` is the transport's own error (shown as the cause, never in the message).
pub fn failure_error(
    failure: Failure,
    timeout: Duration,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    let detail = match failure {
        Failure::Timeout => return timeout_error(timeout),
        Failure::Connect => "could not connect to OpenRouter (DNS, connection or TLS failure)",
        Failure::Body => "the connection failed while reading the answer",
        Failure::Send => "the request failed",
    };
    Error::Network { detail: detail.into(), source }
}

/// `TIMEOUT`: no complete answer within the call's deadline.
pub fn timeout_error(timeout: Duration) -> Error {
    Error::Timeout {
        detail: format!("no complete answer from OpenRouter within {:.1}s", timeout.as_secs_f64()),
    }
}
