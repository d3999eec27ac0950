//! One error type for every surface. The numeric codes are a public contract: the C enum,
//! the Python exception classes, the Node `code` property and the CLI exit status all use
//! them, so a code is never renumbered or reused.
//!
//! The table in `error_codes!` is the only place a code is defined: number, name,
//! meaning and a generic hint. `core/tests/error_table.rs` fails when the README, the C
//! header, the Python package or the Node typings disagree with it.

use std::fmt;
use std::sync::Arc;

/// Which callers can meet a code. The CLI exit statuses, the Python classes and the
/// README table list the `Everywhere` codes; `CApi` codes exist only at the C boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every surface: CLI exit status, C, Python, Node.
    Everywhere,
    /// Only the C API can produce it (pointers and byte strings exist only there).
    CApi,
}

/// Generates `ErrorCode` and its lookup functions from one table, so a code's number,
/// name, meaning and hint cannot drift apart inside Rust.
macro_rules! error_codes {
    ($($variant:ident = $number:literal, $name:literal, $scope:ident,
       $meaning:literal, $hint:literal;)+) => {
        /// Stable error codes shared by Rust, C, Python, Node and the CLI exit status.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(i32)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $meaning] $variant = $number,)+
        }

        const CODE_COUNT: usize = [$($name),+].len();

        impl ErrorCode {
            /// Every code in numeric order, for bindings that generate one class or
            /// constant per code.
            pub const ALL: [ErrorCode; CODE_COUNT] = [$(ErrorCode::$variant),+];

            /// A stable, machine-friendly name such as `INVALID_REMOTE`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }

            /// What the code means, in one line (the README's "meaning" column).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)+
                }
            }

            /// What a user can generally do about it. Messages carry the specific fix
            /// (profile, URL, file); this is the fallback for documentation and tools.
            pub fn hint(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $hint,)+
                }
            }

            /// Which callers can meet this code.
            pub fn scope(self) -> Scope {
                match self {
                    $(ErrorCode::$variant => Scope::$scope,)+
                }
            }
        }
    };
}

error_codes! {
    InvalidRemote = 10, "INVALID_REMOTE", Everywhere,
        "the remote/URL is not an accepted form",
        "use codecommit://[PROFILE@]REPO, codecommit::REGION://[PROFILE@]REPO or a CodeCommit HTTPS URL";
    InvalidRegion = 11, "INVALID_REGION", Everywhere,
        "no region, or not shaped like a region",
        "name the region in the remote (codecommit::REGION://REPO), AWS_REGION or the profile's region";
    HostNotAllowed = 12, "HOST_NOT_ALLOWED", Everywhere,
        "not a CodeCommit host; refused",
        "use a git-codecommit host, or name the host as the endpoint (CODE_COMMIT_ENDPOINT / --endpoint)";
    UnknownProfile = 13, "UNKNOWN_PROFILE", Everywhere,
        "profile not in the AWS config/credentials files",
        "check the profile name, or add it with `aws configure --profile NAME`";
    InvalidConfig = 14, "INVALID_CONFIG", Everywhere,
        "AWS config cannot be parsed / is inconsistent",
        "fix the named setting in the AWS config or credentials file";
    NoCredentials = 15, "NO_CREDENTIALS", Everywhere,
        "no credential source produced credentials",
        "configure a profile (`aws configure`) or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
    LoginRequired = 16, "LOGIN_REQUIRED", Everywhere,
        "SSO/login session missing or expired (`aws sso login --profile X`)",
        "run `aws sso login --profile PROFILE` (or `aws login`) and retry";
    MfaRequired = 17, "MFA_REQUIRED", Everywhere,
        "the profile needs an MFA code and none can be asked for",
        "run from a terminal, or give the library an MFA callback";
    CredentialSource = 18, "CREDENTIAL_SOURCE", Everywhere,
        "STS, SSO, credential_process, container or IMDS failed",
        "read the source's message; check its endpoint, role and permissions";
    Timeout = 19, "TIMEOUT", Everywhere,
        "a credential source did not answer in time",
        "check network access to the credential source (STS, SSO, IMDS) and retry";
    InvalidCredentialRequest = 20, "INVALID_CREDENTIAL_REQUEST", Everywhere,
        "git's credential request is malformed",
        "call the helper from git (credential.helper), not by hand";
    MissingPath = 21, "MISSING_PATH", Everywhere,
        "git sent no path: set `credential.UseHttpPath true`",
        "git config --global credential.UseHttpPath true";
    InvalidArgument = 22, "INVALID_ARGUMENT", Everywhere,
        "a bad option value (e.g. `--at`)",
        "fix the named argument";
    Io = 23, "IO", Everywhere,
        "reading/writing a file, stdin/stdout, or running git failed",
        "check the named file or program and its permissions";
    Internal = 24, "INTERNAL", Everywhere,
        "a bug",
        "please report it with the message";
    NullArgument = 25, "NULL_ARGUMENT", CApi,
        "a required pointer argument was NULL (C API)",
        "pass a valid pointer";
    InvalidUtf8 = 26, "INVALID_UTF8", CApi,
        "a string argument was not valid UTF-8 (C API)",
        "pass UTF-8 text";
}

impl ErrorCode {
    /// The numeric value, also used as the CLI exit status.
    pub fn as_i32(self) -> i32 {
        self as i32
    }

    /// The code for a numeric value, if it is one of ours.
    pub fn from_i32(value: i32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_i32() == value)
    }

    /// The code for a stable name such as `INVALID_REMOTE`.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The underlying cause of an [`Error`], shared so that `Error` stays `Clone`.
pub type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// An error with a stable code and a message that says what to do next.
///
/// Messages are built from non-secret parts only (profile names, hosts, repository names,
/// access key ids at most); constructors never receive a secret. The optional `source` is
/// for programs that inspect causes ([`std::error::Error::source`]); `Display` shows only
/// the one-line message.
#[derive(Clone)]
pub struct Error {
    code: ErrorCode,
    message: String,
    source: Option<Source>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        // Every message passes the one redaction function: whatever a caller echoed
        // (a URL with userinfo, a token, control characters, a huge value) is made safe here.
        Error {
            code,
            message: crate::redact::sanitize_message(&message.into()),
            source: None,
        }
    }

    /// The error with the cause it came from. The message must still say everything a
    /// user needs: the source is for programs (the Python exception's `__cause__`, the
    /// CLI's usage-vs-failure decision), never shown by `Display`.
    pub fn with_source(
        code: ErrorCode,
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        let mut error = Error::new(code, message);
        error.source = Some(Arc::from(source.into()));
        error
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The cause given to [`Error::with_source`], if any, to downcast or inspect.
    pub fn cause(&self) -> Option<&Source> {
        self.source.as_ref()
    }
}

/// Two errors are equal when they say the same thing (code and message); causes are not
/// comparable in general and are left out.
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && self.message == other.message
    }
}

impl Eq for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The source is not printed: a foreign error's Debug may show what a message
        // would never carry (request bodies, headers).
        write!(f, "Error({}: {})", self.code.name(), self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_i32(code.as_i32()), Some(code));
            assert_eq!(ErrorCode::from_name(code.name()), Some(code));
            let same_name = ErrorCode::ALL.iter().filter(|c| c.name() == code.name());
            assert_eq!(same_name.count(), 1);
        }
        assert_eq!(ErrorCode::from_i32(0), None);
        assert_eq!(ErrorCode::from_name("OK"), None);
    }

    #[test]
    fn codes_are_stable() {
        // These numbers are a published contract (C header, Python, Node, exit status).
        assert_eq!(ErrorCode::InvalidRemote.as_i32(), 10);
        assert_eq!(ErrorCode::HostNotAllowed.as_i32(), 12);
        assert_eq!(ErrorCode::LoginRequired.as_i32(), 16);
        assert_eq!(ErrorCode::InvalidUtf8.as_i32(), 26);
        let numbers: Vec<i32> = ErrorCode::ALL.iter().map(|c| c.as_i32()).collect();
        assert_eq!(numbers, (10..=26).collect::<Vec<_>>(), "in order, no gaps");
    }

    #[test]
    fn every_code_has_one_line_meaning_and_hint() {
        for code in ErrorCode::ALL {
            for text in [code.meaning(), code.hint()] {
                assert!(!text.is_empty() && !text.contains('\n'), "{}", code.name());
                // The README table is Markdown: a `|` would split a cell.
                assert!(!text.contains('|'), "{}: {text}", code.name());
            }
        }
        let c_only: Vec<_> = ErrorCode::ALL
            .into_iter()
            .filter(|c| c.scope() == Scope::CApi)
            .collect();
        assert_eq!(c_only, [ErrorCode::NullArgument, ErrorCode::InvalidUtf8]);
    }

    #[derive(Debug)]
    struct Cause;
    impl fmt::Display for Cause {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the cause")
        }
    }
    impl std::error::Error for Cause {}

    #[test]
    fn source_is_kept_through_clone_but_not_displayed() {
        let plain = Error::new(ErrorCode::Io, "could not read ~/.aws/config");
        assert!(plain.source().is_none() && plain.cause().is_none());

        let err = Error::with_source(ErrorCode::Io, "could not read ~/.aws/config", Cause);
        let copy = err.clone();
        for e in [&err, &copy] {
            assert_eq!(e.to_string(), "could not read ~/.aws/config");
            assert_eq!(format!("{e:?}"), "Error(IO: could not read ~/.aws/config)");
            assert_eq!(
                e.source().map(|s| s.to_string()).as_deref(),
                Some("the cause")
            );
            assert!(
                e.cause()
                    .is_some_and(|s| s.downcast_ref::<Cause>().is_some())
            );
        }
        assert_eq!(err, plain, "equality is code and message");

        let from_string = Error::with_source(ErrorCode::Internal, "bug", "a plain message");
        assert_eq!(from_string.source().unwrap().to_string(), "a plain message");
    }
}
