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

/// Decodes `value` as `T`, failing on unknown fields and on type errors, with the message
/// `<Kind> in version "<v>" cannot be handled as a <Kind>: ...`.
pub fn strict<T: DeserializeOwned>(value: &Value, resource: &Resource) -> Result<T, ApiError> {
    let mut unknown = Vec::new();
    let prefix = format!(
        "{} in version \"{}\" cannot be handled as a {}",
        resource.kind, resource.version, resource.kind
    );
    let decoded: Result<T, _> = serde_ignored::deserialize(value.clone(), |path| {
        unknown.push(path_string(&path));
    });
    match decoded {
        Err(e) => Err(ApiError::bad_request(format!(
            "{prefix}: {}",
            go_style_type_error(&e.to_string())
        ))),
        Ok(_) if !unknown.is_empty() => {
            let list = unknown
                .iter()
                .filter(|p| !p.is_empty())
                .map(|p| format!("unknown field \"{p}\""))
                .collect::<Vec<_>>()
                .join(", ");
            Err(ApiError::bad_request(format!(
                "{prefix}: strict decoding error: {list}"
            )))
        }
        Ok(obj) => Ok(obj),
    }
}

/// Serde's type errors read "invalid type: string \"3\", expected i32"; keep them but in the
/// lower-case, prefix-free shape the API server uses for json errors.
fn go_style_type_error(msg: &str) -> String {
    msg.replace("invalid type: ", "json: cannot unmarshal ")
}
