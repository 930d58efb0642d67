//! PATCH bodies: JSON patch (RFC 6902) and JSON merge patch (RFC 7386) through the
//! `json-patch` crate, and Kubernetes' strategic merge patch, whose lists merge by the
//! keys the API types declare (containers by name, container ports by containerPort, ...).
//! No Rust crate implements strategic merge patch, so it is written here from the
//! patchStrategy/patchMergeKey tags of the 1.35 types.

use serde_json::{Map, Value};

use super::errors::{ApiError, Cause, Reason};
use super::request::PatchType;

/// Applies `patch` of `ty` to `live` (an object of `kind`).
pub fn apply(ty: PatchType, live: &Value, patch: &Value, kind: &str) -> Result<Value, ApiError> {
    match ty {
        PatchType::Json => {
            let go_type = match patch {
                Value::Array(_) | Value::Null => "",
                Value::Object(_) => "object",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
            };
            if !go_type.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "json: cannot unmarshal {go_type} into Go value of type jsonpatch.Patch"
                )));
            }
            if patch.is_null() {
                return Ok(live.clone());
            }
            let ops: json_patch::Patch = crate::apiserver::decode::typed(patch.clone())
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            let mut doc = live.clone();
            json_patch::patch(&mut doc, &ops).map_err(|e| {
                let mut err = ApiError::new(
                    Reason::Invalid,
                    "the server rejected our request due to an error in our request",
                );
                err.details.causes.push(Cause {
                    reason: String::new(),
                    message: json_patch_message(&ops, &e, live),
                    field: String::new(),
                });
                err
            })?;
            Ok(doc)
        }
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "invalid JSON merge patch: the patch is not an object",
                ));
            }
            let mut doc = live.clone();
            json_patch::merge(&mut doc, patch);
            Ok(doc)
        }
        PatchType::StrategicMerge => {
            let Value::Object(p) = patch else {
                return Err(ApiError::bad_request(
                    "unable to unmarshal patch: the patch is not a JSON object",
                ));
            };
            let mut doc = live.clone();
            strategic_merge(&mut doc, p, "", kind)?;
            Ok(doc)
        }
        PatchType::Apply => Err(ApiError::new(
            Reason::UnsupportedMediaType,
            "server-side apply is not supported in Kubarium yet",
        )),
    }
}

/// Why a JSON patch failed, in the words of the JSON patch library kube-apiserver uses.
fn json_patch_message(ops: &json_patch::Patch, e: &json_patch::PatchError, live: &Value) -> String {
    use json_patch::{PatchErrorKind, PatchOperation as Op};
    let path = e.path.to_string();
    let parent_exists = || {
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        live.pointer(parent).is_some()
    };
    let key = path.rsplit('/').next().unwrap_or("");
    let op = ops.0.get(e.operation);
    match (&e.kind, op) {
        (PatchErrorKind::TestFailed, _) => format!("testing value {path} failed: test failed"),
        (PatchErrorKind::InvalidFromPointer, Some(Op::Move(m))) => format!(
            "move operation does not apply: doc is missing from path: {}: missing value",
            m.from
        ),
        (PatchErrorKind::InvalidFromPointer, Some(Op::Copy(c))) => format!(
            "copy operation does not apply: doc is missing from path: {}: missing value",
            c.from
        ),
        (PatchErrorKind::InvalidPointer, Some(Op::Remove(_))) if parent_exists() => format!(
            "error in remove for path: '{path}': Unable to remove nonexistent key: {key}: missing value"
        ),
        (PatchErrorKind::InvalidPointer, Some(Op::Remove(_))) => format!(
            "remove operation does not apply: doc is missing path: \"{path}\": missing value"
        ),
        (PatchErrorKind::InvalidPointer, Some(Op::Replace(_))) if parent_exists() => format!(
            "replace operation does not apply: doc is missing key: {path}: missing value"
        ),
        (PatchErrorKind::InvalidPointer, Some(Op::Replace(_))) => format!(
            "replace operation does not apply: doc is missing path: {path}: missing value"
        ),
        (PatchErrorKind::InvalidPointer, Some(Op::Add(_))) => format!(
            "add operation does not apply: doc is missing path: \"{path}\": missing value"
        ),
        _ => e.to_string(),
    }
}

/// How a list field merges (its patchStrategy and patchMergeKey).
pub enum ListStrategy {
    /// Elements merge by this key.
    MergeKey(&'static str),
    /// A list of scalars merged as a set.
    Set,
    /// The patch's list replaces the live one.
    Replace,
}

/// The strategy of the list at `path` (dotted field names, no indexes) of `kind`.
pub fn list_strategy(path: &str, kind: &str) -> ListStrategy {
    let field = path.rsplit('.').next().unwrap_or(path);
    let parent = path.rsplit('.').nth(1).unwrap_or("");
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "env"
        | "resourceClaims"
        | "secrets"
        | "schedulingGates" => ListStrategy::MergeKey("name"),
        "ports"
            if matches!(
                parent,
                "containers" | "initContainers" | "ephemeralContainers"
            ) =>
        {
            ListStrategy::MergeKey("containerPort")
        }
        "ports" if kind == "Service" && parent == "spec" => ListStrategy::MergeKey("port"),
        "volumeMounts" => ListStrategy::MergeKey("mountPath"),
        "volumeDevices" => ListStrategy::MergeKey("devicePath"),
        "hostAliases" => ListStrategy::MergeKey("ip"),
        "conditions" => ListStrategy::MergeKey("type"),
        "addresses" if kind == "Node" => ListStrategy::MergeKey("type"),
        "ownerReferences" => ListStrategy::MergeKey("uid"),
        "topologySpreadConstraints" => ListStrategy::MergeKey("topologyKey"),
        "finalizers" => ListStrategy::Set,
        "podCIDRs" if kind == "Node" => ListStrategy::Set,
        _ => ListStrategy::Replace,
    }
}

fn bad_format(what: &str) -> ApiError {
    ApiError::bad_request(format!("unable to find api field in struct: {what}"))
}

/// Merges the patch map `p` into `doc` at `path`.
fn strategic_merge(
    doc: &mut Value,
    p: &Map<String, Value>,
    path: &str,
    kind: &str,
) -> Result<(), ApiError> {
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replacement = p.clone();
        replacement.remove("$patch");
        *doc = Value::Object(replacement);
        return Ok(());
    }
    if !doc.is_object() {
        *doc = Value::Object(Map::new());
    }
    let Some(target) = doc.as_object_mut() else {
        return Ok(());
    };
    for (k, v) in p {
        if k == "$patch" || k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            let remove: Vec<Value> = v.as_array().cloned().unwrap_or_default();
            if let Some(list) = target.get_mut(field).and_then(Value::as_array_mut) {
                list.retain(|x| !remove.contains(x));
            }
            continue;
        }
        let child = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        match v {
            Value::Null => {
                target.remove(k);
            }
            Value::Object(pm) => {
                if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
                    target.remove(k);
                    continue;
                }
                let slot = target.entry(k.clone()).or_insert(Value::Null);
                strategic_merge(slot, pm, &child, kind)?;
            }
            Value::Array(items) => {
                let live = target
                    .get(k)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let merged = merge_list(&live, items, &child, kind)?;
                target.insert(k.clone(), Value::Array(merged));
            }
            other => {
                target.insert(k.clone(), other.clone());
            }
        }
    }
    Ok(())
}

fn merge_list(
    live: &[Value],
    patch: &[Value],
    path: &str,
    kind: &str,
) -> Result<Vec<Value>, ApiError> {
    match list_strategy(path, kind) {
        ListStrategy::Replace => {
            if patch.iter().any(|v| v.get("$patch").is_some()) {
                return Err(bad_format(path));
            }
            Ok(patch.to_vec())
        }
        ListStrategy::Set => {
            let mut out = live.to_vec();
            for v in patch {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Ok(out)
        }
        ListStrategy::MergeKey(key) => {
            if patch
                .iter()
                .any(|v| v.get("$patch").and_then(Value::as_str) == Some("replace"))
            {
                return Ok(patch
                    .iter()
                    .filter(|v| v.get("$patch").is_none())
                    .cloned()
                    .collect());
            }
            let mut out = live.to_vec();
            for item in patch {
                let Value::Object(pm) = item else {
                    return Err(ApiError::bad_request(format!(
                        "unable to find merge key \"{key}\" in a list of scalars at {path}"
                    )));
                };
                let Some(id) = pm.get(key) else {
                    return Err(ApiError::bad_request(format!(
                        "map: {} does not contain declared merge key: {key}",
                        go_map(pm)
                    )));
                };
                let pos = out.iter().position(|x| x.get(key) == Some(id));
                let delete = pm.get("$patch").and_then(Value::as_str) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        out.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => strategic_merge(&mut out[i], pm, path, kind)?,
                    (None, false) => {
                        let mut fresh = Value::Object(Map::new());
                        strategic_merge(&mut fresh, pm, path, kind)?;
                        out.push(fresh);
                    }
                }
            }
            Ok(out)
        }
    }
}

/// A map as Go's fmt prints `map[string]interface{}` (`map[a:1 b:x]`), for messages.
fn go_map(m: &Map<String, Value>) -> String {
    let parts: Vec<String> = m
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}:{s}"),
            other => format!("{k}:{other}"),
        })
        .collect();
    format!("map[{}]", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merge_merges_containers_by_name_and_ports_by_container_port() {
        let live = json!({"spec": {"containers": [
            {"name": "a", "image": "nginx:1", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
            {"name": "b", "image": "redis"}]}});
        let patch = json!({"spec": {"containers": [
            {"name": "a", "image": "nginx:2", "ports": [{"containerPort": 443}]},
            {"name": "b", "$patch": "delete"}]}});
        let out = apply(PatchType::StrategicMerge, &live, &patch, "Pod").unwrap();
        assert_eq!(
            out,
            json!({"spec": {"containers": [{"name": "a", "image": "nginx:2", "ports": [
                {"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443}]}]}})
        );
    }

    #[test]
    fn strategic_merge_replaces_plain_lists_and_deletes_nulls() {
        let live = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"args": ["x"]}});
        let patch = json!({"metadata": {"labels": {"b": null}}, "spec": {"args": ["y", "z"]}});
        let out = apply(PatchType::StrategicMerge, &live, &patch, "Pod").unwrap();
        assert_eq!(
            out,
            json!({"metadata": {"labels": {"a": "1"}}, "spec": {"args": ["y", "z"]}})
        );
    }

    #[test]
    fn merge_key_missing_is_a_bad_request() {
        let live = json!({"spec": {"containers": [{"name": "a"}]}});
        let patch = json!({"spec": {"containers": [{"image": "x"}]}});
        let e = apply(PatchType::StrategicMerge, &live, &patch, "Pod").unwrap_err();
        assert_eq!(
            e.message,
            "map: map[image:x] does not contain declared merge key: name"
        );
    }

    #[test]
    fn json_patch_and_merge_patch() {
        let live = json!({"spec": {"replicas": 1}, "metadata": {"labels": {"a": "1"}}});
        let jp = json!([{"op": "replace", "path": "/spec/replicas", "value": 3}]);
        let out = apply(PatchType::Json, &live, &jp, "Deployment").unwrap();
        assert_eq!(out["spec"]["replicas"], 3);
        let mp = json!({"metadata": {"labels": {"a": null, "b": "2"}}});
        let out = apply(PatchType::Merge, &live, &mp, "Deployment").unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"b": "2"}));
    }
}
