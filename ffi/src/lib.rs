//! The C ABI of codecommit-auth: `libcodecommit_auth` (shared and static) and the header
//! `include/codecommit_auth.h`, generated from these files by cbindgen.
//!
//! A thin shell: argument conversion and error mapping only; every decision is made by the
//! `codecommit-auth` core crate. Conventions (see the header's opening comment): one prefix,
//! opaque handles, a status code from every function and results through out-parameters,
//! a panic boundary around every export, NULL-safe arguments, a per-thread last error.
//!
//! One module per handle or concept, as rustls-ffi does. cbindgen reads them in the order
//! they are declared below, and the header lists the functions in that order.
#![allow(non_camel_case_types)]
// Every export documents its pointer contract in its own doc comment (which becomes the
// header's documentation), in C terms rather than in a Rust `# Safety` section.
#![allow(clippy::missing_safety_doc)]

mod boundary;

// The header's order (rustfmt keeps it because each stands alone): library information and
// errors, options, MFA callback, client, signing and credentials, strings.
mod errors;

mod options;

mod mfa;

mod client;

mod credential;

mod strings;

pub use client::*;
pub use credential::*;
pub use errors::*;
pub use mfa::codecommit_auth_mfa_callback;
pub use options::*;
pub use strings::*;
