//! Windows: what the key file's protection means there.
//!
//! Unix modes have no meaning on Windows; its access lists do. The key file and every directory the store
//! creates get a **protected, owner-only DACL at creation** (one ACE: the current user, full control; nothing
//! inherited from `%APPDATA%`), set by `CreateFileW`/`CreateDirectoryW` themselves, so there is no moment in
//! which another account could open them. Reading checks the file's DACL and refuses one that lets any account
//! other than the user, SYSTEM or the Administrators read or write it (a file created by hand under
//! `%APPDATA%` inherits exactly those three, and is accepted). An existing directory is never changed, and is
//! refused when another account may add or delete files in it. Files are opened with
//! `FILE_FLAG_OPEN_REPARSE_POINT`, so a symlink or junction at the key's path is opened itself, never followed,
//! and refused from the handle (no check-then-open race).

use std::ffi::c_void;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::Path;

use windows_sys::Win32::Foundation::{
    ERROR_ALREADY_EXISTS, GENERIC_ALL, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, GetSecurityInfo,
    SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_SIZE_INFORMATION, AclSizeInformation, DACL_SECURITY_INFORMATION,
    EqualSid, GetAce, GetAclInformation, GetTokenInformation, INHERIT_ONLY_ACE, IsWellKnownSid,
    LookupAccountSidW, PSECURITY_DESCRIPTOR, PSID, SECURITY_ATTRIBUTES, SID_NAME_USE, TOKEN_QUERY,
    TOKEN_USER, TokenUser, WinBuiltinAdministratorsSid, WinCreatorOwnerRightsSid, WinLocalSystemSid,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, DELETE, FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY, FILE_APPEND_DATA,
    FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_REPARSE_POINT, FILE_DELETE_CHILD, FILE_FLAG_BACKUP_SEMANTICS,
    FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_DATA, FILE_WRITE_DATA, READ_CONTROL, WRITE_DAC, WRITE_OWNER,
};
use windows_sys::Win32::System::SystemServices::ACCESS_ALLOWED_ACE_TYPE;
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// Rights on the key file that only its owner may hold: reading it, changing it, or changing who may.
pub(super) const FILE_PRIVATE_RIGHTS: u32 = FILE_READ_DATA
    | FILE_WRITE_DATA
    | FILE_APPEND_DATA
    | GENERIC_READ
    | GENERIC_WRITE
    | GENERIC_ALL
    | WRITE_DAC
    | WRITE_OWNER;

/// Rights on the directory that would let an account replace or remove the key file.
pub(super) const DIR_WRITE_RIGHTS: u32 = FILE_ADD_FILE
    | FILE_ADD_SUBDIRECTORY
    | FILE_DELETE_CHILD
    | DELETE
    | GENERIC_WRITE
    | GENERIC_ALL
    | WRITE_DAC
    | WRITE_OWNER;

/// The error `open_no_follow` returns for a symlink or junction at the path.
#[derive(Debug)]
struct ReparsePoint;

impl std::fmt::Display for ReparsePoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a symlink or junction")
    }
}

impl std::error::Error for ReparsePoint {}

/// Memory that Windows allocated for us with `LocalAlloc`.
struct Local(*mut c_void);

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from an API that documents LocalFree as its release.
            unsafe { LocalFree(self.0) };
        }
    }
}

fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

fn wide_to_string(p: *const u16) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: `p` is a NUL-terminated UTF-16 string returned by Windows.
    let len = (0..).take_while(|&i| unsafe { *p.add(i) } != 0).count();
    // SAFETY: `len` units were just read.
    String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, len) })
}

/// The current user's SID (inside its `TOKEN_USER` buffer).
pub(super) struct User(Vec<u64>);

impl User {
    pub(super) fn current() -> io::Result<User> {
        let mut token = std::ptr::null_mut();
        // SAFETY: the out-pointer is valid; the process pseudo-handle needs no closing.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a handle just opened for us.
        let token = unsafe { OwnedHandle::from_raw_handle(token) };
        let mut len = 0u32;
        // SAFETY: a size query (no buffer); it fails with ERROR_INSUFFICIENT_BUFFER and sets `len`.
        unsafe { GetTokenInformation(token.as_raw_handle(), TokenUser, std::ptr::null_mut(), 0, &mut len) };
        let mut buf = vec![0u64; (len as usize).div_ceil(8).max(1)];
        // SAFETY: the buffer holds `len` bytes, 8-byte aligned as TOKEN_USER needs.
        let ok = unsafe {
            GetTokenInformation(token.as_raw_handle(), TokenUser, buf.as_mut_ptr().cast(), len, &mut len)
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(User(buf))
    }

    fn sid(&self) -> PSID {
        // SAFETY: the buffer was filled as a TOKEN_USER.
        unsafe { (*(self.0.as_ptr() as *const TOKEN_USER)).User.Sid }
    }

    /// The SID as `S-1-5-…`.
    pub(super) fn sid_string(&self) -> io::Result<String> {
        sid_string(self.sid())
    }

    /// Whether `sid` may hold private rights: the user, SYSTEM, the Administrators, or OWNER RIGHTS.
    fn trusts(&self, sid: PSID) -> bool {
        // SAFETY: both SIDs are valid for the duration of the call.
        unsafe {
            EqualSid(sid, self.sid()) != 0
                || IsWellKnownSid(sid, WinLocalSystemSid) != 0
                || IsWellKnownSid(sid, WinBuiltinAdministratorsSid) != 0
                || IsWellKnownSid(sid, WinCreatorOwnerRightsSid) != 0
        }
    }
}

fn sid_string(sid: PSID) -> io::Result<String> {
    let mut s = std::ptr::null_mut();
    // SAFETY: valid SID and out-pointer; the string is freed by `Local`.
    if unsafe { ConvertSidToStringSidW(sid, &mut s) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let s = Local(s.cast());
    Ok(wide_to_string(s.0 as *const u16))
}

/// `DOMAIN\name` of an account, else its SID string.
fn account_name(sid: PSID) -> String {
    let mut name = [0u16; 256];
    let mut domain = [0u16; 256];
    let (mut name_len, mut domain_len) = (name.len() as u32, domain.len() as u32);
    let mut kind: SID_NAME_USE = 0;
    // SAFETY: buffers and their lengths are valid.
    let ok = unsafe {
        LookupAccountSidW(
            std::ptr::null(),
            sid,
            name.as_mut_ptr(),
            &mut name_len,
            domain.as_mut_ptr(),
            &mut domain_len,
            &mut kind,
        )
    };
    if ok != 0 {
        let (name, domain) = (wide_to_string(name.as_ptr()), wide_to_string(domain.as_ptr()));
        if domain.is_empty() { name } else { format!("{domain}\\{name}") }
    } else {
        sid_string(sid).unwrap_or_else(|_| "another account".to_owned())
    }
}

/// A protected DACL granting the user full control and nobody else anything; `inherit` marks its ACE as
/// inherited by what is created inside (for directories).
fn owner_only(user: &User, inherit: bool) -> io::Result<Local> {
    let flags = if inherit { "OICI" } else { "" };
    descriptor(&format!("D:P(A;{flags};FA;;;{})", user.sid_string()?))
}

/// The security descriptor an SDDL string (`D:…`) describes.
fn descriptor(sddl: &str) -> io::Result<Local> {
    let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: a NUL-terminated SDDL string and a valid out-pointer; `sd` is freed by `Local`.
    let ok = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            wide(sddl.as_ref()).as_ptr(),
            SDDL_REVISION_1,
            &mut sd,
            std::ptr::null_mut(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Local(sd))
}

fn attributes(sd: &Local) -> SECURITY_ATTRIBUTES {
    SECURITY_ATTRIBUTES {
        nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: sd.0,
        bInheritHandle: 0,
    }
}

/// Create `path` new (never an existing one), write-only, with the owner-only DACL from the start.
pub(super) fn create_new_private(path: &Path) -> io::Result<File> {
    let user = User::current()?;
    let sd = owner_only(&user, false)?;
    let sa = attributes(&sd);
    // SAFETY: a NUL-terminated path, valid security attributes; the handle is owned by the File.
    let handle = unsafe {
        windows_sys::Win32::Storage::FileSystem::CreateFileW(
            wide(path.as_os_str()).as_ptr(),
            GENERIC_WRITE,
            0,
            &sa,
            CREATE_NEW,
            FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
            std::ptr::null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a valid handle that nothing else owns.
    Ok(unsafe { File::from_raw_handle(handle) })
}

/// Open for reading without following a symlink or junction: one at the path is refused from its own handle.
pub(super) fn open_no_follow(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().read(true).custom_flags(FILE_FLAG_OPEN_REPARSE_POINT).open(path)?;
    use std::os::windows::fs::MetadataExt;
    if file.metadata()?.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0 {
        return Err(io::Error::other(ReparsePoint));
    }
    Ok(file)
}

pub(super) fn is_symlink_refusal(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<ReparsePoint>())
}

/// A security descriptor Windows returned, with the DACL inside it.
struct Dacl {
    _sd: Local,
    acl: *mut ACL,
}

fn check(rc: u32) -> io::Result<()> {
    if rc == 0 { Ok(()) } else { Err(io::Error::from_raw_os_error(rc as i32)) }
}

fn dacl_of_handle(file: &File) -> io::Result<Dacl> {
    let (mut acl, mut sd) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: a valid handle opened with READ_CONTROL (alone, or within GENERIC_READ) and out-pointers.
    check(unsafe {
        GetSecurityInfo(
            file.as_raw_handle(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut acl,
            std::ptr::null_mut(),
            &mut sd,
        )
    })?;
    Ok(Dacl { _sd: Local(sd), acl })
}

fn dacl_of_path(path: &Path) -> io::Result<Dacl> {
    // READ_CONTROL is all that reading a DACL needs; a directory opens only with backup semantics.
    let handle =
        OpenOptions::new().access_mode(READ_CONTROL).custom_flags(FILE_FLAG_BACKUP_SEMANTICS).open(path)?;
    dacl_of_handle(&handle)
}

/// The allow entries of a DACL that take effect on the object itself: (SID, rights).
fn allowed(dacl: &Dacl) -> io::Result<Vec<(PSID, u32)>> {
    let mut info = ACL_SIZE_INFORMATION { AceCount: 0, AclBytesInUse: 0, AclBytesFree: 0 };
    // SAFETY: a valid ACL and a buffer of the class's size.
    let ok = unsafe {
        GetAclInformation(
            dacl.acl,
            (&mut info as *mut ACL_SIZE_INFORMATION).cast(),
            std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
            AclSizeInformation,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let mut out = Vec::new();
    for i in 0..info.AceCount {
        let mut ace = std::ptr::null_mut();
        // SAFETY: `i` is below the ACL's ACE count.
        if unsafe { GetAce(dacl.acl, i, &mut ace) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: every ACE starts with an ACE_HEADER.
        let header = unsafe { &*(ace as *const ACE_HEADER) };
        if u32::from(header.AceType) != ACCESS_ALLOWED_ACE_TYPE
            || u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0
        {
            continue;
        }
        // SAFETY: an ACCESS_ALLOWED ACE, its SID stored from `SidStart`.
        let ace = unsafe { &*(ace as *const ACCESS_ALLOWED_ACE) };
        out.push((&ace.SidStart as *const u32 as PSID, ace.Mask));
    }
    Ok(out)
}

/// The first account other than the user, SYSTEM and the Administrators that holds any of `rights`, by
/// name; "everyone" for a missing (NULL) DACL, which grants everything to all.
fn outsider(dacl: &Dacl, rights: u32) -> io::Result<Option<String>> {
    if dacl.acl.is_null() {
        return Ok(Some("everyone (it has no access list)".to_owned()));
    }
    let user = User::current()?;
    Ok(allowed(dacl)?
        .into_iter()
        .find(|(sid, mask)| mask & rights != 0 && !user.trusts(*sid))
        .map(|(sid, _)| account_name(sid)))
}

/// Who else may read or write the open key file, if anyone.
pub(super) fn file_outsider(file: &File) -> io::Result<Option<String>> {
    outsider(&dacl_of_handle(file)?, FILE_PRIVATE_RIGHTS)
}

/// Who else may add or delete files in `dir`, if anyone.
pub(super) fn dir_outsider(dir: &Path) -> io::Result<Option<String>> {
    outsider(&dacl_of_path(dir)?, DIR_WRITE_RIGHTS)
}

/// Create `dir` and its missing parents, each with the owner-only, inheritable DACL. Existing ones are left
/// as they are (a directory reached through a symlink or junction included, as on Unix).
pub(super) fn create_private_dirs(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dirs(parent)?;
    }
    let user = User::current()?;
    let sd = owner_only(&user, true)?;
    let sa = attributes(&sd);
    // SAFETY: a NUL-terminated path and valid security attributes.
    if unsafe { CreateDirectoryW(wide(dir.as_os_str()).as_ptr(), &sa) } == 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(ERROR_ALREADY_EXISTS as i32) && dir.is_dir() {
            return Ok(());
        }
        return Err(e);
    }
    Ok(())
}

/// For tests: the effective allow entries on `path` as (SID string, rights).
#[cfg(test)]
pub(super) fn allow_entries(path: &Path) -> Vec<(String, u32)> {
    let dacl = dacl_of_path(path).unwrap();
    assert!(!dacl.acl.is_null(), "{} has a DACL", path.display());
    allowed(&dacl).unwrap().into_iter().map(|(sid, mask)| (sid_string(sid).unwrap(), mask)).collect()
}

/// For tests: replace the DACL of `path` with the one in `sddl` (`D:…`), as `icacls` would.
#[cfg(test)]
pub(super) fn set_dacl(path: &Path, sddl: &str) {
    use windows_sys::Win32::Security::Authorization::SetNamedSecurityInfoW;
    use windows_sys::Win32::Security::GetSecurityDescriptorDacl;
    let sd = descriptor(sddl).unwrap_or_else(|e| panic!("{sddl}: {e}"));
    let (mut present, mut acl, mut defaulted) = (0, std::ptr::null_mut(), 0);
    // SAFETY: a valid security descriptor and out-pointers.
    assert!(unsafe { GetSecurityDescriptorDacl(sd.0, &mut present, &mut acl, &mut defaulted) } != 0);
    // SAFETY: a NUL-terminated path and the DACL inside `sd`, alive for the call.
    let rc = unsafe {
        SetNamedSecurityInfoW(
            wide(path.as_os_str()).as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | windows_sys::Win32::Security::PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            acl,
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "SetNamedSecurityInfoW({})", path.display());
}
