//! Records the commit and target for `--version`: `git-remote-codecommit 0.1.0 (abc1234
//! 2026-12-01, x86_64-unknown-linux-musl)`.
//!
//! The commit comes from git when this workspace is a git checkout, else from the
//! CODECOMMIT_AUTH_COMMIT variable (a `git archive` export has no .git; a release pipeline
//! sets it), else "unknown". Cargo reruns this script only when HEAD, the ref it points to,
//! packed-refs or that variable change, so an ordinary build stays fresh.

use std::path::{Path, PathBuf};
use std::process::Command;

const COMMIT_VAR: &str = "CODECOMMIT_AUTH_COMMIT";
const COMMIT_MAX: usize = 64; // a hash and a date; anything longer is not what we asked for

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={COMMIT_VAR}");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = from_git(&manifest_dir)
        .or_else(from_env)
        .unwrap_or_else(|| "unknown".to_owned());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=CODECOMMIT_AUTH_BUILD_COMMIT={commit}");
    println!("cargo:rustc-env=CODECOMMIT_AUTH_BUILD_TARGET={target}");
}

/// `abc1234 2026-12-01` for HEAD, when the workspace root (cli/..) is the top of a git
/// checkout; a workspace unpacked inside someone else's repository must not take its commit.
fn from_git(manifest_dir: &Path) -> Option<String> {
    let root = manifest_dir.parent()?.canonicalize().ok()?;
    let top = git(&root, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != root {
        return None;
    }
    let git_dir = PathBuf::from(git(&root, &["rev-parse", "--absolute-git-dir"])?);
    watch(&git_dir.join("HEAD"));
    if let Some(reference) = git(&root, &["symbolic-ref", "-q", "HEAD"]) {
        watch(&git_dir.join(reference));
    }
    watch(&git_dir.join("packed-refs"));
    clean(&git(
        &root,
        &["log", "-1", "--format=%h %cs", "--abbrev=7"],
    )?)
}

fn from_env() -> Option<String> {
    clean(&std::env::var(COMMIT_VAR).ok()?)
}

/// One short printable line, or nothing.
fn clean(value: &str) -> Option<String> {
    let value = value.trim();
    let printable = value.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    (!value.is_empty() && value.len() <= COMMIT_MAX && printable).then(|| value.to_owned())
}

/// A missing path would make cargo rerun this script on every build, so only existing ones.
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
