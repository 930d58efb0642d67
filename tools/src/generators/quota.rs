//! `kubectl create quota NAME [--hard=key=quantity,...] [--scopes=Scope,...]`.

use serde_json::{json, Map, Value};

use super::{Generated, Parsed};

const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// `kubectl create quota NAME [--hard=key=quantity,...] [--scopes=Scope,...]`.
pub fn quota(p: &Parsed, name: &str) -> Result<Generated, String> {
    let mut spec = Map::new();
    let hard = p.get("hard").unwrap_or("");
    if !hard.is_empty() {
        let mut list = Map::new();
        for statement in hard.split(',') {
            let parts: Vec<&str> = statement.split('=').collect();
            let [resource, value] = parts.as_slice() else {
                return Err(format!(
                    "error: Invalid argument syntax {statement}, expected <resource>=<value>"
                ));
            };
            let Some(milli) = crate::quantity::parse(value) else {
                return Err(format!("error: {QUANTITY_FORMAT}"));
            };
            list.insert(
                resource.to_string(),
                json!(crate::quantity::canonical(
                    milli,
                    crate::quantity::is_binary(value)
                )),
            );
        }
        spec.insert("hard".into(), Value::Object(list));
    }
    let scopes = p.get("scopes").unwrap_or("");
    if !scopes.is_empty() {
        let list: Vec<&str> = scopes.split(',').collect();
        if list.iter().any(|s| s.is_empty()) {
            return Err("error: invalid resource quota scope \"\"".into());
        }
        spec.insert("scopes".into(), json!(list));
    }
    let obj = json!({
        "kind": "ResourceQuota", "apiVersion": "v1",
        "metadata": {"name": name},
        "spec": spec,
        "status": {},
    });
    Ok(Generated::new(
        obj,
        "",
        "resourcequotas",
        "resourcequota",
        "failed to create quota: ",
    ))
}
