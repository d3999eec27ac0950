//! `sign`: pure signing with explicit keys, and the deprecated argument names it accepts.

use std::time::SystemTime;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::args::{extract_at, optional_text, text};
use crate::credential::PyGitCredential;
use crate::errors::to_py_err;

/// Pure signing with explicit keys: no profile, no network, no environment. `host` is
/// signed as given (port included); `path` is `/v1/repos/REPO`; `at` is an aware datetime
/// (now when `None`). `access_key` and `secret_key` are the deprecated names of
/// `access_key_id` and `secret_access_key` (removed in the next release).
#[pyfunction]
#[pyo3(signature = (
    access_key_id = None,
    secret_access_key = None,
    session_token = None,
    region = None,
    host = None,
    path = None,
    at = None,
    *,
    access_key = None,
    secret_key = None,
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sign(
    py: Python<'_>,
    access_key_id: Option<&Bound<'_, PyAny>>,
    secret_access_key: Option<&Bound<'_, PyAny>>,
    session_token: Option<&Bound<'_, PyAny>>,
    region: Option<&Bound<'_, PyAny>>,
    host: Option<&Bound<'_, PyAny>>,
    path: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    access_key: Option<&Bound<'_, PyAny>>,
    secret_key: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyGitCredential> {
    let access_key_id = renamed(py, access_key_id, access_key, "access_key_id", "access_key")?;
    let secret_access_key = renamed(
        py,
        secret_access_key,
        secret_key,
        "secret_access_key",
        "secret_key",
    )?;
    let session_token = optional_text(session_token, "session_token")?;
    let region = required_text(region, "region")?;
    let host = required_text(host, "host")?;
    let path = required_text(path, "path")?;
    let at = extract_at(py, at)?.unwrap_or_else(SystemTime::now);
    codecommit_auth::sign(
        &access_key_id,
        &secret_access_key,
        session_token.as_deref(),
        &region,
        &host,
        &path,
        at,
    )
    .map(|inner| PyGitCredential { inner })
    .map_err(|e| to_py_err(py, &e))
}

/// A required `str` argument of `sign`.
pub(crate) fn required_text(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<String> {
    optional_text(value, name)?
        .ok_or_else(|| PyTypeError::new_err(format!("sign() missing required argument: '{name}'")))
}

/// An argument given by its name or by its deprecated old name (with a `DeprecationWarning`).
pub(crate) fn renamed(
    py: Python<'_>,
    value: Option<&Bound<'_, PyAny>>,
    old: Option<&Bound<'_, PyAny>>,
    name: &str,
    old_name: &str,
) -> PyResult<String> {
    let old = old.filter(|v| !v.is_none());
    match (value.filter(|v| !v.is_none()), old) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(format!(
            "sign() got both {name} and its deprecated name {old_name}"
        ))),
        (None, Some(old)) => {
            let warn = py.import("warnings")?.getattr("warn")?;
            let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
            warn.call1((
                format!("sign({old_name}=...) is deprecated: use {name}"),
                category,
                1, // from native code, 1 is the caller's line
            ))?;
            text(old, old_name)
        }
        (value, None) => required_text(value, name),
    }
}
