//! A pod's ephemeral containers (`pods/NAME/ephemeralcontainers`, what `kubectl debug`
//! patches): the only way to add them; those already there may be neither changed nor
//! removed, and what an ephemeral container may not have (ports, probes, lifecycle,
//! resources) is refused as the API server's validation refuses it.

use serde_json::Value;

use super::errors::{ApiError, FieldError};
use super::rest::Response;
use super::{decode, resources, validation, ApiServer, WriteOptions};

/// Fields an ephemeral container may not set.
const FORBIDDEN: &[&str] = &[
    "ports",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "resources",
    "resizePolicy",
    "restartPolicy",
];

/// What is wrong with `new`, the pod's ephemeral containers after the write, given
/// the pod as it is (`live`).
fn check(live: &Value, new: &[Value]) -> Vec<FieldError> {
    let path = "spec.ephemeralContainers";
    let old = live["spec"]["ephemeralContainers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut errs = vec![];
    for o in &old {
        let name = o["name"].as_str().unwrap_or("");
        match new.iter().find(|n| n["name"] == o["name"]) {
            None => errs.push(FieldError::forbidden(
                path,
                &format!("existing ephemeral containers {name:?} may not be removed"),
            )),
            Some(n) if n != o => errs.push(FieldError::forbidden(
                path,
                &format!("existing ephemeral containers {name:?} may not be changed"),
            )),
            _ => {}
        }
    }
    let names = |field: &str| -> Vec<String> {
        live["spec"][field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_string))
            .collect()
    };
    let mut taken: Vec<String> = names("containers");
    taken.extend(names("initContainers"));
    let targets = taken.clone();
    for (i, c) in new.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let name = c["name"].as_str().unwrap_or("");
        if old.iter().any(|o| o["name"] == name) {
            taken.push(name.to_string());
            continue;
        }
        if name.is_empty() {
            errs.push(FieldError::required(format!("{at}.name")));
        } else if let Some(why) = validation::dns1123_label(name).first() {
            errs.push(FieldError::invalid(format!("{at}.name"), name, why));
        } else if taken.iter().any(|t| t == name) {
            errs.push(FieldError::duplicate(format!("{at}.name"), name));
        }
        taken.push(name.to_string());
        if c["image"].as_str().unwrap_or("").is_empty() {
            errs.push(FieldError::required(format!("{at}.image")));
        }
        for f in FORBIDDEN {
            // kubectl sends an empty resources object with every container.
            let empty = |v: &Value| v.is_null() || v.as_object().is_some_and(|m| m.is_empty());
            if c.get(*f).is_some_and(|v| !empty(v)) {
                errs.push(FieldError::forbidden(
                    format!("{at}.{f}"),
                    "cannot be set for an Ephemeral Container",
                ));
            }
        }
        if let Some(target) = c["targetContainerName"].as_str() {
            if !targets.iter().any(|t| t == target) {
                errs.push(FieldError::not_found(
                    format!("{at}.targetContainerName"),
                    target,
                ));
            }
        }
    }
    errs
}

impl ApiServer {
    /// Writes `patched` (the pod as the client wants it) through the ephemeralcontainers
    /// subresource: only its ephemeral containers are taken.
    pub(super) fn update_ephemeral_containers(
        &mut self,
        ns: &str,
        name: &str,
        patched: &Value,
        opts: &WriteOptions,
    ) -> Result<Response, ApiError> {
        let r = resources::pods();
        let (_, warnings): (k8s_openapi::api::core::v1::Pod, _) =
            decode::decode(patched, r, opts.validation)?;
        let kv = self.stored_pod(ns, name)?;
        let live = kv.value();
        let new = patched["spec"]["ephemeralContainers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let errs = check(&live, &new);
        if !errs.is_empty() {
            return Err(ApiError::invalid_in("", "Pod", name, errs));
        }
        let mut value = (*live).clone();
        value["spec"]["ephemeralContainers"] = Value::Array(new);
        self.write_pod(ns, name, (kv, value), warnings, opts)
    }

    /// A pod as the store holds it, for a subresource's write.
    pub(super) fn stored_pod(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<crate::store::KeyValue, ApiError> {
        let r = resources::pods();
        self.store
            .get(&r.key(ns, name))
            .cloned()
            .ok_or_else(|| ApiError::not_found(&r.group_resource(), name))
    }

    /// Writes a pod a subresource of its changed, past the checks of every write.
    pub(super) fn write_pod(
        &mut self,
        ns: &str,
        name: &str,
        (kv, value): (crate::store::KeyValue, Value),
        warnings: Vec<String>,
        opts: &WriteOptions,
    ) -> Result<Response, ApiError> {
        let r = resources::pods();
        let (obj, warnings) =
            self.update_checked(r, ns, name, (kv, value), warnings, false, false, opts)?;
        Ok(Response {
            code: 200,
            body: obj,
            warnings,
            content_type: None,
        })
    }
}
