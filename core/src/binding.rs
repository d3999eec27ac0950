//! What every library binding (C, Python, Node) shares, so that they only convert types:
//! the one range of signing times ([`SigningTime`]), validated client options
//! ([`ClientOptionsBuilder`]) and error hints worded for a library caller ([`for_surface`]).

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::client::{ClientOptions, DEFAULT_REFRESH_MARGIN, SharedMfaPrompt};
use crate::error::{Error, ErrorCode, Result, Source};

/// The latest signing time: 9999-12-31T23:59:59Z, in Unix seconds.
pub const SIGNING_TIME_MAX_UNIX_SECONDS: u64 = 253_402_300_799;

/// A time a request may be signed at: from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z
/// (UTC), inclusive. One range for every surface: SigV4 spells the year with four digits,
/// and the C API counts unsigned Unix seconds, so nothing before 1970 is representable there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SigningTime(SystemTime);

impl SigningTime {
    /// The documented range, for messages and documentation.
    pub const RANGE: &'static str = "from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z";

    /// `at`, or `INVALID_ARGUMENT` naming `what` (e.g. "`at`") when it is out of range.
    pub fn new(at: SystemTime, what: &str) -> Result<SigningTime> {
        let max = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNING_TIME_MAX_UNIX_SECONDS + 1);
        if at < SystemTime::UNIX_EPOCH || at >= max {
            let shown = crate::trace::time(at);
            return Err(out_of_range(what, &shown));
        }
        Ok(SigningTime(at))
    }

    /// Milliseconds since the epoch (a JavaScript `Date`); NaN and infinities are refused.
    pub fn from_unix_millis(millis: f64, what: &str) -> Result<SigningTime> {
        if !millis.is_finite() || millis < 0.0 {
            return Err(out_of_range(what, &format!("{millis} ms since 1970")));
        }
        // Whole milliseconds, as a `Date` holds them; the cast saturates far above the range.
        let at = Duration::from_millis(millis as u64);
        if at.as_secs() > SIGNING_TIME_MAX_UNIX_SECONDS {
            return Err(out_of_range(what, &format!("{millis} ms since 1970")));
        }
        Ok(SigningTime(SystemTime::UNIX_EPOCH + at))
    }

    /// Seconds since the epoch (the C API).
    pub fn from_unix_seconds(seconds: i64, what: &str) -> Result<SigningTime> {
        match u64::try_from(seconds) {
            Ok(s) if s <= SIGNING_TIME_MAX_UNIX_SECONDS => {
                Ok(SigningTime(SystemTime::UNIX_EPOCH + Duration::from_secs(s)))
            }
            _ => Err(out_of_range(what, &format!("{seconds} (Unix seconds)"))),
        }
    }

    pub fn get(self) -> SystemTime {
        self.0
    }
}

fn out_of_range(what: &str, shown: &str) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!(
            "{what} must be a time {} (UTC), not {shown}",
            SigningTime::RANGE
        ),
    )
}

/// [`ClientOptions`] built from what a binding received, checked in one place: seconds are
/// finite and non-negative, names are bounded. Errors are `INVALID_ARGUMENT` naming the
/// option as the binding spells it (`refreshMarginSeconds`, `refresh_margin_seconds`).
#[derive(Default)]
pub struct ClientOptionsBuilder {
    options: ClientOptions,
}

impl ClientOptionsBuilder {
    pub fn new() -> Self {
        ClientOptionsBuilder::default()
    }

    pub fn profile(mut self, profile: Option<String>) -> Self {
        self.options.profile = profile;
        self
    }

    pub fn region(mut self, region: Option<String>) -> Self {
        self.options.region = region;
        self
    }

    pub fn endpoint(mut self, endpoint: Option<String>) -> Self {
        self.options.endpoint = endpoint;
        self
    }

    /// `None` keeps the default (600 s).
    pub fn refresh_margin_seconds(mut self, seconds: Option<f64>, name: &str) -> Result<Self> {
        self.options.refresh_margin = seconds_option(seconds, name, DEFAULT_REFRESH_MARGIN)?;
        Ok(self)
    }

    pub fn ignore_host_check(mut self, ignore: Option<bool>) -> Self {
        self.options.ignore_host_check = ignore.unwrap_or(false);
        self
    }

    pub fn cache(mut self, cache: Option<bool>) -> Self {
        self.options.cache = cache.unwrap_or(true);
        self
    }

    pub fn mfa(mut self, prompt: Option<SharedMfaPrompt>) -> Self {
        self.options.mfa = prompt;
        self
    }

    /// The options, or the first problem `Client::new` would find.
    pub fn build(self) -> Result<ClientOptions> {
        if let Some(region) = &self.options.region {
            crate::endpoint::validate_region(region)?;
        }
        Ok(self.options)
    }
}

/// A non-negative, finite number of seconds; `default` when `None`.
pub fn seconds_option(value: Option<f64>, name: &str, default: Duration) -> Result<Duration> {
    let Some(seconds) = value else {
        return Ok(default);
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!("{name} must be a non-negative number of seconds, not {seconds}"),
        )
    })
}

/// Who shows an error to its user: the CLI (environment variables and flags) or a library
/// caller (the options of its binding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    Cli,
    Library,
}

/// Core words its fixes for the CLI; a library caller sets the same thing through the
/// binding's `endpoint` option. The phrases are core's own (remote.rs), pinned by a test.
const CLI_ENDPOINT_FIX: &str = "set CODE_COMMIT_ENDPOINT to use another endpoint";
const LIBRARY_ENDPOINT_FIX: &str =
    "pass the endpoint option (or set CODE_COMMIT_ENDPOINT) to use another endpoint";

/// `error` with its fix worded for `surface`. Code and cause are kept.
pub fn for_surface(error: Error, surface: Surface) -> Error {
    if surface == Surface::Cli || error.code() != ErrorCode::HostNotAllowed {
        return error;
    }
    if !error.message().contains(CLI_ENDPOINT_FIX) {
        return error;
    }
    let message = error
        .message()
        .replace(CLI_ENDPOINT_FIX, LIBRARY_ENDPOINT_FIX);
    match error.cause() {
        Some(source) => Error::with_source(error.code(), message, Cause(source.clone())),
        None => Error::new(error.code(), message),
    }
}

/// A shared cause, passed on unchanged.
struct Cause(Source);

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_time_range_is_1970_to_9999() {
        let max = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNING_TIME_MAX_UNIX_SECONDS);
        assert!(SigningTime::new(SystemTime::UNIX_EPOCH, "`at`").is_ok());
        assert!(SigningTime::new(max, "`at`").is_ok());
        assert_eq!(crate::trace::time(max), "9999-12-31T23:59:59Z");
        let after = max + Duration::from_secs(1);
        let before = SystemTime::UNIX_EPOCH - Duration::from_millis(1);
        for bad in [after, before] {
            let err = SigningTime::new(bad, "`at`").unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidArgument);
            assert!(err.message().contains(SigningTime::RANGE), "{err}");
        }
        let max_seconds = SIGNING_TIME_MAX_UNIX_SECONDS as i64;
        assert!(SigningTime::from_unix_seconds(0, "at").is_ok());
        assert!(SigningTime::from_unix_seconds(max_seconds, "at").is_ok());
        for bad in [-1, max_seconds + 1, i64::MIN, i64::MAX] {
            assert!(SigningTime::from_unix_seconds(bad, "at").is_err(), "{bad}");
        }
        for millis in [f64::NAN, f64::INFINITY, -1.0, 8.64e15] {
            assert!(
                SigningTime::from_unix_millis(millis, "at").is_err(),
                "{millis}"
            );
        }
        let ok = SigningTime::from_unix_millis(1_700_000_000_123.0, "at").unwrap();
        assert_eq!(
            ok.get(),
            SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123)
        );
    }

    #[test]
    fn builder_checks_seconds_and_region() {
        let built = ClientOptionsBuilder::new()
            .refresh_margin_seconds(Some(5.0), "refreshMarginSeconds")
            .unwrap()
            .cache(Some(false))
            .build()
            .unwrap();
        assert_eq!(built.refresh_margin, Duration::from_secs(5));
        assert!(!built.cache);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let err = ClientOptionsBuilder::new()
                .refresh_margin_seconds(Some(bad), "refreshMarginSeconds")
                .err()
                .unwrap();
            assert!(err.message().starts_with("refreshMarginSeconds "), "{err}");
        }
        let err = ClientOptionsBuilder::new()
            .region(Some("not a region".into()))
            .build()
            .err()
            .unwrap();
        assert_eq!(err.code(), ErrorCode::InvalidRegion);
    }

    #[test]
    fn host_not_allowed_points_a_library_caller_at_the_endpoint_option() {
        let err = crate::Remote::parse("https://github.com/v1/repos/x", None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::HostNotAllowed);
        assert!(
            err.message().contains(CLI_ENDPOINT_FIX),
            "core's wording moved: {err}"
        );
        let library = for_surface(err.clone(), Surface::Library);
        assert!(library.message().contains("endpoint option"), "{library}");
        assert!(!library.message().contains(CLI_ENDPOINT_FIX), "{library}");
        assert_eq!(for_surface(err.clone(), Surface::Cli), err);
        let other = Error::new(ErrorCode::Io, CLI_ENDPOINT_FIX);
        assert_eq!(for_surface(other.clone(), Surface::Library), other);
    }
}
