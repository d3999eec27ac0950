//! `Client`: one core client (one credential memory, one single flight) for both the
//! Promise and the synchronous API; the MFA policy is chosen per call (see `mfa.rs`).

use std::sync::Arc;
use std::time::SystemTime;

use codecommit_auth as cc;
use napi::bindgen_prelude::{
    FnArgs, Function, FunctionCallContext, JsObjectValue, PromiseRaw, ToNapiValue,
};
use napi::{Env, JsValue, Unknown, sys};
use napi_derive::napi;

use crate::args::{optional_string_arg, string_arg};
use crate::credential::{GitAuth, GitCredential, url_of};
use crate::errors::{core_error, guarded, panicked, rejected};
use crate::mfa::MainThread;
use crate::options::{ClientOptions, client_options, core_options, sign_options};

/// Resolves remotes to signed credentials with one set of options. Keep one per profile
/// set-up: it remembers temporary credentials until they near expiry.
#[napi]
#[derive(Clone)]
pub struct Client {
    core: Arc<cc::Client>,
    main: Arc<MainThread>,
}

impl Client {
    pub(crate) fn create(env: &Env, options: Option<ClientOptions>) -> napi::Result<Client> {
        let main = Arc::new(MainThread::default());
        let options = core_options(env, options, &main)?;
        let core = cc::Client::new(options).map_err(|e| core_error(env, &e))?;
        Ok(Client {
            core: Arc::new(core),
            main,
        })
    }

    /// Starts the request on napi's tokio runtime; the Promise settles on the main thread.
    pub(crate) fn spawn<'env, T, V>(
        &self,
        env: &'env Env,
        remote: String,
        at: Option<SystemTime>,
        finish: fn(cc::GitCredential) -> T,
    ) -> napi::Result<PromiseRaw<'env, V>>
    where
        T: Send + 'static,
        V: ToNapiValue + From<T> + 'static,
    {
        let client = Arc::clone(&self.core);
        let warnings = Arc::clone(&self.core);
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
            move |env, result| {
                emit_warnings(env, &warnings);
                match result {
                    Ok(value) => Ok(V::from(value)),
                    Err(e) => Err(core_error(env, &e)),
                }
            },
        )
    }

    /// A synchronous request: the main thread is blocked, so the MFA callback cannot run.
    pub(crate) fn blocking(
        &self,
        env: &Env,
        remote: &str,
        at: Option<SystemTime>,
    ) -> napi::Result<cc::GitCredential> {
        let result = {
            let _blocked = self.main.block();
            guarded(|| self.core.git_credential_blocking(remote, at))
        };
        emit_warnings(env, &self.core);
        result.map_err(|e| core_error(env, &e))
    }
}

/// Core collects warnings (an unusable cache directory, ...); Node shows them through
/// `process.emitWarning`, once each, so the list never grows on a long-lived client.
fn emit_warnings(env: &Env, client: &cc::Client) {
    for warning in client.take_warnings() {
        let emit = || -> napi::Result<()> {
            let process: napi::bindgen_prelude::Object =
                env.get_global()?.get_named_property("process")?;
            let emit: Function<FnArgs<(String, String, String)>, Unknown> =
                process.get_named_property("emitWarning")?;
            // process.emitWarning(message, type, code)
            emit.apply(
                process,
                FnArgs::from((
                    warning.clone(),
                    "CodeCommitAuthWarning".to_owned(),
                    "CODECOMMIT_AUTH_CACHE".to_owned(),
                )),
            )?;
            Ok(())
        };
        // A failing warning (process.emitWarning replaced by something that throws) must not
        // turn a successful request into a failure.
        let _ = emit();
    }
}

/// The arguments of a credential request: the remote and the `SignOptions` (`at`).
fn request_args(
    env: &Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<(String, Option<SystemTime>)> {
    Ok((
        string_arg(env, remote_or_url, "remoteOrUrl")?,
        sign_options(env, options)?,
    ))
}

/// A Promise-returning method: refused arguments reject the Promise.
fn promise<'env, V: ToNapiValue + 'static>(
    env: &'env Env,
    start: impl FnOnce() -> napi::Result<PromiseRaw<'env, V>>,
) -> napi::Result<PromiseRaw<'env, V>> {
    start().or_else(|e| rejected(env, e))
}

#[napi]
impl Client {
    #[napi(
        constructor,
        ts_args_type = "options?: ClientOptions | undefined | null"
    )]
    pub fn new(env: Env, options: Option<Unknown>) -> napi::Result<Self> {
        let options = client_options(&env, options)?;
        Client::create(&env, options)
    }

    /// Username, password, expiry and URL for `remoteOrUrl` (`codecommit://[PROFILE@]REPO`,
    /// `codecommit::REGION://[PROFILE@]REPO`, or a CodeCommit HTTPS URL). Resolution runs off
    /// the main thread. Bad arguments reject the Promise.
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
        promise(env, || {
            let (remote, at) = request_args(env, remote_or_url, options)?;
            self.spawn(env, remote, at, |c| c)
        })
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
        let (remote, at) = request_args(&env, remote_or_url, options)?;
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
        promise(env, || {
            let (remote, at) = request_args(env, remote_or_url, options)?;
            self.spawn(env, remote, at, url_of)
        })
    }

    /// The synchronous twin of `signedUrl`.
    #[napi(ts_args_type = "remoteOrUrl: string, options?: SignOptions | undefined | null")]
    pub fn signed_url_sync(
        &self,
        env: Env,
        remote_or_url: Option<Unknown>,
        options: Option<Unknown>,
    ) -> napi::Result<String> {
        let (remote, at) = request_args(&env, remote_or_url, options)?;
        self.blocking(&env, &remote, at).map(url_of)
    }

    /// The repository URL for `remoteOrUrl` without credentials (e.g.
    /// `https://git-codecommit.us-east-1.amazonaws.com/v1/repos/REPO`, or `http://` for a
    /// plain-HTTP endpoint override): what to give isomorphic-git as `url`. Reads the AWS
    /// config files only when the host depends on the profile (no HTTPS URL or endpoint
    /// override, and region or AWS_USE_FIPS_ENDPOINT unknown without it); resolves no
    /// credentials (no network).
    #[napi(ts_args_type = "remoteOrUrl: string")]
    pub fn repository_url(&self, env: Env, remote_or_url: Option<Unknown>) -> napi::Result<String> {
        let remote = string_arg(&env, remote_or_url, "remoteOrUrl")?;
        guarded(|| self.core.repository_url(&remote)).map_err(|e| core_error(&env, &e))
    }

    /// @deprecated Use `repositoryUrl` (the same); `plainUrl` goes in the next release.
    #[napi(ts_args_type = "remoteOrUrl: string")]
    pub fn plain_url(&self, env: Env, remote_or_url: Option<Unknown>) -> napi::Result<String> {
        self.repository_url(env, remote_or_url)
    }

    /// An `onAuth` callback for isomorphic-git. Without an argument it signs for the URL
    /// isomorphic-git asks about; with `remoteOrUrl` (e.g. `codecommit://dev@repo`) it signs
    /// for that remote whatever the URL. A bad URL rejects the Promise `onAuth` returns.
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
        let client = self.clone();
        env.create_function_from_closure("onAuth", move |ctx: FunctionCallContext| {
            let env: &Env = ctx.env;
            let url: Option<Unknown> = if ctx.length() > 0 {
                Some(ctx.get(0)?)
            } else {
                None
            };
            let started: PromiseRaw<GitAuth> = promise(env, || {
                let remote = match &fixed {
                    Some(remote) => remote.clone(),
                    None => string_arg(env, url, "url")?,
                };
                client.spawn(env, remote, None, GitAuth::from)
            })?;
            Ok(started.raw())
        })
    }
}
