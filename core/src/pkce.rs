//! PKCE primitives (RFC 7636): verifiers, challenges, methods and their validation.
//!
//! Everything here is synchronous, pure (apart from drawing randomness) and allocation-light: a
//! `generate_pkce()` costs one ChaCha block refill every few calls, one SHA-256 and two base64 encodings.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result, quote_for_message};
use crate::rng;

/// Shortest verifier RFC 7636 allows.
pub const MIN_VERIFIER_LEN: usize = 43;
/// Longest verifier RFC 7636 allows.
pub const MAX_VERIFIER_LEN: usize = 128;
/// Default verifier length: 32 CSPRNG bytes in base64url, 256 bits.
pub const DEFAULT_VERIFIER_LEN: usize = 43;

/// The PKCE challenge method. Only the exact strings `S256` and `plain` are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ChallengeMethod {
    /// `BASE64URL(SHA256(verifier))`, the only method a capable client should use.
    #[default]
    #[serde(rename = "S256")]
    S256,
    /// The challenge is the verifier itself. Discouraged; never a fallback.
    #[serde(rename = "plain")]
    Plain,
}

impl ChallengeMethod {
    /// Parse the exact method string (`"S256"` or `"plain"`); anything else is `INVALID_METHOD`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "S256" => Ok(ChallengeMethod::S256),
            "plain" => Ok(ChallengeMethod::Plain),
            other => Err(Error::InvalidMethod { method: quote_for_message(other) }),
        }
    }

    /// The method's wire string.
    pub const fn as_str(self) -> &'static str {
        match self {
            ChallengeMethod::S256 => "S256",
            ChallengeMethod::Plain => "plain",
        }
    }
}

impl FromStr for ChallengeMethod {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ChallengeMethod::parse(s)
    }
}

impl fmt::Display for ChallengeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Check a verifier: 43–128 characters (not bytes) from `[A-Za-z0-9._~-]`.
///
/// The error names the problem and never contains the verifier.
pub fn validate_verifier(verifier: &str) -> Result<()> {
    let n = verifier.chars().count();
    if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&n) {
        return Err(Error::InvalidVerifier { reason: format!("must be 43 to 128 characters long, got {n}") });
    }
    if let Some((pos, _)) = verifier.chars().enumerate().find(|(_, c)| !is_unreserved(*c)) {
        return Err(Error::InvalidVerifier {
            reason: format!(
                "only A-Z a-z 0-9 and - . _ ~ are allowed; character {} is not one of them",
                pos + 1
            ),
        });
    }
    Ok(())
}

/// RFC 3986 unreserved characters, the verifier alphabet.
pub(crate) fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// A validated code verifier. A secret: `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// Validate and wrap an existing verifier.
    pub fn new(verifier: impl Into<String>) -> Result<Self> {
        let v = verifier.into();
        validate_verifier(&v)?;
        Ok(CodeVerifier(v))
    }

    /// A new random verifier of `length` characters (43–128), with 6 bits of OS-seeded CSPRNG entropy per
    /// character (the default 43 characters are exactly 32 random bytes in base64url).
    pub fn generate(length: usize) -> Result<Self> {
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&length) {
            return Err(Error::InvalidVerifier { reason: format!("length must be 43 to 128, got {length}") });
        }
        // ceil(length * 6 / 8) bytes encode to at least `length` base64url characters.
        let n_bytes = (length * 6).div_ceil(8);
        let mut bytes = [0u8; 96];
        rng::fill(&mut bytes[..n_bytes]);
        let mut out = URL_SAFE_NO_PAD.encode(&bytes[..n_bytes]);
        out.truncate(length);
        Ok(CodeVerifier(out))
    }

    /// The verifier itself. Secret: send it only in the exchange.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The challenge for this verifier.
    pub fn challenge(&self, method: ChallengeMethod) -> String {
        challenge_unchecked(&self.0, method)
    }
}

impl TryFrom<String> for CodeVerifier {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        CodeVerifier::new(s)
    }
}

impl From<CodeVerifier> for String {
    fn from(v: CodeVerifier) -> String {
        v.0
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier(<redacted>)")
    }
}

impl fmt::Display for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

fn challenge_unchecked(verifier: &str, method: ChallengeMethod) -> String {
    match method {
        ChallengeMethod::Plain => verifier.to_owned(),
        ChallengeMethod::S256 => {
            let digest = Sha256::digest(verifier.as_bytes());
            let mut buf = [0u8; 43];
            let n = URL_SAFE_NO_PAD
                .encode_slice(digest, &mut buf)
                .expect("a SHA-256 digest always encodes to 43 base64url characters");
            // The buffer holds only base64url ASCII.
            String::from_utf8_lossy(&buf[..n]).into_owned()
        }
    }
}

/// A new random verifier (see [`CodeVerifier::generate`]).
pub fn create_verifier(length: usize) -> Result<String> {
    CodeVerifier::generate(length).map(String::from)
}

/// The challenge of a verifier with `method` (`"S256"` or `"plain"`).
pub fn create_challenge(code_verifier: &str, method: &str) -> Result<String> {
    let method = ChallengeMethod::parse(method)?;
    validate_verifier(code_verifier)?;
    Ok(challenge_unchecked(code_verifier, method))
}

/// Whether `code_challenge` is the challenge of `code_verifier`, compared in constant time.
pub fn verify_challenge(code_verifier: &str, code_challenge: &str, method: &str) -> Result<bool> {
    let expected = create_challenge(code_verifier, method)?;
    Ok(ct_eq_str(&expected, code_challenge))
}

/// Constant-time string equality (the length is not secret).
pub(crate) fn ct_eq_str(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A verifier, its challenge and the method: what a flow needs.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    /// The secret verifier.
    pub code_verifier: CodeVerifier,
    /// The challenge sent in the authorization URL.
    pub code_challenge: String,
    /// The method that made the challenge.
    pub code_challenge_method: ChallengeMethod,
}

impl Pkce {
    /// A fresh verifier of `length` characters and its challenge.
    pub fn generate(length: usize, method: ChallengeMethod) -> Result<Self> {
        let code_verifier = CodeVerifier::generate(length)?;
        let code_challenge = code_verifier.challenge(method);
        Ok(Pkce { code_verifier, code_challenge, code_challenge_method: method })
    }
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let challenge: &str = match self.code_challenge_method {
            // With `plain` the challenge *is* the verifier.
            ChallengeMethod::Plain => "<redacted>",
            ChallengeMethod::S256 => &self.code_challenge,
        };
        f.debug_struct("Pkce")
            .field("code_verifier", &self.code_verifier)
            .field("code_challenge", &challenge)
            .field("code_challenge_method", &self.code_challenge_method)
            .finish()
    }
}

/// A verifier and challenge in one call; `method` is `"S256"` or `"plain"`.
pub fn generate_pkce(length: usize, method: &str) -> Result<Pkce> {
    Pkce::generate(length, ChallengeMethod::parse(method)?)
}

/// The default pair (43-character verifier, S256) written into caller-provided buffers, for bindings
/// that want to build their own string objects without an intermediate allocation.
///
/// Returns the verifier in `verifier[..43]` and the challenge in `challenge[..43]`, both ASCII.
pub fn generate_default_into(verifier: &mut [u8; 43], challenge: &mut [u8; 43]) {
    let mut bytes = [0u8; 32];
    rng::fill(&mut bytes);
    let n =
        URL_SAFE_NO_PAD.encode_slice(bytes, verifier).expect("32 bytes encode to 43 base64url characters");
    debug_assert_eq!(n, 43);
    let digest = Sha256::digest(&verifier[..]);
    let m = URL_SAFE_NO_PAD
        .encode_slice(digest, challenge)
        .expect("a SHA-256 digest always encodes to 43 base64url characters");
    debug_assert_eq!(m, 43);
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105,
            214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(URL_SAFE_NO_PAD.encode(octets), RFC_VERIFIER);
        assert_eq!(create_challenge(RFC_VERIFIER, "S256").unwrap(), RFC_CHALLENGE);
        assert!(verify_challenge(RFC_VERIFIER, RFC_CHALLENGE, "S256").unwrap());
        assert!(!verify_challenge(RFC_VERIFIER, RFC_VERIFIER, "S256").unwrap());
        assert!(verify_challenge(RFC_VERIFIER, RFC_VERIFIER, "plain").unwrap());
    }

    #[test]
    fn methods_are_exact() {
        for bad in ["s256", "SHA256", "", "S256 ", " S256", "PLAIN", "Plain", "S256\0"] {
            let err = ChallengeMethod::parse(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_METHOD", "{bad:?}");
        }
        assert_eq!(ChallengeMethod::parse("S256").unwrap(), ChallengeMethod::S256);
        assert_eq!(ChallengeMethod::parse("plain").unwrap(), ChallengeMethod::Plain);
    }

    #[test]
    fn generated_lengths_and_alphabet() {
        for len in [43, 44, 64, 100, 127, 128] {
            let v = create_verifier(len).unwrap();
            assert_eq!(v.len(), len);
            validate_verifier(&v).unwrap();
        }
        for len in [0, 42, 129, usize::MAX] {
            assert_eq!(create_verifier(len).unwrap_err().code(), "INVALID_VERIFIER");
        }
    }

    #[test]
    fn refuses_lookalikes_and_counts_characters() {
        let base = "a".repeat(42);
        for bad_char in ["ａ", "é", "😀", "\u{202e}", " ", "+", "/", "=", "%", "\0", "\n"] {
            let v = format!("{base}{bad_char}");
            let err = validate_verifier(&v).unwrap_err();
            assert_eq!(err.code(), "INVALID_VERIFIER");
            assert!(!err.to_string().contains(&base));
        }
        // 42 chars of which one is multi-byte: too short by characters even though 43+ bytes.
        let v = format!("{}é", "a".repeat(41));
        assert!(v.len() >= 43);
        assert_eq!(validate_verifier(&v).unwrap_err().code(), "INVALID_VERIFIER");
    }

    #[test]
    fn pair_is_consistent_and_redacted() {
        let p = generate_pkce(43, "S256").unwrap();
        assert!(verify_challenge(p.code_verifier.secret(), &p.code_challenge, "S256").unwrap());
        let dbg = format!("{p:?}");
        assert!(!dbg.contains(p.code_verifier.secret()));
        let plain = generate_pkce(50, "plain").unwrap();
        assert_eq!(plain.code_challenge, plain.code_verifier.secret());
        assert!(!format!("{plain:?}").contains(plain.code_verifier.secret()));
    }

    #[test]
    fn default_into_matches_create_challenge() {
        let mut v = [0u8; 43];
        let mut c = [0u8; 43];
        generate_default_into(&mut v, &mut c);
        let vs = std::str::from_utf8(&v).unwrap();
        assert_eq!(create_challenge(vs, "S256").unwrap(), std::str::from_utf8(&c).unwrap());
    }

    #[test]
    fn verify_is_false_for_wrong_lengths() {
        assert!(!verify_challenge(RFC_VERIFIER, "short", "S256").unwrap());
        assert!(!verify_challenge(RFC_VERIFIER, "", "S256").unwrap());
    }
}
