//! Versions served by conversion: a resource served at several versions is stored at one
//! (its storage version) and converted on the way in and out, as the API server's
//! conversion functions do. Today: autoscaling/v1 HorizontalPodAutoscalers, stored as v2,
//! and events.k8s.io/v1 Events, stored as core/v1 Events.

use serde_json::{json, Map, Value};

use super::decode::{decode, FieldValidation};
use super::errors::ApiError;
use super::resources::{self, Resource};

/// The resource objects of `r` are stored as.
pub fn storage(r: &'static Resource) -> &'static Resource {
    if r.group == "autoscaling" && r.version == "v1" {
        return resources::find("autoscaling", "v2", r.plural).unwrap_or(r);
    }
    if r.group == "events.k8s.io" {
        return resources::events();
    }
    r
}

/// The fields events.k8s.io/v1 renames from core/v1 Events (new name, core name).
const EVENT_FIELDS: &[(&str, &str)] = &[
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
];

/// An events.k8s.io/v1 Event in core/v1 terms (both print with the core table).
pub fn event_to_core(obj: Value) -> Value {
    convert_event(obj, true)
}

/// Renames an Event's fields between the two versions (`to_core` picks the direction).
fn convert_event(obj: Value, to_core: bool) -> Value {
    let Value::Object(mut map) = obj else {
        return obj;
    };
    for (new, core) in EVENT_FIELDS {
        let (from, to) = if to_core { (new, core) } else { (core, new) };
        if let Some(v) = map.remove(*from) {
            map.insert((*to).to_string(), v);
        }
    }
    if map.contains_key("apiVersion") {
        let api_version = if to_core { "v1" } else { "events.k8s.io/v1" };
        map.insert("apiVersion".into(), Value::String(api_version.into()));
    }
    Value::Object(map)
}

/// Converts a request body of `r` to its storage version, decoding it at its own version
/// first so that unknown fields are reported in its terms; returns the warnings.
pub fn to_storage(
    r: &'static Resource,
    body: Value,
    validation: FieldValidation,
) -> Result<(Value, Vec<String>), ApiError> {
    if std::ptr::eq(storage(r), r) {
        return Ok((body, vec![]));
    }
    if r.group == "events.k8s.io" {
        let (typed, warnings): (k8s_openapi::api::events::v1::Event, _) =
            decode(&body, r, validation)?;
        let v1 = serde_json::to_value(typed).unwrap_or(Value::Null);
        return Ok((convert_event(v1, true), warnings));
    }
    let (typed, warnings): (
        k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler,
        _,
    ) = decode(&body, r, validation)?;
    let v1 = serde_json::to_value(typed).unwrap_or(Value::Null);
    Ok((hpa_v1_to_v2(&v1), warnings))
}

/// Converts a stored object (or a watch event or list item) to the version `r` asked for.
/// Whether objects of `r` read as they are stored (no version or kind conversion).
pub fn is_identity(r: &Resource) -> bool {
    !(r.group == "events.k8s.io" || (r.group == "autoscaling" && r.version == "v1"))
}

pub fn from_storage(r: &Resource, mut obj: Value) -> Value {
    if r.custom {
        // Custom resources convert by apiVersion alone (conversion strategy None).
        if let Some(o) = obj.as_object_mut().filter(|o| o.contains_key("apiVersion")) {
            o.insert("apiVersion".into(), Value::String(r.api_version()));
        }
        return obj;
    }
    if r.group == "autoscaling" && r.version == "v1" && obj["apiVersion"] == "autoscaling/v2" {
        return hpa_v2_to_v1(&obj);
    }
    if r.group == "events.k8s.io" {
        return convert_event(obj, false);
    }
    obj
}

fn cpu_utilization_metric(percent: &Value) -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": percent}}})
}

fn hpa_v1_to_v2(v1: &Value) -> Value {
    let mut spec = Map::new();
    for k in ["scaleTargetRef", "minReplicas", "maxReplicas"] {
        if !v1["spec"][k].is_null() {
            spec.insert(k.into(), v1["spec"][k].clone());
        }
    }
    if !v1["spec"]["targetCPUUtilizationPercentage"].is_null() {
        spec.insert(
            "metrics".into(),
            json!([cpu_utilization_metric(
                &v1["spec"]["targetCPUUtilizationPercentage"]
            )]),
        );
    }
    let mut out = json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": v1["metadata"].clone(),
        "spec": spec,
    });
    if let Some(st) = v1["status"].as_object() {
        let mut status = Map::new();
        for k in [
            "observedGeneration",
            "lastScaleTime",
            "currentReplicas",
            "desiredReplicas",
        ] {
            if let Some(v) = st.get(k) {
                status.insert(k.into(), v.clone());
            }
        }
        if let Some(cpu) = st.get("currentCPUUtilizationPercentage") {
            status.insert(
                "currentMetrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": cpu}}}]),
            );
        }
        out["status"] = Value::Object(status);
    }
    out
}

fn hpa_v2_to_v1(v2: &Value) -> Value {
    let mut spec = Map::new();
    for k in ["maxReplicas", "minReplicas", "scaleTargetRef"] {
        if !v2["spec"][k].is_null() {
            spec.insert(k.into(), v2["spec"][k].clone());
        }
    }
    let cpu = |list: &Value, field: &str| {
        list.as_array()
            .into_iter()
            .flatten()
            .find(|m| m["type"] == "Resource" && m["resource"]["name"] == "cpu")
            .map(|m| m["resource"][field]["averageUtilization"].clone())
            .filter(|v| !v.is_null())
    };
    if let Some(t) = cpu(&v2["spec"]["metrics"], "target") {
        spec.insert("targetCPUUtilizationPercentage".into(), t);
    }
    let mut status = Map::new();
    for k in [
        "currentReplicas",
        "desiredReplicas",
        "lastScaleTime",
        "observedGeneration",
    ] {
        if !v2["status"][k].is_null() {
            status.insert(k.into(), v2["status"][k].clone());
        }
    }
    status.entry("currentReplicas").or_insert_with(|| json!(0));
    if let Some(c) = cpu(&v2["status"]["currentMetrics"], "current") {
        status.insert("currentCPUUtilizationPercentage".into(), c);
    }
    json!({
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": v2["metadata"].clone(),
        "spec": spec,
        "status": status,
    })
}
