//! In-place resize (`pods/NAME/resize`): the only way to change a running pod's CPU and
//! memory. Only the containers' (and sidecars') resources and resize policies are taken
//! from the request; what may not change is refused with the API server's messages
//! (ValidatePodResize), and the QoS class must stay as it is. The kubelet then
//! actuates it, or reports it pending.

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use super::errors::{ApiError, FieldError};
use super::rest::Response;
use super::strategy::Strategy;
use super::{decode, resources, ApiServer, WriteOptions};

/// The fields of a container a resize may change.
const RESIZABLE: &[&str] = &["resources", "resizePolicy"];

/// Whether `new` differs from `old` in other resources than CPU and memory.
fn other_resources_changed(old: &Value, new: &Value) -> bool {
    ["requests", "limits"].iter().any(|k| {
        let strip = |v: &Value| {
            let mut m = v[k].as_object().cloned().unwrap_or_default();
            m.remove("cpu");
            m.remove("memory");
            m
        };
        strip(old) != strip(new)
    }) || {
        let rest = |v: &Value| {
            let mut m = v.as_object().cloned().unwrap_or_default();
            m.remove("requests");
            m.remove("limits");
            m
        };
        rest(old) != rest(new)
    }
}

/// What a resize may not do, as ValidatePodResize says it.
fn check(live: &Value, patched: &Value) -> Vec<FieldError> {
    if live["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string() {
        return vec![FieldError::forbidden("", "static pods cannot be resized")];
    }
    let mut errs = vec![];
    for list in ["containers", "initContainers"] {
        let old = live["spec"][list].as_array().cloned().unwrap_or_default();
        let new = patched["spec"][list]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if old.len() != new.len() {
            errs.push(FieldError::forbidden(
                format!("spec.{list}"),
                &format!("{list} may not be added or removed on resize"),
            ));
            continue;
        }
        for (i, (o, n)) in old.iter().zip(&new).enumerate() {
            if o["name"] != n["name"] {
                errs.push(FieldError::forbidden(
                    format!("spec.{list}[{i}].name"),
                    &format!("{list} may not be renamed or reordered on resize"),
                ));
                continue;
            }
            let (or, nr) = (&o["resources"], &n["resources"]);
            if or == nr {
                continue;
            }
            if list == "initContainers" {
                let why = if o["restartPolicy"] != "Always" {
                    "resources for non-sidecar init containers are immutable"
                } else if other_resources_changed(or, nr) {
                    "only cpu and memory resources for sidecar containers are mutable"
                } else {
                    continue;
                };
                errs.push(FieldError::forbidden("spec", why));
                continue;
            }
            for k in ["requests", "limits"] {
                let removed = or[k]
                    .as_object()
                    .is_some_and(|m| m.keys().any(|key| nr[k].get(key).is_none()));
                if removed {
                    errs.push(FieldError::forbidden(
                        format!("spec.{list}[{i}].resources.{k}"),
                        &format!("resource {k} cannot be removed"),
                    ));
                }
            }
            if other_resources_changed(or, nr) {
                errs.push(FieldError::forbidden(
                    "spec",
                    "only cpu and memory resources are mutable",
                ));
            }
        }
    }
    errs
}

/// `live` with the containers' resources and resize policies of `patched`.
fn resized(live: &Value, patched: &Value) -> Value {
    let mut pod = live.clone();
    for list in ["containers", "initContainers"] {
        let new = patched["spec"][list]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(containers) = pod["spec"].get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for (c, n) in containers.iter_mut().zip(&new) {
            for f in RESIZABLE {
                match n.get(*f) {
                    Some(v) if !v.is_null() => c[*f] = v.clone(),
                    _ => {
                        if let Some(m) = c.as_object_mut() {
                            m.remove(*f);
                        }
                    }
                }
            }
        }
    }
    pod
}

impl ApiServer {
    /// Writes a resize: `patched` is the pod as the client wants it.
    pub(super) fn update_resize(
        &mut self,
        ns: &str,
        name: &str,
        patched: &Value,
        opts: &WriteOptions,
    ) -> Result<Response, ApiError> {
        let r = resources::pods();
        let kv = self.stored_pod(ns, name)?;
        let live = kv.value();
        let mut errs = check(&live, patched);
        let mut value = resized(&live, patched);
        let (typed, warnings): (Pod, _) = decode::decode(&value, r, opts.validation)?;
        if errs.is_empty() {
            errs.extend(typed.validate());
        }
        let old_qos = live["status"]["qosClass"].as_str().unwrap_or("");
        if errs.is_empty() && super::registry::pod::qos_class(&typed) != old_qos {
            errs.push(FieldError::invalid(
                "spec",
                old_qos,
                "Pod QOS Class may not change as a result of resizing",
            ));
        }
        if !errs.is_empty() {
            return Err(ApiError::invalid_in("", "Pod", name, errs));
        }
        if value["spec"] != live["spec"] {
            let generation = live["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
            value["metadata"]["generation"] = generation.into();
        }
        self.write_pod(ns, name, (kv, value), warnings, opts)
    }
}
