//! The one place core reads the process environment. Everything else asks here (or reads the
//! [`Env`] that [`real`] gives, which the plan takes so that tests can inject a table), so a
//! grep finds every variable the library honours; `core/tests/layers.rs` keeps it that way.

use std::ffi::OsString;

use aws_types::os_shim_internal::Env;

/// A live view of the process environment for the plan and the profile loader
/// (`Env::from_slice` stands in for it in tests).
pub(crate) fn real() -> Env {
    Env::real()
}

/// A variable as UTF-8 text; unset or not UTF-8 is `None` (as `std::env::var(..).ok()`).
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A variable as the platform's string, UTF-8 or not (paths, the trace sink).
pub(crate) fn var_os(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}
