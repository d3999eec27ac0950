//! Assume a role that requires MFA.
//!
//! aws-config has no MFA support, so this one step is done here: the source credentials
//! still come from aws-config (or static keys), the code from the caller's [`MfaPrompt`],
//! and the AssumeRole call from aws-sdk-sts, with the same timeouts and retries as
//! everything else. The session is then cached like any other role session.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::SharedCredentialsProvider;

use crate::credentials::{Credentials, Secret};
use crate::error::{Error, ErrorCode, Result};
use crate::redact::{echo, shell_quote};
use crate::sdk::{self, error_chain};

/// What an MFA prompt is asked for: the code for `serial`, to assume `role_arn` in `profile`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaRequest {
    pub profile: String,
    pub serial: String,
    pub role_arn: String,
}

/// Supplies MFA codes. Called from a blocking context (never on an async executor thread),
/// at most once per role session: the session is cached until it expires.
pub trait MfaPrompt: Send + Sync {
    /// The current code from the device named by `request.serial`. An error aborts the
    /// credential request with that error.
    fn code(&self, request: &MfaRequest) -> Result<String>;
}

/// A shareable MFA prompt (the bindings wrap their callbacks in one).
pub type SharedMfaPrompt = Arc<dyn MfaPrompt>;

/// The prompt to ask, or `MfaRequired` naming the profile when there is none (checked before
/// the source credentials are resolved).
pub(crate) fn require_prompt(
    request: &MfaRequest,
    prompt: Option<&SharedMfaPrompt>,
) -> Result<SharedMfaPrompt> {
    prompt.cloned().ok_or_else(|| no_prompt(request))
}

/// The AssumeRole settings of the role's profile (taken from the plan's hop).
pub(crate) struct RoleSettings<'a> {
    pub session_name: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub duration: Option<Duration>,
}

/// AssumeRole `request.role_arn` with the code `prompt` gives, from the `source` credentials. The caller
/// validates the result and names its source.
pub(crate) async fn assume_role_with_mfa(
    request: &MfaRequest,
    hop: RoleSettings<'_>,
    source: SharedCredentialsProvider,
    sts_region: Option<String>,
    prompt: SharedMfaPrompt,
) -> Result<Credentials> {
    let asked = request.clone();
    let code = tokio::task::spawn_blocking(move || prompt.code(&asked))
        .await
        .map_err(|_| Error::new(ErrorCode::Internal, "the MFA prompt panicked"))??;
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::new(
            ErrorCode::MfaRequired,
            format!(
                "no valid MFA code was entered for {} (profile {})",
                echo(&request.serial),
                echo(&request.profile)
            ),
        ));
    }
    let sdk = sdk::sts_config(sts_region, Some(source)).await;
    let session_name = hop
        .session_name
        .map_or_else(default_session_name, str::to_owned);
    let output = aws_sdk_sts::Client::new(&sdk)
        .assume_role()
        .role_arn(&request.role_arn)
        .role_session_name(session_name)
        .set_external_id(hop.external_id.map(str::to_owned))
        .set_duration_seconds(hop.duration.and_then(|d| i32::try_from(d.as_secs()).ok()))
        .serial_number(&request.serial)
        .token_code(code)
        .send()
        .await
        .map_err(|e| {
            Error::new(
                ErrorCode::CredentialSource,
                format!(
                    "AssumeRole {} with MFA {} (profile {}) failed: {}. Check the code and the \
                     clock of the MFA device",
                    echo(&request.role_arn),
                    echo(&request.serial),
                    echo(&request.profile),
                    error_chain(&e)
                ),
            )
        })?;
    let c = output
        .credentials()
        .ok_or_else(|| Error::new(ErrorCode::CredentialSource, "STS returned no credentials"))?;
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(Secret::new(c.session_token())),
        expiry,
    ))
}

fn default_session_name() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("codecommit-auth-{now}")
}

fn no_prompt(request: &MfaRequest) -> Error {
    Error::new(
        ErrorCode::MfaRequired,
        format!(
            "profile {} assumes {} with MFA (mfa_serial {}) and there is no way to ask for the \
             code here (no terminal, no callback). Run `aws sts get-caller-identity --profile {}` \
             in a terminal once: the session it caches in ~/.aws/cli/cache is used until it expires",
            echo(&request.profile),
            echo(&request.role_arn),
            echo(&request.serial),
            shell_quote(&request.profile)
        ),
    )
}
