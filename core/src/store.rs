//! Where the key lives between runs: `OPENROUTER_API_KEY`, else a plain file in the user's config directory.
//!
//! The file is `<config dir>/api_key`, holding the key and a newline. On Unix it is created 0600 at open time
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

use crate::api_key::{KEY_SHAPE, is_well_formed_key, trim_key};

#[cfg(windows)]
mod windows;
use crate::{ApiKey, Error, Result};

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

/// The key file: `config_dir()/api_key`.
pub fn key_path() -> Result<PathBuf> {
    Ok(config_dir()?.join(KEY_FILE_NAME))
}

/// The key to use: `OPENROUTER_API_KEY` when set and non-empty (trimmed), else the stored key, else `None`.
///
/// Surrounding whitespace and a byte-order mark are removed; a value that is still not a well-formed key
/// (inner spaces, control or escape characters, non-ASCII, too long, no `sk-` prefix) is refused with
/// `STORAGE`, naming the variable or the file it came from.
pub fn load_key() -> Result<Option<String>> {
    Ok(key_in_use()?.map(|(key, _)| key))
}

/// [`load_key`] with where the key came from: `None` for [`ENV_KEY`], else the key file's path. The one
/// rule for every reader of "the key in use" (the library, `token`, `status`, `whoami`).
pub fn key_in_use() -> Result<Option<(String, Option<PathBuf>)>> {
    let env = match crate::env::var(ENV_KEY) {
        Ok(v) => Some(v),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Error::storage(format!("{ENV_KEY} does not hold a valid key (not UTF-8)"), None));
        }
    };
    if let Some(key) = env_key(env.as_deref())? {
        // The environment needs no config directory (a container without HOME still works).
        return Ok(Some((key, None)));
    }
    let dir = config_dir()?;
    Ok(load_stored_key_in(&dir)?.map(|key| (key, Some(dir.join(KEY_FILE_NAME)))))
}

/// Only the stored key (the environment is not consulted).
pub fn load_stored_key() -> Result<Option<String>> {
    load_stored_key_in(&config_dir()?)
}

/// Store `key` atomically in the key file, creating the config directory; returns the file's path.
///
/// The key must be non-empty, at most 4096 bytes, without whitespace or control characters
/// (`INVALID_ARGUMENT` otherwise).
pub fn save_key(key: &str) -> Result<PathBuf> {
    validate_key(key)?;
    save_key_in(&config_dir()?, key)
}

/// Delete the stored key and return it, so the caller can point the user at its settings page to revoke it.
///
/// `Ok(None)` when nothing was stored. A file that cannot be read as a key (a symlink, a directory entry
/// of another kind, unreadable content) is still removed, and `None` is returned for it. The environment
/// variable is not touched.
pub fn logout() -> Result<Option<ApiKey>> {
    logout_in(&config_dir()?)
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
    ensure_private_dir(dir)?;
    let path = dir.join(KEY_FILE_NAME);
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

    let tmp = dir.join(format!(".{KEY_FILE_NAME}.{}.tmp", crate::rng::token(9)));
    let written = (|| -> io::Result<()> {
        let mut file = create_new_private(&tmp)?;
        let mut content = String::with_capacity(key.len() + 1);
        content.push_str(key);
        content.push('\n');
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
