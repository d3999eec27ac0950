//! Argument checking with Node's wording: every refusal names the argument or property and
//! what was received, unknown option names are refused, and no Rust type name shows.

use std::time::SystemTime;

use codecommit_auth::binding::SigningTime;
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object};
use napi::{Env, JsDate, JsValue, Unknown, ValueType};

use crate::errors::{coded_type_error, core_error, received, type_error};

/// The JavaScript type a property must have.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    String,
    Number,
    Boolean,
    Function,
    Date,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Function => "function",
            Kind::Date => "Date",
        }
    }

    fn accepts(self, value: &Unknown) -> napi::Result<bool> {
        let t = value.get_type()?;
        Ok(match self {
            Kind::String => t == ValueType::String,
            Kind::Number => t == ValueType::Number,
            Kind::Boolean => t == ValueType::Boolean,
            Kind::Function => t == ValueType::Function,
            Kind::Date => t == ValueType::Object && value.is_date()?,
        })
    }
}

/// One property of an options object: its name, type, and whether it must be present.
pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

pub(crate) const fn optional(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

pub(crate) const fn required(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

fn is_nullish(value: &Unknown) -> napi::Result<bool> {
    Ok(matches!(
        value.get_type()?,
        ValueType::Undefined | ValueType::Null
    ))
}

pub(crate) fn string_arg(env: &Env, value: Option<Unknown>, name: &str) -> napi::Result<String> {
    match value {
        Some(v) if v.get_type()? == ValueType::String => String::from_unknown(v),
        Some(v) => Err(type_error(
            env,
            format!(
                "The \"{name}\" argument must be of type string. {}",
                received(&v)
            ),
        )),
        None => Err(type_error(
            env,
            format!("The \"{name}\" argument must be of type string. Received undefined"),
        )),
    }
}

pub(crate) fn optional_string_arg(
    env: &Env,
    value: Option<Unknown>,
    name: &str,
) -> napi::Result<Option<String>> {
    match value {
        Some(v) if !is_nullish(&v)? => string_arg(env, Some(v), name).map(Some),
        _ => Ok(None),
    }
}

/// An options object whose property names are all in `groups` and whose properties have
/// their types; `undefined`/`null` is `None`. The generated converters then cannot fail.
pub(crate) fn checked_object<'a>(
    env: &Env,
    value: Option<Unknown<'a>>,
    name: &str,
    groups: &[&[Field]],
) -> napi::Result<Option<Unknown<'a>>> {
    let Some(value) = value.filter(|v| !is_nullish(v).unwrap_or(true)) else {
        return Ok(None);
    };
    if value.get_type()? != ValueType::Object {
        return Err(type_error(
            env,
            format!(
                "The \"{name}\" argument must be of type object. {}",
                received(&value)
            ),
        ));
    }
    let object = Object::from_unknown(value)?;
    let fields = || groups.iter().flat_map(|g| g.iter());
    for key in Object::keys(&object)? {
        if !fields().any(|f| f.name == key) {
            let known: Vec<&str> = fields().map(|f| f.name).collect();
            return Err(coded_type_error(
                env,
                "ERR_INVALID_ARG_VALUE",
                format!(
                    "The \"{name}\" argument has an unknown property \"{}\" (known: {})",
                    codecommit_auth::redact::echo(&key),
                    known.join(", ")
                ),
            ));
        }
    }
    for field in fields() {
        let property: Unknown = object.get_named_property(field.name)?;
        let missing = is_nullish(&property)?;
        if (missing && !field.required) || (!missing && field.kind.accepts(&property)?) {
            continue;
        }
        return Err(type_error(
            env,
            format!(
                "The \"{name}.{}\" property must be of type {}. {}",
                field.name,
                field.kind.name(),
                received(&property)
            ),
        ));
    }
    Ok(Some(value))
}

/// The generated converter of a checked object (see [`checked_object`]).
pub(crate) fn convert<T: FromNapiValue>(env: &Env, value: Unknown, name: &str) -> napi::Result<T> {
    // Checked first, so this only fails on exotic objects (a Proxy, a throwing getter); the
    // converter's own message speaks of Rust types, so it is not passed on.
    T::from_unknown(value).map_err(|_| {
        type_error(
            env,
            format!("The \"{name}\" argument could not be read as an options object"),
        )
    })
}

/// A `Date` option as a signing time (see [`SigningTime`] for the one range).
pub(crate) fn time_arg(env: &Env, at: Option<Option<JsDate>>) -> napi::Result<Option<SystemTime>> {
    let Some(date) = at.flatten() else {
        return Ok(None);
    };
    let millis = date
        .value_of()
        .map_err(|_| type_error(env, "The \"at\" option must be a Date".into()))?;
    SigningTime::from_unix_millis(millis, "`at`")
        .map(|t| Some(t.get()))
        .map_err(|e| core_error(env, &e))
}

pub(crate) fn millis_since_epoch(t: SystemTime) -> f64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64() * 1000.0,
        Err(e) => -(e.duration().as_secs_f64() * 1000.0),
    }
}
