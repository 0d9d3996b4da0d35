//! The OS credential store (`storage="keyring"`): the Secret Service on Linux (over zbus, pure Rust), the
//! Keychain on macOS, the Credential Manager on Windows, through the `keyring` crate. One entry per profile:
//! service [`SERVICE`], account the profile's name.
//!
//! Every call runs on a thread of its own and is waited for at most [`KEYRING_TIMEOUT`]: the crate's calls
//! block (and the Secret Service one runs a tokio runtime of its own, which must never be started from a
//! thread of another runtime), a locked keyring may wait for a password prompt nobody sees, and a bus that
//! accepts a connection may never answer. A keyring that is absent, locked, refuses or stays silent is a
//! `STORAGE` error naming the file fallback. The key never enters a message: the crate's own errors are
//! described by their kind, and only the platform's text of a platform failure is kept.

use std::time::Duration;

use crate::{Error, Result};

/// The keyring entries' service name.
pub const SERVICE: &str = "openrouter-pkce";

/// How long a keyring call may take before it is a `STORAGE` error.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(30);

/// What every keyring error ends with: the way out.
pub(crate) const FALLBACK: &str =
    "keep the key in the file instead: storage=\"file\" (--storage file, OPENROUTER_PKCE_STORAGE=file)";

/// Where an entry is, for messages and `location()`.
pub(crate) fn describe(profile: &str) -> String {
    format!("the OS keyring ({}, service {SERVICE}, account {profile})", store_name())
}

fn store_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "Keychain"
    } else if cfg!(windows) {
        "Credential Manager"
    } else {
        "Secret Service"
    }
}

/// The stored secret of `profile`, `None` when there is no entry.
pub(crate) fn get(profile: &str) -> Result<Option<String>> {
    let account = profile.to_owned();
    run("read", profile, KEYRING_TIMEOUT, move || imp::get(&account))
}

/// Store `secret` as `profile`'s entry (replacing any).
pub(crate) fn set(profile: &str, secret: &str) -> Result<()> {
    let (account, secret) = (profile.to_owned(), secret.to_owned());
    run("write", profile, KEYRING_TIMEOUT, move || imp::set(&account, &secret))
}

/// Delete `profile`'s entry and return what it held (`None`: there was none).
pub(crate) fn delete(profile: &str) -> Result<Option<String>> {
    let account = profile.to_owned();
    run("delete", profile, KEYRING_TIMEOUT, move || imp::delete(&account))
}

/// What went wrong inside a keyring call, without the secret.
#[derive(Debug)]
#[allow(dead_code)] // Unsupported only where no store is compiled in
pub(crate) enum Failure {
    /// No usable store: none installed, no session bus, locked, access refused (the platform's words).
    Unavailable(String),
    /// The store answered with an error (the platform's words).
    Platform(String),
    /// The entry exists but does not hold text.
    BadEncoding,
    /// Built without the `keyring` feature, or an OS without a supported store.
    Unsupported,
}

/// Run `op` on a thread named `openrouter-pkce-keyring`, waiting at most `timeout`; a panic inside it is
/// an error, never unwound into the caller. A call that does not answer in time is left to finish on its
/// thread (it holds nothing of the caller's).
pub(crate) fn run<T: Send + 'static>(
    what: &str,
    profile: &str,
    timeout: Duration,
    op: impl FnOnce() -> std::result::Result<T, Failure> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new().name("openrouter-pkce-keyring".into()).spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(op)).map_err(|_| ());
        let _ = tx.send(outcome);
    });
    let where_ = describe(profile);
    if let Err(e) = spawned {
        return Err(Error::storage(
            format!("could not {what} {where_}: no thread for it; {FALLBACK}"),
            Some(e),
        ));
    }
    let outcome = match rx.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            return Err(Error::storage(
                format!(
                    "could not {what} {where_}: no answer within {} s (is it locked, or waiting for a password \
                     prompt?); {FALLBACK}",
                    timeout.as_secs()
                ),
                None,
            ));
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(()),
    };
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(Error::storage(
            match failure {
                Failure::Unavailable(detail) => {
                    format!("could not {what} {where_}: it is not available or locked ({detail}); {FALLBACK}")
                }
                Failure::Platform(detail) => format!("could not {what} {where_}: {detail}; {FALLBACK}"),
                Failure::BadEncoding => format!(
                    "{where_} holds an entry that is not text; delete it (`openrouter-pkce logout --storage \
                     keyring`) and log in again"
                ),
                Failure::Unsupported => format!(
                    "the OS keyring is not supported by this build ({}); {FALLBACK}",
                    if cfg!(feature = "keyring") {
                        "no store for this operating system"
                    } else {
                        "compiled without the `keyring` feature"
                    }
                ),
            },
            None,
        )),
        Err(_) => Err(Error::storage(
            format!("could not {what} {where_}: the keyring call failed; {FALLBACK}"),
            None,
        )),
    }
}

#[cfg(all(feature = "keyring", any(target_os = "linux", target_os = "macos", windows)))]
mod imp {
    use super::{Failure, SERVICE};

    fn failure(e: keyring::Error) -> Failure {
        // The variants' own texts never hold the secret; BadEncoding's payload (the bytes) is dropped.
        match e {
            keyring::Error::NoStorageAccess(inner) => Failure::Unavailable(one_line(&inner.to_string())),
            keyring::Error::PlatformFailure(inner) => Failure::Platform(one_line(&inner.to_string())),
            keyring::Error::BadEncoding(_) => Failure::BadEncoding,
            keyring::Error::TooLong(field, limit) => {
                Failure::Platform(format!("the {field} is longer than the store allows ({limit})"))
            }
            keyring::Error::Invalid(field, reason) => Failure::Platform(format!("invalid {field}: {reason}")),
            keyring::Error::Ambiguous(_) => {
                Failure::Platform("more than one entry matches; delete them with the store's own tool".into())
            }
            other => Failure::Platform(one_line(&other.to_string())),
        }
    }

    /// A platform's message on one bounded line.
    fn one_line(text: &str) -> String {
        let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(300).collect();
        text.trim().to_owned()
    }

    fn entry(account: &str) -> Result<keyring::Entry, Failure> {
        keyring::Entry::new(SERVICE, account).map_err(failure)
    }

    pub(super) fn get(account: &str) -> Result<Option<String>, Failure> {
        match entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    }

    pub(super) fn set(account: &str, secret: &str) -> Result<(), Failure> {
        entry(account)?.set_password(secret).map_err(failure)
    }

    pub(super) fn delete(account: &str) -> Result<Option<String>, Failure> {
        let entry = entry(account)?;
        let secret = match entry.get_password() {
            Ok(secret) => Some(secret),
            Err(keyring::Error::NoEntry) => return Ok(None),
            // Still delete an entry that is not text.
            Err(keyring::Error::BadEncoding(_)) => None,
            Err(e) => return Err(failure(e)),
        };
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(secret),
            Err(e) => Err(failure(e)),
        }
    }
}

#[cfg(not(all(feature = "keyring", any(target_os = "linux", target_os = "macos", windows))))]
mod imp {
    use super::Failure;

    pub(super) fn get(_account: &str) -> Result<Option<String>, Failure> {
        Err(Failure::Unsupported)
    }

    pub(super) fn set(_account: &str, _secret: &str) -> Result<(), Failure> {
        Err(Failure::Unsupported)
    }

    pub(super) fn delete(_account: &str) -> Result<Option<String>, Failure> {
        Err(Failure::Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_keyring_is_a_storage_error_naming_the_fallback() {
        let started = std::time::Instant::now();
        let e = run("read", "work", Duration::from_millis(200), || -> std::result::Result<(), Failure> {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        })
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(e.code(), "STORAGE");
        let msg = e.to_string();
        assert!(msg.contains("no answer within") && msg.contains("--storage file"), "{msg}");
        assert!(msg.contains("account work"), "{msg}");
    }

    #[test]
    fn a_panic_inside_a_keyring_call_is_an_error() {
        let e = run("write", "p", KEYRING_TIMEOUT, || -> std::result::Result<(), Failure> {
            panic!("boom sk-or-v1-secret")
        })
        .unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(!e.chain_message().contains("sk-or-v1-secret"));
        assert!(e.to_string().contains("--storage file"));
    }

    #[test]
    fn failures_name_the_fallback_and_never_the_secret() {
        for failure in [
            Failure::Unavailable("org.freedesktop.DBus.Error.ServiceUnknown".into()),
            Failure::Platform("denied".into()),
            Failure::Unsupported,
        ] {
            let e = run("read", "p", KEYRING_TIMEOUT, move || -> std::result::Result<(), Failure> {
                Err(failure)
            })
            .unwrap_err();
            assert_eq!(e.code(), "STORAGE");
            assert!(e.to_string().contains("--storage file"), "{e}");
        }
    }
}
