//! Errors as JavaScript sees them: core errors become `Error`s with `code` (stable name) and
//! `errno` (number); wrong arguments become `TypeError`s with Node's own codes.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use codecommit_auth as cc;
use codecommit_auth::binding::{Surface, for_surface};
use napi::bindgen_prelude::{JsObjectValue, Object, PromiseRaw, ToNapiValue};
use napi::{Env, JsValue, Status, Unknown, ValueType};
use napi_derive::napi;

/// A JavaScript `Error` carrying the core error's message (its fix worded for a library
/// caller), `code` (stable name) and `errno`.
pub(crate) fn core_error(env: &Env, err: &cc::Error) -> napi::Error {
    let err = for_surface(err.clone(), Surface::Library);
    let build = || -> napi::Result<napi::Error> {
        let mut object =
            env.create_error(napi::Error::new(Status::GenericFailure, err.message()))?;
        object.set_named_property("code", err.code().name())?;
        object.set_named_property("errno", err.code().as_i32())?;
        Ok(napi::Error::from(object.to_unknown()))
    };
    build().unwrap_or_else(|e| e)
}

/// A `TypeError` with Node's `ERR_INVALID_ARG_TYPE` code.
pub(crate) fn type_error(env: &Env, message: String) -> napi::Error {
    coded_type_error(env, "ERR_INVALID_ARG_TYPE", message)
}

/// A `TypeError` with the given Node error code (`ERR_INVALID_ARG_VALUE`, ...).
pub(crate) fn coded_type_error(env: &Env, code: &str, message: String) -> napi::Error {
    let error = napi::Error::new(code.to_owned(), message);
    napi::Error::from(napi::JsTypeError::from(error).into_unknown(*env))
}

/// The Promise of a Promise-returning function whose arguments were refused: it rejects
/// (on a later tick, as every rejection of this API does) instead of throwing.
pub(crate) fn rejected<'env, V: ToNapiValue + 'static>(
    env: &'env Env,
    error: napi::Error,
) -> napi::Result<PromiseRaw<'env, V>> {
    env.spawn_future_with_callback(async { Ok(()) }, move |_, ()| Err::<V, _>(error))
}

/// Runs a core call; a panic becomes an `INTERNAL` error instead of unwinding into Node
/// (which would abort the process, e.g. a whole VS Code extension host).
pub(crate) fn guarded<T>(call: impl FnOnce() -> cc::Result<T>) -> cc::Result<T> {
    panic::catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| Err(panicked(&*payload)))
}

pub(crate) fn panicked(payload: &(dyn Any + Send)) -> cc::Error {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    cc::Error::new(
        cc::ErrorCode::Internal,
        format!("codecommit-auth panicked ({detail}); this is a bug, please report it"),
    )
}

/// Node's wording of what was received: `Received type number`.
pub(crate) fn received(value: &Unknown) -> String {
    match value.get_type() {
        Ok(ValueType::Undefined) => "Received undefined".into(),
        Ok(ValueType::Null) => "Received null".into(),
        Ok(t) => format!("Received type {}", js_type_name(t)),
        Err(_) => "Received an unknown value".into(),
    }
}

fn js_type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::Null => "null",
        ValueType::Undefined => "undefined",
        _ => "unknown",
    }
}

/// Every error code: stable name (an Error's `code`) to number (its `errno`, the CLI's exit
/// status), in numeric order. `ErrorCodes` and `ErrorCodeName` are declared in
/// `dts-header.d.ts`, checked against core by core/tests/error_table.rs.
#[napi(ts_return_type = "ErrorCodes")]
pub fn error_codes(env: &Env) -> napi::Result<Object<'_>> {
    let mut codes = Object::new(env)?;
    for code in cc::ErrorCode::ALL {
        codes.set_named_property(code.name(), code.as_i32())?;
    }
    Ok(codes)
}
