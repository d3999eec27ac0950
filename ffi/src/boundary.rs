//! What every export needs at the C boundary: the panic guard, the per-thread last error,
//! argument conversion (NULL and UTF-8 checks) and C strings that are wiped when released.
//! Nothing here is exported; the public functions live in the module of their handle.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::time::{SystemTime, UNIX_EPOCH};

use codecommit_auth::binding::{SigningTime, Surface, for_surface};
use codecommit_auth::{Error, ErrorCode};
use zeroize::{Zeroize, Zeroizing};

use crate::codecommit_auth_status;

/// The latest signing time (9999-12-31T23:59:59Z).
#[cfg(test)]
const MAX_UNIX_SECONDS: i64 = codecommit_auth::binding::SIGNING_TIME_MAX_UNIX_SECONDS as i64;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error (interior NULs become spaces).
pub(crate) fn set_last_error(message: &str) {
    let clean = CString::new(message.replace('\0', " ")).unwrap_or_default();
    // try_with: a call from a thread-exit destructor must not panic.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = clean);
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        if !slot.as_bytes().is_empty() {
            *slot = CString::default();
        }
    });
}

/// This thread's last error message; a static empty string when there is none (or when the
/// thread is being torn down). Valid until the next status-returning call on this thread.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}

/// Runs the body of a status-returning export: converts its error to a status and message,
/// and a panic to `CODECOMMIT_AUTH_INTERNAL`, so no unwind ever crosses into C.
pub(crate) fn guard<F>(body: F) -> codecommit_auth_status
where
    F: FnOnce() -> Result<(), Error>,
{
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            clear_last_error();
            codecommit_auth_status::CODECOMMIT_AUTH_OK
        }
        Ok(Err(error)) => {
            // Fixes worded for a library caller (the endpoint option, not the variable).
            let error = for_surface(error, Surface::Library);
            set_last_error(error.message());
            codecommit_auth_status::from_code(error.code())
        }
        Err(payload) => {
            set_last_error(&panic_message(payload.as_ref()));
            codecommit_auth_status::CODECOMMIT_AUTH_INTERNAL
        }
    }
}

/// Runs the body of an export that returns nothing (the `*_free` functions).
pub(crate) fn guard_void<F: FnOnce()>(body: F) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(body)) {
        set_last_error(&panic_message(payload.as_ref()));
    }
}

/// Runs the body of an export that returns a static string; `""` if it panicked.
pub(crate) fn guard_ptr<F: FnOnce() -> *const c_char>(body: F) -> *const c_char {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(c"".as_ptr())
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    format!(
        "internal error: a panic was stopped at the C boundary ({detail}); this is a bug in \
         libcodecommit_auth, please report it"
    )
}

fn null_argument(name: &str) -> Error {
    Error::new(
        ErrorCode::NullArgument,
        format!("argument `{name}` is NULL; pass a valid pointer"),
    )
}

/// A required string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(null_argument(name));
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Error::new(
            ErrorCode::InvalidUtf8,
            format!(
                "argument `{name}` is not valid UTF-8 (bad byte at offset {}); pass UTF-8 text",
                e.valid_up_to()
            ),
        )
    })
}

/// An optional string argument: NULL means "not set".
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(ptr, name) }.map(Some)
    }
}

/// A required handle argument, borrowed.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that outlives `'a` and is not mutated meanwhile.
pub(crate) unsafe fn ref_arg<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: per contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| null_argument(name))
}

/// A required handle argument, borrowed mutably.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that nobody else uses during `'a`.
pub(crate) unsafe fn mut_arg<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: per contract.
    unsafe { ptr.as_mut() }.ok_or_else(|| null_argument(name))
}

/// A required out-parameter. It is set to NULL at once, so a failure leaves NULL behind.
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn out_arg<'a, T>(out: *mut *mut T, name: &str) -> Result<&'a mut *mut T, Error> {
    // SAFETY: per contract.
    let slot = unsafe { out.as_mut() }.ok_or_else(|| null_argument(name))?;
    *slot = ptr::null_mut();
    Ok(slot)
}

/// A required out-parameter for a borrowed string.
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn out_str_arg<'a>(
    out: *mut *const c_char,
    name: &str,
) -> Result<&'a mut *const c_char, Error> {
    // SAFETY: per contract.
    let slot = unsafe { out.as_mut() }.ok_or_else(|| null_argument(name))?;
    *slot = ptr::null();
    Ok(slot)
}

/// Unix seconds to `SystemTime`, within core's one signing range (1970 to 9999, UTC).
pub(crate) fn unix_time(seconds: i64) -> Result<SystemTime, Error> {
    SigningTime::from_unix_seconds(seconds, "the time").map(SigningTime::get)
}

/// `SystemTime` to Unix seconds (saturating; times before 1970 become 0).
pub(crate) fn unix_seconds(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn interior_nul(what: &str) -> Error {
    Error::new(
        ErrorCode::Internal,
        format!("the {what} contains a NUL byte and cannot be returned as a C string"),
    )
}

/// A NUL-terminated string owned by a handle, wiped when the handle is released.
pub(crate) struct SecretCString(Zeroizing<Vec<u8>>);

impl SecretCString {
    pub(crate) fn new(value: &str, what: &str) -> Result<Self, Error> {
        if value.as_bytes().contains(&0) {
            return Err(interior_nul(what));
        }
        // Exact capacity: the buffer is never reallocated, so no unwiped copy is left behind.
        let mut bytes = Zeroizing::new(Vec::with_capacity(value.len() + 1));
        bytes.extend_from_slice(value.as_bytes());
        bytes.push(0);
        Ok(SecretCString(bytes))
    }

    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

/// A plain (non-secret) NUL-terminated string owned by a handle.
pub(crate) fn plain_cstring(value: &str, what: &str) -> Result<CString, Error> {
    CString::new(value).map_err(|_| interior_nul(what))
}

/// A string handed to C, to be released with `codecommit_auth_string_free` (which wipes it).
pub(crate) fn owned_string(value: &str, what: &str) -> Result<*mut c_char, Error> {
    if value.as_bytes().contains(&0) {
        return Err(interior_nul(what));
    }
    // Capacity len + 1: CString::new appends the NUL and boxes the slice without reallocating,
    // so the only copy of the bytes is the one `codecommit_auth_string_free` wipes.
    let mut bytes = Vec::with_capacity(value.len() + 1);
    bytes.extend_from_slice(value.as_bytes());
    let string = CString::new(bytes).map_err(|e| {
        e.into_vec().zeroize();
        interior_nul(what)
    })?;
    Ok(string.into_raw())
}

/// Takes back and wipes a string made by [`owned_string`].
///
/// # Safety
/// `ptr` is NULL or came from [`owned_string`] and was not released before.
pub(crate) unsafe fn free_owned_string(ptr: *mut c_char) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: per contract, `ptr` is a CString::into_raw pointer released once.
    let string = unsafe { CString::from_raw(ptr) };
    string.into_bytes_with_nul().zeroize();
}

/// Takes back and drops a handle made with `Box::into_raw`. NULL is ignored.
///
/// # Safety
/// `handle` is NULL or came from `Box::into_raw` of a `T` and was not released before.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    guard_void(|| {
        if !handle.is_null() {
            // SAFETY: per contract, a Box::into_raw pointer released once.
            drop(unsafe { Box::from_raw(handle) });
        }
    })
}

/// Compiles only for types that may be shared between threads, as C callers share handles.
pub(crate) const fn thread_safe<T: Send + Sync>() {}

/// A C string from this library as Rust text (tests only).
#[cfg(test)]
pub(crate) fn text(p: *const c_char) -> String {
    // SAFETY: tests only pass NUL-terminated pointers from this library.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal_with_a_message() {
        let status = guard(|| panic!("boom"));
        assert_eq!(status, codecommit_auth_status::CODECOMMIT_AUTH_INTERNAL);
        // SAFETY: the pointer is this thread's last error, valid until the next call.
        let message = unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_str()
            .unwrap();
        assert!(
            message.contains("boom") && message.contains("bug"),
            "{message}"
        );
        assert_eq!(guard(|| Ok(())), codecommit_auth_status::CODECOMMIT_AUTH_OK);
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(last_error_ptr()) }.to_bytes(), b"");
        guard_void(|| panic!("in a free function"));
        assert_eq!(guard_ptr(|| panic!("static")), c"".as_ptr());
    }

    #[test]
    fn errors_keep_code_and_message() {
        let status = guard(|| Err(Error::new(ErrorCode::InvalidRemote, "bad\0remote")));
        assert_eq!(
            status,
            codecommit_auth_status::CODECOMMIT_AUTH_INVALID_REMOTE
        );
        // SAFETY: this thread's last error.
        let message = unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_str()
            .unwrap();
        // Core escapes control characters in messages; a NUL never cuts the C string short.
        assert!(
            message.starts_with("bad") && message.ends_with("remote"),
            "{message}"
        );
    }

    #[test]
    fn arguments_are_checked() {
        // SAFETY: NULL and valid NUL-terminated literals only.
        unsafe {
            let e = str_arg(ptr::null(), "remote").unwrap_err();
            assert_eq!(e.code(), ErrorCode::NullArgument);
            assert!(e.message().contains("`remote`"));
            let e = str_arg(c"\xff\xfe".as_ptr(), "remote").unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidUtf8);
            assert_eq!(str_arg(c"ok".as_ptr(), "x").unwrap(), "ok");
            assert_eq!(opt_str_arg(ptr::null(), "x").unwrap(), None);
            let mut slot: *mut u8 = ptr::dangling_mut();
            out_arg(&mut slot, "out").unwrap();
            assert!(slot.is_null());
            assert!(out_arg::<u8>(ptr::null_mut(), "out").is_err());
        }
    }

    #[test]
    fn times_are_bounded() {
        assert_eq!(
            unix_seconds(unix_time(1_700_000_000).unwrap()),
            1_700_000_000
        );
        assert_eq!(
            unix_time(-1).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert!(unix_time(MAX_UNIX_SECONDS).is_ok());
        assert!(unix_time(MAX_UNIX_SECONDS + 1).is_err());
    }

    #[test]
    fn owned_strings_round_trip_and_reject_nul() {
        let p = owned_string("https://a:b@c/v1/repos/r", "url").unwrap();
        // SAFETY: p came from owned_string.
        unsafe {
            assert_eq!(
                CStr::from_ptr(p).to_str().unwrap(),
                "https://a:b@c/v1/repos/r"
            );
            free_owned_string(p);
            free_owned_string(ptr::null_mut());
        }
        assert!(owned_string("a\0b", "url").is_err());
        assert!(SecretCString::new("a\0b", "password").is_err());
        let s = SecretCString::new("pw", "password").unwrap();
        // SAFETY: s is alive and NUL-terminated.
        assert_eq!(unsafe { CStr::from_ptr(s.as_ptr()) }.to_bytes(), b"pw");
    }
}
