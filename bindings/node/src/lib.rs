//! Node binding of `codecommit-auth` (napi-rs): argument conversion and error mapping only.
//! Every decision (remote parsing, host allowlist, profiles, signing) is made by the core crate.
//!
//! Errors thrown or rejected by this module are JavaScript `Error`s whose `code` is the core's
//! stable name (`'INVALID_REMOTE'`, ...) and whose `errno` is its number (also the CLI exit
//! status). Arguments of the wrong type throw a `TypeError` with `code: 'ERR_INVALID_ARG_TYPE'`,
//! as Node's own functions do.
//!
//! No `unsafe` here (`deny(unsafe_code)`; `forbid` would reject the `allow` napi's macros put on
//! the FFI glue they generate).

#![deny(unsafe_code)]

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, mpsc};
use std::time::{Duration, SystemTime};

use codecommit_auth as cc;
use napi::bindgen_prelude::{
    Either, FromNapiValue, Function, FunctionCallContext, JsObjectValue, Object, Promise,
    PromiseRaw, ToNapiValue,
};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, JsDate, JsValue, Status, Unknown, ValueType, sys};
use napi_derive::napi;

/// How long a credential request waits for the MFA callback's code, by default.
const MFA_TIMEOUT: Duration = Duration::from_secs(300);

// ------------------------------------------------------------------------------------------
// Argument and option types (their TypeScript declarations are generated from these).
// ------------------------------------------------------------------------------------------

/// The MFA callback: receives what is asked for, returns the current code (or a Promise of it).
type MfaCallback = ThreadsafeFunction<
    MfaRequest,
    Either<String, Promise<String>>,
    MfaRequest,
    Status,
    false, // errors are not passed as the first argument
    true,  // weak: a Client with a callback does not keep the process alive
>;

/// Options of a `Client` (and of the one-shot functions).
#[napi(object, object_to_js = false)]
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

/// Options of one credential request.
#[napi(object, object_to_js = false)]
pub struct SignOptions<'a> {
    /// Sign at this time instead of now.
    pub at: Option<Option<JsDate<'a>>>,
}

/// `ClientOptions` plus `SignOptions`, for the one-shot functions.
#[napi(object, object_to_js = false)]
pub struct GitCredentialOptions<'a> {
    pub profile: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub endpoint: Option<Option<String>>,
    pub refresh_margin_seconds: Option<Option<f64>>,
    pub ignore_host_check: Option<Option<bool>>,
    pub cache: Option<Option<bool>>,
    #[napi(ts_type = "((request: MfaRequest) => string | Promise<string>) | undefined | null")]
    pub mfa: Option<Option<MfaCallback>>,
    pub mfa_timeout_seconds: Option<Option<f64>>,
    /// Sign at this time instead of now.
    pub at: Option<Option<JsDate<'a>>>,
}

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
    /// Default: now.
    pub at: Option<Option<JsDate<'a>>>,
}

/// What the MFA callback is asked for: the code of device `serial`, to assume `roleArn`.
#[napi(object, object_from_js = false)]
pub struct MfaRequest {
    pub profile: String,
    pub serial: String,
    pub role_arn: String,
}

/// What isomorphic-git's `onAuth` returns.
#[napi(object, object_from_js = false)]
pub struct GitAuth {
    pub username: String,
    pub password: String,
}

// ------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------

/// A JavaScript `Error` carrying the core error's message, `code` (stable name) and `errno`.
fn core_error(env: &Env, err: &cc::Error) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut object =
            env.create_error(napi::Error::new(Status::GenericFailure, err.message()))?;
        object.set_named_property("code", err.code().name())?;
        object.set_named_property("errno", err.code().as_i32())?;
        Ok(napi::Error::from(object.to_unknown()))
    };
    build().unwrap_or_else(|e| e)
}

/// A `TypeError` with Node's `ERR_INVALID_ARG_TYPE` code.
fn type_error(env: &Env, message: String) -> napi::Error {
    let error = napi::Error::new("ERR_INVALID_ARG_TYPE", message);
    napi::Error::from(napi::JsTypeError::from(error).into_unknown(*env))
}

/// Runs a core call; a panic becomes an `INTERNAL` error instead of unwinding into Node
/// (which would abort the process, e.g. a whole VS Code extension host).
fn guarded<T>(call: impl FnOnce() -> cc::Result<T>) -> cc::Result<T> {
    panic::catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| Err(panicked(&*payload)))
}

fn panicked(payload: &(dyn Any + Send)) -> cc::Error {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    cc::Error::new(
        cc::ErrorCode::Internal,
        format!("codecommit-auth panicked ({detail}); this is a bug, please report it"),
    )
}

fn received(value: &Unknown) -> String {
    match value.get_type() {
        Ok(ValueType::Undefined) => "Received undefined".into(),
        Ok(ValueType::Null) => "Received null".into(),
        Ok(t) => format!("Received type {}", js_type_name(t)),
        Err(_) => "Received an unknown value".into(),
    }
}

fn js_type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::Null => "null",
        ValueType::Undefined => "undefined",
        _ => "unknown",
    }
}

// ------------------------------------------------------------------------------------------
// Argument conversion
// ------------------------------------------------------------------------------------------

fn string_arg(env: &Env, value: Option<Unknown>, name: &str) -> napi::Result<String> {
    match value {
        Some(v) if v.get_type()? == ValueType::String => String::from_unknown(v),
        Some(v) => Err(type_error(
            env,
            format!(
                "The \"{name}\" argument must be of type string. {}",
                received(&v)
            ),
        )),
        None => Err(type_error(
            env,
            format!("The \"{name}\" argument must be of type string. Received undefined"),
        )),
    }
}

fn optional_string_arg(
    env: &Env,
    value: Option<Unknown>,
    name: &str,
) -> napi::Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => match v.get_type()? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            _ => string_arg(env, Some(v), name).map(Some),
        },
    }
}

/// An options object converted with its generated converter; `undefined`/`null` is `None`.
fn options_arg<'a, T: FromNapiValue>(
    env: &Env,
    value: Option<Unknown<'a>>,
    name: &str,
) -> napi::Result<Option<T>> {
    let Some(v) = value else { return Ok(None) };
    match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Object => T::from_unknown(v).map(Some).map_err(|e| {
            type_error(
                env,
                format!("The \"{name}\" argument is invalid: {}", e.reason),
            )
        }),
        _ => Err(type_error(
            env,
            format!(
                "The \"{name}\" argument must be of type object. {}",
                received(&v)
            ),
        )),
    }
}

fn time_arg(env: &Env, at: Option<Option<JsDate>>) -> napi::Result<Option<SystemTime>> {
    let Some(date) = at.flatten() else {
        return Ok(None);
    };
    let millis = date
        .value_of()
        .map_err(|_| type_error(env, "The \"at\" option must be a Date".into()))?;
    let out_of_range = || {
        core_error(
            env,
            &cc::Error::new(
                cc::ErrorCode::InvalidArgument,
                "`at` must be a valid Date between the years 0000 and 9999",
            ),
        )
    };
    // An invalid Date is NaN; JavaScript's range (±8.64e15 ms) fits a Duration.
    if !millis.is_finite() {
        return Err(out_of_range());
    }
    let offset = Duration::from_secs_f64(millis.abs() / 1000.0);
    let at = if millis >= 0.0 {
        SystemTime::UNIX_EPOCH + offset
    } else {
        SystemTime::UNIX_EPOCH - offset
    };
    // A signature spells the year with four digits: core's notion of a signable time.
    cc::sign::utc_date_time(at).ok_or_else(out_of_range)?;
    Ok(Some(at))
}

fn millis_since_epoch(t: SystemTime) -> f64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64() * 1000.0,
        Err(e) => -(e.duration().as_secs_f64() * 1000.0),
    }
}

struct CoreOptions {
    /// Used by the Promise API; calls the MFA callback if there is one.
    options: cc::ClientOptions,
    /// Whether an MFA callback was given (the synchronous API then gets a refusing prompt).
    has_mfa: bool,
}

/// Client settings as given (`undefined` and `null` both mean "default").
#[derive(Default)]
struct Settings {
    profile: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    refresh_margin_seconds: Option<f64>,
    ignore_host_check: Option<bool>,
    cache: Option<bool>,
    mfa: Option<MfaCallback>,
    mfa_timeout_seconds: Option<f64>,
}

impl From<ClientOptions> for Settings {
    fn from(o: ClientOptions) -> Self {
        Settings {
            profile: o.profile.flatten(),
            region: o.region.flatten(),
            endpoint: o.endpoint.flatten(),
            refresh_margin_seconds: o.refresh_margin_seconds.flatten(),
            ignore_host_check: o.ignore_host_check.flatten(),
            cache: o.cache.flatten(),
            mfa: o.mfa.flatten(),
            mfa_timeout_seconds: o.mfa_timeout_seconds.flatten(),
        }
    }
}

/// A non-negative number of seconds, or `INVALID_ARGUMENT` naming the option.
fn seconds(env: &Env, value: Option<f64>, name: &str, default: Duration) -> napi::Result<Duration> {
    let Some(s) = value else { return Ok(default) };
    Duration::try_from_secs_f64(s).map_err(|_| {
        core_error(
            env,
            &cc::Error::new(
                cc::ErrorCode::InvalidArgument,
                format!("{name} must be a non-negative number of seconds, not {s}"),
            ),
        )
    })
}

fn core_options(env: &Env, settings: Settings) -> napi::Result<CoreOptions> {
    let defaults = cc::ClientOptions::default();
    let refresh_margin = seconds(
        env,
        settings.refresh_margin_seconds,
        "refreshMarginSeconds",
        defaults.refresh_margin,
    )?;
    let mfa_timeout = seconds(
        env,
        settings.mfa_timeout_seconds,
        "mfaTimeoutSeconds",
        MFA_TIMEOUT,
    )?;
    let has_mfa = settings.mfa.is_some();
    let mfa = settings.mfa.map(|callback| {
        Arc::new(JsMfaPrompt {
            callback: Arc::new(callback),
            timeout: mfa_timeout,
        }) as cc::SharedMfaPrompt
    });
    Ok(CoreOptions {
        options: cc::ClientOptions {
            profile: settings.profile,
            region: settings.region,
            endpoint: settings.endpoint,
            refresh_margin,
            ignore_host_check: settings
                .ignore_host_check
                .unwrap_or(defaults.ignore_host_check),
            cache: settings.cache.unwrap_or(defaults.cache),
            mfa,
        },
        has_mfa,
    })
}

// ------------------------------------------------------------------------------------------
// MFA: core asks from a blocking thread; the JavaScript callback runs on the main thread.
// ------------------------------------------------------------------------------------------

struct JsMfaPrompt {
    callback: Arc<MfaCallback>,
    timeout: Duration,
}

impl cc::MfaPrompt for JsMfaPrompt {
    fn code(&self, request: &cc::MfaRequest) -> cc::Result<String> {
        let (sender, receiver) = mpsc::sync_channel(1);
        let callback = Arc::clone(&self.callback);
        let asked = MfaRequest {
            profile: request.profile.clone(),
            serial: request.serial.clone(),
            role_arn: request.role_arn.clone(),
        };
        napi::bindgen_prelude::spawn(async move {
            let answer = match callback.call_async_catch(asked).await {
                Ok(Either::A(code)) => Ok(code),
                Ok(Either::B(promise)) => promise.await,
                Err(e) => Err(e),
            };
            let _ = sender.send(answer);
        });
        let failed = |detail: String| {
            cc::Error::new(
                cc::ErrorCode::MfaRequired,
                format!(
                    "the MFA callback gave no code for {} (profile {}): {detail}",
                    request.serial, request.profile
                ),
            )
        };
        match receiver.recv_timeout(self.timeout) {
            Ok(Ok(code)) => Ok(code),
            Ok(Err(e)) => Err(failed(e.reason)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(cc::Error::new(
                cc::ErrorCode::Timeout,
                format!(
                    "the MFA callback did not answer within {} s (profile {}); answer sooner \
                     or raise mfaTimeoutSeconds",
                    self.timeout.as_secs_f64(),
                    request.profile
                ),
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(failed("the callback was released".into()))
            }
        }
    }
}

/// The prompt of the synchronous API: the main thread is blocked, so no callback can run.
struct RefusingMfaPrompt;

impl cc::MfaPrompt for RefusingMfaPrompt {
    fn code(&self, request: &cc::MfaRequest) -> cc::Result<String> {
        Err(cc::Error::new(
            cc::ErrorCode::MfaRequired,
            format!(
                "profile {} needs an MFA code for {} and the synchronous API cannot call the \
                 mfa callback (it would block the event loop it runs on): use the Promise API \
                 (gitCredential / signedUrl) instead",
                request.profile, request.serial
            ),
        ))
    }
}

// ------------------------------------------------------------------------------------------
// GitCredential
// ------------------------------------------------------------------------------------------

/// A signed CodeCommit Git credential. Its fields are getters on the prototype, so
/// `console.log`/`JSON.stringify` of the object show no secret.
#[napi]
pub struct GitCredential {
    inner: cc::GitCredential,
}

#[napi]
impl GitCredential {
    /// The access key id, plus `%SESSION_TOKEN` for temporary credentials (not URL-encoded).
    #[napi(getter)]
    pub fn username(&self) -> String {
        self.inner.username().expose().to_owned()
    }

    /// `YYYYMMDDTHHMMSSZ` followed by the hex SigV4 signature.
    #[napi(getter)]
    pub fn password(&self) -> String {
        self.inner.password().expose().to_owned()
    }

    /// The earlier of the signature's validity (15 minutes) and the credentials' expiry.
    #[napi(getter, ts_return_type = "Date")]
    pub fn expires_at<'env>(&self, env: &'env Env) -> napi::Result<JsDate<'env>> {
        env.create_date(millis_since_epoch(self.inner.expires_at()))
    }

    /// `https://USERNAME:PASSWORD@HOST/v1/repos/REPO` (a secret).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url().expose().to_owned()
    }

    /// The repository URL without credentials: give it to isomorphic-git as `url`.
    #[napi(getter)]
    pub fn plain_url(&self) -> String {
        self.inner.plain_url()
    }

    #[napi(getter)]
    pub fn access_key_id(&self) -> String {
        self.inner.access_key_id().to_owned()
    }

    /// The host signed for, port included when there is one.
    #[napi(getter)]
    pub fn host(&self) -> String {
        self.inner.host().to_owned()
    }

    /// `/v1/repos/REPO`.
    #[napi(getter)]
    pub fn path(&self) -> String {
        self.inner.path().to_owned()
    }

    #[napi(getter)]
    pub fn region(&self) -> String {
        self.inner.region().to_owned()
    }

    /// The AWS profile used (`null` for `sign`).
    #[napi(getter)]
    pub fn profile(&self) -> Option<String> {
        self.inner.profile().map(str::to_owned)
    }

    /// Where the credentials came from (never a secret).
    #[napi(getter)]
    pub fn source(&self) -> String {
        self.inner.source().to_owned()
    }

    /// The git credential-helper reply (`username=`, `password=`, `password_expiry_utc=`).
    #[napi]
    pub fn git_reply(&self, env: Env) -> napi::Result<String> {
        guarded(|| self.inner.git_reply()).map_err(|e| core_error(&env, &e))
    }
}

// ------------------------------------------------------------------------------------------
// Client
// ------------------------------------------------------------------------------------------

/// Resolves remotes to signed credentials with one set of options. Keep one per profile
/// set-up: it remembers temporary credentials until they near expiry.
#[napi]
pub struct Client {
    promise_api: Arc<cc::Client>,
    sync_api: Arc<cc::Client>,
}

impl Client {
    fn from_core(env: &Env, options: CoreOptions) -> napi::Result<Client> {
        let CoreOptions { options, has_mfa } = options;
        let sync_options = has_mfa.then(|| cc::ClientOptions {
            mfa: Some(Arc::new(RefusingMfaPrompt) as cc::SharedMfaPrompt),
            ..options.clone()
        });
        let promise_api = Arc::new(cc::Client::new(options).map_err(|e| core_error(env, &e))?);
        let sync_api = match sync_options {
            Some(o) => Arc::new(cc::Client::new(o).map_err(|e| core_error(env, &e))?),
            None => Arc::clone(&promise_api),
        };
        Ok(Client {
            promise_api,
            sync_api,
        })
    }

    fn from_settings(env: &Env, settings: Settings) -> napi::Result<Client> {
        let options = core_options(env, settings)?;
        Client::from_core(env, options)
    }

    /// Starts the request on napi's tokio runtime; the Promise settles on the main thread.
    fn spawn<'env, T, V>(
        &self,
        env: &'env Env,
        remote: String,
        at: Option<SystemTime>,
        finish: fn(cc::GitCredential) -> T,
    ) -> napi::Result<PromiseRaw<'env, V>>
    where
        T: Send + 'static,
        V: ToNapiValue + From<T>,
    {
        let client = Arc::clone(&self.promise_api);
        env.spawn_future_with_callback(
            async move {
                // Its own task, so that a panic in core is caught (and reported as INTERNAL).
                let task =
                    tokio::spawn(
                        async move { client.git_credential(&remote, at).await.map(finish) },
                    );
                Ok(match task.await {
                    Ok(result) => result,
                    Err(e) => Err(match e.try_into_panic() {
                        Ok(payload) => panicked(&*payload),
                        Err(e) => cc::Error::new(cc::ErrorCode::Internal, e.to_string()),
                    }),
                })
            },
            |env, result| match result {
                Ok(value) => Ok(V::from(value)),
                Err(e) => Err(core_error(env, &e)),
            },
        )
    }

    fn blocking(
        &self,
        env: &Env,
        remote: &str,
        at: Option<SystemTime>,
    ) -> napi::Result<cc::GitCredential> {
        guarded(|| self.sync_api.git_credential_blocking(remote, at))
            .map_err(|e| core_error(env, &e))
    }
}

impl From<cc::GitCredential> for GitCredential {
    fn from(inner: cc::GitCredential) -> Self {
        GitCredential { inner }
    }
}

fn url_of(c: cc::GitCredential) -> String {
    c.url().expose().to_owned()
}

fn auth_of(c: cc::GitCredential) -> GitAuth {
    GitAuth {
        username: c.username().expose().to_owned(),
        password: c.password().expose().to_owned(),
    }
}

fn sign_options(env: &Env, options: Option<Unknown>) -> napi::Result<Option<SystemTime>> {
    let options: Option<SignOptions> = options_arg(env, options, "options")?;
    time_arg(env, options.and_then(|o| o.at))
}

#[napi]
impl Client {
    #[napi(
        constructor,
        ts_args_type = "options?: ClientOptions | undefined | null"
    )]
    pub fn new(env: Env, options: Option<Unknown>) -> napi::Result<Self> {
        let options: Option<ClientOptions> = options_arg(&env, options, "options")?;
        Client::from_settings(&env, options.map(Settings::from).unwrap_or_default())
    }

    /// Username, password, expiry and URL for `remoteOrUrl` (`codecommit://[PROFILE@]REPO`,
    /// `codecommit::REGION://[PROFILE@]REPO`, or a CodeCommit HTTPS URL). Resolution runs off
    /// the main thread.
    #[napi(
        ts_args_type = "remoteOrUrl: string, options?: SignOptions | undefined | null",
        ts_return_type = "Promise<GitCredential>"
    )]
    pub fn git_credential<'env>(
        &self,
        env: &'env Env,
        remote_or_url: Option<Unknown>,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, GitCredential>> {
        let remote = string_arg(env, remote_or_url, "remoteOrUrl")?;
        let at = sign_options(env, options)?;
        self.spawn(env, remote, at, |c| c)
    }

    /// The synchronous twin of `gitCredential`: blocks the calling thread while credentials
    /// are resolved (instant for static keys; an STS or SSO call otherwise).
    #[napi(ts_args_type = "remoteOrUrl: string, options?: SignOptions | undefined | null")]
    pub fn git_credential_sync(
        &self,
        env: Env,
        remote_or_url: Option<Unknown>,
        options: Option<Unknown>,
    ) -> napi::Result<GitCredential> {
        let remote = string_arg(&env, remote_or_url, "remoteOrUrl")?;
        let at = sign_options(&env, options)?;
        self.blocking(&env, &remote, at).map(GitCredential::from)
    }

    /// `https://USERNAME:PASSWORD@HOST/v1/repos/REPO`, as the official remote helper makes it.
    #[napi(
        ts_args_type = "remoteOrUrl: string, options?: SignOptions | undefined | null",
        ts_return_type = "Promise<string>"
    )]
    pub fn signed_url<'env>(
        &self,
        env: &'env Env,
        remote_or_url: Option<Unknown>,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let remote = string_arg(env, remote_or_url, "remoteOrUrl")?;
        let at = sign_options(env, options)?;
        self.spawn(env, remote, at, url_of)
    }

    /// The synchronous twin of `signedUrl`.
    #[napi(ts_args_type = "remoteOrUrl: string, options?: SignOptions | undefined | null")]
    pub fn signed_url_sync(
        &self,
        env: Env,
        remote_or_url: Option<Unknown>,
        options: Option<Unknown>,
    ) -> napi::Result<String> {
        let remote = string_arg(&env, remote_or_url, "remoteOrUrl")?;
        let at = sign_options(&env, options)?;
        self.blocking(&env, &remote, at).map(url_of)
    }

    /// The repository URL for `remoteOrUrl` without credentials (e.g.
    /// `https://git-codecommit.us-east-1.amazonaws.com/v1/repos/REPO`, or `http://` for a
    /// plain-HTTP endpoint override): what to give isomorphic-git as `url`. Reads the AWS
    /// config files for the profile's region but resolves no credentials (no network).
    #[napi(ts_args_type = "remoteOrUrl: string")]
    pub fn plain_url(&self, env: Env, remote_or_url: Option<Unknown>) -> napi::Result<String> {
        let remote = string_arg(&env, remote_or_url, "remoteOrUrl")?;
        guarded(|| Ok(self.sync_api.target(&remote)?.plain_url())).map_err(|e| core_error(&env, &e))
    }

    /// An `onAuth` callback for isomorphic-git. Without an argument it signs for the URL
    /// isomorphic-git asks about; with `remoteOrUrl` (e.g. `codecommit://dev@repo`) it signs
    /// for that remote whatever the URL.
    #[napi(
        ts_args_type = "remoteOrUrl?: string | undefined | null",
        ts_return_type = "(url: string) => Promise<GitAuth>"
    )]
    pub fn isomorphic_git_auth<'env>(
        &self,
        env: &'env Env,
        remote_or_url: Option<Unknown>,
    ) -> napi::Result<Function<'env, String, sys::napi_value>> {
        let fixed = optional_string_arg(env, remote_or_url, "remoteOrUrl")?;
        let client = Client {
            promise_api: Arc::clone(&self.promise_api),
            sync_api: Arc::clone(&self.sync_api),
        };
        env.create_function_from_closure("onAuth", move |ctx: FunctionCallContext| {
            let env: &Env = ctx.env;
            let url: Option<Unknown> = if ctx.length() > 0 {
                Some(ctx.get(0)?)
            } else {
                None
            };
            let remote = match &fixed {
                Some(remote) => remote.clone(),
                None => string_arg(env, url, "url")?,
            };
            let promise: PromiseRaw<GitAuth> = client.spawn(env, remote, None, auth_of)?;
            Ok(promise.raw())
        })
    }
}

// ------------------------------------------------------------------------------------------
// One-shot functions
// ------------------------------------------------------------------------------------------

fn one_shot(env: &Env, options: Option<Unknown>) -> napi::Result<(Client, Option<SystemTime>)> {
    let options: Option<GitCredentialOptions> = options_arg(env, options, "options")?;
    let Some(o) = options else {
        return Ok((Client::from_settings(env, Settings::default())?, None));
    };
    let at = time_arg(env, o.at)?;
    let settings = Settings {
        profile: o.profile.flatten(),
        region: o.region.flatten(),
        endpoint: o.endpoint.flatten(),
        refresh_margin_seconds: o.refresh_margin_seconds.flatten(),
        ignore_host_check: o.ignore_host_check.flatten(),
        cache: o.cache.flatten(),
        mfa: o.mfa.flatten(),
        mfa_timeout_seconds: o.mfa_timeout_seconds.flatten(),
    };
    Ok((Client::from_settings(env, settings)?, at))
}

/// `new Client(options).gitCredential(remoteOrUrl, options)` in one call.
#[napi(
    ts_args_type = "remoteOrUrl: string, options?: GitCredentialOptions | undefined | null",
    ts_return_type = "Promise<GitCredential>"
)]
pub fn git_credential<'env>(
    env: &'env Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, GitCredential>> {
    let remote = string_arg(env, remote_or_url, "remoteOrUrl")?;
    let (client, at) = one_shot(env, options)?;
    client.spawn(env, remote, at, |c| c)
}

/// The synchronous twin of `gitCredential`: blocks until credentials are resolved.
#[napi(ts_args_type = "remoteOrUrl: string, options?: GitCredentialOptions | undefined | null")]
pub fn git_credential_sync(
    env: Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<GitCredential> {
    let remote = string_arg(&env, remote_or_url, "remoteOrUrl")?;
    let (client, at) = one_shot(&env, options)?;
    client.blocking(&env, &remote, at).map(GitCredential::from)
}

/// The signed URL `https://USERNAME:PASSWORD@HOST/v1/repos/REPO` for `remoteOrUrl`.
#[napi(
    ts_args_type = "remoteOrUrl: string, options?: GitCredentialOptions | undefined | null",
    ts_return_type = "Promise<string>"
)]
pub fn signed_url<'env>(
    env: &'env Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, String>> {
    let remote = string_arg(env, remote_or_url, "remoteOrUrl")?;
    let (client, at) = one_shot(env, options)?;
    client.spawn(env, remote, at, url_of)
}

/// The synchronous twin of `signedUrl`.
#[napi(ts_args_type = "remoteOrUrl: string, options?: GitCredentialOptions | undefined | null")]
pub fn signed_url_sync(
    env: Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<String> {
    let remote = string_arg(&env, remote_or_url, "remoteOrUrl")?;
    let (client, at) = one_shot(&env, options)?;
    client.blocking(&env, &remote, at).map(url_of)
}

/// Signs explicit keys for one repository: pure, no profile, no network.
#[napi(ts_args_type = "input: SignInput")]
pub fn sign(env: Env, input: Option<Unknown>) -> napi::Result<GitCredential> {
    let input: SignInput = match options_arg(&env, input, "input")? {
        Some(input) => input,
        None => {
            return Err(type_error(
                &env,
                "The \"input\" argument must be of type object. Received undefined".into(),
            ));
        }
    };
    let at = time_arg(&env, input.at)?.unwrap_or_else(SystemTime::now);
    guarded(|| {
        cc::sign(
            &input.access_key_id,
            &input.secret_access_key,
            input.session_token.flatten().as_deref(),
            &input.region,
            &input.host,
            &input.path,
            at,
        )
    })
    .map(GitCredential::from)
    .map_err(|e| core_error(&env, &e))
}

/// Every error code: stable name (an Error's `code`) to number (its `errno`, the CLI's exit
/// status), in numeric order.
#[napi(ts_return_type = "Record<string, number>")]
pub fn error_codes(env: &Env) -> napi::Result<Object<'_>> {
    let mut codes = Object::new(env)?;
    for code in cc::ErrorCode::ALL {
        codes.set_named_property(code.name(), code.as_i32())?;
    }
    Ok(codes)
}
