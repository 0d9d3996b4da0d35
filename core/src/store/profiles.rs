//! Profiles: several keys side by side, one per name (`work`, `personal`, …), and the one in use.
//!
//! The profile `default` keeps the key where it always was, `<config dir>/api_key`; any other lives beside it
//! in `<config dir>/profiles/<name>/api_key` (same file rules). `openrouter-pkce switch NAME` records the
//! active profile in `<config dir>/active_profile` (written like the key file: private, atomic). Which
//! profile a call uses: its own argument, else `OPENROUTER_PKCE_PROFILE`, else the active one, else
//! `default`. Names are 1–64 characters of ASCII letters, digits, `-`, `_` and `.` (not first or last), so a
//! name is always one plain directory entry on every OS: no separators, no `..`, no control characters, no
//! Windows device names.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The profile used when none is named anywhere.
pub const DEFAULT_PROFILE: &str = "default";
/// The environment variable naming the profile (over the active one).
pub const ENV_PROFILE: &str = "OPENROUTER_PKCE_PROFILE";
/// The longest profile name.
pub const MAX_PROFILE_LEN: usize = 64;
/// The directory (inside the config directory) holding one directory per profile other than `default`.
pub const PROFILES_DIR: &str = "profiles";
/// The file (inside the config directory) naming the active profile, written by `switch`.
pub const ACTIVE_PROFILE_FILE: &str = "active_profile";

/// What a profile name may be, for messages.
pub const PROFILE_SHAPE: &str =
    "1 to 64 ASCII letters, digits, `-`, `_` and `.` (not first or last), e.g. \"work\"";

const WINDOWS_DEVICES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Whether `name` is a profile name (see the module's rules).
pub fn is_valid_profile(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_PROFILE_LEN
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && !WINDOWS_DEVICES.contains(&name.split('.').next().unwrap_or(name).to_ascii_lowercase().as_str())
}

/// `INVALID_ARGUMENT` unless `name` is a profile name; the name is quoted escaped, never raw.
pub fn validate_profile(name: &str) -> Result<()> {
    if is_valid_profile(name) {
        return Ok(());
    }
    let why = if name.is_empty() {
        "is empty".to_owned()
    } else if name.chars().count() > MAX_PROFILE_LEN {
        format!("is longer than {MAX_PROFILE_LEN} characters")
    } else if name.contains(['/', '\\']) {
        "holds a path separator".to_owned()
    } else if name.contains("..") {
        "holds `..`".to_owned()
    } else if name.chars().any(char::is_control) {
        "holds a control character".to_owned()
    } else {
        format!("is not {PROFILE_SHAPE}")
    };
    let shown = if name.chars().count() > MAX_PROFILE_LEN {
        String::new()
    } else {
        format!(" {}", crate::error::quote_for_message(name))
    };
    Err(Error::invalid_argument(format!("profile{shown} {why}; a profile name is {PROFILE_SHAPE}")))
}

/// The directory holding `profile`'s key: the config directory itself for `default`.
pub(crate) fn profile_dir(config_dir: &Path, profile: &str) -> PathBuf {
    if profile == DEFAULT_PROFILE {
        config_dir.to_path_buf()
    } else {
        config_dir.join(PROFILES_DIR).join(profile)
    }
}

/// The profile `switch` made active, `default` when none was (or the file is gone).
pub(crate) fn active_in(config_dir: &Path) -> Result<String> {
    let path = config_dir.join(ACTIVE_PROFILE_FILE);
    let text = match super::read_small_file(&path, 2 * MAX_PROFILE_LEN) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(DEFAULT_PROFILE.to_owned()),
        Err(e) => return Err(e),
    };
    let name = text.trim();
    if name.is_empty() {
        return Ok(DEFAULT_PROFILE.to_owned());
    }
    if !is_valid_profile(name) {
        return Err(Error::storage(
            format!(
                "{} does not name a profile ({PROFILE_SHAPE}); run `openrouter-pkce switch default`",
                path.display()
            ),
            None,
        ));
    }
    Ok(name.to_owned())
}

/// Make `profile` the active one (`default` removes the record); returns the record's path.
pub(crate) fn switch_in(config_dir: &Path, profile: &str) -> Result<PathBuf> {
    validate_profile(profile)?;
    let path = config_dir.join(ACTIVE_PROFILE_FILE);
    if profile == DEFAULT_PROFILE {
        match fs::remove_file(&path) {
            Ok(()) => super::sync_dir(config_dir),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::storage(format!("could not remove {}", path.display()), Some(e))),
        }
        return Ok(path);
    }
    super::write_private_file(config_dir, ACTIVE_PROFILE_FILE, &format!("{profile}\n"))
}

/// Every profile that has something stored (a key file or a keyring record), plus `default` and the active
/// one: `default` first, the rest sorted. Directory entries that are not profile names are skipped.
pub(crate) fn list_in(config_dir: &Path, active: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let dir = config_dir.join(PROFILES_DIR);
    match fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry
                    .map_err(|e| Error::storage(format!("could not list {}", dir.display()), Some(e)))?;
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
                if name == DEFAULT_PROFILE || !is_valid_profile(&name) {
                    continue;
                }
                let pdir = profile_dir(config_dir, &name);
                let holds = |file: &str| fs::symlink_metadata(pdir.join(file)).is_ok();
                if holds(super::KEY_FILE_NAME) || holds(super::KEYRING_RECORD) {
                    names.push(name);
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::storage(format!("could not list {}", dir.display()), Some(e))),
    }
    if active != DEFAULT_PROFILE && !names.iter().any(|n| n == active) {
        names.push(active.to_owned());
    }
    names.sort();
    names.insert(0, DEFAULT_PROFILE.to_owned());
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_strict() {
        for good in ["default", "work", "Work-2", "a", "me_at.home", &"p".repeat(64)] {
            assert!(validate_profile(good).is_ok(), "{good}");
        }
        let long = "p".repeat(65);
        for (bad, why) in [
            ("", "empty"),
            ("a/b", "path separator"),
            ("a\\b", "path separator"),
            ("../x", "path separator"),
            ("..", "`..`"),
            ("a..b", "`..`"),
            ("a\nb", "control character"),
            ("a\u{0}b", "control character"),
            ("\u{1b}[2J", "control character"),
            (long.as_str(), "longer than 64"),
            (".hidden", "not 1 to 64"),
            ("trailing.", "not 1 to 64"),
            ("with space", "not 1 to 64"),
            ("b\u{fc}ro", "not 1 to 64"),
            ("con", "not 1 to 64"),
            ("NUL.txt", "not 1 to 64"),
            ("c:", "not 1 to 64"),
        ] {
            let e = validate_profile(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{bad:?}");
            assert!(e.to_string().contains(why), "{bad:?}: {e}");
            assert!(!e.to_string().contains('\n') && !e.to_string().contains('\u{1b}'), "{e}");
        }
    }

    #[test]
    fn profile_dirs_keep_default_where_it_was() {
        let cfg = Path::new("/cfg");
        assert_eq!(profile_dir(cfg, "default"), PathBuf::from("/cfg"));
        assert_eq!(profile_dir(cfg, "work"), PathBuf::from("/cfg/profiles/work"));
    }
}
