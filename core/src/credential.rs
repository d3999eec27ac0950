//! A signed CodeCommit Git credential ([`GitCredential`]) and the entry points that make
//! one from explicit keys: [`sign`] (checked arguments, what every binding exposes) and
//! [`sign_credentials`]. The signature itself is [`crate::signature`].

use std::fmt;
use std::time::SystemTime;

use crate::arguments;
use crate::credentials::{Credentials, Secret};
use crate::endpoint::{self, Endpoint};
use crate::error::{Error, ErrorCode, Result};
use crate::git_credential;
use crate::remote;
use crate::signature::{self, SIGNATURE_VALIDITY, SigningRequest};

/// The pure signing entry point every binding exposes: explicit keys, region, host
/// (signed as given, port included), repository path `/v1/repos/REPO`, and time.
pub fn sign(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: Option<&str>,
    region: &str,
    host: &str,
    path: &str,
    at: SystemTime,
) -> Result<GitCredential> {
    arguments::check_len("access key id", access_key_id, arguments::ACCESS_KEY_ID_MAX)?;
    arguments::check_len(
        "secret access key",
        secret_access_key,
        arguments::SECRET_ACCESS_KEY_MAX,
    )?;
    if let Some(token) = session_token {
        arguments::check_len("session token", token, arguments::SESSION_TOKEN_MAX)?;
    }
    arguments::check_len("host", host, arguments::HOST_MAX)?;
    arguments::check_region_len(region)?;
    endpoint::validate_region(region)?;
    let endpoint = Endpoint::parse_override(host)?;
    if access_key_id.is_empty() || secret_access_key.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "the access key id and the secret access key must not be empty",
        ));
    }
    let repository = path.strip_prefix("/v1/repos/").ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!("path {path:?} is not /v1/repos/REPO"),
        )
    })?;
    remote::validate_repository(path, repository)?;
    let creds = Credentials::new(
        access_key_id,
        secret_access_key,
        session_token.map(Secret::new),
        None,
    );
    Ok(sign_credentials(
        &creds,
        &endpoint,
        &endpoint.host,
        path,
        region,
        at,
    ))
}

/// Signs explicit credentials for one repository path. Pure apart from the key cache.
pub fn sign_credentials(
    creds: &Credentials,
    endpoint: &Endpoint,
    sign_host: &str,
    path: &str,
    region: &str,
    at: SystemTime,
) -> GitCredential {
    let request = SigningRequest {
        host: sign_host,
        path,
        region,
        at,
    };
    let password = signature::sign_password(creds.secret_access_key(), &request);
    let username = match creds.session_token() {
        Some(token) => Secret::new(format!("{}%{}", creds.access_key_id(), token.expose())),
        None => Secret::new(creds.access_key_id()),
    };
    let validity = at + SIGNATURE_VALIDITY;
    let expires_at = creds.expiry().map_or(validity, |e| e.min(validity));
    let url = Secret::new(format!(
        "{}://{}:{}@{}{}",
        endpoint.scheme,
        url_encode(username.expose()),
        password.expose(),
        endpoint.host,
        path
    ));
    GitCredential {
        access_key_id: creds.access_key_id().to_owned(),
        username,
        password,
        expires_at,
        url,
        scheme: endpoint.scheme.clone(),
        host: endpoint.host.clone(),
        path: path.to_owned(),
        region: region.to_owned(),
        profile: None,
        source: creds.source().to_owned(),
    }
}

/// Percent-encodes everything but `A-Za-z0-9_.-~`, like the official helper.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3 / 2);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A signed CodeCommit Git credential: what Git needs to authenticate.
#[derive(Clone)]
pub struct GitCredential {
    access_key_id: String,
    username: Secret,
    password: Secret,
    expires_at: SystemTime,
    url: Secret,
    scheme: String,
    host: String,
    path: String,
    region: String,
    profile: Option<String>,
    source: String,
}

impl GitCredential {
    /// The same credential, naming the profile it was resolved from.
    pub(crate) fn with_profile(mut self, profile: &str) -> Self {
        self.profile = Some(profile.to_owned());
        self
    }

    /// Access key id, plus `%SESSION_TOKEN` for temporary credentials (not URL-encoded).
    pub fn username(&self) -> &Secret {
        &self.username
    }

    pub fn password(&self) -> &Secret {
        &self.password
    }

    /// The earlier of the signature's validity and the credentials' own expiry.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// `https://USERNAME:PASSWORD@HOST/v1/repos/REPO`, as the official remote helper makes it.
    pub fn url(&self) -> &Secret {
        &self.url
    }

    /// The URL without credentials.
    pub fn plain_url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host, self.path)
    }

    /// `https`, or `http` for a plain-HTTP endpoint override.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The git credential-helper reply, with `password_expiry_utc`.
    pub fn git_reply(&self) -> Result<String> {
        git_credential::format_reply(
            self.username.expose(),
            self.password.expose(),
            Some(self.expires_at),
        )
    }
}

impl fmt::Debug for GitCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitCredential")
            .field("access_key_id", &self.access_key_id)
            .field("password", &self.password)
            .field("expires_at", &self.expires_at)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn url_encoding_matches_official_safe_set() {
        assert_eq!(url_encode("AKID%ab+/=~_.-Z9"), "AKID%25ab%2B%2F%3D~_.-Z9");
        assert_eq!(url_encode("é"), "%C3%A9");
    }

    #[test]
    fn expiry_is_the_earlier_limit() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let endpoint = Endpoint::for_region("us-east-1", false).unwrap();
        let soon = at + Duration::from_secs(60);
        let temp = Credentials::new("ASIA", "s", Some(Secret::new("tok")), Some(soon));
        let c = sign_credentials(
            &temp,
            &endpoint,
            &endpoint.host,
            "/v1/repos/r",
            "us-east-1",
            at,
        );
        assert_eq!(c.expires_at(), soon);
        assert_eq!(c.username().expose(), "ASIA%tok");
        assert!(c.url().expose().starts_with("https://ASIA%25tok:"));
        let fixed = Credentials::new("AKIA", "s", None, None);
        let c = sign_credentials(
            &fixed,
            &endpoint,
            &endpoint.host,
            "/v1/repos/r",
            "us-east-1",
            at,
        );
        assert_eq!(c.expires_at(), at + SIGNATURE_VALIDITY);
        let shown = format!("{c:?}");
        assert!(!shown.contains(&c.password().expose()[16..]));
    }
}
