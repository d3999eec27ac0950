//! What may be echoed back to a person: every value that goes into an error message, a
//! warning or a `--debug`/trace line passes through here.
//!
//! `echo` is for one value (a profile name, a host, a config value): control characters are
//! escaped and the value is capped. `echo_url` also drops URL userinfo first. `shell_quote` is
//! for a value inside a command we suggest the user copy and paste. `sanitize_message` is the
//! last line of defence applied by `Error::new` to the whole message (URL userinfo, signature-
//! and token-shaped strings, control characters, length).

use crate::limits::{ECHO_VALUE_MAX, ERROR_LINE_MAX};
use crate::region::is_region_shaped;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// Bytes of a too-long message kept after the `…`: the end usually says what to do.
const LINE_TAIL: usize = 200;

/// One value as it may appear in a message: control characters escaped, at most
/// [`ECHO_VALUE_MAX`] characters (then `…`).
pub fn echo(value: &str) -> String {
    let mut out = String::new();
    for (i, ch) in value.chars().enumerate() {
        if i == ECHO_VALUE_MAX {
            out.push('…');
            break;
        }
        push_escaped(&mut out, ch);
    }
    out
}

/// [`echo`] of a URL, remote or endpoint with its userinfo (`user:password@`) replaced.
pub fn echo_url(value: &str) -> String {
    echo(&strip_userinfo(value))
}

fn push_escaped(out: &mut String, ch: char) {
    // `is_control` is Unicode Cc: NUL..US, DEL and the C1 range U+0080..U+009F.
    if ch.is_control() {
        out.extend(ch.escape_default());
    } else {
        out.push(ch);
    }
}

/// `value` quoted for a POSIX shell, so a suggested command stays one word when pasted:
/// `x$(touch pwned)` becomes `'x$(touch pwned)'`. Plain words stay as they are.
pub fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.,:/@+=%".contains(&b));
    let shown = echo(value);
    if plain {
        return shown;
    }
    format!("'{}'", shown.replace('\'', r"'\''"))
}

/// The whole message, made safe to show (see the module docs). Idempotent.
pub fn sanitize_message(message: &str) -> String {
    let without_userinfo = redact_userinfo(message);
    let without_secrets = redact_secret_shapes(&without_userinfo);
    let mut escaped = String::with_capacity(without_secrets.len());
    for ch in without_secrets.chars() {
        push_escaped(&mut escaped, ch);
    }
    cap_line(escaped)
}

/// Keeps the head and the tail (which usually holds the fix) of a message over the limit.
fn cap_line(line: String) -> String {
    if line.len() <= ERROR_LINE_MAX {
        return line;
    }
    let ellipsis = "…";
    let tail_start = floor_boundary(&line, line.len() - LINE_TAIL, true);
    let head_len = ERROR_LINE_MAX - ellipsis.len() - (line.len() - tail_start);
    let head_end = floor_boundary(&line, head_len, false);
    format!("{}{ellipsis}{}", &line[..head_end], &line[tail_start..])
}

/// A char boundary near `i`: at or below it, or (`up`) at or above it.
fn floor_boundary(s: &str, mut i: usize, up: bool) -> usize {
    while !s.is_char_boundary(i) {
        if up { i += 1 } else { i -= 1 }
    }
    i
}

// ---- URL userinfo ----------------------------------------------------------------------

/// Characters that end a word in a message: a URL never spans them.
fn is_word_break(ch: char) -> bool {
    ch.is_whitespace() || ch.is_control() || "\"'`<>(),".contains(ch)
}

/// `value` as one URL-ish word with the userinfo of every URL in it replaced.
pub fn strip_userinfo(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut last = 0;
    for (start, end) in userinfo_ranges(value) {
        out.push_str(&value[last..start]);
        out.push_str(REDACTED);
        last = end;
    }
    out.push_str(&value[last..]);
    out
}

fn redact_userinfo(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut word_start = 0;
    for (i, ch) in message.char_indices() {
        if is_word_break(ch) {
            out.push_str(&strip_userinfo(&message[word_start..i]));
            out.push(ch);
            word_start = i + ch.len_utf8();
        }
    }
    out.push_str(&strip_userinfo(&message[word_start..]));
    out
}

/// Byte ranges of secret userinfo in one word: `scheme://USERINFO@host`, the same
/// percent-encoded (`%3A%2F%2F…%40`), or `user:password@host` without a scheme.
fn userinfo_ranges(word: &str) -> Vec<(usize, usize)> {
    let lower = word.to_ascii_lowercase();
    let mut ranges = Vec::new();
    for (sep, encoded) in [("://", false), ("%3a%2f%2f", true)] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(sep) {
            let start = from + found + sep.len();
            let scheme = scheme_before(&word[..from + found]);
            let end = authority_end(&lower, start, encoded);
            from = end.max(start);
            let Some(at) = last_at(&lower[start..end]) else {
                continue;
            };
            let userinfo = &word[start..start + at];
            if encoded || userinfo_is_secret(scheme, userinfo) {
                ranges.push((start, start + at));
            }
        }
    }
    if ranges.is_empty() && !lower.contains("://") {
        // `user:password@host`, as in an endpoint override without a scheme.
        let end = authority_end(&lower, 0, false);
        if let Some(at) = last_at(&lower[..end])
            && word[..at].contains(':')
        {
            ranges.push((0, at));
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    ranges
}

/// The scheme: the trailing `[A-Za-z0-9+.:-]` run (`codecommit::eu-west-1` included).
fn scheme_before(prefix: &str) -> &str {
    let start = prefix
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.:-".contains(c)))
        .map_or(0, |i| i + 1);
    &prefix[start..]
}

/// Where the authority that starts at `start` ends (first `/`, `?`, `#`, or `%2F` if encoded).
fn authority_end(lower: &str, start: usize, encoded: bool) -> usize {
    let rest = &lower[start..];
    let plain = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let slash = if encoded {
        rest.find("%2f").unwrap_or(rest.len())
    } else {
        rest.len()
    };
    start + plain.min(slash)
}

/// The last `@` (or `%40`) of an authority: everything before it is userinfo.
fn last_at(authority: &str) -> Option<usize> {
    let plain = authority.rfind('@');
    let encoded = authority.rfind("%40");
    plain.max(encoded)
}

/// In `codecommit://PROFILE@REPO` the userinfo is a profile name, which is useful to show;
/// anywhere else (`https://user:password@host`) it may be a credential.
fn userinfo_is_secret(scheme: &str, userinfo: &str) -> bool {
    if userinfo.contains(':') || userinfo.is_empty() {
        return !userinfo.is_empty();
    }
    let scheme = scheme.to_ascii_lowercase();
    let names_profile =
        scheme == "codecommit" || scheme.starts_with("codecommit::") || is_region_shaped(&scheme);
    !names_profile
}

// ---- signature- and token-shaped strings -----------------------------------------------

/// Characters of base64, percent-encoding and hex: the alphabet of every secret we handle.
fn is_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"+/=%".contains(&b)
}

fn redact_secret_shapes(message: &str) -> String {
    let bytes = message.as_bytes();
    let mut out = String::with_capacity(message.len());
    let mut i = 0;
    while i < bytes.len() {
        if !is_secret_char(bytes[i]) {
            let next = message[i..]
                .char_indices()
                .nth(1)
                .map_or(message.len(), |(n, _)| i + n);
            out.push_str(&message[i..next]);
            i = next;
            continue;
        }
        let end = (i..bytes.len())
            .find(|&j| !is_secret_char(bytes[j]))
            .unwrap_or(bytes.len());
        out.push_str(&redact_run(&message[i..end]));
        i = end;
    }
    out
}

/// One run of secret characters, redacted if it has the shape of a secret. An access key id
/// in front (`AKIA…%25TOKEN`, as in a signed URL's username) stays visible.
fn redact_run(run: &str) -> String {
    if !is_secret_shaped(run) {
        return run.to_owned();
    }
    match access_key_id_prefix(run) {
        Some(id) => format!("{id}{REDACTED}"),
        None => REDACTED.to_owned(),
    }
}

/// `AKIA`/`ASIA` + 16 upper-case letters or digits, followed by `%` (the token separator).
fn access_key_id_prefix(run: &str) -> Option<&str> {
    let slashes = run.len() - run.trim_start_matches('/').len();
    let id = run.get(slashes..slashes + 20)?;
    let shaped = (id.starts_with("AKIA") || id.starts_with("ASIA"))
        && id[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let prefix = &run[..slashes + 20];
    (shaped && run[slashes + 20..].starts_with('%')).then_some(prefix)
}

fn is_secret_shaped(run: &str) -> bool {
    has_codecommit_signature(run)
        || longest(run, |b| b.is_ascii_hexdigit()) >= 48
        || is_secret_key_shaped(run)
        || is_token_shaped(run)
}

/// `YYYYMMDDTHHMMSSZ` followed by hex: a CodeCommit password, even a truncated one.
fn has_codecommit_signature(run: &str) -> bool {
    let b = run.as_bytes();
    (0..b.len().saturating_sub(16)).any(|i| {
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        digits(i..i + 8)
            && b[i + 8] == b'T'
            && digits(i + 9..i + 15)
            && b[i + 15] == b'Z'
            && b[i + 16].is_ascii_hexdigit()
    })
}

/// Exactly 40 base64 characters mixing cases and digits: a secret access key.
fn is_secret_key_shaped(run: &str) -> bool {
    run.len() == 40
        && !run.contains(['%', '='])
        && mixes_classes(run)
        && (run.contains(['/', '+']) || looks_random(run))
}

/// A long mixed base64 run: a session token (raw or percent-encoded). Paths and CamelCase
/// names are told apart by having no `+`, `=` or `%` and far fewer case/digit changes.
fn is_token_shaped(run: &str) -> bool {
    run.len() >= 40 && mixes_classes(run) && (run.contains(['+', '=', '%']) || looks_random(run))
}

/// Random base64 changes between upper case, lower case, digit and symbol at about 65% of
/// positions; words, paths and CamelCase names at about 35% or less.
fn looks_random(run: &str) -> bool {
    let class = |b: &u8| {
        (
            b.is_ascii_uppercase(),
            b.is_ascii_lowercase(),
            b.is_ascii_digit(),
        )
    };
    let changes = run
        .as_bytes()
        .windows(2)
        .filter(|w| class(&w[0]) != class(&w[1]))
        .count();
    changes * 20 >= run.len() * 9
}

fn mixes_classes(run: &str) -> bool {
    let has = |f: fn(&u8) -> bool| run.as_bytes().iter().any(f);
    has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) && has(u8::is_ascii_digit)
}

fn longest(run: &str, f: impl Fn(u8) -> bool) -> usize {
    run.as_bytes()
        .split(|&b| !f(b))
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6Zk2b+Xq1v/tYq9Bz\
                         0C8gH4kRrWm5aXhUeM3nCIgR4x7pL1sZpN2wRk8=";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const SIG: &str = "3e0b7c8a9f1d2e4b5a6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345";

    fn signed_url() -> String {
        let user = format!("ASIAEXAMPLEKEYID1234%25{}", crate::url_encode(TOKEN));
        format!(
            "https://{user}:20260102T030405Z{SIG}@git-codecommit.us-east-1.amazonaws.com/v1/repos/demo"
        )
    }

    fn assert_clean(shown: &str) {
        for secret in [TOKEN, SECRET, SIG, &crate::url_encode(TOKEN)] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(!shown.contains(&SIG[..32]), "{shown}");
        assert!(!shown.contains(&crate::url_encode(TOKEN)[..30]), "{shown}");
    }

    #[test]
    fn secrets_are_redacted_in_every_shape() {
        let url = signed_url();
        let cases = [
            format!("invalid CodeCommit remote \"{url}.git\": the name ends in .git"),
            format!("{url}?x=1"),
            format!("{url}//"),
            url.replace("/v1/repos/demo", "/v1/repos/"),
            url.replace("https://", "codecommit://"),
            url.replace("https://", "HTTPS://"),
            url.replace(".com/", ".com:443/"),
            url.replace('@', "@@"),
            url.replace("://", "%3A%2F%2F").replace('@', "%40"),
            url[..url.find('@').unwrap()].to_owned(),
            url[..url.find('@').unwrap() - 20].to_owned(),
            format!("profile x: aws_secret_access_key {SECRET} is odd"),
            format!("session token {TOKEN}"),
            format!("Signature={SIG}"),
            format!("password 20260102T030405Z{}", &SIG[..10]),
            format!("a\u{1b}[31m{url}\n"),
        ];
        for case in &cases {
            let shown = sanitize_message(case);
            assert_clean(&shown);
            assert_eq!(sanitize_message(&shown), shown, "not idempotent");
        }
        let shown = sanitize_message(&url);
        assert!(shown.contains("git-codecommit.us-east-1.amazonaws.com/v1/repos/demo"));
    }

    #[test]
    fn userinfo_of_urls_and_endpoints_is_dropped() {
        let table = [
            (
                "endpoint \"user:hunter2@host:8443\"",
                "endpoint \"<redacted>@host:8443\"",
            ),
            ("https://u:hunter2@h/x", "https://<redacted>@h/x"),
            ("http://token@h", "http://<redacted>@h"),
            ("https://a@b@h/p@q", "https://<redacted>@h/p@q"),
            ("codecommit://a:b@repo", "codecommit://<redacted>@repo"),
        ];
        for (input, expected) in table {
            assert_eq!(sanitize_message(input), expected, "{input}");
        }
        assert_eq!(strip_userinfo("user:hunter2@host"), "<redacted>@host");
        assert_eq!(echo_url("https://x:y@h/p"), "https://<redacted>@h/p");
    }

    #[test]
    fn ordinary_text_is_kept() {
        let kept = [
            "invalid CodeCommit remote \"codecommit://dev@my-repo.git\": drop the suffix",
            "Accepted forms: codecommit://[PROFILE@]REPO, codecommit::REGION://[PROFILE@]REPO \
             or https://git-codecommit.REGION.amazonaws.com/v1/repos/REPO",
            "codecommit::eu-west-1://me@corp.example@repo",
            "us-west-2://dev@repo",
            "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/demo",
            "vpce-0b7d2939b1ec12345-ab1cdefg.git-codecommit.us-east-2.vpce.amazonaws.com",
            "access key id AKIAIOSFODNN7EXAMPLE and ASIAEXAMPLEKEYID1234",
            "profile \"Team-Admin_2024\" not found in /home/alice/.aws/config",
            "/Users/JohnSmith2/Library/Application Support/x/config",
            "/home/alice/projects/frontend/infrastructure/deploy/config.toml",
            "cache /home/u/.aws/cli/cache/3f786850e387550fdab836ed7e6dc881de23001b.json",
            "role arn:aws:iam::123456789012:role/deployer mfa arn:aws:iam::123456789012:mfa/alice",
            "me@corp.example wrote to git@github.com:org/repo.git",
            "--at 2026-01-02T03:04:05Z is not valid",
            "expires 20260102T030405Z",
            "MyRepositoryWithAReasonablyLongNameForTesting1",
        ];
        for text in kept {
            assert_eq!(sanitize_message(text), text);
        }
        let shown = sanitize_message(&signed_url());
        assert!(shown.starts_with("https://<redacted>@"), "{shown}");
        let shown = sanitize_message(&format!("user ASIAEXAMPLEKEYID1234%{TOKEN} x"));
        assert_eq!(shown, "user ASIAEXAMPLEKEYID1234<redacted> x");
    }

    #[test]
    fn control_characters_are_escaped_and_lines_capped() {
        for c in [
            '\u{1b}', '\u{7}', '\r', '\n', '\0', '\u{7f}', '\u{85}', '\u{9b}',
        ] {
            let shown = sanitize_message(&format!("a{c}b"));
            assert!(!shown.contains(c), "{c:?}");
            assert!(!echo(&format!("a{c}b")).contains(c), "{c:?}");
        }
        let long = format!("head {} tail: do this", "é".repeat(100_000));
        let shown = sanitize_message(&long);
        assert!(shown.len() <= ERROR_LINE_MAX, "{}", shown.len());
        assert!(shown.starts_with("head ") && shown.ends_with("tail: do this"));
        assert_eq!(sanitize_message(&shown), shown);
    }

    #[test]
    fn shell_quote_keeps_a_pasted_command_inert() {
        assert_eq!(shell_quote("dev"), "dev");
        assert_eq!(shell_quote("x$(touch pwned)"), "'x$(touch pwned)'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a\nb"), r"'a\nb'");
    }

    #[test]
    fn echo_escapes_and_caps() {
        assert_eq!(echo("a\u{1b}[31mb"), r"a\u{1b}[31mb");
        let long = "x".repeat(1000);
        assert_eq!(echo(&long).chars().count(), ECHO_VALUE_MAX + 1);
    }
}
