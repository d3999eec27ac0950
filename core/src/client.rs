//! The one entry point every surface uses: options in, [`GitCredential`] out.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_types::os_shim_internal::Env;

use crate::cache::{self, CacheEntry};
pub use crate::credential::{GitCredential, sign, sign_credentials, url_encode};
use crate::credentials::Credentials;
use crate::endpoint::{self, Endpoint};
use crate::error::{Error, ErrorCode, Result};
pub use crate::mfa::{MfaPrompt, MfaRequest, SharedMfaPrompt};
use crate::plan;
use crate::provider::ProfileContext;
use crate::remote::{self, Remote};
use crate::runtime;

/// The argument limits, at their old path.
pub use crate::arguments;
mod single_flight;

use single_flight::SingleFlight;

/// Default time before expiry at which temporary credentials are refreshed.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(10 * 60);

/// Environment variable of the official remote helper that replaces the CodeCommit host.
pub const ENDPOINT_ENV: &str = "CODE_COMMIT_ENDPOINT";

/// How a [`Client`] resolves credentials and endpoints.
#[derive(Clone)]
pub struct ClientOptions {
    /// Profile to use when the remote does not name one (`codecommit://PROFILE@REPO` wins).
    pub profile: Option<String>,
    /// Region when the remote does not give one (the remote and its host win).
    pub region: Option<String>,
    /// Endpoint override (`host[:port]` or `http[s]://host[:port]`); when `None`,
    /// `CODE_COMMIT_ENDPOINT` is read. Requests to this exact host are signed as given.
    pub endpoint: Option<String>,
    /// Temporary credentials closer than this to expiry are refreshed before signing.
    pub refresh_margin: Duration,
    /// Sign for HTTPS URLs on any host (the AWS CLI helper's `--ignore-host-check`).
    pub ignore_host_check: bool,
    /// Share temporary credentials across processes through the AWS CLI's cache
    /// (`~/.aws/cli/cache`), so N git processes make one STS call.
    pub cache: bool,
    /// Asks for MFA codes for role profiles with `mfa_serial`. `None`: the CLI programs
    /// prompt on the controlling terminal; library callers get `MfaRequired`.
    pub mfa: Option<SharedMfaPrompt>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("refresh_margin", &self.refresh_margin)
            .field("ignore_host_check", &self.ignore_host_check)
            .field("cache", &self.cache)
            .field("mfa", &self.mfa.as_ref().map(|_| "<prompt>"))
            .finish()
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            profile: None,
            region: None,
            endpoint: None,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            ignore_host_check: false,
            cache: true,
            mfa: None,
        }
    }
}

/// Resolves remotes to signed Git credentials. Cheap to share between threads.
pub struct Client {
    options: ClientOptions,
    env: Env,
    trusted: Option<Endpoint>,
    memo: Mutex<HashMap<MemoKey, Credentials>>,
    /// Resolutions in flight, by memo key: concurrent requests for one profile share one.
    flights: SingleFlight<MemoKey, Result<Credentials>>,
    warnings: Mutex<Vec<String>>,
}

/// A profile as the memo knows it: its name, and whether it was named explicitly.
type MemoKey = (String, bool);

/// Everything known about a remote before credentials are fetched.
pub struct Target {
    pub remote: Remote,
    pub profile: ProfileContext,
    pub region: String,
    pub endpoint: Endpoint,
    /// The host as it goes into the canonical request.
    pub sign_host: String,
}

impl Target {
    /// The HTTPS (or override) URL of the repository, without credentials.
    pub fn plain_url(&self) -> String {
        plain_url(&self.endpoint, &self.remote)
    }
}

fn plain_url(endpoint: &Endpoint, remote: &Remote) -> String {
    format!("{}://{}{}", endpoint.scheme, endpoint.host, remote.path())
}

impl Client {
    pub fn new(options: ClientOptions) -> Result<Client> {
        check_options(&options)?;
        // The process environment (a live view, not a copy, from environment.rs, the one
        // file that reads it); everything below reads it through this `Env`, so tests can
        // inject one.
        let env = crate::environment::real();
        let endpoint = options
            .endpoint
            .clone()
            .or_else(|| plan::var(&env, ENDPOINT_ENV).filter(|v| !v.trim().is_empty()));
        if let Some(endpoint) = &endpoint {
            arguments::check_len("endpoint", endpoint, arguments::HOST_MAX)?;
        }
        let trusted = endpoint
            .as_deref()
            .map(Endpoint::parse_override)
            .transpose()?;
        if let Some(region) = &options.region {
            endpoint::validate_region(region)?;
        }
        Ok(Client {
            options,
            env,
            trusted,
            memo: Mutex::new(HashMap::new()),
            flights: SingleFlight::new(),
            warnings: Mutex::new(Vec::new()),
        })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Whether this client signs for `protocol://host` (see [`endpoint::is_allowed`]).
    pub fn answers_for(&self, protocol: &str, host: &str) -> bool {
        self.options.ignore_host_check
            || endpoint::is_allowed(protocol, host, self.trusted.as_ref())
    }

    /// The repository URL without credentials (what [`Target::plain_url`] gives), reading
    /// the AWS config files only when the URL depends on them. No profile is read when
    /// - the remote is an HTTPS URL (its host is the URL's host), or
    /// - an endpoint override is set (the option or `CODE_COMMIT_ENDPOINT`), or
    /// - the region is known without a profile (`codecommit::REGION://`, the region option,
    ///   `AWS_REGION`, `AWS_DEFAULT_REGION`) and `AWS_USE_FIPS_ENDPOINT` is set: otherwise the
    ///   profile's `use_fips_endpoint` may change the host, so the profile is read.
    ///
    /// Without a profile read, a profile named in the remote that does not exist is not
    /// reported here (signing reports it). Never resolves credentials: no network access.
    pub fn repository_url(&self, remote_or_url: &str) -> Result<String> {
        let remote = self.parse_remote(remote_or_url)?;
        if let Some(region) = &remote.region {
            endpoint::validate_region(region)?;
        }
        let endpoint = match (&remote.endpoint, &self.trusted) {
            (Some(e), _) => e.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => match self.region_and_fips_without_profile(&remote) {
                Some((region, fips)) => {
                    endpoint::validate_region(&region)?;
                    Endpoint::for_region(&region, fips)?
                }
                None => return Ok(self.target(remote_or_url)?.plain_url()),
            },
        };
        crate::trace::event(
            "target",
            format_args!(
                "repository {} host {} (no profile read: the URL does not depend on it)",
                crate::redact::echo(&remote.repository),
                crate::redact::echo(&endpoint.host)
            ),
        );
        Ok(plain_url(&endpoint, &remote))
    }

    /// Region and FIPS from the remote, the options and the environment, when both are
    /// known there (the profile is then not needed to build the host).
    fn region_and_fips_without_profile(&self, remote: &Remote) -> Option<(String, bool)> {
        let region = remote
            .region
            .clone()
            .or_else(|| self.options.region.clone())
            .or_else(|| plan::var(&self.env, "AWS_REGION"))
            .or_else(|| plan::var(&self.env, "AWS_DEFAULT_REGION"))?;
        // The same rule as `plan::fips`, whose environment variable wins over the profile.
        let fips = plan::var(&self.env, "AWS_USE_FIPS_ENDPOINT")?;
        Some((region, fips.eq_ignore_ascii_case("true")))
    }

    fn parse_remote(&self, remote_or_url: &str) -> Result<Remote> {
        if self.options.ignore_host_check && remote::is_http_url(remote_or_url) {
            Remote::parse_any_host(remote_or_url)
        } else {
            Remote::parse(remote_or_url, self.trusted.as_ref())
        }
    }

    /// Parses the remote and settles profile, region, endpoint and the host to sign.
    pub fn target(&self, remote_or_url: &str) -> Result<Target> {
        let remote = self.parse_remote(remote_or_url)?;
        let profile_name = remote
            .profile
            .as_deref()
            .or(self.options.profile.as_deref());
        let profile = ProfileContext::load_with(profile_name, self.env.clone())?;
        let region = remote
            .region
            .clone()
            .or_else(|| self.options.region.clone())
            .or_else(|| profile.configured_region())
            .ok_or_else(|| no_region(&remote, &profile))?;
        endpoint::validate_region(&region)?;
        let endpoint = match (&remote.endpoint, &self.trusted) {
            (Some(e), _) => e.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => Endpoint::for_region(&region, profile.use_fips())?,
        };
        let is_trusted = self.trusted.as_ref() == Some(&endpoint);
        crate::trace::event(
            "target",
            format_args!(
                "repository {} profile {} (from {}) region {} (from {}) host {} (from {})",
                crate::redact::echo(&remote.repository),
                crate::redact::echo(profile.name()),
                if remote.profile.is_some() {
                    "the remote"
                } else if self.options.profile.is_some() {
                    "the profile option"
                } else if profile.is_explicit() {
                    "AWS_PROFILE"
                } else {
                    "the default"
                },
                crate::redact::echo(&region),
                if remote.region.is_some() {
                    "the remote"
                } else if self.options.region.is_some() {
                    "the region option"
                } else {
                    "AWS_REGION or the profile"
                },
                crate::redact::echo(&endpoint.host),
                if remote.endpoint.is_some() {
                    "the URL"
                } else if is_trusted {
                    "the endpoint override"
                } else {
                    "the region"
                }
            ),
        );
        // An override is signed exactly as given (the official remote helper does so);
        // AWS hosts are signed without a port (the AWS CLI helper does so).
        let sign_host = if is_trusted {
            endpoint.host.clone()
        } else {
            endpoint::strip_port(&endpoint.host)
                .unwrap_or(&endpoint.host)
                .to_owned()
        };
        Ok(Target {
            remote,
            profile,
            region,
            endpoint,
            sign_host,
        })
    }

    /// Credentials for `remote_or_url`, signed at `at` (now when `None`). Blocks.
    pub fn git_credential_blocking(
        &self,
        remote_or_url: &str,
        at: Option<SystemTime>,
    ) -> Result<GitCredential> {
        let target = self.target(remote_or_url)?;
        let creds = self.credentials_blocking(&target)?;
        Ok(sign_target(&target, &creds, at))
    }

    /// Credentials for `remote_or_url`, signed at `at` (now when `None`). Needs tokio.
    pub async fn git_credential(
        &self,
        remote_or_url: &str,
        at: Option<SystemTime>,
    ) -> Result<GitCredential> {
        let target = self.target(remote_or_url)?;
        let creds = self.credentials(&target).await?;
        Ok(sign_target(&target, &creds, at))
    }

    /// The credentials for a target. Needs tokio.
    async fn credentials(&self, target: &Target) -> Result<Credentials> {
        match self.ready_credentials(target) {
            Some(creds) => Ok(creds),
            None => self.fetch_credentials(target).await,
        }
    }

    /// The credentials for a target (also for `doctor`). Blocks.
    pub fn credentials_blocking(&self, target: &Target) -> Result<Credentials> {
        match self.ready_credentials(target) {
            Some(creds) => Ok(creds),
            None => runtime::block_on(self.fetch_credentials(target))?,
        }
    }

    /// Git's `erase` (the server refused `access_key_id`): drops this client's remembered
    /// credentials and the cache entry of the remote's profile when they hold that key id,
    /// so the next request starts a new session. `Ok(true)` when something was dropped.
    pub fn forget_rejected(&self, target: &Target, access_key_id: &str) -> Result<bool> {
        let key = memo_key(&target.profile);
        let in_memory = {
            let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
            let refused = memo
                .get(&key)
                .is_some_and(|c| c.access_key_id() == access_key_id);
            if refused {
                memo.remove(&key);
            }
            refused
        };
        let Some(entry) = self.cache_entry(&target.profile) else {
            return Ok(in_memory);
        };
        match runtime::block_on(entry.remove_if_key(access_key_id, cache::LOCK_WAIT))? {
            Ok(removed) => Ok(in_memory || removed),
            Err(unusable) => {
                self.warn(unusable.to_string());
                Ok(in_memory)
            }
        }
    }

    /// Static keys, or remembered temporary credentials that are not close to expiry.
    fn ready_credentials(&self, target: &Target) -> Option<Credentials> {
        if let Some(creds) = target.profile.static_credentials() {
            return Some(creds);
        }
        let memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        memo.get(&memo_key(&target.profile))
            .filter(|c| !c.expires_within(SystemTime::now(), self.options.refresh_margin))
            .cloned()
    }

    /// Single flight inside this process: concurrent requests for one profile share one
    /// resolution (and its error, which is not remembered: the next request tries again).
    async fn fetch_credentials(&self, target: &Target) -> Result<Credentials> {
        let key = memo_key(&target.profile);
        self.flights
            .run(key, || async {
                // A flight that ended just before this one started may have left them.
                match self.ready_credentials(target) {
                    Some(creds) => Ok(creds),
                    None => self.fetch_and_remember(target).await,
                }
            })
            .await
    }

    async fn fetch_and_remember(&self, target: &Target) -> Result<Credentials> {
        let creds = match self.cache_entry(&target.profile) {
            Some(entry) => self.fetch_through_cache(target, &entry).await?,
            None => self.resolve(target).await?,
        };
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        memo.insert(memo_key(&target.profile), creds.clone());
        Ok(creds)
    }

    /// Single flight across processes: a fresh cache entry is used as is; otherwise one
    /// process (holding the entry's lock) refreshes while the others wait, then read. A cache
    /// that fails the trust check (see `cache`) is neither read nor written: one warning.
    async fn fetch_through_cache(
        &self,
        target: &Target,
        entry: &CacheEntry,
    ) -> Result<Credentials> {
        let margin = self.options.refresh_margin;
        let locked = match entry.read_fresh(SystemTime::now(), margin) {
            Ok(Some(creds)) => return Ok(creds),
            Ok(None) => entry.lock(cache::LOCK_WAIT).await,
            Err(unusable) => Err(unusable),
        };
        let fresh = locked.and_then(|locked| {
            let fresh = locked.read_fresh(SystemTime::now(), margin)?;
            Ok((locked, fresh))
        });
        let locked = match fresh {
            Ok((_, Some(creds))) => return Ok(creds),
            Ok((locked, None)) => locked,
            Err(unusable) => {
                self.warn(unusable.to_string());
                return self.resolve(target).await;
            }
        };
        let creds = self.resolve(target).await?;
        if let Err(unusable) = locked.write(&creds) {
            self.warn(unusable.to_string());
        }
        drop(locked);
        Ok(creds)
    }

    async fn resolve(&self, target: &Target) -> Result<Credentials> {
        let sts_region = target
            .profile
            .configured_region()
            .or_else(|| Some(target.region.clone()));
        // The profile's ca_bundle applies to every AWS call of this resolution (sdk.rs).
        let ca_bundle = target.profile.setting("ca_bundle").map(str::to_owned);
        let resolution = target
            .profile
            .provider_credentials(sts_region, self.options.mfa.as_ref());
        crate::sdk::with_profile_ca_bundle(ca_bundle, resolution).await
    }

    fn cache_entry(&self, profile: &ProfileContext) -> Option<CacheEntry> {
        if !self.options.cache {
            return None;
        }
        Some(CacheEntry::new(cache::default_dir()?, profile.cache_key()?))
    }

    fn warn(&self, message: String) {
        self.warnings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(message);
    }

    /// Warnings collected since the last call (e.g. an unusable cache directory), for the
    /// caller to show: the library itself never prints.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Absurdly long options are refused before anything else looks at them.
fn check_options(options: &ClientOptions) -> Result<()> {
    if let Some(profile) = &options.profile {
        arguments::check_len("profile name", profile, arguments::PROFILE_MAX)?;
    }
    if let Some(region) = &options.region {
        arguments::check_region_len(region)?;
    }
    Ok(())
}

fn memo_key(profile: &ProfileContext) -> MemoKey {
    (profile.name().to_owned(), profile.is_explicit())
}

fn no_region(remote: &Remote, profile: &ProfileContext) -> Error {
    Error::new(
        ErrorCode::InvalidRegion,
        format!(
            "no AWS region for repository {}: use codecommit::REGION://{}, set AWS_REGION, or \
             add `region = ...` to profile \"{}\" (aws configure set region REGION --profile {})",
            remote.repository,
            remote.repository,
            profile.name(),
            profile.name()
        ),
    )
}

/// Signs for `target` at `at` (now when `None`).
fn sign_target(target: &Target, creds: &Credentials, at: Option<SystemTime>) -> GitCredential {
    let credential = sign_credentials(
        creds,
        &target.endpoint,
        &target.sign_host,
        &target.remote.path(),
        &target.region,
        at.unwrap_or_else(SystemTime::now),
    );
    credential.with_profile(target.profile.name())
}
