//! `git-credential-codecommit get|store|erase`: a drop-in for `aws codecommit
//! credential-helper`, but it answers only for CodeCommit hosts (anchored allowlist).

use std::io::Read;
use std::process::ExitCode;
use std::time::SystemTime;

use codecommit_auth::git_credential::MAX_REQUEST_BYTES;
use codecommit_auth::redact::{echo, echo_url, shell_quote};
use codecommit_auth::{Client, ClientOptions, CredentialRequest, Error, ErrorCode, Result};

use crate::args::{Args, usage};
use crate::report::{self, Debug};
use crate::tty::TerminalPrompt;

pub const HELP: &str = "\
usage: git-credential-codecommit [--profile P] [--region R] [--endpoint E]
                                 [--ignore-host-check] [--at TIME] [--debug] get|store|erase

Git credential helper for AWS CodeCommit. Configure it with:
  git config --global credential.helper '!git-credential-codecommit'
  git config --global credential.UseHttpPath true
(add --profile P to the helper to use a named AWS profile).

`get` answers only for CodeCommit hosts (git-codecommit[-fips].REGION.amazonaws.com[.cn] and
VPC endpoints); for any other host it prints nothing, so git moves on to its other helpers.
`store` does nothing: the password is a signature valid for about 15 minutes. `erase` (sent by
git when the server answers 401) drops a cached role session whose key id was refused, so
the next git command starts a new session.

  --profile P          AWS profile (default: AWS_PROFILE, then the environment/default chain)
  --region R           region when the host does not name one
  --endpoint E         also answer for this exact endpoint, HOST[:PORT] or http[s]://HOST[:PORT]
                       (default: CODE_COMMIT_ENDPOINT); signed as given
  --ignore-host-check  answer for any host (like the AWS CLI's flag); avoid this
  --at TIME            sign at this RFC 3339 time instead of now (for tests)
  --no-cache           do not read or write the shared credential cache (~/.aws/cli/cache)
  --debug              explain what happens on stderr (never secrets)
";

const VALUE_OPTIONS: [&str; 4] = ["profile", "region", "endpoint", "at"];
const FLAGS: [&str; 5] = ["ignore-host-check", "no-cache", "debug", "help", "version"];

/// Runs the helper; `program` names it in messages.
pub fn run(program: &'static str, raw: impl IntoIterator<Item = String>) -> ExitCode {
    match Args::parse(raw, &VALUE_OPTIONS, &FLAGS).and_then(|args| dispatch(program, &args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report::fail(program, &error),
    }
}

fn dispatch(program: &'static str, args: &Args) -> Result<()> {
    if args.flag("help") {
        return report::out(HELP);
    }
    if args.flag("version") {
        return report::out(&crate::version::line(program));
    }
    let input = read_request()?;
    match args.positionals.as_slice() {
        [op] if op == "get" => get(program, args, &input),
        [op] if op == "erase" => erase(program, args, &input),
        [op] if op == "store" => Ok(()),
        _ => Err(usage("expected one operation: get, store or erase")),
    }
}

fn read_request() -> Result<Vec<u8>> {
    let mut input = Vec::new();
    std::io::stdin()
        .take(MAX_REQUEST_BYTES as u64 + 1)
        .read_to_end(&mut input)
        .map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!("cannot read the request from git on stdin: {e}"),
            )
        })?;
    Ok(input)
}

fn client(args: &Args) -> Result<Client> {
    Client::new(ClientOptions {
        profile: args.value("profile").map(str::to_owned),
        region: args.value("region").map(str::to_owned),
        endpoint: args.value("endpoint").map(str::to_owned),
        ignore_host_check: args.flag("ignore-host-check"),
        cache: !args.flag("no-cache"),
        mfa: Some(TerminalPrompt::shared()),
        refresh_margin: report::refresh_margin()?,
    })
}

/// Git sends `erase` after the server refused the credentials (HTTP 401). A revoked or
/// expired role session must not be handed out again: drop it from memory and the cache
/// when its key id is the refused one, and say so in one line.
fn erase(program: &'static str, args: &Args, input: &[u8]) -> Result<()> {
    // Best effort: git ignores what `erase` answers, and the `get` before it has already
    // said what was wrong with a bad request, profile or remote.
    let _ = forget(program, args, input);
    Ok(())
}

fn forget(program: &'static str, args: &Args, input: &[u8]) -> Result<()> {
    let request = CredentialRequest::parse(input)?;
    let Some(username) = request_field(input, "username") else {
        return Ok(());
    };
    let key_id = username.split('%').next().unwrap_or_default();
    let protocol = request.protocol.as_deref().unwrap_or("https");
    let client = client(args)?;
    if key_id.is_empty()
        || !client.answers_for(protocol, request.host.as_deref().unwrap_or_default())
    {
        return Ok(());
    }
    let target = client.target(&request.url()?)?;
    let dropped = client.forget_rejected(&target, key_id)?;
    report::warnings(program, &client);
    let profile = target.profile.name();
    let doctor = shell_quote(&format!(
        "codecommit::{}://{}@{}",
        target.region, profile, target.remote.repository
    ));
    let masked = codecommit_auth::trace::key_id(key_id);
    let what = if dropped {
        format!(
            "the server refused session {masked} of profile \"{}\"; dropped it from the \
             credential cache, so the next git command starts a new session",
            echo(profile)
        )
    } else {
        format!(
            "the server refused access key {masked} of profile \"{}\"; no cached session held it",
            echo(profile)
        )
    };
    report::note(
        program,
        &format!("{what}; if it fails again, check: codecommit-auth doctor {doctor}"),
    );
    Ok(())
}

/// The last `key=value` of a credential request, up to its blank line.
fn request_field(input: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(input).ok()?;
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
        .last()
}

fn get(program: &'static str, args: &Args, input: &[u8]) -> Result<()> {
    let debug = Debug::new(program, args.flag("debug"));
    let request = CredentialRequest::parse(input)?;
    let protocol = request.protocol.as_deref().unwrap_or("https");
    let host = request.host.as_deref().unwrap_or_default();
    codecommit_auth::trace::event(
        "request",
        format_args!(
            "git asks `get` for {}",
            echo_url(&format!(
                "{protocol}://{host}/{}",
                request.path.as_deref().unwrap_or_default()
            ))
        ),
    );
    let client = client(args)?;
    if !client.answers_for(protocol, host) {
        debug.log(|| {
            format!(
                "{} is not a CodeCommit endpoint; not answering",
                echo_url(&format!("{protocol}://{host}"))
            )
        });
        return Ok(());
    }
    let at = report::parse_at(args.value("at"))?.unwrap_or_else(SystemTime::now);
    let credential = client.git_credential_blocking(&request.url()?, Some(at));
    report::warnings(program, &client);
    let credential = credential?;
    report::trace_signed(&credential, at);
    debug.log(|| {
        format!(
            "signed for {}{} in {} with {} (profile {}), valid until {}",
            echo(credential.host()),
            echo(credential.path()),
            echo(credential.region()),
            echo(credential.source()),
            echo(credential.profile().unwrap_or("-")),
            report::rfc3339(credential.expires_at())
        )
    });
    report::out(&credential.git_reply()?)
}
