//! The `--version` line shared by the three programs.

/// `git-remote-codecommit 0.1.0 (abc1234 2026-12-01, x86_64-unknown-linux-musl)`: the
/// version, the commit it was built from and the target, so a bug report names the exact build.
pub fn line(program: &str) -> String {
    format!(
        "{program} {} ({}, {})\n",
        env!("CARGO_PKG_VERSION"),
        env!("CODECOMMIT_AUTH_BUILD_COMMIT"),
        env!("CODECOMMIT_AUTH_BUILD_TARGET"),
    )
}
