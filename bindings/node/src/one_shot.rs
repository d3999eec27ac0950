//! The one-shot functions: `new Client(options).gitCredential(remoteOrUrl, options)` in
//! one call, with client options and `at` in one `GitCredentialOptions` object.

use std::time::SystemTime;

use codecommit_auth as cc;
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Unknown};
use napi_derive::napi;

use crate::args::{string_arg, time_arg};
use crate::client::Client;
use crate::credential::{GitCredential, url_of};
use crate::errors::{core_error, guarded, rejected};
use crate::options::{one_shot_options, sign_input};

/// The remote, a client for the options, and the signing time.
fn prepare(
    env: &Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<(String, Client, Option<SystemTime>)> {
    let remote = string_arg(env, remote_or_url, "remoteOrUrl")?;
    let (options, at) = one_shot_options(env, options)?;
    Ok((remote, Client::create(env, options)?, at))
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
    prepare(env, remote_or_url, options)
        .and_then(|(remote, client, at)| client.spawn(env, remote, at, |c| c))
        .or_else(|e| rejected(env, e))
}

/// The synchronous twin of `gitCredential`: blocks until credentials are resolved.
#[napi(ts_args_type = "remoteOrUrl: string, options?: GitCredentialOptions | undefined | null")]
pub fn git_credential_sync(
    env: Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<GitCredential> {
    let (remote, client, at) = prepare(&env, remote_or_url, options)?;
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
    prepare(env, remote_or_url, options)
        .and_then(|(remote, client, at)| client.spawn(env, remote, at, url_of))
        .or_else(|e| rejected(env, e))
}

/// The synchronous twin of `signedUrl`.
#[napi(ts_args_type = "remoteOrUrl: string, options?: GitCredentialOptions | undefined | null")]
pub fn signed_url_sync(
    env: Env,
    remote_or_url: Option<Unknown>,
    options: Option<Unknown>,
) -> napi::Result<String> {
    let (remote, client, at) = prepare(&env, remote_or_url, options)?;
    client.blocking(&env, &remote, at).map(url_of)
}

/// Signs explicit keys for one repository: pure, no profile, no network.
#[napi(ts_args_type = "input: SignInput")]
pub fn sign(env: Env, input: Option<Unknown>) -> napi::Result<GitCredential> {
    let input = sign_input(&env, input)?;
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
