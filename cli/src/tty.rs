//! The MFA prompt of the command-line programs: the controlling terminal, never stdin
//! (git owns stdin and stdout of its helpers).

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;

use codecommit_auth::redact::{echo, shell_quote};
use codecommit_auth::{Error, ErrorCode, MfaPrompt, MfaRequest, Result, SharedMfaPrompt};

/// Asks on `/dev/tty`.
pub struct TerminalPrompt;

impl TerminalPrompt {
    pub fn shared() -> SharedMfaPrompt {
        Arc::new(TerminalPrompt)
    }
}

impl MfaPrompt for TerminalPrompt {
    fn code(&self, request: &MfaRequest) -> Result<String> {
        let tty = OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| {
            Error::new(
                ErrorCode::MfaRequired,
                format!(
                    "profile {} needs an MFA code for {} but there is no terminal to ask on. Run \
                     `aws sts get-caller-identity --profile {}` in a terminal once: the session \
                     it caches in ~/.aws/cli/cache is then used until it expires",
                    echo(&request.profile),
                    echo(&request.serial),
                    shell_quote(&request.profile)
                ),
            )
        })?;
        let io_error =
            |e: std::io::Error| Error::new(ErrorCode::Io, format!("cannot use the terminal: {e}"));
        let mut writer = tty.try_clone().map_err(io_error)?;
        write!(
            writer,
            "MFA code for {} (profile {}): ",
            echo(&request.serial),
            echo(&request.profile)
        )
        .map_err(io_error)?;
        writer.flush().map_err(io_error)?;
        let mut line = String::new();
        // One short line: an MFA code is six digits.
        BufReader::new(tty)
            .take(64)
            .read_line(&mut line)
            .map_err(io_error)?;
        Ok(line.trim().to_owned())
    }
}
