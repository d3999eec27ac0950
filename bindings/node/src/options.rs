//! The option objects (their TypeScript declarations are generated from these structs) and
//! their one conversion to core's options. `GitCredentialOptions` (the one-shot functions)
//! is `ClientOptions & SignOptions`, read from one object by both converters.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use codecommit_auth as cc;
use codecommit_auth::binding::{ClientOptionsBuilder, seconds_option};
use napi::{Env, JsDate, Unknown};
use napi_derive::napi;

use crate::args::{Field, Kind, checked_object, convert, optional, required, time_arg};
use crate::errors::{core_error, type_error};
use crate::mfa::{JsMfaPrompt, MainThread, MfaCallback};

/// How long a credential request waits for the MFA callback's code, by default.
const MFA_TIMEOUT: Duration = Duration::from_secs(300);

/// Options of a `Client` (and of the one-shot functions).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct ClientOptions {
    /// AWS profile when the remote does not name one (`codecommit://PROFILE@REPO` wins).
    /// Default: `AWS_PROFILE`, then `default`.
    pub profile: Option<Option<String>>,
    /// Region when the remote does not give one (`codecommit::REGION://REPO` and the host win).
    pub region: Option<Option<String>>,
    /// Endpoint override, `host[:port]` or `http[s]://host[:port]` (like `CODE_COMMIT_ENDPOINT`,
    /// which is read when this is not set). Requests to this exact host are signed as given.
    pub endpoint: Option<Option<String>>,
    /// Temporary credentials closer than this many seconds to expiry are refreshed first.
    /// Default: 600.
    pub refresh_margin_seconds: Option<Option<f64>>,
    /// Sign for HTTPS URLs on any host (the AWS CLI helper's `--ignore-host-check`).
    pub ignore_host_check: Option<Option<bool>>,
    /// Share temporary credentials with other processes through the AWS CLI cache
    /// (`~/.aws/cli/cache`). Default: true.
    pub cache: Option<Option<bool>>,
    /// Asked for a code when a role profile has `mfa_serial`; at most once per role session.
    /// Only the Promise API can call it: the synchronous functions get `MFA_REQUIRED` instead.
    #[napi(ts_type = "((request: MfaRequest) => string | Promise<string>) | undefined | null")]
    pub mfa: Option<Option<MfaCallback>>,
    /// How long a credential request waits for the `mfa` callback before failing with
    /// `TIMEOUT`. Default: 300.
    pub mfa_timeout_seconds: Option<Option<f64>>,
}

const CLIENT_FIELDS: &[Field] = &[
    optional("profile", Kind::String),
    optional("region", Kind::String),
    optional("endpoint", Kind::String),
    optional("refreshMarginSeconds", Kind::Number),
    optional("ignoreHostCheck", Kind::Boolean),
    optional("cache", Kind::Boolean),
    optional("mfa", Kind::Function),
    optional("mfaTimeoutSeconds", Kind::Number),
];

/// Options of one credential request.
#[napi(object, object_to_js = false)]
pub struct SignOptions<'a> {
    /// Sign at this time instead of now (from 1970-01-01 to 9999-12-31, UTC).
    pub at: Option<Option<JsDate<'a>>>,
}

const SIGN_FIELDS: &[Field] = &[optional("at", Kind::Date)];

/// Explicit keys and target for the pure `sign` function.
#[napi(object, object_to_js = false)]
pub struct SignInput<'a> {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<Option<String>>,
    pub region: String,
    /// The host as signed, port included (e.g. `git-codecommit.us-east-1.amazonaws.com`).
    pub host: String,
    /// `/v1/repos/REPO`.
    pub path: String,
    /// Default: now (from 1970-01-01 to 9999-12-31, UTC).
    pub at: Option<Option<JsDate<'a>>>,
}

const SIGN_INPUT_FIELDS: &[Field] = &[
    required("accessKeyId", Kind::String),
    required("secretAccessKey", Kind::String),
    optional("sessionToken", Kind::String),
    required("region", Kind::String),
    required("host", Kind::String),
    required("path", Kind::String),
    optional("at", Kind::Date),
];

/// `new Client(options)`.
pub(crate) fn client_options(
    env: &Env,
    value: Option<Unknown>,
) -> napi::Result<Option<ClientOptions>> {
    checked_object(env, value, "options", &[CLIENT_FIELDS])?
        .map(|v| convert(env, v, "options"))
        .transpose()
}

/// The options of one request (`client.gitCredential(remote, options)`).
pub(crate) fn sign_options(env: &Env, value: Option<Unknown>) -> napi::Result<Option<SystemTime>> {
    let Some(v) = checked_object(env, value, "options", &[SIGN_FIELDS])? else {
        return Ok(None);
    };
    let options: SignOptions = convert(env, v, "options")?;
    time_arg(env, options.at)
}

/// The options of a one-shot function: client options and the signing time in one object.
pub(crate) fn one_shot_options(
    env: &Env,
    value: Option<Unknown>,
) -> napi::Result<(Option<ClientOptions>, Option<SystemTime>)> {
    let Some(v) = checked_object(env, value, "options", &[CLIENT_FIELDS, SIGN_FIELDS])? else {
        return Ok((None, None));
    };
    let client = convert(env, v, "options")?;
    let sign: SignOptions = convert(env, v, "options")?;
    Ok((Some(client), time_arg(env, sign.at)?))
}

/// The input of `sign(input)`, all required fields present.
pub(crate) fn sign_input<'a>(env: &Env, value: Option<Unknown<'a>>) -> napi::Result<SignInput<'a>> {
    match checked_object(env, value, "input", &[SIGN_INPUT_FIELDS])? {
        Some(v) => convert(env, v, "input"),
        None => Err(type_error(
            env,
            "The \"input\" argument must be of type object. Received undefined".into(),
        )),
    }
}

/// Core's options for a client; the MFA callback (if any) shares `main` with the client's
/// synchronous calls (see [`MainThread`]).
pub(crate) fn core_options(
    env: &Env,
    options: Option<ClientOptions>,
    main: &Arc<MainThread>,
) -> napi::Result<cc::ClientOptions> {
    let o = options.unwrap_or_default();
    let mfa_timeout = seconds_option(
        o.mfa_timeout_seconds.flatten(),
        "mfaTimeoutSeconds",
        MFA_TIMEOUT,
    )
    .map_err(|e| core_error(env, &e))?;
    let mfa = o.mfa.flatten().map(|callback| {
        Arc::new(JsMfaPrompt::new(callback, mfa_timeout, Arc::clone(main))) as cc::SharedMfaPrompt
    });
    let built = ClientOptionsBuilder::new()
        .profile(o.profile.flatten())
        .region(o.region.flatten())
        .endpoint(o.endpoint.flatten())
        .refresh_margin_seconds(o.refresh_margin_seconds.flatten(), "refreshMarginSeconds")
        .and_then(|b| {
            b.ignore_host_check(o.ignore_host_check.flatten())
                .cache(o.cache.flatten())
                .mfa(mfa)
                .build()
        });
    built.map_err(|e| core_error(env, &e))
}
