//! Unix: O_NONBLOCK / O_NOFOLLOW opens, uid and mode bits.

use std::fs::{DirBuilder, File, FileType, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags};

/// `open(2)` flag bits as std's `custom_flags` takes them.
fn flags(f: OFlags) -> i32 {
    f.bits() as i32
}

/// O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever. The
/// flag is harmless on regular files (reads of regular files never block).
pub(crate) fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(flags(OFlags::NONBLOCK))
        .open(path)
}

/// As [`open_nonblocking`], and a symlink as the last component fails (ELOOP).
pub(crate) fn open_no_follow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(flags(OFlags::NONBLOCK | OFlags::NOFOLLOW))
        .open(path)
}

pub(crate) fn special_kind(ft: &FileType) -> &'static str {
    if ft.is_fifo() {
        "FIFO"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device"
    } else {
        "special file"
    }
}

/// OpenSSH's rule for `~/.ssh`: owned by us (or root), not writable by group or others.
/// `Err` carries the reason, ready for a warning line.
pub(crate) fn check_private(meta: &Metadata) -> Result<(), String> {
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(format!(
            "it is owned by uid {}, not by you (uid {me})",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "it is writable by group or others (mode {:o})",
            meta.mode() & 0o7777
        ));
    }
    Ok(())
}

/// A directory opened once. Every file in it is opened relative to this handle with
/// O_NOFOLLOW, so neither a symlink planted where a file belongs nor a swap of the
/// directory's path after it was checked can redirect a read, a write or a chmod.
pub(crate) struct DirHandle(File);

impl DirHandle {
    /// `follow` = false refuses a symlink as the last component (ELOOP).
    pub(crate) fn open(path: &Path, follow: bool) -> io::Result<DirHandle> {
        let mut oflags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK;
        if !follow {
            oflags |= OFlags::NOFOLLOW;
        }
        let fd = rustix::fs::open(path, oflags, Mode::empty())?;
        Ok(DirHandle(File::from(fd)))
    }

    pub(crate) fn metadata(&self) -> io::Result<Metadata> {
        self.0.metadata()
    }

    /// chmod 0700 through the handle, only when we own the directory and it is wider.
    pub(crate) fn make_private(&self) -> io::Result<()> {
        let meta = self.metadata()?;
        if meta.mode() & 0o077 != 0 && meta.uid() == rustix::process::geteuid().as_raw() {
            rustix::fs::fchmod(&self.0, Mode::RWXU)?;
        }
        Ok(())
    }

    /// Opens `name` for reading: never blocks (FIFO), never follows a symlink (ELOOP).
    pub(crate) fn open_file(&self, name: &str) -> io::Result<File> {
        let oflags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        Ok(File::from(rustix::fs::openat(
            &self.0,
            name,
            oflags,
            Mode::empty(),
        )?))
    }

    /// Opens or creates (0600) `name` read-write for a lock: a symlink, dangling or not, is
    /// refused instead of followed, and a FIFO opens at once (the caller checks the type).
    pub(crate) fn open_lock(&self, name: &str) -> io::Result<File> {
        let oflags =
            OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let mode = Mode::RUSR | Mode::WUSR;
        Ok(File::from(rustix::fs::openat(&self.0, name, oflags, mode)?))
    }

    /// Creates a new 0600 file `name` for writing (O_EXCL: never an existing file or link).
    pub(crate) fn create_new(&self, name: &str) -> io::Result<File> {
        let oflags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mode = Mode::RUSR | Mode::WUSR;
        Ok(File::from(rustix::fs::openat(&self.0, name, oflags, mode)?))
    }

    /// Renames within the directory (replaces a file or a symlink, never writes through it).
    pub(crate) fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        Ok(rustix::fs::renameat(&self.0, from, &self.0, to)?)
    }

    pub(crate) fn remove(&self, name: &str) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(&self.0, name, AtFlags::empty())?)
    }

    /// The names `keep` accepts among the first `max` entries the system lists (a hostile or
    /// huge directory costs at most `max` entries; names that are not UTF-8 are skipped).
    /// Read through this handle, never through the directory's path.
    pub(crate) fn scan(
        &self,
        max: usize,
        mut keep: impl FnMut(&str) -> bool,
    ) -> io::Result<Vec<String>> {
        let mut found = Vec::new();
        for entry in rustix::fs::Dir::read_from(&self.0)?.take(max) {
            if let Ok(name) = entry?.file_name().to_str()
                && keep(name)
            {
                found.push(name.to_owned());
            }
        }
        Ok(found)
    }

    /// What `name` is, without following a symlink and without opening it (opening a device
    /// can have side effects).
    pub(crate) fn entry_stat(&self, name: &str) -> io::Result<super::EntryStat> {
        let st = rustix::fs::statat(&self.0, name, AtFlags::SYMLINK_NOFOLLOW)?;
        let modified = u64::try_from(st.st_mtime).ok().and_then(|secs| {
            std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
        });
        Ok(super::EntryStat {
            is_file: rustix::fs::FileType::from_raw_mode(st.st_mode)
                == rustix::fs::FileType::RegularFile,
            owned_by_me: st.st_uid == rustix::process::geteuid().as_raw(),
            modified,
        })
    }
}

/// Creates `path` and its missing parents with mode 0700. An existing directory (or a
/// symlink to one) is left as it is; a dangling symlink is an error, never followed.
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// The command that makes `path` pass [`check_private`] (`chmod 700` for a directory,
/// `chmod 600` for a file; with `chown` first when someone else owns it).
pub(crate) fn private_fix(meta: &Metadata, quoted_path: &str) -> String {
    let mode = if meta.is_dir() { 700 } else { 600 };
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        format!("sudo chown {me} {quoted_path} && chmod {mode} {quoted_path} (or remove it)")
    } else {
        format!("chmod {mode} {quoted_path}")
    }
}

/// Starts the child as the leader of a new process group, so everything it spawns (`sh -c`
/// and its children) can be stopped together through [`ProcessTree`].
pub(crate) fn own_process_group(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// The process group led by a child started with [`own_process_group`].
pub(crate) struct ProcessTree(u32);

impl ProcessTree {
    pub(crate) fn adopt(pid: u32) -> ProcessTree {
        ProcessTree(pid)
    }

    /// SIGKILL to the whole group. A group that is already gone is not an error.
    pub(crate) fn kill(&self) {
        let Some(pid) = i32::try_from(self.0)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return;
        };
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

pub(crate) fn home_dir() -> Option<std::path::PathBuf> {
    crate::environment::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(std::path::PathBuf::from)
}

/// `exec(2)`: returns only when the program could not be started.
pub(crate) fn exec_or_spawn(command: &mut std::process::Command) -> io::Result<i32> {
    use std::os::unix::process::CommandExt;
    Err(command.exec())
}

/// The controlling terminal, read and written through one open of `/dev/tty`.
pub(crate) fn open_terminal_files() -> io::Result<(File, File)> {
    let tty = OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let output = tty.try_clone()?;
    Ok((tty, output))
}

/// Test helpers for planting hostile files (Unix only; the Windows side reports Unsupported
/// and the tests that need them skip).
#[cfg(test)]
pub(crate) mod testing {
    use std::io;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use rustix::fs::{CWD, Mode};

    pub(crate) fn mkfifo(path: &Path) -> io::Result<()> {
        Ok(rustix::fs::mkfifoat(CWD, path, Mode::RUSR | Mode::WUSR)?)
    }

    pub(crate) fn symlink(target: &Path, link: &Path) -> io::Result<()> {
        std::os::unix::fs::symlink(target, link)
    }

    pub(crate) fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }

    pub(crate) fn mode(path: &Path) -> io::Result<u32> {
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o7777)
    }

    /// Sets the modification time of `path` itself (a symlink's own, not its target's).
    pub(crate) fn set_mtime_no_follow(path: &Path, at: std::time::SystemTime) -> io::Result<()> {
        let since = at
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(io::Error::other)?;
        let time = rustix::fs::Timespec {
            tv_sec: i64::try_from(since.as_secs()).map_err(io::Error::other)?,
            tv_nsec: 0,
        };
        let times = rustix::fs::Timestamps {
            last_access: time,
            last_modification: time,
        };
        Ok(rustix::fs::utimensat(
            CWD,
            path,
            &times,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )?)
    }
}
