//! `doctor`'s set-up checks: each finding is one line with its fix.
//!
//! - a credential helper that stores passwords (osxkeychain, manager, wincred, store...) is
//!   still in effect for the CodeCommit URL: it would keep a password that expires in 15
//!   minutes and answer with it after that (HTTP 403);
//! - `credential.useHttpPath` is not true for the URL: git sends no path to sign;
//! - another `git-remote-codecommit`/`git-credential-codecommit` (e.g. the Python package)
//!   comes first on `PATH`;
//! - git is older than 2.41, which ignores `password_expiry_utc`;
//! - this clock is off from the `Date` header of STS (when STS answers).
//!
//! Git's rules are followed exactly: every `credential.<url>.helper` whose URL matches (a `*`
//! matches one host component) applies in config order, and an empty value clears the list.

use std::path::{Path, PathBuf};

use codecommit_auth::redact::{echo, echo_url};

use crate::git;

/// Helpers that keep passwords (git's own and the common keychain helpers).
const STORING_HELPERS: [&str; 7] = [
    "osxkeychain",
    "manager",
    "manager-core",
    "wincred",
    "store",
    "libsecret",
    "gnome-keyring",
];

/// The first git that has `password_expiry_utc`.
const GIT_EXPIRY_VERSION: (u32, u32) = (2, 41);

/// All findings for `url` (a plain https URL of the repository).
pub fn findings(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    found.extend(storing_helpers(url));
    found.extend(use_http_path(url));
    found.extend(path_order());
    found.extend(git_version());
    found
}

fn storing_helpers(url: &str) -> Vec<String> {
    let Ok(out) = git::run(&[
        "config",
        "-z",
        "--show-origin",
        "--get-regexp",
        "^credential\\..*helper$",
    ]) else {
        return Vec::new();
    };
    let mut effective: Vec<(String, String)> = Vec::new();
    let mut fields = out.stdout.split('\0');
    while let (Some(origin), Some(entry)) = (fields.next(), fields.next()) {
        let (key, value) = entry.split_once('\n').unwrap_or((entry, ""));
        if !helper_applies(key, url) {
            continue;
        }
        if value.is_empty() {
            effective.clear();
        } else {
            effective.push((origin.to_owned(), value.to_owned()));
        }
    }
    effective
        .into_iter()
        .filter(|(_, helper)| is_storing(helper))
        .map(|(origin, helper)| {
            format!(
                "credential helper \"{}\" ({}) applies to {} and would store the 15-minute \
                 password (later pushes fail with 403); fix: codecommit-auth configure",
                echo(&helper),
                echo(origin.strip_prefix("file:").unwrap_or(&origin)),
                echo_url(url)
            )
        })
        .collect()
}

/// Whether `credential.helper` or `credential.<pattern>.helper` applies to `url`.
fn helper_applies(key: &str, url: &str) -> bool {
    let Some(middle) = key
        .strip_prefix("credential.")
        .and_then(|k| k.strip_suffix("helper"))
    else {
        return false;
    };
    match middle.strip_suffix('.') {
        None => middle.is_empty(),
        Some(pattern) => url_matches(pattern, url),
    }
}

/// Git's URL matching for config sections: same scheme, the host with `*` matching within
/// one dot-separated component, same port, and the pattern's path a prefix of the URL's.
pub fn url_matches(pattern: &str, url: &str) -> bool {
    let (Some(p), Some(u)) = (split_url(pattern), split_url(url)) else {
        return false;
    };
    let p_host: Vec<&str> = p.host.split('.').collect();
    let u_host: Vec<&str> = u.host.split('.').collect();
    p.scheme.eq_ignore_ascii_case(&u.scheme)
        && p.port == u.port
        && p_host.len() == u_host.len()
        && p_host.iter().zip(&u_host).all(|(p, u)| glob(p, u))
        && u.path.starts_with(p.path.trim_end_matches('/'))
}

struct UrlParts {
    scheme: String,
    host: String,
    port: String,
    path: String,
}

fn split_url(url: &str) -> Option<UrlParts> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let authority = authority.rsplit('@').next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.to_owned()),
        None => (authority, default_port(scheme).to_owned()),
    };
    Some(UrlParts {
        scheme: scheme.to_owned(),
        host: host.to_ascii_lowercase(),
        port,
        path: path.to_owned(),
    })
}

fn default_port(scheme: &str) -> &'static str {
    if scheme.eq_ignore_ascii_case("http") {
        "80"
    } else {
        "443"
    }
}

/// `*` matches any run of characters (within one host component).
fn glob(pattern: &str, text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let pattern = pattern.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Whether a helper value names one that stores passwords (`store`, `osxkeychain`,
/// `/usr/lib/git-core/git-credential-store --file x`, `!git-credential-manager`...).
fn is_storing(helper: &str) -> bool {
    let helper = helper.trim_start_matches('!').trim_start();
    let program = match helper.strip_prefix(['\'', '"']) {
        Some(quoted) => quoted.split(['\'', '"']).next(),
        None => helper.split(' ').next(),
    }
    .unwrap_or_default();
    let name = program.rsplit(['/', '\\']).next().unwrap_or_default();
    let name = name.strip_suffix(".exe").unwrap_or(name);
    let name = name.strip_prefix("git-credential-").unwrap_or(name);
    STORING_HELPERS.contains(&name)
}

fn use_http_path(url: &str) -> Option<String> {
    let out = git::run(&[
        "config",
        "--type=bool",
        "--get-urlmatch",
        "credential.useHttpPath",
        url,
    ])
    .ok()?;
    (out.stdout.trim() != "true").then(|| {
        format!(
            "credential.useHttpPath is not true for {}: git sends no repository path to sign; \
             fix: codecommit-auth configure",
            echo_url(url)
        )
    })
}

/// Our programs must be the ones git finds on PATH.
fn path_order() -> Vec<String> {
    let Some(own_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    ["git-remote-codecommit", "git-credential-codecommit"]
        .into_iter()
        .filter_map(|name| {
            let name = format!("{name}{}", std::env::consts::EXE_SUFFIX);
            let first = first_on_path(&name)?;
            let ours = own_dir.join(&name);
            (!same_file(&first, &ours)).then(|| {
                format!(
                    "PATH finds {} before this installation's {} (the Python \
                     git-remote-codecommit?); fix: put {} first on PATH, or \
                     pip uninstall git-remote-codecommit",
                    echo(&first.to_string_lossy()),
                    echo(&ours.to_string_lossy()),
                    echo(&own_dir.to_string_lossy())
                )
            })
        })
        .collect()
}

fn first_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn git_version() -> Option<String> {
    let version = git::version()?;
    (version < GIT_EXPIRY_VERSION).then(|| {
        format!(
            "git {}.{} is older than 2.41: it ignores password_expiry_utc, so a credential \
             store may hand out an expired password; fix: upgrade git",
            version.0, version.1
        )
    })
}

/// Largest clock difference left unreported: STS refuses SigV4 requests more than 5 minutes
/// off, CodeCommit passwords more than 15; a minute already means the clock is not synced.
const SKEW_TOLERANCE_SECS: i64 = 60;

/// This machine's clock against the `Date` header of STS in `region`, when STS answers.
pub fn clock_skew(region: &str) -> Option<String> {
    let skew = codecommit_auth::sts_clock_skew_blocking(region)?;
    (skew.abs() > SKEW_TOLERANCE_SECS).then(|| {
        let direction = if skew > 0 { "behind" } else { "ahead of" };
        format!(
            "this clock is {} s {direction} STS's (its Date header): signatures more than 5 \
             minutes (STS) or 15 minutes (CodeCommit) off are refused; fix: synchronize the \
             clock (for example `timedatectl set-ntp true`, or the OS's time settings)",
            skew.abs()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/r";

    #[test]
    fn url_matching_follows_git() {
        assert!(url_matches("https://git-codecommit.*.amazonaws.com", URL));
        assert!(url_matches(
            "https://git-codecommit.us-east-1.amazonaws.com/",
            URL
        ));
        assert!(url_matches("https://*.*.amazonaws.com", URL));
        assert!(!url_matches("https://*.amazonaws.com", URL));
        assert!(!url_matches("http://git-codecommit.*.amazonaws.com", URL));
        assert!(!url_matches(
            "https://git-codecommit.*.amazonaws.com:8443",
            URL
        ));
        assert!(!url_matches(
            "https://git-codecommit.*.amazonaws.com/v1/repos/other",
            URL
        ));
        assert!(url_matches(
            "https://git-codecommit.us-*-1.amazonaws.com",
            URL
        ));
    }

    #[test]
    fn helpers_that_store() {
        for storing in [
            "store",
            "osxkeychain",
            "manager",
            "/usr/local/bin/git-credential-manager",
            "!git-credential-store --file ~/x",
            "wincred",
            "'C:/Program Files/Git/mingw64/bin/git-credential-manager.exe'",
        ] {
            assert!(is_storing(storing), "{storing}");
        }
        for other in [
            "cache",
            "/usr/bin/git-credential-codecommit",
            "!aws codecommit credential-helper $@",
        ] {
            assert!(!is_storing(other), "{other}");
        }
    }

    #[test]
    fn which_keys_apply() {
        assert!(helper_applies("credential.helper", URL));
        assert!(helper_applies(
            "credential.https://git-codecommit.*.amazonaws.com.helper",
            URL
        ));
        assert!(!helper_applies("credential.https://github.com.helper", URL));
        assert!(!helper_applies("credential.usehttppath", URL));
    }
}
