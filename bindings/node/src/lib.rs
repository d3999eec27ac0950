//! Node binding of `codecommit-auth` (napi-rs): argument conversion and error mapping only.
//! Every decision (remote parsing, host allowlist, profiles, signing, option and time
//! validation) is made by the core crate. One file per concept:
//!
//! - `args.rs`: argument checking with Node's wording (unknown option names refused)
//! - `options.rs`: the option objects and their conversion to core's options
//! - `client.rs`: `Client` (one core client for the Promise and the synchronous API)
//! - `one_shot.rs`: `gitCredential(remote, options)` and friends, and `sign`
//! - `credential.rs`: `GitCredential`
//! - `mfa.rs`: the MFA callback, asked from core's blocking thread
//! - `errors.rs`: core errors as `Error`s with `code` and `errno`, `errorCodes()`
//!
//! Errors thrown or rejected by this module are JavaScript `Error`s whose `code` is the core's
//! stable name (`'INVALID_REMOTE'`, ...) and whose `errno` is its number (also the CLI exit
//! status). Arguments of the wrong type throw a `TypeError` with `code: 'ERR_INVALID_ARG_TYPE'`,
//! as Node's own functions do (Promise-returning functions reject with it instead).
//!
//! No `unsafe` here (`deny(unsafe_code)`; `forbid` would reject the `allow` napi's macros put on
//! the FFI glue they generate).

// The test harness build has no napi registration, so every export looks unused there.
#![cfg_attr(test, allow(dead_code))]
#![deny(unsafe_code)]

mod args;
mod client;
mod credential;
mod errors;
mod mfa;
mod one_shot;
mod options;
