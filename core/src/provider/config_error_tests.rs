//! Config errors name the file that holds the profile (config or credentials file, with its
//! path) and the source the profile's own settings name, on one line without a stray `|`.

use std::path::PathBuf;

use aws_credential_types::provider::error::CredentialsError;
use aws_types::os_shim_internal::Env;

use super::*;

/// A fresh directory holding `config` and `credentials` with the given contents.
fn files(test: &str, config: &str, credentials: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "codecommit-auth-config-errors-{}-{test}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (c, k) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&c, config).unwrap();
    std::fs::write(&k, credentials).unwrap();
    (c, k)
}

fn load(config: &std::path::Path, credentials: &std::path::Path) -> Result<ProfileContext> {
    let (c, k) = (config.to_string_lossy(), credentials.to_string_lossy());
    let env = Env::from_slice(&[
        ("AWS_CONFIG_FILE", c.as_ref()),
        ("AWS_SHARED_CREDENTIALS_FILE", k.as_ref()),
        ("HOME", "/nonexistent"),
    ]);
    ProfileContext::load_with(None, env)
}

fn message(result: Result<ProfileContext>) -> String {
    match result {
        Ok(_) => panic!("loading should fail"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_profile_only_in_the_credentials_file_is_named_there_without_the_ambient_source() {
    let (config, credentials) = files(
        "creds-only",
        "[profile other]\nregion = us-east-1\n",
        "[default]\naws_secret_access_key = abc\n",
    );
    let context = load(&config, &credentials).unwrap();
    let err = CredentialsError::invalid_configuration("profile missing aws_access_key_id");
    let text = context.map_error(&err).to_string();
    let expected = format!(
        "fix profile \"default\" in the AWS credentials file {}. Details:",
        credentials.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(!text.contains("config file"), "{text}");
    assert!(
        !text.contains("IMDS") && !text.contains("instance metadata"),
        "{text}"
    );
}

#[test]
fn a_profile_in_the_config_file_names_it_and_its_own_source() {
    let (config, credentials) = files(
        "config-role",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = keys\n\
         [profile keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
        "",
    );
    let context = load(&config, &credentials).unwrap();
    let text = context
        .map_error(&CredentialsError::invalid_configuration("bad"))
        .to_string();
    let expected = format!(
        "fix profile \"default\" in the AWS config file {} (source: assume role",
        config.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(!text.contains("credentials file"), "{text}");
}

#[test]
fn a_parse_error_names_the_file_and_kind_on_one_line() {
    let (config, credentials) = files("parse-creds", "", "[default]\nnot a property\n");
    let text = message(load(&config, &credentials));
    let expected = format!(
        "cannot read the AWS credentials file {}: ",
        credentials.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("on line 2: Expected"), "{text}");
    assert!(!text.contains('|') && !text.contains('\n'), "{text}");

    let (config, credentials) = files("parse-config", "[default]\nnot a property\n", "");
    let text = message(load(&config, &credentials));
    let expected = format!("cannot read the AWS config file {}: ", config.display());
    assert!(text.starts_with(&expected), "{text}");
    assert!(!text.contains('|'), "{text}");
}

#[test]
fn a_credentials_file_that_is_not_a_file_is_called_the_credentials_file() {
    let (config, credentials) = files("dir-creds", "", "");
    std::fs::remove_file(&credentials).unwrap();
    std::fs::create_dir(&credentials).unwrap();
    let text = message(load(&config, &credentials));
    let expected = format!(
        "cannot read the AWS credentials file {}",
        credentials.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("AWS_SHARED_CREDENTIALS_FILE"), "{text}");
}

#[test]
fn sections_are_matched_as_aws_config_reads_them() {
    let config = ConfigFile::Config;
    let credentials = ConfigFile::Credentials;
    assert!(defines_profile("[profile dev]\n", "dev", config));
    assert!(defines_profile(
        "  [ profile   dev ] # note\n",
        "dev",
        config
    ));
    assert!(defines_profile("[default]\n", "default", config));
    assert!(!defines_profile("[dev]\n", "dev", config));
    assert!(!defines_profile("[profile dev]\n", "dev", credentials));
    assert!(defines_profile("[dev]\n", "dev", credentials));
    assert!(!defines_profile(
        "[development]\nx = [dev]\n",
        "dev",
        credentials
    ));
}
