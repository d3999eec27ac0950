//! The command-line programs: thin shells over the `codecommit-auth` core.
#![forbid(unsafe_code)]

pub mod args;
pub mod checks;
pub mod configure;
pub mod credential_helper;
pub mod git;
pub mod remote_helper;
pub mod report;
pub mod tool;
pub mod tty;
pub mod version;
