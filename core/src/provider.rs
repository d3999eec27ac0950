//! Profile → credentials and region: the AWS config files, bounded, parsed by aws-config.
//!
//! This module loads the files and holds the parse ([`ProfileContext`]). What to do with a
//! profile is decided by the pure [`crate::plan`]; the executor that runs a plan through
//! aws-config's providers, STS (with MFA) or our credential_process runner is
//! `crate::resolve`. Static keys (environment variables, plain profile keys) need no
//! runtime, HTTP client or TLS.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles as ProfileFiles};
use aws_types::os_shim_internal::{Env, Fs};

use crate::credentials::{self, Credentials};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::CONFIG_MAX;
use crate::mfa::MfaRequest;
use crate::plan::{self, Plan, Step};
use crate::platform::{self, ReadError};
use crate::redact::echo;
use crate::runtime;
use crate::sdk::error_chain;

/// The parsed AWS config, which profile is in use, and the environment it was read with.
pub struct ProfileContext {
    pub(crate) set: ProfileSet,
    pub(crate) name: String,
    /// Named by the caller (URL, option, --profile): environment keys are then not used,
    /// as in botocore, where an explicit profile removes the environment provider (except
    /// for `default` without a credential source of its own: see [`plan::uses_env_keys`]).
    pub(crate) explicit: bool,
    /// The environment snapshot every decision reads (`Env::real()` in [`Self::load`]).
    pub(crate) env: Env,
    /// The files that define the selected profile, as errors name them ("the AWS
    /// credentials file PATH"); empty for a profile in no file (or built by [`Self::from_set`]).
    pub(crate) defined_in: Vec<String>,
}

impl ProfileContext {
    /// Parses `~/.aws/config` and `~/.aws/credentials` (honouring `AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`) with the real environment: the one
    /// place profile resolution reads the process environment.
    pub fn load(explicit: Option<&str>) -> Result<ProfileContext> {
        Self::load_with(explicit, crate::environment::real())
    }

    /// [`Self::load`] with an environment snapshot.
    ///
    /// The files are read here, bounded ([`CONFIG_MAX`], regular files only, valid UTF-8),
    /// and aws-config parses those bytes from an in-memory `Fs`: it never reads them itself
    /// on this path, and a file it would silently read as empty is an error naming it.
    pub fn load_with(explicit: Option<&str>, env: Env) -> Result<ProfileContext> {
        let mut files = ProfileFiles::builder();
        let mut contents = HashMap::new();
        // (what the file is, its path as aws-config names it, whether it defines the profile)
        let mut read_files: Vec<(ConfigFile, String, bool)> = Vec::new();
        // The profile aws-config selects (checked against its choice below).
        let selected_name = explicit
            .map(str::to_owned)
            .or_else(|| plan::var(&env, "AWS_PROFILE"))
            .unwrap_or_else(|| "default".to_owned());
        for file in [ConfigFile::Config, ConfigFile::Credentials] {
            let read = match config_path(&env, file.variable(), file.default_path()) {
                Some(path) => read_config_file(&path, file)?.map(|bytes| (path, bytes)),
                None => None,
            };
            // A missing file counts as empty, as in aws-config (whose builder needs one entry
            // per kind).
            files = match read {
                Some((path, bytes)) => {
                    let key = path.to_string_lossy().into_owned();
                    // UTF-8 was checked by read_config_file.
                    let text = std::str::from_utf8(&bytes).unwrap_or_default();
                    let defines = defines_profile(text, &selected_name, file);
                    read_files.push((file, key.clone(), defines));
                    contents.insert(key.clone(), bytes);
                    files.with_file(file.kind(), key)
                }
                None => files.with_contents(file.kind(), ""),
            };
        }
        let selected = explicit.map(|p| Cow::Owned(p.to_owned()));
        let set = runtime::poll_here(aws_config::profile::load(
            &Fs::from_map(contents),
            &env,
            &files.build(),
            selected,
        ))
        .map_err(|e| load_error(&error_chain(&e), &read_files))?;
        let mut context = Self::from_set(set, explicit.is_some(), env)?;
        context.defined_in = read_files
            .into_iter()
            .filter(|(_, _, defines)| *defines && context.name == selected_name)
            .map(|(file, path, _)| file.describe(&path))
            .collect();
        Ok(context)
    }

    /// A context over an already parsed set (tests build one from a string).
    pub fn from_set(set: ProfileSet, explicit: bool, env: Env) -> Result<ProfileContext> {
        let name = set.selected_profile().to_owned();
        plan::check_selected(&set, &name, explicit, &env)?;
        Ok(ProfileContext {
            set,
            name,
            explicit,
            env,
            defined_in: Vec::new(),
        })
    }

    /// The files that define this profile ("the AWS credentials file PATH"), if any.
    pub(crate) fn defined_in(&self) -> Option<String> {
        (!self.defined_in.is_empty()).then(|| self.defined_in.join(" and "))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_explicit(&self) -> bool {
        self.explicit
    }

    /// What resolving this profile will do (pure; see [`crate::plan`]).
    pub fn plan(&self) -> Result<Plan> {
        plan::plan(&self.set, &self.name, self.explicit, &self.env)
    }

    /// Region from `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub fn configured_region(&self) -> Option<String> {
        plan::region(&self.set, &self.name, &self.env)
    }

    /// FIPS from `AWS_USE_FIPS_ENDPOINT`, then the profile's `use_fips_endpoint`.
    pub fn use_fips(&self) -> bool {
        plan::fips(&self.set, &self.name, &self.env)
    }

    /// The AWS CLI cache key of this profile's temporary credentials (assumed roles and SSO
    /// role credentials, the sources the AWS CLI caches); `None` for anything else, and for
    /// a profile whose plan fails (resolution then reports why).
    pub fn cache_key(&self) -> Option<String> {
        self.plan().ok()?.cache_key
    }

    /// What to ask an MFA prompt, for role profiles with `mfa_serial`.
    pub fn mfa_request(&self) -> Option<MfaRequest> {
        self.plan().ok()?.mfa
    }

    /// A profile setting (empty values count as unset).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.set
            .get_profile(&self.name)
            .and_then(|p| plan::non_empty(p, key))
    }

    /// A human description of the credential source (for `doctor`; never a secret).
    pub fn describe_source(&self) -> String {
        plan::describe(&self.set, &self.name, self.explicit, &self.env)
    }

    /// Static keys, when that is all this profile (or the environment) holds. No I/O.
    /// Keys that fail `credentials::validate` give `None`: the executor then meets the
    /// same keys, and its validation reports them as an error naming the profile.
    pub fn static_credentials(&self) -> Option<Credentials> {
        match self.plan().ok()?.step {
            Step::Keys(creds) => self.validated(creds).ok(),
            _ => None,
        }
    }

    /// Every credentials result of this profile passes here before it is cached or used.
    pub(crate) fn validated(&self, creds: Credentials) -> Result<Credentials> {
        let source = creds.source().to_owned();
        credentials::validate(creds, &self.name, &source, SystemTime::now())
    }
}

/// The path named by `var` (with aws-config's `~/` expansion), else `~/<default>`.
fn config_path(env: &Env, var: &str, default: &str) -> Option<PathBuf> {
    let home = crate::platform::home_dir;
    match plan::var(env, var) {
        Some(v) if v == "~" => home(),
        Some(v) => match v.strip_prefix("~/").or_else(|| v.strip_prefix("~\\")) {
            Some(rest) => home().map(|h| h.join(rest)).or(Some(PathBuf::from(v))),
            None => Some(PathBuf::from(v)),
        },
        None => home().map(|h| h.join(default)),
    }
}

/// The two AWS files, for reading them and for naming them in errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ConfigFile {
    Config,
    Credentials,
}

impl ConfigFile {
    fn kind(self) -> EnvConfigFileKind {
        match self {
            ConfigFile::Config => EnvConfigFileKind::Config,
            ConfigFile::Credentials => EnvConfigFileKind::Credentials,
        }
    }

    fn variable(self) -> &'static str {
        match self {
            ConfigFile::Config => "AWS_CONFIG_FILE",
            ConfigFile::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
        }
    }

    fn default_path(self) -> &'static str {
        match self {
            ConfigFile::Config => ".aws/config",
            ConfigFile::Credentials => ".aws/credentials",
        }
    }

    /// "the AWS config file PATH" / "the AWS credentials file PATH".
    fn describe(self, path: &str) -> String {
        let what = match self {
            ConfigFile::Config => "config",
            ConfigFile::Credentials => "credentials",
        };
        format!("the AWS {what} file {}", echo(path))
    }
}

/// Whether `text` has a section for profile `name`: `[profile NAME]` (or `[default]`) in
/// the config file, `[NAME]` in the credentials file, as aws-config reads them.
fn defines_profile(text: &str, name: &str, file: ConfigFile) -> bool {
    text.lines().filter_map(section_header).any(|header| {
        let words: Vec<&str> = header.split_whitespace().collect();
        match (file, words.as_slice()) {
            (ConfigFile::Config, ["profile", n]) => *n == name,
            (ConfigFile::Config, [n]) => *n == name && name == "default",
            (ConfigFile::Credentials, [n]) => *n == name,
            _ => false,
        }
    })
}

/// The text between `[` and `]` of a section header line.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('[')?;
    rest.find(']').map(|end| &rest[..end])
}

/// aws-config could not parse the files: the error names the file it failed on (its path
/// is in `detail`), and so does this message, with which of the two files that is.
fn load_error(detail: &str, read: &[(ConfigFile, String, bool)]) -> Error {
    let file = read
        .iter()
        .filter(|(_, path, _)| detail.contains(path.as_str()))
        .max_by_key(|(_, path, _)| path.len())
        .map_or_else(
            || "the AWS config files".to_owned(),
            |(file, path, _)| file.describe(path),
        );
    Error::new(
        ErrorCode::InvalidConfig,
        format!(
            "cannot read {file}: {detail}. Fix that file (or check AWS_CONFIG_FILE / \
             AWS_SHARED_CREDENTIALS_FILE)"
        ),
    )
}

/// One AWS config or credentials file: `None` when it does not exist; an error (14) naming
/// the file when it is not a regular file, larger than [`CONFIG_MAX`] or not UTF-8.
fn read_config_file(path: &Path, file: ConfigFile) -> Result<Option<Vec<u8>>> {
    let invalid = |why: String| {
        Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "cannot read {}: {why}. Fix the file (or check {})",
                file.describe(&path.to_string_lossy()),
                file.variable()
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

#[cfg(test)]
mod config_error_tests;
