//! Where a body does not fit its kind, worded as Go's encoding/json words it for
//! kube-apiserver (`json: cannot unmarshal string into Go struct field
//! DeploymentSpec.spec.replicas of type int32`). Serde's own errors name neither the field
//! nor the Go type, so the body is walked against the kind's OpenAPI schema to find the
//! first value of the wrong JSON type (fields in name order).

use serde_json::{Map, Value};

use super::openapi;
use super::resources::Resource;

/// The JSON type of a value as Go's errors name it.
fn json_kind(v: &Value) -> String {
    match v {
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        Value::Null => "null".into(),
    }
}

/// The schema a reference names, or the schema itself.
fn resolve<'a>(defs: &'a Map<String, Value>, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
    let reference = schema["$ref"]
        .as_str()
        .or_else(|| schema["allOf"][0]["$ref"].as_str());
    match reference.and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => (defs.get(name).unwrap_or(schema), Some(name)),
        None => (schema, None),
    }
}

/// A schema's Go type name as `reflect.Type.String()` gives it (`v1.Container`,
/// `[]v1.Container`, `map[string]string`, `int32`).
fn go_type(defs: &Map<String, Value>, schema: &Value) -> String {
    let (resolved, name) = resolve(defs, schema);
    if let Some(name) = name {
        let mut parts = name.rsplit('.');
        let kind = parts.next().unwrap_or("");
        return format!("{}.{kind}", parts.next().unwrap_or(""));
    }
    match resolved["type"].as_str() {
        Some("array") => format!("[]{}", go_type(defs, &resolved["items"])),
        Some("object") if resolved["additionalProperties"].is_object() => {
            format!(
                "map[string]{}",
                go_type(defs, &resolved["additionalProperties"])
            )
        }
        Some("object") => "map[string]interface {}".into(),
        Some("integer") => resolved["format"].as_str().unwrap_or("int64").into(),
        Some("number") => "float64".into(),
        Some("boolean") => "bool".into(),
        Some(t) => t.into(),
        None => "interface {}".into(),
    }
}

/// The first mismatch under `value`: what was found, the Go struct holding the field,
/// the field's path, the Go type expected; or, from a type's own JSON decoder, its whole
/// message.
struct Mismatch {
    found: String,
    holder: String,
    path: String,
    expected: String,
    whole: Option<String>,
}

/// What Quantity's JSON decoder says of anything but a quantity.
const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

fn walk(
    defs: &Map<String, Value>,
    schema: &Value,
    value: &Value,
    holder: &str,
    path: &str,
) -> Option<Mismatch> {
    if value.is_null() {
        return None;
    }
    let (s, name) = resolve(defs, schema);
    let mismatch = |found: String| {
        Some(Mismatch {
            found,
            holder: holder.to_string(),
            path: path.to_string(),
            expected: go_type(defs, schema).trim_start_matches("[]").to_string(),
            whole: None,
        })
    };
    if s["x-kubernetes-int-or-string"] == true {
        if value.is_string() || value.is_number() {
            return None;
        }
        // Quantity and IntOrString decode themselves and say so in their own words.
        let whole = if name.is_some_and(|n| n.ends_with(".resource.Quantity")) {
            QUANTITY_FORMAT.to_string()
        } else {
            format!(
                "json: cannot unmarshal {} into Go value of type int32",
                json_kind(value)
            )
        };
        return Some(Mismatch {
            whole: Some(whole),
            ..mismatch(String::new())?
        });
    }
    match s["type"].as_str() {
        Some("object") => {
            let Value::Object(members) = value else {
                return mismatch(json_kind(value));
            };
            if let Some(props) = s["properties"].as_object() {
                let inner = name.and_then(|n| n.rsplit('.').next()).unwrap_or(holder);
                for (key, v) in members {
                    let Some(field) = props.get(key) else {
                        continue;
                    };
                    let sub = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if let Some(m) = walk(defs, field, v, inner, &sub) {
                        return Some(m);
                    }
                }
            } else if s["additionalProperties"].is_object() {
                for v in members.values() {
                    if let Some(m) = walk(defs, &s["additionalProperties"], v, holder, path) {
                        return Some(m);
                    }
                }
            }
            None
        }
        Some("array") => {
            let Value::Array(items) = value else {
                return Some(Mismatch {
                    found: json_kind(value),
                    holder: holder.to_string(),
                    path: path.to_string(),
                    expected: go_type(defs, schema),
                    whole: None,
                });
            };
            items
                .iter()
                .find_map(|item| walk(defs, &s["items"], item, holder, path))
        }
        Some("string") => (!value.is_string())
            .then(|| json_kind(value))
            .and_then(mismatch),
        Some("boolean") => (!value.is_boolean())
            .then(|| json_kind(value))
            .and_then(mismatch),
        Some("number") => (!value.is_number())
            .then(|| json_kind(value))
            .and_then(mismatch),
        Some("integer") => {
            let Value::Number(n) = value else {
                return mismatch(json_kind(value));
            };
            let fits = match s["format"].as_str() {
                Some("int32") => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
                _ => n.as_i64().is_some(),
            };
            (!fits).then(|| format!("number {n}")).and_then(mismatch)
        }
        _ => None,
    }
}

/// Go's message for the first value of `body` that does not fit `r`'s kind, if the
/// kind's schema is at hand and finds one.
pub fn find(r: &Resource, body: &Value) -> Option<String> {
    let defs = openapi::schemas_of(r)?;
    let gvk = serde_json::json!({"group": r.group, "kind": r.kind, "version": r.version});
    let (name, schema) = defs.iter().find(|(_, s)| {
        s["x-kubernetes-group-version-kind"]
            .as_array()
            .is_some_and(|l| l.contains(&gvk))
    })?;
    let kind = name.rsplit('.').next().unwrap_or(r.kind);
    let m = walk(&defs, schema, body, kind, "")?;
    if let Some(whole) = m.whole {
        return Some(whole);
    }
    Some(if m.path.is_empty() {
        format!(
            "json: cannot unmarshal {} into Go value of type {}",
            m.found, m.expected
        )
    } else {
        format!(
            "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
            m.found, m.holder, m.path, m.expected
        )
    })
}
