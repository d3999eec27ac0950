//! The C ABI of codecommit-auth: `libcodecommit_auth` (shared and static) and the header
//! `include/codecommit_auth.h`, generated from this file by cbindgen.
//!
//! A thin shell: argument conversion and error mapping only; every decision is made by the
//! `codecommit-auth` core crate. Conventions (see the header's opening comment): one prefix,
//! opaque handles, a status code from every function and results through out-parameters,
//! a panic boundary around every export, NULL-safe arguments, a per-thread last error.
#![allow(non_camel_case_types)]
// Every export documents its pointer contract in its own doc comment (which becomes the
// header's documentation), in C terms rather than in a Rust `# Safety` section.
#![allow(clippy::missing_safety_doc)]

mod boundary;

use std::ffi::{CString, c_char, c_int, c_void};
use std::ptr;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime};

use codecommit_auth::{
    Client, ClientOptions, Error, ErrorCode, GitCredential, MfaPrompt, MfaRequest,
};
use zeroize::Zeroizing;

use crate::boundary::{
    SecretCString, free_owned_string, guard, guard_ptr, guard_void, last_error_ptr, mut_arg,
    opt_str_arg, out_arg, out_str_arg, owned_string, plain_cstring, ref_arg, str_arg, unix_seconds,
    unix_time,
};

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

/// Options for codecommit_auth_client_new(). Created by codecommit_auth_options_new(),
/// changed by the codecommit_auth_options_set_*() functions, released with
/// codecommit_auth_options_free(). Not thread-safe: do not change one options object from
/// two threads at once. A client copies what it needs, so options may be freed (or reused)
/// as soon as codecommit_auth_client_new() returns.
pub struct codecommit_auth_options {
    inner: ClientOptions,
}

/// Resolves remotes to signed Git credentials. Created by codecommit_auth_client_new(),
/// released with codecommit_auth_client_free(). Thread-safe: one client may be used from any
/// number of threads at once (it remembers temporary credentials and shares them between
/// calls), but it must not be freed while another thread still uses it.
pub struct codecommit_auth_client {
    inner: Client,
}

/// A signed CodeCommit Git credential: username, password, expiry and the signed URL.
/// Immutable and thread-safe; the strings its accessors return belong to it and stay valid
/// until codecommit_auth_credential_free(), which overwrites the secret ones with zeros.
pub struct codecommit_auth_credential {
    username: SecretCString,
    password: SecretCString,
    url: SecretCString,
    access_key_id: CString,
    host: CString,
    path: CString,
    region: CString,
    profile: Option<CString>,
    expires_at: i64,
}

// Shared between threads by C callers: these must stay Send + Sync.
const _: () = {
    const fn thread_safe<T: Send + Sync>() {}
    thread_safe::<codecommit_auth_client>();
    thread_safe::<codecommit_auth_credential>();
};

impl codecommit_auth_credential {
    fn new(credential: &GitCredential) -> Result<Box<Self>, Error> {
        Ok(Box::new(codecommit_auth_credential {
            username: SecretCString::new(credential.username().expose(), "username")?,
            password: SecretCString::new(credential.password().expose(), "password")?,
            url: SecretCString::new(credential.url().expose(), "signed URL")?,
            access_key_id: plain_cstring(credential.access_key_id(), "access key id")?,
            host: plain_cstring(credential.host(), "host")?,
            path: plain_cstring(credential.path(), "path")?,
            region: plain_cstring(credential.region(), "region")?,
            profile: credential
                .profile()
                .map(|p| plain_cstring(p, "profile"))
                .transpose()?,
            expires_at: unix_seconds(credential.expires_at()),
        }))
    }
}

/// Supplies an MFA code. Called with the `user_data` given to
/// codecommit_auth_options_set_mfa_callback(), the AWS profile being resolved, the MFA
/// device's serial number (or ARN) and the role to assume, all NUL-terminated UTF-8 valid
/// only during the call. Write the code as a NUL-terminated string into `code` (which has
/// room for `code_size` bytes, NUL included) and return 0; return any other value to decline,
/// which fails the request with CODECOMMIT_AUTH_MFA_REQUIRED.
///
/// It may be called from any thread that uses the client (at most once per role session,
/// which is then cached), so `user_data` must be safe to use from those threads. It must not
/// call back into the same client, and must return normally (no C++ exception, no longjmp).
pub type codecommit_auth_mfa_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        profile: *const c_char,
        serial: *const c_char,
        role_arn: *const c_char,
        code: *mut c_char,
        code_size: usize,
    ) -> c_int,
>;

/// Room for an MFA code, NUL included (codes are 6 digits; some tokens use more).
const MFA_CODE_CAPACITY: usize = 64;

/// A C callback as the core's MFA prompt.
struct CMfaPrompt {
    callback: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *const c_char,
        *const c_char,
        *mut c_char,
        usize,
    ) -> c_int,
    user_data: *mut c_void,
}

// SAFETY: the callback's documented contract requires `user_data` to be usable from any
// thread that uses the client; the function pointer itself is plain code.
unsafe impl Send for CMfaPrompt {}
// SAFETY: as above; the prompt is only ever read.
unsafe impl Sync for CMfaPrompt {}

impl MfaPrompt for CMfaPrompt {
    fn code(&self, request: &MfaRequest) -> Result<String, Error> {
        let profile = plain_cstring(&request.profile, "profile name")?;
        let serial = plain_cstring(&request.serial, "MFA serial")?;
        let role_arn = plain_cstring(&request.role_arn, "role ARN")?;
        let mut buffer = Zeroizing::new([0u8; MFA_CODE_CAPACITY]);
        // SAFETY: the callback was given by the caller for exactly this call shape; every
        // string is NUL-terminated and outlives the call; `buffer` has MFA_CODE_CAPACITY bytes.
        let rc = unsafe {
            (self.callback)(
                self.user_data,
                profile.as_ptr(),
                serial.as_ptr(),
                role_arn.as_ptr(),
                buffer.as_mut_ptr().cast(),
                MFA_CODE_CAPACITY,
            )
        };
        if rc != 0 {
            return Err(Error::new(
                ErrorCode::MfaRequired,
                format!(
                    "the MFA callback declined (returned {rc}) to give a code for {} (profile {}); \
                     no credentials without it",
                    request.serial, request.profile
                ),
            ));
        }
        let end = buffer.iter().position(|b| *b == 0).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "the MFA callback wrote a code without a terminating NUL in {MFA_CODE_CAPACITY} bytes"
                ),
            )
        })?;
        let code = std::str::from_utf8(&buffer[..end]).map_err(|_| {
            Error::new(
                ErrorCode::InvalidUtf8,
                "the MFA callback wrote a code that is not UTF-8",
            )
        })?;
        Ok(code.trim().to_owned())
    }
}

// ---------------------------------------------------------------------------------------
// Library information and errors
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

/// Creates options with the defaults: profile from the remote, else AWS_PROFILE, else
/// "default"; region from the remote, else the environment or profile; endpoint from
/// CODE_COMMIT_ENDPOINT when set; refresh margin 600 s; host check on; cross-process
/// credential cache on; no MFA callback. `*out` receives the options (NULL on failure);
/// release them with codecommit_auth_options_free().
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_new(
    out: *mut *mut codecommit_auth_options,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or a writable pointer.
        let out = unsafe { out_arg(out, "out") }?;
        *out = Box::into_raw(Box::new(codecommit_auth_options {
            inner: ClientOptions::default(),
        }));
        Ok(())
    })
}

/// Releases options. NULL is ignored. Do not use `options` afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_free(options: *mut codecommit_auth_options) {
    guard_void(|| {
        if !options.is_null() {
            // SAFETY: a pointer from codecommit_auth_options_new, released once.
            drop(unsafe { Box::from_raw(options) });
        }
    })
}

/// Sets the AWS profile used when the remote names none (`codecommit://PROFILE@REPO` wins).
/// NULL restores the default (AWS_PROFILE, else "default"). The string is copied.
///
/// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_profile(
    options: *mut codecommit_auth_options,
    profile: *const c_char,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let (options, profile) = unsafe {
            (
                mut_arg(options, "options")?,
                opt_str_arg(profile, "profile")?,
            )
        };
        options.inner.profile = profile.map(str::to_owned);
        Ok(())
    })
}

/// Sets the region used when the remote gives none (a `codecommit::REGION://` remote or an
/// HTTPS host wins). NULL restores the default (AWS_REGION, AWS_DEFAULT_REGION, the
/// profile's region). The string is copied; it is validated by codecommit_auth_client_new().
///
/// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_region(
    options: *mut codecommit_auth_options,
    region: *const c_char,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let (options, region) =
            unsafe { (mut_arg(options, "options")?, opt_str_arg(region, "region")?) };
        options.inner.region = region.map(str::to_owned);
        Ok(())
    })
}

/// Replaces the CodeCommit host, like the official helper's CODE_COMMIT_ENDPOINT:
/// "HOST[:PORT]" or "http[s]://HOST[:PORT]"; requests to exactly this host are signed as
/// given (port included). NULL restores the default (CODE_COMMIT_ENDPOINT, else the region's
/// CodeCommit host). The string is copied; it is validated by codecommit_auth_client_new()
/// (INVALID_ARGUMENT when it is not one of these forms).
///
/// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_endpoint(
    options: *mut codecommit_auth_options,
    endpoint: *const c_char,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let (options, endpoint) = unsafe {
            (
                mut_arg(options, "options")?,
                opt_str_arg(endpoint, "endpoint")?,
            )
        };
        options.inner.endpoint = endpoint.map(str::to_owned);
        Ok(())
    })
}

/// Temporary credentials closer than `seconds` to their expiry are refreshed before
/// signing (default 600).
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_refresh_margin(
    options: *mut codecommit_auth_options,
    seconds: u64,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or a valid pointer.
        let options = unsafe { mut_arg(options, "options") }?;
        options.inner.refresh_margin = Duration::from_secs(seconds);
        Ok(())
    })
}

/// When true, signs for HTTPS URLs on any host (the AWS CLI helper's --ignore-host-check).
/// Default false: only exact CodeCommit hosts (and the endpoint override) are signed for.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_ignore_host_check(
    options: *mut codecommit_auth_options,
    ignore: bool,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or a valid pointer.
        let options = unsafe { mut_arg(options, "options") }?;
        options.inner.ignore_host_check = ignore;
        Ok(())
    })
}

/// When true (the default), temporary credentials are shared across processes through the
/// AWS CLI's cache (~/.aws/cli/cache), so many processes make one STS call.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_cache(
    options: *mut codecommit_auth_options,
    enabled: bool,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or a valid pointer.
        let options = unsafe { mut_arg(options, "options") }?;
        options.inner.cache = enabled;
        Ok(())
    })
}

/// Sets the callback that supplies MFA codes for role profiles with `mfa_serial` (see
/// codecommit_auth_mfa_callback). `user_data` is passed to it unchanged and must stay valid
/// as long as any client made from these options. A NULL callback removes it: such profiles
/// then fail with CODECOMMIT_AUTH_MFA_REQUIRED.
///
/// Errors: NULL_ARGUMENT (options).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_options_set_mfa_callback(
    options: *mut codecommit_auth_options,
    callback: codecommit_auth_mfa_callback,
    user_data: *mut c_void,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or a valid pointer.
        let options = unsafe { mut_arg(options, "options") }?;
        options.inner.mfa = callback.map(|callback| {
            Arc::new(CMfaPrompt {
                callback,
                user_data,
            }) as codecommit_auth::SharedMfaPrompt
        });
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------

/// Creates a client from `options` (NULL: the defaults of codecommit_auth_options_new()).
/// The options are copied. `*out` receives the client (NULL on failure); release it with
/// codecommit_auth_client_free(). No network access happens here.
///
/// Errors: NULL_ARGUMENT (out), INVALID_REGION (region option not a region, or longer than
/// 64 bytes), INVALID_ARGUMENT (endpoint option or CODE_COMMIT_ENDPOINT not HOST[:PORT] or
/// http[s]://HOST[:PORT], or longer than 1 KiB; profile option longer than 1 KiB).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_new(
    options: *const codecommit_auth_options,
    out: *mut *mut codecommit_auth_client,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let out = unsafe { out_arg(out, "out") }?;
        // SAFETY: as above; NULL options mean the defaults.
        let options = unsafe { options.as_ref() }
            .map(|o| o.inner.clone())
            .unwrap_or_default();
        let client = Client::new(options)?;
        *out = Box::into_raw(Box::new(codecommit_auth_client { inner: client }));
        Ok(())
    })
}

/// Releases a client. NULL is ignored. No other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_free(client: *mut codecommit_auth_client) {
    guard_void(|| {
        if !client.is_null() {
            // SAFETY: a pointer from codecommit_auth_client_new, released once.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

unsafe fn client_credential(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    at: Option<SystemTime>,
    out: *mut *mut codecommit_auth_credential,
) -> Result<(), Error> {
    // SAFETY: forwarded from the exported functions' contracts.
    let (out, client, remote) = unsafe {
        (
            out_arg(out, "out")?,
            ref_arg(client, "client")?,
            str_arg(remote, "remote")?,
        )
    };
    let credential = client.inner.git_credential_blocking(remote, at)?;
    *out = Box::into_raw(codecommit_auth_credential::new(&credential)?);
    Ok(())
}

/// Resolves credentials for `remote` and signs them now. `remote` is a `codecommit://`
/// remote (`codecommit://[PROFILE@]REPO`, `codecommit::REGION://[PROFILE@]REPO`) or a
/// CodeCommit HTTPS URL (`https://git-codecommit.REGION.amazonaws.com/v1/repos/REPO`, or a
/// URL on the endpoint override). `*out` receives the credential (NULL on failure); release
/// it with codecommit_auth_credential_free().
///
/// Blocks while credentials are resolved: static keys need no I/O beyond reading the AWS
/// config files; assumed roles, SSO and the like may call AWS (bounded: 30 s per
/// resolution) and are remembered by the client until close to expiry. Thread-safe:
/// concurrent calls for one profile share one resolution in flight (one credential_process
/// run, one STS call) and its outcome; a failure is not remembered, the next call retries.
///
/// Errors: NULL_ARGUMENT, INVALID_UTF8, INVALID_REMOTE, INVALID_REGION, HOST_NOT_ALLOWED,
/// UNKNOWN_PROFILE, INVALID_CONFIG, NO_CREDENTIALS, LOGIN_REQUIRED, MFA_REQUIRED,
/// CREDENTIAL_SOURCE, TIMEOUT, IO.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_credential(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    out: *mut *mut codecommit_auth_credential,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    guard(|| unsafe { client_credential(client, remote, None, out) })
}

/// As codecommit_auth_client_credential(), signed at `unix_seconds` instead of now
/// (reproducible signatures, tests). The expiry is then relative to that time.
///
/// Errors: as codecommit_auth_client_credential(), and INVALID_ARGUMENT when `unix_seconds`
/// is negative or after the year 9999.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_credential_at(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    unix_seconds: i64,
    out: *mut *mut codecommit_auth_credential,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or a writable pointer; cleared before any other check.
        let _ = unsafe { out_arg(out, "out") }?;
        let at = unix_time(unix_seconds)?;
        // SAFETY: caller passes NULL or valid pointers.
        unsafe { client_credential(client, remote, Some(at), out) }
    })
}

/// A URL carrying fresh credentials for `remote`:
/// `https://USERNAME:PASSWORD@HOST/v1/repos/REPO` with the username percent-encoded, as the
/// official remote helper makes it. It is a secret: keep it out of process arguments and
/// logs. `*out_url` receives it (NULL on failure); release it with
/// codecommit_auth_string_free(), which wipes it. Blocking and thread-safe as
/// codecommit_auth_client_credential().
///
/// Errors: as codecommit_auth_client_credential().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_signed_url(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    out_url: *mut *mut c_char,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let (out, client, remote) = unsafe {
            (
                out_arg(out_url, "out_url")?,
                ref_arg(client, "client")?,
                str_arg(remote, "remote")?,
            )
        };
        let credential = client.inner.git_credential_blocking(remote, None)?;
        *out = owned_string(credential.url().expose(), "signed URL")?;
        Ok(())
    })
}

/// The URL Git (or libgit2) should use for `remote`, without credentials, e.g.
/// `https://git-codecommit.us-east-1.amazonaws.com/v1/repos/REPO` (or `http://` for a plain
/// HTTP endpoint override). Reads the AWS config files only when the host depends on the
/// profile (no HTTPS URL or endpoint override, and the region or AWS_USE_FIPS_ENDPOINT not
/// known without it); resolves no credentials: no network access. `*out_url` receives it (NULL on failure); release it with
/// codecommit_auth_string_free(). Thread-safe. (Python: `repository_url`, Node:
/// `repositoryUrl`.)
///
/// Errors: NULL_ARGUMENT, INVALID_UTF8, INVALID_REMOTE, INVALID_REGION, HOST_NOT_ALLOWED,
/// UNKNOWN_PROFILE, INVALID_CONFIG.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_repository_url(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    out_url: *mut *mut c_char,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let (out, client, remote) = unsafe {
            (
                out_arg(out_url, "out_url")?,
                ref_arg(client, "client")?,
                str_arg(remote, "remote")?,
            )
        };
        let url = client.inner.repository_url(remote)?;
        *out = owned_string(&url, "URL")?;
        Ok(())
    })
}

/// Deprecated: the old name of codecommit_auth_client_repository_url() (the same function),
/// kept for one release.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_client_plain_url(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    out_url: *mut *mut c_char,
) -> codecommit_auth_status {
    // SAFETY: the same contract.
    unsafe { codecommit_auth_client_repository_url(client, remote, out_url) }
}

// ---------------------------------------------------------------------------------------
// Pure signing
// ---------------------------------------------------------------------------------------

/// Signs explicit credentials, with no AWS configuration and no I/O: the access key id,
/// secret access key and optional session token (NULL or "" for none), the region, the host
/// (signed exactly as given, port included; "HOST[:PORT]" or "http[s]://HOST[:PORT]"), the
/// repository path "/v1/repos/REPO", and the signing time in Unix seconds. `*out` receives
/// the credential (NULL on failure); release it with codecommit_auth_credential_free().
/// Deterministic and thread-safe.
///
/// Errors: NULL_ARGUMENT, INVALID_UTF8, INVALID_REGION, INVALID_ARGUMENT (host not
/// HOST[:PORT] or http[s]://HOST[:PORT]; empty key; access key id over 128 bytes, secret key
/// over 1 KiB, session token over 16 KiB or host over 1 KiB; path not /v1/repos/REPO; time
/// out of range), INVALID_REMOTE (the repository name in the path is not valid).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_sign(
    access_key_id: *const c_char,
    secret_access_key: *const c_char,
    session_token: *const c_char,
    region: *const c_char,
    host: *const c_char,
    path: *const c_char,
    unix_seconds: i64,
    out: *mut *mut codecommit_auth_credential,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let out = unsafe { out_arg(out, "out") }?;
        // SAFETY: as above.
        let (access_key_id, secret_access_key, session_token, region, host, path) = unsafe {
            (
                str_arg(access_key_id, "access_key_id")?,
                str_arg(secret_access_key, "secret_access_key")?,
                opt_str_arg(session_token, "session_token")?,
                str_arg(region, "region")?,
                str_arg(host, "host")?,
                str_arg(path, "path")?,
            )
        };
        let at = unix_time(unix_seconds)?;
        let credential = codecommit_auth::sign(
            access_key_id,
            secret_access_key,
            session_token,
            region,
            host,
            path,
            at,
        )?;
        *out = Box::into_raw(codecommit_auth_credential::new(&credential)?);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------

/// Releases a credential and overwrites its secrets (username, password, signed URL) with
/// zeros. NULL is ignored. Strings returned by its accessors are invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_free(
    credential: *mut codecommit_auth_credential,
) {
    guard_void(|| {
        if !credential.is_null() {
            // SAFETY: a pointer from this library, released once.
            drop(unsafe { Box::from_raw(credential) });
        }
    })
}

/// Shared body of the string accessors.
unsafe fn credential_str(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
    field: fn(&codecommit_auth_credential) -> *const c_char,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: forwarded from the exported accessors' contracts.
        let (out, credential) =
            unsafe { (out_str_arg(out, "out")?, ref_arg(credential, "credential")?) };
        *out = field(credential);
        Ok(())
    })
}

/// The Git username: the access key id, plus "%SESSION_TOKEN" for temporary credentials (not
/// URL-encoded). A secret when it carries a token. `*out` borrows from `credential` (valid
/// until codecommit_auth_credential_free(); do not free it).
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_username(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.username.as_ptr()) }
}

/// The Git password: "YYYYMMDDTHHMMSSZ" followed by the hex SigV4 signature. A secret.
/// `*out` borrows from `credential` (valid until codecommit_auth_credential_free()).
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_password(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.password.as_ptr()) }
}

/// The signed URL `SCHEME://USERNAME:PASSWORD@HOST/v1/repos/REPO` (username
/// percent-encoded). A secret. `*out` borrows from `credential` (valid until
/// codecommit_auth_credential_free()).
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_url(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.url.as_ptr()) }
}

/// The access key id alone (not secret). `*out` borrows from `credential`.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_access_key_id(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.access_key_id.as_ptr()) }
}

/// The host the credential is for ("HOST[:PORT]"). `*out` borrows from `credential`.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_host(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.host.as_ptr()) }
}

/// The repository path ("/v1/repos/REPO"). `*out` borrows from `credential`.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_path(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.path.as_ptr()) }
}

/// The region the signature is scoped to. `*out` borrows from `credential`.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_region(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { credential_str(credential, out, |c| c.region.as_ptr()) }
}

/// The AWS profile the credentials came from; `*out` is NULL for codecommit_auth_sign()
/// credentials (no profile). `*out` borrows from `credential`.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_profile(
    credential: *const codecommit_auth_credential,
    out: *mut *const c_char,
) -> codecommit_auth_status {
    // SAFETY: caller passes NULL or valid pointers.
    unsafe {
        credential_str(credential, out, |c| {
            c.profile.as_ref().map_or(ptr::null(), |p| p.as_ptr())
        })
    }
}

/// When the credential stops working, in Unix seconds: the earlier of the signature's
/// validity (15 minutes after signing) and the AWS credentials' own expiry. Written to
/// `*out_unix_seconds`.
///
/// Errors: NULL_ARGUMENT.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_expires_at(
    credential: *const codecommit_auth_credential,
    out_unix_seconds: *mut i64,
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: caller passes NULL or valid pointers.
        let (out, credential) = unsafe {
            (
                mut_arg(out_unix_seconds, "out_unix_seconds")?,
                ref_arg(credential, "credential")?,
            )
        };
        *out = credential.expires_at;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------

/// Releases a string returned by this library (codecommit_auth_client_signed_url(),
/// codecommit_auth_client_repository_url()) and overwrites it with zeros first. NULL is ignored.
/// Do not pass strings that borrow from a credential, static strings, or strings you
/// modified.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_string_free(string: *mut c_char) {
    // SAFETY: caller passes NULL or a string from this library, released once.
    guard_void(|| unsafe { free_owned_string(string) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> String {
        // SAFETY: tests only pass pointers from this library.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
    }

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

    #[test]
    fn sign_matches_core_and_frees_cleanly() {
        let mut cred = ptr::null_mut();
        // SAFETY: valid literals and out-pointers.
        let status = unsafe {
            codecommit_auth_sign(
                c"AKIAIOSFODNN7EXAMPLE".as_ptr(),
                c"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".as_ptr(),
                ptr::null(),
                c"us-east-1".as_ptr(),
                c"git-codecommit.us-east-1.amazonaws.com".as_ptr(),
                c"/v1/repos/MyDemoRepo".as_ptr(),
                1_700_000_000,
                &mut cred,
            )
        };
        assert_eq!(status, codecommit_auth_status::CODECOMMIT_AUTH_OK);
        let mut password = ptr::null();
        let mut profile = c"x".as_ptr();
        let mut expires = 0;
        // SAFETY: cred is a live credential.
        unsafe {
            codecommit_auth_credential_password(cred, &mut password);
            codecommit_auth_credential_profile(cred, &mut profile);
            codecommit_auth_credential_expires_at(cred, &mut expires);
        }
        assert_eq!(
            text(password),
            "20231114T221320Zafee173398cb418cc1ad3cf8dd37667fa97eaf5e70f0b6174dc2b041066b03f7"
        );
        assert!(profile.is_null());
        assert_eq!(expires, 1_700_000_000 + 900);
        // SAFETY: released once.
        unsafe { codecommit_auth_credential_free(cred) };
    }

    #[test]
    fn mfa_callback_writes_into_the_buffer() {
        unsafe extern "C" fn answer(
            user_data: *mut c_void,
            profile: *const c_char,
            serial: *const c_char,
            _role: *const c_char,
            code: *mut c_char,
            size: usize,
        ) -> c_int {
            // SAFETY: the library passes valid strings and a buffer of `size` bytes.
            unsafe {
                assert_eq!(CStr::from_ptr(profile).to_str().unwrap(), "dev");
                assert_eq!(CStr::from_ptr(serial).to_str().unwrap(), "arn:mfa");
                *user_data.cast::<u32>() += 1;
                assert!(size >= 7);
                ptr::copy_nonoverlapping(c"123456".as_ptr(), code, 7);
            }
            0
        }
        unsafe extern "C" fn decline(
            _: *mut c_void,
            _: *const c_char,
            _: *const c_char,
            _: *const c_char,
            _: *mut c_char,
            _: usize,
        ) -> c_int {
            1
        }
        unsafe extern "C" fn no_nul(
            _: *mut c_void,
            _: *const c_char,
            _: *const c_char,
            _: *const c_char,
            code: *mut c_char,
            size: usize,
        ) -> c_int {
            // SAFETY: the library passes a buffer of `size` bytes.
            unsafe { ptr::write_bytes(code, b'1', size) };
            0
        }
        let mut calls = 0u32;
        let request = MfaRequest {
            profile: "dev".into(),
            serial: "arn:mfa".into(),
            role_arn: "arn:role".into(),
        };
        let prompt = CMfaPrompt {
            callback: answer,
            user_data: (&mut calls as *mut u32).cast(),
        };
        assert_eq!(prompt.code(&request).unwrap(), "123456");
        assert_eq!(calls, 1);
        let prompt = CMfaPrompt {
            callback: decline,
            user_data: ptr::null_mut(),
        };
        assert_eq!(
            prompt.code(&request).unwrap_err().code(),
            ErrorCode::MfaRequired
        );
        let prompt = CMfaPrompt {
            callback: no_nul,
            user_data: ptr::null_mut(),
        };
        assert_eq!(
            prompt.code(&request).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
    }
}
