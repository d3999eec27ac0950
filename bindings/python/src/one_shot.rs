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

/// Signed credentials for one remote with default options (see `Client` for more).
#[pyfunction]
#[pyo3(signature = (remote_or_url, *, profile = None, region = None, endpoint = None, at = None))]
pub(crate) fn git_credential(
    py: Python<'_>,
    remote_or_url: &Bound<'_, PyAny>,
    profile: Option<&Bound<'_, PyAny>>,
    region: Option<&Bound<'_, PyAny>>,
    endpoint: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyGitCredential> {
    one_shot_client(py, profile, region, endpoint)?.git_credential(py, remote_or_url, at)
}

/// The repository URL with signed credentials in it (secret!).
#[pyfunction]
#[pyo3(signature = (remote_or_url, *, profile = None, region = None, endpoint = None, at = None))]
pub(crate) fn signed_url(
    py: Python<'_>,
    remote_or_url: &Bound<'_, PyAny>,
    profile: Option<&Bound<'_, PyAny>>,
    region: Option<&Bound<'_, PyAny>>,
    endpoint: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    one_shot_client(py, profile, region, endpoint)?.signed_url(py, remote_or_url, at)
}

/// The repository URL without credentials. Resolves no credentials.
#[pyfunction]
#[pyo3(signature = (remote_or_url, *, profile = None, region = None, endpoint = None))]
pub(crate) fn repository_url(
    py: Python<'_>,
    remote_or_url: &Bound<'_, PyAny>,
    profile: Option<&Bound<'_, PyAny>>,
    region: Option<&Bound<'_, PyAny>>,
    endpoint: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    one_shot_client(py, profile, region, endpoint)?.repository_url(py, remote_or_url)
}
