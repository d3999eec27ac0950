//! AWS CodeCommit Git credentials from AWS profiles.
//!
//! Turns a `codecommit://` remote or a CodeCommit HTTPS URL, plus an AWS profile, into the
//! SigV4-signed username and password Git needs (or a URL carrying them). Every binding
//! (CLI, C, Python, Node) is a thin shell over [`Client`].
//!
//! ```no_run
//! use codecommit_auth::{Client, ClientOptions};
//! let client = Client::new(ClientOptions::default())?;
//! let cred = client.git_credential_blocking("codecommit::us-east-1://my-repo", None)?;
//! println!("{}", cred.plain_url());
//! # Ok::<(), codecommit_auth::Error>(())
//! ```
//!
//! # Cloning with git2
//!
//! libgit2 asks a credentials callback for a username and password; sign there. The
//! complete program, with argument handling, exit codes and a test against a local
//! endpoint, is `examples/git2_clone.rs`
//! (`cargo run -p codecommit-auth --example git2_clone -- REMOTE DIR`).
//!
//! ```no_run
//! use codecommit_auth::{Client, ClientOptions};
//! use git2::{Cred, FetchOptions, RemoteCallbacks, RemoteRedirect, build::RepoBuilder};
//!
//! let remote = "codecommit://dev@my-repo";
//! let client = Client::new(ClientOptions::default())?;
//! // libgit2 knows no codecommit:// scheme: clone from the HTTPS URL, sign for the remote
//! // (it names the profile).
//! let url = client.repository_url(remote)?;
//! let mut answered = false;
//! let mut callbacks = RemoteCallbacks::new();
//! callbacks.credentials(|_url, _username, _allowed| {
//!     // A second call means the server refused the credential: fail instead of looping.
//!     if std::mem::replace(&mut answered, true) {
//!         return Err(git2::Error::from_str("CodeCommit refused the credential"));
//!     }
//!     let cred = client
//!         .git_credential_blocking(remote, None)
//!         .map_err(|e| git2::Error::from_str(e.message()))?;
//!     Cred::userpass_plaintext(cred.username().expose(), cred.password().expose())
//! });
//! let mut fetch = FetchOptions::new();
//! fetch.remote_callbacks(callbacks);
//! // The callback is asked for the remote's URL even after a redirect: follow none, or
//! // the signature goes wherever the redirect points.
//! fetch.follow_redirects(RemoteRedirect::None);
//! RepoBuilder::new()
//!     .fetch_options(fetch)
//!     .clone(&url, std::path::Path::new("my-repo"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `CODE_COMMIT_ENDPOINT` (or [`ClientOptions::endpoint`]) sends everything to another
//! CodeCommit-compatible host, such as a VPC endpoint or a local test server.
#![forbid(unsafe_code)]

pub mod arguments;
pub mod binding;
pub mod cache;
pub mod client;
pub mod credential;
pub mod credentials;
pub mod endpoint;
mod environment;
pub mod error;
pub mod git_credential;
pub mod limits;
mod mfa;
pub mod plan;
pub mod platform;
mod process;
pub mod provider;
pub mod redact;
mod region;
pub mod remote;
mod resolve;
mod runtime;
mod sdk;
pub mod signature;
pub mod trace;

pub use client::{Client, ClientOptions, Target};
pub use credential::{GitCredential, sign, sign_credentials, url_encode};
pub use credentials::{Credentials, Secret};
pub use endpoint::{Endpoint, HostInfo, classify_host};
pub use error::{Error, ErrorCode, Result};
pub use git_credential::CredentialRequest;
pub use mfa::{MfaPrompt, MfaRequest, SharedMfaPrompt};
pub use remote::Remote;
pub use sdk::sts_clock_skew_blocking;
