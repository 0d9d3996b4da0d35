//! Fault injection: one queued misbehaviour per request to an endpoint, for testing a client's error paths.
//!
//! Long-running faults (a delay, a hang, a slow drip) all watch the emulator's shutdown signal, so
//! `Emulator::stop` never waits on them.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::channel::{Channel, Sender};
use tokio::sync::watch;

use crate::contract::Dialect;

/// The endpoint a [`Fault`] targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /api/v1/auth/keys`, the code exchange.
    Exchange,
    /// `GET /api/v1/key`, key info.
    KeyInfo,
    /// `POST /api/v1/auth/keys/code`, creating an authorization code with a key.
    CreateAuthCode,
}

impl Endpoint {
    /// Every endpoint, in the order the bindings list them.
    pub const ALL: [Endpoint; 3] = [Endpoint::Exchange, Endpoint::KeyInfo, Endpoint::CreateAuthCode];

    /// The endpoint's name as `dialect` spells it: `"key_info"` in Python and the CLI, `"keyInfo"` in
    /// JavaScript.
    pub const fn name(self, dialect: Dialect) -> &'static str {
        let camel = matches!(dialect, Dialect::JavaScript);
        match self {
            Endpoint::Exchange => "exchange",
            Endpoint::KeyInfo if camel => "keyInfo",
            Endpoint::KeyInfo => "key_info",
            Endpoint::CreateAuthCode if camel => "createAuthCode",
            Endpoint::CreateAuthCode => "create_auth_code",
        }
    }

    /// Parse an endpoint's name as `dialect` spells it; anything else is `INVALID_ARGUMENT` listing the names.
    pub fn from_name(name: &str, dialect: Dialect) -> crate::Result<Endpoint> {
        Endpoint::ALL
            .into_iter()
            .find(|e| e.name(dialect) == name)
            .ok_or_else(|| unknown_name("endpoint must be", &Endpoint::ALL.map(|e| e.name(dialect))))
    }
}

/// `"<what> "a", "b" or "c""`: the refusal of a name outside a list.
fn unknown_name(what: &str, names: &[&str]) -> crate::Error {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let list = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    };
    crate::Error::InvalidArgument { reason: format!("{what} {list}") }
}

/// A misbehaviour for the next request to an [`Endpoint`]; each queued fault is used once.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with exactly this status, body and `Content-Type` (e.g. a 502 HTML page from a proxy).
    Status {
        /// The HTTP status (an invalid number becomes 500).
        status: u16,
        /// The body, sent verbatim.
        body: String,
        /// The `Content-Type` header (an invalid value becomes `text/plain`).
        content_type: String,
    },
    /// Wait this long, then answer normally (longer than the client's timeout gives a `TIMEOUT`).
    Delay(Duration),
    /// Redirect elsewhere (a client must never follow it: the code would leak and a POST could turn into a GET).
    Redirect {
        /// The `Location` header.
        location: String,
        /// The status, e.g. 307 (an invalid number becomes 307).
        status: u16,
    },
    /// Send `200` headers, then a JSON-looking body one byte every ~500 ms for ten minutes (a slow-drip).
    Drip,
    /// `200` with a JSON-looking body of exactly this many bytes, streamed in chunks (e.g. 10 MB).
    HugeBody {
        /// The body size in bytes.
        bytes: usize,
    },
    /// Never answer, until the emulator stops.
    Hang,
    /// Close the connection without answering.
    ///
    /// Done by answering with a body whose first read fails: hyper then drops the connection before it
    /// flushes anything, so the client sees the connection closed with no status line.
    Close,
}

/// The kinds of [`Fault`], for bindings that build one from loosely typed options ([`FaultKind::from_name`]
/// reads each binding's spelling of the names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// [`Fault::Status`].
    Status,
    /// [`Fault::Delay`].
    Delay,
    /// [`Fault::Redirect`].
    Redirect,
    /// [`Fault::Drip`].
    Drip,
    /// [`Fault::HugeBody`].
    HugeBody,
    /// [`Fault::Hang`].
    Hang,
    /// [`Fault::Close`].
    Close,
}

impl FaultKind {
    /// Every kind, in the order the bindings list them.
    pub const ALL: [FaultKind; 7] = [
        FaultKind::Status,
        FaultKind::Delay,
        FaultKind::Redirect,
        FaultKind::Drip,
        FaultKind::HugeBody,
        FaultKind::Hang,
        FaultKind::Close,
    ];

    /// The kind's name as `dialect` spells it (`"huge_body"` in Python and the CLI, `"hugeBody"` in
    /// JavaScript; the others are one word).
    pub const fn name(self, dialect: Dialect) -> &'static str {
        match self {
            FaultKind::Status => "status",
            FaultKind::Delay => "delay",
            FaultKind::Redirect => "redirect",
            FaultKind::Drip => "drip",
            FaultKind::HugeBody if matches!(dialect, Dialect::JavaScript) => "hugeBody",
            FaultKind::HugeBody => "huge_body",
            FaultKind::Hang => "hang",
            FaultKind::Close => "close",
        }
    }

    /// Parse a kind's name as `dialect` spells it; `None` is the default for `spec` ([`FaultKind::default_for`]).
    /// An unknown name is `INVALID_ARGUMENT` listing the kinds.
    pub fn from_name(name: Option<&str>, dialect: Dialect, spec: &FaultSpec) -> crate::Result<FaultKind> {
        let Some(name) = name else {
            return Ok(FaultKind::default_for(spec));
        };
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name(dialect) == name)
            .ok_or_else(|| unknown_name("kind must be one of", &FaultKind::ALL.map(|k| k.name(dialect))))
    }

    /// The kind a fault without one means: a delay when `spec` has a delay, else a status.
    pub fn default_for(spec: &FaultSpec) -> FaultKind {
        if spec.delay.is_some() { FaultKind::Delay } else { FaultKind::Status }
    }
}

/// The optional parts of a fault; [`Fault::from_spec`] fills the defaults.
#[derive(Debug, Clone, Default)]
pub struct FaultSpec {
    /// Status of a `Status` fault (default 500) or a `Redirect` (default 307).
    pub status: Option<u16>,
    /// Body of a `Status` fault (default empty).
    pub body: Option<String>,
    /// `Content-Type` of a `Status` fault (default `application/json`).
    pub content_type: Option<String>,
    /// Duration of a `Delay` (required for it).
    pub delay: Option<Duration>,
    /// Target of a `Redirect` (required for it).
    pub location: Option<String>,
    /// Size of a `HugeBody` (default 10 MiB).
    pub bytes: Option<usize>,
}

impl Fault {
    /// Build a fault of `kind` from optional parts, with the emulator's defaults. A missing required part
    /// (a delay's duration, a redirect's location) or a status outside 100–999 is `INVALID_ARGUMENT`.
    pub fn from_spec(kind: FaultKind, spec: FaultSpec) -> crate::Result<Fault> {
        let status = |default: u16| match spec.status.unwrap_or(default) {
            s @ 100..=999 => Ok(s),
            _ => Err(crate::Error::InvalidArgument { reason: "a fault's status must be 100 to 999".into() }),
        };
        let missing =
            |what: &str| crate::Error::InvalidArgument { reason: format!("this fault needs {what}") };
        Ok(match kind {
            FaultKind::Status => Fault::Status {
                status: status(500)?,
                body: spec.body.unwrap_or_default(),
                content_type: spec.content_type.unwrap_or_else(|| "application/json".into()),
            },
            FaultKind::Delay => Fault::Delay(spec.delay.ok_or_else(|| missing("a delay"))?),
            FaultKind::Redirect => Fault::Redirect {
                status: status(307)?,
                location: spec.location.ok_or_else(|| missing("a location"))?,
            },
            FaultKind::Drip => Fault::Drip,
            FaultKind::HugeBody => Fault::HugeBody { bytes: spec.bytes.unwrap_or(10 * 1024 * 1024) },
            FaultKind::Hang => Fault::Hang,
            FaultKind::Close => Fault::Close,
        })
    }
}

/// What the route should do after a fault ran.
pub(crate) enum Outcome {
    /// Send this instead of the normal answer.
    Respond(Response),
    /// Handle the request normally (after a `Delay`).
    Continue,
}

const DRIP_INTERVAL: Duration = Duration::from_millis(500);
const DRIP_BYTES: usize = 1200;
const CHUNK: usize = 64 * 1024;

/// Run `fault` for one request; long-running faults let go once `shutdown` turns `true`.
pub(crate) async fn apply(fault: Fault, mut shutdown: watch::Receiver<bool>) -> Outcome {
    match fault {
        Fault::Status { status, body, content_type } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let ct = HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("text/plain"));
            Outcome::Respond((status, [(header::CONTENT_TYPE, ct)], body).into_response())
        }
        Fault::Delay(d) => {
            tokio::select! {
                _ = tokio::time::sleep(d) => Outcome::Continue,
                _ = stopped(&mut shutdown) => Outcome::Respond(close_connection()),
            }
        }
        Fault::Redirect { location, status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
            let mut resp = status.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            Outcome::Respond(resp)
        }
        Fault::Drip => {
            let (tx, body) = Channel::<Bytes, std::io::Error>::new(1);
            tokio::spawn(drip(tx, shutdown));
            Outcome::Respond(json_stream(body))
        }
        Fault::HugeBody { bytes } => {
            let (tx, body) = Channel::<Bytes, std::io::Error>::new(2);
            tokio::spawn(huge(tx, bytes, shutdown));
            Outcome::Respond(json_stream(body))
        }
        Fault::Hang => {
            stopped(&mut shutdown).await;
            Outcome::Respond(close_connection())
        }
        Fault::Close => Outcome::Respond(close_connection()),
    }
}

/// Resolves once the emulator is stopping (or its handle is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// A response whose body fails on its first read, so hyper aborts the connection without a reply.
pub(crate) fn close_connection() -> Response {
    let (tx, body) = Channel::<Bytes, std::io::Error>::new(1);
    tx.abort(std::io::Error::other("emulator fault: connection closed"));
    Response::new(Body::new(body))
}

fn json_stream(body: Channel<Bytes, std::io::Error>) -> Response {
    let mut resp = Response::new(Body::new(body));
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// One byte of a never-ending-looking JSON document every `DRIP_INTERVAL`.
async fn drip(mut tx: Sender<Bytes, std::io::Error>, mut shutdown: watch::Receiver<bool>) {
    let text = br#"{"key":"sk-or-v1-"#;
    for i in 0..DRIP_BYTES {
        let byte = text.get(i).copied().unwrap_or(b'0');
        tokio::select! {
            sent = tx.send_data(Bytes::copy_from_slice(&[byte])) => if sent.is_err() {
                return; // the client went away
            },
            _ = stopped(&mut shutdown) => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(DRIP_INTERVAL) => {}
            _ = stopped(&mut shutdown) => return,
        }
    }
}

/// `{"key":"aaaa…","user_id":null}` of exactly `total` bytes (cut short when `total` is tiny).
async fn huge(mut tx: Sender<Bytes, std::io::Error>, total: usize, mut shutdown: watch::Receiver<bool>) {
    let prefix = br#"{"key":""#;
    let suffix = br#"","user_id":null}"#;
    let byte_at = |i: usize| -> u8 {
        if i < prefix.len() {
            prefix[i]
        } else if total >= prefix.len() + suffix.len() && i >= total - suffix.len() {
            suffix[i - (total - suffix.len())]
        } else {
            b'a'
        }
    };
    let mut sent = 0;
    while sent < total {
        let n = CHUNK.min(total - sent);
        let chunk: Vec<u8> = (sent..sent + n).map(byte_at).collect();
        tokio::select! {
            ok = tx.send_data(Bytes::from(chunk)) => if ok.is_err() {
                return;
            },
            _ = stopped(&mut shutdown) => return,
        }
        sent += n;
    }
}
