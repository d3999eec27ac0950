//! `GitCredential`: a signed credential, its properties and a `repr` without secrets.

use codecommit_auth::GitCredential as CoreCredential;
use pyo3::prelude::*;

use crate::args::{py_repr, to_datetime};
use crate::errors::to_py_err;

/// A signed CodeCommit Git credential. Its `repr` never shows a secret.
#[pyclass(module = "codecommit_auth", name = "GitCredential", frozen)]
pub(crate) struct PyGitCredential {
    pub(crate) inner: CoreCredential,
}

#[pymethods]
impl PyGitCredential {
    /// Access key id, plus `%SESSION_TOKEN` for temporary credentials (not URL-encoded).
    #[getter]
    fn username(&self) -> &str {
        self.inner.username().expose()
    }

    /// `YYYYMMDDTHHMMSSZ` + hex SigV4 signature.
    #[getter]
    fn password(&self) -> &str {
        self.inner.password().expose()
    }

    /// When the password stops working: an aware UTC datetime.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.inner.expires_at())
    }

    /// `https://USERNAME:PASSWORD@HOST/v1/repos/REPO` (secret!).
    #[getter]
    fn url(&self) -> &str {
        self.inner.url().expose()
    }

    /// The repository URL without credentials (`https://HOST/v1/repos/REPO`).
    #[getter]
    fn repository_url(&self) -> String {
        self.inner.plain_url()
    }

    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.access_key_id()
    }

    /// The host (with port, if any) the credential is for.
    #[getter]
    fn host(&self) -> &str {
        self.inner.host()
    }

    /// `/v1/repos/REPO`.
    #[getter]
    fn path(&self) -> &str {
        self.inner.path()
    }

    #[getter]
    fn region(&self) -> &str {
        self.inner.region()
    }

    /// The AWS profile the credentials came from (`None` for `sign()`).
    #[getter]
    fn profile(&self) -> Option<&str> {
        self.inner.profile()
    }

    /// Where the credentials came from, e.g. `environment` or `profile dev` (never secret).
    #[getter]
    fn source(&self) -> &str {
        self.inner.source()
    }

    /// The git credential-helper reply (`username=`, `password=`, `password_expiry_utc=`).
    fn git_reply(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.git_reply().map_err(|e| to_py_err(py, &e))
    }

    /// Names the key, repository and expiry; never the password, token or signed URL.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let c = &self.inner;
        Ok(format!(
            "GitCredential(access_key_id={}, host={}, path={}, region={}, profile={}, \
             expires_at={})",
            py_repr(py, c.access_key_id())?,
            py_repr(py, c.host())?,
            py_repr(py, c.path())?,
            py_repr(py, c.region())?,
            py_repr(py, c.profile())?,
            py_repr(py, c.expires_at())?,
        ))
    }
}
