//! How the programs end: one-line errors on stderr, stable exit statuses, no backtraces.

use std::process::ExitCode;
use std::time::SystemTime;

use codecommit_auth::{Error, ErrorCode, Result};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Exit status for usage errors.
pub const EXIT_USAGE: u8 = 2;

/// Replaces the default panic output (which can include a backtrace) with one line.
pub fn install_panic_hook(program: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("{program}: internal error{place}; please report this bug");
    }));
}

/// Prints `program: error: message` and returns the error's exit status.
pub fn fail(program: &str, error: &Error) -> ExitCode {
    eprintln!("{program}: error: {}", error.message());
    ExitCode::from(exit_status(error))
}

/// The exit status for an error: its stable code, or 2 for usage errors.
pub fn exit_status(error: &Error) -> u8 {
    if error.code() == ErrorCode::InvalidArgument && error.message().ends_with("(see --help)") {
        EXIT_USAGE
    } else {
        u8::try_from(error.code().as_i32()).unwrap_or(1)
    }
}

/// Prints the client's warnings (e.g. an unusable cache), one line each.
pub fn warnings(program: &str, client: &codecommit_auth::Client) {
    for warning in client.take_warnings() {
        eprintln!("{program}: warning: {warning}");
    }
}

/// Debug lines go to stderr when `--debug` or `CODECOMMIT_AUTH_DEBUG=1`; never secrets.
pub struct Debug {
    program: &'static str,
    on: bool,
}

impl Debug {
    pub fn new(program: &'static str, flag: bool) -> Debug {
        let env = std::env::var("CODECOMMIT_AUTH_DEBUG").is_ok_and(|v| !v.is_empty() && v != "0");
        Debug {
            program,
            on: flag || env,
        }
    }

    pub fn log(&self, message: impl FnOnce() -> String) {
        if self.on {
            eprintln!("{}: debug: {}", self.program, message());
        }
    }
}

/// `CODECOMMIT_AUTH_REFRESH_MARGIN` (seconds), or the default of 10 minutes.
pub fn refresh_margin() -> Result<std::time::Duration> {
    match std::env::var("CODECOMMIT_AUTH_REFRESH_MARGIN") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map(std::time::Duration::from_secs)
            .map_err(|_| {
                Error::new(
                    ErrorCode::InvalidArgument,
                    format!("CODECOMMIT_AUTH_REFRESH_MARGIN={v:?} is not a number of seconds"),
                )
            }),
        _ => Ok(codecommit_auth::client::DEFAULT_REFRESH_MARGIN),
    }
}

/// Parses `--at` (RFC 3339, e.g. 2026-01-02T03:04:05Z).
pub fn parse_at(value: Option<&str>) -> Result<Option<SystemTime>> {
    value
        .map(|v| {
            OffsetDateTime::parse(v, &Rfc3339)
                .map(SystemTime::from)
                .ok()
                // A time with an offset can leave 0000..9999 once in UTC.
                .filter(|at| codecommit_auth::sign::utc_date_time(*at).is_some())
                .ok_or_else(|| {
                    Error::new(
                        ErrorCode::InvalidArgument,
                        format!(
                            "--at {v:?} is not an RFC 3339 time in the years 0000 to 9999 (example: 2026-01-02T03:04:05Z)"
                        ),
                    )
                })
        })
        .transpose()
}

/// RFC 3339 text for a time, in UTC.
pub fn rfc3339(at: SystemTime) -> String {
    // Not `OffsetDateTime::from`, which panics after 9999 (e.g. --at 9999-12-31T23:59:59Z
    // plus the 15-minute validity).
    codecommit_auth::sign::utc_date_time(at)
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "?".into())
}
