//! `codecommit-auth url|credential|doctor`: signed URLs, credentials and diagnostics.

use std::process::ExitCode;

use codecommit_auth::redact::{echo, echo_url};
use codecommit_auth::{Client, ClientOptions, GitCredential, Result};
use serde_json::json;

use crate::args::{Args, usage};
use crate::report;
use crate::tty::TerminalPrompt;
use crate::{checks, configure};

pub const PROGRAM: &str = "codecommit-auth";

pub const HELP: &str = "\
usage: codecommit-auth url REMOTE [options]         print the signed HTTPS URL
       codecommit-auth credential REMOTE [--json]   print username/password (git format or JSON)
       codecommit-auth doctor [REMOTE] [options]    show profile, region, host, source, expiry,
                                                    and set-up problems with their fixes
       codecommit-auth configure [--system|--global|--local] [--profile P] [--endpoint E]
       codecommit-auth unconfigure [--system|--global|--local] [--endpoint E]
                          set up (or remove) git for CodeCommit hosts: an empty credential
                          helper that stops keychains from storing the 15-minute password,
                          this installation's git-credential-codecommit by absolute path,
                          useHttpPath, and protocol.codecommit.allow=always (default --global)

REMOTE is codecommit://[PROFILE@]REPO, codecommit::REGION://[PROFILE@]REPO or an HTTPS
CodeCommit URL. The output of url and credential is secret: it grants access for ~15 minutes.

options:
  --profile P    AWS profile when the remote names none
  --region R     region when the remote names none
  --endpoint E   endpoint override, HOST[:PORT] or http[s]://HOST[:PORT] (default: CODE_COMMIT_ENDPOINT)
  --at TIME      sign at this RFC 3339 time instead of now
  --json         (credential) print JSON
  --no-cache     do not read or write the shared credential cache (~/.aws/cli/cache)

exit status: 0 ok, 2 usage, otherwise the error code (10 invalid remote, 11 region,
12 host not allowed, 13 unknown profile, 14 invalid config, 15 no credentials, 16 login
required, 17 MFA required, 18 credential source failed, 19 timeout, 20-21 git request,
22 invalid argument, 23 I/O, 24 internal).
";

const VALUE_OPTIONS: [&str; 4] = ["profile", "region", "endpoint", "at"];
const FLAGS: [&str; 7] = [
    "json", "no-cache", "help", "version", "system", "global", "local",
];

pub fn run(raw: impl IntoIterator<Item = String>) -> ExitCode {
    match Args::parse(raw, &VALUE_OPTIONS, &FLAGS).and_then(|args| dispatch(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report::fail(PROGRAM, &error),
    }
}

fn dispatch(args: &Args) -> Result<()> {
    if args.flag("help") {
        return report::out(HELP);
    }
    if args.flag("version") {
        return report::out(&crate::version::line(PROGRAM));
    }
    let positionals: Vec<&str> = args.positionals.iter().map(String::as_str).collect();
    match positionals.as_slice() {
        ["url", remote] => {
            let credential = sign(args, remote)?;
            report::out(&format!("{}\n", credential.url().expose()))
        }
        ["credential", remote] => credential(args, remote),
        ["doctor"] => doctor(args, None),
        ["doctor", remote] => doctor(args, Some(remote)),
        ["configure"] => configure::configure(args),
        ["unconfigure"] => configure::unconfigure(args),
        _ => Err(usage(
            "expected `url REMOTE`, `credential REMOTE`, `doctor [REMOTE]`, `configure` or \
             `unconfigure`",
        )),
    }
}

fn client(args: &Args) -> Result<Client> {
    Client::new(ClientOptions {
        profile: args.value("profile").map(str::to_owned),
        region: args.value("region").map(str::to_owned),
        endpoint: args.value("endpoint").map(str::to_owned),
        cache: !args.flag("no-cache"),
        mfa: Some(TerminalPrompt::shared()),
        refresh_margin: report::refresh_margin()?,
        ..ClientOptions::default()
    })
}

fn sign(args: &Args, remote: &str) -> Result<GitCredential> {
    let at = report::parse_at(args.value("at"))?.unwrap_or_else(std::time::SystemTime::now);
    codecommit_auth::trace::event("request", format_args!("{}", echo_url(remote)));
    let client = client(args)?;
    let credential = client.git_credential_blocking(remote, Some(at));
    report::warnings(PROGRAM, &client);
    if let Ok(credential) = &credential {
        report::trace_signed(credential, at);
    }
    credential
}

fn credential(args: &Args, remote: &str) -> Result<()> {
    let credential = sign(args, remote)?;
    if !args.flag("json") {
        return report::out(&credential.git_reply()?);
    }
    let expires_unix = credential
        .expires_at()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let value = json!({
        "username": credential.username().expose(),
        "password": credential.password().expose(),
        "url": credential.url().expose(),
        "expires_at": report::rfc3339(credential.expires_at()),
        "expires_at_unix": expires_unix,
        "host": credential.host(),
        "path": credential.path(),
        "region": credential.region(),
        "profile": credential.profile(),
    });
    report::out(&format!("{value}\n"))
}

/// Shows what would be used, resolving credentials for real, but prints no secret. Every
/// value is echoed (escaped, capped): the remote may be a signed URL, the profile name may
/// come from a hostile AWS_PROFILE.
fn doctor(args: &Args, remote: Option<&str>) -> Result<()> {
    let client = client(args)?;
    let remote = remote.unwrap_or("codecommit://doctor-check");
    let target = client.target(remote)?;
    let explicit = if target.profile.is_explicit() {
        " (explicit)"
    } else {
        ""
    };
    report::out(&lines([
        ("remote", echo_url(remote)),
        ("repository", echo(&target.remote.repository)),
        (
            "profile",
            format!("{}{explicit}", echo(target.profile.name())),
        ),
        ("region", echo(&target.region)),
        ("url", echo_url(&target.plain_url())),
        ("signed host", echo(&target.sign_host)),
        ("credential source", echo(&target.profile.describe_source())),
    ]))?;
    setup_checks(&target.plain_url(), &target.region)?;
    let creds = client.credentials_blocking(&target)?;
    let token = if creds.session_token().is_some() {
        "yes"
    } else {
        "no"
    };
    let expires = match creds.expiry() {
        Some(expiry) => report::rfc3339(expiry),
        None => "never (long-term keys)".to_owned(),
    };
    report::out(&lines([
        ("access key id", echo(&mask(creds.access_key_id()))),
        ("session token", token.to_owned()),
        ("expires", expires),
    ]))
}

/// The set-up checks (see `checks`): one `problem:` line each, or `set-up: ok`.
fn setup_checks(url: &str, region: &str) -> Result<()> {
    let mut found = checks::findings(url);
    found.extend(checks::clock_skew(region));
    if found.is_empty() {
        return report::out(&lines([("set-up", "ok".to_owned())]));
    }
    let text: String = found.iter().map(|f| format!("problem: {f}\n")).collect();
    report::out(&text)
}

/// `key:   value` lines, values aligned.
fn lines<const N: usize>(rows: [(&str, String); N]) -> String {
    rows.map(|(key, value)| format!("{:<19}{value}\n", format!("{key}:")))
        .concat()
}

/// `****************ABCD`, like `aws configure list`.
fn mask(access_key_id: &str) -> String {
    // By characters: a key id from a hostile config may hold non-ASCII text.
    let chars: Vec<char> = access_key_id.chars().collect();
    let keep = chars.len().saturating_sub(4);
    let tail: String = chars[keep..].iter().collect();
    format!("{}{tail}", "*".repeat(keep))
}
