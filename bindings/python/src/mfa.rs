//! MFA: a Python callable as core's `MfaPrompt`, and the `MfaRequest` it is called with.

use std::sync::Mutex;

use codecommit_auth::{Error, ErrorCode, MfaPrompt, MfaRequest as CoreMfaRequest};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::args::type_name;

/// What an `mfa_callback` is called with.
#[pyclass(module = "codecommit_auth", name = "MfaRequest", frozen)]
pub(crate) struct PyMfaRequest {
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
pub(crate) struct PyMfaPrompt {
    pub(crate) callback: Py<PyAny>,
    /// The Python exceptions raised by the callback, by the message core carries back, so
    /// the `MfaRequiredError` raised to the caller can name them as its `__cause__`.
    pub(crate) raised: Mutex<Vec<(String, PyErr)>>,
}

pub(crate) const MAX_REMEMBERED_CALLBACK_ERRORS: usize = 8;

impl PyMfaPrompt {
    fn remember(&self, message: &str, err: PyErr) {
        let mut raised = self.raised.lock().unwrap_or_else(|p| p.into_inner());
        if raised.len() >= MAX_REMEMBERED_CALLBACK_ERRORS {
            raised.remove(0);
        }
        raised.push((message.to_owned(), err));
    }

    pub(crate) fn take_cause(&self, err: &Error) -> Option<PyErr> {
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
