//! Cross-process cache of temporary credentials, shared both ways with the AWS CLI.
//!
//! Same directory (`~/.aws/cli/cache`), same file names (botocore's cache-key derivation)
//! and same JSON (`{"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken",
//! "Expiration"}}`), so a role session started by `aws` is reused by git and the other way
//! round. Writes are atomic (temp file + rename) with mode 0600 in a 0700 directory; a
//! corrupt or foreign file reads as a miss. A lock file per entry (flock, released by the
//! kernel when its holder dies) makes concurrent refreshes single-flight.
//!
//! Trust (OpenSSH's rule for `~/.ssh`): the directory, each entry and each lock must be
//! owned by the current user (or root) and not writable by group or others. Otherwise the
//! cache is neither read nor written for that request, and the caller gets one [`Unusable`]
//! line that says how to fix it. The directory is opened once and every file in it is
//! opened relative to that handle with O_NOFOLLOW|O_NONBLOCK, so a symlink, FIFO, device or
//! directory where an entry or lock belongs is refused at once, and nothing is ever written
//! or chmod-ed through a symlink. A symlinked cache directory is followed only when its
//! target passes the check, and is never chmod-ed; a real directory we own that the AWS CLI
//! created with the umask's mode (0755) is tightened to 0700 through its handle.
//! A temp file left by a writer killed before its rename is removed by a later write of the
//! same entry once it is old (see `STALE_TEMP_AGE`): only a regular file of ours, by name and
//! owner, so nothing else in the directory is ever touched.
//! The parent (`~/.aws/cli`) is not checked: every read, write, lock and chmod goes through
//! the checked directory's handle, so renaming or relinking the path afterwards cannot
//! redirect them to a directory that did not pass the check.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::{Credentials, Secret};
use crate::limits::CREDENTIALS_MAX;
use crate::platform::{self, DirHandle};
use crate::redact::{echo, shell_quote};

/// How long a process waits for another one's refresh before doing its own.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);
const LOCK_POLL: Duration = Duration::from_millis(25);

/// The AWS CLI's cache directory for the current user, `~/.aws/cli/cache`.
pub fn default_dir() -> Option<PathBuf> {
    platform::home_dir().map(|home| home.join(".aws").join("cli").join("cache"))
}

/// botocore's key for an AssumeRole session: sha1 of the sorted-key JSON of the AssumeRole
/// arguments (RoleSessionName only when configured), formatted like Python's `json.dumps`.
pub fn role_key(
    role_arn: &str,
    session_name: Option<&str>,
    external_id: Option<&str>,
    mfa_serial: Option<&str>,
    duration_seconds: Option<i64>,
) -> String {
    let mut fields: Vec<(&str, String)> = vec![("RoleArn", py_json_str(role_arn))];
    let optional = [
        ("RoleSessionName", session_name),
        ("ExternalId", external_id),
        ("SerialNumber", mfa_serial),
    ];
    fields.extend(
        optional
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, py_json_str(v)))),
    );
    if let Some(seconds) = duration_seconds {
        fields.push(("DurationSeconds", seconds.to_string()));
    }
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    hex_sha1(&format!("{{{}}}", body.join(", ")))
}

/// botocore's key for SSO role credentials (compact JSON separators, unlike roles).
pub fn sso_key(
    account_id: &str,
    role_name: &str,
    session_name: Option<&str>,
    start_url: Option<&str>,
) -> String {
    let mut fields = vec![("accountId", account_id), ("roleName", role_name)];
    match session_name {
        Some(session) => fields.push(("sessionName", session)),
        None => fields.push(("startUrl", start_url.unwrap_or_default())),
    }
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\":{}", py_json_str(v)))
        .collect();
    hex_sha1(&format!("{{{}}}", body.join(",")))
}

fn hex_sha1(text: &str) -> String {
    hex::encode(Sha1::digest(text.as_bytes()))
}

/// A string as Python's `json.dumps` writes it (ensure_ascii: non-ASCII as \uXXXX).
fn py_json_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Why the cache is not used for this request: one line for the user, naming the path and
/// the fix. The caller shows it as a warning and resolves credentials without the cache.
#[derive(Debug)]
pub struct Unusable(String);

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unusable {}

/// Test-only hook (never set it outside tests): milliseconds to pause after an entry's temp
/// file is written and synced and before it is renamed into place, so a test can kill the
/// writer in the middle of a write. Capped at `TEST_PAUSE_MAX`.
pub const TEST_PAUSE_ENV: &str = "CODECOMMIT_AUTH_TEST_PAUSE_BEFORE_RENAME";
const TEST_PAUSE_MAX: Duration = Duration::from_secs(30);

/// How old a temp file of an entry must be before a later write of that entry removes it as
/// left by a killed writer. A live writer holds its temp file for the time of one write and
/// fsync (milliseconds; at most [`TEST_PAUSE_MAX`] under the test hook), so this is far
/// beyond any live write. The age alone decides, not whether the pid in the name is alive: a
/// pid may have been reused, and a home directory shared over NFS or with a container holds
/// pids of other machines or namespaces. Should a writer that was stopped (SIGSTOP, a
/// suspended machine) for longer than this resume, its rename fails and that one write is
/// skipped with a warning; its credentials are still used.
const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);
/// The clean-up looks at no more than this many directory entries (a cache directory may be
/// huge or hostile); beyond it a leftover temp file may stay, as before.
const STALE_TEMP_SCAN_MAX: usize = 4096;

/// One cache entry: `<dir>/<key>.json`, guarded by `<dir>/<key>.lock`.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    dir: PathBuf,
    key: String,
}

/// An entry's lock, held until dropped, with the checked directory it was taken in. Reads
/// and the write after a refresh go through the same directory handle.
pub struct LockedEntry<'a> {
    entry: &'a CacheEntry,
    dir: DirHandle,
    /// `None` when the wait ran out: the caller proceeds unlocked rather than hang.
    lock: Option<File>,
}

impl LockedEntry<'_> {
    /// Whether the lock is held (false after [`LOCK_WAIT`] ran out).
    pub fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// As [`CacheEntry::read_fresh`], in the locked directory.
    pub fn read_fresh(
        &self,
        now: SystemTime,
        margin: Duration,
    ) -> Result<Option<Credentials>, Unusable> {
        self.entry.read_in(&self.dir, now, margin)
    }

    /// As [`CacheEntry::write`], in the locked directory.
    pub fn write(&self, creds: &Credentials) -> Result<(), Unusable> {
        self.entry.write_in(&self.dir, creds)
    }

    /// Removes the entry when it holds the session of `access_key_id`, fresh or not (git's
    /// `erase`: the server refused it). `Ok(true)` when it was removed.
    pub fn remove_if_key(&self, access_key_id: &str) -> Result<bool, Unusable> {
        let cached = self.entry.read_in(&self.dir, UNIX_EPOCH, Duration::ZERO)?;
        if cached.is_none_or(|c| c.access_key_id() != access_key_id) {
            return Ok(false);
        }
        match self.dir.remove(&self.entry.file_name()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.entry.unusable(
                &self.entry.path(),
                &format!("cannot remove the refused session: {e}"),
            )),
        }
    }
}

impl CacheEntry {
    pub fn new(dir: PathBuf, key: String) -> CacheEntry {
        CacheEntry { dir, key }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(self.file_name())
    }

    fn file_name(&self) -> String {
        format!("{}.json", self.key)
    }

    fn lock_name(&self) -> String {
        format!("{}.lock", self.key)
    }

    /// The cached credentials if present, well-formed, clean and not expiring within
    /// `margin`; `Ok(None)` for a miss. `Err` when the cache must not be used (see the
    /// module docs): then it must not be written either.
    pub fn read_fresh(
        &self,
        now: SystemTime,
        margin: Duration,
    ) -> Result<Option<Credentials>, Unusable> {
        match self.open_dir(false)? {
            Some(dir) => self.read_in(&dir, now, margin),
            None => Ok(None),
        }
    }

    /// Writes atomically: a 0600 temp file in the same directory, fsync, rename.
    pub fn write(&self, creds: &Credentials) -> Result<(), Unusable> {
        match self.open_dir(true)? {
            Some(dir) => self.write_in(&dir, creds),
            None => Ok(()),
        }
    }

    /// Drops the entry when it holds the session of `access_key_id` (see
    /// [`LockedEntry::remove_if_key`]), under the entry's lock so a refresh in flight is not
    /// undone. `Ok(false)` when there is no cache directory or another session is cached.
    pub async fn remove_if_key(
        &self,
        access_key_id: &str,
        wait: Duration,
    ) -> Result<bool, Unusable> {
        if self.open_dir(false)?.is_none() {
            return Ok(false);
        }
        let locked = self.lock(wait).await?;
        crate::trace::event(
            "cache",
            format_args!(
                "erase: {} {}",
                crate::trace::key_id(access_key_id),
                echo(&self.path().to_string_lossy())
            ),
        );
        locked.remove_if_key(access_key_id)
    }

    /// Takes the entry's lock, waiting at most `wait` (then proceeds unlocked, see
    /// [`LockedEntry::is_locked`]). Creates the directory when missing.
    pub async fn lock(&self, wait: Duration) -> Result<LockedEntry<'_>, Unusable> {
        let Some(dir) = self.open_dir(true)? else {
            return Err(self.unusable(&self.dir, "it does not exist"));
        };
        let name = self.lock_name();
        let path = self.dir.join(&name);
        let file = dir
            .open_lock(&name)
            .map_err(|e| self.unusable(&path, &describe_open_error(&path, &e)))?;
        self.check_file(&file, &path)?;
        let deadline = tokio::time::Instant::now() + wait;
        let timer = crate::trace::timer(
            "cache",
            format_args!("lock {}", echo(&path.to_string_lossy())),
        );
        let lock = loop {
            match file.try_lock() {
                Ok(()) => break Some(file),
                Err(std::fs::TryLockError::WouldBlock)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(LOCK_POLL).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => break None,
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(self.unusable(&path, &e.to_string()));
                }
            }
        };
        timer.finish(if lock.is_some() {
            "locked"
        } else {
            "wait ran out; continuing unlocked"
        });
        Ok(LockedEntry {
            entry: self,
            dir,
            lock,
        })
    }

    /// Opens and checks the cache directory. `Ok(None)`: it does not exist and `create` is
    /// false. A symlink is followed only to a directory that passes the check, and is never
    /// chmod-ed; a real directory we own is tightened to 0700 when writing.
    fn open_dir(&self, create: bool) -> Result<Option<DirHandle>, Unusable> {
        if create {
            platform::create_private_dir(&self.dir)
                .map_err(|e| self.unusable(&self.dir, &e.to_string()))?;
        }
        let is_link = match std::fs::symlink_metadata(&self.dir) {
            Ok(meta) => meta.file_type().is_symlink(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.unusable(&self.dir, &e.to_string())),
        };
        // Opened without following: if the path became a symlink since, ELOOP.
        let dir = DirHandle::open(&self.dir, is_link)
            .map_err(|e| self.unusable(&self.dir, &describe_open_error(&self.dir, &e)))?;
        let meta = dir
            .metadata()
            .map_err(|e| self.unusable(&self.dir, &e.to_string()))?;
        if let Err(reason) = platform::check_private(&meta) {
            let what = if is_link {
                format!("it is a symbolic link to a directory that is not private: {reason}")
            } else {
                reason
            };
            let fix = platform::private_fix(&meta, &shell_quote(&self.dir.to_string_lossy()));
            return Err(self.unusable(&self.dir, &format!("{what}; fix: {fix}")));
        }
        if create && !is_link {
            dir.make_private()
                .map_err(|e| self.unusable(&self.dir, &e.to_string()))?;
        }
        Ok(Some(dir))
    }

    fn read_in(
        &self,
        dir: &DirHandle,
        now: SystemTime,
        margin: Duration,
    ) -> Result<Option<Credentials>, Unusable> {
        let path = self.path();
        let file = match dir.open_file(&self.file_name()) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.trace("miss (no entry)", None);
                return Ok(None);
            }
            Err(e) => return Err(self.unusable(&path, &describe_open_error(&path, &e))),
        };
        self.check_file(&file, &path)?;
        // Too large or unreadable reads as corrupt: a miss, replaced by the next write.
        let Ok(bytes) = platform::read_to_limit(file, CREDENTIALS_MAX) else {
            self.trace("miss (unreadable)", None);
            return Ok(None);
        };
        let Some(creds) = parse_entry_bytes(&bytes) else {
            self.trace("miss (not a complete entry)", None);
            return Ok(None);
        };
        if creds.expires_within(now, margin) {
            self.trace("miss (expires within the refresh margin)", Some(&creds));
            return Ok(None);
        }
        self.trace("hit", Some(&creds));
        Ok(Some(creds))
    }

    /// One trace line about this entry: what happened, the key id (masked) and expiry.
    fn trace(&self, what: &str, creds: Option<&Credentials>) {
        if !crate::trace::enabled() {
            return;
        }
        let about = creds.map_or_else(String::new, |c| {
            format!(
                " {} expires {}",
                crate::trace::key_id(c.access_key_id()),
                c.expiry()
                    .map_or_else(|| "never".into(), crate::trace::time)
            )
        });
        crate::trace::event(
            "cache",
            format_args!("{what}{about} {}", echo(&self.path().to_string_lossy())),
        );
    }

    fn write_in(&self, dir: &DirHandle, creds: &Credentials) -> Result<(), Unusable> {
        let Some(expiry) = creds.expiry() else {
            return Ok(()); // only temporary credentials are cached
        };
        if !is_clean(creds) {
            return Err(self.unusable(&self.path(), "the credentials hold control characters"));
        }
        let body = json!({
            "Credentials": {
                "AccessKeyId": creds.access_key_id(),
                "SecretAccessKey": creds.secret_access_key().expose(),
                "SessionToken": creds.session_token().map(Secret::expose),
                "Expiration": format_time(expiry),
            }
        });
        let tmp = format!(".{}.{}.{}.tmp", self.key, std::process::id(), nanos());
        let result = write_new_file(dir, &tmp, body.to_string().as_bytes()).and_then(|()| {
            test_pause_before_rename();
            dir.rename(&tmp, &self.file_name())
        });
        if let Err(e) = result {
            let _ = dir.remove(&tmp);
            return Err(self.unusable(&self.path(), &format!("cannot write it: {e}")));
        }
        self.trace("write", Some(creds));
        self.remove_stale_temps(dir, SystemTime::now());
        Ok(())
    }

    /// Whether `name` is exactly the name of one of this entry's temp files,
    /// `.{key}.{pid}.{nanos}.tmp` as [`Self::write_in`] makes it (another key's temp file,
    /// whose key could share a prefix with ours, never is).
    fn is_temp_name(&self, name: &str) -> bool {
        let Some(middle) = name
            .strip_prefix('.')
            .and_then(|rest| rest.strip_prefix(self.key.as_str()))
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
        else {
            return false;
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        match middle.split_once('.') {
            Some((pid, nanos)) => {
                digits(pid)
                    && digits(nanos)
                    && pid.parse::<u32>().is_ok()
                    && nanos.parse::<u128>().is_ok()
            }
            None => false,
        }
    }

    /// Removes the temp files of this entry that writers killed between create and rename
    /// left behind (one per kill, never cleaned otherwise). Called after a successful write,
    /// so at most once per refresh, in the checked directory. Only what is ours by name
    /// ([`Self::is_temp_name`]), type (a regular file, not a symlink or directory, looked
    /// at without following or opening it) and owner, and older than [`STALE_TEMP_AGE`].
    /// Failures are ignored: the write itself succeeded.
    fn remove_stale_temps(&self, dir: &DirHandle, now: SystemTime) {
        let names = match dir.scan(STALE_TEMP_SCAN_MAX, |name| self.is_temp_name(name)) {
            Ok(names) => names,
            Err(e) => {
                crate::trace::event("cache", format_args!("temp file clean-up skipped: {e}"));
                return;
            }
        };
        for name in names {
            let stale = dir.entry_stat(&name).is_ok_and(|entry| {
                entry.is_file
                    && entry.owned_by_me
                    && entry
                        .modified
                        .and_then(|at| now.duration_since(at).ok())
                        .is_some_and(|age| age > STALE_TEMP_AGE)
            });
            if stale && dir.remove(&name).is_ok() {
                crate::trace::event(
                    "cache",
                    format_args!("removed a killed writer's temp file {}", echo(&name)),
                );
            }
        }
    }

    /// An entry or lock must be a regular file that passes [`platform::check_private`].
    fn check_file(&self, file: &File, path: &Path) -> Result<(), Unusable> {
        let meta = file
            .metadata()
            .map_err(|e| self.unusable(path, &e.to_string()))?;
        if let Err(e) = platform::check_regular(&meta) {
            let fix = format!("remove it: rm -r {}", shell_quote(&path.to_string_lossy()));
            return Err(self.unusable(path, &format!("{e}; fix: {fix}")));
        }
        if let Err(reason) = platform::check_private(&meta) {
            let fix = platform::private_fix(&meta, &shell_quote(&path.to_string_lossy()));
            return Err(self.unusable(path, &format!("{reason}; fix: {fix}")));
        }
        Ok(())
    }

    fn unusable(&self, path: &Path, reason: &str) -> Unusable {
        crate::trace::event("cache", format_args!("not used: {reason}"));
        Unusable(format!(
            "credential cache {} is not used ({reason}); continuing without it",
            echo(&path.to_string_lossy())
        ))
    }
}

/// Open errors in words a user can act on (O_NOFOLLOW's ELOOP reads "too many levels of
/// symbolic links"), with the fix.
fn describe_open_error(path: &Path, e: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let rm = |what: &str| {
        let quoted = shell_quote(&path.to_string_lossy());
        format!("it is {what}, refused ({e}); fix: remove it: rm -r {quoted}")
    };
    match e.kind() {
        _ if is_link => rm("a symbolic link"),
        std::io::ErrorKind::NotADirectory => rm("not a directory"),
        std::io::ErrorKind::IsADirectory => rm("a directory"),
        _ => e.to_string(),
    }
}

fn test_pause_before_rename() {
    let Some(ms) =
        crate::environment::var(TEST_PAUSE_ENV).and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return;
    };
    std::thread::sleep(Duration::from_millis(ms).min(TEST_PAUSE_MAX));
}

fn write_new_file(dir: &DirHandle, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = dir.create_new(name)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// No control character (C0, DEL, C1, so no line break) in the key id, secret or token: such
/// a value would break the Git credential reply and the signed username.
fn is_clean(creds: &Credentials) -> bool {
    let values = [
        Some(creds.access_key_id()),
        Some(creds.secret_access_key().expose()),
        creds.session_token().map(Secret::expose),
    ];
    values
        .into_iter()
        .flatten()
        .all(|v| !v.chars().any(char::is_control))
}

/// The credentials in the bytes of a cache file (any expiry); `None` for anything that is
/// not a complete, well-formed entry. Pure: what [`CacheEntry::read_fresh`] reads, for tests
/// and fuzzing.
pub fn parse_entry_bytes(bytes: &[u8]) -> Option<Credentials> {
    parse_entry(&serde_json::from_slice(bytes).ok()?)
}

fn parse_entry(doc: &Value) -> Option<Credentials> {
    let c = doc.get("Credentials")?;
    let text = |k: &str| c.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
    let expiry = SystemTime::from(OffsetDateTime::parse(text("Expiration")?, &Rfc3339).ok()?);
    // Only a date that is one in UTC too (0000 to 9999): "9999-12-31T23:59:59-23:59" would
    // make every later use of the expiry panic.
    crate::signature::utc_date_time(expiry)?;
    let creds = Credentials::new(
        text("AccessKeyId")?,
        text("SecretAccessKey")?,
        Some(Secret::new(text("SessionToken")?)),
        Some(expiry),
    )
    .with_source("cache (~/.aws/cli/cache)");
    is_clean(&creds).then_some(creds)
}

/// `2026-01-02T03:04:05Z`, which botocore and we both parse. An expiry past 9999 (from a
/// hostile source) is written as 1970: expired, so the entry is never used.
fn format_time(at: SystemTime) -> String {
    let t = crate::signature::utc_date_time(at)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_botocore() {
        // Computed with botocore 1.44 (AssumeRoleCredentialFetcher._create_cache_key and
        // SSOCredentialFetcher._create_cache_key).
        assert_eq!(
            role_key("arn:aws:iam::123456789012:role/r", None, None, None, None),
            hex_sha1(r#"{"RoleArn": "arn:aws:iam::123456789012:role/r"}"#)
        );
        assert_eq!(
            role_key("arn:r", Some("s"), Some("x"), Some("arn:mfa"), Some(900)),
            hex_sha1(
                r#"{"DurationSeconds": 900, "ExternalId": "x", "RoleArn": "arn:r", "RoleSessionName": "s", "SerialNumber": "arn:mfa"}"#
            )
        );
        assert_eq!(
            sso_key("111", "Dev", Some("corp"), None),
            hex_sha1(r#"{"accountId":"111","roleName":"Dev","sessionName":"corp"}"#)
        );
        assert_eq!(py_json_str("é\"\u{1F600}"), r#""\u00e9\"\ud83d\ude00""#);
    }

    #[test]
    fn entries_with_expiries_outside_0000_to_9999_are_misses() {
        let entry = |expiration: &str| {
            let doc = json!({"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s",
                "SessionToken": "t", "Expiration": expiration}});
            parse_entry_bytes(doc.to_string().as_bytes())
        };
        assert!(entry("9999-12-31T23:59:59Z").is_some());
        assert!(entry("2026-01-02T03:04:05+01:00").is_some());
        // Found by the cache_entry fuzz target: valid RFC 3339, out of range in UTC.
        assert!(entry("9999-12-31T23:59:59-23:59").is_none());
        assert!(entry("0000-01-01T00:00:00+23:59").is_none());
        assert!(parse_entry_bytes(b"{\"Credentials\": {").is_none());
    }

    use crate::platform::testing::{mkfifo, mode, set_mode, set_mtime_no_follow, symlink};
    use std::sync::mpsc;

    /// A fresh directory under the system temp dir (removed by the caller's `cleanup`).
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cca-{name}-{}-{}", std::process::id(), nanos()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn cleanup(dir: &Path) {
        let _ = set_mode(dir, 0o700);
        let _ = fs::remove_dir_all(dir);
    }

    fn creds_with(token: &str, expires_in: Duration) -> Credentials {
        Credentials::new(
            "ASIA1",
            "sec",
            Some(Secret::new(token)),
            Some(SystemTime::now() + expires_in),
        )
    }

    fn fresh() -> Credentials {
        creds_with("tok", Duration::from_secs(3600))
    }

    fn lock_now(entry: &CacheEntry) -> Result<bool, Unusable> {
        crate::runtime::block_on(async { entry.lock(Duration::ZERO).await.map(|l| l.is_locked()) })
            .expect("runtime")
    }

    /// Runs `f` on a thread; panics (instead of hanging the test run) when it does not return
    /// within a generous bound.
    fn returns_at_once<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(60))
            .expect("blocked on a special file")
    }

    use std::fs;

    #[test]
    fn write_read_round_trip_with_modes() {
        let dir = scratch("roundtrip");
        let entry = CacheEntry::new(dir.join("cache"), "k".into());
        let now = SystemTime::now();
        entry.write(&fresh()).unwrap();
        if let Ok(file_mode) = mode(&entry.path()) {
            assert_eq!(file_mode, 0o600);
            assert_eq!(mode(&dir.join("cache")).unwrap(), 0o700);
        }
        let read = entry
            .read_fresh(now, Duration::from_secs(600))
            .unwrap()
            .unwrap();
        assert_eq!(read.access_key_id(), "ASIA1");
        assert_eq!(read.session_token().unwrap().expose(), "tok");
        assert!(
            entry
                .read_fresh(now, Duration::from_secs(7200))
                .unwrap()
                .is_none(),
            "within margin"
        );
        fs::write(entry.path(), "{not json").unwrap();
        assert!(
            entry.read_fresh(now, Duration::ZERO).unwrap().is_none(),
            "corrupt reads as a miss"
        );
        cleanup(&dir);
    }

    #[test]
    fn expired_entries_are_never_used() {
        let dir = scratch("expired");
        let entry = CacheEntry::new(dir.clone(), "k".into());
        entry
            .write(&creds_with("tok", Duration::from_secs(60)))
            .unwrap();
        let later = SystemTime::now() + Duration::from_secs(3600);
        assert!(
            entry.read_fresh(later, Duration::ZERO).unwrap().is_none(),
            "expired"
        );
        let now = SystemTime::now();
        assert!(
            entry
                .read_fresh(now, Duration::from_secs(600))
                .unwrap()
                .is_none(),
            "within the refresh margin"
        );
        cleanup(&dir);
    }

    #[test]
    fn entries_with_control_characters_are_misses() {
        let dir = scratch("control");
        let entry = CacheEntry::new(dir.clone(), "k".into());
        let expiry = format_time(SystemTime::now() + Duration::from_secs(3600));
        for (akid, secret, token) in [
            ("ASIA1", "sec", "tok\nusername=evil"),
            ("ASIA1\r", "sec", "tok"),
            ("ASIA1", "s\u{1b}[2J", "tok"),
            ("ASIA1", "sec", "tok\u{85}"),
            ("ASIA1", "sec", "tok\u{7f}"),
        ] {
            let doc = json!({"Credentials": {"AccessKeyId": akid, "SecretAccessKey": secret,
                "SessionToken": token, "Expiration": expiry}});
            fs::write(entry.path(), doc.to_string()).unwrap();
            assert!(parse_entry_bytes(doc.to_string().as_bytes()).is_none());
            assert!(
                entry
                    .read_fresh(SystemTime::now(), Duration::ZERO)
                    .unwrap()
                    .is_none()
            );
        }
        // Nor are such credentials written.
        fs::remove_file(entry.path()).unwrap();
        assert!(
            entry
                .write(&creds_with("a\nb", Duration::from_secs(3600)))
                .is_err()
        );
        assert!(!entry.path().exists());
        cleanup(&dir);
    }

    #[test]
    fn planted_entry_in_a_world_writable_dir_is_not_used() {
        let dir = scratch("planted");
        let entry = CacheEntry::new(dir.clone(), "k".into());
        entry.write(&fresh()).unwrap();
        if set_mode(&dir, 0o777).is_err() {
            return cleanup(&dir); // no mode bits on this platform
        }
        let err = entry
            .read_fresh(SystemTime::now(), Duration::ZERO)
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("writable by group or others"), "{message}");
        assert!(
            message.contains(&format!("chmod 700 {}", dir.display())),
            "{message}"
        );
        assert!(!message.contains('\n'));
        // Not written either, and no lock taken in it; the directory is left as it is.
        let before = fs::read(entry.path()).unwrap();
        assert!(
            entry
                .write(&creds_with("other", Duration::from_secs(3600)))
                .is_err()
        );
        assert_eq!(fs::read(entry.path()).unwrap(), before);
        assert!(lock_now(&entry).is_err());
        assert!(!dir.join("k.lock").exists());
        assert_eq!(mode(&dir).unwrap(), 0o777);
        // Group-writable is refused too.
        set_mode(&dir, 0o770).unwrap();
        assert!(entry.read_fresh(SystemTime::now(), Duration::ZERO).is_err());
        cleanup(&dir);
    }

    #[test]
    fn group_writable_entry_is_not_used() {
        let dir = scratch("entrymode");
        let entry = CacheEntry::new(dir.clone(), "k".into());
        entry.write(&fresh()).unwrap();
        if set_mode(&entry.path(), 0o666).is_err() {
            return cleanup(&dir);
        }
        let message = entry
            .read_fresh(SystemTime::now(), Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(message.contains("chmod 600"), "{message}");
        cleanup(&dir);
    }

    #[test]
    fn umask_mode_dir_we_own_is_tightened_when_written() {
        let dir = scratch("umask");
        if set_mode(&dir, 0o755).is_err() {
            return cleanup(&dir);
        }
        let entry = CacheEntry::new(dir.clone(), "k".into());
        assert!(
            entry
                .read_fresh(SystemTime::now(), Duration::ZERO)
                .unwrap()
                .is_none()
        );
        assert_eq!(mode(&dir).unwrap(), 0o755, "reading changes nothing");
        entry.write(&fresh()).unwrap();
        assert_eq!(mode(&dir).unwrap(), 0o700);
        cleanup(&dir);
    }

    #[test]
    fn symlinked_dir_target_is_never_chmod_ed() {
        let root = scratch("linkdir");
        let target = root.join("target");
        fs::create_dir(&target).unwrap();
        let link = root.join("cache");
        if symlink(&target, &link).is_err() {
            return cleanup(&root);
        }
        let entry = CacheEntry::new(link.clone(), "k".into());
        // A private-enough target (0755, ours) is followed, and left at 0755.
        set_mode(&target, 0o755).unwrap();
        entry.write(&fresh()).unwrap();
        assert!(lock_now(&entry).unwrap());
        assert!(
            entry
                .read_fresh(SystemTime::now(), Duration::ZERO)
                .unwrap()
                .is_some()
        );
        assert_eq!(mode(&target).unwrap(), 0o755);
        // A world-writable target is refused, not "fixed".
        set_mode(&target, 0o777).unwrap();
        let message = entry
            .read_fresh(SystemTime::now(), Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(message.contains("symbolic link"), "{message}");
        assert!(entry.write(&fresh()).is_err());
        assert!(lock_now(&entry).is_err());
        assert_eq!(mode(&target).unwrap(), 0o777);
        cleanup(&target);
        cleanup(&root);
    }

    #[test]
    fn dangling_symlinks_create_nothing_outside() {
        let root = scratch("dangling");
        let cache = root.join("cache");
        fs::create_dir(&cache).unwrap();
        let outside = root.join("outside");
        let entry = CacheEntry::new(cache.clone(), "k".into());
        if symlink(&outside.join("planted.lock"), &cache.join("k.lock")).is_err() {
            return cleanup(&root);
        }
        fs::create_dir(&outside).unwrap();
        let message = lock_now(&entry).unwrap_err().to_string();
        assert!(message.contains("symbolic link"), "{message}");
        assert!(!outside.join("planted.lock").exists());
        // A dangling symlink as the cache directory: nothing is created at its target.
        let linked = root.join("linked-cache");
        symlink(&root.join("nowhere"), &linked).unwrap();
        let entry = CacheEntry::new(linked, "k".into());
        assert!(entry.write(&fresh()).is_err());
        assert!(lock_now(&entry).is_err());
        assert!(!root.join("nowhere").exists());
        // A symlinked entry is refused, and its target is never written through.
        fs::write(outside.join("victim"), "keep").unwrap();
        symlink(&outside.join("victim"), &cache.join("e.json")).unwrap();
        let entry = CacheEntry::new(cache.clone(), "e".into());
        assert!(entry.read_fresh(SystemTime::now(), Duration::ZERO).is_err());
        let _ = entry.write(&fresh());
        assert_eq!(fs::read_to_string(outside.join("victim")).unwrap(), "keep");
        cleanup(&root);
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        let entry = CacheEntry::new(PathBuf::from("unused"), "ab12".into());
        assert!(entry.is_temp_name(".ab12.4242.1764614400123456789.tmp"));
        for other in [
            "ab12.4242.1.tmp",         // no leading dot
            ".ab12.4242.1.tmp.bak",    // not ending in .tmp
            ".ab12.4242.tmp",          // no nanos
            ".ab12.4242.1.2.tmp",      // one part too many
            ".ab12.-1.1.tmp",          // not digits
            ".ab12.+1.1.tmp",          // parse would take it, we do not
            ".ab12..1.tmp",            // empty pid
            ".ab12.99999999999.1.tmp", // not a u32 pid
            ".ab123.4242.1.tmp",       // another key sharing a prefix
            ".ab1.2.4242.1.tmp",       // another key that is a prefix
            ".ab12.json",
            "ab12.json",
            "ab12.lock",
        ] {
            assert!(!entry.is_temp_name(other), "{other}");
        }
    }

    #[test]
    fn stale_temp_files_of_killed_writers_are_removed_by_the_next_write() {
        let dir = scratch("staletemp");
        let entry = CacheEntry::new(dir.clone(), "k".into());
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let plant = |name: &str, at: SystemTime| {
            let path = dir.join(name);
            fs::write(&path, "{\"Credentials\": {}}").unwrap();
            set_mtime_no_follow(&path, at).map(|()| path)
        };
        let Ok(stale) = plant(".k.4242.1764614400000000001.tmp", hour_ago) else {
            return cleanup(&dir); // no way to age a file on this platform
        };
        let stale_too = plant(".k.1.2.tmp", hour_ago).unwrap();
        let kept = [
            // A live writer's (fresh) temp file.
            plant(".k.4243.1764614400000000002.tmp", SystemTime::now()).unwrap(),
            // Another key's, old.
            plant(".k2.4244.1764614400000000003.tmp", hour_ago).unwrap(),
            // Almost our name, old.
            plant(".k.4245.1764614400000000004.tmp.keep", hour_ago).unwrap(),
            plant(".k.4246.x.tmp", hour_ago).unwrap(),
        ];
        // Named like ours and old, but a symlink (to an old file of ours) and a directory.
        let target = plant("target-of-link", hour_ago).unwrap();
        let link = dir.join(".k.4247.1764614400000000005.tmp");
        symlink(&target, &link).unwrap();
        set_mtime_no_follow(&link, hour_ago).unwrap();
        let subdir = dir.join(".k.4248.1764614400000000006.tmp");
        fs::create_dir(&subdir).unwrap();
        set_mtime_no_follow(&subdir, hour_ago).unwrap();

        entry.write(&fresh()).unwrap();
        assert!(
            !stale.exists() && !stale_too.exists(),
            "stale temp files left"
        );
        for path in kept.iter().chain([&target, &subdir]) {
            assert!(path.exists(), "{} was removed", path.display());
        }
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            entry
                .read_fresh(SystemTime::now(), Duration::ZERO)
                .unwrap()
                .is_some()
        );
        cleanup(&dir);
    }

    #[test]
    fn special_files_return_at_once() {
        let dir = scratch("fifo");
        let entry = CacheEntry::new(dir.clone(), "k".into());
        if mkfifo(&entry.path()).is_err() || mkfifo(&dir.join("k.lock")).is_err() {
            return cleanup(&dir);
        }
        let reader = entry.clone();
        let read = returns_at_once(move || reader.read_fresh(SystemTime::now(), Duration::ZERO));
        let message = read.unwrap_err().to_string();
        assert!(message.contains("FIFO"), "{message}");
        let locker = entry.clone();
        let message = returns_at_once(move || lock_now(&locker))
            .unwrap_err()
            .to_string();
        assert!(message.contains("FIFO"), "{message}");
        // A directory where the entry or lock belongs.
        let other = CacheEntry::new(dir.clone(), "d".into());
        fs::create_dir(other.path()).unwrap();
        fs::create_dir(dir.join("d.lock")).unwrap();
        assert!(other.read_fresh(SystemTime::now(), Duration::ZERO).is_err());
        assert!(lock_now(&other).is_err());
        cleanup(&dir);
    }
}
