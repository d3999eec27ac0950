//! Property tests (proptest): git credential requests round-trip, usernames survive URL
//! encoding and git's percent-decoding byte for byte, signatures are deterministic and equal
//! an independent SigV4 reference, and the allowlist accepts exactly the hosts it builds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use codecommit_auth::endpoint::{Endpoint, classify_host};
use codecommit_auth::git_credential::format_reply;
use codecommit_auth::{
    CredentialRequest, Credentials, Remote, Secret, sign, sign_credentials, url_encode,
};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// A value git can carry on one line: anything but LF and NUL.
fn line_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        any::<char>().prop_filter("no LF/NUL", |c| !matches!(c, '\n' | '\0')),
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// How git writes a request (`credential_write_item`): `key=value` + LF (or CRLF).
fn git_format(request: &CredentialRequest, crlf: bool) -> String {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for value in &request.capabilities {
        out.push_str(&format!("capability[]={value}{eol}"));
    }
    for (key, value) in [
        ("protocol", &request.protocol),
        ("host", &request.host),
        ("path", &request.path),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key}={value}{eol}"));
        }
    }
    out.push_str("wwwauth[]=Basic realm=\"x\"");
    out.push_str(eol);
    out.push_str(eol);
    out
}

/// How git reads a helper's reply (`credential_read`): lines up to LF, a trailing CR
/// dropped, split at the first '='.
fn git_read(reply: &str) -> Vec<(String, String)> {
    reply
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').expect("key=value");
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// git's `url_decode` of the user part: `%XX` -> byte, everything else as is.
fn git_percent_decode(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = |x: Option<&u8>| x.and_then(|&c| (c as char).to_digit(16));
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The password from shared/DESIGN.md "Protocol facts", with plain HMAC and no cache.
fn reference_password(
    secret: &str,
    region: &str,
    host: &str,
    path: &str,
    at: SystemTime,
) -> String {
    let t = time::OffsetDateTime::from(at);
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let canonical = format!("GIT\n{path}\n\nhost:{host}\n\nhost\n");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{stamp}\n{}/{region}/codecommit/aws4_request\n{}",
        &stamp[..8],
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), &stamp[..8]);
    for part in [region, "codecommit", "aws4_request"] {
        key = hmac(&key, part);
    }
    format!("{stamp}Z{}", hex::encode(hmac(&key, &to_sign)))
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("us-east-1".to_owned()),
        Just("cn-north-1".to_owned()),
        Just("us-gov-west-1".to_owned()),
        Just("us-isob-east-1".to_owned()),
        "[a-z]{2}-[a-z]{1,9}(-[a-z0-9]{1,5})?-[0-9]{1,3}",
    ]
}

fn repo() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-][A-Za-z0-9._-]{0,40}[A-Za-z0-9_-]"
        .prop_filter("not .git", |r| !r.ends_with(".git"))
}

fn signing_time() -> impl Strategy<Value = SystemTime> {
    (0u64..253_402_300_799).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// format -> parse is the identity, for LF and CRLF line ends, whatever the values hold.
    #[test]
    fn credential_request_round_trip(
        protocol in proptest::option::of(line_value()),
        host in proptest::option::of(line_value()),
        path in proptest::option::of(line_value()),
        capabilities in proptest::collection::vec(line_value(), 0..4),
        crlf in any::<bool>(),
    ) {
        let request = CredentialRequest { protocol, host, path, capabilities };
        // With LF line ends git itself drops a value's trailing CR, as we do.
        let lf_safe = [&request.protocol, &request.host, &request.path]
            .into_iter()
            .flatten()
            .chain(&request.capabilities)
            .all(|v| !v.ends_with('\r'));
        prop_assume!(crlf || lf_safe);
        let text = git_format(&request, crlf);
        let parsed = CredentialRequest::parse(text.as_bytes()).expect("parses");
        prop_assert_eq!(&parsed, &request);
        prop_assert_eq!(git_format(&parsed, crlf), text);
    }

    /// A reply is read back by git as exactly username, password and expiry, or refused
    /// when a value could inject a line.
    #[test]
    fn credential_reply_round_trip(user in line_value(), password in line_value(), expiry in 0u64..(1 << 40)) {
        let at = UNIX_EPOCH + Duration::from_secs(expiry);
        match format_reply(&user, &password, Some(at)) {
            Ok(reply) => {
                prop_assert!(!user.contains(['\r', '\0']) && !password.contains(['\r', '\0']));
                let expected = vec![
                    ("username".to_owned(), user.clone()),
                    ("password".to_owned(), password.clone()),
                    ("password_expiry_utc".to_owned(), expiry.to_string()),
                ];
                prop_assert_eq!(git_read(&reply), expected);
            }
            Err(_) => prop_assert!(user.contains(['\r', '\0']) || password.contains(['\r', '\0'])),
        }
    }

    /// Any key id and token (any Unicode, so any UTF-8 bytes) survive URL encoding and
    /// git's percent-decoding unchanged, and a WHATWG parser agrees.
    #[test]
    fn username_survives_url_encoding(akid in any::<String>(), token in any::<String>()) {
        let username = format!("{akid}%{token}");
        let encoded = url_encode(&username);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-~%".contains(&b)));
        prop_assert_eq!(git_percent_decode(&encoded), username.as_bytes());
        let parsed = url::Url::parse(&format!("https://{encoded}:pw@git-codecommit.us-east-1.amazonaws.com/v1/repos/r"))
            .expect("URL");
        prop_assert_eq!(parsed.host_str(), Some("git-codecommit.us-east-1.amazonaws.com"));
        prop_assert_eq!(git_percent_decode(parsed.username()), username.as_bytes());
    }

    /// The signed URL of a credential carries exactly its username and password.
    #[test]
    fn signed_url_carries_the_credential(
        akid in "[A-Z0-9]{4,20}", secret in any::<String>(), token in any::<String>(),
        region in region(), repo in repo(), at in signing_time(),
    ) {
        prop_assume!(!secret.is_empty());
        let endpoint = Endpoint::for_region(&region, false).expect("region");
        let creds = Credentials::new(akid.as_str(), secret.as_str(), Some(Secret::new(token.as_str())), None);
        let path = format!("/v1/repos/{repo}");
        let signed = sign_credentials(&creds, &endpoint, &endpoint.host, &path, &region, at);
        let url = url::Url::parse(signed.url().expose()).expect("URL");
        prop_assert_eq!(url.host_str(), Some(endpoint.host.as_str()));
        prop_assert_eq!(url.path(), path.as_str());
        prop_assert_eq!(git_percent_decode(url.username()), signed.username().expose().as_bytes());
        prop_assert_eq!(url.password(), Some(signed.password().expose()));
        let expected = if token.is_empty() { akid.clone() } else { format!("{akid}%{token}") };
        prop_assert_eq!(signed.username().expose(), expected.as_str());
    }

    /// Same inputs, same password, whatever was signed in between (the signing-key cache),
    /// and equal to the independent reference; any change of input changes it.
    #[test]
    fn signature_is_deterministic(
        secret in "[A-Za-z0-9/+]{1,60}", region in region(), repo in repo(), at in signing_time(),
        others in proptest::collection::vec("[A-Za-z0-9/+]{1,40}", 0..20),
    ) {
        let host = Endpoint::for_region(&region, false).expect("region").host;
        let path = format!("/v1/repos/{repo}");
        let first = sign("AKIDEXAMPLE", &secret, None, &region, &host, &path, at).expect("sign");
        for other in &others {
            sign("AKIDOTHER", other, None, &region, &host, &path, at).expect("sign");
        }
        let again = sign("AKIDEXAMPLE", &secret, None, &region, &host, &path, at).expect("sign");
        prop_assert_eq!(first.password().expose(), again.password().expose());
        let reference = reference_password(&secret, &region, &host, &path, at);
        prop_assert_eq!(first.password().expose(), reference.as_str());
        let later = sign("AKIDEXAMPLE", &secret, None, &region, &host, &path, at + Duration::from_secs(1))
            .expect("sign");
        prop_assert_ne!(first.password().expose(), later.password().expose());
        let other_repo = sign("AKIDEXAMPLE", &secret, None, &region, &host, &format!("{path}x"), at)
            .expect("sign");
        prop_assert_ne!(first.password().expose(), other_repo.password().expose());
        let other_secret = sign("AKIDEXAMPLE", &format!("{secret}x"), None, &region, &host, &path, at)
            .expect("sign");
        prop_assert_ne!(first.password().expose(), other_secret.password().expose());
    }

    /// The allowlist accepts every host it builds, and nothing around it.
    #[test]
    fn allowlist_is_anchored(region in region(), fips in any::<bool>(), junk in "[a-z0-9.-]{1,12}") {
        let host = Endpoint::for_region(&region, fips).expect("region").host;
        let info = classify_host(&host).expect("own host accepted");
        prop_assert_eq!((info.region.as_str(), info.fips), (region.as_str(), fips));
        let with_port = format!("{host}:443");
        prop_assert!(classify_host(&with_port).is_some());
        let look_alikes = [
            format!("{host}.{junk}"),
            format!("{host}{junk}"),
            format!("{junk}.{host}"),
            format!("{junk}{host}"),
            format!("{junk}@{host}"),
            format!("{host}/{junk}"),
        ];
        for look_alike in &look_alikes {
            prop_assert!(classify_host(look_alike).is_none(), "{} accepted", look_alike);
        }
    }

    /// codecommit:// remotes keep profile (any printable text, '@' included) and repository.
    #[test]
    fn remote_round_trip(
        region in proptest::option::of(region()),
        profile in proptest::option::of("[^\\p{Cc}]{1,40}"),
        repo in repo(),
    ) {
        let scheme = region.clone().unwrap_or_else(|| "codecommit".to_owned());
        let at = profile.as_ref().map(|p| format!("{p}@")).unwrap_or_default();
        let remote = Remote::parse(&format!("codecommit::{scheme}://{at}{repo}"), None).expect("parses");
        prop_assert_eq!(remote.region, region);
        prop_assert_eq!(remote.profile, profile);
        prop_assert_eq!(remote.repository, repo);
    }
}
