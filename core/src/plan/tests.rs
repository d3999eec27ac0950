//! The plan from a table: one named `#[test]` per row, each a parse of two small strings and
//! a pure call (no file, no clock, no process environment).

use std::borrow::Cow;
use std::time::Duration;

use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};

use super::*;
use crate::error::ErrorCode;

/// Plans `profile` (explicit when `Some`) over a config file, a credentials file and `env`.
fn run(
    config: &str,
    credentials: &str,
    env: &[(&str, &str)],
    profile: Option<&str>,
) -> Result<Plan> {
    let env = Env::from_slice(env);
    let files = EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Config, config)
        .with_contents(EnvConfigFileKind::Credentials, credentials)
        .build();
    let set = crate::runtime::poll_here(aws_config::profile::load(
        &Fs::from_slice(&[]),
        &env,
        &files,
        profile.map(|p| Cow::Owned(p.to_owned())),
    ))
    .expect("the test config parses");
    let name = set.selected_profile().to_owned();
    plan(&set, &name, profile.is_some(), &env)
}

fn ok(result: Result<Plan>) -> Plan {
    result.unwrap_or_else(|e| panic!("expected a plan, got: {e}"))
}

fn code(result: Result<Plan>) -> ErrorCode {
    match result {
        Ok(plan) => panic!("expected an error, got a plan: {:?}", plan.source),
        Err(e) => e.code(),
    }
}

fn keys(plan: &Plan) -> &Credentials {
    match &plan.step {
        Step::Keys(c) => c,
        other => panic!("expected keys, got step {}", other.name()),
    }
}

fn hops(plan: &Plan) -> &[RoleHop] {
    match &plan.source {
        Source::Role { hops, .. } => hops,
        other => panic!("expected a role chain, got {other:?}"),
    }
}

fn base(plan: &Plan) -> &Base {
    match &plan.source {
        Source::Role { base, .. } => base,
        other => panic!("expected a role chain, got {other:?}"),
    }
}

fn first_duration(plan: &Plan) -> Option<Duration> {
    match &plan.step {
        Step::AssumeRole(hop) | Step::MfaRole(hop) => hop.duration,
        _ => None,
    }
}

/// `name: (config, credentials, env, profile) => |result| check;`
macro_rules! cases {
    ($($name:ident: ($config:expr, $creds:expr, $env:expr, $profile:expr) => $check:expr;)+) => {
        $(
            #[test]
            fn $name() {
                let check: fn(Result<Plan>) = $check;
                check(run($config, $creds, $env, $profile));
            }
        )+
    };
}

const ENV_KEYS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKIAENVENVENVENVENV1"),
    ("AWS_SECRET_ACCESS_KEY", "envsecret"),
];
const DEV_KEYS: &str =
    "[dev]\naws_access_key_id = AKIADEVDEVDEVDEVDEV1\naws_secret_access_key = devsecret\n";
const ROLE: &str = "arn:aws:iam::123456789012:role/r";

cases! {
    // ---- no source at all: the default chain, and which part of it applies
    nothing_configured_uses_imds: ("", "", &[], None) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::DefaultChain(Ambient::Imds));
        assert_eq!(p.step.name(), "aws-config default chain");
        assert_eq!(p.cache_key, None);
    };
    env_web_identity_is_the_ambient_source: ("", "", &[("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"), ("AWS_ROLE_ARN", ROLE)], None) => |r| {
        assert!(matches!(ok(r).source, Source::DefaultChain(Ambient::WebIdentity { .. })));
    };
    web_identity_needs_both_variables: ("", "", &[("AWS_WEB_IDENTITY_TOKEN_FILE", "/t")], None) => |r| {
        assert_eq!(ok(r).source, Source::DefaultChain(Ambient::Imds));
    };
    container_full_uri: ("", "", &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/c")], None) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::DefaultChain(Ambient::ContainerFullUri("http://127.0.0.1:9/c".into())));
        assert!(p.description.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    };
    container_relative_uri: ("", "", &[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c")], None) => |r| {
        assert_eq!(ok(r).source, Source::DefaultChain(Ambient::ContainerRelativeUri));
    };
    imds_disabled_says_none_found: ("", "", &[("AWS_EC2_METADATA_DISABLED", "TRUE")], None) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::DefaultChain(Ambient::ImdsDisabled));
        assert!(p.description.starts_with("none found"));
    };
    region_only_profile_uses_default_chain: ("[default]\nregion = eu-west-1\n", "", &[], None) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::DefaultChain(Ambient::Imds));
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
    };

    // ---- environment keys vs profiles (botocore's rule, and the guide's default rule)
    env_keys_when_no_profile_named: ("", DEV_KEYS, ENV_KEYS, None) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::EnvKeys { default_rule: false });
        assert_eq!(keys(&p).access_key_id(), "AKIAENVENVENVENVENV1");
        assert_eq!(p.cache_key, None);
    };
    env_session_token_is_kept: ("", "", &[("AWS_ACCESS_KEY_ID", "ASIAENVENVENVENVENV1"), ("AWS_SECRET_ACCESS_KEY", "s"), ("AWS_SESSION_TOKEN", " tok ")], None) => |r| {
        let p = ok(r);
        assert_eq!(keys(&p).session_token().map(|t| t.expose().to_owned()).as_deref(), Some("tok"));
    };
    env_key_id_without_secret_is_not_keys: ("", "", &[("AWS_ACCESS_KEY_ID", "AKIAENVENVENVENVENV1")], None) => |r| {
        assert_eq!(ok(r).source, Source::DefaultChain(Ambient::Imds));
    };
    env_keys_win_over_an_unnamed_role_profile: ("[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n", DEV_KEYS, ENV_KEYS, None) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::EnvKeys { default_rule: false });
        assert_eq!(p.mfa, None);
    };
    named_profile_disables_env_keys: ("", DEV_KEYS, ENV_KEYS, Some("dev")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::StaticKeys);
        assert_eq!(keys(&p).access_key_id(), "AKIADEVDEVDEVDEVDEV1");
    };
    named_region_only_profile_does_not_take_env_keys: ("[profile dev]\nregion = us-west-2\n", "", ENV_KEYS, Some("dev")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::DefaultChain(Ambient::Imds));
        assert_eq!(p.step.name(), "aws-config profile chain");
    };
    default_rule_missing_default_uses_env_keys: ("", "", ENV_KEYS, Some("default")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::EnvKeys { default_rule: true });
        assert_eq!(keys(&p).access_key_id(), "AKIAENVENVENVENVENV1");
        assert!(p.description.contains("profile default defines no credentials"), "{}", p.description);
    };
    default_rule_settings_only_default_uses_env_keys: ("[default]\nregion = eu-central-1\noutput = json\n", "", ENV_KEYS, Some("default")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::EnvKeys { default_rule: true });
        assert_eq!(p.region.as_deref(), Some("eu-central-1"));
    };
    default_with_own_keys_keeps_them: ("", "[default]\naws_access_key_id = AKIADEFDEFDEFDEFDEF1\naws_secret_access_key = d\n", ENV_KEYS, Some("default")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::StaticKeys);
        assert_eq!(keys(&p).access_key_id(), "AKIADEFDEFDEFDEFDEF1");
    };
    default_with_own_role_ignores_env_keys: ("[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n", DEV_KEYS, ENV_KEYS, Some("default")) => |r| {
        assert_eq!(hops(&ok(r)).len(), 1);
    };
    default_with_process_ignores_env_keys: ("[default]\ncredential_process = /bin/creds\n", "", ENV_KEYS, Some("default")) => |r| {
        assert_eq!(ok(r).step.name(), "credential_process");
    };
    named_default_missing_without_env_keys_is_unknown: ("", DEV_KEYS, &[], Some("default")) => |r| {
        assert_eq!(code(r), ErrorCode::UnknownProfile);
    };
    named_missing_profile_is_unknown_13: ("", DEV_KEYS, ENV_KEYS, Some("ghost")) => |r| {
        assert_eq!(code(r), ErrorCode::UnknownProfile);
    };
    aws_profile_variable_missing_is_unknown_13: ("", DEV_KEYS, &[("AWS_PROFILE", "ghost")], None) => |r| {
        assert_eq!(code(r), ErrorCode::UnknownProfile);
    };

    // ---- static keys
    static_keys_from_credentials_file: ("", DEV_KEYS, &[], Some("dev")) => |r| {
        let p = ok(r);
        assert_eq!(keys(&p).source(), "profile dev");
        assert_eq!(p.cache_key, None);
    };
    static_keys_from_config_file: ("[profile dev]\naws_access_key_id = AKIACFGCFGCFGCFGCFG1\naws_secret_access_key = c\n", "", &[], Some("dev")) => |r| {
        assert_eq!(keys(&ok(r)).access_key_id(), "AKIACFGCFGCFGCFGCFG1");
    };
    empty_key_counts_as_unset: ("", "[dev]\naws_access_key_id =\naws_secret_access_key = x\n", &[], Some("dev")) => |r| {
        assert_eq!(ok(r).source, Source::DefaultChain(Ambient::Imds));
    };
    keys_with_mfa_serial_go_to_aws_config: ("[profile dev]\nmfa_serial = arn:aws:iam::1:mfa/u\n", DEV_KEYS, &[], Some("dev")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::Provider);
        assert_eq!(p.mfa, None);
    };

    // ---- role chains
    role_from_static_source: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n", DEV_KEYS, &[], Some("r")) => |r| {
        let p = ok(r);
        assert_eq!(hops(&p)[0].role_arn, "arn:aws:iam::1:role/r");
        assert_eq!(base(&p), &Base::Keys { profile: "dev".into() });
        assert_eq!(p.step.name(), "aws-config profile chain");
        assert!(p.cache_key.is_some());
    };
    role_chain_of_two_hops: ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = dev\n", DEV_KEYS, &[], Some("a")) => |r| {
        let p = ok(r);
        let names: Vec<&str> = hops(&p).iter().map(|h| h.profile.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(base(&p), &Base::Keys { profile: "dev".into() });
    };
    chain_ends_at_source_with_keys_even_with_role: ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = ghost\naws_access_key_id = AKIABBBBBBBBBBBBBBB1\naws_secret_access_key = b\n", "", &[], Some("a")) => |r| {
        let p = ok(r);
        assert_eq!(hops(&p).len(), 1);
        assert_eq!(base(&p), &Base::Keys { profile: "b".into() });
    };
    self_source_with_keys: ("[profile s]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = s\naws_access_key_id = AKIASSSSSSSSSSSSSSS1\naws_secret_access_key = s\n", "", &[], Some("s")) => |r| {
        assert_eq!(base(&ok(r)), &Base::Keys { profile: "s".into() });
    };
    self_source_without_keys_is_invalid_14: ("[profile s]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = s\n", "", &[], Some("s")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    missing_source_profile_is_unknown_13: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = ghost\n", "", &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::UnknownProfile);
    };
    source_profile_loop_is_invalid_14: ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n", "", &[], Some("a")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    three_profile_loop_is_invalid_14: ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n", "", &[], Some("a")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    role_with_credential_source: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2InstanceMetadata\n", "", &[], Some("r")) => |r| {
        assert_eq!(base(&ok(r)), &Base::CredentialSource("Ec2InstanceMetadata".into()));
    };
    unknown_credential_source_is_invalid_14: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2\n", "", &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    role_without_any_source_is_left_to_aws_config: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\n", "", &[], Some("r")) => |r| {
        let p = ok(r);
        assert_eq!(base(&p), &Base::Provider { profile: "r".into() });
        assert!(p.description.contains("via ?"));
    };
    role_over_process_source_is_assumed_by_us: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\n[profile p]\ncredential_process = /bin/creds\n", "", &[], Some("r")) => |r| {
        let p = ok(r);
        assert_eq!(base(&p), &Base::Process { profile: "p".into(), command: "/bin/creds".into() });
        assert_eq!(p.step.name(), "assume role");
    };
    role_hop_carries_session_name_and_external_id: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nrole_session_name = me\nexternal_id = ext\n", DEV_KEYS, &[], Some("r")) => |r| {
        let p = ok(r);
        assert_eq!(hops(&p)[0].session_name.as_deref(), Some("me"));
        assert_eq!(hops(&p)[0].external_id.as_deref(), Some("ext"));
    };

    // ---- duration_seconds: parsed once, one strictness, for every role path
    duration_in_range_is_assumed_by_us: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = 3600\n", DEV_KEYS, &[], Some("r")) => |r| {
        let p = ok(r);
        assert_eq!(p.step.name(), "assume role");
        assert_eq!(first_duration(&p), Some(Duration::from_secs(3600)));
    };
    duration_lowest_accepted: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = 900\n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(first_duration(&ok(r)), Some(Duration::from_secs(900)));
    };
    duration_highest_accepted_with_spaces: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds =  43200 \n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(first_duration(&ok(r)), Some(Duration::from_secs(43_200)));
    };
    duration_garbage_is_invalid_14: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = 1h\n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    duration_too_short_is_invalid_14: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = 899\n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    duration_too_long_is_invalid_14: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = 43201\n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    duration_negative_is_invalid_14: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = -3600\n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    duration_garbage_with_mfa_is_invalid_too: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nmfa_serial = arn:aws:iam::1:mfa/u\nduration_seconds = soon\n", DEV_KEYS, &[], Some("r")) => |r| {
        assert_eq!(code(r), ErrorCode::InvalidConfig);
    };
    duration_changes_the_cache_key: ("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nduration_seconds = 3600\n", DEV_KEYS, &[], Some("r")) => |r| {
        let with = ok(r).cache_key.expect("a role is cached");
        let without = ok(run("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n", DEV_KEYS, &[], Some("r"))).cache_key.expect("cached");
        assert_ne!(with, without);
    };
    duration_ignored_for_web_identity_role: ("[profile w]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = /t\nduration_seconds = nonsense\n", "", &[], Some("w")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::WebIdentity { role_arn: "arn:aws:iam::1:role/w".into(), token_file: "/t".into() });
        assert_eq!(p.step.name(), "aws-config profile chain");
    };

    // ---- MFA
    mfa_role_asks_for_a_code: ("[profile m]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = dev\nmfa_serial = arn:aws:iam::1:mfa/u\n", DEV_KEYS, &[], Some("m")) => |r| {
        let p = ok(r);
        assert_eq!(p.step.name(), "assume role with MFA");
        let mfa = p.mfa.expect("an MFA request");
        assert_eq!((mfa.profile.as_str(), mfa.serial.as_str()), ("m", "arn:aws:iam::1:mfa/u"));
        assert!(p.description.contains(", MFA arn:aws:iam::1:mfa/u"));
    };
    mfa_role_with_duration_sends_it: ("[profile m]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = dev\nmfa_serial = arn:aws:iam::1:mfa/u\nduration_seconds = 7200\n", DEV_KEYS, &[], Some("m")) => |r| {
        assert_eq!(first_duration(&ok(r)), Some(Duration::from_secs(7200)));
    };

    // ---- SSO, process, web identity, login
    sso_session_profile: ("[profile s]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n", "", &[], Some("s")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::Sso { session: Some("corp".into()), start_url: None });
        assert!(p.cache_key.is_some());
        assert_eq!(p.description, "SSO (corp) (profile s)");
    };
    legacy_sso_profile: ("[profile s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n", "", &[], Some("s")) => |r| {
        let p = ok(r);
        assert!(matches!(p.source, Source::Sso { session: None, start_url: Some(_) }));
        assert!(p.description.contains("legacy sso_start_url"));
    };
    credential_process_profile: ("[profile p]\ncredential_process = /bin/creds --json\n", "", &[], Some("p")) => |r| {
        let p = ok(r);
        assert!(matches!(p.step, Step::Process(ref c) if c == "/bin/creds --json"));
        assert_eq!(p.cache_key, None);
    };
    sso_comes_before_credential_process: ("[profile p]\nsso_session = corp\ncredential_process = /bin/creds\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n", "", &[], Some("p")) => |r| {
        assert!(matches!(ok(r).source, Source::Sso { .. }));
    };
    process_comes_before_static_keys: ("[profile p]\ncredential_process = /bin/creds\naws_access_key_id = AKIAPPPPPPPPPPPPPPP1\naws_secret_access_key = p\n", "", &[], Some("p")) => |r| {
        assert_eq!(ok(r).step.name(), "credential_process");
    };
    web_identity_without_role_is_left_to_aws_config: ("[profile w]\nweb_identity_token_file = /t\n", "", &[], Some("w")) => |r| {
        assert_eq!(ok(r).source, Source::Provider);
    };
    login_session_profile: ("[profile l]\nlogin_session = arn:aws:iam::1:user/u\n", "", &[], Some("l")) => |r| {
        let p = ok(r);
        assert_eq!(p.source, Source::Login);
        assert_eq!(p.description, "login session (aws login) (profile l)");
    };

    // ---- region order and FIPS
    region_env_wins_over_everything: ("[profile dev]\nregion = eu-west-1\n", DEV_KEYS, &[("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "us-west-1")], Some("dev")) => |r| {
        assert_eq!(ok(r).region.as_deref(), Some("ap-south-1"));
    };
    default_region_env_wins_over_profile: ("[profile dev]\nregion = eu-west-1\n", DEV_KEYS, &[("AWS_DEFAULT_REGION", "us-west-1")], Some("dev")) => |r| {
        assert_eq!(ok(r).region.as_deref(), Some("us-west-1"));
    };
    empty_region_env_is_unset: ("[profile dev]\nregion = eu-west-1\n", DEV_KEYS, &[("AWS_REGION", "")], Some("dev")) => |r| {
        assert_eq!(ok(r).region.as_deref(), Some("eu-west-1"));
    };
    no_region_anywhere: ("", DEV_KEYS, &[], Some("dev")) => |r| {
        assert_eq!(ok(r).region, None);
    };
    fips_from_profile: ("[profile dev]\nuse_fips_endpoint = true\n", DEV_KEYS, &[], Some("dev")) => |r| {
        assert!(ok(r).fips);
    };
    fips_env_false_overrides_profile_true: ("[profile dev]\nuse_fips_endpoint = true\n", DEV_KEYS, &[("AWS_USE_FIPS_ENDPOINT", "false")], Some("dev")) => |r| {
        assert!(!ok(r).fips);
    };
    fips_env_true_any_case: ("", DEV_KEYS, &[("AWS_USE_FIPS_ENDPOINT", "TRUE")], Some("dev")) => |r| {
        assert!(ok(r).fips);
    };
    fips_off_by_default: ("", DEV_KEYS, &[], Some("dev")) => |r| {
        assert!(!ok(r).fips);
    };
}
