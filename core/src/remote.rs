//! Parsing of the remote forms users and Git hand us.
//!
//! Accepted:
//! - `codecommit://[PROFILE@]REPO`
//! - `codecommit::REGION://[PROFILE@]REPO`, and `REGION://[PROFILE@]REPO` (what Git passes
//!   to the remote helper after stripping `codecommit::`)
//! - `https://HOST/v1/repos/REPO` for CodeCommit hosts (standard, FIPS, VPC endpoint, China,
//!   GovCloud); the region comes from the host.

use crate::endpoint::{self, Endpoint};
use crate::error::{Error, ErrorCode, Result};
use crate::redact;
use crate::region::is_region_shaped;

/// The accepted forms, shown in every parse error.
pub const ACCEPTED_FORMS: &str = "codecommit://[PROFILE@]REPO, codecommit::REGION://[PROFILE@]REPO \
     or https://git-codecommit.REGION.amazonaws.com/v1/repos/REPO";

const REPO_PATH_PREFIX: &str = "/v1/repos/";
const MAX_REPO_LEN: usize = 100;
const MAX_PROFILE_LEN: usize = 256;

/// A parsed remote: which repository, and whatever the remote says about where and as whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub repository: String,
    /// Region from `codecommit::REGION://` or from the host of an HTTPS URL.
    pub region: Option<String>,
    /// Profile from `PROFILE@REPO`.
    pub profile: Option<String>,
    /// Endpoint of an HTTPS URL; `None` for `codecommit://` forms (derived from the region).
    pub endpoint: Option<Endpoint>,
    /// The HTTPS URL names a FIPS endpoint.
    pub fips: bool,
}

impl Remote {
    /// `/v1/repos/REPO`, the path that is signed.
    pub fn path(&self) -> String {
        format!("{REPO_PATH_PREFIX}{}", self.repository)
    }

    /// Parses any accepted form. `trusted` is an explicitly configured endpoint (an override):
    /// an `http[s]://` URL on that exact host is accepted even though it is not an AWS host.
    pub fn parse(input: &str, trusted: Option<&Endpoint>) -> Result<Remote> {
        if is_http_url(input) {
            return parse_http_url(input, trusted, false);
        }
        let rest = input.strip_prefix("codecommit::").unwrap_or(input);
        let Some((scheme, target)) = rest.split_once("://") else {
            return Err(invalid(input, "it has no scheme"));
        };
        let region = match scheme {
            "codecommit" => None,
            s if is_region_shaped(s) => Some(s.to_owned()),
            _ => {
                return Err(invalid(
                    input,
                    "the scheme is neither codecommit nor a region",
                ));
            }
        };
        let (profile, repository) = match target.rsplit_once('@') {
            Some((profile, repo)) => (Some(validate_profile(input, profile)?), repo),
            None => (None, target),
        };
        Ok(Remote {
            repository: validate_repository(input, repository)?,
            region,
            profile,
            endpoint: None,
            fips: false,
        })
    }

    /// Parses an `http[s]://` URL on any host: only for `--ignore-host-check`.
    pub fn parse_any_host(input: &str) -> Result<Remote> {
        parse_http_url(input, None, true)
    }
}

/// True for `http://` and `https://` URLs (any case).
pub fn is_http_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn parse_http_url(input: &str, trusted: Option<&Endpoint>, any_host: bool) -> Result<Remote> {
    let (scheme, rest) = input.split_once("://").unwrap_or(("", input));
    let scheme = scheme.to_ascii_lowercase();
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    // Userinfo (e.g. an IAM Git user name) is dropped: it never decides the host.
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let info = endpoint::classify_host(host);
    // A backslash makes the authority ambiguous: WHATWG parsers (browsers, Node's URL) end
    // the host at it, so "https://evil.example\\@git-codecommit..." is evil.example to them.
    let ambiguous = authority.contains('\\');
    if ambiguous || (!any_host && !endpoint::is_allowed(&scheme, host, trusted)) {
        // Shown escaped and cut: the host may hold control characters or be huge.
        let shown = redact::echo_url(&format!("{scheme}://{host}"));
        let reason = if ambiguous {
            "the part before the host holds a backslash, which URL parsers read differently \
             (some take the host to end there); remove it"
        } else {
            "not an AWS CodeCommit HTTPS endpoint (expected \
             https://git-codecommit.REGION.amazonaws.com or a FIPS, VPC endpoint or China \
             variant; set CODE_COMMIT_ENDPOINT to use another endpoint)"
        };
        return Err(Error::new(
            ErrorCode::HostNotAllowed,
            format!("refusing to sign for {shown}: {reason}"),
        ));
    }
    let repository = path
        .strip_prefix(REPO_PATH_PREFIX)
        .map(|r| r.strip_suffix('/').unwrap_or(r))
        .ok_or_else(|| invalid(input, "the path is not /v1/repos/REPO"))?;
    Ok(Remote {
        repository: validate_repository(input, repository)?,
        region: info.as_ref().map(|i| i.region.clone()),
        profile: None,
        fips: info.as_ref().is_some_and(|i| i.fips),
        endpoint: Some(Endpoint {
            scheme,
            host: host.to_owned(),
        }),
    })
}

/// CodeCommit repository names: 1–100 of `A-Za-z0-9._-`, not `.`/`..`, not ending in `.git`.
pub fn validate_repository(input: &str, name: &str) -> Result<String> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"._-".contains(&b);
    let reason = if name.is_empty() {
        "the repository name is empty"
    } else if name.len() > MAX_REPO_LEN {
        "the repository name is longer than 100 characters"
    } else if !name.bytes().all(allowed) {
        "a repository name may contain only letters, digits, '.', '_' and '-'"
    } else if name == "." || name == ".." {
        "the repository name cannot be '.' or '..'"
    } else if name.ends_with(".git") {
        "CodeCommit repository names cannot end in .git; drop the suffix"
    } else {
        return Ok(name.to_owned());
    };
    Err(invalid(input, reason))
}

fn validate_profile(input: &str, profile: &str) -> Result<String> {
    if profile.is_empty() {
        return Err(invalid(input, "the profile before '@' is empty"));
    }
    if profile.len() > MAX_PROFILE_LEN || profile.chars().any(char::is_control) {
        return Err(invalid(
            input,
            "the profile name has control characters or is too long",
        ));
    }
    Ok(profile.to_owned())
}

fn invalid(input: &str, reason: &str) -> Error {
    // The input may be a signed URL (userinfo = key id, session token and signature).
    let shown = redact::echo_url(input);
    Error::new(
        ErrorCode::InvalidRemote,
        format!(
            "invalid CodeCommit remote \"{shown}\": {reason}. Accepted forms: {ACCEPTED_FORMS}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Remote> {
        Remote::parse(s, None)
    }

    #[test]
    fn official_forms() {
        let r = parse("codecommit://my-repo").unwrap();
        assert_eq!(
            (r.repository.as_str(), r.region, r.profile),
            ("my-repo", None, None)
        );
        let r = parse("codecommit://dev@my-repo").unwrap();
        assert_eq!(r.profile.as_deref(), Some("dev"));
        let r = parse("codecommit::eu-west-1://dev@my_repo.x").unwrap();
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert_eq!(r.repository, "my_repo.x");
        let r = parse("us-west-2://repo").unwrap();
        assert_eq!(
            (r.region.as_deref(), r.profile.as_deref()),
            (Some("us-west-2"), None)
        );
        assert_eq!(r.path(), "/v1/repos/repo");
    }

    #[test]
    fn profile_may_contain_at() {
        let r = parse("codecommit://me@corp.example@repo").unwrap();
        assert_eq!(r.profile.as_deref(), Some("me@corp.example"));
        assert_eq!(r.repository, "repo");
        let r = parse("codecommit://my profile@repo").unwrap();
        assert_eq!(r.profile.as_deref(), Some("my profile"));
    }

    #[test]
    fn https_urls() {
        let r = parse("https://git-codecommit.us-east-2.amazonaws.com/v1/repos/demo").unwrap();
        assert_eq!(
            (r.region.as_deref(), r.repository.as_str()),
            (Some("us-east-2"), "demo")
        );
        let r = parse(
            "https://user-at-123@git-codecommit-fips.us-gov-west-1.amazonaws.com/v1/repos/d/",
        )
        .unwrap();
        assert!(r.fips);
        assert_eq!(
            r.endpoint.unwrap().host,
            "git-codecommit-fips.us-gov-west-1.amazonaws.com"
        );
        let r = parse("https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/x").unwrap();
        assert_eq!(r.region.as_deref(), Some("cn-north-1"));
    }

    #[test]
    fn trusted_override_host() {
        let trusted = Endpoint::parse_override("http://127.0.0.1:8080").unwrap();
        let r = Remote::parse("http://127.0.0.1:8080/v1/repos/x", Some(&trusted)).unwrap();
        assert_eq!(r.region, None);
        assert!(Remote::parse("http://127.0.0.1:8081/v1/repos/x", Some(&trusted)).is_err());
        assert!(Remote::parse("https://127.0.0.1:8080/v1/repos/x", Some(&trusted)).is_err());
    }

    #[test]
    fn rejects_malformed() {
        let bad = [
            "",
            "boom",
            "codecommit:/x",
            "codecommit//x",
            "://x",
            "codecommit://",
            "codecommit:://x",
            "codecommit:///x",
            "github://x",
            "codecommit://@x",
            "codecommit://p@",
            "codecommit://../x",
            "codecommit://..",
            "codecommit://a/b",
            "codecommit://a%2e%2e",
            "codecommit://repo.git",
            "codecommit://a\nb",
            "codecommit::://x",
            "US-EAST-1://x",
        ];
        for input in bad {
            let err = parse(input).expect_err(input);
            assert_eq!(err.code(), ErrorCode::InvalidRemote, "{input}");
            assert!(err.message().contains("Accepted forms"), "{input}");
        }
        let long = format!("codecommit://{}", "a".repeat(101));
        assert!(parse(&long).is_err());
    }

    #[test]
    fn errors_never_echo_a_signed_url_secret() {
        let token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6Zk2b+Xq1v/tYq9Bz=";
        let signature = "3e0b7c8a9f1d2e4b5a6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345";
        let user = format!("ASIAEXAMPLEKEYID1234%25{}", crate::url_encode(token));
        let url = format!(
            "https://{user}:20260102T030405Z{signature}@git-codecommit.us-east-1.amazonaws.com/v1/repos/demo"
        );
        let at = url.find('@').unwrap();
        let mutations = [
            format!("{url}.git"),
            format!("{url}?x=1"),
            format!("{url}//"),
            format!("{url}#f"),
            format!("{url}/extra"),
            url.replace("/demo", "/"),
            url.replace("/demo", ""),
            url.replace("https://", "codecommit://"),
            url.replace("https://", "http://"),
            url.replace("https://", "eu-west-1://"),
            url.replace("https://", "codecommit::eu-west-1://"),
            url.replace("https://", "HtTpS://"),
            url.replace(".com/", ".com:444/"),
            url.replace(".com/", ".COM:99999/"),
            url.replace('@', "@@"),
            url.replace('@', "%40"),
            url.replace("://", "%3A%2F%2F"),
            url[..at].to_owned(),
            url[..at - 17].to_owned(),
            format!("{}\\{}", &url[..at], &url[at..]),
            format!("{url}\n\u{1b}"),
        ];
        for input in &mutations {
            let Err(err) = parse(input) else { continue };
            let message = err.message();
            for secret in [
                token,
                signature,
                &crate::url_encode(token),
                &signature[..24],
            ] {
                assert!(!message.contains(secret), "{input} -> {message}");
            }
        }
        let err = parse(&mutations[0]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidRemote);
        assert!(
            err.message()
                .contains("<redacted>@git-codecommit.us-east-1"),
            "{err}"
        );
        let err = Remote::parse(&"x".repeat(100_000), None).unwrap_err();
        assert!(err.message().len() <= crate::limits::ERROR_LINE_MAX);
    }

    #[test]
    fn rejects_foreign_hosts() {
        let bad = [
            "https://git-codecommit.us-east-1.amazonaws.com.evil.example/v1/repos/x",
            "https://evil.example/git-codecommit.us-east-1.amazonaws.com/v1/repos/x",
            "https://git-codecommit.us-east-1.amazonaws.com@evil.example/v1/repos/x",
            "http://git-codecommit.us-east-1.amazonaws.com/v1/repos/x",
            "https://github.com/v1/repos/x",
            "https://evil.example\\@git-codecommit.us-east-1.amazonaws.com/v1/repos/x",
            "https://git-codecommit.us-east-1.amazonaws.com:99999/v1/repos/x",
        ];
        for input in bad {
            assert_eq!(
                parse(input).unwrap_err().code(),
                ErrorCode::HostNotAllowed,
                "{input}"
            );
        }
        let err =
            parse("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/../x").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidRemote);
    }
}
