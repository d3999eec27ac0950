//! `credential_process`, run by us rather than by aws-config.
//!
//! aws-config's provider reads the child's whole stdout and stderr into memory with no bound,
//! waits for EOF (so a background grandchild holding stdout open hangs it), and on timeout
//! stops only `sh`, not what `sh` started. None of that can be configured, so this module
//! replaces it, keeping botocore's semantics (the AWS CLI is the reference):
//! - the command line is split like Python's `shlex.split` (POSIX rules, no comments) and the
//!   program is run directly, with no shell, as botocore does;
//! - stdout must be JSON with `"Version": 1`, `AccessKeyId` and `SecretAccessKey`; `SessionToken`
//!   and `Expiration` (RFC 3339) are optional; key names are case-sensitive;
//! - a non-zero exit is an error that relays the process's stderr.
//!
//! Added bounds: stdout and stderr are capped at [`CREDENTIALS_MAX`] each; the child runs in a
//! process group of its own, killed as a whole on timeout, on a flood, or when the caller gives
//! up; after the child exits, output still held open by a grandchild is waited for only
//! [`EXIT_GRACE`]. stdin is not inherited (Git's credential protocol is on it).

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::JoinHandle;

use crate::credentials::{Credentials, Secret};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{self, CREDENTIALS_MAX};
use crate::platform;
use crate::redact::echo;

/// How long output is still collected after the child exited (a grandchild may hold the pipe).
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// Runs `command` for profile `profile` and parses its credentials (not yet validated: the
/// caller runs `credentials::validate` on every source's result).
pub(crate) async fn credentials(
    profile: &str,
    command: &str,
    timeout: Duration,
) -> Result<Credentials> {
    // Only the program's name: arguments may carry tokens.
    let program = split(command)
        .ok()
        .and_then(|words| words.into_iter().next())
        .unwrap_or_default();
    let timer = crate::trace::timer(
        "process",
        format_args!(
            "credential_process of profile {} runs {}",
            crate::redact::echo(profile),
            crate::redact::echo(program.rsplit(['/', '\\']).next().unwrap_or_default())
        ),
    );
    let result = run(profile, command, timeout, CREDENTIALS_MAX)
        .await
        .and_then(|output| parse(profile, &output));
    match &result {
        Ok(creds) => timer.finish(format_args!(
            "ok, key {}",
            crate::trace::key_id(creds.access_key_id())
        )),
        Err(e) => timer.finish(format_args!("failed ({})", e.code().name())),
    }
    result
}

/// Splits a command line as Python's `shlex.split(s)` does (POSIX mode, no comments).
pub(crate) fn split(command: &str) -> std::result::Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                word.push(chars.next().ok_or("no escaped character")?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next().ok_or("no closing quotation")? {
                        '\'' => break,
                        other => word.push(other),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next().ok_or("no closing quotation")? {
                        '"' => break,
                        // Inside double quotes a backslash escapes only `"` and `\`.
                        '\\' => match chars.next().ok_or("no closing quotation")? {
                            e @ ('"' | '\\') => word.push(e),
                            other => {
                                word.push('\\');
                                word.push(other);
                            }
                        },
                        other => word.push(other),
                    }
                }
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Stdout of a finished process.
struct Output {
    stdout: Vec<u8>,
}

/// Kills the child's whole process group when dropped, unless the child exited by itself.
/// Dropping covers every early return and an outer timeout that cancels this future.
struct Group {
    tree: Option<platform::ProcessTree>,
    readers: Vec<JoinHandle<std::result::Result<(), Overflow>>>,
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(tree) = &self.tree {
            tree.kill();
        }
        for reader in &self.readers {
            reader.abort();
        }
    }
}

/// A stream went past its limit, or could not be read.
#[derive(Debug)]
enum Overflow {
    TooLarge,
    Io(std::io::Error),
}

async fn run(profile: &str, command: &str, timeout: Duration, limit: u64) -> Result<Output> {
    let argv = split(command).map_err(|why| {
        Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "credential_process of profile \"{}\" cannot be split into words ({why}); fix \
                 its quoting in the AWS config file",
                echo(profile)
            ),
        )
    })?;
    let Some((program, args)) = argv.split_first() else {
        return Err(Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "credential_process of profile \"{}\" is empty",
                echo(profile)
            ),
        ));
    };
    let mut std_command = std::process::Command::new(program);
    std_command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    platform::own_process_group(&mut std_command);
    let mut command = tokio::process::Command::from(std_command);
    command.kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| {
        Error::new(
            ErrorCode::CredentialSource,
            format!(
                "credential_process of profile \"{}\" could not be started ({}: {e}); check the \
                 command in the AWS config file",
                echo(profile),
                echo(program)
            ),
        )
    })?;
    let (out, err) = (shared(), shared());
    let mut group = Group {
        tree: child.id().map(platform::ProcessTree::adopt),
        readers: Vec::new(),
    };
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Error::new(ErrorCode::Internal, "child pipes are missing"));
    };
    let mut out_task = tokio::spawn(drain(stdout, out.clone(), limit));
    let mut err_task = tokio::spawn(drain(stderr, err.clone(), limit));
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    let (mut out_done, mut err_done) = (false, false);
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            r = &mut out_task, if !out_done => {
                out_done = true;
                check_stream(profile, "stdout", r, limit)?;
            }
            r = &mut err_task, if !err_done => {
                err_done = true;
                check_stream(profile, "stderr", r, limit)?;
            }
            () = &mut deadline => return Err(timed_out(profile, timeout)),
        }
    };
    // Exited by itself: its group (background helpers it started) is its business now.
    group.tree = None;
    group.readers = Vec::new();
    if !out_done {
        finish(profile, "stdout", &mut out_task, limit).await?;
    }
    if !err_done {
        finish(profile, "stderr", &mut err_task, limit).await?;
    }
    out_task.abort();
    err_task.abort();
    let status = status.map_err(|e| {
        Error::new(
            ErrorCode::CredentialSource,
            format!(
                "credential_process of profile \"{}\" could not be waited for: {e}",
                echo(profile)
            ),
        )
    })?;
    if !status.success() {
        let stderr = take(&err);
        let stderr = String::from_utf8_lossy(&stderr);
        let how = status
            .code()
            .map_or("was killed by a signal".to_owned(), |c| {
                format!("exited with status {c}")
            });
        let said = stderr.trim();
        return Err(Error::new(
            ErrorCode::CredentialSource,
            format!(
                "credential_process of profile \"{}\" {how}{}",
                echo(profile),
                if said.is_empty() {
                    String::new()
                } else {
                    format!(": {}", echo(said))
                }
            ),
        ));
    }
    Ok(Output { stdout: take(&out) })
}

fn shared() -> Arc<Mutex<Vec<u8>>> {
    Arc::new(Mutex::new(Vec::new()))
}

fn take(buf: &Arc<Mutex<Vec<u8>>>) -> Vec<u8> {
    std::mem::take(&mut *buf.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Copies `reader` into `buf` until EOF; past `limit` bytes it stops with an error.
async fn drain(
    mut reader: impl AsyncRead + Unpin,
    buf: Arc<Mutex<Vec<u8>>>,
    limit: u64,
) -> std::result::Result<(), Overflow> {
    let mut chunk = [0u8; 8192];
    loop {
        let n = reader.read(&mut chunk).await.map_err(Overflow::Io)?;
        if n == 0 {
            return Ok(());
        }
        let mut held = buf.lock().unwrap_or_else(|p| p.into_inner());
        if (held.len() as u64).saturating_add(n as u64) > limit {
            return Err(Overflow::TooLarge);
        }
        held.extend_from_slice(&chunk[..n]);
    }
}

/// After exit: waits at most [`EXIT_GRACE`] for the stream's EOF, then goes on with what was read.
async fn finish(
    profile: &str,
    stream: &str,
    task: &mut JoinHandle<std::result::Result<(), Overflow>>,
    limit: u64,
) -> Result<()> {
    match tokio::time::timeout(EXIT_GRACE, task).await {
        Ok(r) => check_stream(profile, stream, r, limit),
        Err(_) => Ok(()),
    }
}

fn check_stream(
    profile: &str,
    stream: &str,
    joined: std::result::Result<std::result::Result<(), Overflow>, tokio::task::JoinError>,
    limit: u64,
) -> Result<()> {
    let why = match joined {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(Overflow::TooLarge)) => format!(
            "wrote more than {} to {stream}; it was stopped",
            limits::describe(limit)
        ),
        Ok(Err(Overflow::Io(e))) => format!("{stream} could not be read: {e}"),
        Err(_) => format!("{stream} could not be read"),
    };
    Err(Error::new(
        ErrorCode::CredentialSource,
        format!("credential_process of profile \"{}\" {why}", echo(profile)),
    ))
}

fn timed_out(profile: &str, timeout: Duration) -> Error {
    Error::new(
        ErrorCode::Timeout,
        format!(
            "credential_process of profile \"{}\" did not finish within {} s; it and every \
             process it started were stopped. Check the command in the AWS config file",
            echo(profile),
            timeout.as_secs()
        ),
    )
}

/// botocore's reading of the output: Version 1, required AccessKeyId and SecretAccessKey.
fn parse(profile: &str, output: &Output) -> Result<Credentials> {
    let bad = |why: &str| {
        Error::new(
            ErrorCode::CredentialSource,
            format!(
                "credential_process of profile \"{}\" printed {why}; it must print JSON with \
                 \"Version\": 1, \"AccessKeyId\" and \"SecretAccessKey\"",
                echo(profile)
            ),
        )
    };
    let json: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| bad(&format!("invalid JSON ({e})")))?;
    let Some(object) = json.as_object() else {
        return Err(bad("JSON that is not an object"));
    };
    // botocore compares with `!= 1`, so 1.0 is accepted as well.
    if object.get("Version").and_then(Value::as_f64) != Some(1.0) {
        return Err(bad("an unsupported or missing Version"));
    }
    let text = |key: &str| -> Result<Option<&str>> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(bad(&format!("a {key} that is not a string"))),
        }
    };
    let akid = text("AccessKeyId")?.ok_or_else(|| bad("no AccessKeyId"))?;
    let secret = text("SecretAccessKey")?.ok_or_else(|| bad("no SecretAccessKey"))?;
    let token = text("SessionToken")?.map(Secret::new);
    let expiry = text("Expiration")?
        .map(|raw| {
            // As aws-config did: RFC 3339 with any offset (botocore's parser is laxer still).
            OffsetDateTime::parse(raw, &Rfc3339)
                .ok()
                .map(SystemTime::from)
                .ok_or_else(|| bad("an Expiration that is not an RFC 3339 time"))
        })
        .transpose()?;
    Ok(Credentials::new(akid, secret, token, expiry)
        .with_source(format!("credential_process (profile {})", echo(profile))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime;

    fn run_sh(script: &str, timeout: Duration) -> Result<Output> {
        let command = format!("sh -c '{}'", script.replace('\'', r"'\''"));
        runtime::block_on(async move { run("t", &command, timeout, CREDENTIALS_MAX).await })
            .unwrap()
    }

    #[test]
    fn split_like_shlex() {
        let cases: &[(&str, &[&str])] = &[
            ("a b  c", &["a", "b", "c"]),
            ("'a b' c", &["a b", "c"]),
            (r#""a \" \\ \x" b"#, &[r#"a " \ \x"#, "b"]),
            (r"a\ b", &["a b"]),
            ("a '' b", &["a", "", "b"]),
            ("a#b # c", &["a#b", "#", "c"]),
            // No shell: `$(...)` is two plain words, never run.
            ("x$(touch y)", &["x$(touch", "y)"]),
            ("", &[]),
        ];
        for (input, words) in cases {
            assert_eq!(split(input).unwrap(), *words, "{input}");
        }
        assert!(split("'open").is_err());
        assert!(split("\"open").is_err());
        assert!(split("end\\").is_err());
    }

    #[test]
    fn parses_version_1() {
        let out = Output {
            stdout: br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s",
                "SessionToken": "t", "Expiration": "9999-12-31T23:59:59-23:59"}"#
                .to_vec(),
        };
        let creds = parse("p", &out).unwrap();
        assert_eq!(creds.access_key_id(), "AKID");
        assert!(creds.expiry().is_some() && creds.session_token().is_some());
        for bad in [
            r#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"{"AccessKeyId": "A", "SecretAccessKey": "s"}"#,
            r#"{"Version": 1, "SecretAccessKey": "s"}"#,
            r#"{"Version": 1, "accesskeyid": "A", "SecretAccessKey": "s"}"#,
            r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}"#,
            "[]",
            "not json",
        ] {
            let out = Output {
                stdout: bad.as_bytes().to_vec(),
            };
            assert_eq!(
                parse("p", &out).unwrap_err().code(),
                ErrorCode::CredentialSource
            );
        }
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let dir = std::env::temp_dir().join(format!("cc-auth-pg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pids = dir.join("pids");
        let script = format!(
            "sleep 100 & echo $! > {0}; sleep 100 & echo $! >> {0}; wait",
            pids.display()
        );
        let err = run_sh(&script, Duration::from_secs(1)).err().unwrap();
        assert_eq!(err.code(), ErrorCode::Timeout);
        let listed = std::fs::read_to_string(&pids).unwrap();
        for pid in listed.split_whitespace() {
            // A killed child is reaped by init; its /proc entry disappears once it is.
            let proc_dir = std::path::Path::new("/proc").join(pid);
            let mut gone = false;
            for _ in 0..200 {
                let state = std::fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
                if state.is_empty() || state.contains(") Z ") {
                    gone = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(gone, "child {pid} still running after the timeout");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn exit_is_done_even_if_a_grandchild_holds_stdout() {
        // The grandchild keeps stdout open for 100 s; the answer must not wait for it. The
        // 60 s timeout is far below 100 s: waiting for EOF would end in a Timeout error.
        let out = run_sh(
            r#"echo '{"Version": 1}'; sleep 100 & exit 0"#,
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            r#"{"Version": 1}"#
        );
    }

    #[test]
    fn a_stdout_flood_is_stopped() {
        let err = run_sh("yes", Duration::from_secs(60)).err().unwrap();
        assert_eq!(err.code(), ErrorCode::CredentialSource);
        assert!(err.message().contains("stdout") && err.message().contains("1 MiB"));
    }

    #[test]
    fn a_stderr_flood_is_stopped() {
        let err = run_sh("yes >&2", Duration::from_secs(60)).err().unwrap();
        assert_eq!(err.code(), ErrorCode::CredentialSource);
        assert!(err.message().contains("stderr") && err.message().contains("1 MiB"));
    }

    #[test]
    fn stderr_is_relayed_escaped() {
        let err = run_sh(
            "printf 'bad\\033[31m news' >&2; exit 3",
            Duration::from_secs(60),
        )
        .err()
        .unwrap();
        assert!(
            err.message().contains("exited with status 3"),
            "{}",
            err.message()
        );
        assert!(!err.message().contains('\u{1b}'));
        assert!(err.message().contains("news"));
    }
}
