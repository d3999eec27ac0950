//! `codecommit-auth configure` / `unconfigure`: git set-up for CodeCommit hosts, like
//! `git-credential-manager configure` and `gh auth setup-git`.
//!
//! For each CodeCommit URL pattern git's URL matching can express (`*` matches exactly one
//! dot-separated host component), in the chosen config file:
//! - `helper =` (empty): resets helpers inherited from wider scopes, so osxkeychain, manager,
//!   wincred or store never keep the 15-minute password;
//! - `helper = /ABSOLUTE/PATH/git-credential-codecommit [--profile P]`: found by GUI apps
//!   whose `PATH` is short;
//! - `useHttpPath = true`: git sends the repository path, which the signature covers.
//!
//! and `protocol.codecommit.allow = always` (submodules with `codecommit://` URLs).
//!
//! All writes go through `git config` itself. Running `configure` twice changes nothing; a
//! different `--profile` replaces our helper line. `unconfigure` removes our helper lines (any
//! absolute path ending in `git-credential-codecommit`), the empty `helper =` before each,
//! `useHttpPath = true` in those sections and `protocol.codecommit.allow = always`; git drops
//! a section left empty, so a file nothing else touched is byte-identical to before.

use codecommit_auth::redact::echo;
use codecommit_auth::{Error, ErrorCode, Result};

use crate::args::{Args, usage};
use crate::git::{self, GitOutput};
use crate::report;

/// CodeCommit host patterns as git URL patterns: commercial, FIPS, China, and VPC endpoints
/// (`vpce-ID[-AZ].git-codecommit[-fips].REGION.vpce.amazonaws.com`), checked with
/// `git credential fill` in tests/test_configure.py.
pub const PATTERNS: [&str; 5] = [
    "https://git-codecommit.*.amazonaws.com",
    "https://git-codecommit-fips.*.amazonaws.com",
    "https://git-codecommit.*.amazonaws.com.cn",
    "https://*.git-codecommit.*.vpce.amazonaws.com",
    "https://*.git-codecommit-fips.*.vpce.amazonaws.com",
];

const HELPER_NAME: &str = "git-credential-codecommit";
const PROTOCOL_KEY: &str = "protocol.codecommit.allow";

/// Which config file: `--system`, `--global` (default) or `--local`.
fn scope(args: &Args) -> Result<&'static str> {
    let chosen: Vec<&str> = ["system", "global", "local"]
        .into_iter()
        .filter(|s| args.flag(s))
        .collect();
    match chosen.as_slice() {
        [] => Ok("--global"),
        ["system"] => Ok("--system"),
        ["global"] => Ok("--global"),
        ["local"] => Ok("--local"),
        _ => Err(usage("give at most one of --system, --global, --local")),
    }
}

/// The URL patterns to configure: [`PATTERNS`], plus the `--endpoint` override's own URL.
fn patterns(args: &Args) -> Result<Vec<String>> {
    let mut all: Vec<String> = PATTERNS.iter().map(|p| (*p).to_owned()).collect();
    if let Some(endpoint) = args.value("endpoint") {
        let parsed = codecommit_auth::Endpoint::parse_override(endpoint)?;
        all.push(format!("{}://{}", parsed.scheme, parsed.host));
    }
    Ok(all)
}

pub fn configure(args: &Args) -> Result<()> {
    let scope = scope(args)?;
    let helper = helper_value(args)?;
    let mut changed = 0;
    for pattern in patterns(args)? {
        changed += configure_pattern(scope, &pattern, &helper)?;
    }
    if get(scope, PROTOCOL_KEY)?.as_deref() != Some("always") {
        config(scope, &[PROTOCOL_KEY, "always"])?;
        changed += 1;
    }
    let what = if changed == 0 {
        "already configured; nothing changed"
    } else {
        "configured"
    };
    report::out(&format!(
        "{what} ({scope} git config): CodeCommit hosts use {}\n",
        echo(&helper)
    ))
}

pub fn unconfigure(args: &Args) -> Result<()> {
    let scope = scope(args)?;
    let mut removed = 0;
    for pattern in patterns(args)? {
        removed += unconfigure_pattern(scope, &pattern)?;
    }
    if get(scope, PROTOCOL_KEY)?.as_deref() == Some("always") {
        config(scope, &["--unset", PROTOCOL_KEY])?;
        removed += 1;
    }
    remove_if_empty(scope, "protocol.codecommit")?;
    report::out(&format!(
        "{} ({scope} git config)\n",
        if removed == 0 {
            "nothing to remove"
        } else {
            "removed the CodeCommit set-up"
        }
    ))
}

/// Writes one pattern's three settings unless they are there; returns how many it wrote.
fn configure_pattern(scope: &str, pattern: &str, helper: &str) -> Result<usize> {
    let key = format!("credential.{pattern}.helper");
    let values = get_all(scope, &key)?;
    let mut changed = 0;
    let ours = values.iter().filter(|v| is_ours(v)).count();
    let in_place = values.len() >= 2
        && values[values.len() - 2].is_empty()
        && values[values.len() - 1] == helper;
    if !(in_place && ours == 1) {
        remove_helper(scope, &key, &values)?;
        config(scope, &["--add", &key, ""])?;
        config(scope, &["--add", &key, helper])?;
        changed += 1;
    }
    let http_path = format!("credential.{pattern}.useHttpPath");
    if get_bool(scope, &http_path)? != Some(true) {
        config(scope, &[&http_path, "true"])?;
        changed += 1;
    }
    Ok(changed)
}

/// Removes what [`configure_pattern`] wrote; returns how many settings it removed.
fn unconfigure_pattern(scope: &str, pattern: &str) -> Result<usize> {
    let key = format!("credential.{pattern}.helper");
    let values = get_all(scope, &key)?;
    let mut removed = remove_helper(scope, &key, &values)?;
    if removed > 0 {
        let http_path = format!("credential.{pattern}.useHttpPath");
        if get_bool(scope, &http_path)? == Some(true) {
            config(scope, &["--unset-all", &http_path])?;
            removed += 1;
        }
    }
    remove_if_empty(scope, &format!("credential.{pattern}"))?;
    Ok(removed)
}

/// Removes our helper lines and, for each, one empty `helper =` (the reset configure added
/// with it). Empty values of the user's own are put back. Returns how many lines went.
fn remove_helper(scope: &str, key: &str, values: &[String]) -> Result<usize> {
    let ours: Vec<&String> = values.iter().filter(|v| is_ours(v)).collect();
    if ours.is_empty() {
        return Ok(0);
    }
    for value in &ours {
        config(scope, &["--fixed-value", "--unset-all", key, value])?;
    }
    let empties = values.iter().filter(|v| v.is_empty()).count();
    if empties > 0 {
        config(scope, &["--fixed-value", "--unset-all", key, ""])?;
        for _ in ours.len().min(empties)..empties {
            config(scope, &["--add", key, ""])?;
        }
    }
    Ok(ours.len() + ours.len().min(empties))
}

/// Older git keeps a section header after its last key is unset; drop it then.
fn remove_if_empty(scope: &str, section: &str) -> Result<()> {
    let names = git::run_ok(&["config", scope, "-z", "--name-only", "--list"]);
    let prefix = format!("{}.", section.to_ascii_lowercase());
    let has_keys = match names {
        Ok(out) => out
            .stdout
            .split('\0')
            .any(|n| n.to_ascii_lowercase().starts_with(&prefix)),
        Err(_) => return Ok(()), // no such file: nothing to tidy
    };
    if !has_keys {
        // Fails with "no such section" when git already dropped it: that is fine.
        let _ = git::run(&["config", scope, "--remove-section", section]);
    }
    Ok(())
}

/// Whether a helper value is one `configure` writes: an absolute path (quoted or not) to
/// `git-credential-codecommit`, with or without arguments.
pub fn is_ours(value: &str) -> bool {
    let program = match value.strip_prefix('\'') {
        Some(rest) => rest.split('\'').next().unwrap_or_default(),
        None => value.split(' ').next().unwrap_or_default(),
    };
    let absolute = program.starts_with('/')
        || program.as_bytes().get(1..3) == Some(b":/")
        || program.as_bytes().get(1..3) == Some(b":\\");
    let name = program.rsplit(['/', '\\']).next().unwrap_or_default();
    absolute && (name == HELPER_NAME || name == format!("{HELPER_NAME}.exe"))
}

/// `'/abs/path/git-credential-codecommit' --profile P --endpoint E`: git runs a helper that
/// starts with a path through the shell, so each word is shell-quoted.
fn helper_value(args: &Args) -> Result<String> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::new(
            ErrorCode::Io,
            format!("cannot find this program's own path ({e}) to locate {HELPER_NAME}"),
        )
    })?;
    let file_name = format!("{HELPER_NAME}{}", std::env::consts::EXE_SUFFIX);
    let helper = exe.with_file_name(&file_name);
    if !helper.is_file() {
        return Err(Error::new(
            ErrorCode::Io,
            format!(
                "{} is missing: install {file_name} next to codecommit-auth",
                echo(&helper.to_string_lossy())
            ),
        ));
    }
    // Git for Windows runs helpers through its sh: forward slashes survive, backslashes not.
    let path = helper.to_string_lossy().replace('\\', "/");
    let mut words = vec![quote(&path)];
    for option in ["profile", "endpoint"] {
        if let Some(value) = args.value(option) {
            words.push(format!("--{option}"));
            words.push(quote(value));
        }
    }
    Ok(words.join(" "))
}

/// One word for `sh`: as is when plain, else single-quoted.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.,:/@+=%".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn config(scope: &str, rest: &[&str]) -> Result<GitOutput> {
    let mut argv = vec!["config", scope];
    argv.extend_from_slice(rest);
    git::run_ok(&argv)
}

/// Every value of `key` in the scope's file (none when the file or key is missing).
fn get_all(scope: &str, key: &str) -> Result<Vec<String>> {
    let out = git::run(&["config", scope, "-z", "--get-all", key])?;
    checked_lookup(&out, key)?;
    Ok(out
        .stdout
        .split_terminator('\0')
        .map(str::to_owned)
        .collect())
}

fn get(scope: &str, key: &str) -> Result<Option<String>> {
    Ok(get_all(scope, key)?.pop())
}

fn get_bool(scope: &str, key: &str) -> Result<Option<bool>> {
    let out = git::run(&["config", scope, "--type=bool", "--get", key])?;
    checked_lookup(&out, key)?;
    Ok(match out.stdout.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    })
}

/// `git config --get` exits 1 for "not set" (fine); anything else is an error.
fn checked_lookup(out: &GitOutput, key: &str) -> Result<()> {
    match out.status {
        Some(0) | Some(1) => Ok(()),
        _ => Err(Error::new(
            ErrorCode::Io,
            format!(
                "cannot read {} from git config: {}",
                echo(key),
                echo(out.stderr.lines().next().unwrap_or("git failed"))
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ours_are_absolute_paths_to_the_helper() {
        assert!(is_ours("/usr/bin/git-credential-codecommit"));
        assert!(is_ours("/opt/x/git-credential-codecommit --profile p"));
        assert!(is_ours("'/a b/git-credential-codecommit' --profile 'x y'"));
        assert!(is_ours(
            "'C:/Program Files/x/git-credential-codecommit.exe'"
        ));
        assert!(!is_ours("!git-credential-codecommit"));
        assert!(!is_ours("git-credential-codecommit"));
        assert!(!is_ours("/usr/bin/git-credential-store"));
        assert!(!is_ours(""));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("/usr/bin/x"), "/usr/bin/x");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
