//! `git-remote-codecommit NAME URL`: a drop-in for the official remote helper.
//!
//! The official helper hands `git remote-http` a URL with the signed password in it, so the
//! password and session token sit in the process list for every local user to read. We hand
//! git the plain URL and inject ourselves as the only credential helper for this process tree
//! through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (environment, not argv),
//! so no secret is ever in argv and no keychain helper stores a 15-minute password.

use std::process::{Command, ExitCode};

use codecommit_auth::platform;
use codecommit_auth::redact::{echo, echo_url};
use codecommit_auth::{Client, ClientOptions, Error, ErrorCode, Result, Target};

use crate::args::usage;
use crate::credential_helper;
use crate::report::{self, Debug};

pub const PROGRAM: &str = "git-remote-codecommit";

/// First argument that switches this binary into credential-helper mode (injected by us).
const CREDENTIAL_MODE: &str = "--git-credential";

pub const HELP: &str = "\
usage: git-remote-codecommit REMOTE-NAME URL   (run by git, not by hand)

Git remote helper for AWS CodeCommit. With it installed on PATH, git understands:
  git clone codecommit://REPO                  profile from AWS_PROFILE/default, its region
  git clone codecommit://PROFILE@REPO          a named AWS profile
  git clone codecommit::REGION://[PROFILE@]REPO

CODE_COMMIT_ENDPOINT=HOST[:PORT] (or http[s]://HOST[:PORT]) replaces the CodeCommit host.
CODECOMMIT_AUTH_DEBUG=1 explains what happens on stderr (never secrets).
";

pub fn run(raw: Vec<String>) -> ExitCode {
    if raw.first().map(String::as_str) == Some(CREDENTIAL_MODE) {
        // The GIT_TERMINAL_PROMPT=0 below is for git's own prompts, not our MFA prompt.
        crate::tty::ignore_git_terminal_prompt();
        return credential_helper::run(PROGRAM, raw.into_iter().skip(1));
    }
    match raw.as_slice() {
        [flag] if flag == "--help" || flag == "-h" => done(report::out(HELP)),
        [flag] if flag == "--version" => done(report::out(&crate::version::line(PROGRAM))),
        [name, url] => match run_git(name, url) {
            Ok(status) => exit_status(status),
            Err(error) => report::fail(PROGRAM, &error),
        },
        _ => report::fail(
            PROGRAM,
            &usage("git runs this helper with two arguments: REMOTE-NAME URL"),
        ),
    }
}

fn done(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report::fail(PROGRAM, &error),
    }
}

/// git's exit status as ours (Windows, where git ran as a child); out of range is 1.
fn exit_status(status: i32) -> ExitCode {
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// Runs `git remote-http(s) NAME PLAIN-URL` in place of this process (exec on Unix; spawn,
/// wait and git's status on Windows, see `platform::exec_or_spawn`).
fn run_git(name: &str, url: &str) -> Result<i32> {
    let debug = Debug::new(PROGRAM, false);
    let client = Client::new(ClientOptions::default())?;
    let target = client.target(url)?;
    let plain_url = target.plain_url();
    debug.log(|| {
        format!(
            "{} -> {} (region {}, profile {}, {})",
            echo_url(url),
            echo_url(&plain_url),
            echo(&target.region),
            echo(target.profile.name()),
            echo(&target.profile.describe_source())
        )
    });
    let helper = helper_command(&target)?;
    let transport = if target.endpoint.scheme == "http" {
        "remote-http"
    } else {
        "remote-https"
    };
    let mut git = Command::new("git");
    git.arg(transport).arg(name).arg(&plain_url);
    git.env("GIT_TERMINAL_PROMPT", "0");
    let start = config_count()?;
    inject_config(
        &mut git,
        start,
        &[
            ("credential.helper", ""),
            ("credential.helper", &helper),
            ("credential.useHttpPath", "true"),
            // Ask our helper before the first request instead of after a 401 (git >= 2.46;
            // older git ignores the key).
            ("http.proactiveAuth", "basic"),
        ],
    );
    let error = match platform::exec_or_spawn(&mut git) {
        Ok(status) => return Ok(status),
        Err(error) => error,
    };
    Err(Error::new(
        ErrorCode::Io,
        format!("cannot run `git {transport}`: {error}; is git on PATH?"),
    ))
}

/// `!'/path/to/git-remote-codecommit' --git-credential [--profile 'P'] --region 'R'`.
fn helper_command(target: &Target) -> Result<String> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot locate this program: {e}")))?;
    let mut command = format!("!{} {CREDENTIAL_MODE}", shell_quote(&exe.to_string_lossy()));
    if let Some(profile) = &target.remote.profile {
        command.push_str(&format!(" --profile {}", shell_quote(profile)));
    }
    command.push_str(&format!(" --region {}", shell_quote(&target.region)));
    Ok(command)
}

/// Most `GIT_CONFIG_COUNT` we accept. Git refuses a count whose keys are missing anyway;
/// a bound keeps `start + i` far from overflow (in release builds it would wrap, and the
/// entry that clears other credential helpers would fall outside the count).
const MAX_GIT_CONFIG_COUNT: usize = 100_000;

/// The `GIT_CONFIG_COUNT` git already passes us (0 when unset).
fn config_count() -> Result<usize> {
    let Ok(value) = std::env::var("GIT_CONFIG_COUNT") else {
        return Ok(0);
    };
    if value.trim().is_empty() {
        return Ok(0);
    }
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n <= MAX_GIT_CONFIG_COUNT)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "GIT_CONFIG_COUNT=\"{}\" is not a count of git config entries (0 to \
                     {MAX_GIT_CONFIG_COUNT}); unset it or fix it",
                    echo(&value)
                ),
            )
        })
}

/// Appends config entries after the `start` ones the caller already passes through the
/// environment.
fn inject_config(command: &mut Command, start: usize, entries: &[(&str, &str)]) {
    for (i, (key, value)) in entries.iter().enumerate() {
        command.env(format!("GIT_CONFIG_KEY_{}", start + i), key);
        command.env(format!("GIT_CONFIG_VALUE_{}", start + i), value);
    }
    command.env("GIT_CONFIG_COUNT", (start + entries.len()).to_string());
}

/// Single-quotes a word for `sh` (git runs `!` helpers through the shell).
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
