//! The C MFA callback and its adapter to the core's `MfaPrompt`.

use std::ffi::{c_char, c_int, c_void};

use codecommit_auth::{Error, ErrorCode, MfaPrompt, MfaRequest};
use zeroize::Zeroizing;

use crate::boundary::plain_cstring;

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
pub(crate) struct CMfaPrompt {
    pub(crate) callback: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *const c_char,
        *const c_char,
        *mut c_char,
        usize,
    ) -> c_int,
    pub(crate) user_data: *mut c_void,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr;

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
