//! The pure half of profile resolution: parsed AWS config + an environment snapshot → [`Plan`].
//!
//! Like aws-config's `profile/credentials/repr.rs` (`resolve_chain` → `ProfileChain`), this
//! decides *what* to run and reads nothing itself: no clock, no file, no process
//! environment (the caller passes an [`Env`] snapshot: `Env::real()` at the top,
//! `Env::from_slice` in tests). Every setting (`duration_seconds` included) is parsed here,
//! once, with one strictness. The executor (`resolve.rs`) runs the plan.

use std::time::Duration;

use aws_config::profile::{Profile, ProfileSet};
use aws_types::os_shim_internal::Env;

use crate::cache;
use crate::credentials::{Credentials, Secret};
use crate::error::{Error, ErrorCode, Result};
use crate::mfa::MfaRequest;
use crate::redact::{echo, shell_quote};

/// Profile keys that name a credential provider: resolution runs it (and maybe the network).
/// One list for both sets below, so a new provider cannot be added to one and not the other.
const PROVIDER_KEYS: [&str; 8] = [
    "role_arn",
    "credential_process",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "web_identity_token_file",
    "login_session",
];

/// Profile keys that mean "not static keys": a provider, or an MFA serial (a session is needed).
fn dynamic_keys() -> impl Iterator<Item = &'static str> {
    PROVIDER_KEYS.into_iter().chain(["mfa_serial"])
}

/// Keys by which a profile names a credential source of its own (for the `default` rule).
fn source_keys() -> impl Iterator<Item = &'static str> {
    ["aws_access_key_id"].into_iter().chain(PROVIDER_KEYS)
}

/// Accepted `duration_seconds` (STS AssumeRole's range).
pub const DURATION_RANGE: std::ops::RangeInclusive<u64> = 900..=43_200;

/// What resolving one profile will do. Built by [`plan`]; run by `resolve.rs`.
#[derive(Debug)]
pub struct Plan {
    pub profile: String,
    pub explicit: bool,
    pub source: Source,
    /// How the executor gets the credentials.
    pub step: Step,
    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub region: Option<String>,
    pub fips: bool,
    /// The AWS CLI cache key (role and SSO role credentials only).
    pub cache_key: Option<String>,
    pub mfa: Option<MfaRequest>,
    /// For `doctor` and error messages; never a secret.
    pub description: String,
}

/// Where the credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (`default_rule`: used although the
    /// profile `default` was named, because it defines no credential source of its own).
    EnvKeys {
        default_rule: bool,
    },
    StaticKeys,
    /// `role_arn`: the hops from the selected profile down, then the base.
    Role {
        hops: Vec<RoleHop>,
        base: Base,
    },
    WebIdentity {
        role_arn: String,
        token_file: String,
    },
    Sso {
        session: Option<String>,
        start_url: Option<String>,
    },
    Process {
        command: String,
    },
    Login,
    /// Another profile source aws-config resolves itself (e.g. `web_identity_token_file`
    /// without `role_arn`, `credential_source` without `role_arn`, `sso_account_id` alone).
    Provider,
    /// No profile source: aws-config's default chain (env web identity, container, IMDS).
    DefaultChain(Ambient),
}

/// One AssumeRole of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleHop {
    pub profile: String,
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    /// Only the selected profile's hop carries it (aws-config assumes the others with STS's
    /// default).
    pub duration: Option<Duration>,
}

/// What the first role of a chain is assumed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// Static keys of this profile (a source profile, or the role profile itself).
    Keys {
        profile: String,
    },
    /// `credential_source` (Environment, EcsContainer, Ec2InstanceMetadata).
    CredentialSource(String),
    Process {
        profile: String,
        command: String,
    },
    /// Anything aws-config resolves itself (SSO, web identity, login) at the chain's end.
    Provider {
        profile: String,
    },
}

/// The default chain's source, from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ambient {
    WebIdentity {
        role_arn: String,
        token_file: String,
    },
    ContainerFullUri(String),
    ContainerRelativeUri,
    ImdsDisabled,
    Imds,
}

/// How the executor obtains the credentials.
#[derive(Debug)]
pub enum Step {
    /// Keys already in hand (environment or profile): no I/O at all.
    Keys(Credentials),
    /// Our own bounded `credential_process` runner.
    Process(String),
    /// AssumeRole with SerialNumber/TokenCode (aws-config has no MFA).
    MfaRole(RoleHop),
    /// AssumeRole by us (aws-config would not send DurationSeconds, or would run the base
    /// process unbounded).
    AssumeRole(RoleHop),
    /// aws-config's providers: the profile chain (explicit) or the whole default chain.
    AwsConfig { explicit: bool },
}

impl Step {
    /// For traces and tests (never the keys).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Keys(_) => "keys",
            Step::Process(_) => "credential_process",
            Step::MfaRole(_) => "assume role with MFA",
            Step::AssumeRole(_) => "assume role",
            Step::AwsConfig { explicit: true } => "aws-config profile chain",
            Step::AwsConfig { explicit: false } => "aws-config default chain",
        }
    }
}

/// A read of the environment snapshot; empty counts as unset.
pub fn var(env: &Env, key: &str) -> Option<String> {
    env.get(key).ok().filter(|v| !v.is_empty())
}

/// Both environment keys are set.
pub fn env_has_keys(env: &Env) -> bool {
    var(env, "AWS_ACCESS_KEY_ID").is_some() && var(env, "AWS_SECRET_ACCESS_KEY").is_some()
}

/// Builds the plan. Errors: a named profile that does not exist (13), a `source_profile` that
/// does not exist (13), a loop or a self source without keys (14), a bad `duration_seconds`
/// or `credential_source` (14).
pub fn plan(set: &ProfileSet, name: &str, explicit: bool, env: &Env) -> Result<Plan> {
    check_selected(set, name, explicit, env)?;
    let view = View { set, name };
    let use_env = uses_env_keys(set, name, explicit, env);
    let region = region(set, name, env);
    let fips = fips(set, name, env);
    let description = describe(set, name, explicit, env);
    if use_env {
        let keys = env_keys(env).with_source("environment variables (AWS_ACCESS_KEY_ID)");
        return Ok(Plan {
            profile: name.to_owned(),
            explicit,
            source: Source::EnvKeys {
                default_rule: explicit,
            },
            step: Step::Keys(keys),
            region,
            fips,
            cache_key: None,
            mfa: None,
            description,
        });
    }
    let hops = role_chain(set, name)?;
    let duration = selected_duration(&view)?;
    let profile = set.get_profile(name);
    let source = match profile {
        Some(p) => source_of(set, p, &hops, env),
        None => Source::DefaultChain(ambient(env)),
    };
    if let Source::Role {
        base: Base::CredentialSource(s),
        ..
    } = &source
    {
        check_credential_source(name, s)?;
    }
    let mut first_hop = hops.first().cloned();
    if let Some(hop) = &mut first_hop {
        hop.duration = duration;
    }
    let mfa = match (view.get("mfa_serial"), view.get("role_arn")) {
        (Some(serial), Some(role_arn)) => Some(MfaRequest {
            profile: name.to_owned(),
            serial: serial.to_owned(),
            role_arn: role_arn.to_owned(),
        }),
        _ => None,
    };
    let step = step(&view, explicit, &source, first_hop.clone(), mfa.is_some());
    let cache_key = cache_key(&view, duration);
    Ok(Plan {
        profile: name.to_owned(),
        explicit,
        source,
        step,
        region,
        fips,
        cache_key,
        mfa,
        description,
    })
}

/// The selected profile must exist when named (option, URL or `AWS_PROFILE`), except for the
/// `default` profile with keys in the environment (the AWS guide's set-up).
pub fn check_selected(set: &ProfileSet, name: &str, explicit: bool, env: &Env) -> Result<()> {
    let named = explicit || var(env, "AWS_PROFILE").is_some();
    if !named || set.get_profile(name).is_some() || uses_env_keys(set, name, explicit, env) {
        return Ok(());
    }
    let mut available: Vec<&str> = set.profiles().collect();
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
            echo(name),
            shell_quote(name)
        ),
    ))
}

/// Whether the environment keys are used: when no profile was named (botocore's chain puts
/// the environment first), or when the named profile is `default` and the files give it no
/// credential source of its own (the CodeCommit guide's `export AWS_…` + `--profile default`).
/// Any other named profile disables the environment keys, as in botocore.
pub fn uses_env_keys(set: &ProfileSet, name: &str, explicit: bool, env: &Env) -> bool {
    if !env_has_keys(env) {
        return false;
    }
    if !explicit {
        return true;
    }
    name == "default"
        && set
            .get_profile(name)
            .is_none_or(|p| source_keys().all(|k| non_empty(p, k).is_none()))
}

/// Region from `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
pub fn region(set: &ProfileSet, name: &str, env: &Env) -> Option<String> {
    var(env, "AWS_REGION")
        .or_else(|| var(env, "AWS_DEFAULT_REGION"))
        .or_else(|| View { set, name }.get("region").map(str::to_owned))
}

/// FIPS from `AWS_USE_FIPS_ENDPOINT`, then the profile's `use_fips_endpoint`.
pub fn fips(set: &ProfileSet, name: &str, env: &Env) -> bool {
    var(env, "AWS_USE_FIPS_ENDPOINT")
        .or_else(|| {
            View { set, name }
                .get("use_fips_endpoint")
                .map(str::to_owned)
        })
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// A human description of the credential source (for `doctor`; never a secret). Pure, and
/// total: it describes broken profiles too.
pub fn describe(set: &ProfileSet, name: &str, explicit: bool, env: &Env) -> String {
    if uses_env_keys(set, name, explicit, env) {
        return if explicit {
            "environment variables (AWS_ACCESS_KEY_ID), because profile default defines no \
             credentials in the AWS config files"
                .into()
        } else {
            "environment variables (AWS_ACCESS_KEY_ID)".into()
        };
    }
    let view = View { set, name };
    let described = if let Some(role) = view.get("role_arn") {
        let via = view
            .get("source_profile")
            .map(|p| format!("source_profile {}", echo(p)))
            .or_else(|| {
                view.get("credential_source")
                    .map(|s| format!("credential_source {}", echo(s)))
            })
            .or_else(|| {
                view.get("web_identity_token_file")
                    .map(|f| format!("web identity token file {}", echo(f)))
            })
            .unwrap_or_else(|| "?".into());
        let mfa = view
            .get("mfa_serial")
            .map_or(String::new(), |m| format!(", MFA {}", echo(m)));
        format!("assume role {} via {via}{mfa}", echo(role))
    } else if view.uses_sso() {
        format!(
            "SSO ({})",
            echo(view.get("sso_session").unwrap_or("legacy sso_start_url"))
        )
    } else if view.get("credential_process").is_some() {
        "credential_process".into()
    } else if view.get("login_session").is_some() {
        "login session (aws login)".into()
    } else if view.get("aws_access_key_id").is_some() {
        "static keys".into()
    } else {
        return describe_ambient(&ambient(env));
    };
    format!("{described} (profile {})", echo(name))
}

/// The default chain's source, so an error names the variable to check rather than "web
/// identity, container or instance metadata".
pub fn ambient(env: &Env) -> Ambient {
    if let (Some(token_file), Some(role_arn)) = (
        var(env, "AWS_WEB_IDENTITY_TOKEN_FILE"),
        var(env, "AWS_ROLE_ARN"),
    ) {
        return Ambient::WebIdentity {
            role_arn,
            token_file,
        };
    }
    if let Some(uri) = var(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        return Ambient::ContainerFullUri(uri);
    }
    if var(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some() {
        return Ambient::ContainerRelativeUri;
    }
    if var(env, "AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Ambient::ImdsDisabled;
    }
    Ambient::Imds
}

fn describe_ambient(ambient: &Ambient) -> String {
    match ambient {
        Ambient::WebIdentity {
            role_arn,
            token_file,
        } => format!(
            "web identity: assume role {} with AWS_WEB_IDENTITY_TOKEN_FILE {}",
            echo(role_arn),
            echo(token_file)
        ),
        Ambient::ContainerFullUri(uri) => format!(
            "container credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI {}",
            echo(uri)
        ),
        Ambient::ContainerRelativeUri => {
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)".into()
        }
        Ambient::ImdsDisabled => "none found: no keys, web identity or container credentials, \
                                  and instance metadata is disabled (AWS_EC2_METADATA_DISABLED)"
            .into(),
        Ambient::Imds => "instance metadata (IMDS)".into(),
    }
}

/// The environment keys (only called when [`env_has_keys`]).
fn env_keys(env: &Env) -> Credentials {
    let token = var(env, "AWS_SESSION_TOKEN")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .map(Secret::new);
    Credentials::new(
        var(env, "AWS_ACCESS_KEY_ID").unwrap_or_default(),
        var(env, "AWS_SECRET_ACCESS_KEY").unwrap_or_default(),
        token,
        None,
    )
}

/// The selected profile's source (aws-config's precedence).
fn source_of(set: &ProfileSet, profile: &Profile, hops: &[RoleHop], env: &Env) -> Source {
    if let Some(role_arn) = non_empty(profile, "role_arn") {
        if non_empty(profile, "mfa_serial").is_none()
            && let Some(file) = non_empty(profile, "web_identity_token_file")
        {
            return Source::WebIdentity {
                role_arn: role_arn.to_owned(),
                token_file: file.to_owned(),
            };
        }
        return Source::Role {
            hops: hops.to_vec(),
            base: chain_base(set, hops),
        };
    }
    if non_empty(profile, "sso_session").is_some() || non_empty(profile, "sso_start_url").is_some()
    {
        return Source::Sso {
            session: non_empty(profile, "sso_session").map(str::to_owned),
            start_url: non_empty(profile, "sso_start_url").map(str::to_owned),
        };
    }
    if let Some(command) = base_process(profile) {
        return Source::Process {
            command: command.to_owned(),
        };
    }
    if non_empty(profile, "login_session").is_some() {
        return Source::Login;
    }
    if dynamic_keys().any(|k| non_empty(profile, k).is_some()) {
        return Source::Provider;
    }
    if has_static_keys(profile) {
        return Source::StaticKeys;
    }
    Source::DefaultChain(ambient(env))
}

/// Where a role chain ends: the last hop's source.
fn chain_base(set: &ProfileSet, hops: &[RoleHop]) -> Base {
    let Some(last) = hops.last() else {
        return Base::Provider {
            profile: String::new(),
        };
    };
    let Some(profile) = set.get_profile(&last.profile) else {
        return Base::Provider {
            profile: last.profile.clone(),
        };
    };
    match non_empty(profile, "source_profile") {
        Some(next) if next == last.profile => Base::Keys {
            profile: next.to_owned(),
        },
        Some(next) => match set.get_profile(next) {
            Some(p) if has_static_keys(p) => Base::Keys {
                profile: next.to_owned(),
            },
            Some(p) => match base_process(p) {
                Some(command) => Base::Process {
                    profile: next.to_owned(),
                    command: command.to_owned(),
                },
                None => Base::Provider {
                    profile: next.to_owned(),
                },
            },
            None => Base::Provider {
                profile: next.to_owned(),
            },
        },
        None => match non_empty(profile, "credential_source") {
            Some(s) => Base::CredentialSource(s.to_owned()),
            None => Base::Provider {
                profile: last.profile.clone(),
            },
        },
    }
}

/// The `source_profile` chain, checked before anything runs: a profile it names must exist
/// (13), a profile that is its own source must hold keys (14), and the chain must not loop
/// (14). As in aws-config, the chain ends at the first source profile that holds static keys.
/// Returns the role hops, selected profile first.
pub fn role_chain(set: &ProfileSet, selected: &str) -> Result<Vec<RoleHop>> {
    let mut seen: Vec<&str> = Vec::new();
    let mut hops = Vec::new();
    let mut name = selected;
    loop {
        let Some(profile) = set.get_profile(name) else {
            // The selected profile may be absent (the default chain then applies); a
            // profile named by a source_profile must exist.
            return match seen.last() {
                Some(from) => Err(missing_source_profile(from, name)),
                None => Ok(hops),
            };
        };
        if !seen.is_empty() && has_static_keys(profile) {
            return Ok(hops);
        }
        let Some(role_arn) = non_empty(profile, "role_arn") else {
            return Ok(hops);
        };
        hops.push(RoleHop {
            profile: name.to_owned(),
            role_arn: role_arn.to_owned(),
            session_name: non_empty(profile, "role_session_name").map(str::to_owned),
            external_id: non_empty(profile, "external_id").map(str::to_owned),
            mfa_serial: non_empty(profile, "mfa_serial").map(str::to_owned),
            duration: None,
        });
        let Some(next) = non_empty(profile, "source_profile") else {
            return Ok(hops);
        };
        if next == name {
            return if has_static_keys(profile) {
                Ok(hops)
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

/// `duration_seconds` of a role profile (not web identity), parsed once, strictly.
fn selected_duration(view: &View) -> Result<Option<Duration>> {
    if view.get("role_arn").is_none() || view.get("web_identity_token_file").is_some() {
        return Ok(None);
    }
    let Some(raw) = view.get("duration_seconds") else {
        return Ok(None);
    };
    match raw.trim().parse::<u64>() {
        Ok(secs) if DURATION_RANGE.contains(&secs) => Ok(Some(Duration::from_secs(secs))),
        _ => Err(Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "duration_seconds = {} in profile \"{}\" is not a number of seconds between \
                 900 and 43200; fix it in the AWS config file",
                echo(raw),
                echo(view.name)
            ),
        )),
    }
}

fn check_credential_source(name: &str, source: &str) -> Result<()> {
    if ["Environment", "EcsContainer", "Ec2InstanceMetadata"].contains(&source) {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::InvalidConfig,
        format!(
            "profile \"{}\" has an unknown credential_source {}; use Environment, EcsContainer \
             or Ec2InstanceMetadata",
            echo(name),
            echo(source)
        ),
    ))
}

/// The executor's step, in today's order: process, MFA, our own AssumeRole, aws-config.
fn step(
    view: &View,
    explicit: bool,
    source: &Source,
    first_hop: Option<RoleHop>,
    mfa: bool,
) -> Step {
    if let Source::Process { command } = source {
        return Step::Process(command.clone());
    }
    if let (true, Some(hop)) = (mfa, first_hop.clone()) {
        return Step::MfaRole(hop);
    }
    if let Some(hop) = first_hop
        && (hop.duration.is_some()
            || matches!(
                source,
                Source::Role {
                    base: Base::Process { .. },
                    ..
                }
            ))
    {
        return Step::AssumeRole(hop);
    }
    let keys_only = dynamic_keys().all(|k| view.get(k).is_none());
    if keys_only
        && let (Some(akid), Some(secret)) = (
            view.get("aws_access_key_id"),
            view.get("aws_secret_access_key"),
        )
    {
        let token = view.get("aws_session_token").map(Secret::new);
        return Step::Keys(
            Credentials::new(akid, secret, token, None)
                .with_source(format!("profile {}", echo(view.name))),
        );
    }
    Step::AwsConfig { explicit }
}

/// The AWS CLI cache key of role and SSO role credentials (the sources the AWS CLI caches).
fn cache_key(view: &View, duration: Option<Duration>) -> Option<String> {
    if let Some(role_arn) = view.get("role_arn") {
        return Some(cache::role_key(
            role_arn,
            view.get("role_session_name"),
            view.get("external_id"),
            view.get("mfa_serial"),
            duration.and_then(|d| i64::try_from(d.as_secs()).ok()),
        ));
    }
    let (account, role) = (view.get("sso_account_id")?, view.get("sso_role_name")?);
    Some(cache::sso_key(
        account,
        role,
        view.get("sso_session"),
        view.get("sso_start_url"),
    ))
}

/// The selected profile's settings (empty values count as unset).
struct View<'a> {
    set: &'a ProfileSet,
    name: &'a str,
}

impl<'a> View<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.set
            .get_profile(self.name)
            .and_then(|p| non_empty(p, key))
    }

    fn uses_sso(&self) -> bool {
        self.get("sso_session").is_some() || self.get("sso_start_url").is_some()
    }
}

pub(crate) fn non_empty<'a>(profile: &'a Profile, key: &str) -> Option<&'a str> {
    profile.get(key).filter(|v| !v.is_empty())
}

pub(crate) fn has_static_keys(profile: &Profile) -> bool {
    non_empty(profile, "aws_access_key_id").is_some()
        && non_empty(profile, "aws_secret_access_key").is_some()
}

/// aws-config's base provider of a profile without `role_arn`, when it is `credential_process`
/// (role, credential_source, web identity, SSO and login come first).
pub(crate) fn base_process(profile: &Profile) -> Option<&str> {
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

pub(crate) fn self_source_without_keys(name: &str) -> Error {
    Error::new(
        ErrorCode::InvalidConfig,
        format!(
            "profile \"{}\" is its own source_profile but has no \
             aws_access_key_id/aws_secret_access_key; add them or name another source_profile",
            echo(name)
        ),
    )
}

#[cfg(test)]
mod tests;
