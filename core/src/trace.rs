//! `CODECOMMIT_AUTH_TRACE`: a step-by-step account of one request, like `GIT_TRACE` and
//! `GCM_TRACE`.
//!
//! `CODECOMMIT_AUTH_TRACE=1` (or `true`, `2`) writes to stderr; `=/absolute/path` appends to
//! that file; unset, empty, `0` or `false` turns it off. Any other value (a relative path) is
//! ignored with one warning line, as git ignores a relative `GIT_TRACE` path.
//!
//! The API is two calls: [`event`] for one line and [`timer`] for a step with a duration.
//! Every line passes [`crate::redact::sanitize_message`] (URL userinfo, signature- and
//! token-shaped strings, control characters, length), so a value that slipped through is
//! still masked; callers echo values with [`crate::redact::echo`] and show key ids only
//! through [`key_id`] (`****ABCD`). Never pass a secret, token or signature.
//!
//! Line format: `HH:MM:SS.micros +ELAPSEDms codecommit-auth trace: STEP: DETAIL`, where
//! ELAPSED counts from the first trace line of the process.

use std::fmt::Display;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use crate::redact::sanitize_message;

/// The variable that turns tracing on.
pub const TRACE_ENV: &str = "CODECOMMIT_AUTH_TRACE";

/// Where trace lines go, decided once per process.
enum Sink {
    Off,
    Stderr,
    File(Mutex<File>),
}

struct Tracer {
    sink: Sink,
    start: Instant,
}

static TRACER: OnceLock<Tracer> = OnceLock::new();

fn tracer() -> &'static Tracer {
    TRACER.get_or_init(|| Tracer {
        sink: sink_from(crate::environment::var_os(TRACE_ENV).as_deref()),
        start: Instant::now(),
    })
}

/// How a value of `CODECOMMIT_AUTH_TRACE` is read (see the module docs).
fn sink_from(value: Option<&std::ffi::OsStr>) -> Sink {
    let Some(value) = value else {
        return Sink::Off;
    };
    let text = value.to_string_lossy();
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => return Sink::Off,
        "1" | "2" | "true" | "yes" | "on" => return Sink::Stderr,
        _ => {}
    }
    let path = Path::new(value);
    if !path.is_absolute() {
        warn(&format!(
            "{TRACE_ENV}=\"{}\" is neither 1 nor an absolute path; not tracing",
            crate::redact::echo(&text)
        ));
        return Sink::Off;
    }
    match open_append(path) {
        Ok(file) => Sink::File(Mutex::new(file)),
        Err(e) => {
            warn(&format!(
                "cannot append the trace to {}: {e}; not tracing",
                crate::redact::echo(&text)
            ));
            Sink::Off
        }
    }
}

/// Opens for appending; refuses anything but a regular file, so a FIFO cannot block us.
fn open_append(path: &Path) -> std::io::Result<File> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
}

fn warn(message: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "codecommit-auth: warning: {}",
        sanitize_message(message)
    );
}

/// Whether tracing is on (to skip work that only feeds the trace).
pub fn enabled() -> bool {
    !matches!(tracer().sink, Sink::Off)
}

/// Records one step: `trace::event("cache", format_args!("hit {}", echo(path)))`. The detail
/// is formatted only when tracing is on.
pub fn event(step: &str, detail: impl Display) {
    let tracer = tracer();
    if matches!(tracer.sink, Sink::Off) {
        return;
    }
    let line = format!(
        "{} +{:.3}ms codecommit-auth trace: {}: {}",
        clock(SystemTime::now()),
        millis(tracer.start.elapsed()),
        step,
        detail
    );
    // One write per line, so lines of concurrent threads or processes do not interleave.
    let line = format!("{}\n", sanitize_message(&line));
    match &tracer.sink {
        Sink::Off => {}
        Sink::Stderr => {
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
        Sink::File(file) => {
            let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// A step with a duration: the line is written when the guard is dropped (or
/// [`Timer::finish`]ed with an outcome), e.g. `sts: AssumeRole sts.amazonaws.com: 212.408 ms`.
#[must_use = "the step is traced when the timer is dropped"]
pub struct Timer {
    step: &'static str,
    detail: String,
    start: Instant,
    outcome: Option<String>,
}

/// Starts timing `step`; `detail` says what (a host, an operation; never a secret).
pub fn timer(step: &'static str, detail: impl Display) -> Timer {
    let detail = if enabled() {
        detail.to_string()
    } else {
        String::new()
    };
    Timer {
        step,
        detail,
        start: Instant::now(),
        outcome: None,
    }
}

impl Timer {
    /// Ends the step with an outcome (`ok`, `HTTP 403`, an error's first words).
    pub fn finish(mut self, outcome: impl Display) {
        if enabled() {
            self.outcome = Some(outcome.to_string());
        }
    }

    /// Time since the step started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if !enabled() {
            return;
        }
        let took = millis(self.start.elapsed());
        match &self.outcome {
            Some(outcome) => event(
                self.step,
                format_args!("{} -> {outcome} ({took:.3} ms)", self.detail),
            ),
            None => event(self.step, format_args!("{} ({took:.3} ms)", self.detail)),
        }
    }
}

/// An access key id as the trace and `doctor` show it: `****` and its last four characters.
pub fn key_id(access_key_id: &str) -> String {
    // By characters: a key id from a hostile config may hold non-ASCII text.
    let chars: Vec<char> = access_key_id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("****{}", crate::redact::echo(&tail))
}

/// A time as `2026-01-02T03:04:05Z` for trace lines (`?` outside 0000..9999).
pub fn time(at: SystemTime) -> String {
    crate::signature::utc_date_time(at)
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "?".into())
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `HH:MM:SS.micros` in UTC, as GIT_TRACE prints local time.
fn clock(now: SystemTime) -> String {
    let Ok(since) = now.duration_since(SystemTime::UNIX_EPOCH) else {
        return "00:00:00.000000".into();
    };
    let secs = since.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:06}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        since.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn key_ids_keep_only_the_last_four() {
        assert_eq!(key_id("AKIAIOSFODNN7EXAMPLE"), "****MPLE");
        assert_eq!(key_id("AB"), "****AB");
        assert_eq!(key_id("ééééé"), "****éééé");
    }

    #[test]
    fn values_choose_the_sink() {
        assert!(matches!(sink_from(None), Sink::Off));
        for off in ["", "0", "false", " FALSE "] {
            assert!(
                matches!(sink_from(Some(OsStr::new(off))), Sink::Off),
                "{off}"
            );
        }
        for on in ["1", "2", "true"] {
            assert!(
                matches!(sink_from(Some(OsStr::new(on))), Sink::Stderr),
                "{on}"
            );
        }
        assert!(matches!(
            sink_from(Some(OsStr::new("relative/trace.log"))),
            Sink::Off
        ));
    }

    #[test]
    fn clock_is_time_of_day() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        assert_eq!(clock(at), "22:13:20.123456");
    }
}
