//! The module-level functions: one call, default options, a client made for it.

use codecommit_auth::ClientOptions;
use pyo3::prelude::*;

use crate::args::optional_text;
use crate::client::{PyClient, new_core_client};
use crate::credential::PyGitCredential;

pub(crate) fn one_shot_client(
    py: Python<'_>,
    profile: Option<&Bound<'_, PyAny>>,
    region: Option<&Bound<'_, PyAny>>,
    endpoint: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyClient> {
    let options = ClientOptions {
        profile: optional_text(profile, "profile")?,
        region: optional_text(region, "region")?,
        endpoint: optional_text(endpoint, "endpoint")?,
        ..ClientOptions::default()
    };
    Ok(PyClient {
        inner: new_core_client(py, options)?,
        mfa_callback: None,
        prompt: None,
    })
}

/// A module-level function: a client with default options (but `profile`, `region` and
/// `endpoint`) made for one call of its method of the same name.
macro_rules! one_shot {
    ($(#[doc = $doc:literal])* fn $name:ident($($extra:ident),*) -> $ret:ty) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = (
            remote_or_url, *, profile = None, region = None, endpoint = None $(, $extra = None)*
        ))]
        pub(crate) fn $name(
            py: Python<'_>,
            remote_or_url: &Bound<'_, PyAny>,
            profile: Option<&Bound<'_, PyAny>>,
            region: Option<&Bound<'_, PyAny>>,
            endpoint: Option<&Bound<'_, PyAny>>,
            $($extra: Option<&Bound<'_, PyAny>>,)*
        ) -> PyResult<$ret> {
            one_shot_client(py, profile, region, endpoint)?.$name(py, remote_or_url $(, $extra)*)
        }
    };
}

one_shot! {
    /// Signed credentials for one remote with default options (see `Client` for more).
    fn git_credential(at) -> PyGitCredential
}

one_shot! {
    /// The repository URL with signed credentials in it (secret!).
    fn signed_url(at) -> String
}

one_shot! {
    /// The repository URL without credentials. Resolves no credentials.
    fn repository_url() -> String
}
