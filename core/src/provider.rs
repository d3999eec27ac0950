//! Profile → credentials and region, through aws-config.
//!
//! The AWS config files are parsed with aws-config's own parser. Static keys (environment
//! variables, plain profile keys) are taken straight from that parse: no runtime, no HTTP
//! client, no TLS. Everything else (assume role, SSO, web identity, credential_process,
//! container, IMDS) goes through aws-config's providers with bounded timeouts.

use std::borrow::Cow;
use std::time::Duration;

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::profile::{Profile, ProfileFileCredentialsProvider, ProfileSet};
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;

use crate::cache;
use crate::client::{MfaRequest, SharedMfaPrompt};
use crate::credentials::{Credentials, Secret};
use crate::error::{Error, ErrorCode, Result};
use crate::runtime;

/// Profile keys that mean "not static keys": resolution needs a provider (and maybe network).
const DYNAMIC_KEYS: [&str; 9] = [
    "role_arn",
    "credential_process",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "web_identity_token_file",
    "login_session",
    "mfa_serial",
];

/// Network bounds for every credential source.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The parsed AWS config and which profile is in use.
pub struct ProfileContext {
    set: ProfileSet,
    name: String,
    /// Named by the caller (URL, option, --profile): environment keys are then not used,
    /// as in botocore, where an explicit profile removes the environment provider.
    explicit: bool,
}

impl ProfileContext {
    /// Parses `~/.aws/config` and `~/.aws/credentials` (honouring `AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`).
    pub fn load(explicit: Option<&str>) -> Result<ProfileContext> {
        let files = ProfileFiles::builder()
            .include_default_config_file(true)
            .include_default_credentials_file(true)
            .build();
        let selected = explicit.map(|p| Cow::Owned(p.to_owned()));
        let set = runtime::poll_here(aws_config::profile::load(
            &Fs::real(),
            &Env::real(),
            &files,
            selected,
        ))
        .map_err(|e| {
            Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "cannot read the AWS config files: {}. Fix the file it names (or check \
                     AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)",
                    // One line, no Debug dump (DisplayErrorContext appends one).
                    error_chain(&e)
                ),
            )
        })?;
        let env_profile = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
        let context = ProfileContext {
            name: set.selected_profile().to_owned(),
            explicit: explicit.is_some(),
            set,
        };
        if explicit.is_some() || env_profile.is_some() {
            context.require_profile()?;
        }
        Ok(context)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_explicit(&self) -> bool {
        self.explicit
    }

    fn profile(&self) -> Option<&Profile> {
        self.set.get_profile(&self.name)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.profile()
            .and_then(|p| p.get(key))
            .filter(|v| !v.is_empty())
    }

    fn require_profile(&self) -> Result<()> {
        if self.profile().is_some() {
            return Ok(());
        }
        let mut available: Vec<&str> = self.set.profiles().collect();
        available.sort_unstable();
        // At most 20 names: a config with thousands of profiles must not make a huge message.
        let more = available.len().saturating_sub(20);
        available.truncate(20);
        let listed = if available.is_empty() {
            "there are no profiles".to_owned()
        } else if more > 0 {
            format!(
                "available profiles: {} and {more} more",
                available.join(", ")
            )
        } else {
            format!("available profiles: {}", available.join(", "))
        };
        Err(Error::new(
            ErrorCode::UnknownProfile,
            format!(
                "AWS profile \"{}\" is not defined in the AWS config or credentials file \
                 ({listed}). Create it with `aws configure --profile {}` or use an existing one",
                self.name, self.name
            ),
        ))
    }

    /// Region from `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub fn configured_region(&self) -> Option<String> {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .or_else(|| self.get("region").map(str::to_owned))
    }

    /// FIPS from `AWS_USE_FIPS_ENDPOINT`, then the profile's `use_fips_endpoint`.
    pub fn use_fips(&self) -> bool {
        std::env::var("AWS_USE_FIPS_ENDPOINT")
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| self.get("use_fips_endpoint").map(str::to_owned))
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The AWS CLI cache key of this profile's temporary credentials (assumed roles and SSO
    /// role credentials, the sources the AWS CLI caches); `None` for anything else.
    pub fn cache_key(&self) -> Option<String> {
        if !self.explicit && env_has_keys() {
            return None;
        }
        if let Some(role_arn) = self.get("role_arn") {
            let duration = self
                .get("duration_seconds")
                .and_then(|d| d.trim().parse().ok());
            return Some(cache::role_key(
                role_arn,
                self.get("role_session_name"),
                self.get("external_id"),
                self.get("mfa_serial"),
                duration,
            ));
        }
        let (account, role) = (self.get("sso_account_id")?, self.get("sso_role_name")?);
        Some(cache::sso_key(
            account,
            role,
            self.get("sso_session"),
            self.get("sso_start_url"),
        ))
    }

    /// What to ask an MFA prompt, for role profiles with `mfa_serial`.
    pub fn mfa_request(&self) -> Option<MfaRequest> {
        if !self.explicit && env_has_keys() {
            return None;
        }
        Some(MfaRequest {
            profile: self.name.clone(),
            serial: self.get("mfa_serial")?.to_owned(),
            role_arn: self.get("role_arn")?.to_owned(),
        })
    }

    /// A profile setting (empty values count as unset).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.get(key)
    }

    /// True when this profile's credentials come from a single sign-on session.
    fn uses_sso(&self) -> bool {
        self.get("sso_session").is_some() || self.get("sso_start_url").is_some()
    }

    /// A human description of the credential source (for `doctor`; never a secret).
    pub fn describe_source(&self) -> String {
        if !self.explicit && env_has_keys() {
            return "environment variables (AWS_ACCESS_KEY_ID)".into();
        }
        let name = &self.name;
        let described = if let Some(role) = self.get("role_arn") {
            let via = self
                .get("source_profile")
                .map(|p| format!("source_profile {p}"))
                .or_else(|| {
                    self.get("credential_source")
                        .map(|s| format!("credential_source {s}"))
                })
                .or_else(|| {
                    self.get("web_identity_token_file")
                        .map(|f| format!("web identity token file {f}"))
                })
                .unwrap_or_else(|| "?".into());
            let mfa = self
                .get("mfa_serial")
                .map_or(String::new(), |m| format!(", MFA {m}"));
            format!("assume role {role} via {via}{mfa}")
        } else if self.uses_sso() {
            format!(
                "SSO ({})",
                self.get("sso_session").unwrap_or("legacy sso_start_url")
            )
        } else if self.get("credential_process").is_some() {
            "credential_process".into()
        } else if self.get("login_session").is_some() {
            "login session (aws login)".into()
        } else if self.get("aws_access_key_id").is_some() {
            "static keys".into()
        } else {
            return default_chain_source();
        };
        format!("{described} (profile {name})")
    }

    /// Static keys, when that is all this profile (or the environment) holds. No I/O.
    pub fn static_credentials(&self) -> Option<Credentials> {
        if !self.explicit
            && let Some(creds) = env_credentials()
        {
            return Some(creds);
        }
        if DYNAMIC_KEYS.iter().any(|k| self.get(k).is_some()) {
            return None;
        }
        let akid = self.get("aws_access_key_id")?;
        let secret = self.get("aws_secret_access_key")?;
        let token = self.get("aws_session_token").map(Secret::new);
        Some(
            Credentials::new(akid, secret, token, None)
                .with_source(format!("profile {}", self.name)),
        )
    }

    /// Resolves credentials through aws-config's providers. `sts_region` is where STS
    /// (and other regional services) are called.
    pub async fn provider_credentials(
        &self,
        sts_region: Option<String>,
        mfa: Option<&SharedMfaPrompt>,
    ) -> Result<Credentials> {
        if let Some(request) = self.mfa_request() {
            return Box::pin(crate::mfa::assume_role_with_mfa(
                self, request, sts_region, mfa,
            ))
            .await;
        }
        if let Some(duration) = self.role_duration()? {
            return Box::pin(self.assume_role_for(duration, sts_region)).await;
        }
        let config = provider_config(sts_region);
        let provider = if self.explicit {
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

    /// Runs `provider` within [`OPERATION_TIMEOUT`] and maps its errors.
    async fn resolve(&self, provider: SharedCredentialsProvider) -> Result<Credentials> {
        let resolved =
            tokio::time::timeout(OPERATION_TIMEOUT, provider.provide_credentials()).await;
        match resolved {
            Ok(Ok(c)) => Ok(Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token().map(Secret::new),
                c.expiry(),
            )
            .with_source(self.describe_source())),
            Ok(Err(err)) => Err(self.map_error(&err)),
            Err(_) => Err(self.timeout_error()),
        }
    }

    /// `duration_seconds` of a role profile (not web identity). aws-config's profile provider
    /// never sends DurationSeconds, so such a role is assumed by us (see `assume_role_for`).
    fn role_duration(&self) -> Result<Option<Duration>> {
        if self.get("role_arn").is_none() || self.get("web_identity_token_file").is_some() {
            return Ok(None);
        }
        let Some(raw) = self.get("duration_seconds") else {
            return Ok(None);
        };
        match raw.trim().parse::<u64>() {
            Ok(secs) if (900..=43_200).contains(&secs) => Ok(Some(Duration::from_secs(secs))),
            _ => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "duration_seconds = {raw} in profile \"{}\" is not a number of seconds \
                     between 900 and 43200; fix it in the AWS config file",
                    self.name
                ),
            )),
        }
    }

    /// The last hop of a role profile with `duration_seconds`: the source credentials come
    /// from the source profile (resolved the usual way) or the named `credential_source`,
    /// then aws-config's own `sts::AssumeRoleProvider`, which does send DurationSeconds.
    async fn assume_role_for(
        &self,
        duration: Duration,
        sts_region: Option<String>,
    ) -> Result<Credentials> {
        let role_arn = self.get("role_arn").unwrap_or_default();
        let source = self.role_source(sts_region.clone()).await?;
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(Region::new(
                sts_region.unwrap_or_else(|| "us-east-1".to_owned()),
            ))
            .http_client(http_client())
            .timeout_config(timeouts())
            .retry_config(retries())
            .load()
            .await;
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_length(duration)
            .configure(&sdk);
        if let Some(id) = self.get("external_id") {
            builder = builder.external_id(id);
        }
        if let Some(name) = self.get("role_session_name") {
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
        if let Some(source) = self.get("source_profile") {
            self.check_source_loop()?;
            let creds = if source == self.name {
                // Keys in the role profile itself (source_profile pointing to itself).
                let (akid, secret) = (
                    self.get("aws_access_key_id"),
                    self.get("aws_secret_access_key"),
                );
                let (Some(akid), Some(secret)) = (akid, secret) else {
                    return Err(Error::new(
                        ErrorCode::InvalidConfig,
                        format!(
                            "profile \"{source}\" is its own source_profile but has no \
                             aws_access_key_id/aws_secret_access_key"
                        ),
                    ));
                };
                let token = self.get("aws_session_token").map(Secret::new);
                Credentials::new(akid, secret, token, None)
            } else {
                let source = ProfileContext::load(Some(source))?;
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
        match self.get("credential_source") {
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
                    "profile \"{}\" has an unknown credential_source {other}; use Environment, \
                     EcsContainer or Ec2InstanceMetadata",
                    self.name
                ),
            )),
            None => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "profile \"{}\" has role_arn but neither source_profile nor \
                     credential_source; add source_profile = PROFILE_WITH_KEYS",
                    self.name
                ),
            )),
        }
    }

    /// A `source_profile` chain that comes back to a profile already on it.
    fn check_source_loop(&self) -> Result<()> {
        let mut seen = vec![self.name.as_str()];
        let mut current = self.get("source_profile");
        while let Some(name) = current {
            if seen.contains(&name) {
                // A profile that names itself holds the keys: that is not a loop.
                if seen.last() == Some(&name) {
                    return Ok(());
                }
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    format!(
                        "source_profile loop: {} -> {name}; fix the AWS config file",
                        seen.join(" -> ")
                    ),
                ));
            }
            seen.push(name);
            current = self
                .set
                .get_profile(name)
                .and_then(|p| p.get("source_profile"))
                .filter(|v| !v.is_empty());
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
                self.name,
                self.describe_source(),
                OPERATION_TIMEOUT.as_secs()
            ),
        )
    }

    fn map_error(&self, err: &CredentialsError) -> Error {
        let name = &self.name;
        let detail = error_chain(err);
        let (code, hint) = match err {
            CredentialsError::ProviderTimedOut(_) => (ErrorCode::Timeout, timeout_hint(name)),
            _ if is_timeout(err) => (ErrorCode::Timeout, timeout_hint(name)),
            CredentialsError::InvalidConfiguration(_) => (
                ErrorCode::InvalidConfig,
                format!("fix profile \"{name}\" in the AWS config file"),
            ),
            CredentialsError::CredentialsNotLoaded(_) => (
                ErrorCode::NoCredentials,
                format!(
                    "configure credentials with `aws configure --profile {name}`, set \
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
            _ if self.uses_sso() => (
                ErrorCode::LoginRequired,
                format!(
                    "the SSO session is missing or expired: run `aws sso login --profile {name}`"
                ),
            ),
            _ if self.get("login_session").is_some() => (
                ErrorCode::LoginRequired,
                format!(
                    "the login session is missing or expired: run `aws login --profile {name}`"
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

/// Which source of the default chain applies, from the environment (no I/O), so an error
/// names the variable to check rather than "web identity, container or instance metadata".
fn default_chain_source() -> String {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let (Some(file), Some(role)) = (var("AWS_WEB_IDENTITY_TOKEN_FILE"), var("AWS_ROLE_ARN")) {
        return format!("web identity: assume role {role} with AWS_WEB_IDENTITY_TOKEN_FILE {file}");
    }
    if let Some(uri) = var("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        return format!("container credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI {uri}");
    }
    if var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some() {
        return "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)".into();
    }
    if var("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return "none found: no keys, web identity or container credentials, and instance \
                metadata is disabled (AWS_EC2_METADATA_DISABLED)"
            .into();
    }
    "instance metadata (IMDS)".into()
}

fn timeout_hint(profile: &str) -> String {
    format!(
        "the credential source of profile \"{profile}\" did not answer in time; check network \
         access to it"
    )
}

/// True when a connect or read timeout of the HTTP client is somewhere in the chain.
fn is_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.downcast_ref::<ConnectorError>()
            .is_some_and(ConnectorError::is_timeout)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// Every message in the error chain, once, joined by ": ", on one line (a credential
/// process's stderr may span several). Unlike `DisplayErrorContext`, no `Debug` dump (raw
/// HTTP responses with their headers and bodies) reaches the user.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let message = e
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        if !parts.iter().any(|p| p.contains(&message)) {
            parts.push(message);
        }
        next = e.source();
    }
    parts.join(": ")
}

fn env_has_keys() -> bool {
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        .iter()
        .all(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
}

pub(crate) fn env_credentials() -> Option<Credentials> {
    if !env_has_keys() {
        return None;
    }
    let provider = EnvironmentVariableCredentialsProvider::new();
    let c = runtime::poll_here(provider.provide_credentials()).ok()?;
    Some(
        Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            c.session_token().map(Secret::new),
            c.expiry(),
        )
        .with_source("environment variables (AWS_ACCESS_KEY_ID)"),
    )
}

fn provider_config(region: Option<String>) -> ProviderConfig {
    ProviderConfig::without_region()
        .with_region(region.map(Region::new))
        .with_http_client(http_client())
        .with_timeout_config(timeouts())
        .with_retry_config(retries())
}

/// One HTTPS client configuration for every AWS call (rustls with ring: one TLS stack).
pub(crate) fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

pub(crate) fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .operation_attempt_timeout(READ_TIMEOUT)
        // A backstop only: the bound users see is the tokio timeout around the whole
        // resolution (ErrorCode::Timeout). Equal values raced, and the SDK's timeout came
        // out as a generic CredentialSource error half of the time.
        .operation_timeout(OPERATION_TIMEOUT + Duration::from_secs(5))
        .build()
}

/// Standard retries with backoff: throttling and 5xx are retried, boundedly.
pub(crate) fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}
