//! `codecommit_auth._native`: the Python extension module (pyo3, abi3).
//!
//! A thin shell over the `codecommit-auth` core: Python arguments in, core calls with the
//! GIL released, Python objects and exceptions out. The exception classes are generated
//! from `ErrorCode::ALL`, so a code added to core appears here without an edit. The pure
//! Python part of the package (`python/codecommit_auth/`) adds the asyncio variants and the
//! pygit2/dulwich integrations on top of this module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use codecommit_auth::binding::{SigningTime, Surface, for_surface};
use codecommit_auth::error::Scope;
use codecommit_auth::{
    Client as CoreClient, ClientOptions, Error, ErrorCode, GitCredential as CoreCredential,
    MfaPrompt, MfaRequest as CoreMfaRequest,
};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyException, PyOSError, PyTimeoutError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyTuple, PyType};

/// Where the generated classes are published: the public package, not `_native`.
const PUBLIC_MODULE: &str = "codecommit_auth";

// ------------------------------------------------------------------------------------
// Errors: `ErrorCode` (an `enum.IntEnum`) and one exception class per code.
// ------------------------------------------------------------------------------------

struct ErrorTypes {
    error_code: Py<PyAny>,
    base: Py<PyType>,
    by_code: HashMap<i32, Py<PyType>>,
}

static ERROR_TYPES: PyOnceLock<ErrorTypes> = PyOnceLock::new();

/// `INVALID_REMOTE` -> `InvalidRemoteError`, `IO` -> `IoError`, `TIMEOUT` -> `TimeoutError`.
fn class_name(code: ErrorCode) -> String {
    let mut out = String::new();
    for word in code.name().split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out + "Error"
}

/// Builtin exceptions a code's class also derives from, so `except ValueError` and friends
/// keep working for callers that do not know this package's classes.
fn builtin_base(py: Python<'_>, code: ErrorCode) -> Option<Bound<'_, PyType>> {
    match code {
        ErrorCode::InvalidArgument => Some(py.get_type::<PyValueError>()),
        ErrorCode::Timeout => Some(py.get_type::<PyTimeoutError>()),
        ErrorCode::Io => Some(py.get_type::<PyOSError>()),
        _ => None,
    }
}

fn build_error_types(py: Python<'_>) -> PyResult<ErrorTypes> {
    let members: Vec<(&str, i32)> = ErrorCode::ALL
        .iter()
        .map(|c| (c.name(), c.as_i32()))
        .collect();
    let kwargs = PyDict::new(py);
    kwargs.set_item("module", PUBLIC_MODULE)?;
    let error_code = py
        .import("enum")?
        .getattr("IntEnum")?
        .call(("ErrorCode", members), Some(&kwargs))?;
    error_code.setattr(
        "__doc__",
        "Stable numeric error codes, shared with the Rust, C and Node APIs and used as the \
         CLI exit status.",
    )?;

    let type_type = py.get_type::<PyType>();
    let new_class = |name: &str,
                     bases: Bound<'_, PyTuple>,
                     doc: String,
                     code: Option<Bound<'_, PyAny>>|
     -> PyResult<Py<PyType>> {
        let dict = PyDict::new(py);
        dict.set_item("__module__", PUBLIC_MODULE)?;
        dict.set_item("__doc__", doc)?;
        if let Some(code) = code {
            dict.set_item("code", code)?;
        }
        Ok(type_type
            .call1((name, bases, dict))?
            .cast_into::<PyType>()?
            .unbind())
    };

    let base = new_class(
        "CodeCommitAuthError",
        PyTuple::new(py, [py.get_type::<PyException>()])?,
        "Base class of every error raised by codecommit_auth. `code` is the stable \
         `ErrorCode`; `str(error)` is a message that says what to do next."
            .to_owned(),
        None,
    )?;
    let mut by_code = HashMap::new();
    for code in python_codes() {
        let mut bases = vec![base.bind(py).clone()];
        bases.extend(builtin_base(py, code));
        let cls = new_class(
            &class_name(code),
            PyTuple::new(py, bases)?,
            format!("Raised for error code {} ({}).", code.name(), code.as_i32()),
            Some(error_code.getattr(code.name())?),
        )?;
        by_code.insert(code.as_i32(), cls);
    }
    Ok(ErrorTypes {
        error_code: error_code.unbind(),
        base,
        by_code,
    })
}

/// The codes a Python caller can meet: not the C API's own (NULL_ARGUMENT, INVALID_UTF8).
fn python_codes() -> impl Iterator<Item = ErrorCode> {
    ErrorCode::ALL
        .into_iter()
        .filter(|c| c.scope() == Scope::Everywhere)
}

fn error_types(py: Python<'_>) -> PyResult<&ErrorTypes> {
    ERROR_TYPES.get_or_try_init(py, || build_error_types(py))
}

/// The Python exception for a core error: the class for its code, the message unchanged.
fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    let err = &for_surface(err.clone(), Surface::Library);
    let types = match error_types(py) {
        Ok(types) => types,
        Err(e) => return e,
    };
    // Every code Python can meet has a class; the C-only codes (never produced here) and a
    // table that was not rebuilt fall back to the base class.
    let cls = types
        .by_code
        .get(&err.code().as_i32())
        .unwrap_or(&types.base);
    PyErr::from_type(cls.bind(py).clone(), (err.message().to_owned(),))
}

fn invalid_argument(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

// ------------------------------------------------------------------------------------
// Argument conversion.
// ------------------------------------------------------------------------------------

/// An aware `datetime` -> `SystemTime`. Not a datetime: `TypeError`; naive or outside
/// core's signing range (1970 to 9999, UTC): `InvalidArgumentError` (a `ValueError`).
fn extract_at(py: Python<'_>, at: Option<&Bound<'_, PyAny>>) -> PyResult<Option<SystemTime>> {
    let Some(at) = at else { return Ok(None) };
    if at.is_none() {
        return Ok(None);
    }
    if !at.is_instance_of::<PyDateTime>() {
        return Err(PyTypeError::new_err(format!(
            "at must be a timezone-aware datetime.datetime or None, not {}",
            type_name(at)
        )));
    }
    if at.call_method0("utcoffset")?.is_none() {
        return Err(to_py_err(
            py,
            &invalid_argument(
                "at must be timezone-aware: use datetime.now(timezone.utc) or give a tzinfo",
            ),
        ));
    }
    let range = || {
        to_py_err(
            py,
            &invalid_argument(format!("at must be a time {} (UTC)", SigningTime::RANGE)),
        )
    };
    let at = at.extract::<SystemTime>().map_err(|_| range())?;
    SigningTime::new(at, "at")
        .map(|t| Some(t.get()))
        .map_err(|e| to_py_err(py, &e))
}

fn to_datetime(py: Python<'_>, t: SystemTime) -> PyResult<Bound<'_, PyAny>> {
    Ok(t.into_pyobject(py)?.into_any())
}

/// `timedelta`, or seconds as `int`/`float`; never negative.
fn extract_margin(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let negative = || to_py_err(py, &invalid_argument("refresh_margin must not be negative"));
    if value.is_instance_of::<PyDelta>() {
        return value.extract::<Duration>().map_err(|_| negative());
    }
    if value.is_instance_of::<PyBool>()
        || !(value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>())
    {
        return Err(PyTypeError::new_err(format!(
            "refresh_margin must be a datetime.timedelta or a number of seconds, not {}",
            type_name(value)
        )));
    }
    let seconds: f64 = value.extract()?;
    if seconds.is_nan() || seconds < 0.0 {
        return Err(negative());
    }
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| to_py_err(py, &invalid_argument("refresh_margin is too large")))
}

/// A `str` argument; anything else is a `TypeError` naming the argument in its message
/// (not only in `__notes__`, which Python 3.9 and 3.10 do not show).
fn text(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if !value.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a str, not {}",
            type_name(value)
        )));
    }
    // A str that is not valid UTF-8 (lone surrogates) keeps Python's UnicodeEncodeError.
    value.extract::<String>()
}

/// An optional `str` argument (`None` is `None`).
fn optional_text(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| text(v, name))
        .transpose()
}

/// An optional `bool` argument, named in the `TypeError`.
fn optional_flag(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<bool>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if !value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a bool, not {}",
            type_name(value)
        )));
    }
    value.extract().map(Some)
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

// ------------------------------------------------------------------------------------
// MFA: a Python callable as core's `MfaPrompt`.
// ------------------------------------------------------------------------------------

/// What an `mfa_callback` is called with.
#[pyclass(module = "codecommit_auth", name = "MfaRequest", frozen)]
struct PyMfaRequest {
    inner: CoreMfaRequest,
}

#[pymethods]
impl PyMfaRequest {
    /// The profile whose role needs the code.
    #[getter]
    fn profile(&self) -> &str {
        &self.inner.profile
    }

    /// The MFA device (`mfa_serial`) whose current code is wanted.
    #[getter]
    fn serial(&self) -> &str {
        &self.inner.serial
    }

    /// The role to be assumed with the code.
    #[getter]
    fn role_arn(&self) -> &str {
        &self.inner.role_arn
    }

    fn __repr__(&self) -> String {
        format!(
            "MfaRequest(profile={:?}, serial={:?}, role_arn={:?})",
            self.inner.profile, self.inner.serial, self.inner.role_arn
        )
    }
}

/// Calls the Python callable, attaching to the interpreter only for the call itself.
struct PyMfaPrompt {
    callback: Py<PyAny>,
    /// The Python exceptions raised by the callback, by the message core carries back, so
    /// the `MfaRequiredError` raised to the caller can name them as its `__cause__`.
    raised: Mutex<Vec<(String, PyErr)>>,
}

const MAX_REMEMBERED_CALLBACK_ERRORS: usize = 8;

impl PyMfaPrompt {
    fn remember(&self, message: &str, err: PyErr) {
        let mut raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        if raised.len() >= MAX_REMEMBERED_CALLBACK_ERRORS {
            raised.remove(0);
        }
        raised.push((message.to_owned(), err));
    }

    fn take_cause(&self, err: &Error) -> Option<PyErr> {
        let mut raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        let index = raised
            .iter()
            .position(|(message, _)| err.message().contains(message.as_str()))?;
        Some(raised.remove(index).1)
    }
}

impl MfaPrompt for PyMfaPrompt {
    fn code(&self, request: &CoreMfaRequest) -> codecommit_auth::Result<String> {
        Python::attach(|py| {
            let outcome = Py::new(
                py,
                PyMfaRequest {
                    inner: request.clone(),
                },
            )
            .and_then(|req| self.callback.bind(py).call1((req,)));
            let err = match outcome {
                Ok(value) => match value.extract::<String>() {
                    Ok(code) => return Ok(code),
                    Err(_) => PyTypeError::new_err(format!(
                        "mfa_callback must return the code as a str, not {}",
                        type_name(&value)
                    )),
                },
                Err(err) => err,
            };
            let message = format!(
                "the mfa_callback for profile \"{}\" (device {}) failed: {}",
                request.profile, request.serial, err
            );
            self.remember(&message, err);
            Err(Error::new(ErrorCode::MfaRequired, message))
        })
    }
}

// ------------------------------------------------------------------------------------
// GitCredential.
// ------------------------------------------------------------------------------------

/// A signed CodeCommit Git credential. Its `repr` never shows a secret.
#[pyclass(module = "codecommit_auth", name = "GitCredential", frozen)]
struct PyGitCredential {
    inner: CoreCredential,
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

// ------------------------------------------------------------------------------------
// Client.
// ------------------------------------------------------------------------------------

/// Resolves remotes to signed Git credentials; holds the options and, for temporary
/// credentials, remembers them until they are close to expiry. Thread-safe: share one.
#[pyclass(
    module = "codecommit_auth._native",
    name = "ClientBase",
    frozen,
    subclass
)]
struct PyClient {
    inner: CoreClient,
    mfa_callback: Option<Py<PyAny>>,
    prompt: Option<Arc<PyMfaPrompt>>,
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

fn new_core_client(py: Python<'_>, options: ClientOptions) -> PyResult<CoreClient> {
    CoreClient::new(options).map_err(|e| to_py_err(py, &e))
}

fn repository_url_of(client: &CoreClient, remote_or_url: &str) -> codecommit_auth::Result<String> {
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
    fn git_credential(
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
    fn signed_url(
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
    fn repository_url(&self, py: Python<'_>, remote_or_url: &Bound<'_, PyAny>) -> PyResult<String> {
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

/// Python's `repr()` of a value converted to Python.
fn py_repr<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> PyResult<String> {
    Ok(value.into_bound_py_any(py)?.repr()?.to_string())
}

// ------------------------------------------------------------------------------------
// Module-level functions.
// ------------------------------------------------------------------------------------

fn one_shot_client(
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
fn git_credential(
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
fn signed_url(
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
fn repository_url(
    py: Python<'_>,
    remote_or_url: &Bound<'_, PyAny>,
    profile: Option<&Bound<'_, PyAny>>,
    region: Option<&Bound<'_, PyAny>>,
    endpoint: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    one_shot_client(py, profile, region, endpoint)?.repository_url(py, remote_or_url)
}

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
fn sign(
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
fn required_text(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<String> {
    optional_text(value, name)?
        .ok_or_else(|| PyTypeError::new_err(format!("sign() missing required argument: '{name}'")))
}

/// An argument given by its name or by its deprecated old name (with a `DeprecationWarning`).
fn renamed(
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

/// The exception object the binding raises for a core error with this code and message
/// (the error mapping, exercised for every code by the tests; not public API).
#[pyfunction]
fn _exception_for(py: Python<'_>, code: i32, message: &str) -> PyResult<Py<PyAny>> {
    let code = ErrorCode::from_i32(code)
        .ok_or_else(|| PyValueError::new_err(format!("{code} is not an ErrorCode")))?;
    Ok(to_py_err(py, &Error::new(code, message))
        .into_value(py)
        .into_any())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let types = error_types(py)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ErrorCode", types.error_code.bind(py))?;
    m.add("CodeCommitAuthError", types.base.bind(py))?;
    for code in python_codes() {
        m.add(
            class_name(code).as_str(),
            types.by_code[&code.as_i32()].bind(py),
        )?;
    }
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
