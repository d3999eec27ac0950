//! `git-credential-codecommit get|store|erase`: a drop-in for `aws codecommit
//! credential-helper`, but it answers only for CodeCommit hosts (anchored allowlist).

use std::io::Read;
use std::process::ExitCode;

use codecommit_auth::git_credential::MAX_REQUEST_BYTES;
use codecommit_auth::redact::{echo, echo_url};
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
`store` and `erase` do nothing: the password is a signature valid for about 15 minutes.

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
        return report::out(&format!("{program} {}\n", env!("CARGO_PKG_VERSION")));
    }
    let input = read_request()?;
    match args.positionals.as_slice() {
        [op] if op == "get" => get(program, args, &input),
        [op] if op == "store" || op == "erase" => Ok(()),
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

fn get(program: &'static str, args: &Args, input: &[u8]) -> Result<()> {
    let debug = Debug::new(program, args.flag("debug"));
    let request = CredentialRequest::parse(input)?;
    let protocol = request.protocol.as_deref().unwrap_or("https");
    let host = request.host.as_deref().unwrap_or_default();
    let client = Client::new(ClientOptions {
        profile: args.value("profile").map(str::to_owned),
        region: args.value("region").map(str::to_owned),
        endpoint: args.value("endpoint").map(str::to_owned),
        ignore_host_check: args.flag("ignore-host-check"),
        cache: !args.flag("no-cache"),
        mfa: Some(TerminalPrompt::shared()),
        refresh_margin: report::refresh_margin()?,
    })?;
    if !client.answers_for(protocol, host) {
        debug.log(|| {
            format!(
                "{} is not a CodeCommit endpoint; not answering",
                echo_url(&format!("{protocol}://{host}"))
            )
        });
        return Ok(());
    }
    let at = report::parse_at(args.value("at"))?;
    let credential = client.git_credential_blocking(&request.url()?, at);
    report::warnings(program, &client);
    let credential = credential?;
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
