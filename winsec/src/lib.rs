//! Windows file security for the credential cache, behind a safe API: an owner-only,
//! non-inherited DACL (the Windows form of `chmod 700`/`600`) and the owner check (the Windows
//! form of OpenSSH's uid rule). Also [`Job`], the Windows form of a process group. Windows-only: on other systems the crate is empty, and core
//! uses it only from `core/src/platform/windows.rs`. Every `unsafe` block is one Win32 call
//! with the buffers it needs, each freed on every path.
#![cfg(windows)]

use std::ffi::c_void;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{null, null_mut};

use windows_sys::Win32::Foundation::{CloseHandle, ERROR_SUCCESS, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    EXPLICIT_ACCESS_W, GetNamedSecurityInfoW, NO_MULTIPLE_TRUSTEE, SE_FILE_OBJECT, SET_ACCESS,
    SetEntriesInAclW, SetNamedSecurityInfoW, TRUSTEE_IS_SID, TRUSTEE_IS_USER, TRUSTEE_W,
};
use windows_sys::Win32::Security::{
    ACL, DACL_SECURITY_INFORMATION, EqualSid, GetTokenInformation, IsWellKnownSid, NO_INHERITANCE,
    OWNER_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
    SUB_CONTAINERS_AND_OBJECTS_INHERIT, TOKEN_QUERY, TOKEN_USER, TokenUser,
    WinBuiltinAdministratorsSid, WinLocalSystemSid,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, TerminateJobObject,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_SET_QUOTA, PROCESS_TERMINATE,
};

/// GENERIC_ALL: the owner may do anything; nobody else is named, so nobody else may.
const GENERIC_ALL: u32 = 0x1000_0000;

fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(Some(0)).collect()
}

fn win32(code: u32) -> io::Error {
    io::Error::from_raw_os_error(code as i32)
}

/// The current user's SID, in a buffer that holds the TOKEN_USER it points into.
struct UserSid(Vec<u64>);

impl UserSid {
    fn current() -> io::Result<UserSid> {
        let mut token: HANDLE = null_mut();
        // SAFETY: a pseudo-handle for this process; `token` receives a handle we close below.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let result = Self::of_token(token);
        // SAFETY: `token` was opened above and is closed exactly once.
        unsafe { CloseHandle(token) };
        result
    }

    fn of_token(token: HANDLE) -> io::Result<UserSid> {
        let mut len = 0u32;
        // SAFETY: a size query (null buffer, length 0); fails with the size in `len`.
        unsafe { GetTokenInformation(token, TokenUser, null_mut(), 0, &mut len) };
        if len == 0 {
            return Err(io::Error::last_os_error());
        }
        // u64 elements: TOKEN_USER needs pointer alignment.
        let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
        // SAFETY: `buffer` holds at least `len` writable bytes, suitably aligned.
        let ok = unsafe {
            GetTokenInformation(
                token,
                TokenUser,
                buffer.as_mut_ptr().cast::<c_void>(),
                len,
                &mut len,
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(UserSid(buffer))
    }

    fn sid(&self) -> PSID {
        // SAFETY: the buffer starts with the TOKEN_USER written by GetTokenInformation; its
        // SID points into the same buffer, which lives as long as `self`.
        unsafe { (*self.0.as_ptr().cast::<TOKEN_USER>()).User.Sid }
    }
}

/// Replaces the DACL of `path` with one entry, full control for the current user, and stops
/// inheritance from the parent. For a directory the entry is inherited by what is created in
/// it, so new files are owner-only from their first byte.
pub fn restrict_to_owner(path: &Path, is_dir: bool) -> io::Result<()> {
    let user = UserSid::current()?;
    let access = EXPLICIT_ACCESS_W {
        grfAccessPermissions: GENERIC_ALL,
        grfAccessMode: SET_ACCESS,
        grfInheritance: if is_dir {
            SUB_CONTAINERS_AND_OBJECTS_INHERIT
        } else {
            NO_INHERITANCE
        },
        Trustee: TRUSTEE_W {
            pMultipleTrustee: null_mut(),
            MultipleTrusteeOperation: NO_MULTIPLE_TRUSTEE,
            TrusteeForm: TRUSTEE_IS_SID,
            TrusteeType: TRUSTEE_IS_USER,
            ptstrName: user.sid().cast::<u16>(),
        },
    };
    let mut acl: *mut ACL = null_mut();
    // SAFETY: one valid entry; `acl` receives a LocalAlloc'd ACL freed below.
    let code = unsafe { SetEntriesInAclW(1, &access, null(), &mut acl) };
    if code != ERROR_SUCCESS {
        return Err(win32(code));
    }
    let name = wide(path);
    // SAFETY: `name` is NUL-terminated; `acl` is the valid ACL built above.
    let code = unsafe {
        SetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            null_mut(),
            null_mut(),
            acl,
            null(),
        )
    };
    // SAFETY: allocated by SetEntriesInAclW, freed once.
    unsafe { LocalFree(acl.cast()) };
    if code != ERROR_SUCCESS {
        return Err(win32(code));
    }
    Ok(())
}

/// Whether `path` is owned by the current user, the Administrators group or SYSTEM (the
/// Windows counterparts of "you or root").
pub fn owned_by_current_user(path: &Path) -> io::Result<bool> {
    let user = UserSid::current()?;
    let name = wide(path);
    let mut owner: PSID = null_mut();
    let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
    // SAFETY: `name` is NUL-terminated; `owner` points into `descriptor`, which we free.
    let code = unsafe {
        GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION,
            &mut owner,
            null_mut(),
            null_mut(),
            null_mut(),
            &mut descriptor,
        )
    };
    if code != ERROR_SUCCESS {
        return Err(win32(code));
    }
    // SAFETY: `owner` and `user.sid()` are valid SIDs while `descriptor` and `user` live.
    let trusted = unsafe {
        EqualSid(owner, user.sid()) != 0
            || IsWellKnownSid(owner, WinBuiltinAdministratorsSid) != 0
            || IsWellKnownSid(owner, WinLocalSystemSid) != 0
    };
    // SAFETY: allocated by GetNamedSecurityInfoW, freed once.
    unsafe { LocalFree(descriptor) };
    Ok(trusted)
}

/// A Job object holding one child process and, from then on, every process it starts: the
/// Windows form of a process group, so a timeout can stop a whole tree. Closing the handle
/// (drop) leaves the processes running, as on Unix a group we do not signal lives on.
pub struct Job(HANDLE);

// SAFETY: a Job object handle is a kernel handle, usable from any thread.
unsafe impl Send for Job {}
// SAFETY: as above; `terminate` is the only use and needs no exclusive access.
unsafe impl Sync for Job {}

impl Job {
    /// A new, unnamed job with the process `pid` in it.
    pub fn adopt(pid: u32) -> io::Result<Job> {
        // SAFETY: no security attributes, no name; the handle is owned by the `Job`.
        let job = unsafe { CreateJobObjectW(null(), null()) };
        if job.is_null() {
            return Err(io::Error::last_os_error());
        }
        let job = Job(job);
        // SAFETY: a plain open by pid; the handle is closed below on every path.
        let process = unsafe { OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, 0, pid) };
        if process.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both handles are valid and open.
        let assigned = unsafe { AssignProcessToJobObject(job.0, process) };
        let error = io::Error::last_os_error();
        // SAFETY: opened above, closed exactly once.
        unsafe { CloseHandle(process) };
        if assigned == 0 {
            return Err(error);
        }
        Ok(job)
    }

    /// Terminates every process in the job. A job whose processes are gone is no error.
    pub fn terminate(&self) {
        // SAFETY: `self.0` is the open job handle.
        unsafe { TerminateJobObject(self.0, 1) };
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        // SAFETY: the job handle is owned by `self` and closed exactly once.
        unsafe { CloseHandle(self.0) };
    }
}
