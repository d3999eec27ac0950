//! The executor: runs a [`Plan`](crate::plan::Plan) through aws-config's providers, STS (with MFA) or our own
//! bounded `credential_process` runner. Every result passes `ProfileContext::validated`.
//!
//! What to run was decided by [`crate::plan`] (pure); this module does the I/O: token file
//! pre-checks, network calls within the operation timeout, and the error mapping that names
//! the profile and its fix.

use std::path::{Path, PathBuf};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::profile::{Profile, ProfileFileCredentialsProvider};
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_types::os_shim_internal::Env;
use aws_types::region::Region;

use crate::credentials::{Credentials, Secret};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{self, CREDENTIALS_MAX};
use crate::mfa::{self, MfaRequest, SharedMfaPrompt};
use crate::plan::{self, RoleHop, Step, non_empty};
use crate::platform::{self, ReadError};
use crate::provider::ProfileContext;
use crate::redact::{echo, shell_quote};
use crate::sdk::{self, error_chain, http_client, is_timeout, retries, timeouts};
use crate::{process, trace};

impl ProfileContext {
    /// Runs this profile's [`Plan`](crate::plan::Plan). `sts_region` is where STS (and other regional
    /// services) are called.
    pub async fn provider_credentials(
        &self,
        sts_region: Option<String>,
        mfa: Option<&SharedMfaPrompt>,
    ) -> Result<Credentials> {
        let plan = self.plan()?;
        trace::event(
            "plan",
            format_args!(
                "profile {} ({}): {}; step {}",
                echo(&plan.profile),
                if plan.explicit { "named" } else { "default" },
                plan.description,
                plan.step.name()
            ),
        );
        self.check_token_files()?;
        match plan.step {
            Step::Keys(creds) => self.validated(creds.with_source(plan.description)),
            Step::Process(command) => {
                let creds =
                    process::credentials(&self.name, &command, sdk::operation_timeout()).await?;
                self.validated(creds)
            }
            Step::MfaRole(hop) => {
                let request = plan.mfa.unwrap_or_else(|| MfaRequest {
                    profile: self.name.clone(),
                    serial: hop.mfa_serial.clone().unwrap_or_default(),
                    role_arn: hop.role_arn.clone(),
                });
                let prompt = mfa::require_prompt(&request, mfa)?;
                let source = self.role_source(sts_region.clone()).await?;
                let settings = mfa::RoleSettings {
                    session_name: hop.session_name.as_deref(),
                    external_id: hop.external_id.as_deref(),
                    duration: hop.duration,
                };
                let creds = Box::pin(mfa::assume_role_with_mfa(
                    &request, settings, source, sts_region, prompt,
                ))
                .await?;
                self.validated(creds.with_source(format!("{} (MFA)", plan.description)))
            }
            // aws-config's profile provider never sends DurationSeconds, and would run a
            // credential_process at the base of the chain with its own unbounded provider.
            Step::AssumeRole(hop) => Box::pin(self.assume_role_for(&hop, sts_region)).await,
            Step::AwsConfig { explicit } => {
                let config = provider_config(sts_region);
                let provider = if explicit {
                    self.explicit_chain(&config)
                } else {
                    let chain = DefaultCredentialsChain::builder()
                        .configure(config)
                        .build()
                        .await;
                    SharedCredentialsProvider::new(chain)
                };
                self.resolve(provider).await
            }
        }
    }

    /// Runs `provider` within the operation timeout and maps its errors.
    async fn resolve(&self, provider: SharedCredentialsProvider) -> Result<Credentials> {
        let resolved =
            tokio::time::timeout(sdk::operation_timeout(), provider.provide_credentials()).await;
        match resolved {
            Ok(Ok(c)) => self.validated(
                Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    c.session_token().map(Secret::new),
                    c.expiry(),
                )
                .with_source(self.describe_source()),
            ),
            Ok(Err(err)) => Err(self.map_error(&err)),
            Err(_) => Err(self.timeout_error()),
        }
    }

    /// The last hop of a role profile with `duration_seconds`: the source credentials come
    /// from the source profile (resolved the usual way) or the named `credential_source`,
    /// then aws-config's own `sts::AssumeRoleProvider`, which does send DurationSeconds.
    async fn assume_role_for(
        &self,
        hop: &RoleHop,
        sts_region: Option<String>,
    ) -> Result<Credentials> {
        let role_arn = hop.role_arn.as_str();
        let source = self.role_source(sts_region.clone()).await?;
        let sdk = sdk::sts_config(sts_region, None).await;
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn).configure(&sdk);
        if let Some(duration) = hop.duration {
            builder = builder.session_length(duration);
        }
        if let Some(id) = &hop.external_id {
            builder = builder.external_id(id);
        }
        if let Some(name) = &hop.session_name {
            builder = builder.session_name(name);
        }
        let provider = builder.build_from_provider(source).await;
        self.resolve(SharedCredentialsProvider::new(provider)).await
    }

    /// The credentials a role profile's role is assumed with.
    pub(crate) async fn role_source(
        &self,
        sts_region: Option<String>,
    ) -> Result<SharedCredentialsProvider> {
        let config = provider_config(sts_region.clone());
        if let Some(source) = self.setting("source_profile") {
            plan::role_chain(&self.set, &self.name)?;
            let creds = if source == self.name {
                // Keys in the role profile itself (source_profile pointing to itself).
                let (akid, secret) = (
                    self.setting("aws_access_key_id"),
                    self.setting("aws_secret_access_key"),
                );
                let (Some(akid), Some(secret)) = (akid, secret) else {
                    return Err(plan::self_source_without_keys(source));
                };
                let token = self.setting("aws_session_token").map(Secret::new);
                self.validated(
                    Credentials::new(akid, secret, token, None)
                        .with_source(format!("profile {}", echo(source))),
                )?
            } else {
                let source = ProfileContext::load_with(Some(source), self.env.clone())?;
                match source.static_credentials() {
                    Some(creds) => creds,
                    None => Box::pin(source.provider_credentials(sts_region, None)).await?,
                }
            };
            return Ok(SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    creds.access_key_id(),
                    creds.secret_access_key().expose(),
                    creds.session_token().map(|t| t.expose().to_owned()),
                    creds.expiry(),
                    "codecommit-auth-source-profile",
                ),
            ));
        }
        match self.setting("credential_source") {
            Some("Environment") => Ok(SharedCredentialsProvider::new(
                EnvironmentVariableCredentialsProvider::new(),
            )),
            Some("EcsContainer") => Ok(SharedCredentialsProvider::new(
                EcsCredentialsProvider::builder().configure(&config).build(),
            )),
            Some("Ec2InstanceMetadata") => Ok(SharedCredentialsProvider::new(
                ImdsCredentialsProvider::builder()
                    .configure(&config)
                    .build(),
            )),
            Some(other) => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "profile \"{}\" has an unknown credential_source {}; use Environment, \
                     EcsContainer or Ec2InstanceMetadata",
                    echo(&self.name),
                    echo(other)
                ),
            )),
            None => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "profile \"{}\" has role_arn but neither source_profile nor \
                     credential_source; add source_profile = PROFILE_WITH_KEYS",
                    echo(&self.name)
                ),
            )),
        }
    }

    /// Token files aws-config reads itself (web identity tokens, the SSO and `aws login`
    /// token caches, the container authorization token): each must be a regular file of at
    /// most [`CREDENTIALS_MAX`], checked here so a FIFO, a device or a directory fails at once
    /// instead of hanging or filling memory. Checked, not read: aws-config 1.13 takes no
    /// in-memory `Fs` for its providers (`ProviderConfig::with_fs` is crate-private), and it
    /// writes refreshed SSO tokens back to the same files.
    fn check_token_files(&self) -> Result<()> {
        let var = |k: &str| plan::var(&self.env, k);
        if let (Some(file), Some(_)) = (var("AWS_WEB_IDENTITY_TOKEN_FILE"), var("AWS_ROLE_ARN")) {
            check_token_file(Path::new(&file), "AWS_WEB_IDENTITY_TOKEN_FILE", &self.name)?;
        }
        if let Some(file) = var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            let what = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
            check_token_file(Path::new(&file), what, &self.name)?;
        }
        let mut seen: Vec<&str> = Vec::new();
        let mut name = self.name.as_str();
        while let Some(profile) = self.set.get_profile(name) {
            if let Some(file) = non_empty(profile, "web_identity_token_file") {
                check_token_file(Path::new(file), "web_identity_token_file", name)?;
            }
            if let Some(path) = sso_token_path(profile) {
                check_sso_token(&path, name)?;
            }
            if let Some(session) = non_empty(profile, "login_session") {
                check_login_token(session, &self.env, name)?;
            }
            seen.push(name);
            match non_empty(profile, "source_profile") {
                Some(next) if !seen.contains(&next) => name = next,
                _ => break,
            }
        }
        Ok(())
    }

    /// The default chain without the environment provider.
    fn explicit_chain(&self, config: &ProviderConfig) -> SharedCredentialsProvider {
        let profile = ProfileFileCredentialsProvider::builder()
            .profile_name(&self.name)
            .configure(config)
            .build();
        let chain = CredentialsProviderChain::first_try("Profile", profile)
            .or_else(
                "WebIdentityToken",
                WebIdentityTokenCredentialsProvider::builder()
                    .configure(config)
                    .build(),
            )
            .or_else(
                "EcsContainer",
                EcsCredentialsProvider::builder().configure(config).build(),
            )
            .or_else(
                "Ec2InstanceMetadata",
                ImdsCredentialsProvider::builder().configure(config).build(),
            );
        SharedCredentialsProvider::new(chain)
    }

    fn timeout_error(&self) -> Error {
        Error::new(
            ErrorCode::Timeout,
            format!(
                "resolving credentials for profile \"{}\" ({}) took longer than {} s; check \
                 network access to the credential source",
                echo(&self.name),
                self.describe_source(),
                sdk::operation_timeout().as_secs()
            ),
        )
    }

    pub(crate) fn map_error(&self, err: &CredentialsError) -> Error {
        let name = &echo(&self.name);
        let quoted = &shell_quote(&self.name);
        let detail = error_chain(err);
        let (code, hint) = match err {
            CredentialsError::ProviderTimedOut(_) => (ErrorCode::Timeout, timeout_hint(name)),
            _ if is_timeout(err) => (ErrorCode::Timeout, timeout_hint(name)),
            // The profile's own settings are what aws-config refused: name the file(s) that
            // hold them, not the ambient source the profile would otherwise fall back to.
            CredentialsError::InvalidConfiguration(_) => match self.defined_in() {
                Some(files) => {
                    return Error::new(
                        ErrorCode::InvalidConfig,
                        format!(
                            "fix profile \"{name}\" in {files}{}. Details: {detail}",
                            self.own_source()
                                .map_or(String::new(), |s| format!(" (source: {s})"))
                        ),
                    );
                }
                None => (
                    ErrorCode::InvalidConfig,
                    format!("fix the configuration of the credential source of profile \"{name}\""),
                ),
            },
            CredentialsError::CredentialsNotLoaded(_) => (
                ErrorCode::NoCredentials,
                format!(
                    "configure credentials with `aws configure --profile {quoted}`, set \
                     AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or name a profile in the remote \
                     (codecommit://PROFILE@REPO)"
                ),
            ),
            // What the SDK still gets after its bounded retries (3 attempts, backoff).
            _ if detail.contains("(Throttling)") || detail.contains("Rate exceeded") => (
                ErrorCode::CredentialSource,
                format!(
                    "AWS is throttling the credential requests of profile \"{name}\" (still \
                     after 3 attempts); wait a minute and try again. Many git processes at once \
                     share one session through ~/.aws/cli/cache, so keep the cache on"
                ),
            ),
            _ if self.setting("sso_session").is_some()
                || self.setting("sso_start_url").is_some() =>
            {
                (
                    ErrorCode::LoginRequired,
                    format!(
                        "the SSO session is missing or expired: run `aws sso login --profile {quoted}`"
                    ),
                )
            }
            _ if self.setting("login_session").is_some() => (
                ErrorCode::LoginRequired,
                format!(
                    "the login session is missing or expired: run `aws login --profile {quoted}`"
                ),
            ),
            _ => (
                ErrorCode::CredentialSource,
                format!("the credential source of profile \"{name}\" failed"),
            ),
        };
        Error::new(
            code,
            format!("{hint} ({}). Details: {detail}", self.describe_source()),
        )
    }
}

impl ProfileContext {
    /// The source the profile's own settings name (a role, SSO, keys, a process), or `None`
    /// when it names none and [`Self::describe_source`] would describe the ambient chain.
    fn own_source(&self) -> Option<String> {
        let described = self.describe_source();
        // plan::describe ends a profile's own source with "(profile NAME)".
        described
            .ends_with(&format!("(profile {})", echo(&self.name)))
            .then_some(described)
    }
}

fn timeout_hint(profile: &str) -> String {
    format!(
        "the credential source of profile \"{profile}\" did not answer in time; check network \
         access to it"
    )
}

fn provider_config(region: Option<String>) -> ProviderConfig {
    ProviderConfig::without_region()
        .with_region(region.map(Region::new))
        .with_http_client(http_client())
        .with_timeout_config(timeouts())
        .with_retry_config(retries())
}

/// A token file aws-config will read for `profile`: a regular file of at most
/// [`CREDENTIALS_MAX`]. A missing file is left to aws-config, whose error says what to do
/// (SSO: "run aws sso login").
fn check_token_file(path: &Path, what: &str, profile: &str) -> Result<()> {
    let shown = format!("{what} {}", echo(&path.to_string_lossy()));
    check_token_file_as(path, &shown, profile, "")
}

/// The SSO token cache: the fix is to remove the file and log in again.
fn check_sso_token(path: &Path, profile: &str) -> Result<()> {
    let shown = format!("SSO token cache file {}", echo(&path.to_string_lossy()));
    let fix = format!(
        "; fix: rm -r {}, then run `aws sso login --profile {}`",
        shell_quote(&path.to_string_lossy()),
        shell_quote(profile)
    );
    check_token_file_as(path, &shown, profile, &fix)
}

/// The `aws login` token cache of `login_session` (see [`login_token_path`]). Its name is a
/// SHA-256 in hex, which every error line redacts as signature-shaped, so the file is named
/// by its directory and the login_session it belongs to.
fn check_login_token(login_session: &str, env: &Env, profile: &str) -> Result<()> {
    let Some(dir) = login_token_dir(env) else {
        return Ok(()); // no home directory: aws-config says so itself
    };
    let path = dir.join(login_token_name(login_session));
    let dir = dir.to_string_lossy();
    let shown = format!(
        "login token cache file in {} (named after the SHA-256 of login_session {})",
        echo(&dir),
        echo(login_session.trim())
    );
    let fix = format!(
        "; fix: remove that file (`ls -la {}` lists it), then run `aws login --profile {}`",
        shell_quote(&dir),
        shell_quote(profile)
    );
    check_token_file_as(&path, &shown, profile, &fix)
}

/// The check; the error line names the file as `shown` and ends with `fix`.
fn check_token_file_as(path: &Path, shown: &str, profile: &str, fix: &str) -> Result<()> {
    let checked = platform::open_regular(path, true).and_then(|file| {
        let len = file.metadata()?.len();
        if len > CREDENTIALS_MAX {
            return Err(ReadError::TooLarge(CREDENTIALS_MAX));
        }
        Ok(())
    });
    match checked {
        Ok(()) => Ok(()),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::new(
            ErrorCode::CredentialSource,
            format!(
                "profile \"{}\": cannot use the {shown}: {e}; it must be a regular file of at \
                 most {}{fix}",
                echo(profile),
                limits::describe(CREDENTIALS_MAX)
            ),
        )),
    }
}

/// Where aws-config looks for the SSO token of `profile`: `~/.aws/sso/cache/<sha1>.json`, the
/// hash of the `sso_session` name (or of the legacy `sso_start_url`).
fn sso_token_path(profile: &Profile) -> Option<PathBuf> {
    use sha1::Digest;
    let key = match non_empty(profile, "sso_session") {
        Some(session) => session,
        None => non_empty(profile, "sso_start_url")?,
    };
    let home = crate::platform::home_dir()?;
    let name = format!("{}.json", hex::encode(sha1::Sha1::digest(key.as_bytes())));
    Some(home.join(".aws/sso/cache").join(name))
}

/// Where aws-config's `login_session` provider (`aws login`) keeps its tokens:
/// `$AWS_LOGIN_CACHE_DIRECTORY` (when set, even empty) or `~/.aws/login/cache`
/// (aws-config 1.13 `login/cache.rs`).
fn login_token_dir(env: &Env) -> Option<PathBuf> {
    match env.get("AWS_LOGIN_CACHE_DIRECTORY") {
        Ok(dir) => Some(PathBuf::from(dir)),
        Err(_) => Some(crate::platform::home_dir()?.join(".aws/login/cache")),
    }
}

/// The token file's name in [`login_token_dir`]: the SHA-256 of the trimmed login_session.
fn login_token_name(login_session: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(login_session.trim().as_bytes());
    format!("{}.json", hex::encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_token_names_match_aws_config() {
        // aws-config 1.13 login/cache.rs determine_correct_cache_filenames.
        let admin = "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726.json";
        assert_eq!(
            login_token_name("arn:aws:iam::0123456789012:user/Admin"),
            admin
        );
        assert_eq!(
            login_token_name("  arn:aws:iam::0123456789012:user/Admin  "),
            admin
        );
        assert_eq!(
            login_token_name("arn:aws:iam::000000000000:user/PowerUser"),
            "d19c78f768c6a12874de5f41d7f22cbb834ba205704102da0db20d8496efecb5.json"
        );
    }
}
