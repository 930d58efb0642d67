//! Strict decoding of request bodies into typed objects, reporting unknown fields the way
//! the API server does (`strict decoding error: unknown field "spec.containers[0].imagee"`).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;
use super::resources::Resource;

fn path_string(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", path_string(parent)),
        Path::Map { parent, key } => {
            let p = path_string(parent);
            if p.is_empty() {
                key.clone()
            } else {
                format!("{p}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_string(parent),
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
/// as `validation` says; returns the warnings to send back.
pub fn decode<T: DeserializeOwned>(
    value: &Value,
    resource: &Resource,
    validation: FieldValidation,
) -> Result<(T, Vec<String>), ApiError> {
    let mut unknown = Vec::new();
    let prefix = format!(
        "{} in version \"{}\" cannot be handled as a {}",
        resource.kind, resource.version, resource.kind
    );
    // One callback type for every T: a closure here would be a new type per T, and every
    // nested type's deserializer (PodSpec, Volume, ...) would be compiled again per kind.
    let mut note = |path: serde_ignored::Path<'_>| unknown.push(path_string(&path));
    let callback: &mut dyn FnMut(serde_ignored::Path<'_>) = &mut note;
    let decoded: Result<T, _> = serde_ignored::deserialize(value.clone(), callback);
    let obj = decoded.map_err(|e| {
        let why = super::type_error::find(resource, value)
            .unwrap_or_else(|| go_style_type_error(&e.to_string()));
        ApiError::bad_request(format!("{prefix}: {why}"))
    })?;
    let unknown: Vec<String> = unknown
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    match validation {
        FieldValidation::Strict if !unknown.is_empty() => Err(ApiError::bad_request(format!(
            "{prefix}: strict decoding error: {}",
            unknown.join(", ")
        ))),
        FieldValidation::Warn => Ok((obj, unknown)),
        _ => Ok((obj, vec![])),
    }
}

/// Decodes strictly: unknown fields are an error.
pub fn strict<T: DeserializeOwned>(value: &Value, resource: &Resource) -> Result<T, ApiError> {
    decode(value, resource, FieldValidation::Strict).map(|(obj, _)| obj)
}

/// Serde's type errors read "invalid type: string \"3\", expected i32"; keep them but in the
/// lower-case, prefix-free shape the API server uses for json errors.
fn go_style_type_error(msg: &str) -> String {
    msg.replace("invalid type: ", "json: cannot unmarshal ")
}
