//! `codecommit_auth._native`: the Python extension module (pyo3, abi3).
//!
//! A thin shell over the `codecommit-auth` core: Python arguments in, core calls with the
//! GIL released, Python objects and exceptions out. The exception classes are generated
//! from `ErrorCode::ALL`, so a code added to core appears here without an edit. The pure
//! Python part of the package (`python/codecommit_auth/`) adds the asyncio variants and the
//! pygit2/dulwich integrations on top of this module.
//!
//! One module per concept, as the C API (`ffi/src`) is split: errors, argument conversion,
//! MFA, credential, client, the one-shot functions and pure signing.

mod args;
mod client;
mod credential;
mod errors;
mod mfa;
mod one_shot;
mod signing;

use pyo3::prelude::*;

use crate::client::PyClient;
use crate::credential::PyGitCredential;
use crate::errors::{_exception_for, add_error_types};
use crate::mfa::PyMfaRequest;
use crate::one_shot::{git_credential, repository_url, signed_url};
use crate::signing::sign;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    add_error_types(m)?;
    m.add_class::<PyClient>()?;
    m.add_class::<PyGitCredential>()?;
    m.add_class::<PyMfaRequest>()?;
    m.add_function(wrap_pyfunction!(git_credential, m)?)?;
    m.add_function(wrap_pyfunction!(signed_url, m)?)?;
    m.add_function(wrap_pyfunction!(repository_url, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(_exception_for, m)?)?;
    Ok(())
}
