//! Strict decoding of request bodies into typed objects, reporting unknown fields the way
//! the API server does (`strict decoding error: unknown field "spec.containers[0].imagee"`).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;
use super::resources::Resource;

/// The fields of `input` that decoding dropped: those missing from `decoded` (the typed
/// object written back), as paths (`spec.containers[0].imagee`). Nulls are never unknown.
/// Comparing with the written-back object, rather than watching the deserializer, keeps
/// one copy of every kind's deserializer in the wasm module.
fn dropped(input: &Value, decoded: &Value, path: &str, out: &mut Vec<String>) {
    match (input, decoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(w) => dropped(v, w, &p, out),
                    None if !v.is_null() => out.push(p),
                    None => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                dropped(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// How unknown fields in a request body are treated (the `fieldValidation` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    /// Refuse the request (`strict decoding error: unknown field "..."`).
    Strict,
    /// Accept it, with one warning per unknown field (the API server's default).
    #[default]
    Warn,
    /// Drop unknown fields silently.
    Ignore,
}

/// Decodes `value` as `T`, failing on type errors with the message
/// `<Kind> in version "<v>" cannot be handled as a <Kind>: ...`, and on unknown fields
/// as `validation` says; returns the warnings to send back. Only the typed round trip
/// is generic: the checks around it are one copy for every kind.
pub fn decode<T: DeserializeOwned + serde::Serialize>(
    value: &Value,
    resource: &Resource,
    validation: FieldValidation,
) -> Result<(T, Vec<String>), ApiError> {
    let obj: T = typed(value.clone()).map_err(|e| type_error(value, resource, &e.to_string()))?;
    let warnings = if validation == FieldValidation::Ignore {
        vec![]
    } else {
        let back = untyped(&obj);
        unknown_fields(value, &back, resource, validation)?
    };
    Ok((obj, warnings))
}

/// A value as a typed object (one copy per kind, not inlined into its callers).
#[inline(never)]
pub fn typed<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// A typed object as a value (one copy per kind, shared by its callers).
#[inline(never)]
pub fn untyped<T: serde::Serialize>(obj: &T) -> Value {
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

fn prefix(resource: &Resource) -> String {
    format!(
        "{} in version \"{}\" cannot be handled as a {}",
        resource.kind, resource.version, resource.kind
    )
}

/// The error for a body whose fields have the wrong types.
fn type_error(value: &Value, resource: &Resource, serde_message: &str) -> ApiError {
    let why = super::type_error::find(resource, value)
        .unwrap_or_else(|| go_style_type_error(serde_message));
    ApiError::bad_request(format!("{}: {why}", prefix(resource)))
}

/// The fields decoding dropped (`back` is the decoded object written back): an error
/// under Strict validation, warnings under Warn.
fn unknown_fields(
    value: &Value,
    back: &Value,
    resource: &Resource,
    validation: FieldValidation,
) -> Result<Vec<String>, ApiError> {
    let mut paths = vec![];
    dropped(value, back, "", &mut paths);
    let unknown: Vec<String> = paths
        .iter()
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    match validation {
        FieldValidation::Strict if !unknown.is_empty() => Err(ApiError::bad_request(format!(
            "{}: strict decoding error: {}",
            prefix(resource),
            unknown.join(", ")
        ))),
        FieldValidation::Warn => Ok(unknown),
        _ => Ok(vec![]),
    }
}

/// Decodes strictly: unknown fields are an error.
pub fn strict<T: DeserializeOwned + serde::Serialize>(
    value: &Value,
    resource: &Resource,
) -> Result<T, ApiError> {
    decode(value, resource, FieldValidation::Strict).map(|(obj, _)| obj)
}

/// Serde's type errors read "invalid type: string \"3\", expected i32"; keep them but in the
/// lower-case, prefix-free shape the API server uses for json errors.
fn go_style_type_error(msg: &str) -> String {
    msg.replace("invalid type: ", "json: cannot unmarshal ")
}
