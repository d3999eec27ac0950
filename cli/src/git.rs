//! Running `git` for `configure`, `unconfigure` and `doctor`: bounded in time and output.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use codecommit_auth::redact::echo;
use codecommit_auth::{Error, ErrorCode, Result};

/// A `git config` call answers in milliseconds; this only stops a hang.
const GIT_WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(5);
/// More output than any config file we would act on (limits::CONFIG_MAX).
const OUTPUT_MAX: u64 = codecommit_auth::limits::CONFIG_MAX;

/// What one git run produced.
pub struct GitOutput {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl GitOutput {
    pub fn ok(&self) -> bool {
        self.status == Some(0)
    }
}

/// Runs `git ARGS` with stdin closed; waits at most [`GIT_WAIT`].
pub fn run(args: &[&str]) -> Result<GitOutput> {
    let mut child = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!("cannot run git: {e}; install git or put it on PATH"),
            )
        })?;
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let deadline = Instant::now() + GIT_WAIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::new(
                    ErrorCode::Io,
                    format!(
                        "`git {}` did not finish within {} s",
                        echo(&args.join(" ")),
                        GIT_WAIT.as_secs()
                    ),
                ));
            }
        }
    };
    Ok(GitOutput {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Like [`run`], but a non-zero exit is an error naming the command and git's first line.
pub fn run_ok(args: &[&str]) -> Result<GitOutput> {
    let out = run(args)?;
    if out.ok() {
        return Ok(out);
    }
    Err(Error::new(
        ErrorCode::Io,
        format!(
            "`git {}` failed: {}",
            echo(&args.join(" ")),
            echo(out.stderr.lines().next().unwrap_or("no message"))
        ),
    ))
}

/// Reads a pipe to its end (at most [`OUTPUT_MAX`]) on its own thread, so a full pipe never
/// stalls git while we wait for it.
fn reader(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = pipe {
            let _ = pipe.take(OUTPUT_MAX).read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// `git --version` as (major, minor), if git runs.
pub fn version() -> Option<(u32, u32)> {
    let out = run(&["--version"]).ok()?;
    parse_version(&out.stdout)
}

/// `git version 2.47.3` (or `2.45.2.windows.1`) -> (2, 47).
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let number = text.trim().strip_prefix("git version ")?;
    let mut parts = number.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("git version 2.47.3\n"), Some((2, 47)));
        assert_eq!(parse_version("git version 2.45.2.windows.1"), Some((2, 45)));
        assert_eq!(
            parse_version("git version 2.39.5 (Apple Git-154)"),
            Some((2, 39))
        );
        assert_eq!(parse_version("nonsense"), None);
    }
}
