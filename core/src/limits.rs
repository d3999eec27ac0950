//! Every size bound in one place, so SECURITY.md and the code cannot drift apart.
//!
//! The limits are generous: far above anything a real source produces, far below what could
//! exhaust memory. Past a limit the read stops and the error names the source and the limit.

/// Credentials-shaped input: `credential_process` stdout and stderr, STS/SSO/IMDS/container
/// response bodies, token files, cache entries.
pub const CREDENTIALS_MAX: u64 = 1024 * 1024;

/// The AWS config and credentials files.
pub const CONFIG_MAX: u64 = 10 * 1024 * 1024;

/// One value echoed into an error or a `--debug` line (characters).
pub const ECHO_VALUE_MAX: usize = 200;

/// A whole error message (bytes).
pub const ERROR_LINE_MAX: usize = 1024;

/// Human form of a byte limit, for error messages ("1 MiB").
pub fn describe(limit: u64) -> String {
    if limit.is_multiple_of(1024 * 1024) {
        format!("{} MiB", limit / (1024 * 1024))
    } else if limit.is_multiple_of(1024) {
        format!("{} KiB", limit / 1024)
    } else {
        format!("{limit} bytes")
    }
}
