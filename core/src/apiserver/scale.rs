//! The scale subresource of Deployments, ReplicaSets, StatefulSets,
//! ReplicationControllers and custom resources whose CRD enables it: an autoscaling/v1
//! Scale read from and written to the object's replicas (what `kubectl scale` and
//! autoscalers use).

use serde_json::{json, Value};

use super::custom_resources::{definition, ScalePaths};
use super::errors::{ApiError, Reason};
use super::resources::Resource;
use super::ApiServer;
use crate::labels::selector_string;

/// The pointer of a CRD's `.spec.replicas`-style path.
fn pointer(path: &str) -> String {
    path.replace('.', "/")
}

/// The Scale of an object (a custom resource's read at its CRD's paths).
pub fn scale_of(r: &Resource, obj: &Value, custom: Option<&ScalePaths>) -> Value {
    let (spec, status) = match custom {
        Some(p) => (
            obj.pointer(&pointer(&p.spec_replicas)),
            obj.pointer(&pointer(&p.status_replicas)),
        ),
        None => (
            obj.pointer("/spec/replicas"),
            obj.pointer("/status/replicas"),
        ),
    };
    let selector = if let Some(p) = custom {
        p.label_selector
            .as_deref()
            .and_then(|l| obj.pointer(&pointer(l)))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    } else if r.group.is_empty() {
        // ReplicationControllers select by a plain map.
        let mut pairs: Vec<String> = obj["spec"]["selector"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        crate::sort::sort(&mut pairs);
        pairs.join(",")
    } else {
        crate::apiserver::decode::typed(obj["spec"]["selector"].clone())
            .map(|s| selector_string(&s))
            .unwrap_or_default()
    };
    let meta = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"], "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": spec.and_then(Value::as_i64).unwrap_or(0)},
        "status": {"replicas": status.and_then(Value::as_i64).unwrap_or(0), "selector": selector},
    })
}

impl ApiServer {
    /// Reads an object's Scale.
    pub fn get_scale(&self, r: &Resource, ns: &str, name: &str) -> Result<Value, ApiError> {
        let paths = self.custom_scale_paths(r)?;
        let obj = self.get(r, ns, name)?;
        if let Some(p) = &paths {
            if obj.pointer(&pointer(&p.spec_replicas)).is_none() {
                return Err(ApiError::new(
                    Reason::InternalError,
                    format!(
                        "Internal error occurred: the spec replicas field \"{}\" does not exist",
                        p.spec_replicas
                    ),
                ));
            }
        }
        Ok(scale_of(r, &obj, paths.as_ref()))
    }

    /// A custom resource's scale paths (its CRD enables the subresource, or there is none).
    fn custom_scale_paths(&self, r: &Resource) -> Result<Option<ScalePaths>, ApiError> {
        if !r.custom {
            return Ok(None);
        }
        definition(&self.store, r)
            .and_then(|d| d.scale)
            .map(Some)
            .ok_or_else(|| {
                ApiError::new(
                    Reason::NotFound,
                    "the server could not find the requested resource",
                )
            })
    }

    /// Sets an object's replicas from a Scale (its resourceVersion, if given, must match).
    pub fn update_scale(
        &mut self,
        r: &'static Resource,
        ns: &str,
        name: &str,
        scale: &Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let paths = self.custom_scale_paths(r)?;
        let mut obj = self.get(r, ns, name)?;
        if let Some(rv) = scale
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .filter(|rv| !rv.is_empty())
        {
            if obj["metadata"]["resourceVersion"] != rv {
                return Err(ApiError::conflict(&r.group_resource(), name));
            }
        }
        let replicas = scale.pointer("/spec/replicas").cloned().unwrap_or(json!(0));
        if !replicas.is_i64() {
            return Err(ApiError::new(
                Reason::BadRequest,
                format!("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal {replicas} into Go struct field ScaleSpec.spec.replicas of type int32"),
            ));
        }
        if replicas.as_i64().is_some_and(|n| n < 0) {
            return Err(ApiError::invalid_in(
                "autoscaling",
                "Scale",
                name,
                vec![super::errors::FieldError::invalid_raw(
                    "spec.replicas",
                    &replicas.to_string(),
                    "must be greater than or equal to 0",
                )],
            ));
        }
        let spec_path = paths
            .as_ref()
            .map_or("/spec/replicas".into(), |p| pointer(&p.spec_replicas));
        match obj.pointer_mut(&spec_path) {
            Some(v) => *v = replicas,
            None => set_new(&mut obj, &spec_path, replicas),
        }
        let opts = super::WriteOptions {
            dry_run,
            subresource: "scale",
            ..Default::default()
        };
        let (updated, _) = self.update_with(r, ns, obj, false, &opts)?;
        Ok(scale_of(r, &updated, paths.as_ref()))
    }
}

/// Sets a field that is not there yet, creating the objects on its way.
fn set_new(obj: &mut Value, pointer: &str, value: Value) {
    let mut at = obj;
    let keys: Vec<&str> = pointer.split('/').filter(|k| !k.is_empty()).collect();
    for (i, k) in keys.iter().enumerate() {
        if !at.is_object() {
            *at = json!({});
        }
        let Some(map) = at.as_object_mut() else {
            return;
        };
        if i + 1 == keys.len() {
            map.insert((*k).to_string(), value);
            return;
        }
        at = map.entry(*k).or_insert_with(|| json!({}));
    }
}
