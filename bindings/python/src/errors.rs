//! Errors: `ErrorCode` (an `enum.IntEnum`) and one exception class per code, made from
//! core's table; core errors become exceptions of these classes.

use std::collections::HashMap;

use codecommit_auth::binding::{Surface, for_surface};
use codecommit_auth::error::Scope;
use codecommit_auth::{Error, ErrorCode};
use pyo3::exceptions::{PyException, PyOSError, PyTimeoutError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// Where the generated classes are published: the public package, not `_native`.
pub(crate) const PUBLIC_MODULE: &str = "codecommit_auth";
pub(crate) struct ErrorTypes {
    error_code: Py<PyAny>,
    base: Py<PyType>,
    by_code: HashMap<i32, Py<PyType>>,
}

pub(crate) static ERROR_TYPES: PyOnceLock<ErrorTypes> = PyOnceLock::new();

/// `INVALID_REMOTE` -> `InvalidRemoteError`, `IO` -> `IoError`, `TIMEOUT` -> `TimeoutError`.
pub(crate) fn class_name(code: ErrorCode) -> String {
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
pub(crate) fn builtin_base(py: Python<'_>, code: ErrorCode) -> Option<Bound<'_, PyType>> {
    match code {
        ErrorCode::InvalidArgument => Some(py.get_type::<PyValueError>()),
        ErrorCode::Timeout => Some(py.get_type::<PyTimeoutError>()),
        ErrorCode::Io => Some(py.get_type::<PyOSError>()),
        _ => None,
    }
}

pub(crate) fn build_error_types(py: Python<'_>) -> PyResult<ErrorTypes> {
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
pub(crate) fn python_codes() -> impl Iterator<Item = ErrorCode> {
    ErrorCode::ALL
        .into_iter()
        .filter(|c| c.scope() == Scope::Everywhere)
}

pub(crate) fn error_types(py: Python<'_>) -> PyResult<&ErrorTypes> {
    ERROR_TYPES.get_or_try_init(py, || build_error_types(py))
}

/// The Python exception for a core error: the class for its code, the message unchanged.
pub(crate) fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
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

pub(crate) fn invalid_argument(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// The exception object the binding raises for a core error with this code and message
/// (the error mapping, exercised for every code by the tests; not public API).
#[pyfunction]
pub(crate) fn _exception_for(py: Python<'_>, code: i32, message: &str) -> PyResult<Py<PyAny>> {
    let code = ErrorCode::from_i32(code)
        .ok_or_else(|| PyValueError::new_err(format!("{code} is not an ErrorCode")))?;
    Ok(to_py_err(py, &Error::new(code, message))
        .into_value(py)
        .into_any())
}

/// Publishes `ErrorCode`, `CodeCommitAuthError` and the class of every code Python can see.
pub(crate) fn add_error_types(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let types = error_types(py)?;
    m.add("ErrorCode", types.error_code.bind(py))?;
    m.add("CodeCommitAuthError", types.base.bind(py))?;
    for code in python_codes() {
        m.add(
            class_name(code).as_str(),
            types.by_code[&code.as_i32()].bind(py),
        )?;
    }
    Ok(())
}
