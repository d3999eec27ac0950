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
