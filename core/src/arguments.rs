//! Bounds on what callers hand to [`Client::new`](crate::Client::new) and
//! [`sign`](crate::sign()), checked first, so every surface (CLI, C, Python, Node) refuses an
//! absurd value with `INVALID_ARGUMENT` (22). The message names the argument and the limit
//! but never repeats the value: it may be a secret, and it may be megabytes long.

use crate::error::{Error, ErrorCode, Result};

/// An access key id. AWS documents 16 to 128 characters (IAM `AccessKey.AccessKeyId`).
pub const ACCESS_KEY_ID_MAX: usize = 128;
/// A secret access key (40 characters today; AWS documents no maximum).
pub const SECRET_ACCESS_KEY_MAX: usize = 1024;
/// A session token. AWS warns that their size is not fixed (a few KiB today).
pub const SESSION_TOKEN_MAX: usize = 16 * 1024;
/// An endpoint or host, scheme and port included (a DNS name has at most 253 characters).
pub const HOST_MAX: usize = 1024;
/// A profile name given as an option.
pub const PROFILE_MAX: usize = 1024;
/// A region name (the longest AWS region today has 14 characters).
pub const REGION_MAX: usize = 64;

/// Refuses `value` (the argument `what`) when it is longer than `max` bytes.
pub(crate) fn check_len(what: &str, value: &str, max: usize) -> Result<()> {
    check(ErrorCode::InvalidArgument, what, value, max)
}

/// As [`check_len`], for a region: a too-long region is not a region (`INVALID_REGION`).
pub(crate) fn check_region_len(value: &str) -> Result<()> {
    check(ErrorCode::InvalidRegion, "region", value, REGION_MAX)
}

fn check(code: ErrorCode, what: &str, value: &str, max: usize) -> Result<()> {
    if value.len() <= max {
        return Ok(());
    }
    Err(Error::new(
        code,
        format!(
            "the {what} is {} bytes long, more than the {max} allowed; pass the real value",
            value.len()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_refused_without_being_echoed() {
        let long = "k".repeat(ACCESS_KEY_ID_MAX + 1);
        let e = check_len("access key id", &long, ACCESS_KEY_ID_MAX).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(!e.message().contains("kk"), "{}", e.message());
        assert!(e.message().contains("129 bytes") && e.message().contains("128"));
        assert!(check_len("x", &long[1..], ACCESS_KEY_ID_MAX).is_ok());
        let e = check_region_len(&"a".repeat(REGION_MAX + 1)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidRegion);
    }
}
