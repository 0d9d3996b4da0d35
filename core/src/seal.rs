//! Sealed flows: an [`AuthRequest`] encrypted into one opaque, expiring, cookie- and URL-safe string, so a
//! web app on several instances can keep a started flow in the user's browser (a cookie) instead of a
//! shared session store, and finish it on whichever instance receives the callback.
//!
//! # Format (stable, documented in `docs/servers.md`)
//!
//! A JWE in compact serialization (RFC 7516) with `alg: "dir"` and `enc: "A256GCM"` — the choice of Auth.js
//! for its PKCE cookie — carrying JWT claims (RFC 7519), so any JOSE library can open it given the key
//! (npm `jose` `jwtDecrypt`, PyPI `joserfc` / `jwcrypto`; the test suites do exactly that).
//!
//! - Protected header, exactly `{"alg":"dir","enc":"A256GCM","kid":<kid>,"typ":"or-pkce-flow+jwt"}`;
//!   any other member (`zip`, `crit`, `jku`, …) or value is refused.
//! - Content key: `HKDF-SHA256(ikm = secret, salt = "", info = "openrouter-pkce sealed flow v1 A256GCM")`,
//!   32 bytes; key id: base64url of `HKDF-SHA256(ikm = secret, salt = "", info = "openrouter-pkce sealed flow v1
//!   kid")`, 8 bytes. Any secret of at least 32 bytes works; the `kid` lets a list of secrets (rotation)
//!   pick the right one without trial decryption.
//! - Claims: `v` (1), `iat`, `exp` (`iat` + 600 s), and the flow: `url`, `callback_url`, `code_verifier`,
//!   `code_challenge_method`, `state`, `created_at`, `base_url` (the challenge is recomputed from the
//!   verifier on opening).
//!
//! AES-256-GCM comes from RustCrypto's `aes-gcm`, the key derivation from `hkdf`; nothing here is a
//! home-made construction. A fresh random 96-bit IV per token comes from the library's CSPRNG.

use std::fmt;
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::auth_url::{AuthRequest, now_unix};
use crate::error::{Error, Result};
use crate::pkce::ChallengeMethod;

/// How long a sealed flow stays valid by default (and at most): 10 minutes, OpenRouter's code lifetime.
pub const DEFAULT_SEAL_MAX_AGE: Duration = Duration::from_secs(600);
/// The shortest sealing secret accepted, in bytes.
pub const MIN_SEAL_SECRET_LEN: usize = 32;
/// The longest sealed flow made or opened. A browser keeps a cookie of at most 4096 bytes (its name, `=` and
/// value) and drops a longer one without a word, so [`AuthRequest::seal`] refuses a flow that would seal
/// longer (`INVALID_ARGUMENT`, saying so), and [`AuthRequest::unseal`] refuses anything longer before any
/// decoding: the two agree on every input.
pub const MAX_SEALED_LEN: usize = 4000;
/// The JWE `typ` header of a sealed flow.
pub const SEALED_FLOW_TYP: &str = "or-pkce-flow+jwt";
/// The HKDF `info` of the content key.
pub const SEAL_KEY_INFO: &str = "openrouter-pkce sealed flow v1 A256GCM";
/// The HKDF `info` of the key id.
pub const SEAL_KID_INFO: &str = "openrouter-pkce sealed flow v1 kid";

/// The claims format version.
const CLAIMS_VERSION: u32 = 1;

/// Only the version claim, read first so that another version is named as such.
#[derive(Deserialize)]
struct Version {
    v: Option<u32>,
}
/// How far in the future an `iat`, `nbf` or a stored flow's `created_at` may be (clock skew between
/// instances) before it is refused.
pub(crate) const MAX_CLOCK_SKEW_SECS: u64 = 60;
/// Fewer distinct byte values than this in a secret means it cannot hold 32 bytes of entropy.
const MIN_DISTINCT_BYTES: usize = 8;

/// Why a flow that is not a sealed string is refused when `secrets` are given.
const SEALED_ONLY: &str =
    "with `secrets`, only the string seal() made is accepted, not a flow in JSON or object form";

/// What an app handed to `complete_auth` as its flow, as a binding sees it ([`AuthRequest::open_flow`]).
#[derive(Debug, Clone, Copy)]
pub enum FlowInput<'a> {
    /// An `AuthRequest` object (the binding's class).
    Request(&'a AuthRequest),
    /// Text: the JSON session form, or a sealed string.
    Text(&'a str),
    /// A plain mapping (a Python dict, a JavaScript object).
    Mapping,
}

struct SealKey {
    kid: String,
    cipher: Aes256Gcm,
}

/// One or more sealing secrets, turned into keys once: the first seals, any of them opens (rotation).
///
/// Each secret must be at least 32 bytes (a string's UTF-8 bytes, or raw bytes) — use 32 random bytes, e.g.
/// `openssl rand -base64 32` or Python's `secrets.token_urlsafe(32)`. `Debug` shows only how many there are.
pub struct SealSecrets {
    keys: Vec<SealKey>,
}

impl fmt::Debug for SealSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealSecrets").field("count", &self.keys.len()).finish_non_exhaustive()
    }
}

fn hkdf(secret: &[u8], info: &str, out: &mut [u8]) {
    Hkdf::<Sha256>::new(None, secret)
        .expand(info.as_bytes(), out)
        .expect("HKDF-SHA256 output of at most 32 bytes is always valid");
}

impl SealSecrets {
    /// Derive the keys of `secrets` (in order: the first one seals).
    ///
    /// `INVALID_ARGUMENT` when the list is empty, or a secret is shorter than 32 bytes or visibly
    /// low-entropy (fewer than 8 distinct byte values). The message names the secret's position, never its
    /// content.
    pub fn new<I, S>(secrets: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut keys = Vec::new();
        for (i, secret) in secrets.into_iter().enumerate() {
            let secret = secret.as_ref();
            let which =
                if i == 0 { "the sealing secret".to_owned() } else { format!("sealing secret #{}", i + 1) };
            if secret.len() < MIN_SEAL_SECRET_LEN {
                return Err(Error::invalid_argument(format!(
                    "{which} is {} bytes; use at least {MIN_SEAL_SECRET_LEN} random bytes (e.g. `openssl rand -base64 32`)",
                    secret.len()
                )));
            }
            let mut seen = [false; 256];
            let distinct =
                secret.iter().filter(|&&b| !std::mem::replace(&mut seen[b as usize], true)).count();
            if distinct < MIN_DISTINCT_BYTES {
                return Err(Error::invalid_argument(format!(
                    "{which} repeats too few characters to be random; use at least {MIN_SEAL_SECRET_LEN} random bytes (e.g. `openssl rand -base64 32`)"
                )));
            }
            let mut key = [0u8; 32];
            hkdf(secret, SEAL_KEY_INFO, &mut key);
            let mut kid = [0u8; 8];
            hkdf(secret, SEAL_KID_INFO, &mut kid);
            let cipher = Aes256Gcm::new_from_slice(&key).expect("a 32-byte key");
            key.fill(0);
            keys.push(SealKey { kid: B64.encode(kid), cipher });
        }
        if keys.is_empty() {
            return Err(Error::invalid_argument("give at least one sealing secret (`secrets`)"));
        }
        Ok(SealSecrets { keys })
    }

    /// How many secrets (keys) there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: an empty list is refused by [`SealSecrets::new`].
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key id (`kid` header) of the secret at `index` — public, derived from the secret by HKDF.
    pub fn kid(&self, index: usize) -> Option<&str> {
        self.keys.get(index).map(|k| k.kid.as_str())
    }
}

/// The protected header a sealed flow is written with.
#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    enc: &'a str,
    kid: &'a str,
    typ: &'a str,
}

/// A protected header as read: what a sealed flow needs, and the parameters it refuses by name. Any other
/// parameter is ignored, as RFC 7515 §4 requires of a parameter not listed in `crit`; a duplicate name is
/// refused (§4: a parser may reject duplicates, and ours does).
#[derive(Deserialize)]
struct HeaderIn {
    alg: String,
    enc: String,
    kid: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    zip: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    crit: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    cty: Option<serde::de::IgnoredAny>,
}

/// The flow's own claims, written and read alike.
#[derive(Serialize, Deserialize)]
struct FlowClaims {
    url: String,
    callback_url: Option<String>,
    code_verifier: String,
    code_challenge_method: ChallengeMethod,
    state: String,
    created_at: u64,
    base_url: String,
}

/// The claims a sealed flow is written with.
#[derive(Serialize)]
struct Claims {
    v: u32,
    iat: u64,
    exp: u64,
    #[serde(flatten)]
    flow: FlowClaims,
}

/// The claims as read. RFC 7519: NumericDates may be non-integer; a claim not understood (`jti`, …) is
/// ignored (§4); `nbf`, when present, is honoured (§4.1.5).
#[derive(Deserialize)]
struct ClaimsIn {
    iat: f64,
    exp: f64,
    #[serde(default)]
    nbf: Option<f64>,
    #[serde(flatten)]
    flow: FlowClaims,
}

/// Whether a JWE `typ` names a sealed flow: compared case-insensitively, with or without the
/// `application/` prefix (RFC 7515 §4.1.9, RFC 2045 media types).
fn is_sealed_flow_typ(typ: &str) -> bool {
    let lower = typ.to_ascii_lowercase();
    lower.strip_prefix("application/").unwrap_or(&lower) == SEALED_FLOW_TYP
}

fn refused(detail: &str) -> Error {
    Error::SealedFlowInvalid { detail: detail.to_owned() }
}

impl AuthRequest {
    /// Seal this flow with the first of `secrets`: an opaque JWE string (about 700–900 characters, only
    /// `[A-Za-z0-9_.-]`) that expires 10 minutes from now. Put it in an `HttpOnly`, `SameSite=Lax` cookie.
    ///
    /// `INVALID_ARGUMENT` when it would be longer than [`MAX_SEALED_LEN`] (a long callback URL and key label
    /// together), which a browser would drop as a cookie.
    pub fn seal(&self, secrets: &SealSecrets) -> Result<String> {
        self.seal_at(secrets, now_unix())
    }

    /// [`AuthRequest::seal`] as if the time were `now` (Unix seconds) — for tests of expiry.
    pub fn seal_at(&self, secrets: &SealSecrets, now: u64) -> Result<String> {
        let key = &secrets.keys[0];
        let claims = Claims {
            v: CLAIMS_VERSION,
            iat: now,
            exp: now.saturating_add(DEFAULT_SEAL_MAX_AGE.as_secs()),
            flow: FlowClaims {
                url: self.url().to_owned(),
                callback_url: self.callback_url().map(str::to_owned),
                code_verifier: self.code_verifier().secret().to_owned(),
                code_challenge_method: self.code_challenge_method(),
                state: self.state().to_owned(),
                created_at: self.created_at(),
                base_url: self.base_url().to_owned(),
            },
        };
        let header = Header { alg: "dir", enc: "A256GCM", kid: &key.kid, typ: SEALED_FLOW_TYP };
        let header_b64 = B64.encode(serde_json::to_vec(&header).expect("header serialises"));
        let mut plaintext = serde_json::to_vec(&claims).expect("claims serialise");
        let mut iv = [0u8; 12];
        crate::rng::fill(&mut iv);
        let sealed = key
            .cipher
            .encrypt(Nonce::from_slice(&iv), Payload { msg: &plaintext, aad: header_b64.as_bytes() })
            .map_err(|_| Error::invalid_argument("the flow is too large to seal"));
        plaintext.fill(0);
        let sealed = sealed?;
        let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
        let token =
            format!("{header_b64}..{}.{}.{}", B64.encode(iv), B64.encode(ciphertext), B64.encode(tag));
        if token.len() > MAX_SEALED_LEN {
            return Err(Error::invalid_argument(format!(
                "this flow would seal to {} characters, more than the {MAX_SEALED_LEN} a browser keeps in one cookie \
                 (it would be dropped silently): shorten key_label or the callback URL, or keep the flow in a \
                 server-side session instead",
                token.len()
            )));
        }
        Ok(token)
    }

    /// Open a string made by [`AuthRequest::seal`] with any of `secrets`, refusing it when older than
    /// `max_age` (and always after the 10 minutes written in it).
    ///
    /// Errors: `SEALED_FLOW_EXPIRED` when too old; `SEALED_FLOW_INVALID` for anything else that is not a
    /// flow we sealed with one of these secrets (tampered, truncated, sealed with another secret, another
    /// format version, not a token at all). Never panics, whatever the input.
    pub fn unseal(sealed: &str, secrets: &SealSecrets, max_age: Duration) -> Result<AuthRequest> {
        AuthRequest::unseal_at(sealed, secrets, max_age, now_unix())
    }

    /// A flow an app kept as text: its JSON session form ([`AuthRequest::to_json`]) or the string
    /// [`AuthRequest::seal`] made. The one rule by which every binding tells the two apart (JSON starts with
    /// `{`, a sealed flow never does):
    ///
    /// - with `secrets`, only a sealed flow is accepted (opened with them, at most [`DEFAULT_SEAL_MAX_AGE`]
    ///   old): JSON is `SEALED_FLOW_INVALID`, since an app that seals its flows hands us what came back
    ///   from a browser, and a visitor must not be able to supply a flow of their own;
    /// - without `secrets`, only JSON (a sealed flow is `INVALID_ARGUMENT`: it needs its secrets).
    pub fn from_stored(text: &str, secrets: Option<&SealSecrets>) -> Result<AuthRequest> {
        let json = text.trim_start().starts_with('{');
        match secrets {
            Some(_) if json => Err(refused(SEALED_ONLY)),
            Some(secrets) => AuthRequest::unseal(text, secrets, DEFAULT_SEAL_MAX_AGE),
            None if json => AuthRequest::from_json(text),
            None => Err(Error::invalid_argument("a sealed flow needs the `secrets` it was sealed with")),
        }
    }

    /// The flow an app handed to `complete_auth`, by the rule of [`AuthRequest::from_stored`]: with `secrets`
    /// only a sealed string is accepted — an `AuthRequest` object or a plain mapping is `SEALED_FLOW_INVALID`
    /// before anything else is looked at. `Ok(None)`: a mapping without `secrets`, which the binding turns
    /// into a flow itself (its field names are the binding's).
    pub fn open_flow(input: FlowInput<'_>, secrets: Option<&SealSecrets>) -> Result<Option<AuthRequest>> {
        match (input, secrets) {
            (FlowInput::Text(text), _) => AuthRequest::from_stored(text, secrets).map(Some),
            (FlowInput::Request(_) | FlowInput::Mapping, Some(_)) => Err(refused(SEALED_ONLY)),
            (FlowInput::Request(request), None) => Ok(Some(request.clone())),
            (FlowInput::Mapping, None) => Ok(None),
        }
    }

    /// [`AuthRequest::unseal`] as if the time were `now` (Unix seconds) — for tests of expiry.
    pub fn unseal_at(
        sealed: &str,
        secrets: &SealSecrets,
        max_age: Duration,
        now: u64,
    ) -> Result<AuthRequest> {
        if max_age.is_zero() {
            return Err(Error::invalid_argument("max_age must be more than 0"));
        }
        if sealed.len() > MAX_SEALED_LEN {
            return Err(refused("it is far longer than any sealed flow"));
        }
        let parts: Vec<&str> = sealed.split('.').collect();
        let [header_b64, encrypted_key, iv_b64, ciphertext_b64, tag_b64] = parts[..] else {
            return Err(refused("it is not a sealed flow (expected five dot-separated parts)"));
        };
        let header_json = B64
            .decode(header_b64)
            .map_err(|_| refused("its header is not base64url (truncated or altered?)"))?;
        let header: HeaderIn = serde_json::from_slice(&header_json).map_err(|_| {
            refused("its header is not the JSON header of a JWE with alg, enc and kid, each once")
        })?;
        if header.alg != "dir" || header.enc != "A256GCM" {
            return Err(refused("it is not encrypted as sealed flows are (alg dir, enc A256GCM)"));
        }
        match header.typ.as_deref() {
            Some(typ) if is_sealed_flow_typ(typ) => {}
            Some(_) => return Err(refused("its typ names another kind of token, not or-pkce-flow+jwt")),
            None => return Err(refused("its header has no typ (sealed flows carry or-pkce-flow+jwt)")),
        }
        if header.zip.is_some() {
            return Err(refused("it is compressed (zip), which sealed flows never are"));
        }
        if header.crit.is_some() {
            return Err(refused(
                "its header lists critical extensions (crit), which this library does not implement",
            ));
        }
        if header.cty.is_some() {
            return Err(refused("it declares nested content (cty), which sealed flows never carry"));
        }
        if !encrypted_key.is_empty() {
            return Err(refused(
                "it carries an encrypted key, but sealed flows use direct encryption (alg dir)",
            ));
        }
        let Some(key) = secrets.keys.iter().find(|k| k.kid == header.kid) else {
            return Err(refused("it was sealed with a secret that is not (or no longer) in the list"));
        };
        let iv = B64.decode(iv_b64).ok().filter(|iv| iv.len() == 12);
        let tag = B64.decode(tag_b64).ok().filter(|t| t.len() == 16);
        let ciphertext = B64.decode(ciphertext_b64).ok();
        let (Some(iv), Some(tag), Some(mut ciphertext)) = (iv, tag, ciphertext) else {
            return Err(refused("it is truncated or altered"));
        };
        ciphertext.extend_from_slice(&tag);
        let mut plaintext = key
            .cipher
            .decrypt(Nonce::from_slice(&iv), Payload { msg: &ciphertext, aad: header_b64.as_bytes() })
            .map_err(|_| refused("it was altered, or sealed with another secret"))?;
        let version = serde_json::from_slice::<Version>(&plaintext).ok().and_then(|v| v.v);
        let claims = serde_json::from_slice::<ClaimsIn>(&plaintext);
        plaintext.fill(0);
        match version {
            Some(CLAIMS_VERSION) => {}
            Some(_) => return Err(refused("its content is from another version of openrouter-pkce")),
            None => return Err(refused("its content has no version claim `v`: not a sealed flow")),
        }
        let Ok(claims) = claims else {
            return Err(refused(
                "its claims are not those of a sealed flow (a flow field is missing or mistyped)",
            ));
        };
        let dates = [Some(claims.iat), Some(claims.exp), claims.nbf];
        if dates.into_iter().flatten().any(|d| !(d.is_finite() && d >= 0.0)) {
            return Err(refused("its iat, exp or nbf is not a NumericDate (seconds since 1970)"));
        }
        let now_f = now as f64;
        let skew = MAX_CLOCK_SKEW_SECS as f64;
        if claims.iat > now_f + skew {
            return Err(refused("it was sealed in the future (are the servers' clocks in sync?)"));
        }
        if claims.nbf.is_some_and(|nbf| nbf > now_f + skew) {
            return Err(refused("it is not valid yet (nbf; are the servers' clocks in sync?)"));
        }
        let age = (now_f - claims.iat).max(0.0);
        if now_f >= claims.exp || age > max_age.as_secs_f64() {
            let limit = max_age.as_secs_f64().min((claims.exp - claims.iat).max(0.0));
            return Err(Error::SealedFlowExpired {
                age: Duration::from_secs(age as u64),
                max_age: Duration::from_secs(limit as u64),
            });
        }
        let flow = claims.flow;
        let method = flow.code_challenge_method;
        let verifier = crate::pkce::CodeVerifier::new(flow.code_verifier)
            .map_err(|_| refused("its content is not a valid flow"))?;
        let challenge = verifier.challenge(method);
        AuthRequest::from_parts(
            flow.url,
            flow.callback_url,
            verifier.into(),
            challenge,
            method.as_str(),
            flow.state,
            flow.created_at,
            Some(flow.base_url),
        )
        .map_err(|_| refused("its content is not a valid flow"))
    }
}

#[cfg(feature = "net")]
impl crate::Client {
    /// Finish a flow from its sealed form: open `sealed` with `secrets` (refused after
    /// [`DEFAULT_SEAL_MAX_AGE`]), then [`crate::Client::complete_auth`].
    pub async fn complete_sealed_auth(
        &self,
        sealed: &str,
        secrets: &SealSecrets,
        response: &str,
        call: &crate::CallOptions,
    ) -> Result<crate::ApiKey> {
        let request = AuthRequest::unseal(sealed, secrets, DEFAULT_SEAL_MAX_AGE)?;
        self.complete_auth(&request, response, call).await
    }
}

#[cfg(test)]
mod tests;
