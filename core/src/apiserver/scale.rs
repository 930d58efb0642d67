//! The scale subresource of Deployments, ReplicaSets, StatefulSets and
//! ReplicationControllers: an autoscaling/v1 Scale read from and written to the object's
//! replicas (what `kubectl scale` and autoscalers use).

use serde_json::{json, Value};

use super::errors::{ApiError, Reason};
use super::resources::Resource;
use super::ApiServer;
use crate::labels::selector_string;

/// The Scale of an object.
pub fn scale_of(r: &Resource, obj: &Value) -> Value {
    let selector = if r.group.is_empty() {
        // ReplicationControllers select by a plain map.
        let mut pairs: Vec<String> = obj["spec"]["selector"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        pairs.sort();
        pairs.join(",")
    } else {
        serde_json::from_value(obj["spec"]["selector"].clone())
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
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

impl ApiServer {
    /// Reads an object's Scale.
    pub fn get_scale(&self, r: &Resource, ns: &str, name: &str) -> Result<Value, ApiError> {
        Ok(scale_of(r, &self.get(r, ns, name)?))
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
            return Err(ApiError::invalid(
                "Scale",
                name,
                vec![super::errors::FieldError::invalid_raw(
                    "spec.replicas",
                    &replicas.to_string(),
                    "must be greater than or equal to 0",
                )],
            ));
        }
        obj["spec"]["replicas"] = replicas;
        let opts = super::WriteOptions {
            dry_run,
            ..Default::default()
        };
        let (updated, _) = self.update_with(r, ns, obj, false, &opts)?;
        Ok(scale_of(r, &updated))
    }
}
