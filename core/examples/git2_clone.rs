//! Clones an AWS CodeCommit repository with [git2](https://docs.rs/git2) (libgit2), getting
//! the Git username and password from codecommit-auth in a credentials callback.
//!
//! ```text
//! cargo run -p codecommit-auth --example git2_clone -- [--profile P] [--endpoint URL] REMOTE DIR
//! ```
//!
//! - `REMOTE`: `codecommit://[PROFILE@]REPO`, `codecommit::REGION://[PROFILE@]REPO` or
//!   `https://git-codecommit.REGION.amazonaws.com/v1/repos/REPO`.
//! - `--endpoint` (or `CODE_COMMIT_ENDPOINT`): another CodeCommit-compatible host, such as a
//!   VPC endpoint or the local test endpoint.
//!
//! Prints `url URL` and then `cloned COMMIT` on stdout. Exit status: 0 cloned, 1 the clone
//! failed, 2 bad usage, or a codecommit-auth error code (README table) when the credentials
//! could not be made.
//!
//! Roles with `mfa_serial` need [`ClientOptions::mfa`] (a prompt); this example has none,
//! so such profiles fail with `MFA_REQUIRED`. codecommit-auth bounds its own network calls;
//! libgit2 1.5 has no network timeouts (git2 0.19 and later, on libgit2 1.7, add
//! `git2::opts::set_server_timeout_in_milliseconds`).

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::ExitCode;

use codecommit_auth::redact::{echo, echo_url};
use codecommit_auth::{Client, ClientOptions, Error};
use git2::build::RepoBuilder;
use git2::{Cred, CredentialType, FetchOptions, RemoteCallbacks, RemoteRedirect};

const PROGRAM: &str = "git2_clone";
const USAGE: &str = "usage: git2_clone [--profile P] [--endpoint URL] REMOTE DIR";

struct Args {
    profile: Option<String>,
    endpoint: Option<String>,
    remote: String,
    dir: PathBuf,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{PROGRAM}: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match clone(&args) {
        Ok(commit) => {
            println!("cloned {commit}");
            ExitCode::SUCCESS
        }
        Err(Failure::Library(e)) => {
            eprintln!(
                "{PROGRAM}: error: {e} (code {} {})",
                e.code().as_i32(),
                e.code().name()
            );
            ExitCode::from(u8::try_from(e.code().as_i32()).unwrap_or(1))
        }
        Err(Failure::Git(e)) => {
            eprintln!("{PROGRAM}: clone failed: {}", e.message());
            ExitCode::from(1)
        }
    }
}

enum Failure {
    /// codecommit-auth could not make a credential (bad remote, profile, STS...).
    Library(Error),
    /// libgit2 failed for another reason (network, refused credential, bad directory).
    Git(git2::Error),
}

fn clone(args: &Args) -> Result<String, Failure> {
    let client = Client::new(ClientOptions {
        profile: args.profile.clone(),
        endpoint: args.endpoint.clone(),
        ..ClientOptions::default()
    })
    .map_err(Failure::Library)?;
    // libgit2 knows no codecommit:// scheme: it fetches from the plain HTTPS URL (or the
    // endpoint override's URL), and the callback signs for the remote as given, so a
    // profile named in `codecommit://PROFILE@REPO` is still the one used.
    let url = client
        .repository_url(&args.remote)
        .map_err(Failure::Library)?;
    println!("url {url}");

    // The callback cannot return our error type, so it leaves it here for `main`.
    let library_error = RefCell::new(None);
    let mut answered = Vec::new();
    let mut callbacks = RemoteCallbacks::new();
    callbacks.credentials(|asked_url, _username, allowed| {
        credential(&client, args, &url, asked_url, allowed, &mut answered)
            .map_err(|e| keep(&library_error, e))
    });
    let mut fetch = FetchOptions::new();
    fetch.remote_callbacks(callbacks);
    // CodeCommit does not redirect. libgit2 asks the callback for the remote's URL even after
    // a redirect, so a followed redirect would carry the signature to the other host. (libgit2
    // still follows a redirect to another port of the same host name.)
    fetch.follow_redirects(RemoteRedirect::None);
    let result = RepoBuilder::new()
        .fetch_options(fetch)
        .clone(&url, &args.dir);
    match (result, library_error.into_inner()) {
        (Ok(repo), _) => head_commit(&repo).map_err(Failure::Git),
        (Err(_), Some(e)) => Err(Failure::Library(e)),
        (Err(e), None) => Err(Failure::Git(e)),
    }
}

/// Why the callback refused: a codecommit-auth error, or a refusal of its own.
enum Refusal {
    Library(Error),
    Git(git2::Error),
}

/// Turns a refusal into the git2 error libgit2 reports, keeping a library error for `main`.
fn keep(slot: &RefCell<Option<Error>>, refusal: Refusal) -> git2::Error {
    match refusal {
        Refusal::Git(e) => e,
        Refusal::Library(e) => {
            let git = git2::Error::from_str(e.message());
            *slot.borrow_mut() = Some(e);
            git
        }
    }
}

/// The credentials callback. libgit2 calls it when the server answers 401, and again after
/// each credential the server refused: a second call for a URL means the signed credential
/// was refused, and signing again would only loop, so it fails then.
fn credential(
    client: &Client,
    args: &Args,
    url: &str,
    asked_url: &str,
    allowed: CredentialType,
    answered: &mut Vec<String>,
) -> Result<Cred, Refusal> {
    if !allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
        return Err(refuse(format!(
            "{} does not take a username and password ({allowed:?})",
            echo_url(asked_url)
        )));
    }
    if answered.iter().any(|u| u == asked_url) {
        forget(client, &args.remote);
        return Err(refuse(format!(
            "the server refused the signed credential for {url}; check the profile's keys \
             and permissions: codecommit-auth doctor {}",
            echo(&args.remote)
        )));
    }
    answered.push(asked_url.to_owned());
    let signed = client
        .git_credential_blocking(&args.remote, None)
        .map_err(Refusal::Library)?;
    Cred::userpass_plaintext(signed.username().expose(), signed.password().expose())
        .map_err(Refusal::Git)
}

fn refuse(message: String) -> Refusal {
    Refusal::Git(git2::Error::from_str(&message))
}

/// Drops a refused session from the shared credential cache (what git's `erase` does), so
/// the next run starts a new one instead of reusing what the server refused.
fn forget(client: &Client, remote: &str) {
    let Ok(target) = client.target(remote) else {
        return;
    };
    if let Ok(creds) = client.credentials_blocking(&target) {
        let _ = client.forget_rejected(&target, creds.access_key_id());
    }
}

fn head_commit(repo: &git2::Repository) -> Result<String, git2::Error> {
    Ok(repo.head()?.peel_to_commit()?.id().to_string())
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut profile, mut endpoint, mut positional) = (None, None, Vec::new());
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--profile" => profile = Some(argv.next().ok_or("--profile needs a value")?),
            "--endpoint" => endpoint = Some(argv.next().ok_or("--endpoint needs a value")?),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}")),
            _ => positional.push(arg),
        }
    }
    let [remote, dir]: [String; 2] = positional
        .try_into()
        .map_err(|_| "expected REMOTE and DIR".to_owned())?;
    Ok(Args {
        profile,
        endpoint,
        remote,
        dir: PathBuf::from(dir),
    })
}
