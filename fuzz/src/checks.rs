//! What the fuzz targets check, one function per target. Each takes arbitrary bytes and
//! panics only when a property is broken; "no panic" in the parsers is the first property.
//!
//! Shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`, long runs with cargo-fuzz) and
//! by `core/tests/fuzz_corpus.rs`, which replays the committed corpus (`fuzz/corpus/TARGET/`)
//! on stable Rust in every `cargo test`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use codecommit_auth::cache::parse_entry_bytes;
use codecommit_auth::endpoint::{self, Endpoint, classify_host, is_allowed, strip_port};
use codecommit_auth::remote::validate_repository;
use codecommit_auth::{CredentialRequest, Error, ErrorCode, Remote, sign_credentials, url_encode};

/// The endpoint override the targets trust, as `CODE_COMMIT_ENDPOINT=http://127.0.0.1:8080`.
const TRUSTED: &str = "http://127.0.0.1:8080";

fn trusted() -> Endpoint {
    Endpoint::parse_override(TRUSTED).expect("the trusted override parses")
}

/// Errors are one line (no injected lines in git's or a log's output) and say what to do.
fn check_error(error: &Error) {
    assert!(
        !error.message().contains(['\n', '\r', '\0']),
        "error message is not one clean line: {error:?}"
    );
    assert!(!error.message().is_empty());
}

/// A URL built from `scheme://host` reaches exactly that host, by a WHATWG parser too.
fn check_url_host(scheme: &str, host: &str) {
    let name = strip_port(host).expect("an accepted host has a valid port");
    let url = format!("{scheme}://{host}/v1/repos/r");
    let parsed = url::Url::parse(&url).unwrap_or_else(|e| panic!("{url:?} is not a URL: {e}"));
    assert_eq!(
        parsed.host_str(),
        Some(name.to_ascii_lowercase().as_str()),
        "{url:?}"
    );
    if let Some((_, port)) = host.rsplit_once(':') {
        let port: u16 = port.parse().expect("port in range");
        assert_eq!(parsed.port_or_known_default(), Some(port), "{url:?}");
    }
}

/// `codecommit_auth::Remote::parse` (all forms), with and without a trusted override.
pub fn remote(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = trusted();
    for trust in [None, Some(&trusted)] {
        match Remote::parse(input, trust) {
            Ok(remote) => check_remote(input, &remote, trust),
            Err(error) => {
                check_error(&error);
                assert!(
                    matches!(
                        error.code(),
                        ErrorCode::InvalidRemote | ErrorCode::HostNotAllowed
                    ),
                    "{error:?}"
                );
            }
        }
    }
    match Remote::parse_any_host(input) {
        Ok(remote) => check_repository(&remote),
        Err(error) => check_error(&error),
    }
}

fn check_repository(remote: &Remote) {
    let repo = &remote.repository;
    assert!(validate_repository("", repo).is_ok(), "{repo:?}");
    assert!(
        repo.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    );
    assert!(repo != "." && repo != ".." && !repo.is_empty() && repo.len() <= 100);
    assert_eq!(remote.path(), format!("/v1/repos/{repo}"));
}

fn check_remote(input: &str, remote: &Remote, trust: Option<&Endpoint>) {
    check_repository(remote);
    if let Some(profile) = &remote.profile {
        assert!(!profile.is_empty() && !profile.chars().any(char::is_control));
    }
    if let Some(region) = &remote.region {
        endpoint::validate_region(region).expect("a parsed region is region-shaped");
        let host = Endpoint::for_region(region, remote.fips).expect("host for region");
        assert_eq!(
            classify_host(&host.host).map(|i| i.region),
            Some(region.clone())
        );
    }
    let Some(endpoint) = &remote.endpoint else {
        assert!(!remote.fips);
        // codecommit:// forms round-trip through their canonical spelling.
        let scheme = remote.region.as_deref().unwrap_or("codecommit");
        let profile = remote.profile.as_deref().map(|p| format!("{p}@"));
        let again = format!(
            "codecommit::{scheme}://{}{}",
            profile.unwrap_or_default(),
            remote.repository
        );
        assert_eq!(
            Remote::parse(&again, trust).as_ref(),
            Ok(remote),
            "{again:?}"
        );
        return;
    };
    // The one property that matters most: we sign only for allowed hosts.
    assert!(
        is_allowed(&endpoint.scheme, &endpoint.host, trust),
        "{input:?} parsed to a host that is not allowed: {endpoint:?}"
    );
    let is_trusted = trust.is_some_and(|t| {
        t.scheme.eq_ignore_ascii_case(&endpoint.scheme)
            && t.host.eq_ignore_ascii_case(&endpoint.host)
    });
    if !is_trusted {
        let info = classify_host(&endpoint.host).expect("an AWS host");
        assert_eq!(endpoint.scheme, "https");
        assert_eq!(remote.region.as_deref(), Some(info.region.as_str()));
        assert_eq!(remote.fips, info.fips);
    }
    check_url_host(&endpoint.scheme, &endpoint.host);
    // The signed URL carries the username so that any URL parser gives it back unchanged.
    let username = format!("AKIA{input}%tok/+=");
    let signed = format!(
        "{}://{}:pw@{}{}",
        endpoint.scheme,
        url_encode(&username),
        endpoint.host,
        remote.path()
    );
    let parsed = url::Url::parse(&signed).expect("signed URL parses");
    assert_eq!(
        parsed.host_str().map(str::to_owned),
        strip_port(&endpoint.host).map(str::to_ascii_lowercase)
    );
    assert_eq!(percent_decode(parsed.username()), username.as_bytes());
}

/// Git's percent-decoding of the user part (`%XX` -> byte, anything else as is).
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A request as git writes it (CRLF line ends so values ending in CR survive).
pub fn format_request(request: &CredentialRequest) -> String {
    let mut out = String::new();
    for value in &request.capabilities {
        out.push_str(&format!("capability[]={value}\r\n"));
    }
    for (key, value) in [
        ("protocol", &request.protocol),
        ("host", &request.host),
        ("path", &request.path),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key}={value}\r\n"));
        }
    }
    out.push_str("\r\n");
    out
}

/// `CredentialRequest::parse` + `url()`: round trip, and the URL we would sign names exactly
/// the host git asked about.
pub fn credential_request(data: &[u8]) {
    let request = match CredentialRequest::parse(data) {
        Ok(request) => request,
        Err(error) => {
            check_error(&error);
            assert_eq!(error.code(), ErrorCode::InvalidCredentialRequest);
            return;
        }
    };
    let text = format_request(&request);
    let again = CredentialRequest::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("re-parse of {text:?} failed: {e:?}"));
    if text.len() <= codecommit_auth::git_credential::MAX_REQUEST_BYTES {
        assert_eq!(again, request, "round trip through {text:?}");
    }
    let url = match request.url() {
        Ok(url) => url,
        Err(error) => {
            check_error(&error);
            assert!(matches!(
                error.code(),
                ErrorCode::InvalidCredentialRequest | ErrorCode::MissingPath
            ));
            return;
        }
    };
    let protocol = request.protocol.as_deref().unwrap_or("https");
    let host = request.host.as_deref().unwrap_or_default();
    let trusted = trusted();
    for trust in [None, Some(&trusted)] {
        match Remote::parse(&url, trust) {
            Ok(remote) => {
                let endpoint = remote.endpoint.expect("an http(s) URL has an endpoint");
                assert!(
                    is_allowed(protocol, host, trust),
                    "would sign {url:?} for {protocol}://{host}, which is not allowed"
                );
                assert!(
                    endpoint.host.eq_ignore_ascii_case(host),
                    "asked about {host:?}, would sign for {:?}",
                    endpoint.host
                );
                assert!(endpoint.scheme.eq_ignore_ascii_case(protocol));
            }
            Err(error) => check_error(&error),
        }
    }
}

/// `classify_host` and `is_allowed`: exactly the CodeCommit host shapes, anchored.
pub fn host(data: &[u8]) {
    let Ok(host) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = trusted();
    let info = classify_host(host);
    assert_eq!(is_allowed("https", host, None), info.is_some());
    assert_eq!(is_allowed("HTTPS", host, None), info.is_some());
    assert!(!is_allowed("http", host, None), "plain HTTP to {host:?}");
    if is_allowed("http", host, Some(&trusted)) {
        assert!(host.eq_ignore_ascii_case("127.0.0.1:8080"));
    }
    if let Some(info) = info {
        let name = strip_port(host).expect("port").to_ascii_lowercase();
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b)),
            "{host:?}"
        );
        let service = if info.fips {
            "git-codecommit-fips"
        } else {
            "git-codecommit"
        };
        let suffix = endpoint::dns_suffix(&info.region);
        if info.vpc_endpoint {
            let tail = format!(".{service}.{}.vpce.{suffix}", info.region);
            let label = name
                .strip_suffix(&tail)
                .unwrap_or_else(|| panic!("{host:?}"));
            assert!(
                label.starts_with("vpce-") && !label.contains('.'),
                "{host:?}"
            );
        } else {
            let expected = Endpoint::for_region(&info.region, info.fips).expect("region");
            assert_eq!(name, expected.host);
        }
        check_url_host("https", host);
    }
    match Endpoint::parse_override(host) {
        Ok(e) => {
            assert!(e.scheme == "https" || e.scheme == "http");
            assert!(
                e.host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:_".contains(&b))
            );
        }
        Err(error) => check_error(&error),
    }
}

/// The cache-file reader (`~/.aws/cli/cache/*.json`, writable by the user and by the AWS
/// CLI): whatever it accepts can be used downstream without a panic or a leak.
pub fn cache_entry(data: &[u8]) {
    let Some(creds) = parse_entry_bytes(data) else {
        return;
    };
    let secret = creds.secret_access_key().expose().to_owned();
    let token = creds
        .session_token()
        .expect("cache entries hold a session token")
        .expose()
        .to_owned();
    assert!(!creds.access_key_id().is_empty() && !secret.is_empty() && !token.is_empty());
    let expiry = creds.expiry().expect("cache entries expire");
    // What `doctor` and the bindings do with an expiry: format it as a date.
    let shown = time::OffsetDateTime::from(expiry);
    assert!((0..=9999).contains(&shown.year()));
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let _ = creds.expires_within(at, Duration::from_secs(600));
    let _ = creds.expires_within(SystemTime::now(), Duration::from_secs(43_200));
    let debug = format!("{creds:?}");
    for s in [&secret, &token] {
        if s.len() >= 12 && !creds.access_key_id().contains(s.as_str()) {
            assert!(!debug.contains(s.as_str()), "Debug shows a secret");
        }
    }
    let endpoint = Endpoint::for_region("us-east-1", false).expect("region");
    let signed = sign_credentials(
        &creds,
        &endpoint,
        &endpoint.host,
        "/v1/repos/r",
        "us-east-1",
        at,
    );
    assert!(signed.expires_at() <= expiry);
    let _ = time::OffsetDateTime::from(signed.expires_at());
    match signed.git_reply() {
        Ok(reply) => {
            let lines: Vec<&str> = reply.lines().collect();
            assert_eq!(lines.len(), 3, "reply injects lines: {reply:?}");
            assert!(lines[0].starts_with("username=") && lines[1].starts_with("password="));
            assert!(lines[2].starts_with("password_expiry_utc="));
            assert_eq!(
                lines[0],
                format!("username={}%{token}", creds.access_key_id())
            );
        }
        Err(error) => {
            check_error(&error);
            assert_eq!(error.code(), ErrorCode::CredentialSource);
            let all = format!("{}{token}", creds.access_key_id());
            assert!(all.contains(['\n', '\r', '\0']));
        }
    }
}
