//! Windows: no FIFOs to block on and no mode bits. The cache directory and the files created
//! in it get an owner-only DACL, and what is read from it must be owned by the current user
//! (or Administrators/SYSTEM): the Windows form of 0700/0600 and OpenSSH's owner rule. The
//! Win32 calls live in the `codecommit-auth-winsec` crate (core forbids unsafe code).

use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io;
use std::path::Path;

use codecommit_auth_winsec as winsec;

pub(crate) fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

pub(crate) fn open_no_follow(path: &Path) -> io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::other("a symbolic link where a file belongs"));
    }
    open_nonblocking(path)
}

pub(crate) fn special_kind(_ft: &FileType) -> &'static str {
    "special file"
}

pub(crate) fn check_private(_meta: &Metadata) -> Result<(), String> {
    Ok(())
}

/// Windows fallback for the Unix directory handle: path-based, with the symlink checks std
/// offers. No mode bits to tighten; the owner check belongs to the Windows port.
pub(crate) struct DirHandle(std::path::PathBuf);

impl DirHandle {
    pub(crate) fn open(path: &Path, follow: bool) -> io::Result<DirHandle> {
        let meta = if follow {
            std::fs::metadata(path)?
        } else {
            std::fs::symlink_metadata(path)?
        };
        if !meta.is_dir() {
            return Err(io::Error::other("not a directory"));
        }
        check_owner(path)?;
        Ok(DirHandle(path.to_path_buf()))
    }

    pub(crate) fn metadata(&self) -> io::Result<Metadata> {
        std::fs::metadata(&self.0)
    }

    /// The owner-only DACL (inherited by new entries), on a directory we own.
    pub(crate) fn make_private(&self) -> io::Result<()> {
        winsec::restrict_to_owner(&self.0, true)
    }

    pub(crate) fn open_file(&self, name: &str) -> io::Result<File> {
        let path = self.0.join(name);
        let file = open_no_follow(&path)?;
        check_owner(&path)?;
        Ok(file)
    }

    pub(crate) fn open_lock(&self, name: &str) -> io::Result<File> {
        let path = self.0.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(io::Error::other("a symbolic link where a file belongs"));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        check_owner(&path)?;
        Ok(file)
    }

    /// A new file (never an existing one), owner-only before anything is written to it.
    pub(crate) fn create_new(&self, name: &str) -> io::Result<File> {
        let path = self.0.join(name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        winsec::restrict_to_owner(&path, false)?;
        Ok(file)
    }

    /// Replaces `to`. A reader that opened `to` without delete sharing (another program, e.g.
    /// the AWS CLI or a virus scanner) makes the rename fail with a sharing violation or
    /// access denied until it closes the file: retried briefly, then the error is returned and
    /// the caller skips the cache write.
    pub(crate) fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        const ATTEMPTS: u32 = 10;
        const PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
        let (from, to) = (self.0.join(from), self.0.join(to));
        let mut attempt = 1;
        loop {
            match std::fs::rename(&from, &to) {
                Err(e) if attempt < ATTEMPTS && is_held_open(&e) => {
                    attempt += 1;
                    std::thread::sleep(PAUSE);
                }
                result => return result,
            }
        }
    }

    pub(crate) fn remove(&self, name: &str) -> io::Result<()> {
        std::fs::remove_file(self.0.join(name))
    }

    /// As on Unix, through the directory's path (the fallback has no handle to list).
    pub(crate) fn scan(
        &self,
        max: usize,
        mut keep: impl FnMut(&str) -> bool,
    ) -> io::Result<Vec<String>> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&self.0)?.take(max) {
            if let Some(name) = entry?.file_name().to_str()
                && keep(name)
            {
                found.push(name.to_owned());
            }
        }
        Ok(found)
    }

    /// What `name` is, a symlink (reparse point) not followed; the owner is asked only of a
    /// regular file.
    pub(crate) fn entry_stat(&self, name: &str) -> io::Result<super::EntryStat> {
        let path = self.0.join(name);
        let meta = std::fs::symlink_metadata(&path)?;
        let is_file = meta.file_type().is_file();
        Ok(super::EntryStat {
            is_file,
            owned_by_me: is_file && winsec::owned_by_current_user(&path)?,
            modified: meta.modified().ok(),
        })
    }
}

/// ERROR_ACCESS_DENIED (5) or ERROR_SHARING_VIOLATION (32): another handle holds the file.
fn is_held_open(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(5 | 32))
}

/// Creates `path` and its parents; a directory created here gets the owner-only DACL (an
/// existing one is left as it is, as on Unix).
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return std::fs::create_dir_all(path);
    }
    std::fs::create_dir_all(path)?;
    winsec::restrict_to_owner(path, true)
}

/// Refuses what someone else owns (the Windows form of the Unix uid check).
fn check_owner(path: &Path) -> io::Result<()> {
    if winsec::owned_by_current_user(path)? {
        Ok(())
    } else {
        Err(io::Error::other(
            "it is owned by another user, not by you, Administrators or SYSTEM",
        ))
    }
}

pub(crate) fn private_fix(_meta: &Metadata, quoted_path: &str) -> String {
    format!("make {quoted_path} private to your account")
}

/// Windows has no POSIX process groups: the child joins a Job object once it runs
/// ([`ProcessTree::adopt`]).
pub(crate) fn own_process_group(_command: &mut std::process::Command) {}

/// The child's Job object: every process the child starts after joining it is stopped with
/// it. A grandchild started in the microseconds between spawn and `adopt` escapes; resuming
/// a suspended child would close that gap but needs its thread handle, which `std` hides.
/// When no job can be made (e.g. a parent job forbids it), the child alone is killed by its
/// owner (`kill_on_drop`), as before.
pub(crate) struct ProcessTree(Option<codecommit_auth_winsec::Job>);

impl ProcessTree {
    pub(crate) fn adopt(pid: u32) -> ProcessTree {
        ProcessTree(codecommit_auth_winsec::Job::adopt(pid).ok())
    }

    pub(crate) fn kill(&self) {
        if let Some(job) = &self.0 {
            job.terminate();
        }
    }
}

/// botocore's order (Python's `ntpath.expanduser`): `USERPROFILE`, then `HOMEDRIVE` +
/// `HOMEPATH`. `HOME` is ignored, as there.
pub(crate) fn home_dir() -> Option<std::path::PathBuf> {
    let var = |name| crate::environment::var_os(name).filter(|v| !v.is_empty());
    if let Some(profile) = var("USERPROFILE") {
        return Some(profile.into());
    }
    let mut home = var("HOMEDRIVE")?;
    home.push(var("HOMEPATH")?);
    Some(home.into())
}

/// No exec on Windows: spawn with stdio inherited, wait, hand back the exit status (1 when
/// the child ended without one).
pub(crate) fn exec_or_spawn(command: &mut std::process::Command) -> io::Result<i32> {
    let status = command.spawn()?.wait()?;
    Ok(status.code().unwrap_or(1))
}

/// The console: `CONIN$` (opened read-write, as the console API expects) and `CONOUT$`.
pub(crate) fn open_terminal_files() -> io::Result<(File, File)> {
    let input = OpenOptions::new().read(true).write(true).open("CONIN$")?;
    let output = OpenOptions::new().write(true).open("CONOUT$")?;
    Ok((input, output))
}

#[cfg(test)]
pub(crate) mod testing {
    use std::io;
    use std::path::Path;

    fn unsupported() -> io::Error {
        io::Error::new(io::ErrorKind::Unsupported, "not on Windows")
    }

    pub(crate) fn mkfifo(_path: &Path) -> io::Result<()> {
        Err(unsupported())
    }

    pub(crate) fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
        Err(unsupported())
    }

    pub(crate) fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
        Err(unsupported())
    }

    pub(crate) fn mode(_path: &Path) -> io::Result<u32> {
        Err(unsupported())
    }

    pub(crate) fn set_mtime_no_follow(_path: &Path, _at: std::time::SystemTime) -> io::Result<()> {
        Err(unsupported())
    }
}
