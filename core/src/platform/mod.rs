//! The one place with `cfg(unix)` / `cfg(windows)`: how files are opened safely and who owns
//! them. Everything above this module is platform-neutral.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as imp;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

pub(crate) use imp::{
    DirHandle, check_private, create_private_dir, open_no_follow, open_nonblocking, private_fix,
};

#[cfg(test)]
pub(crate) use imp::testing;
pub(crate) use imp::{ProcessTree, own_process_group};

/// A name in a [`DirHandle`] as [`DirHandle::entry_stat`] sees it, a symlink not followed:
/// enough to decide whether a leftover file is ours to remove.
pub(crate) struct EntryStat {
    /// A regular file: not a symlink, directory, FIFO, device or socket.
    pub(crate) is_file: bool,
    /// Owned by the current user. Unix: the effective uid (root's files count only when we
    /// are root). Windows: the current user, Administrators or SYSTEM (an elevated process's
    /// new files are owned by Administrators).
    pub(crate) owned_by_me: bool,
    /// Last modification; `None` when the system cannot say.
    pub(crate) modified: Option<std::time::SystemTime>,
}

/// The user's home directory as the AWS CLI (botocore, Python's `expanduser`) finds it: `HOME`
/// on Unix; `USERPROFILE`, then `HOMEDRIVE`+`HOMEPATH` on Windows, where `HOME` is ignored
/// (aws-config reads `USERPROFILE` there too, so our paths and the SDK's agree). The one
/// function every `~` in this crate goes through. `None` when unset or empty.
pub fn home_dir() -> Option<PathBuf> {
    imp::home_dir()
}

/// Runs `command` in place of this program with stdin, stdout and stderr inherited. Unix:
/// `exec`, so this returns only the error of a failed exec. Windows has no exec: the child is
/// spawned and waited for, and its exit status is returned for this program to exit with.
pub fn exec_or_spawn(command: &mut Command) -> io::Result<i32> {
    imp::exec_or_spawn(command)
}

/// The user's terminal, for a prompt that must not touch stdin or stdout (git owns those of
/// its helpers): `/dev/tty` on Unix, the console (`CONIN$`/`CONOUT$`) on Windows.
pub trait Terminal {
    /// Shows `text` (no newline added) and flushes it.
    fn write_prompt(&mut self, text: &str) -> io::Result<()>;
    /// One line typed by the user, at most `limit` bytes, trimmed.
    fn read_line(&mut self, limit: u64) -> io::Result<String>;
}

/// Opens the terminal; an error when there is none (no controlling tty, no console).
pub fn open_terminal() -> io::Result<Box<dyn Terminal>> {
    let (input, output) = imp::open_terminal_files()?;
    Ok(Box::new(FileTerminal {
        input: BufReader::new(input),
        output,
    }))
}

/// A terminal made of an input and an output file (the same device on Unix).
struct FileTerminal {
    input: BufReader<File>,
    output: File,
}

impl Terminal for FileTerminal {
    fn write_prompt(&mut self, text: &str) -> io::Result<()> {
        self.output.write_all(text.as_bytes())?;
        self.output.flush()
    }

    fn read_line(&mut self, limit: u64) -> io::Result<String> {
        let mut line = String::new();
        (&mut self.input).take(limit).read_line(&mut line)?;
        Ok(line.trim().to_owned())
    }
}

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// A FIFO, device, socket or directory where a regular file belongs.
    NotRegular(&'static str),
    /// More than the limit (bytes).
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => write!(f, "it is a {kind}, not a regular file"),
            ReadError::TooLarge(limit) => {
                write!(f, "it is larger than {}", crate::limits::describe(*limit))
            }
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Opens `path` for reading without ever blocking (a FIFO opens at once) and refuses anything
/// but a regular file. `follow` = false refuses a symlink as the last component.
pub fn open_regular(path: &Path, follow: bool) -> Result<File, ReadError> {
    let file = if follow {
        open_nonblocking(path)?
    } else {
        open_no_follow(path)?
    };
    let kind = file_kind(&file.metadata()?);
    match kind {
        "regular file" => Ok(file),
        other => Err(ReadError::NotRegular(other)),
    }
}

/// Reads a regular file of at most `limit` bytes (see [`open_regular`]).
pub fn read_limited(path: &Path, limit: u64, follow: bool) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path, follow)?;
    read_to_limit(file, limit)
}

/// Reads at most `limit` bytes from `reader`; one byte more is an error, never a bigger buffer.
pub fn read_to_limit(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// `Ok` for a regular file; otherwise what it is (for files opened another way than
/// [`open_regular`], e.g. relative to a [`DirHandle`]).
pub(crate) fn check_regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    match file_kind(meta) {
        "regular file" => Ok(()),
        other => Err(ReadError::NotRegular(other)),
    }
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_file() {
        "regular file"
    } else if ft.is_dir() {
        "directory"
    } else if ft.is_symlink() {
        "symbolic link"
    } else {
        imp::special_kind(&ft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_exact() {
        assert_eq!(read_to_limit(&b"abcd"[..], 4).unwrap(), b"abcd");
        assert!(matches!(
            read_to_limit(&b"abcde"[..], 4),
            Err(ReadError::TooLarge(4))
        ));
    }

    #[test]
    fn endless_sources_stop_at_the_limit() {
        let endless = std::io::repeat(b'x');
        assert!(matches!(
            read_to_limit(endless, 1024),
            Err(ReadError::TooLarge(1024))
        ));
    }
}
