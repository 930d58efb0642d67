//! PodSecurity: the Pod Security Standards (privileged, baseline, restricted) applied by
//! namespace labels `pod-security.kubernetes.io/{enforce,warn,audit}`: pods that violate
//! the enforced level are refused, and pods or workload templates that violate the warned
//! level come back with a warning. The checks run in the tools module
//! (`kubarium_tools::pod_security`).

use serde_json::Value;

use super::Attributes;
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;

/// A namespace's level for a mode (`enforce`, `warn`, `audit`), with its version label.
fn level(ns: &Value, mode: &str) -> Option<(String, String)> {
    let labels = &ns["metadata"]["labels"];
    let level = labels[format!("pod-security.kubernetes.io/{mode}")].as_str()?;
    if !matches!(level, "privileged" | "baseline" | "restricted") {
        return None;
    }
    let level = level.to_string();
    let version = labels[format!("pod-security.kubernetes.io/{mode}-version")]
        .as_str()
        .unwrap_or("latest")
        .to_string();
    Some((level, version))
}

/// The pod spec an object carries, if it is a pod or a workload with a pod template.
fn pod_spec<'a>(r: &resources::Resource, obj: &'a Value) -> Option<&'a Value> {
    match (r.group, r.kind) {
        ("", "Pod") => Some(&obj["spec"]),
        ("", "PodTemplate") => Some(&obj["template"]["spec"]),
        ("", "ReplicationController")
        | ("apps", "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet")
        | ("batch", "Job") => Some(&obj["spec"]["template"]["spec"]),
        ("batch", "CronJob") => Some(&obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
        _ => None,
    }
}

/// Whether an update is one PodSecurity evaluates: a pod whose images changed, or a
/// workload whose pod template changed (other updates cannot make a pod less secure).
fn significant_update(attrs: &Attributes<'_>, obj: &Value) -> bool {
    let Some(old) = attrs.old else {
        return true;
    };
    let (Some(new_spec), Some(old_spec)) =
        (pod_spec(attrs.resource, obj), pod_spec(attrs.resource, old))
    else {
        return false;
    };
    if attrs.resource.kind != "Pod" {
        return new_spec != old_spec;
    }
    let images = |spec: &Value| -> Vec<Value> {
        ["containers", "initContainers", "ephemeralContainers"]
            .iter()
            .flat_map(|list| spec[list].as_array().cloned().unwrap_or_default())
            .map(|c| c["image"].clone())
            .collect()
    };
    images(new_spec) != images(old_spec)
}

/// What in `spec` fails the checks of `level`.
fn violations(spec: &Value, level: &str) -> Result<Vec<String>, ApiError> {
    let request = kubarium_tools::pod_security::Request {
        spec: spec.clone(),
        level: level.to_string(),
    };
    crate::tools::pod_security(&request).ok_or_else(|| {
        ApiError::forbidden(
            "pods",
            "",
            "PodSecurity cannot check pods: Kubarium's tools module did not load",
        )
    })
}

/// Checks a create, or an update that could change what the pods run; returns the
/// warnings to send back.
pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<Vec<String>, ApiError> {
    if !attrs.subresource.is_empty() || !significant_update(attrs, obj) {
        return Ok(vec![]);
    }
    let Some(spec) = pod_spec(attrs.resource, obj) else {
        return Ok(vec![]);
    };
    let key = resources::namespaces().key("", attrs.namespace);
    let Some(ns) = attrs.store.get(&key) else {
        return Ok(vec![]);
    };
    let is_pod = attrs.resource.kind == "Pod";
    let mut warnings = vec![];
    if is_pod {
        if let Some((lvl, version)) = level(&ns.value(), "enforce") {
            let v = violations(spec, &lvl)?;
            if !v.is_empty() {
                return Err(ApiError::forbidden(
                    "pods",
                    attrs.name,
                    &format!(
                        "violates PodSecurity \"{}:{version}\": {}",
                        lvl,
                        v.join(", ")
                    ),
                ));
            }
        }
    }
    if let Some((lvl, version)) = level(&ns.value(), "warn") {
        let v = violations(spec, &lvl)?;
        if !v.is_empty() {
            warnings.push(format!(
                "would violate PodSecurity \"{}:{version}\": {}",
                lvl,
                v.join(", ")
            ));
        }
    }
    Ok(warnings)
}
