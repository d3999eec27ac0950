//! Git's credential-helper protocol: parse a request, format a reply.
//!
//! A request is `key=value` lines up to a blank line or EOF. Recent Git also sends
//! `capability[]=...` and `wwwauth[]=...`; unknown and repeated keys are tolerated
//! (for single-valued keys the last one wins, as in Git).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, ErrorCode, Result};
use crate::redact;

/// Most a request may hold; Git's requests are a few hundred bytes.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// The fields of a credential request that matter to us.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialRequest {
    pub protocol: Option<String>,
    pub host: Option<String>,
    /// Without a leading slash, and only with `credential.useHttpPath=true`.
    pub path: Option<String>,
    pub capabilities: Vec<String>,
}

impl CredentialRequest {
    /// Parses Git's request. Stops at the first blank line.
    pub fn parse(input: &[u8]) -> Result<CredentialRequest> {
        if input.len() > MAX_REQUEST_BYTES {
            return Err(bad("it is larger than 64 KiB"));
        }
        let text = std::str::from_utf8(input).map_err(|_| bad("it is not valid UTF-8"))?;
        let mut request = CredentialRequest::default();
        for raw in text.split('\n') {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.is_empty() {
                break;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(bad("a line has no '='"));
            };
            if value.contains('\0') {
                return Err(bad("a value contains a NUL byte"));
            }
            request.apply(key, value)?;
        }
        Ok(request)
    }

    fn apply(&mut self, key: &str, value: &str) -> Result<()> {
        let value = value.to_owned();
        match key {
            "protocol" => self.protocol = Some(value),
            "host" => self.host = Some(value),
            "path" => self.path = Some(value),
            "url" => self.apply_url(&value)?,
            "capability[]" => self.capabilities.push(value),
            _ => {}
        }
        Ok(())
    }

    /// `url=` carries protocol, host and path at once (Git accepts it in requests).
    fn apply_url(&mut self, url: &str) -> Result<()> {
        let (protocol, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("url= has no scheme"))?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        // WHATWG parsers end the host at a backslash, so `https://evil\@codecommit-host/`
        // names evil to them and the CodeCommit host to us: refuse (see SECURITY.md).
        if authority.contains('\\') {
            return Err(bad("the authority of url= holds a backslash"));
        }
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        self.protocol = Some(protocol.to_owned());
        self.host = Some(host.to_owned());
        self.path = (!path.is_empty()).then(|| path.to_owned());
        Ok(())
    }

    /// The URL Git is asking about, `protocol://host/path`.
    pub fn url(&self) -> Result<String> {
        let protocol = self.protocol.as_deref().unwrap_or("https");
        let host = self
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("it names no host"))?;
        // The URL must be an http(s) URL of exactly the host git asked about: no delimiter
        // may move the authority (host=h/v1/repos with path=x), and no other protocol may
        // turn it into a codecommit:// remote (protocol=codecommit, host=PROFILE@REPO).
        if !(protocol.eq_ignore_ascii_case("https") || protocol.eq_ignore_ascii_case("http")) {
            return Err(bad("protocol= is neither https nor http"));
        }
        if host.contains(['/', '?', '#', '@', '\\']) || host.contains(char::is_whitespace) {
            return Err(bad("host= is not a host name"));
        }
        let path = self
            .path
            .as_deref()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::MissingPath,
                    format!(
                        "git did not send the repository path for {host}, so the request cannot be \
                     signed. Run `git config --global credential.UseHttpPath true` (or set \
                     credential.https://{host}.UseHttpPath true)",
                        host = redact::echo(host)
                    ),
                )
            })?;
        Ok(format!(
            "{protocol}://{host}/{}",
            path.trim_start_matches('/')
        ))
    }
}

/// A credential-helper reply. Values are checked for line breaks and NUL so a hostile
/// credential source cannot inject extra keys into Git's input.
pub fn format_reply(username: &str, password: &str, expiry: Option<SystemTime>) -> Result<String> {
    for value in [username, password] {
        if value.contains(['\n', '\r', '\0']) {
            return Err(Error::new(
                ErrorCode::CredentialSource,
                "the credential source returned a key or token containing a line break or NUL; \
                 refusing to pass it to git",
            ));
        }
    }
    let mut reply = format!("username={username}\npassword={password}\n");
    if let Some(expiry) = expiry {
        let secs = expiry.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        reply.push_str(&format!("password_expiry_utc={secs}\n"));
    }
    Ok(reply)
}

fn bad(reason: &str) -> Error {
    Error::new(
        ErrorCode::InvalidCredentialRequest,
        format!(
            "invalid git credential request: {reason}. This program is meant to be run by git \
             as a credential helper (`git config credential.helper codecommit`)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn parses_modern_git_request() {
        let input = b"capability[]=authtype\r\ncapability[]=state\r\nprotocol=https\r\n\
host=git-codecommit.us-east-1.amazonaws.com\r\npath=v1/repos/x\r\nwwwauth[]=Basic realm=\"x\"\r\n\
unknown=1\r\nhost=git-codecommit.us-east-2.amazonaws.com\r\n\r\nhost=ignored\n";
        let r = CredentialRequest::parse(input).unwrap();
        assert_eq!(
            r.host.as_deref(),
            Some("git-codecommit.us-east-2.amazonaws.com")
        );
        assert_eq!(r.capabilities, ["authtype", "state"]);
        assert_eq!(
            r.url().unwrap(),
            "https://git-codecommit.us-east-2.amazonaws.com/v1/repos/x"
        );
    }

    #[test]
    fn url_key_and_missing_path() {
        let r = CredentialRequest::parse(b"url=https://u@h.example/v1/repos/r\n").unwrap();
        assert_eq!(r.url().unwrap(), "https://h.example/v1/repos/r");
        let r = CredentialRequest::parse(b"protocol=https\nhost=h\n").unwrap();
        let err = r.url().unwrap_err();
        assert_eq!(err.code(), ErrorCode::MissingPath);
        assert!(err.message().contains("UseHttpPath true"));
    }

    #[test]
    fn rejects_garbage() {
        for input in [
            &b"protocol\n"[..],
            b"\xff=1\n",
            b"host=a\0b\n",
            b"url=nope\n",
            b"url=https://evil.example\\@git-codecommit.us-east-1.amazonaws.com/v1/repos/x\n",
            b"url=https://git-codecommit.us-east-1.amazonaws.com\\@evil.example/v1/repos/x\n",
        ] {
            let err = CredentialRequest::parse(input).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidCredentialRequest);
        }
        // Delimiters in host= or protocol= would make url() name another authority.
        for input in [
            &b"protocol=https\nhost=h.example/v1/repos\npath=x\n"[..],
            b"protocol=https\nhost=evil.example@h.example\npath=v1/repos/x\n",
            b"protocol=https://evil.example/#\nhost=h.example\npath=v1/repos/x\n",
            b"protocol=https\nhost=h.example\\@evil\npath=v1/repos/x\n",
            b"url=codecommit://https/u@@repo\n",
        ] {
            let err = CredentialRequest::parse(input).unwrap().url().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidCredentialRequest);
        }
        let huge = vec![b'a'; MAX_REQUEST_BYTES + 1];
        assert!(CredentialRequest::parse(&huge).is_err());
        assert!(CredentialRequest::parse(b"").unwrap().url().is_err());
    }

    #[test]
    fn reply_format_and_injection_guard() {
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_900);
        assert_eq!(
            format_reply("AKID%tok", "pw", Some(at)).unwrap(),
            "username=AKID%tok\npassword=pw\npassword_expiry_utc=1700000900\n"
        );
        assert!(format_reply("AKID\nhost=evil", "pw", None).is_err());
        assert!(format_reply("AKID", "p\rw", None).is_err());
    }
}
