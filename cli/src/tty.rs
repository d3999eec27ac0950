//! The MFA prompt of the command-line programs, in git's places and never on stdin (git owns
//! stdin and stdout of its helpers): the terminal (`/dev/tty`, the Windows console), else the
//! askpass program of `GIT_ASKPASS`, then `SSH_ASKPASS` (how IDEs such as VS Code and
//! JetBrains show git's prompts). When no interaction is allowed or possible the prompt fails
//! at once (exit 17), so a background fetch never hangs.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use codecommit_auth::platform::{self, read_to_limit};
use codecommit_auth::redact::{echo, shell_quote};
use codecommit_auth::{Error, ErrorCode, MfaPrompt, MfaRequest, Result, SharedMfaPrompt};

/// An MFA code is six digits; anything longer than this is not one.
const CODE_MAX: u64 = 64;
/// How long a person may take to answer an askpass dialog.
const ASKPASS_WAIT: Duration = Duration::from_secs(300);
/// `git config --get credential.interactive` answers in milliseconds; never wait longer.
const GIT_CONFIG_WAIT: Duration = Duration::from_secs(1);

/// Set by the remote helper: the `GIT_TERMINAL_PROMPT=0` this process sees is the one the
/// remote helper gave git (so git itself never asks for a username), not the user's.
static TERMINAL_PROMPT_IS_OURS: AtomicBool = AtomicBool::new(false);

/// Called in the remote helper's credential mode, see [`TERMINAL_PROMPT_IS_OURS`].
pub fn ignore_git_terminal_prompt() {
    TERMINAL_PROMPT_IS_OURS.store(true, Ordering::Relaxed);
}

/// Asks on the terminal, else through askpass (see the module comment).
pub struct TerminalPrompt;

impl TerminalPrompt {
    pub fn shared() -> SharedMfaPrompt {
        Arc::new(TerminalPrompt)
    }
}

impl MfaPrompt for TerminalPrompt {
    fn code(&self, request: &MfaRequest) -> Result<String> {
        let prompt = format!(
            "MFA code for {} (profile {}): ",
            echo(&request.serial),
            echo(&request.profile)
        );
        if let Some(setting) = interaction_refused() {
            return Err(cannot_ask(request, &setting));
        }
        if terminal_allowed()
            && let Ok(mut terminal) = platform::open_terminal()
        {
            let io_error = |e: std::io::Error| {
                Error::new(ErrorCode::Io, format!("cannot use the terminal: {e}"))
            };
            terminal.write_prompt(&prompt).map_err(io_error)?;
            return terminal.read_line(CODE_MAX).map_err(io_error);
        }
        match askpass_program() {
            Some((var, program)) => askpass(&var, &program, &prompt),
            None if terminal_allowed() => Err(cannot_ask(
                request,
                "there is no terminal, and neither GIT_ASKPASS nor SSH_ASKPASS is set",
            )),
            None => Err(cannot_ask(
                request,
                "GIT_TERMINAL_PROMPT=0, and neither GIT_ASKPASS nor SSH_ASKPASS is set",
            )),
        }
    }
}

/// The one-line failure of a prompt that cannot be shown (exit 17, MFA_REQUIRED).
fn cannot_ask(request: &MfaRequest, why: &str) -> Error {
    Error::new(
        ErrorCode::MfaRequired,
        format!(
            "profile {} needs an MFA code for {} but cannot ask for it: {why}. Run `aws sts \
             get-caller-identity --profile {}` in a terminal once: the session it caches in \
             ~/.aws/cli/cache is then used until it expires",
            echo(&request.profile),
            echo(&request.serial),
            shell_quote(&request.profile)
        ),
    )
}

/// git's reading of a boolean variable: false for 0, false, no, off (any case).
fn is_false(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off" | "never"
    )
}

/// Whether `GIT_TERMINAL_PROMPT` leaves the terminal to us (as git: askpass stays allowed).
fn terminal_allowed() -> bool {
    if TERMINAL_PROMPT_IS_OURS.load(Ordering::Relaxed) {
        return true;
    }
    std::env::var("GIT_TERMINAL_PROMPT").map_or(true, |v| !is_false(&v))
}

/// Git Credential Manager's switch for any interaction: `GCM_INTERACTIVE`, else git config
/// `credential.interactive` (false/never). `Some(what)` names the setting that refuses.
fn interaction_refused() -> Option<String> {
    if let Ok(value) = std::env::var("GCM_INTERACTIVE") {
        return is_false(&value).then(|| format!("GCM_INTERACTIVE={}", echo(&value)));
    }
    let value = git_config("credential.interactive")?;
    is_false(&value).then(|| format!("git config credential.interactive is {}", echo(&value)))
}

/// `git config --get KEY`, bounded in time and size; `None` when unset or git is missing.
fn git_config(key: &str) -> Option<String> {
    let child = Command::new("git")
        .args(["config", "--get", key])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let (status, out) = run_bounded(child, GIT_CONFIG_WAIT, CODE_MAX).ok()?;
    status.then(|| String::from_utf8_lossy(&out).trim().to_owned())
}

/// The askpass program git would use: `GIT_ASKPASS`, then `SSH_ASKPASS` (non-empty).
fn askpass_program() -> Option<(String, String)> {
    ["GIT_ASKPASS", "SSH_ASKPASS"].into_iter().find_map(|var| {
        let program = std::env::var(var).ok().filter(|p| !p.trim().is_empty())?;
        Some((var.to_owned(), program))
    })
}

/// Runs the askpass program as git does: the prompt is its single argument, its stdout
/// (trimmed) the answer. Not through a shell, and the code never goes into any argv.
fn askpass(var: &str, program: &str, prompt: &str) -> Result<String> {
    let failed = |why: String| {
        Error::new(
            ErrorCode::MfaRequired,
            format!("{var} program {} {why}", echo(program)),
        )
    };
    let child = Command::new(program)
        .arg(prompt.trim_end())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failed(format!("cannot be started: {e}")))?;
    match run_bounded(child, ASKPASS_WAIT, CODE_MAX) {
        Ok((true, out)) => Ok(String::from_utf8_lossy(&out).trim().to_owned()),
        Ok((false, _)) => Err(failed("failed (the prompt was cancelled)".into())),
        Err(why) => Err(failed(why)),
    }
}

/// Waits at most `wait` for `child` and at most `limit` bytes of its stdout; kills it on
/// timeout. `(exited successfully, stdout)`.
fn run_bounded(
    mut child: std::process::Child,
    wait: Duration,
    limit: u64,
) -> std::result::Result<(bool, Vec<u8>), String> {
    let stdout = child.stdout.take().ok_or("has no stdout")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(read_to_limit(stdout.take(limit + 1), limit));
    });
    let out = match receiver.recv_timeout(wait) {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("answered wrongly: {e}"));
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("did not answer within {} s", wait.as_secs()));
        }
    };
    // Its stdout is closed; it should be exiting. Still bounded: it may hold on.
    let deadline = std::time::Instant::now() + wait;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok((status.success(), out)),
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("did not exit after answering".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_booleans() {
        for v in ["0", "false", "No", "OFF", "never"] {
            assert!(is_false(v), "{v}");
        }
        for v in ["1", "true", "auto", "always", ""] {
            assert!(!is_false(v), "{v}");
        }
    }
}
