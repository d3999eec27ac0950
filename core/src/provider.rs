//! Profile → credentials and region, through aws-config.
//!
//! The AWS config files are parsed with aws-config's own parser. Static keys (environment
//! variables, plain profile keys) are taken straight from that parse: no runtime, no HTTP
//! client, no TLS. Everything else (assume role, SSO, web identity, credential_process,
//! container, IMDS) goes through aws-config's providers with bounded timeouts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::profile::{Profile, ProfileFileCredentialsProvider, ProfileSet};
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles as ProfileFiles};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;

use crate::cache;
use crate::mfa::{MfaRequest, SharedMfaPrompt};
use crate::credentials::{self, Credentials, Secret};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{self, CONFIG_MAX, CREDENTIALS_MAX};
use crate::platform::{self, ReadError};
use crate::redact::{echo, shell_quote};
use crate::sdk::{self, error_chain, http_client, is_timeout, retries, timeouts};
use crate::{process, runtime};

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
    ///
    /// The files are read here, bounded ([`CONFIG_MAX`], regular files only, valid UTF-8),
    /// and aws-config parses those bytes from an in-memory `Fs`: it never reads them itself
    /// on this path, and a file it would silently read as empty is an error naming it.
    pub fn load(explicit: Option<&str>) -> Result<ProfileContext> {
        let mut files = ProfileFiles::builder();
        let mut contents = HashMap::new();
        for (kind, var, default) in [
            (EnvConfigFileKind::Config, "AWS_CONFIG_FILE", ".aws/config"),
            (
                EnvConfigFileKind::Credentials,
                "AWS_SHARED_CREDENTIALS_FILE",
                ".aws/credentials",
            ),
        ] {
            let read = match config_path(var, default) {
                Some(path) => read_config_file(&path)?.map(|bytes| (path, bytes)),
                None => None,
            };
            // A missing file counts as empty, as in aws-config (whose builder needs one entry
            // per kind).
            files = match read {
                Some((path, bytes)) => {
                    let key = path.to_string_lossy().into_owned();
                    contents.insert(key.clone(), bytes);
                    files.with_file(kind, key)
                }
                None => files.with_contents(kind, ""),
            };
        }
        let selected = explicit.map(|p| Cow::Owned(p.to_owned()));
        let set = runtime::poll_here(aws_config::profile::load(
            &Fs::from_map(contents),
            &Env::real(),
            &files.build(),
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
        let available: Vec<String> = available.into_iter().map(echo).collect();
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
                echo(&self.name),
                shell_quote(&self.name)
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
        let name = echo(&self.name);
        let described = if let Some(role) = self.get("role_arn") {
            let via = self
                .get("source_profile")
                .map(|p| format!("source_profile {}", echo(p)))
                .or_else(|| {
                    self.get("credential_source")
                        .map(|s| format!("credential_source {}", echo(s)))
                })
                .or_else(|| {
                    self.get("web_identity_token_file")
                        .map(|f| format!("web identity token file {}", echo(f)))
                })
                .unwrap_or_else(|| "?".into());
            let mfa = self
                .get("mfa_serial")
                .map_or(String::new(), |m| format!(", MFA {}", echo(m)));
            format!("assume role {} via {via}{mfa}", echo(role))
        } else if self.uses_sso() {
            format!(
                "SSO ({})",
                echo(self.get("sso_session").unwrap_or("legacy sso_start_url"))
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
    /// Keys that fail [`credentials::validate`] give `None`: the provider path then meets the
    /// same keys, and its validation reports them as an error naming the profile.
    pub fn static_credentials(&self) -> Option<Credentials> {
        let found = if !self.explicit
            && let Some(creds) = env_credentials()
        {
            Some(creds)
        } else if DYNAMIC_KEYS.iter().any(|k| self.get(k).is_some()) {
            None
        } else {
            self.profile_keys()
        };
        found.and_then(|c| self.validated(c).ok())
    }

    /// The plain keys written in this profile, whatever else it holds.
    fn profile_keys(&self) -> Option<Credentials> {
        let akid = self.get("aws_access_key_id")?;
        let secret = self.get("aws_secret_access_key")?;
        let token = self.get("aws_session_token").map(Secret::new);
        Some(
            Credentials::new(akid, secret, token, None)
                .with_source(format!("profile {}", echo(&self.name))),
        )
    }

    /// Resolves credentials through aws-config's providers. `sts_region` is where STS
    /// (and other regional services) are called.
    pub async fn provider_credentials(
        &self,
        sts_region: Option<String>,
        mfa: Option<&SharedMfaPrompt>,
    ) -> Result<Credentials> {
        self.check_role_chain()?;
        self.check_token_files()?;
        if let Some(command) = self.process_command() {
            let creds = process::credentials(&self.name, command, sdk::operation_timeout()).await?;
            return self.validated(creds);
        }
        if let Some(request) = self.mfa_request() {
            return Box::pin(crate::mfa::assume_role_with_mfa(
                self, request, sts_region, mfa,
            ))
            .await;
        }
        let duration = self.role_duration()?;
        // aws-config's profile provider never sends DurationSeconds, and would run a
        // credential_process at the base of the chain with its own unbounded provider.
        if duration.is_some() || self.chain_base_is_process() {
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

    /// Every credentials result of this profile passes here before it is cached or used.
    pub(crate) fn validated(&self, creds: Credentials) -> Result<Credentials> {
        let source = creds.source().to_owned();
        credentials::validate(creds, &self.name, &source, SystemTime::now())
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
                    "duration_seconds = {} in profile \"{}\" is not a number of seconds \
                     between 900 and 43200; fix it in the AWS config file",
                    echo(raw),
                    echo(&self.name)
                ),
            )),
        }
    }

    /// The last hop of a role profile with `duration_seconds`: the source credentials come
    /// from the source profile (resolved the usual way) or the named `credential_source`,
    /// then aws-config's own `sts::AssumeRoleProvider`, which does send DurationSeconds.
    async fn assume_role_for(
        &self,
        duration: Option<Duration>,
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
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn).configure(&sdk);
        if let Some(duration) = duration {
            builder = builder.session_length(duration);
        }
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
            self.check_role_chain()?;
            let creds = if source == self.name {
                // Keys in the role profile itself (source_profile pointing to itself).
                let (akid, secret) = (
                    self.get("aws_access_key_id"),
                    self.get("aws_secret_access_key"),
                );
                let (Some(akid), Some(secret)) = (akid, secret) else {
                    return Err(self_source_without_keys(source));
                };
                let token = self.get("aws_session_token").map(Secret::new);
                self.validated(
                    Credentials::new(akid, secret, token, None)
                        .with_source(format!("profile {}", echo(source))),
                )?
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

    /// The `source_profile` chain, checked before anything runs, on every path (aws-config's
    /// own provider included): a profile it names must exist (13), a profile that is its own
    /// source must hold keys (14), and the chain must not loop (14). As in aws-config, the
    /// chain ends at the first source profile that holds static keys.
    fn check_role_chain(&self) -> Result<()> {
        let mut seen: Vec<&str> = Vec::new();
        let mut name = self.name.as_str();
        loop {
            let Some(profile) = self.set.get_profile(name) else {
                // The selected profile may be absent (the default chain then applies); a
                // profile named by a source_profile must exist.
                return match seen.last() {
                    Some(from) => Err(missing_source_profile(from, name)),
                    None => Ok(()),
                };
            };
            if !seen.is_empty() && has_static_keys(profile) {
                return Ok(());
            }
            if non_empty(profile, "role_arn").is_none() {
                return Ok(());
            }
            let Some(next) = non_empty(profile, "source_profile") else {
                return Ok(());
            };
            if next == name {
                return if has_static_keys(profile) {
                    Ok(())
                } else {
                    Err(self_source_without_keys(name))
                };
            }
            seen.push(name);
            if seen.contains(&next) {
                let path: Vec<String> = seen.iter().map(|n| echo(n)).collect();
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    format!(
                        "source_profile loop: {} -> {}; fix the AWS config file",
                        path.join(" -> "),
                        echo(next)
                    ),
                ));
            }
            name = next;
        }
    }

    /// The command, when this profile's own credentials come from `credential_process`
    /// (aws-config's precedence: role, credential_source, web identity, SSO and login come
    /// first, then the process, then static keys).
    fn process_command(&self) -> Option<&str> {
        if !self.explicit && env_has_keys() {
            return None;
        }
        self.profile().and_then(base_process)
    }

    /// True when this is a role profile whose chain of source profiles ends in a
    /// `credential_process` (the process must then be run by us, not by aws-config).
    fn chain_base_is_process(&self) -> bool {
        if !self.explicit && env_has_keys() {
            return false;
        }
        let mut seen: Vec<&str> = Vec::new();
        let mut name = self.name.as_str();
        while let Some(profile) = self.set.get_profile(name) {
            if !seen.is_empty() && has_static_keys(profile) {
                return false;
            }
            if non_empty(profile, "role_arn").is_none() {
                return !seen.is_empty() && base_process(profile).is_some();
            }
            match non_empty(profile, "source_profile") {
                Some(next) if next != name && !seen.contains(&next) => {
                    seen.push(name);
                    name = next;
                }
                _ => return false,
            }
        }
        false
    }

    /// Token files aws-config reads itself (web identity tokens, SSO token caches, the
    /// container authorization token): each must be a regular file of at most
    /// [`CREDENTIALS_MAX`], checked here so a FIFO, a device or a directory fails at once
    /// instead of hanging or filling memory. Checked, not read: aws-config 1.13 takes no
    /// in-memory `Fs` for its providers (`ProviderConfig::with_fs` is crate-private), and it
    /// writes refreshed SSO tokens back to the same files.
    fn check_token_files(&self) -> Result<()> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
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
                check_token_file(&path, "SSO token cache file", name)?;
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

    fn map_error(&self, err: &CredentialsError) -> Error {
        let name = &echo(&self.name);
        let quoted = &shell_quote(&self.name);
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
            _ if self.uses_sso() => (
                ErrorCode::LoginRequired,
                format!(
                    "the SSO session is missing or expired: run `aws sso login --profile {quoted}`"
                ),
            ),
            _ if self.get("login_session").is_some() => (
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

/// Which source of the default chain applies, from the environment (no I/O), so an error
/// names the variable to check rather than "web identity, container or instance metadata".
fn default_chain_source() -> String {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let (Some(file), Some(role)) = (var("AWS_WEB_IDENTITY_TOKEN_FILE"), var("AWS_ROLE_ARN")) {
        return format!(
            "web identity: assume role {} with AWS_WEB_IDENTITY_TOKEN_FILE {}",
            echo(&role),
            echo(&file)
        );
    }
    if let Some(uri) = var("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        return format!(
            "container credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI {}",
            echo(&uri)
        );
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

/// The path named by `var` (with aws-config's `~/` expansion), else `~/<default>`.
fn config_path(var: &str, default: &str) -> Option<PathBuf> {
    let home = crate::platform::home_dir;
    match std::env::var(var).ok().filter(|v| !v.is_empty()) {
        Some(v) if v == "~" => home(),
        Some(v) => match v.strip_prefix("~/").or_else(|| v.strip_prefix("~\\")) {
            Some(rest) => home().map(|h| h.join(rest)).or(Some(PathBuf::from(v))),
            None => Some(PathBuf::from(v)),
        },
        None => home().map(|h| h.join(default)),
    }
}

/// One AWS config or credentials file: `None` when it does not exist; an error (14) naming
/// the file when it is not a regular file, larger than [`CONFIG_MAX`] or not UTF-8.
fn read_config_file(path: &Path) -> Result<Option<Vec<u8>>> {
    let invalid = |why: String| {
        Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "cannot read the AWS config file {}: {why}. Fix the file (or check \
                 AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)",
                echo(&path.to_string_lossy())
            ),
        )
    };
    let bytes = match platform::read_limited(path, CONFIG_MAX, true) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(invalid(e.to_string())),
    };
    if let Err(e) = std::str::from_utf8(&bytes) {
        return Err(invalid(format!(
            "it is not valid UTF-8 (first bad byte at offset {})",
            e.valid_up_to()
        )));
    }
    Ok(Some(bytes))
}

/// A token file aws-config will read for `profile`: a regular file of at most
/// [`CREDENTIALS_MAX`]. A missing file is left to aws-config, whose error says what to do
/// (SSO: "run aws sso login").
fn check_token_file(path: &Path, what: &str, profile: &str) -> Result<()> {
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
                "profile \"{}\": cannot use the {what} {}: {e}; it must be a regular file of \
                 at most {}",
                echo(profile),
                echo(&path.to_string_lossy()),
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

fn non_empty<'a>(profile: &'a Profile, key: &str) -> Option<&'a str> {
    profile.get(key).filter(|v| !v.is_empty())
}

fn has_static_keys(profile: &Profile) -> bool {
    non_empty(profile, "aws_access_key_id").is_some()
        && non_empty(profile, "aws_secret_access_key").is_some()
}

/// aws-config's base provider of a profile without `role_arn`, when it is `credential_process`.
fn base_process(profile: &Profile) -> Option<&str> {
    let earlier = [
        "role_arn",
        "credential_source",
        "web_identity_token_file",
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "login_session",
    ];
    if earlier.iter().any(|k| non_empty(profile, k).is_some()) {
        return None;
    }
    non_empty(profile, "credential_process")
}

fn missing_source_profile(from: &str, name: &str) -> Error {
    let from = format!(" (the source_profile of \"{}\")", echo(from));
    Error::new(
        ErrorCode::UnknownProfile,
        format!(
            "AWS profile \"{}\"{from} is not defined in the AWS config or credentials file; \
             create it with `aws configure --profile {}` or fix source_profile",
            echo(name),
            shell_quote(name)
        ),
    )
}

fn self_source_without_keys(name: &str) -> Error {
    Error::new(
        ErrorCode::InvalidConfig,
        format!(
            "profile \"{}\" is its own source_profile but has no \
             aws_access_key_id/aws_secret_access_key; add them or name another source_profile",
            echo(name)
        ),
    )
}
