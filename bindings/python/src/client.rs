//! `Client` (published as `_native.Client`, subclassed in Python): options, credential
//! memory and the calls that resolve and sign.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use codecommit_auth::{
    Client as CoreClient, ClientOptions, Error, GitCredential as CoreCredential,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::args::{
    extract_at, extract_margin, optional_flag, optional_text, py_repr, text, type_name,
};
use crate::credential::PyGitCredential;
use crate::errors::to_py_err;
use crate::mfa::PyMfaPrompt;

/// Resolves remotes to signed Git credentials; holds the options and, for temporary
/// credentials, remembers them until they are close to expiry. Thread-safe: share one.
#[pyclass(module = "codecommit_auth._native", name = "Client", frozen, subclass)]
pub(crate) struct PyClient {
    pub(crate) inner: CoreClient,
    pub(crate) mfa_callback: Option<Py<PyAny>>,
    pub(crate) prompt: Option<Arc<PyMfaPrompt>>,
}

impl PyClient {
    fn credential(
        &self,
        py: Python<'_>,
        remote_or_url: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<CoreCredential> {
        let remote_or_url = text(remote_or_url, "remote_or_url")?;
        let at = extract_at(py, at)?;
        // Core rebuilds its runtime in a process forked after import, so this also works in
        // multiprocessing "fork" children and pre-forking servers.
        let result = py.detach(|| self.inner.git_credential_blocking(&remote_or_url, at));
        self.warn(py)?;
        result.map_err(|e| self.raise(py, &e))
    }

    /// Core's collected warnings (e.g. an unusable cache directory) as `warnings.warn`
    /// (`RuntimeWarning`), drained so that none is shown twice.
    fn warn(&self, py: Python<'_>) -> PyResult<()> {
        let warnings = self.inner.take_warnings();
        if warnings.is_empty() {
            return Ok(());
        }
        let warn = py.import("warnings")?.getattr("warn")?;
        let category = py.get_type::<pyo3::exceptions::PyRuntimeWarning>();
        for message in warnings {
            warn.call1((message, &category, 1))?;
        }
        Ok(())
    }

    fn raise(&self, py: Python<'_>, err: &Error) -> PyErr {
        let exc = to_py_err(py, err);
        if let Some(cause) = self.prompt.as_ref().and_then(|p| p.take_cause(err)) {
            exc.set_cause(py, Some(cause));
        }
        exc
    }
}

pub(crate) fn new_core_client(py: Python<'_>, options: ClientOptions) -> PyResult<CoreClient> {
    CoreClient::new(options).map_err(|e| to_py_err(py, &e))
}

pub(crate) fn repository_url_of(
    client: &CoreClient,
    remote_or_url: &str,
) -> codecommit_auth::Result<String> {
    client.repository_url(remote_or_url)
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (
        *,
        profile = None,
        region = None,
        endpoint = None,
        cache = None,
        refresh_margin = None,
        ignore_host_check = None,
        mfa_callback = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        profile: Option<&Bound<'_, PyAny>>,
        region: Option<&Bound<'_, PyAny>>,
        endpoint: Option<&Bound<'_, PyAny>>,
        cache: Option<&Bound<'_, PyAny>>,
        refresh_margin: Option<&Bound<'_, PyAny>>,
        ignore_host_check: Option<&Bound<'_, PyAny>>,
        mfa_callback: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let profile = optional_text(profile, "profile")?;
        let region = optional_text(region, "region")?;
        let endpoint = optional_text(endpoint, "endpoint")?;
        let cache = optional_flag(cache, "cache")?.unwrap_or(true);
        let ignore_host_check =
            optional_flag(ignore_host_check, "ignore_host_check")?.unwrap_or(false);
        let mfa_callback = mfa_callback.filter(|c| !c.is_none());
        if let Some(callback) = &mfa_callback
            && !callback.is_callable()
        {
            return Err(PyTypeError::new_err(format!(
                "mfa_callback must be callable (MfaRequest) -> str, not {}",
                type_name(callback)
            )));
        }
        let prompt = mfa_callback.as_ref().map(|callback| {
            Arc::new(PyMfaPrompt {
                callback: callback.clone().unbind(),
                raised: Mutex::new(Vec::new()),
            })
        });
        let mut options = ClientOptions {
            profile,
            region,
            endpoint,
            cache,
            ignore_host_check,
            mfa: prompt
                .clone()
                .map(|p| p as codecommit_auth::SharedMfaPrompt),
            ..ClientOptions::default()
        };
        if let Some(margin) = refresh_margin.filter(|m| !m.is_none()) {
            options.refresh_margin = extract_margin(py, margin)?;
        }
        Ok(PyClient {
            inner: new_core_client(py, options)?,
            mfa_callback: mfa_callback.map(Bound::unbind),
            prompt,
        })
    }

    /// Signed credentials for a `codecommit://` remote or a CodeCommit HTTPS URL, signed at
    /// `at` (now when `None`). Releases the GIL while credentials are resolved.
    #[pyo3(signature = (remote_or_url, *, at = None))]
    pub(crate) fn git_credential(
        &self,
        py: Python<'_>,
        remote_or_url: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyGitCredential> {
        Ok(PyGitCredential {
            inner: self.credential(py, remote_or_url, at)?,
        })
    }

    /// The repository URL with signed credentials in it (secret!).
    #[pyo3(signature = (remote_or_url, *, at = None))]
    pub(crate) fn signed_url(
        &self,
        py: Python<'_>,
        remote_or_url: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        Ok(self
            .credential(py, remote_or_url, at)?
            .url()
            .expose()
            .to_owned())
    }

    /// The repository URL without credentials (`https://HOST/v1/repos/REPO`), for Git
    /// libraries that ask for credentials separately. Resolves no credentials, and reads the
    /// AWS config files only when the host depends on the profile: not for an HTTPS URL or
    /// with an endpoint override, nor when the region (remote, option, AWS_REGION) and
    /// AWS_USE_FIPS_ENDPOINT are known without it.
    pub(crate) fn repository_url(
        &self,
        py: Python<'_>,
        remote_or_url: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let remote_or_url = text(remote_or_url, "remote_or_url")?;
        let result = py.detach(|| repository_url_of(&self.inner, &remote_or_url));
        self.warn(py)?;
        result.map_err(|e| to_py_err(py, &e))
    }

    #[getter]
    fn profile(&self) -> Option<&str> {
        self.inner.options().profile.as_deref()
    }

    #[getter]
    fn region(&self) -> Option<&str> {
        self.inner.options().region.as_deref()
    }

    /// The endpoint given to the constructor (`CODE_COMMIT_ENDPOINT` applies when `None`).
    #[getter]
    fn endpoint(&self) -> Option<&str> {
        self.inner.options().endpoint.as_deref()
    }

    #[getter]
    fn cache(&self) -> bool {
        self.inner.options().cache
    }

    #[getter]
    fn refresh_margin(&self) -> Duration {
        self.inner.options().refresh_margin
    }

    #[getter]
    fn ignore_host_check(&self) -> bool {
        self.inner.options().ignore_host_check
    }

    #[getter]
    fn mfa_callback(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.mfa_callback.as_ref().map(|c| c.clone_ref(py))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let this = slf.get();
        let o = this.inner.options();
        Ok(format!(
            "{}(profile={}, region={}, endpoint={}, cache={}, refresh_margin={}, \
             ignore_host_check={}, mfa_callback={})",
            slf.get_type().name()?,
            py_repr(py, o.profile.as_deref())?,
            py_repr(py, o.region.as_deref())?,
            py_repr(py, o.endpoint.as_deref())?,
            py_repr(py, o.cache)?,
            py_repr(py, o.refresh_margin)?,
            py_repr(py, o.ignore_host_check)?,
            py_repr(py, &this.mfa_callback)?,
        ))
    }
}
