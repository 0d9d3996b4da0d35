//! The emulator's memory: issued codes, minted keys, pending consent requests, counters, the attribution
//! last received per endpoint, and queued faults.
//!
//! Everything sits behind one `std::sync::Mutex` that is only ever held for a few map operations, never
//! across an `.await`, so a thousand concurrent exchanges just queue for microseconds.
//!
//! The PKCE check here is deliberately independent of the client-side `pkce` module: a fake server that
//! shared the client's code would agree with the client's bugs.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::watch;

use super::attribution::ReceivedAttribution;
use super::fault::{Endpoint, Fault};
use crate::rng;

/// How many consent requests may wait for a decision before the oldest are forgotten.
const MAX_PENDING: usize = 10_000;

/// What a code was bound to when the (emulated) user approved it, or an app created it with a key.
#[derive(Clone, Default)]
pub(crate) struct Grant {
    /// The PKCE challenge, if the app sent one.
    pub challenge: Option<String>,
    /// The bound method (`"S256"` or `"plain"`); `Some("plain")` when a challenge came without a method.
    pub method: Option<String>,
    /// The label for the minted key.
    pub label: Option<String>,
    /// The credit limit for the minted key.
    pub limit: Option<f64>,
    /// When that limit resets (`daily`, `weekly`, `monthly`); `None`: never.
    pub limit_reset: Option<String>,
    /// When the minted key expires, in Unix milliseconds.
    pub expires_at_ms: Option<i64>,
    /// The workspace the minted key belongs to.
    pub workspace_id: Option<String>,
}

struct IssuedCode {
    grant: Grant,
    issued: Instant,
}

/// A minted key, as `/api/v1/key` describes it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyRecord {
    pub label: String,
    pub limit: Option<f64>,
    /// `daily`, `weekly` or `monthly`; `None`: a lifetime limit.
    pub limit_reset: Option<String>,
    /// Unix milliseconds.
    pub expires_at_ms: Option<i64>,
    pub workspace_id: Option<String>,
}

impl KeyRecord {
    fn from_grant(grant: Grant) -> Self {
        KeyRecord {
            label: grant.label.unwrap_or_else(|| DEFAULT_LABEL.to_owned()),
            limit: grant.limit,
            limit_reset: grant.limit_reset,
            expires_at_ms: grant.expires_at_ms,
            workspace_id: grant.workspace_id,
        }
    }
}

/// An `/auth` request waiting on the Approve/Deny page.
#[derive(Clone)]
pub(crate) struct PendingAuth {
    pub callback: Option<url::Url>,
    pub grant: Grant,
    pub state: Option<String>,
}

/// The settings that can change while the emulator runs.
#[derive(Clone, Copy)]
pub(crate) struct Settings {
    pub auto_approve: bool,
    pub relay_state: bool,
    pub code_ttl: Duration,
}

/// The outcome of an exchange attempt, mapped to a status and message by the route.
#[derive(Debug, PartialEq)]
pub(crate) enum ExchangeOutcome {
    /// 200 with this key.
    Minted { key: String },
    /// 403 `Invalid code or code_verifier`.
    InvalidCode,
    /// 403 `Authorization code expired`.
    Expired,
    /// 400 `Invalid code_challenge_method`.
    MethodMismatch,
}

#[derive(Default)]
struct State {
    codes: HashMap<String, IssuedCode>,
    keys: HashMap<String, KeyRecord>,
    pending: HashMap<String, PendingAuth>,
    pending_order: VecDeque<String>,
    faults: [VecDeque<Fault>; ENDPOINTS],
    counts: [usize; ENDPOINTS],
    attribution: [Option<ReceivedAttribution>; ENDPOINTS],
    /// The app id of each callback origin that created a code, in order of first appearance.
    apps: HashMap<String, i64>,
}

/// How many [`Endpoint`]s there are (the length of the per-endpoint arrays).
const ENDPOINTS: usize = 3;

/// The app id given to the first app that creates a code (the next ones count up from it).
const FIRST_APP_ID: i64 = 10_001;

/// State shared by the `Emulator` handle and every request handler.
pub(crate) struct Shared {
    state: Mutex<State>,
    settings: Mutex<Settings>,
    /// The one emulated user every key belongs to.
    pub user_id: String,
    /// Turns `true` when the server stops, so long-running faults (hang, drip, delay) let go.
    pub shutdown: watch::Receiver<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the maps half-updated in a way that matters to a fake.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn slot(endpoint: Endpoint) -> usize {
    match endpoint {
        Endpoint::Exchange => 0,
        Endpoint::KeyInfo => 1,
        Endpoint::CreateAuthCode => 2,
    }
}

/// The default label of a key minted without `key_label`.
pub(crate) const DEFAULT_LABEL: &str = "openrouter-pkce emulator";

impl Shared {
    pub(crate) fn new(settings: Settings, shutdown: watch::Receiver<bool>) -> Self {
        Shared {
            state: Mutex::new(State::default()),
            settings: Mutex::new(settings),
            user_id: format!("user_{}", rng::token(18)),
            shutdown,
        }
    }

    pub(crate) fn settings(&self) -> Settings {
        *lock(&self.settings)
    }

    pub(crate) fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        f(&mut lock(&self.settings));
    }

    /// Count a request to `endpoint`, remember its attribution headers, and take the fault queued for
    /// it, if any.
    pub(crate) fn begin_request(&self, endpoint: Endpoint, headers: &HeaderMap) -> Option<Fault> {
        let seen = ReceivedAttribution::from_headers(headers);
        let mut st = lock(&self.state);
        st.counts[slot(endpoint)] += 1;
        st.attribution[slot(endpoint)] = Some(seen);
        st.faults[slot(endpoint)].pop_front()
    }

    pub(crate) fn request_count(&self, endpoint: Endpoint) -> usize {
        lock(&self.state).counts[slot(endpoint)]
    }

    pub(crate) fn last_attribution(&self, endpoint: Endpoint) -> Option<ReceivedAttribution> {
        lock(&self.state).attribution[slot(endpoint)].clone()
    }

    /// The app id of the app at `origin` (the callback URL's origin), made on first use.
    pub(crate) fn app_id(&self, origin: &str) -> i64 {
        let mut st = lock(&self.state);
        let next = FIRST_APP_ID + st.apps.len() as i64;
        *st.apps.entry(origin.to_owned()).or_insert(next)
    }

    pub(crate) fn push_fault(&self, endpoint: Endpoint, fault: Fault) {
        lock(&self.state).faults[slot(endpoint)].push_back(fault);
    }

    /// Mint a fresh single-use authorization code for `grant`.
    pub(crate) fn issue_code(&self, grant: Grant) -> String {
        let code = rng::token(32);
        let issued = IssuedCode { grant, issued: Instant::now() };
        lock(&self.state).codes.insert(code.clone(), issued);
        code
    }

    /// Mint a key `/api/v1/key` knows, without any flow.
    pub(crate) fn create_key(&self, label: Option<&str>, limit: Option<f64>) -> String {
        let key = new_key();
        let grant = Grant { label: label.map(str::to_owned), limit, ..Grant::default() };
        lock(&self.state).keys.insert(key.clone(), KeyRecord::from_grant(grant));
        key
    }

    pub(crate) fn key_info(&self, key: &str) -> Option<KeyRecord> {
        lock(&self.state).keys.get(key).cloned()
    }

    /// Store an `/auth` request until the emulated user decides; returns its random id.
    pub(crate) fn add_pending(&self, pending: PendingAuth) -> String {
        let id = rng::token(16);
        let mut st = lock(&self.state);
        if st.pending_order.len() >= MAX_PENDING
            && let Some(old) = st.pending_order.pop_front()
        {
            st.pending.remove(&old);
        }
        st.pending.insert(id.clone(), pending);
        st.pending_order.push_back(id.clone());
        id
    }

    /// Take the pending request `id` (a decision is final, so it is removed).
    pub(crate) fn take_pending(&self, id: &str) -> Option<PendingAuth> {
        let mut st = lock(&self.state);
        let pending = st.pending.remove(id)?;
        st.pending_order.retain(|x| x != id);
        Some(pending)
    }

    /// The exchange: the code is consumed by this attempt whatever the outcome.
    pub(crate) fn exchange(
        &self,
        code: &str,
        verifier: Option<&str>,
        method: Option<&str>,
    ) -> ExchangeOutcome {
        let ttl = self.settings().code_ttl;
        let Some(issued) = lock(&self.state).codes.remove(code) else {
            return ExchangeOutcome::InvalidCode;
        };
        if issued.issued.elapsed() > ttl {
            return ExchangeOutcome::Expired;
        }
        let grant = issued.grant;
        if let Some(challenge) = grant.challenge.as_deref() {
            // A null method means `plain` (RFC 7636 §4.3), on both sides.
            let requested = method.unwrap_or("plain");
            let bound = grant.method.as_deref().unwrap_or("plain");
            if requested != bound {
                return ExchangeOutcome::MethodMismatch;
            }
            let Some(verifier) = verifier else {
                return ExchangeOutcome::InvalidCode;
            };
            if !verifier_matches(challenge, bound, verifier) {
                return ExchangeOutcome::InvalidCode;
            }
        }
        // A code issued without a challenge is not PKCE-bound: OpenRouter documents PKCE as optional.
        let key = new_key();
        lock(&self.state).keys.insert(key.clone(), KeyRecord::from_grant(grant));
        ExchangeOutcome::Minted { key }
    }
}

/// `sk-or-v1-` and 64 lowercase hex digits, like OpenRouter's keys.
fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rng::fill(&mut bytes);
    let mut key = String::with_capacity(9 + 64);
    key.push_str("sk-or-v1-");
    for b in bytes {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

/// The server side of RFC 7636 §4.6, compared in constant time.
pub(crate) fn verifier_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    let expected = match method {
        "S256" => {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        }
        "plain" => verifier.to_owned(),
        _ => return false,
    };
    expected.as_bytes().ct_eq(challenge.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verifier_matches(c, "S256", v));
        assert!(!verifier_matches(c, "plain", v));
        assert!(verifier_matches(v, "plain", v));
        assert!(!verifier_matches(c, "S512", v));
    }

    #[test]
    fn keys_look_like_openrouter_keys() {
        let k = new_key();
        assert_eq!(k.len(), 73);
        assert!(k[9..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
}
