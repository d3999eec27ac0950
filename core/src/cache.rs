//! Cross-process cache of temporary credentials, shared both ways with the AWS CLI.
//!
//! Same directory (`~/.aws/cli/cache`), same file names (botocore's cache-key derivation)
//! and same JSON (`{"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken",
//! "Expiration"}}`), so a role session started by `aws` is reused by git and the other way
//! round. Writes are atomic (temp file + rename) with mode 0600 in a 0700 directory; a
//! corrupt or foreign file reads as a miss. A lock file per entry (flock, released by the
//! kernel when its holder dies) makes concurrent refreshes single-flight.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::{Credentials, Secret};

/// How long a process waits for another one's refresh before doing its own.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);
const LOCK_POLL: Duration = Duration::from_millis(25);

/// The AWS CLI's cache directory for the current user, `~/.aws/cli/cache`.
pub fn default_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| Path::new(&home).join(".aws").join("cli").join("cache"))
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

/// One cache entry: `<dir>/<key>.json`, guarded by `<dir>/<key>.lock`.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    dir: PathBuf,
    key: String,
}

impl CacheEntry {
    pub fn new(dir: PathBuf, key: String) -> CacheEntry {
        CacheEntry { dir, key }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.key))
    }

    /// The cached credentials if present, well-formed and not expiring within `margin`.
    pub fn read_fresh(&self, now: SystemTime, margin: Duration) -> Option<Credentials> {
        let creds = parse_entry_bytes(&fs::read(self.path()).ok()?)?;
        (!creds.expires_within(now, margin)).then_some(creds)
    }

    /// Writes atomically: a 0600 temp file in the same directory, fsync, rename.
    pub fn write(&self, creds: &Credentials) -> std::io::Result<()> {
        let Some(expiry) = creds.expiry() else {
            return Ok(()); // only temporary credentials are cached
        };
        self.ensure_dir()?;
        let body = json!({
            "Credentials": {
                "AccessKeyId": creds.access_key_id(),
                "SecretAccessKey": creds.secret_access_key().expose(),
                "SessionToken": creds.session_token().map(Secret::expose),
                "Expiration": format_time(expiry),
            }
        });
        let tmp = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            self.key,
            std::process::id(),
            nanos()
        ));
        let result = write_new_file(&tmp, body.to_string().as_bytes())
            .and_then(|()| fs::rename(&tmp, self.path()));
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Takes the entry's lock, waiting at most `wait`. `Ok(None)` when the wait ran out:
    /// the caller proceeds unlocked rather than hang behind a stuck process.
    pub async fn lock(&self, wait: Duration) -> std::io::Result<Option<File>> {
        self.ensure_dir()?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(self.dir.join(format!("{}.lock", self.key)))?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(LOCK_POLL).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
        }
    }

    fn ensure_dir(&self) -> std::io::Result<()> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        // Tighten a directory the AWS CLI created with the umask's mode.
        let mode = fs::metadata(&self.dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
}

fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
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
    crate::sign::utc_date_time(expiry)?;
    Some(
        Credentials::new(
            text("AccessKeyId")?,
            text("SecretAccessKey")?,
            Some(Secret::new(text("SessionToken")?)),
            Some(expiry),
        )
        .with_source("cache (~/.aws/cli/cache)"),
    )
}

/// `2026-01-02T03:04:05Z`, which botocore and we both parse. An expiry past 9999 (from a
/// hostile source) is written as 1970: expired, so the entry is never used.
fn format_time(at: SystemTime) -> String {
    let t = crate::sign::utc_date_time(at)
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

    #[test]
    fn write_read_round_trip_with_modes() {
        let dir = std::env::temp_dir().join(format!("cca-cache-test-{}", nanos()));
        let entry = CacheEntry::new(dir.join("cache"), "k".into());
        let now = SystemTime::now();
        let creds = Credentials::new(
            "ASIA1",
            "sec",
            Some(Secret::new("tok")),
            Some(now + Duration::from_secs(3600)),
        );
        entry.write(&creds).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&entry.path()), 0o600);
        assert_eq!(mode(&dir.join("cache")), 0o700);
        let read = entry.read_fresh(now, Duration::from_secs(600)).unwrap();
        assert_eq!(read.access_key_id(), "ASIA1");
        assert_eq!(read.session_token().unwrap().expose(), "tok");
        assert!(
            entry.read_fresh(now, Duration::from_secs(7200)).is_none(),
            "within margin"
        );
        fs::write(entry.path(), "{not json").unwrap();
        assert!(
            entry.read_fresh(now, Duration::ZERO).is_none(),
            "corrupt reads as a miss"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
