//! Region → CodeCommit host, and the strict allowlist of hosts we will sign for.
//!
//! The AWS CLI helper signs for any host that merely contains `amazonaws.com`; we accept
//! only the exact, anchored CodeCommit host shapes, with the DNS suffix that belongs to the
//! region's partition. Regions are validated by shape, not against a list, so a region
//! launched next year works without an update.

use crate::error::{Error, ErrorCode, Result};
use crate::redact;
use crate::region::is_region_shaped;

/// A host that passed the allowlist, and what it tells us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostInfo {
    pub region: String,
    pub fips: bool,
    pub vpc_endpoint: bool,
}

/// Where requests go: scheme plus `host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: String,
    /// The authority, signed exactly as given (port included), like the official helper.
    pub host: String,
}

impl Endpoint {
    pub fn for_region(region: &str, fips: bool) -> Result<Endpoint> {
        validate_region(region)?;
        let service = if fips {
            "git-codecommit-fips"
        } else {
            "git-codecommit"
        };
        Ok(Endpoint {
            scheme: "https".into(),
            host: format!("{service}.{region}.{}", dns_suffix(region)),
        })
    }

    /// Parses a `CODE_COMMIT_ENDPOINT`-style override: `host[:port]` (https, as the official
    /// helper does) or `http[s]://host[:port]` (our addition, for plain-HTTP local endpoints).
    pub fn parse_override(value: &str) -> Result<Endpoint> {
        let (scheme, host) = match value.trim().split_once("://") {
            Some((scheme, host)) => (scheme.to_ascii_lowercase(), host),
            None => ("https".to_owned(), value.trim()),
        };
        let host = host.strip_suffix('/').unwrap_or(host);
        let valid_host = strip_port(host).is_some_and(|name| !name.is_empty())
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:_".contains(&b));
        if !(scheme == "https" || scheme == "http") || !valid_host {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "endpoint override \"{}\" is not valid: use HOST[:PORT] or \
                     http[s]://HOST[:PORT] (for example 127.0.0.1:8443 or http://127.0.0.1:8080)",
                    // `user:password@host` must not be repeated back.
                    redact::echo_url(value)
                ),
            ));
        }
        Ok(Endpoint {
            scheme,
            host: host.to_owned(),
        })
    }
}

/// Whether we sign for `scheme://host`: an HTTPS CodeCommit host, or exactly the trusted
/// (explicitly configured) endpoint.
pub fn is_allowed(scheme: &str, host: &str, trusted: Option<&Endpoint>) -> bool {
    let is_trusted = trusted.is_some_and(|e| {
        e.scheme.eq_ignore_ascii_case(scheme) && e.host.eq_ignore_ascii_case(host)
    });
    is_trusted || (scheme.eq_ignore_ascii_case("https") && classify_host(host).is_some())
}

/// The DNS suffix of the region's partition.
pub fn dns_suffix(region: &str) -> &'static str {
    const SUFFIXES: [(&str, &str); 5] = [
        ("cn-", "amazonaws.com.cn"),
        ("us-isob-", "sc2s.sgov.gov"),
        ("us-isof-", "csp.hci.ic.gov"),
        ("us-iso-", "c2s.ic.gov"),
        ("eu-isoe-", "cloud.adc-e.uk"),
    ];
    SUFFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("amazonaws.com", |(_, suffix)| suffix)
}

/// Accepts anything shaped like an AWS region: `xx-name[-name...]-N`, lowercase.
pub fn validate_region(region: &str) -> Result<()> {
    if is_region_shaped(region) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidRegion,
            format!(
                "\"{}\" is not an AWS region name (expected something like us-east-1 or \
                 eu-west-2)",
                redact::echo(region)
            ),
        ))
    }
}

/// Classifies `host` (optionally with `:port`) against the CodeCommit host shapes.
/// Returns `None` for anything that is not exactly a CodeCommit endpoint.
pub fn classify_host(host: &str) -> Option<HostInfo> {
    let name = strip_port(host)?.to_ascii_lowercase();
    let (first, rest) = name.split_once('.')?;
    let (vpc_endpoint, service, rest) = if is_vpce_label(first) {
        let (service, rest) = rest.split_once('.')?;
        (true, service, rest)
    } else {
        (false, first, rest)
    };
    let fips = match service {
        "git-codecommit" => false,
        "git-codecommit-fips" => true,
        _ => return None,
    };
    let (region, suffix) = rest.split_once('.')?;
    let suffix = if vpc_endpoint {
        suffix.strip_prefix("vpce.")?
    } else {
        suffix
    };
    (is_region_shaped(region) && suffix == dns_suffix(region)).then(|| HostInfo {
        region: region.to_owned(),
        fips,
        vpc_endpoint,
    })
}

/// The host without a `:port` suffix; `None` when the port is not a number up to 65535.
pub fn strip_port(host: &str) -> Option<&str> {
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => (!port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok())
        .then_some(name),
        Some(_) => None,
        None => Some(host),
    }
}

/// `vpce-<id>` with up to two more `-<alnum>` parts (`-<suffix>`, `-<az>`).
fn is_vpce_label(label: &str) -> bool {
    let Some(rest) = label.strip_prefix("vpce-") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    (1..=6).contains(&parts.len())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_for_each_partition() {
        let host = |r, fips| Endpoint::for_region(r, fips).unwrap().host;
        assert_eq!(
            host("us-east-1", false),
            "git-codecommit.us-east-1.amazonaws.com"
        );
        assert_eq!(
            host("cn-north-1", false),
            "git-codecommit.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            host("us-gov-west-1", true),
            "git-codecommit-fips.us-gov-west-1.amazonaws.com"
        );
        assert_eq!(
            host("mx-central-9", false),
            "git-codecommit.mx-central-9.amazonaws.com"
        );
        assert!(Endpoint::for_region("US-EAST-1", false).is_err());
        assert!(Endpoint::for_region("useast1", false).is_err());
        assert!(Endpoint::for_region("us-east-", false).is_err());
        assert!(Endpoint::for_region("../x-1", false).is_err());
    }

    #[test]
    fn allowlist_accepts_codecommit_hosts() {
        let ok = [
            (
                "git-codecommit.us-east-1.amazonaws.com",
                "us-east-1",
                false,
                false,
            ),
            (
                "git-codecommit.us-east-1.amazonaws.com:443",
                "us-east-1",
                false,
                false,
            ),
            (
                "GIT-CODECOMMIT.EU-WEST-1.AMAZONAWS.COM",
                "eu-west-1",
                false,
                false,
            ),
            (
                "git-codecommit-fips.us-gov-west-1.amazonaws.com",
                "us-gov-west-1",
                true,
                false,
            ),
            (
                "git-codecommit.cn-north-1.amazonaws.com.cn",
                "cn-north-1",
                false,
                false,
            ),
            (
                "vpce-0b7d2939b1ec12345-ab1cdefg.git-codecommit.us-east-2.vpce.amazonaws.com",
                "us-east-2",
                false,
                true,
            ),
            (
                "vpce-0b7d2939b1ec12345-ab1cdefg-us-east-2a.git-codecommit-fips.us-east-2.vpce.amazonaws.com",
                "us-east-2",
                true,
                true,
            ),
        ];
        for (host, region, fips, vpc) in ok {
            let info = classify_host(host).unwrap_or_else(|| panic!("{host} rejected"));
            assert_eq!(
                info,
                HostInfo {
                    region: region.into(),
                    fips,
                    vpc_endpoint: vpc
                },
                "{host}"
            );
        }
    }

    #[test]
    fn allowlist_rejects_look_alikes() {
        let bad = [
            "",
            "amazonaws.com",
            "git-codecommit.us-east-1.amazonaws.com.evil.example",
            "evil.example",
            "git-codecommit.us-east-1.amazonaws.com.cn",
            "git-codecommit.cn-north-1.amazonaws.com",
            "xgit-codecommit.us-east-1.amazonaws.com",
            "git-codecommit.us-east-1.amazonaws.comx",
            "git-codecommit.us-east-1.evilamazonaws.com",
            "evil.git-codecommit.us-east-1.amazonaws.com",
            "git-codecommit.notaregion.amazonaws.com",
            "git-codecommit.us-east-1.amazonaws.com:",
            "git-codecommit.us-east-1.amazonaws.com:abc",
            "git-codecommit.us-east-1.amazonaws.com:443:443",
            "git-codecommit.us-east-1.amazonaws.com:99999",
            "user@git-codecommit.us-east-1.amazonaws.com",
            "git-codecommit.us-east-1.amazonaws.com/x",
            "git-codecommit.us-east-1.vpce.amazonaws.com",
            "vpce-1.git-codecommit.us-east-1.amazonaws.com",
            "vpce-.git-codecommit.us-east-1.vpce.amazonaws.com",
            "git-codecommit.us-east-1.amazonaws.com.",
            "git-codecommit..us-east-1.amazonaws.com",
        ];
        for host in bad {
            assert_eq!(classify_host(host), None, "{host} accepted");
        }
    }

    #[test]
    fn endpoint_override_forms() {
        let e = Endpoint::parse_override("127.0.0.1:8443").unwrap();
        assert_eq!(
            (e.scheme.as_str(), e.host.as_str()),
            ("https", "127.0.0.1:8443")
        );
        let e = Endpoint::parse_override("http://localhost:9000/").unwrap();
        assert_eq!(
            (e.scheme.as_str(), e.host.as_str()),
            ("http", "localhost:9000")
        );
        for bad in ["", "ftp://x", "a b", "http://", "x/y", "user@host"] {
            assert!(Endpoint::parse_override(bad).is_err(), "{bad}");
        }
        for secret_bearing in [
            "user:hunter2@host",
            "https://user:hunter2@host:8443",
            "http://hunter2@host",
        ] {
            let err = Endpoint::parse_override(secret_bearing).unwrap_err();
            assert!(!err.message().contains("hunter2"), "{err}");
            assert!(err.message().contains("host"), "{err}");
        }
        let err =
            Endpoint::parse_override(&format!("h\u{1b}[2J{}", "x".repeat(100_000))).unwrap_err();
        assert!(!err.message().contains('\u{1b}') && err.message().len() <= 1024);
        let err = validate_region(&"r".repeat(100_000)).unwrap_err();
        assert!(err.message().len() <= 400, "{}", err.message().len());
    }
}
