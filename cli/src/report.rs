//! How the programs end: one-line errors on stderr, stable exit statuses, no backtraces,
//! and no panic when git (or `| head`) closes stdout or stderr.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use codecommit_auth::redact::{echo, sanitize_message};
use codecommit_auth::{Error, ErrorCode, Result};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Exit status for usage errors.
pub const EXIT_USAGE: u8 = 2;

/// Start of the message of an error that means "stdout is gone": exit 23 without a word
/// (the reader left on purpose, as `| head` does).
const STDOUT_CLOSED: &str = "standard output is closed";

/// Largest `CODECOMMIT_AUTH_REFRESH_MARGIN`: a margin of a year already means "always
/// refresh", and larger ones would overflow time arithmetic.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(366 * 24 * 3600);

/// Replaces the default panic output (which can include a backtrace, even several screens
/// of one with RUST_BACKTRACE=1) with one line, and exits 24 (INTERNAL) at once.
pub fn install_panic_hook(program: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // `print!` panics when stdout is closed; that is an I/O failure, not a bug.
        if payload.starts_with("failed printing to std") {
            std::process::exit(ErrorCode::Io.as_i32());
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "{program}: error: internal error (code 24 INTERNAL){place}; please report this bug"
        );
        std::process::exit(ErrorCode::Internal.as_i32());
    }));
}

/// Writes program output to stdout; a closed stdout is an `Io` error that [`fail`] turns
/// into a silent exit 23.
pub fn out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::new(ErrorCode::Io, format!("{STDOUT_CLOSED}: {e}")))
}

/// One line on stderr; a closed stderr is ignored here (the exit status still tells).
fn err_line(line: &str) -> std::io::Result<()> {
    let mut stderr = std::io::stderr().lock();
    stderr
        .write_all(format!("{line}\n").as_bytes())
        .and_then(|()| stderr.flush())
}

/// Prints `program: error: message` and returns the error's exit status.
pub fn fail(program: &str, error: &Error) -> ExitCode {
    let io = ExitCode::from(ErrorCode::Io.as_i32() as u8);
    if error.code() == ErrorCode::Io && error.message().starts_with(STDOUT_CLOSED) {
        return io;
    }
    match err_line(&format!("{program}: error: {}", error.message())) {
        Ok(()) => ExitCode::from(exit_status(error)),
        Err(_) => io,
    }
}

/// The exit status for an error: its stable code, or 2 for usage errors.
pub fn exit_status(error: &Error) -> u8 {
    if error.code() == ErrorCode::InvalidArgument && error.message().ends_with("(see --help)") {
        EXIT_USAGE
    } else {
        u8::try_from(error.code().as_i32()).unwrap_or(1)
    }
}

/// Prints the client's warnings (e.g. an unusable cache), one clean line each.
pub fn warnings(program: &str, client: &codecommit_auth::Client) {
    for warning in client.take_warnings() {
        let _ = err_line(&format!(
            "{program}: warning: {}",
            sanitize_message(&warning)
        ));
    }
}

/// One informational line on stderr (`program: message`), sanitized.
pub fn note(program: &str, message: &str) {
    let _ = err_line(&format!("{program}: {}", sanitize_message(message)));
}

/// Trace lines (CODECOMMIT_AUTH_TRACE) for a signed credential: where the credentials came
/// from, the key id (masked), when it was signed and until when it is valid.
pub fn trace_signed(credential: &codecommit_auth::GitCredential, signed_at: SystemTime) {
    use codecommit_auth::trace;
    trace::event(
        "credentials",
        format_args!(
            "source {} key {} profile {}",
            echo(credential.source()),
            trace::key_id(credential.access_key_id()),
            echo(credential.profile().unwrap_or("-"))
        ),
    );
    trace::event(
        "signature",
        format_args!(
            "signed at {} for {}{} in {}, valid until {}",
            trace::time(signed_at),
            echo(credential.host()),
            echo(credential.path()),
            echo(credential.region()),
            trace::time(credential.expires_at())
        ),
    );
}

/// Debug lines go to stderr when `--debug` or `CODECOMMIT_AUTH_DEBUG=1`; never secrets,
/// never control characters, never more than one capped line.
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
            let line = sanitize_message(&message());
            let _ = err_line(&format!("{}: debug: {line}", self.program));
        }
    }
}

/// `CODECOMMIT_AUTH_REFRESH_MARGIN` (seconds), or the default of 10 minutes. Huge values
/// saturate at a year instead of overflowing the expiry arithmetic.
pub fn refresh_margin() -> Result<Duration> {
    let Ok(v) = std::env::var("CODECOMMIT_AUTH_REFRESH_MARGIN") else {
        return Ok(codecommit_auth::client::DEFAULT_REFRESH_MARGIN);
    };
    let digits = v.trim();
    if digits.is_empty() {
        return Ok(codecommit_auth::client::DEFAULT_REFRESH_MARGIN);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "CODECOMMIT_AUTH_REFRESH_MARGIN=\"{}\" is not a whole number of seconds \
                 (for example 600); fix or unset it",
                echo(&v)
            ),
        ));
    }
    // Only digits: a parse failure is an overflow, which saturates like a large value.
    let secs = digits.parse::<u64>().unwrap_or(u64::MAX);
    Ok(Duration::from_secs(secs).min(MAX_REFRESH_MARGIN))
}

/// Parses `--at` (RFC 3339, e.g. 2026-01-02T03:04:05Z).
pub fn parse_at(value: Option<&str>) -> Result<Option<SystemTime>> {
    value
        .map(|v| {
            OffsetDateTime::parse(v, &Rfc3339)
                .map(SystemTime::from)
                .ok()
                // A time with an offset can leave 0000..9999 once in UTC.
                .filter(|at| codecommit_auth::signature::utc_date_time(*at).is_some())
                .ok_or_else(|| {
                    Error::new(
                        ErrorCode::InvalidArgument,
                        format!(
                            "--at \"{}\" is not an RFC 3339 time in the years 0000 to 9999 \
                             (example: 2026-01-02T03:04:05Z)",
                            echo(v)
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
    codecommit_auth::signature::utc_date_time(at)
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "?".into())
}
