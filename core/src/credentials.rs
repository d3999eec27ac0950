//! AWS credentials and the secret-holding string type.
//!
//! Every secret (secret access key, session token, signed password, username with a token)
//! lives in [`Secret`]: its `Debug`/`Display` print a placeholder and its memory is wiped on
//! drop, so a stray `{:?}` in a log line or an error cannot leak it.

use std::fmt;
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

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

#[cfg(test)]
mod tests {
    use super::*;

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
