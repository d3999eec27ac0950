//! `codecommit_auth_credential`: a signed credential (from a client or from pure signing)
//! and its accessors.

use std::ffi::{CString, c_char};
use std::ptr;

use codecommit_auth::{Error, GitCredential};

use crate::boundary::{
    SecretCString, free_handle, guard, mut_arg, opt_str_arg, out_arg, out_str_arg, plain_cstring,
    ref_arg, str_arg, unix_seconds, unix_time,
};
use crate::codecommit_auth_status;

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

// Shared between threads by C callers: it must stay Send + Sync.
const _: () = crate::boundary::thread_safe::<codecommit_auth_credential>();

impl codecommit_auth_credential {
    pub(crate) fn new(credential: &GitCredential) -> Result<Box<Self>, Error> {
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
/// Releases a credential and overwrites its secrets (username, password, signed URL) with
/// zeros. NULL is ignored. Strings returned by its accessors are invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_credential_free(
    credential: *mut codecommit_auth_credential,
) {
    // SAFETY: the caller passes NULL or a pointer from this library, released once.
    unsafe { free_handle(credential) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::text;

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
}
