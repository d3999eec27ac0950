//! `codecommit_auth_options`: what a client is made from, set field by field.

use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

use codecommit_auth::ClientOptions;

use crate::boundary::{free_handle, guard, mut_arg, opt_str_arg, out_arg};
use crate::codecommit_auth_status;
use crate::mfa::{CMfaPrompt, codecommit_auth_mfa_callback};

/// Options for codecommit_auth_client_new(). Created by codecommit_auth_options_new(),
/// changed by the codecommit_auth_options_set_*() functions, released with
/// codecommit_auth_options_free(). Not thread-safe: do not change one options object from
/// two threads at once. A client copies what it needs, so options may be freed (or reused)
/// as soon as codecommit_auth_client_new() returns.
pub struct codecommit_auth_options {
    pub(crate) inner: ClientOptions,
}

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
    // SAFETY: the caller passes NULL or a pointer from codecommit_auth_options_new, released once.
    unsafe { free_handle(options) }
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
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { set_text(options, profile, "profile", |o, v| o.profile = v) }
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
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { set_text(options, region, "region", |o, v| o.region = v) }
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
    // SAFETY: caller passes NULL or valid pointers.
    unsafe { set_text(options, endpoint, "endpoint", |o, v| o.endpoint = v) }
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
    // SAFETY: caller passes NULL or a valid pointer.
    unsafe { set(options, |o| o.refresh_margin = Duration::from_secs(seconds)) }
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
    // SAFETY: caller passes NULL or a valid pointer.
    unsafe { set(options, |o| o.ignore_host_check = ignore) }
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
    // SAFETY: caller passes NULL or a valid pointer.
    unsafe { set(options, |o| o.cache = enabled) }
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
    let prompt = callback.map(|callback| {
        Arc::new(CMfaPrompt {
            callback,
            user_data,
        }) as codecommit_auth::SharedMfaPrompt
    });
    // SAFETY: caller passes NULL or a valid pointer.
    unsafe { set(options, |o| o.mfa = prompt) }
}

/// Shared body of the setters: checks `options`, then changes its fields with `change`.
unsafe fn set(
    options: *mut codecommit_auth_options,
    change: impl FnOnce(&mut ClientOptions),
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: forwarded from the exported setters' contracts.
        let options = unsafe { mut_arg(options, "options") }?;
        change(&mut options.inner);
        Ok(())
    })
}

/// Shared body of the string setters: `value` (NULL for none) is checked as UTF-8, copied,
/// and given to `change`.
unsafe fn set_text(
    options: *mut codecommit_auth_options,
    value: *const c_char,
    name: &str,
    change: impl FnOnce(&mut ClientOptions, Option<String>),
) -> codecommit_auth_status {
    guard(|| {
        // SAFETY: forwarded from the exported setters' contracts.
        let (options, value) = unsafe { (mut_arg(options, "options")?, opt_str_arg(value, name)?) };
        change(&mut options.inner, value.map(str::to_owned));
        Ok(())
    })
}
