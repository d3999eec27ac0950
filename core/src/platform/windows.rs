//! Windows: no FIFOs to block on and no mode bits. The owner check with an owner-only DACL
//! belongs to the Windows port; until then this side accepts what the file system allows.

use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io;
use std::path::Path;

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
        Ok(DirHandle(path.to_path_buf()))
    }

    pub(crate) fn metadata(&self) -> io::Result<Metadata> {
        std::fs::metadata(&self.0)
    }

    pub(crate) fn make_private(&self) -> io::Result<()> {
        Ok(())
    }

    pub(crate) fn open_file(&self, name: &str) -> io::Result<File> {
        open_no_follow(&self.0.join(name))
    }

    pub(crate) fn open_lock(&self, name: &str) -> io::Result<File> {
        let path = self.0.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(io::Error::other("a symbolic link where a file belongs"));
        }
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    }

    pub(crate) fn create_new(&self, name: &str) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.0.join(name))
    }

    pub(crate) fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        std::fs::rename(self.0.join(from), self.0.join(to))
    }

    pub(crate) fn remove(&self, name: &str) -> io::Result<()> {
        std::fs::remove_file(self.0.join(name))
    }
}

pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)
}

pub(crate) fn private_fix(_meta: &Metadata, quoted_path: &str) -> String {
    format!("make {quoted_path} private to your account")
}

/// Windows has no POSIX process groups; the child itself is killed by its owner
/// (`kill_on_drop`). A Job object would bound its children too: left to the Windows port.
pub(crate) fn own_process_group(_command: &mut std::process::Command) {}

pub(crate) fn kill_process_group(_pid: u32) {}

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
}
