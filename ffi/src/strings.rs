//! Strings the library hands over to the caller (signed and repository URLs).

use std::ffi::c_char;

use crate::boundary::{free_owned_string, guard_void};

/// Releases a string returned by this library (codecommit_auth_client_signed_url(),
/// codecommit_auth_client_repository_url()) and overwrites it with zeros first. NULL is ignored.
/// Do not pass strings that borrow from a credential, static strings, or strings you
/// modified.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn codecommit_auth_string_free(string: *mut c_char) {
    // SAFETY: caller passes NULL or a string from this library, released once.
    guard_void(|| unsafe { free_owned_string(string) })
}
