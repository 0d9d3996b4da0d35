//! Where the key lives between runs: `OPENROUTER_API_KEY`, else the profile's key file in the user's config
//! directory, or the OS keyring when asked for (`storage="keyring"`, see `store/keyring.rs`).
//!
//! Profiles (`store/profiles.rs`) keep several keys side by side: `default`'s file is `<config dir>/api_key`
//! as it always was, any other's `<config dir>/profiles/<name>/api_key`. A key kept in the keyring leaves a
//! record without the secret beside where its file would be (`api_key.keyring`), so the profile is listed and
//! later calls find it without being told.
//!
//! A key file holds the key and a newline. On Unix it is created 0600 at open time
//! (never chmod-ed afterwards) inside a directory created 0700, replaced atomically (temp file in the same
//! directory, `fsync`, `rename`, `fsync` of the directory), never read through a symlink, and refused when group
//! or other users can read it. Storage never changes what it did not create: an existing config directory is
//! used as it is when it belongs to the user and nobody else can write to it, and refused otherwise (never
//! chmod-ed). On Windows the same promises are kept with access lists instead of modes (see `store/windows.rs`):
//! the file and the directories created for it get an owner-only DACL at creation, a file others may read is
//! refused, and a symlink or junction at the path is refused from its own handle. Error messages name the path
//! and never contain the key.
//!
//! The `*_in` / `*_from` functions take the directory explicitly; the public wrappers only read the environment.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::api_key::{KEY_SHAPE, KeySource, is_well_formed_key, trim_key};

pub mod keyring;
pub mod profiles;
#[cfg(windows)]
mod windows;
use crate::{ApiKey, Error, Result};
pub use keyring::{KEYRING_TIMEOUT, SERVICE as KEYRING_SERVICE};
pub use profiles::{
    DEFAULT_PROFILE, ENV_PROFILE, MAX_PROFILE_LEN, PROFILE_SHAPE, is_valid_profile, validate_profile,
};

/// The environment variable whose value wins over the stored key.
pub const ENV_KEY: &str = "OPENROUTER_API_KEY";
/// The environment variable that overrides the config directory.
pub const ENV_CONFIG_DIR: &str = "OPENROUTER_PKCE_CONFIG_DIR";

/// The key file's name inside the config directory.
pub const KEY_FILE_NAME: &str = "api_key";
pub use crate::api_key::MAX_KEY_LEN;

const APP_DIR: &str = "openrouter-pkce";

/// The directory holding the key file.
///
/// `$OPENROUTER_PKCE_CONFIG_DIR` when set; else, on Linux and other Unixes, `$XDG_CONFIG_HOME/openrouter-pkce`
/// or `$HOME/.config/openrouter-pkce`; on macOS `~/Library/Application Support/openrouter-pkce`; on Windows
/// `%APPDATA%\openrouter-pkce`. Fails with `STORAGE` when none of these can be found.
pub fn config_dir() -> Result<PathBuf> {
    config_dir_from(crate::env::var_os)
}

/// [`config_dir`] with the environment supplied by the caller.
fn config_dir_from(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    let non_empty = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(dir) = non_empty(ENV_CONFIG_DIR) {
        return match absolute_dir(dir) {
            Some(dir) => Ok(dir),
            None => Err(Error::storage(
                format!(
                    "{ENV_CONFIG_DIR} must be an absolute path (a relative one would depend on the working directory)"
                ),
                None,
            )),
        };
    }
    #[cfg(windows)]
    {
        if let Some(appdata) = non_empty("APPDATA") {
            return Ok(PathBuf::from(appdata).join(APP_DIR));
        }
        Err(Error::storage(
            format!("cannot find the config directory: APPDATA is not set; set {ENV_CONFIG_DIR}"),
            None,
        ))
    }
    #[cfg(not(windows))]
    {
        #[cfg(not(target_os = "macos"))]
        // The XDG spec says relative paths are invalid and must be ignored.
        if let Some(xdg) = non_empty("XDG_CONFIG_HOME").and_then(absolute_dir) {
            return Ok(xdg.join(APP_DIR));
        }
        let Some(home) = non_empty("HOME") else {
            return Err(Error::storage(
                format!("cannot find the config directory: HOME is not set; set {ENV_CONFIG_DIR}"),
                None,
            ));
        };
        let home = PathBuf::from(home);
        #[cfg(target_os = "macos")]
        {
            Ok(home.join("Library").join("Application Support").join(APP_DIR))
        }
        #[cfg(not(target_os = "macos"))]
        {
            Ok(home.join(".config").join(APP_DIR))
        }
    }
}

/// The one rule for directories named by the environment: only an absolute path is used (a relative
/// `XDG_CONFIG_HOME` is ignored as its spec says, a relative `OPENROUTER_PKCE_CONFIG_DIR` is refused).
fn absolute_dir(value: OsString) -> Option<PathBuf> {
    let path = PathBuf::from(value);
    path.is_absolute().then_some(path)
}

/// Where keys are kept: the key file (the default) or the OS keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Storage {
    /// The private file (`0600` in a `0700` directory; an owner-only access list on Windows).
    File,
    /// The OS credential store: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
    Keyring,
}

impl Storage {
    /// `"file"` or `"keyring"`, exactly; anything else is `INVALID_ARGUMENT`.
    pub fn parse(value: &str) -> Result<Storage> {
        match value {
            "file" => Ok(Storage::File),
            "keyring" => Ok(Storage::Keyring),
            other => Err(Error::invalid_argument(format!(
                "storage {} is not \"file\" or \"keyring\"",
                crate::error::quote_for_message(other)
            ))),
        }
    }

    /// `"file"` or `"keyring"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Storage::File => "file",
            Storage::Keyring => "keyring",
        }
    }
}

/// Which profile and storage a storage call (or a saving login) uses. `None` is the environment's choice
/// ([`ENV_PROFILE`], [`ENV_STORAGE`]), else the active profile (`switch`) and the storage the profile already
/// uses, else `default` and the file. The strings are checked by the core: bindings pass them as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// A profile name ([`PROFILE_SHAPE`]).
    pub profile: Option<String>,
    /// `"file"` or `"keyring"`.
    pub storage: Option<String>,
}

impl StoreOptions {
    /// Options naming `profile`.
    pub fn profile(profile: impl Into<String>) -> Self {
        StoreOptions { profile: Some(profile.into()), storage: None }
    }

    /// Check the given strings (not the environment): `INVALID_ARGUMENT` for a bad profile name or storage.
    pub fn validate(&self) -> Result<()> {
        if let Some(p) = &self.profile {
            validate_profile(p)?;
        }
        if let Some(s) = &self.storage {
            Storage::parse(s)?;
        }
        Ok(())
    }
}

/// One profile's store, resolved: its name, where its key file is, and which storage was asked for.
#[derive(Debug, Clone)]
pub struct Store {
    config_dir: PathBuf,
    profile: String,
    /// Asked for by the call or [`ENV_STORAGE`]; `None`: whatever the profile already uses.
    storage: Option<Storage>,
}

/// The environment variable choosing the storage (`file` or `keyring`) when a call does not.
pub const ENV_STORAGE: &str = "OPENROUTER_PKCE_STORAGE";
/// The file beside a profile's key file recording that its key is in the OS keyring (no secret in it).
pub const KEYRING_RECORD: &str = "api_key.keyring";

/// A non-empty environment value, `INVALID_ARGUMENT`-free: bad values are reported by the caller's parse.
fn env_choice(name: &str) -> Option<String> {
    crate::env::var_os(name).map(|v| v.to_string_lossy().trim().to_owned()).filter(|v| !v.is_empty())
}

fn env_storage() -> Result<Option<Storage>> {
    env_choice(ENV_STORAGE)
        .map(|v| {
            Storage::parse(&v).map_err(|_| {
                Error::invalid_argument(format!("{ENV_STORAGE} must be \"file\" or \"keyring\""))
            })
        })
        .transpose()
}

fn env_profile() -> Result<Option<String>> {
    env_choice(ENV_PROFILE)
        .map(|v| {
            if is_valid_profile(&v) {
                Ok(v)
            } else {
                Err(Error::invalid_argument(format!("{ENV_PROFILE} is not a profile name ({PROFILE_SHAPE})")))
            }
        })
        .transpose()
}

impl Store {
    /// Resolve `options` against the environment and the config directory ([`config_dir`]).
    pub fn open(options: &StoreOptions) -> Result<Store> {
        options.validate()?;
        let storage = match &options.storage {
            Some(s) => Some(Storage::parse(s)?),
            None => env_storage()?,
        };
        let named = match &options.profile {
            Some(p) => Some(p.clone()),
            None => env_profile()?,
        };
        let config_dir = config_dir()?;
        let profile = match named {
            Some(p) => p,
            None => profiles::active_in(&config_dir)?,
        };
        Ok(Store { config_dir, profile, storage })
    }

    /// The store of `profile` in `config_dir`, with `storage` asked for (the tests').
    #[cfg(test)]
    pub(crate) fn in_dir(config_dir: &Path, profile: &str, storage: Option<Storage>) -> Store {
        Store { config_dir: config_dir.to_path_buf(), profile: profile.to_owned(), storage }
    }

    /// The profile's name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The directory of the profile's files (the config directory itself for `default`).
    pub fn dir(&self) -> PathBuf {
        profiles::profile_dir(&self.config_dir, &self.profile)
    }

    /// The profile's key file, whether or not it exists (or the key is in the keyring).
    pub fn key_path(&self) -> PathBuf {
        self.dir().join(KEY_FILE_NAME)
    }

    fn keyring_record(&self) -> PathBuf {
        self.dir().join(KEYRING_RECORD)
    }

    fn in_keyring(&self) -> bool {
        fs::symlink_metadata(self.keyring_record()).is_ok()
    }

    /// Where a save goes: the storage asked for, else the keyring when the profile's key is there, else the file.
    pub fn storage(&self) -> Storage {
        self.storage.unwrap_or(if self.in_keyring() { Storage::Keyring } else { Storage::File })
    }

    /// Where the profile's key is (or would be) kept, for people: the key file's path, or the keyring entry.
    pub fn location(&self) -> String {
        match self.storage() {
            Storage::File => self.key_path().display().to_string(),
            Storage::Keyring => keyring::describe(&self.profile),
        }
    }

    /// The key to use: [`ENV_KEY`] when set (source `env`), else the stored key.
    pub fn load(&self) -> Result<Option<ApiKey>> {
        match env_key_checked()? {
            Some(key) => Ok(Some(ApiKey::new(key, None).with_source(KeySource::Env))),
            None => self.load_stored(),
        }
    }

    /// Only the stored key (source `file` or `keyring`). With no storage asked for, the key file wins, then
    /// the keyring when the profile's key was saved there.
    pub fn load_stored(&self) -> Result<Option<ApiKey>> {
        let from_keyring = || -> Result<Option<ApiKey>> {
            Ok(self.keyring_get()?.map(|k| ApiKey::new(k, None).with_source(KeySource::Keyring)))
        };
        let from_file = || -> Result<Option<ApiKey>> {
            Ok(load_stored_key_in(&self.dir())?.map(|k| ApiKey::new(k, None).with_source(KeySource::File)))
        };
        match self.storage {
            Some(Storage::File) => from_file(),
            Some(Storage::Keyring) => from_keyring(),
            None => match from_file()? {
                Some(key) => Ok(Some(key)),
                None if self.in_keyring() => from_keyring(),
                None => Ok(None),
            },
        }
    }

    fn keyring_get(&self) -> Result<Option<String>> {
        let Some(raw) = keyring::get(&self.profile)? else { return Ok(None) };
        let key = trim_key(&raw);
        if key.is_empty() {
            return Ok(None);
        }
        if !is_well_formed_key(key) {
            return Err(Error::storage(
                format!(
                    "{} does not hold a valid key ({KEY_SHAPE}); run `openrouter-pkce logout --storage keyring` and \
                     log in again",
                    keyring::describe(&self.profile)
                ),
                None,
            ));
        }
        Ok(Some(key.to_owned()))
    }

    /// Store `key` (replacing the profile's key) and return where ([`Store::location`]). Saving to the
    /// keyring records that in the profile's directory and removes a key file of the profile; saving to the
    /// file removes the profile's keyring entry.
    pub fn save(&self, key: &str) -> Result<String> {
        validate_key(key)?;
        match self.storage() {
            Storage::File => {
                let path = save_key_in(&self.dir(), key)?;
                if self.in_keyring() {
                    keyring::delete(&self.profile)?;
                    remove_if_present(&self.keyring_record())?;
                }
                Ok(path.display().to_string())
            }
            Storage::Keyring => {
                // The directory first: a profile whose directory cannot be kept is refused before the keyring.
                ensure_private_dir(&self.dir())?;
                keyring::set(&self.profile, key)?;
                write_private_file(
                    &self.dir(),
                    KEYRING_RECORD,
                    &format!("service {}\naccount {}\n", keyring::SERVICE, self.profile),
                )?;
                remove_if_present(&self.key_path())?;
                Ok(keyring::describe(&self.profile))
            }
        }
    }

    /// Delete the profile's stored key (file, keyring entry, or both) and return it, so the caller can point
    /// at its settings page. `Ok(None)` when nothing was stored. [`ENV_KEY`] is not touched.
    pub fn logout(&self) -> Result<Option<ApiKey>> {
        let mut removed = None;
        if self.storage != Some(Storage::Keyring) {
            removed = logout_in(&self.dir())?.map(|k| k.with_source(KeySource::File));
        }
        if self.storage == Some(Storage::Keyring) || (self.storage.is_none() && self.in_keyring()) {
            let secret = keyring::delete(&self.profile)?;
            remove_if_present(&self.keyring_record())?;
            if removed.is_none() {
                removed = secret
                    .map(|s| trim_key(&s).to_owned())
                    .filter(|s| is_well_formed_key(s))
                    .map(|s| ApiKey::new(s, None).with_source(KeySource::Keyring));
            }
        }
        Ok(removed)
    }
}

/// The key file of the profile `options` names: `<config dir>/api_key` for `default`,
/// `<config dir>/profiles/<name>/api_key` for the others.
pub fn key_path_with(options: &StoreOptions) -> Result<PathBuf> {
    Ok(Store::open(options)?.key_path())
}

/// [`key_path_with`] of the profile in use.
pub fn key_path() -> Result<PathBuf> {
    key_path_with(&StoreOptions::default())
}

/// The key to use: `OPENROUTER_API_KEY` when set and non-empty (trimmed), else the stored key of the
/// profile in use, else `None`; its [`ApiKey::source`] says which (`env`, `file`, `keyring`).
///
/// Surrounding whitespace and a byte-order mark are removed; a value that is still not a well-formed key
/// (inner spaces, control or escape characters, non-ASCII, too long, no `sk-` prefix) is refused with
/// `STORAGE`, naming the variable or the file it came from. The options are checked first, even when the
/// environment's key is used; the environment's key needs no config directory.
pub fn load_key_with(options: &StoreOptions) -> Result<Option<ApiKey>> {
    options.validate()?;
    if let Some(key) = env_key_checked()? {
        return Ok(Some(ApiKey::new(key, None).with_source(KeySource::Env)));
    }
    Store::open(options)?.load_stored()
}

/// [`load_key_with`] with the defaults.
pub fn load_key() -> Result<Option<ApiKey>> {
    load_key_with(&StoreOptions::default())
}

/// [`load_key`] with where the key came from: `None` for [`ENV_KEY`], else the key file's path (or the
/// keyring entry's description).
pub fn key_in_use() -> Result<Option<(String, Option<PathBuf>)>> {
    let store_of = || Store::open(&StoreOptions::default());
    Ok(match load_key()? {
        None => None,
        Some(key) => {
            let from = match key.source() {
                Some(KeySource::Env) | None => None,
                Some(KeySource::File) => Some(store_of()?.key_path()),
                Some(KeySource::Keyring) => Some(PathBuf::from(store_of()?.location())),
            };
            Some((key.key().to_owned(), from))
        }
    })
}

/// `OPENROUTER_API_KEY` checked, `None` when unset or blank.
fn env_key_checked() -> Result<Option<String>> {
    let env = match crate::env::var(ENV_KEY) {
        Ok(v) => Some(v),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Error::storage(format!("{ENV_KEY} does not hold a valid key (not UTF-8)"), None));
        }
    };
    env_key(env.as_deref())
}

/// Only the stored key of the profile in use (the environment is not consulted).
pub fn load_stored_key() -> Result<Option<String>> {
    Ok(Store::open(&StoreOptions::default())?.load_stored()?.map(|k| k.key().to_owned()))
}

/// Store `key` for the profile `options` names (atomically in its key file, creating the directories, or in
/// the OS keyring); returns where ([`Store::location`]).
///
/// The key must be non-empty, at most 4096 bytes, without whitespace or control characters
/// (`INVALID_ARGUMENT` otherwise).
pub fn save_key_with(key: &str, options: &StoreOptions) -> Result<String> {
    validate_key(key)?;
    Store::open(options)?.save(key)
}

/// [`save_key_with`] for the profile in use; returns the key file's path (`STORAGE` when the profile's
/// storage is the keyring: use [`save_key_with`]).
pub fn save_key(key: &str) -> Result<PathBuf> {
    validate_key(key)?;
    let store = Store::open(&StoreOptions::default())?;
    if store.storage() == Storage::Keyring {
        store.save(key)?;
        return Ok(store.key_path());
    }
    save_key_in(&store.dir(), key)
}

/// Delete the stored key of the profile `options` names and return it, so the caller can point the user at
/// its settings page to revoke it.
///
/// `Ok(None)` when nothing was stored. A file that cannot be read as a key (a symlink, a directory entry
/// of another kind, unreadable content) is still removed, and `None` is returned for it. The environment
/// variable is not touched.
pub fn logout_with(options: &StoreOptions) -> Result<Option<ApiKey>> {
    Store::open(options)?.logout()
}

/// [`logout_with`] for the profile in use.
pub fn logout() -> Result<Option<ApiKey>> {
    logout_with(&StoreOptions::default())
}

/// The profile in use when a call names none: [`ENV_PROFILE`], else the one `switch` made active, else
/// `default`.
pub fn active_profile() -> Result<String> {
    match env_profile()? {
        Some(p) => Ok(p),
        None => profiles::active_in(&config_dir()?),
    }
}

/// The profile `switch` recorded (not [`ENV_PROFILE`]).
pub fn switched_profile() -> Result<String> {
    profiles::active_in(&config_dir()?)
}

/// Make `profile` the active one (recorded in `<config dir>/active_profile`, private and atomic like the
/// key file); returns the record's path.
pub fn switch_profile(profile: &str) -> Result<PathBuf> {
    validate_profile(profile)?;
    profiles::switch_in(&config_dir()?, profile)
}

/// Every profile with a stored key (or a keyring record), plus `default` and the active one; `default` first.
pub fn list_profiles() -> Result<Vec<String>> {
    profiles::list_in(&config_dir()?, &active_profile()?)
}

/// What `logout` tells the user: the key it deleted (masked) and where to revoke it, or that there was none;
/// plus a note when `OPENROUTER_API_KEY` is still set (it is not touched). The one sentence of every
/// binding and the CLI.
pub fn logout_message(removed: Option<&ApiKey>, path: &str) -> String {
    let mut text = match removed {
        Some(key) => format!(
            "Deleted the stored key {} ({path}).\nIt still works until you revoke it: {}",
            key.masked(),
            key.settings_url()
        ),
        None => format!("No stored key to delete ({path})."),
    };
    if crate::env::var_os(ENV_KEY).is_some_and(|v| !v.to_string_lossy().trim().is_empty()) {
        text.push_str(&format!("\nNote: {ENV_KEY} is still set in your environment."));
    }
    text
}

/// The environment's key: `None` when unset or blank, an error when set to something that is not a key.
fn env_key(value: Option<&str>) -> Result<Option<String>> {
    let Some(key) = value.map(trim_key).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if !is_well_formed_key(key) {
        return Err(Error::storage(
            format!("{ENV_KEY} does not hold a valid key ({KEY_SHAPE}); fix or unset it"),
            None,
        ));
    }
    Ok(Some(key.to_owned()))
}

/// [`load_key`] with the environment's value and the directory given.
#[cfg(test)]
pub(crate) fn load_key_from(env_value: Option<&str>, dir: &Path) -> Result<Option<String>> {
    match env_key(env_value)? {
        Some(key) => Ok(Some(key)),
        None => load_stored_key_in(dir),
    }
}

/// [`load_stored_key`] from `dir`.
pub(crate) fn load_stored_key_in(dir: &Path) -> Result<Option<String>> {
    read_key_file(&dir.join(KEY_FILE_NAME), true)
}

fn validate_key(key: &str) -> Result<()> {
    if is_well_formed_key(key) {
        Ok(())
    } else {
        Err(Error::invalid_argument(format!("key: not a well-formed API key ({KEY_SHAPE})")))
    }
}

/// [`save_key`] into `dir`.
pub(crate) fn save_key_in(dir: &Path, key: &str) -> Result<PathBuf> {
    validate_key(key)?;
    let mut content = String::with_capacity(key.len() + 1);
    content.push_str(key);
    content.push('\n');
    write_private_file(dir, KEY_FILE_NAME, &content)
}

/// Replace `dir/name` atomically with `content` (a private temp file in the same directory, `fsync`,
/// `rename`, `fsync` of the directory); `dir` must exist. The key file's and the profile records' one writer.
pub(crate) fn write_private_file(dir: &Path, name: &str, content: &str) -> Result<PathBuf> {
    ensure_private_dir(dir)?;
    let path = dir.join(name);
    match fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::storage(
                format!("{} is a symlink; refusing to replace it (remove it and try again)", path.display()),
                None,
            ));
        }
        Ok(meta) if meta.is_dir() => {
            return Err(Error::storage(format!("{} is a directory", path.display()), None));
        }
        _ => {}
    }
    let tmp = dir.join(format!(".{name}.{}.tmp", crate::rng::token(9)));
    let written = (|| -> io::Result<()> {
        let mut file = create_new_private(&tmp)?;
        file.write_all(content.as_bytes())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(Error::storage(format!("could not write {}", path.display()), Some(e)));
    }
    sync_dir(dir);
    Ok(path)
}

/// Remove `path` if it is there (a file or a symlink, never followed).
fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => {
            if let Some(dir) = path.parent() {
                sync_dir(dir);
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::storage(format!("could not remove {}", path.display()), Some(e))),
    }
}

/// A small non-secret file read without following a symlink: `Ok(None)` when absent; `STORAGE` when it is
/// not a regular file, larger than `max` bytes or not UTF-8.
pub(crate) fn read_small_file(path: &Path, max: usize) -> Result<Option<String>> {
    let mut file = match open_no_follow(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::storage(format!("could not open {}", path.display()), Some(e))),
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::storage(format!("could not inspect {}", path.display()), Some(e)))?;
    if !meta.is_file() {
        return Err(Error::storage(format!("{} is not a regular file", path.display()), None));
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::storage(format!("could not read {}", path.display()), Some(e)))?;
    if bytes.len() > max {
        return Err(Error::storage(format!("{} is larger than {max} bytes", path.display()), None));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::storage(format!("{} is not UTF-8 text", path.display()), None))
}

/// [`logout`] in `dir`.
pub(crate) fn logout_in(dir: &Path) -> Result<Option<ApiKey>> {
    let path = dir.join(KEY_FILE_NAME);
    let meta = match fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::storage(format!("could not inspect {}", path.display()), Some(e)));
        }
    };
    if meta.is_dir() {
        return Err(Error::storage(format!("{} is a directory; not removing it", path.display()), None));
    }
    // Reading for logout ignores loose permissions: the file is about to go anyway.
    let key = if meta.file_type().is_symlink() { None } else { read_key_file(&path, false).ok().flatten() };
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::storage(format!("could not remove {}", path.display()), Some(e)));
        }
    }
    sync_dir(dir);
    Ok(key.map(|k| ApiKey::new(k, None)))
}

/// Read and validate the key file. `Ok(None)` when it does not exist or holds nothing.
fn read_key_file(path: &Path, check_mode: bool) -> Result<Option<String>> {
    let mut file = match open_no_follow(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if is_symlink_refusal(&e) => {
            return Err(Error::storage(
                format!("{} is a symlink; refusing to follow a symlink to the key file", path.display()),
                Some(e),
            ));
        }
        Err(e) => {
            return Err(Error::storage(format!("could not open {}", path.display()), Some(e)));
        }
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::storage(format!("could not inspect {}", path.display()), Some(e)))?;
    if !meta.is_file() {
        return Err(Error::storage(format!("{} is not a regular file", path.display()), None));
    }
    if check_mode {
        check_private_file(path, &file, &meta)?;
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_KEY_LEN as u64 + 3)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::storage(format!("could not read {}", path.display()), Some(e)))?;
    if bytes.len() > MAX_KEY_LEN + 2 {
        return Err(Error::storage(format!("{} is too large to hold a key", path.display()), None));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::storage(format!("{} does not hold a valid key (not UTF-8)", path.display()), None)
    })?;
    let key = trim_key(&text);
    if key.is_empty() {
        return Ok(None);
    }
    if validate_key(key).is_err() {
        return Err(Error::storage(
            format!(
                "{} does not hold a valid key ({KEY_SHAPE}); run `openrouter-pkce logout` and log in again",
                path.display()
            ),
            None,
        ));
    }
    Ok(Some(key.to_owned()))
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO planted at the path must not hang; it is refused as "not a regular file".
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
}

#[cfg(windows)]
use windows::{create_new_private, is_symlink_refusal, open_no_follow};

#[cfg(not(any(unix, windows)))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new().read(true).open(path)
}

#[cfg(unix)]
fn is_symlink_refusal(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(any(unix, windows)))]
fn is_symlink_refusal(_e: &io::Error) -> bool {
    false
}

#[cfg(unix)]
fn create_new_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

#[cfg(not(any(unix, windows)))]
fn create_new_private(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn check_private_file(path: &Path, _file: &File, meta: &fs::Metadata) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::storage(
            format!(
                "{} is readable or writable by other users (mode {mode:03o}); run `chmod 600 {}`, and consider \
                 revoking the key if others could have read it",
                path.display(),
                path.display()
            ),
            None,
        ));
    }
    Ok(())
}

/// Windows: the file's DACL lets nobody but the user, SYSTEM and the Administrators read or write it.
#[cfg(windows)]
fn check_private_file(path: &Path, file: &File, _meta: &fs::Metadata) -> Result<()> {
    let who = windows::file_outsider(file)
        .map_err(|e| Error::storage(format!("could not read who may open {}", path.display()), Some(e)))?;
    if let Some(who) = who {
        return Err(Error::storage(
            format!(
                "{} is readable or writable by {who}; run `icacls \"{}\" /inheritance:r /grant:r \"%USERNAME%:F\"`, \
                 and consider revoking the key if others could have read it",
                path.display(),
                path.display()
            ),
            None,
        ));
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn check_private_file(_path: &Path, _file: &File, _meta: &fs::Metadata) -> Result<()> {
    Ok(())
}

/// Create `dir` (0700, with any missing parents) if needed. An existing directory is never changed: it is
/// used when it is the user's and nobody else can write to it, and refused (`STORAGE`) otherwise.
#[cfg(unix)]
fn ensure_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::storage(format!("could not create {}", dir.display()), Some(e)))?;
    let meta = fs::metadata(dir)
        .map_err(|e| Error::storage(format!("could not inspect {}", dir.display()), Some(e)))?;
    if !meta.is_dir() {
        return Err(Error::storage(format!("{} is not a directory", dir.display()), None));
    }
    let mode = meta.mode() & 0o7777;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Error::storage(
            format!(
                "{} belongs to another user; set {ENV_CONFIG_DIR} to a directory of your own \
                 (e.g. `mkdir -m 700 ~/.openrouter-pkce`)",
                dir.display()
            ),
            None,
        ));
    }
    if mode & 0o022 != 0 {
        return Err(Error::storage(
            format!(
                "{} (mode {mode:04o}) is writable by other users, so the key cannot be kept there safely; \
                 set {ENV_CONFIG_DIR} to a private directory (e.g. `mkdir -m 700 ~/.openrouter-pkce`) \
                 or run `chmod go-w {}` if that is what you want",
                dir.display(),
                dir.display()
            ),
            None,
        ));
    }
    Ok(())
}

/// Windows: create `dir` (owner-only DACL, with any missing parents) if needed. An existing directory is never
/// changed: it is refused (`STORAGE`) when an account other than the user, SYSTEM and the Administrators may
/// add or delete files in it.
#[cfg(windows)]
fn ensure_private_dir(dir: &Path) -> Result<()> {
    windows::create_private_dirs(dir)
        .map_err(|e| Error::storage(format!("could not create {}", dir.display()), Some(e)))?;
    let meta = fs::metadata(dir)
        .map_err(|e| Error::storage(format!("could not inspect {}", dir.display()), Some(e)))?;
    if !meta.is_dir() {
        return Err(Error::storage(format!("{} is not a directory", dir.display()), None));
    }
    let who = windows::dir_outsider(dir)
        .map_err(|e| Error::storage(format!("could not read who may write to {}", dir.display()), Some(e)))?;
    if let Some(who) = who {
        return Err(Error::storage(
            format!(
                "{} is writable by {who}, so the key cannot be kept there safely; set {ENV_CONFIG_DIR} to a \
                 directory of your own",
                dir.display()
            ),
            None,
        ));
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn ensure_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)
        .map_err(|e| Error::storage(format!("could not create {}", dir.display()), Some(e)))
}

/// Make a rename or removal in `dir` durable. Best effort: some file systems refuse to fsync a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    const KEY: &str = "sk-or-v1-0123456789abcdef0123456789abcdef";

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// The store's promise for what it created: 0600 files and 0700 directories on Unix; on Windows a
    /// protected DACL whose one entry is the user's full control (nothing inherited from `%APPDATA%`). Wine
    /// keeps no DACL of its own: it shows one made from the Unix mode, which always adds SYSTEM, so SYSTEM is
    /// the one other entry allowed.
    fn assert_private(p: &Path) {
        #[cfg(unix)]
        assert_eq!(mode(p), if p.is_dir() { 0o700 } else { 0o600 }, "{}", p.display());
        #[cfg(windows)]
        {
            let entries = windows::allow_entries(p);
            let full = windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;
            assert!(entries.contains(&(me(), full)), "{}: {entries:?}", p.display());
            assert!(
                entries.iter().all(|(sid, _)| *sid == me() || sid == SYSTEM),
                "{}: {entries:?}",
                p.display()
            );
        }
    }

    #[cfg(windows)]
    const SYSTEM: &str = "S-1-5-18";

    /// Set a DACL for a Windows twin and say whether the platform kept it: Windows always does; wine keeps
    /// only what its Unix modes can hold (the owner and Everyone), so a case it drops is reported as skipped.
    #[cfg(windows)]
    fn dacl_kept(path: &Path, sddl: &str, sids: &[&str]) -> bool {
        windows::set_dacl(path, sddl);
        let entries = windows::allow_entries(path);
        let kept = sids.iter().all(|sid| entries.iter().any(|(s, _)| s == sid));
        if !kept {
            eprintln!("skipped: this platform does not keep the access list {sddl} (it shows {entries:?})");
        }
        kept
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Issue 20 item 4: profiles beside the default key, which stays in `<config dir>/api_key`.
    #[test]
    fn profiles_keep_the_default_file_and_live_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = tmp.path().join("cfg");
        let default = Store::in_dir(&cfg, DEFAULT_PROFILE, None);
        let work = Store::in_dir(&cfg, "work", None);
        assert_eq!(default.save(KEY).unwrap(), cfg.join("api_key").display().to_string());
        assert_eq!(
            work.save("sk-or-v1-work").unwrap(),
            cfg.join("profiles").join("work").join("api_key").display().to_string()
        );
        assert_private(&cfg.join("profiles"));
        assert_private(&cfg.join("profiles").join("work"));
        assert_private(&cfg.join("profiles").join("work").join("api_key"));
        let loaded = default.load_stored().unwrap().unwrap();
        assert_eq!((loaded.key(), loaded.source()), (KEY, Some(KeySource::File)));
        assert_eq!(work.load_stored().unwrap().unwrap().key(), "sk-or-v1-work");
        assert_eq!(load_stored_key_in(&cfg).unwrap().as_deref(), Some(KEY), "the old reader still finds it");
        assert_eq!(profiles::list_in(&cfg, DEFAULT_PROFILE).unwrap(), ["default", "work"]);
        assert_eq!(profiles::list_in(&cfg, "zz").unwrap(), ["default", "work", "zz"]);
        // Asking for the file never consults the keyring.
        assert_eq!(Store::in_dir(&cfg, "none", Some(Storage::File)).load_stored().unwrap(), None);
        let removed = work.logout().unwrap().unwrap();
        assert_eq!((removed.key(), removed.source()), ("sk-or-v1-work", Some(KeySource::File)));
        assert_eq!(work.load_stored().unwrap(), None);
        assert_eq!(default.load_stored().unwrap().unwrap().key(), KEY, "other profiles untouched");
    }

    #[test]
    fn the_active_profile_is_recorded_privately_and_atomically() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = tmp.path().join("cfg");
        assert_eq!(profiles::active_in(&cfg).unwrap(), DEFAULT_PROFILE);
        let path = profiles::switch_in(&cfg, "work").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "work\n");
        assert_private(&path);
        assert_eq!(profiles::active_in(&cfg).unwrap(), "work");
        assert_eq!(entries(&cfg), vec!["active_profile".to_owned()], "no temp file left");
        assert_eq!(profiles::switch_in(&cfg, "../x").unwrap_err().code(), "INVALID_ARGUMENT");
        assert_eq!(profiles::active_in(&cfg).unwrap(), "work");
        profiles::switch_in(&cfg, DEFAULT_PROFILE).unwrap();
        assert!(!path.exists());
        // A record that does not name a profile is refused, naming the file and the fix.
        fs::write(&path, "../../etc\n").unwrap();
        let e = profiles::active_in(&cfg).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().contains("switch default"), "{e}");
    }

    #[test]
    fn storage_names_are_exact() {
        assert_eq!(Storage::parse("file").unwrap(), Storage::File);
        assert_eq!(Storage::parse("keyring").unwrap(), Storage::Keyring);
        for bad in ["", "File", "keychain", "keyring ", "vault"] {
            assert_eq!(Storage::parse(bad).unwrap_err().code(), "INVALID_ARGUMENT", "{bad:?}");
        }
        let opts = StoreOptions { profile: Some("a/b".into()), storage: None };
        assert_eq!(opts.validate().unwrap_err().code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn round_trip_with_private_modes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nested").join("openrouter-pkce");
        assert_eq!(load_stored_key_in(&dir).unwrap(), None);
        let path = save_key_in(&dir, KEY).unwrap();
        assert_eq!(path, dir.join("api_key"));
        assert_eq!(fs::read_to_string(&path).unwrap(), format!("{KEY}\n"));
        assert_private(&path);
        assert_private(&dir);
        assert_eq!(load_stored_key_in(&dir).unwrap().as_deref(), Some(KEY));
        assert_eq!(load_key_from(None, &dir).unwrap().as_deref(), Some(KEY));
    }

    #[cfg(unix)]
    fn full_mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    /// Unix modes; Windows twin: `windows_an_existing_readable_dir_is_used_unchanged`.
    #[cfg(unix)]
    #[test]
    fn existing_readable_dir_is_used_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("loose");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        save_key_in(&dir, KEY).unwrap();
        assert_eq!(mode(&dir), 0o755, "an existing directory is never chmod-ed");
        assert_eq!(mode(&dir.join("api_key")), 0o600);
    }

    /// Unix modes; Windows twin: `windows_a_dir_others_may_write_is_refused_and_unchanged`.
    #[cfg(unix)]
    #[test]
    fn storage_never_changes_a_shared_dir() {
        // Issue 11 item 2: 1777 became 0700 (the sticky bit dropped) before.
        for shared in [0o1777, 0o777, 0o770, 0o2775, 0o757] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("shared");
            fs::create_dir(&dir).unwrap();
            fs::set_permissions(&dir, fs::Permissions::from_mode(shared)).unwrap();
            let e = save_key_in(&dir, KEY).unwrap_err();
            assert_eq!(e.code(), "STORAGE", "{shared:o}");
            let msg = e.to_string();
            assert!(msg.contains("writable by other users") && msg.contains(ENV_CONFIG_DIR), "{msg}");
            assert_eq!(full_mode(&dir), shared, "mode {shared:o} untouched");
            assert_eq!(entries(&dir), Vec::<String>::new(), "nothing written");
        }
    }

    /// Unix only: creating a directory symlink needs a privilege on Windows and wine 8 creates none;
    /// the Windows store sets no DACL on an existing directory at all, symlinked or not (see the twins above).
    #[cfg(unix)]
    #[test]
    fn storage_never_chmods_through_a_symlinked_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("real");
        fs::create_dir(&target).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        save_key_in(&link, KEY).unwrap();
        assert_eq!(full_mode(&target), 0o755, "the symlink's target keeps its mode");
        let shared = tmp.path().join("shared");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
        let link2 = tmp.path().join("link2");
        std::os::unix::fs::symlink(&shared, &link2).unwrap();
        assert_eq!(save_key_in(&link2, KEY).unwrap_err().code(), "STORAGE");
        assert_eq!(full_mode(&shared), 0o1777);
    }

    #[test]
    fn created_dirs_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a").join("b");
        save_key_in(&dir, KEY).unwrap();
        assert_private(&dir);
        assert_private(&tmp.path().join("a"));
    }

    #[test]
    fn atomic_replace_leaves_no_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        save_key_in(dir, "sk-or-v1-old").unwrap();
        save_key_in(dir, KEY).unwrap();
        assert_eq!(load_stored_key_in(dir).unwrap().as_deref(), Some(KEY));
        assert_eq!(entries(dir), vec!["api_key".to_owned()]);
    }

    /// Unix only: a read-only directory by mode. On Windows that takes a deny ACE, which wine does not keep.
    #[cfg(unix)]
    #[test]
    fn failed_write_leaves_no_temp_and_keeps_old_key() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("d");
        save_key_in(&dir, "sk-or-v1-old").unwrap();
        // A read-only directory: the temp file cannot be created.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        let can_write_anyway =
            fs::OpenOptions::new().write(true).create_new(true).open(dir.join("probe")).is_ok();
        if !can_write_anyway {
            let e = save_key_in(&dir, KEY);
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
            let e = e.unwrap_err();
            assert_eq!(e.code(), "STORAGE");
            assert!(!e.chain_message().contains(KEY));
            assert_eq!(entries(&dir), vec!["api_key".to_owned()]);
            assert_eq!(load_stored_key_in(&dir).unwrap().as_deref(), Some("sk-or-v1-old"));
        } else {
            // Running as root: permissions do not stop us; nothing to test here.
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        }
    }

    #[test]
    fn env_key_has_the_one_key_shape() {
        // Issue 11 item 4: these were returned unchecked before.
        let tmp = tempfile::tempdir().unwrap();
        let big = format!("sk-{}", "a".repeat(100_000));
        for bad in ["hello", "sk-or-v1-a\nb", "sk-or-v1-\x1b[2J", "sk-or v1", "sk-or-v1-\u{e9}", big.as_str()]
        {
            let e = load_key_from(Some(bad), tmp.path()).unwrap_err();
            assert_eq!(e.code(), "STORAGE", "{bad:?}");
            assert!(e.to_string().contains(ENV_KEY), "{e}");
            assert!(!e.chain_message().contains(bad.trim()), "the value is never echoed");
        }
        assert_eq!(
            load_key_from(Some("\u{feff}sk-or-v1-bom\r\n"), tmp.path()).unwrap().as_deref(),
            Some("sk-or-v1-bom")
        );
    }

    #[test]
    fn key_file_with_a_bom_is_trimmed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("api_key");
        let mut f = create_new_private(&path).unwrap();
        f.write_all(format!("\u{feff}{KEY}\n").as_bytes()).unwrap();
        // Closed before reading: on Windows the file is created unshared (nobody opens it while it is written).
        drop(f);
        assert_eq!(load_stored_key_in(tmp.path()).unwrap().as_deref(), Some(KEY));
        fs::remove_file(&path).unwrap();
        let mut f = create_new_private(&path).unwrap();
        f.write_all(b"hello\n").unwrap();
        drop(f);
        let e = load_stored_key_in(tmp.path()).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }

    #[test]
    fn env_wins_and_is_trimmed() {
        let tmp = tempfile::tempdir().unwrap();
        save_key_in(tmp.path(), KEY).unwrap();
        assert_eq!(load_key_from(Some("  sk-env \n"), tmp.path()).unwrap().as_deref(), Some("sk-env"));
        assert_eq!(load_key_from(Some("   "), tmp.path()).unwrap().as_deref(), Some(KEY));
        assert_eq!(load_key_from(Some(""), tmp.path()).unwrap().as_deref(), Some(KEY));
        // The environment needs no readable store.
        assert_eq!(
            load_key_from(Some("sk-env"), Path::new("/nonexistent/x")).unwrap().as_deref(),
            Some("sk-env")
        );
    }

    /// Unix symlinks; Windows twin: `windows_a_symlink_at_the_path_is_refused_and_not_followed`.
    #[cfg(unix)]
    #[test]
    fn symlink_at_the_path_is_refused_and_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cfg");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let target = tmp.path().join("target");
        fs::write(&target, "sk-or-v1-target\n").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&target, dir.join("api_key")).unwrap();

        let e = load_stored_key_in(&dir).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().contains("refusing to follow a symlink"), "{e}");
        assert!(e.to_string().contains(&dir.join("api_key").display().to_string()));
        assert!(!e.chain_message().contains("sk-or-v1-target"));

        let e = save_key_in(&dir, KEY).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert_eq!(fs::read_to_string(&target).unwrap(), "sk-or-v1-target\n", "target untouched");

        // logout removes the link itself, never the target.
        assert_eq!(logout_in(&dir).unwrap(), None);
        assert!(fs::symlink_metadata(dir.join("api_key")).is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "sk-or-v1-target\n");
    }

    /// Unix modes; Windows twin: `windows_a_key_file_others_may_read_is_refused`.
    #[cfg(unix)]
    #[test]
    fn loose_permissions_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let path = save_key_in(tmp.path(), KEY).unwrap();
        for loose in [0o644, 0o640, 0o604, 0o660] {
            fs::set_permissions(&path, fs::Permissions::from_mode(loose)).unwrap();
            let e = load_stored_key_in(tmp.path()).unwrap_err();
            assert_eq!(e.code(), "STORAGE");
            let msg = e.to_string();
            assert!(msg.contains("chmod 600"), "{msg}");
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(!e.chain_message().contains(KEY));
        }
        // Saving again replaces it with a private file.
        save_key_in(tmp.path(), KEY).unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn not_a_regular_file() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("api_key")).unwrap();
        assert_eq!(load_stored_key_in(tmp.path()).unwrap_err().code(), "STORAGE");
        #[cfg(unix)]
        {
            let fifo = tempfile::tempdir().unwrap();
            let p =
                std::ffi::CString::new(fifo.path().join("api_key").as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: mkfifo on a NUL-terminated path we own.
            if unsafe { libc::mkfifo(p.as_ptr(), 0o600) } == 0 {
                assert_eq!(load_stored_key_in(fifo.path()).unwrap_err().code(), "STORAGE");
            }
        }
    }

    #[test]
    fn malformed_content() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("api_key");
        let write = |content: &[u8]| {
            let _ = fs::remove_file(&path);
            let mut f = create_new_private(&path).unwrap();
            f.write_all(content).unwrap();
        };
        write(b"\n");
        assert_eq!(load_stored_key_in(tmp.path()).unwrap(), None);
        write(b"sk-a sk-b\n");
        assert_eq!(load_stored_key_in(tmp.path()).unwrap_err().code(), "STORAGE");
        write(&[0xff, 0xfe, b'\n']);
        assert_eq!(load_stored_key_in(tmp.path()).unwrap_err().code(), "STORAGE");
        write(&vec![b'a'; 10_000]);
        assert_eq!(load_stored_key_in(tmp.path()).unwrap_err().code(), "STORAGE");
        write(b"sk-crlf\r\n");
        assert_eq!(load_stored_key_in(tmp.path()).unwrap().as_deref(), Some("sk-crlf"));
    }

    #[test]
    fn logout_removes_and_returns_key() {
        let tmp = tempfile::tempdir().unwrap();
        save_key_in(tmp.path(), KEY).unwrap();
        let key = logout_in(tmp.path()).unwrap().unwrap();
        assert_eq!(key.key(), KEY);
        assert!(key.settings_url().starts_with("https://openrouter.ai/keys/"));
        assert_eq!(load_stored_key_in(tmp.path()).unwrap(), None);
        assert_eq!(logout_in(tmp.path()).unwrap(), None);
        assert_eq!(logout_in(&tmp.path().join("never-created")).unwrap(), None);
    }

    /// Unix modes; Windows twin: `windows_a_key_file_others_may_read_is_refused`.
    #[cfg(unix)]
    #[test]
    fn logout_removes_a_loose_file_too() {
        let tmp = tempfile::tempdir().unwrap();
        let path = save_key_in(tmp.path(), KEY).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(logout_in(tmp.path()).unwrap().unwrap().key(), KEY);
        assert!(!path.exists());
    }

    #[test]
    fn invalid_keys_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let long = "k".repeat(MAX_KEY_LEN + 1);
        for bad in [
            "",
            " ",
            "sk or",
            "sk-or\n",
            "\tsk",
            "sk\u{0}x",
            "sk\u{7f}",
            "sk\u{a0}x",
            "hello-world-key",
            "sk-or-v1-\u{202e}x",
            long.as_str(),
        ] {
            let e = save_key_in(tmp.path(), bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{bad:?}");
            assert!(bad.is_empty() || bad.trim().is_empty() || !e.to_string().contains(bad));
        }
        assert!(save_key_in(tmp.path(), &format!("sk-{}", "k".repeat(MAX_KEY_LEN - 3))).is_ok());
        assert!(save_key(" ").is_err());
    }

    /// Unix owners and modes; Windows twin: `windows_a_dir_others_may_write_is_refused_and_unchanged`.
    #[cfg(unix)]
    #[test]
    fn foreign_or_shared_dir_refused_and_unchanged() {
        // /tmp-like directories owned by root with loose modes must not be used (unless we are root).
        let tmp = std::env::temp_dir();
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(&tmp).unwrap();
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me || meta.permissions().mode() & 0o022 != 0 {
            let e = ensure_private_dir(&tmp).unwrap_err();
            assert_eq!(e.code(), "STORAGE");
            assert_eq!(fs::metadata(&tmp).unwrap().permissions().mode(), meta.permissions().mode());
        }
    }

    #[test]
    fn config_dir_resolution() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v))
        };
        #[cfg(unix)]
        assert_eq!(
            config_dir_from(env(&[(ENV_CONFIG_DIR, "/custom"), ("HOME", "/home/u")])).unwrap(),
            PathBuf::from("/custom")
        );
        #[cfg(windows)]
        {
            assert_eq!(
                config_dir_from(env(&[
                    (ENV_CONFIG_DIR, r"D:\custom"),
                    ("APPDATA", r"C:\Users\u\AppData\Roaming")
                ]))
                .unwrap(),
                PathBuf::from(r"D:\custom")
            );
            assert_eq!(
                config_dir_from(env(&[("APPDATA", r"C:\Users\u\AppData\Roaming"), ("HOME", "/home/u")]))
                    .unwrap(),
                PathBuf::from(r"C:\Users\u\AppData\Roaming\openrouter-pkce")
            );
            // A drive-relative or rooted-but-driveless path is not absolute on Windows.
            for relative in [&[(ENV_CONFIG_DIR, r"\custom")], &[(ENV_CONFIG_DIR, r"C:custom")]] {
                let e = config_dir_from(env(relative)).unwrap_err();
                assert!(e.to_string().contains("absolute"), "{relative:?}: {e}");
            }
        }
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            assert_eq!(
                config_dir_from(env(&[("XDG_CONFIG_HOME", "/xdg"), ("HOME", "/home/u")])).unwrap(),
                PathBuf::from("/xdg/openrouter-pkce")
            );
            assert_eq!(
                config_dir_from(env(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/home/u")])).unwrap(),
                PathBuf::from("/home/u/.config/openrouter-pkce")
            );
            assert_eq!(
                config_dir_from(env(&[("HOME", "/home/u")])).unwrap(),
                PathBuf::from("/home/u/.config/openrouter-pkce")
            );
        }
        let e = config_dir_from(env(&[(ENV_CONFIG_DIR, "relative/dir"), ("HOME", "/home/u")])).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().contains("absolute"), "{e}");
        let e = config_dir_from(env(&[])).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().contains(ENV_CONFIG_DIR));
        assert_eq!(
            config_dir_from(env(&[(ENV_CONFIG_DIR, ""), ("HOME", "")])).unwrap_err().code(),
            "STORAGE"
        );
    }

    /// The current user's SID, for the Windows twins' access lists.
    #[cfg(windows)]
    fn me() -> String {
        windows::User::current().unwrap().sid_string().unwrap()
    }

    /// Windows twin of `loose_permissions_reported` and `logout_removes_a_loose_file_too`: a key file whose
    /// DACL lets Everyone read it is refused (naming the file and the account, with the `icacls` fix), never
    /// echoing the key; logout still removes it; saving again makes it owner-only.
    #[cfg(windows)]
    #[test]
    fn windows_a_key_file_others_may_read_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = save_key_in(tmp.path(), KEY).unwrap();
        windows::set_dacl(&path, &format!("D:P(A;;FA;;;{})(A;;FR;;;WD)", me()));
        let e = load_stored_key_in(tmp.path()).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        let msg = e.to_string();
        assert!(msg.contains("icacls") && msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("Everyone"), "names the account: {msg}");
        assert!(!e.chain_message().contains(KEY));
        save_key_in(tmp.path(), KEY).unwrap();
        assert_private(&path);
        assert_eq!(load_stored_key_in(tmp.path()).unwrap().as_deref(), Some(KEY));
        windows::set_dacl(&path, &format!("D:P(A;;FA;;;{})(A;;FA;;;BU)", me()));
        assert_eq!(logout_in(tmp.path()).unwrap().unwrap().key(), KEY);
        assert!(!path.exists());
    }

    /// A key file made by hand under `%APPDATA%` inherits the user, SYSTEM and the Administrators: accepted.
    #[cfg(windows)]
    #[test]
    fn windows_a_hand_made_key_file_with_the_profile_acl_is_accepted() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(KEY_FILE_NAME);
        fs::write(&path, format!("{KEY}\n")).unwrap();
        let sddl = format!("D:P(A;;FA;;;{})(A;;FA;;;SY)(A;;FA;;;BA)", me());
        if !dacl_kept(&path, &sddl, &[&me(), SYSTEM, "S-1-5-32-544"]) {
            return;
        }
        assert_eq!(load_stored_key_in(tmp.path()).unwrap().as_deref(), Some(KEY));
    }

    /// Windows twin of `storage_never_changes_a_shared_dir`: a directory others may write to is refused and
    /// left exactly as it was; nothing is written into it.
    #[cfg(windows)]
    #[test]
    fn windows_a_dir_others_may_write_is_refused_and_unchanged() {
        for (other, sid) in [("WD", "S-1-1-0"), ("BU", "S-1-5-32-545"), ("AU", "S-1-5-11")] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("shared");
            fs::create_dir(&dir).unwrap();
            if !dacl_kept(&dir, &format!("D:P(A;OICI;FA;;;{})(A;OICI;0x1301bf;;;{other})", me()), &[sid]) {
                continue;
            }
            let before = windows::allow_entries(&dir);
            let e = save_key_in(&dir, KEY).unwrap_err();
            assert_eq!(e.code(), "STORAGE", "{other}");
            let msg = e.to_string();
            assert!(msg.contains("is writable by") && msg.contains(ENV_CONFIG_DIR), "{msg}");
            assert_eq!(windows::allow_entries(&dir), before, "{other}: the DACL is untouched");
            assert_eq!(entries(&dir), Vec::<String>::new(), "nothing written");
        }
    }

    /// Windows twin of `existing_readable_dir_is_used_unchanged`: an existing directory that others may only
    /// read is used as it is; the key file inside is still owner-only.
    #[cfg(windows)]
    #[test]
    fn windows_an_existing_readable_dir_is_used_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("readable");
        fs::create_dir(&dir).unwrap();
        windows::set_dacl(&dir, &format!("D:P(A;OICI;FA;;;{})(A;OICI;FA;;;SY)(A;OICI;FRFX;;;WD)", me()));
        let before = windows::allow_entries(&dir);
        let path = save_key_in(&dir, KEY).unwrap();
        assert_eq!(windows::allow_entries(&dir), before, "an existing directory is never changed");
        assert_private(&path);
    }

    /// Windows twin of `symlink_at_the_path_is_refused_and_not_followed`: a symlink at the key's path is opened
    /// itself (FILE_FLAG_OPEN_REPARSE_POINT) and refused from its handle; save refuses it; logout removes the
    /// link, never the target. Creating a symlink needs a privilege (or Developer Mode): without it the test
    /// says so and checks nothing.
    #[cfg(windows)]
    #[test]
    fn windows_a_symlink_at_the_path_is_refused_and_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cfg");
        fs::create_dir(&dir).unwrap();
        let target = tmp.path().join("target");
        fs::write(&target, "sk-or-v1-target\n").unwrap();
        let made = std::os::windows::fs::symlink_file(&target, dir.join(KEY_FILE_NAME));
        // Wine 8 answers success and creates nothing.
        if made.is_err() || fs::symlink_metadata(dir.join(KEY_FILE_NAME)).is_err() {
            eprintln!("skipped: cannot create a symlink here ({made:?})");
            return;
        }
        let e = load_stored_key_in(&dir).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().contains("refusing to follow a symlink"), "{e}");
        assert!(!e.chain_message().contains("sk-or-v1-target"));
        assert_eq!(save_key_in(&dir, KEY).unwrap_err().code(), "STORAGE");
        assert_eq!(fs::read_to_string(&target).unwrap(), "sk-or-v1-target\n", "target untouched");
        assert_eq!(logout_in(&dir).unwrap(), None);
        assert!(fs::symlink_metadata(dir.join(KEY_FILE_NAME)).is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "sk-or-v1-target\n");
    }
}
