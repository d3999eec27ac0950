//! The status every export returns, its names, and the library-wide queries: version,
//! status name, this thread's last error.

use std::ffi::{CString, c_char, c_int};
use std::sync::LazyLock;

use codecommit_auth::ErrorCode;

use crate::boundary::{guard_ptr, last_error_ptr};

/// Status of every call. `CODECOMMIT_AUTH_OK` (0) is success; every other value is one of the
/// stable error codes shared with the Rust crate, the CLI exit statuses and the Python and
/// Node bindings. Values are never renumbered or reused; new ones may be added, so treat an
/// unknown non-zero value as an error (codecommit_auth_status_name() names it "UNKNOWN").
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum codecommit_auth_status {
    /// Success.
    CODECOMMIT_AUTH_OK = 0,
    /// The remote or URL is not one of the accepted CodeCommit forms.
    CODECOMMIT_AUTH_INVALID_REMOTE = 10,
    /// No region could be determined, or it is not shaped like an AWS region.
    CODECOMMIT_AUTH_INVALID_REGION = 11,
    /// The host is not a CodeCommit endpoint; the library refuses to sign for it.
    CODECOMMIT_AUTH_HOST_NOT_ALLOWED = 12,
    /// The named profile is not in the AWS config or credentials file.
    CODECOMMIT_AUTH_UNKNOWN_PROFILE = 13,
    /// The AWS config or credentials file cannot be parsed or is inconsistent.
    CODECOMMIT_AUTH_INVALID_CONFIG = 14,
    /// No credential source produced credentials.
    CODECOMMIT_AUTH_NO_CREDENTIALS = 15,
    /// An SSO or login session is missing or expired (`aws sso login --profile X`).
    CODECOMMIT_AUTH_LOGIN_REQUIRED = 16,
    /// The profile needs an MFA code and none could be obtained (no callback, or it declined).
    CODECOMMIT_AUTH_MFA_REQUIRED = 17,
    /// A credential source (STS, SSO, credential_process, container, IMDS) failed.
    CODECOMMIT_AUTH_CREDENTIAL_SOURCE = 18,
    /// A credential source did not answer in time.
    CODECOMMIT_AUTH_TIMEOUT = 19,
    /// A git credential request is malformed.
    CODECOMMIT_AUTH_INVALID_CREDENTIAL_REQUEST = 20,
    /// Git sent no repository path (set `credential.UseHttpPath true`).
    CODECOMMIT_AUTH_MISSING_PATH = 21,
    /// An argument has a bad value: a time out of range, an endpoint or host that is not
    /// HOST[:PORT], a path that is not /v1/repos/REPO, an empty key, or a value longer than
    /// its limit (access key id 128 bytes, secret key 1 KiB, session token 16 KiB, endpoint,
    /// host and profile name 1 KiB).
    CODECOMMIT_AUTH_INVALID_ARGUMENT = 22,
    /// Reading or writing a file failed.
    CODECOMMIT_AUTH_IO = 23,
    /// A bug, including a Rust panic stopped at the C boundary.
    CODECOMMIT_AUTH_INTERNAL = 24,
    /// A required pointer argument was NULL.
    CODECOMMIT_AUTH_NULL_ARGUMENT = 25,
    /// A string argument was not valid UTF-8.
    CODECOMMIT_AUTH_INVALID_UTF8 = 26,
}

/// Every status, success first.
const STATUSES: [codecommit_auth_status; 18] = {
    use codecommit_auth_status::*;
    [
        CODECOMMIT_AUTH_OK,
        CODECOMMIT_AUTH_INVALID_REMOTE,
        CODECOMMIT_AUTH_INVALID_REGION,
        CODECOMMIT_AUTH_HOST_NOT_ALLOWED,
        CODECOMMIT_AUTH_UNKNOWN_PROFILE,
        CODECOMMIT_AUTH_INVALID_CONFIG,
        CODECOMMIT_AUTH_NO_CREDENTIALS,
        CODECOMMIT_AUTH_LOGIN_REQUIRED,
        CODECOMMIT_AUTH_MFA_REQUIRED,
        CODECOMMIT_AUTH_CREDENTIAL_SOURCE,
        CODECOMMIT_AUTH_TIMEOUT,
        CODECOMMIT_AUTH_INVALID_CREDENTIAL_REQUEST,
        CODECOMMIT_AUTH_MISSING_PATH,
        CODECOMMIT_AUTH_INVALID_ARGUMENT,
        CODECOMMIT_AUTH_IO,
        CODECOMMIT_AUTH_INTERNAL,
        CODECOMMIT_AUTH_NULL_ARGUMENT,
        CODECOMMIT_AUTH_INVALID_UTF8,
    ]
};

impl codecommit_auth_status {
    /// The status with the same number as a core error code (a code this build does not
    /// know, which a test rules out, maps to INTERNAL).
    pub(crate) fn from_code(code: ErrorCode) -> Self {
        STATUSES
            .into_iter()
            .find(|s| *s as i32 == code.as_i32())
            .unwrap_or(Self::CODECOMMIT_AUTH_INTERNAL)
    }
}

/// Status names as C strings: "OK" and the core's stable names, built once.
static STATUS_NAMES: LazyLock<Vec<(i32, CString)>> = LazyLock::new(|| {
    let mut names = vec![(0, CString::from(c"OK"))];
    for code in ErrorCode::ALL {
        names.push((code.as_i32(), CString::new(code.name()).unwrap_or_default()));
    }
    names
});

/// The library version ("MAJOR.MINOR.PATCH"), a static string: do not free it. The shared
/// library's SONAME carries MAJOR (libcodecommit_auth.so.MAJOR). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn codecommit_auth_version() -> *const c_char {
    guard_ptr(|| concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}

/// The stable name of a status ("OK", "INVALID_REMOTE", ...), or "UNKNOWN" for a value that
/// is not a status. A static string: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn codecommit_auth_status_name(status: c_int) -> *const c_char {
    guard_ptr(|| {
        STATUS_NAMES
            .iter()
            .find(|(value, _)| *value == status)
            .map_or(c"UNKNOWN".as_ptr(), |(_, name)| name.as_ptr())
    })
}

/// A message describing the last failed call on this thread: what went wrong and what to do
/// next (it never contains a secret). The empty string after a successful call. Never NULL.
/// The string belongs to the library and stays valid until the next call to a
/// status-returning function on the same thread; copy it to keep it. Thread-safe (one message
/// per thread).
#[unsafe(no_mangle)]
pub extern "C" fn codecommit_auth_last_error() -> *const c_char {
    guard_ptr(last_error_ptr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::text;

    #[test]
    fn status_enum_mirrors_every_core_code() {
        assert_eq!(STATUSES.len(), ErrorCode::ALL.len() + 1);
        for code in ErrorCode::ALL {
            let status = codecommit_auth_status::from_code(code);
            assert_eq!(status as i32, code.as_i32(), "{code:?}");
            let variant = format!("{status:?}");
            assert_eq!(variant, format!("CODECOMMIT_AUTH_{}", code.name()));
            assert_eq!(
                text(codecommit_auth_status_name(code.as_i32())),
                code.name()
            );
        }
        assert_eq!(text(codecommit_auth_status_name(0)), "OK");
        assert_eq!(text(codecommit_auth_status_name(9)), "UNKNOWN");
        assert_eq!(text(codecommit_auth_status_name(-1)), "UNKNOWN");
    }

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(text(codecommit_auth_version()), env!("CARGO_PKG_VERSION"));
    }
}
