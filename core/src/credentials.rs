//! AWS credentials and the secret-holding string type.
//!
//! Every secret (secret access key, session token, signed password, username with a token)
//! lives in [`Secret`]: its `Debug`/`Display` print a placeholder and its memory is wiped on
//! drop, so a stray `{:?}` in a log line or an error cannot leak it.

use std::fmt;
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::redact::echo;

/// A string that never prints itself and is zeroized when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret value. Call sites are the only places a secret leaves this type.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// AWS credentials: static keys or a temporary session with an expiry.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Option<Secret>,
    expiry: Option<SystemTime>,
    source: String,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        session_token: Option<Secret>,
        expiry: Option<SystemTime>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.filter(|t| !t.expose().is_empty()),
            expiry,
            source: String::from("explicit"),
        }
    }

    /// Records where the credentials came from (shown by `doctor`, never secret).
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &Secret {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&Secret> {
        self.session_token.as_ref()
    }

    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the credentials expire within `margin` of `now` (or already have).
    pub fn expires_within(&self, now: SystemTime, margin: Duration) -> bool {
        match self.expiry {
            Some(expiry) => expiry <= now + margin,
            None => false,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expiry", &self.expiry)
            .field("source", &self.source)
            .finish()
    }
}

/// The one check every credentials result passes before it is cached or used to sign: no
/// control character or line break in the key id, secret or token (they would corrupt the
/// cache file, a header or Git's credential protocol), and not already expired. `profile` and
/// `source` name where they came from; the error never shows a value.
pub(crate) fn validate(
    creds: Credentials,
    profile: &str,
    source: &str,
    now: SystemTime,
) -> Result<Credentials> {
    let fields = [
        ("access key id", Some(creds.access_key_id())),
        (
            "secret access key",
            Some(creds.secret_access_key().expose()),
        ),
        ("session token", creds.session_token().map(Secret::expose)),
    ];
    let problem = if creds.access_key_id().is_empty() || creds.secret_access_key.expose().is_empty()
    {
        Some("an empty access key id or secret access key".to_owned())
    } else if let Some((name, _)) = fields
        .iter()
        .find(|(_, v)| v.is_some_and(|v| v.chars().any(char::is_control)))
    {
        Some(format!(
            "a {name} containing control characters or line breaks"
        ))
    } else if creds.expiry.is_some_and(|e| e <= now) {
        Some("credentials that have already expired".to_owned())
    } else {
        None
    };
    match problem {
        None => Ok(creds),
        Some(problem) => Err(Error::new(
            ErrorCode::CredentialSource,
            format!(
                "the credential source of profile \"{}\" ({}) returned {problem}; they were \
                 not used or cached. Fix the credential source",
                echo(profile),
                echo(source)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! validation_cases {
        ($($name:ident: ($akid:expr, $secret:expr, $token:expr, $expiry:expr) => $ok:expr;)*) => {$(
            #[test]
            fn $name() {
                let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
                let expiry: Option<i64> = $expiry;
                let expiry = expiry.map(|d| {
                    if d >= 0 { now + Duration::from_secs(d as u64) }
                    else { now - Duration::from_secs(d.unsigned_abs()) }
                });
                let token: Option<&str> = $token;
                let creds = Credentials::new($akid, $secret, token.map(Secret::new), expiry);
                let result = validate(creds, "dev", "credential_process", now);
                assert_eq!(result.is_ok(), $ok, "{:?}", result.as_ref().err());
                if let Err(e) = result {
                    assert_eq!(e.code(), ErrorCode::CredentialSource);
                    assert!(e.message().contains("\"dev\""), "{}", e.message());
                    assert!(!e.message().contains("SECRETVALUE"), "{}", e.message());
                }
            }
        )*};
    }

    validation_cases! {
        plain_keys: ("AKIDEXAMPLE", "SECRETVALUE", None, None) => true;
        with_token_and_future_expiry: ("ASIA1", "SECRETVALUE", Some("tok/+="), Some(3600)) => true;
        newline_in_token: ("ASIA1", "SECRETVALUE", Some("tok\nSECRETVALUE"), Some(3600)) => false;
        carriage_return_in_secret: ("AKID", "SECRETVALUE\r", None, None) => false;
        nul_in_key_id: ("AK\0ID", "SECRETVALUE", None, None) => false;
        escape_in_key_id: ("AK\u{1b}[31mID", "SECRETVALUE", None, None) => false;
        del_in_token: ("ASIA1", "SECRETVALUE", Some("t\u{7f}"), Some(60)) => false;
        c1_in_secret: ("AKID", "SECRET\u{85}VALUE", None, None) => false;
        tab_in_secret: ("AKID", "SECRET\tVALUE", None, None) => false;
        expired: ("ASIA1", "SECRETVALUE", Some("tok"), Some(-1)) => false;
        expires_now: ("ASIA1", "SECRETVALUE", Some("tok"), Some(0)) => false;
        expired_long_ago: ("ASIA1", "SECRETVALUE", None, Some(-86_400)) => false;
        empty_key_id: ("", "SECRETVALUE", None, None) => false;
        empty_secret: ("AKID", "", None, None) => false;
        unicode_is_fine: ("AKID", "SECRETVALUE-é", None, None) => true;
    }

    #[test]
    fn debug_never_shows_secrets() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some(Secret::new("TOKEN/with+chars=")),
            None,
        );
        let shown = format!(
            "{creds:?} {} {:?}",
            creds.secret_access_key(),
            creds.session_token()
        );
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains("wJalrXUtnFEMI"));
        assert!(!shown.contains("TOKEN/with"));
    }

    #[test]
    fn empty_token_means_no_token() {
        let creds = Credentials::new("AKID", "secret", Some(Secret::new("")), None);
        assert!(creds.session_token().is_none());
    }

    #[test]
    fn expiry_margin() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let creds = Credentials::new("A", "s", None, Some(now + Duration::from_secs(300)));
        assert!(creds.expires_within(now, Duration::from_secs(600)));
        assert!(!creds.expires_within(now, Duration::from_secs(60)));
        let forever = Credentials::new("A", "s", None, None);
        assert!(!forever.expires_within(now, Duration::from_secs(1 << 30)));
    }
}
