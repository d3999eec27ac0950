//! Argument conversion: Python values in, core types out, with `TypeError`s that name the
//! argument.

use std::time::{Duration, SystemTime};

use codecommit_auth::binding::SigningTime;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDateTime, PyDelta, PyFloat, PyInt};

use crate::errors::{invalid_argument, to_py_err};

/// An aware `datetime` -> `SystemTime`. Not a datetime: `TypeError`; naive or outside
/// core's signing range (1970 to 9999, UTC): `InvalidArgumentError` (a `ValueError`).
pub(crate) fn extract_at(
    py: Python<'_>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<SystemTime>> {
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

pub(crate) fn to_datetime(py: Python<'_>, t: SystemTime) -> PyResult<Bound<'_, PyAny>> {
    Ok(t.into_pyobject(py)?.into_any())
}

/// `timedelta`, or seconds as `int`/`float`; never negative.
pub(crate) fn extract_margin(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Duration> {
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
pub(crate) fn text(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
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
pub(crate) fn optional_text(
    value: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<String>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| text(v, name))
        .transpose()
}

/// An optional `bool` argument, named in the `TypeError`.
pub(crate) fn optional_flag(
    value: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<bool>> {
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

pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Python's `repr()` of a value converted to Python.
pub(crate) fn py_repr<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> PyResult<String> {
    Ok(value.into_bound_py_any(py)?.repr()?.to_string())
}
