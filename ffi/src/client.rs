//! `codecommit_auth_client`: resolves remotes to signed credentials and URLs.

use std::ffi::c_char;
use std::time::SystemTime;

use codecommit_auth::{Client, Error};

use crate::boundary::{free_handle, guard, out_arg, owned_string, ref_arg, str_arg, unix_time};
use crate::codecommit_auth_status;
use crate::credential::codecommit_auth_credential;
use crate::options::codecommit_auth_options;

/// Resolves remotes to signed Git credentials. Created by codecommit_auth_client_new(),
/// released with codecommit_auth_client_free(). Thread-safe: one client may be used from any
/// number of threads at once (it remembers temporary credentials and shares them between
/// calls), but it must not be freed while another thread still uses it.
pub struct codecommit_auth_client {
    inner: Client,
}

// Shared between threads by C callers: it must stay Send + Sync.
const _: () = crate::boundary::thread_safe::<codecommit_auth_client>();

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
    // SAFETY: the caller passes NULL or a pointer from codecommit_auth_client_new, released once.
    unsafe { free_handle(client) }
}

/// Shared body of the calls on a remote: checks the arguments (`out` first, so that it is
/// cleared on every failure), then stores in `*out` what `call` makes of client and remote.
unsafe fn on_remote<T>(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    out: *mut *mut T,
    out_name: &str,
    call: impl FnOnce(&Client, &str) -> Result<*mut T, Error>,
) -> Result<(), Error> {
    // SAFETY: forwarded from the exported functions' contracts.
    let (out, client, remote) = unsafe {
        (
            out_arg(out, out_name)?,
            ref_arg(client, "client")?,
            str_arg(remote, "remote")?,
        )
    };
    *out = call(&client.inner, remote)?;
    Ok(())
}

unsafe fn client_credential(
    client: *const codecommit_auth_client,
    remote: *const c_char,
    at: Option<SystemTime>,
    out: *mut *mut codecommit_auth_credential,
) -> Result<(), Error> {
    // SAFETY: forwarded from the exported functions' contracts.
    unsafe {
        on_remote(client, remote, out, "out", |client, remote| {
            let credential = client.git_credential_blocking(remote, at)?;
            Ok(Box::into_raw(codecommit_auth_credential::new(&credential)?))
        })
    }
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
    // SAFETY: caller passes NULL or valid pointers.
    guard(|| unsafe {
        on_remote(client, remote, out_url, "out_url", |client, remote| {
            let credential = client.git_credential_blocking(remote, None)?;
            owned_string(credential.url().expose(), "signed URL")
        })
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
    // SAFETY: caller passes NULL or valid pointers.
    guard(|| unsafe {
        on_remote(client, remote, out_url, "out_url", |client, remote| {
            owned_string(&client.repository_url(remote)?, "URL")
        })
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
