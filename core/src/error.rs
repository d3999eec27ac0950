//! One error type for every surface. The numeric codes are a public contract: the C enum,
//! the Python exception classes, the Node `code` property and the CLI exit status all use
//! them, so a code is never renumbered or reused.

use std::fmt;

/// Stable error codes shared by Rust, C, Python, Node and the CLI exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The remote or URL is not one of the accepted CodeCommit forms.
    InvalidRemote = 10,
    /// No region could be determined, or it does not have the shape of an AWS region.
    InvalidRegion = 11,
    /// The host is not a CodeCommit endpoint; we refuse to sign for it.
    HostNotAllowed = 12,
    /// The named profile does not exist in the AWS config or credentials file.
    UnknownProfile = 13,
    /// The AWS config or credentials file could not be parsed or is inconsistent.
    InvalidConfig = 14,
    /// No credential source produced credentials.
    NoCredentials = 15,
    /// A login session (SSO or `aws login`) is missing or expired.
    LoginRequired = 16,
    /// The profile needs an MFA code and there is no way to ask for one.
    MfaRequired = 17,
    /// A credential source (STS, SSO, credential_process, container, IMDS) failed.
    CredentialSource = 18,
    /// A credential source did not answer in time.
    Timeout = 19,
    /// Git's credential request could not be parsed.
    InvalidCredentialRequest = 20,
    /// Git did not send the repository path (`credential.UseHttpPath` is off).
    MissingPath = 21,
    /// An argument is invalid (bad time, bad option value).
    InvalidArgument = 22,
    /// A file or terminal could not be read or written.
    Io = 23,
    /// A bug: something that should not happen did.
    Internal = 24,
    /// A required pointer argument was NULL (C API).
    NullArgument = 25,
    /// A string argument was not valid UTF-8 (C API).
    InvalidUtf8 = 26,
}

impl ErrorCode {
    /// Every code, for bindings that generate one class or constant per code.
    pub const ALL: [ErrorCode; 17] = [
        ErrorCode::InvalidRemote,
        ErrorCode::InvalidRegion,
        ErrorCode::HostNotAllowed,
        ErrorCode::UnknownProfile,
        ErrorCode::InvalidConfig,
        ErrorCode::NoCredentials,
        ErrorCode::LoginRequired,
        ErrorCode::MfaRequired,
        ErrorCode::CredentialSource,
        ErrorCode::Timeout,
        ErrorCode::InvalidCredentialRequest,
        ErrorCode::MissingPath,
        ErrorCode::InvalidArgument,
        ErrorCode::Io,
        ErrorCode::Internal,
        ErrorCode::NullArgument,
        ErrorCode::InvalidUtf8,
    ];

    /// The numeric value, also used as the CLI exit status.
    pub fn as_i32(self) -> i32 {
        self as i32
    }

    /// A stable, machine-friendly name such as `INVALID_REMOTE`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidRemote => "INVALID_REMOTE",
            ErrorCode::InvalidRegion => "INVALID_REGION",
            ErrorCode::HostNotAllowed => "HOST_NOT_ALLOWED",
            ErrorCode::UnknownProfile => "UNKNOWN_PROFILE",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::NoCredentials => "NO_CREDENTIALS",
            ErrorCode::LoginRequired => "LOGIN_REQUIRED",
            ErrorCode::MfaRequired => "MFA_REQUIRED",
            ErrorCode::CredentialSource => "CREDENTIAL_SOURCE",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::InvalidCredentialRequest => "INVALID_CREDENTIAL_REQUEST",
            ErrorCode::MissingPath => "MISSING_PATH",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::Io => "IO",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::NullArgument => "NULL_ARGUMENT",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
        }
    }

    /// The code for a numeric value, if it is one of ours.
    pub fn from_i32(value: i32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_i32() == value)
    }
}

/// An error with a stable code and a message that says what to do next.
///
/// Messages are built from non-secret parts only (profile names, hosts, repository names,
/// access key ids at most); constructors never receive a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}: {})", self.code.name(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_i32(code.as_i32()), Some(code));
            let same_name = ErrorCode::ALL.iter().filter(|c| c.name() == code.name());
            assert_eq!(same_name.count(), 1);
        }
        assert_eq!(ErrorCode::from_i32(0), None);
    }

    #[test]
    fn codes_are_stable() {
        // These numbers are a published contract (C header, Python, Node, exit status).
        assert_eq!(ErrorCode::InvalidRemote.as_i32(), 10);
        assert_eq!(ErrorCode::HostNotAllowed.as_i32(), 12);
        assert_eq!(ErrorCode::LoginRequired.as_i32(), 16);
        assert_eq!(ErrorCode::InvalidUtf8.as_i32(), 26);
    }
}
