//! The CodeCommit "GIT" SigV4 signature, as the official tools compute it.
//!
//! Pure: the signing time is an argument. The derived signing key depends only on
//! (secret, date, region), so it is cached; a repeat signature costs one SHA-256 of the
//! canonical request and one HMAC.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::credentials::Secret;

/// How long CodeCommit accepts a signature after its timestamp.
pub const SIGNATURE_VALIDITY: Duration = Duration::from_secs(15 * 60);

const SERVICE: &str = "codecommit";
const KEY_CACHE_SLOTS: usize = 16;

/// What is signed: the request line of a Git HTTP request to CodeCommit.
#[derive(Clone, Copy, Debug)]
pub struct SigningRequest<'a> {
    /// Host as it goes into the canonical request (with a port only when the caller wants it).
    pub host: &'a str,
    /// `/v1/repos/REPO`.
    pub path: &'a str,
    pub region: &'a str,
    pub at: SystemTime,
}

/// The password Git sends: `YYYYMMDDTHHMMSSZ` followed by the hex signature.
pub fn sign_password(secret: &Secret, request: &SigningRequest<'_>) -> Secret {
    let stamp = Timestamp::of(request.at);
    let to_sign = string_to_sign(&stamp, request);
    let signature = with_signing_key(secret, &stamp, request, |key| {
        calculate_signature(key, to_sign.as_bytes())
    });
    let mut password = String::with_capacity(16 + signature.len());
    password.push_str(stamp.datetime());
    password.push('Z');
    password.push_str(&signature);
    Secret::new(password)
}

/// `GIT\n{path}\n\nhost:{host}\n\nhost\n`.
pub fn canonical_request(host: &str, path: &str) -> String {
    format!("GIT\n{path}\n\nhost:{host}\n\nhost\n")
}

fn string_to_sign(stamp: &Timestamp, request: &SigningRequest<'_>) -> String {
    let digest = Sha256::digest(canonical_request(request.host, request.path).as_bytes());
    let mut out = String::with_capacity(160);
    out.push_str("AWS4-HMAC-SHA256\n");
    out.push_str(stamp.datetime());
    out.push('\n');
    out.push_str(stamp.date());
    let _ = writeln!(out, "/{}/{SERVICE}/aws4_request", request.region);
    out.push_str(&hex::encode(digest));
    out
}

/// `YYYYMMDDTHHMMSS` in UTC, without the trailing `Z` (the official tools sign it that way).
pub(crate) struct Timestamp([u8; 15]);

/// `at` as a UTC date-time; `None` outside the years 0000 to 9999 (where
/// `OffsetDateTime::from(SystemTime)` would panic). For every caller that formats a time
/// that came from outside (cache files, credential sources, `--at`, the bindings).
pub fn utc_date_time(at: SystemTime) -> Option<OffsetDateTime> {
    let (after, offset) = match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (true, d),
        Err(e) => (false, e.duration()),
    };
    let offset = time::Duration::try_from(offset).ok()?;
    let t = if after {
        OffsetDateTime::UNIX_EPOCH.checked_add(offset)
    } else {
        OffsetDateTime::UNIX_EPOCH.checked_sub(offset)
    }?;
    (0..=9999).contains(&t.year()).then_some(t)
}

impl Timestamp {
    pub(crate) fn of(at: SystemTime) -> Timestamp {
        // Out-of-range times are clamped (the bindings and the CLI refuse them earlier).
        let t = utc_date_time(at).unwrap_or(if at < SystemTime::UNIX_EPOCH {
            time::macros::datetime!(0000-01-01 00:00:00 UTC)
        } else {
            time::macros::datetime!(9999-12-31 23:59:59 UTC)
        });
        let mut buf = [b'0'; 15];
        put_digits(&mut buf[0..4], t.year().clamp(0, 9999) as u32);
        put_digits(&mut buf[4..6], u8::from(t.month()) as u32);
        put_digits(&mut buf[6..8], t.day() as u32);
        buf[8] = b'T';
        put_digits(&mut buf[9..11], t.hour() as u32);
        put_digits(&mut buf[11..13], t.minute() as u32);
        put_digits(&mut buf[13..15], t.second() as u32);
        Timestamp(buf)
    }

    pub(crate) fn datetime(&self) -> &str {
        // Only ASCII digits and 'T' are ever written.
        std::str::from_utf8(&self.0).unwrap_or("00000000T000000")
    }

    fn date(&self) -> &str {
        &self.datetime()[..8]
    }
}

fn put_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

struct CachedKey {
    secret: Secret,
    date: [u8; 8],
    region: String,
    key: Zeroizing<Vec<u8>>,
}

static KEY_CACHE: Mutex<Vec<CachedKey>> = Mutex::new(Vec::new());

fn with_signing_key<R>(
    secret: &Secret,
    stamp: &Timestamp,
    request: &SigningRequest<'_>,
    use_key: impl FnOnce(&[u8]) -> R,
) -> R {
    let date: [u8; 8] = stamp.0[..8].try_into().unwrap_or([b'0'; 8]);
    let mut cache = KEY_CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let hit = cache
        .iter()
        .position(|e| e.date == date && e.region == request.region && e.secret == *secret);
    let index = match hit {
        Some(index) => index,
        None => {
            let key = generate_signing_key(secret.expose(), request.at, request.region, SERVICE);
            if cache.len() == KEY_CACHE_SLOTS {
                cache.remove(0);
            }
            cache.push(CachedKey {
                secret: secret.clone(),
                date,
                region: request.region.to_owned(),
                key: Zeroizing::new(key.as_ref().to_vec()),
            });
            cache.len() - 1
        }
    };
    use_key(&cache[index].key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_outside_0000_to_9999_never_panic() {
        let last = at(253_402_300_799); // 9999-12-31T23:59:59Z
        assert_eq!(utc_date_time(last).map(|t| t.year()), Some(9999));
        let after = last + Duration::from_secs(1);
        assert_eq!(utc_date_time(after), None);
        assert_eq!(Timestamp::of(after).datetime(), "99991231T235959");
        let before = SystemTime::UNIX_EPOCH - Duration::from_secs(62_167_219_201); // year -1
        assert_eq!(utc_date_time(before), None);
        assert_eq!(Timestamp::of(before).datetime(), "00000101T000000");
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(1 << 60);
        assert_eq!(Timestamp::of(far).datetime(), "99991231T235959");
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Independent reference: the whole SigV4 chain with plain hmac, no cache.
    fn reference(secret: &str, req: &SigningRequest<'_>) -> String {
        use hmac::{Hmac, Mac};
        fn mac(key: &[u8], data: &str) -> Vec<u8> {
            let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
            m.update(data.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        let stamp = Timestamp::of(req.at);
        let k = mac(format!("AWS4{secret}").as_bytes(), stamp.date());
        let k = mac(&k, req.region);
        let k = mac(&k, "codecommit");
        let k = mac(&k, "aws4_request");
        let sts = format!(
            "AWS4-HMAC-SHA256\n{}\n{}/{}/codecommit/aws4_request\n{}",
            stamp.datetime(),
            stamp.date(),
            req.region,
            hex::encode(Sha256::digest(canonical_request(req.host, req.path)))
        );
        format!("{}Z{}", stamp.datetime(), hex::encode(mac(&k, &sts)))
    }

    #[test]
    fn timestamp_format() {
        assert_eq!(Timestamp::of(at(0)).datetime(), "19700101T000000");
        assert_eq!(
            Timestamp::of(at(1_700_000_000)).datetime(),
            "20231114T221320"
        );
    }

    /// Computed by the official git-remote-codecommit 1.17 (pinned time), not by us.
    const KNOWN_VECTOR_PASSWORD: &str =
        "20231114T221320Zafee173398cb418cc1ad3cf8dd37667fa97eaf5e70f0b6174dc2b041066b03f7";

    #[test]
    fn known_vector() {
        // Fixed vector shared with the C, Python and Node tests (tests/vectors.json).
        let secret = Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let req = SigningRequest {
            host: "git-codecommit.us-east-1.amazonaws.com",
            path: "/v1/repos/MyDemoRepo",
            region: "us-east-1",
            at: at(1_700_000_000),
        };
        let password = sign_password(&secret, &req);
        assert_eq!(password.expose(), reference(secret.expose(), &req));
        assert_eq!(password.expose(), KNOWN_VECTOR_PASSWORD);
    }

    #[test]
    fn cached_key_matches_fresh_derivation_across_regions_dates_and_secrets() {
        let secrets = ["s1", "s2+/=", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"];
        let regions = ["us-east-1", "cn-north-1", "us-gov-west-1"];
        for round in 0..3 {
            for (i, s) in secrets.iter().enumerate() {
                for (j, r) in regions.iter().enumerate() {
                    let req = SigningRequest {
                        host: "git-codecommit.example",
                        path: "/v1/repos/r",
                        region: r,
                        at: at(1_600_000_000 + (round * 86_400 + i * 7 + j) as u64),
                    };
                    let secret = Secret::new(*s);
                    assert_eq!(sign_password(&secret, &req).expose(), reference(s, &req));
                }
            }
        }
    }

    #[test]
    fn signature_depends_on_every_input() {
        let secret = Secret::new("secret");
        let base = SigningRequest {
            host: "h",
            path: "/v1/repos/a",
            region: "us-east-1",
            at: at(1_600_000_000),
        };
        let p0 = sign_password(&secret, &base).expose().to_owned();
        let variants = [
            SigningRequest { host: "h2", ..base },
            SigningRequest {
                path: "/v1/repos/b",
                ..base
            },
            SigningRequest {
                region: "us-east-2",
                ..base
            },
            SigningRequest {
                at: at(1_600_000_001),
                ..base
            },
        ];
        for v in variants {
            assert_ne!(sign_password(&secret, &v).expose(), p0);
        }
        assert_ne!(sign_password(&Secret::new("other"), &base).expose(), p0);
    }
}
