//! The disruption controller's decision for one PodDisruptionBudget: how many of its
//! pods must stay healthy (`minAvailable` as a count of the pods it selects, or a
//! percentage, or `maxUnavailable`, of its pods' controllers' scale), how many are
//! healthy now (ready, not being deleted, not just evicted), and so how many
//! disruptions the eviction API may allow; the `DisruptionAllowed` condition, the
//! evictions the API server made whose pods are still there after two minutes
//! (dropped, with a `NotDeleted` event on the pod), and the fail-safe status (no
//! disruptions, `SyncFailed`) when the expected count cannot be worked out.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{name, ready_since, scaled, terminating};
use crate::describe::time_of;
use crate::time::{Millis, SECOND};

/// How long an eviction's pod may take to be deleted before the budget counts it again.
const DELETION_TIMEOUT: Millis = 120 * SECOND;

/// What a sync reads: the budget, the pods its selector picks (by name), and now (Unix
/// milliseconds); when the budget counts its pods' controllers' scale, what the finders
/// look through: the namespace's objects of each kind they know (by kind:
/// `ReplicationController`, `ReplicaSet`, `Deployment`, `StatefulSet`) and, under
/// `scales`, each other controller's Scale by uid (`{"scale": ...}`, null when it is
/// gone) or why it has none (`{"error": ...}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub pdb: Value,
    pub pods: Vec<Value>,
    pub controllers: Option<Value>,
    pub now: Millis,
}

/// What the sync does: record `events` on the budget and `pod_events` on pods, write
/// `status` (when it changed), and sync again at `requeue`; `failed` asks for a retry
/// with back-off.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub events: Vec<[String; 3]>,
    pub pod_events: Vec<(String, [String; 3])>,
    pub status: Option<Value>,
    pub requeue: Option<Millis>,
    pub failed: bool,
}

fn event(type_: &str, reason: &str, message: String) -> [String; 3] {
    [type_.into(), reason.into(), message]
}

/// The `DisruptionAllowed` condition for `allowed` disruptions (SufficientPods or
/// InsufficientPods).
pub fn allowed_condition(allowed: i64, observed: &Value) -> Value {
    let (status, reason) = if allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    json!({"type": "DisruptionAllowed", "status": status, "reason": reason, "message": "",
        "observedGeneration": observed})
}

/// The controller reference of an object.
fn controller(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
}

/// The object of `kind` (in a group the finder accepts) that `reference` names, with its
/// uid.
fn find<'a>(controllers: &'a Value, kind: &str, reference: &Value) -> Option<&'a Value> {
    let group = reference["apiVersion"]
        .as_str()?
        .split_once('/')
        .map_or("", |(g, _)| g);
    let groups: &[&str] = if kind == "ReplicationController" {
        &[""]
    } else {
        &["apps", "extensions"]
    };
    if reference["kind"] != kind || !groups.contains(&group) {
        return None;
    }
    controllers[kind].as_array()?.iter().find(|o| {
        o["metadata"]["name"] == reference["name"] && o["metadata"]["uid"] == reference["uid"]
    })
}

/// A pod's controller and its scale, as upstream's finders look for it in turn
/// (ReplicationController, Deployment through its ReplicaSet, ReplicaSet, StatefulSet,
/// then the scale subresource); Ok(None) when there is none.
fn find_controller(
    controllers: &Value,
    reference: &Value,
) -> Result<Option<(String, i64)>, String> {
    let found = |o: &Value| {
        let replicas = o["spec"]["replicas"].as_i64().unwrap_or(1);
        Some((super::uid(o).to_string(), replicas))
    };
    if let Some(rc) = find(controllers, "ReplicationController", reference) {
        return Ok(found(rc));
    }
    if let Some(rs) = find(controllers, "ReplicaSet", reference) {
        match controller(rs) {
            Some(owner) if owner["kind"] == "Deployment" => {
                if let Some(d) = find(controllers, "Deployment", owner) {
                    return Ok(found(d));
                }
                // Its Deployment gone, the scale subresource finds the ReplicaSet.
                return Ok(found(rs));
            }
            _ => return Ok(found(rs)),
        }
    }
    if let Some(set) = find(controllers, "StatefulSet", reference) {
        return Ok(found(set));
    }
    let entry = &controllers["scales"][reference["uid"].as_str().unwrap_or("")];
    if let Some(e) = entry["error"].as_str() {
        return Err(e.to_string());
    }
    let scale = &entry["scale"];
    Ok(
        (scale["metadata"]["uid"] == reference["uid"] && !scale.is_null()).then(|| {
            (
                super::uid(scale).to_string(),
                scale["spec"]["replicas"].as_i64().unwrap_or(0),
            )
        }),
    )
}

/// The sum of the scales of the pods' controllers, and the pods without one.
fn expected_scale(q: &Request) -> Result<(i64, Vec<String>), String> {
    let Some(controllers) = &q.controllers else {
        return Ok((0, vec![]));
    };
    let mut scales: BTreeMap<String, i64> = BTreeMap::new();
    let mut unmanaged = vec![];
    for pod in &q.pods {
        let Some(reference) = controller(pod) else {
            unmanaged.push(name(pod).to_string());
            continue;
        };
        if reference["uid"]
            .as_str()
            .is_some_and(|u| scales.contains_key(u))
        {
            continue;
        }
        match find_controller(controllers, reference)? {
            Some((uid, n)) => scales.insert(uid, n),
            None => return Err(format!("found no controllers for pod \"{}\"", name(pod))),
        };
    }
    Ok((scales.values().sum(), unmanaged))
}

/// The expected pods and how many of them must stay healthy.
fn expected(q: &Request) -> Result<(i64, i64, Vec<String>), String> {
    let spec = &q.pdb["spec"];
    if !spec["maxUnavailable"].is_null() {
        let (count, unmanaged) = expected_scale(q)?;
        let max = scaled(&spec["maxUnavailable"], count, true);
        Ok((count, (count - max).max(0), unmanaged))
    } else if spec["minAvailable"].is_string() {
        let (count, unmanaged) = expected_scale(q)?;
        Ok((count, scaled(&spec["minAvailable"], count, true), unmanaged))
    } else if let Some(min) = spec["minAvailable"].as_i64() {
        Ok((q.pods.len() as i64, min, vec![]))
    } else {
        Ok((0, 0, vec![]))
    }
}

pub fn decide(q: &Request) -> Decision {
    let pdb = &q.pdb;
    let mut d = Decision::default();
    if q.pods.is_empty() {
        d.events
            .push(event("Normal", "NoPods", "No matching pods found".into()));
    }
    let old = &pdb["status"];
    let mut conditions = old["conditions"].as_array().cloned().unwrap_or_default();
    let (expected, desired, unmanaged) = match expected(q) {
        Ok(e) => e,
        Err(e) => {
            d.events.push(event(
                "Warning",
                "CalculateExpectedPodCountFailed",
                format!("Failed to calculate the number of expected pods: {e}"),
            ));
            let cond = json!({"type": "DisruptionAllowed", "status": "False",
                "reason": "SyncFailed", "message": e,
                "observedGeneration": old["observedGeneration"]});
            super::set_condition(&mut conditions, cond, q.now);
            let mut status = old.clone();
            status["disruptionsAllowed"] = json!(0);
            status["conditions"] = Value::Array(conditions);
            d.status = Some(status);
            d.failed = true;
            return d;
        }
    };
    if !unmanaged.is_empty() {
        d.events.push(event(
            "Warning",
            "UnmanagedPods",
            format!(
                "Pods selected by this PodDisruptionBudget (selector: {}) were found to be \
                 unmanaged. As a result, the status of the PDB cannot be calculated correctly, \
                 which may result in undefined behavior. To account for these pods please set \
                 \".spec.minAvailable\" field of the PDB to an integer value.",
                super::go_label_selector(&pdb["spec"]["selector"])
            ),
        ));
    }
    // Evictions whose pods are still there: counted out for two minutes, then back.
    let mut disrupted = Map::new();
    for pod in q.pods.iter().filter(|p| !terminating(p)) {
        let Some(at) = old["disruptedPods"].get(name(pod)) else {
            continue;
        };
        let due = time_of(at).unwrap_or(0) + DELETION_TIMEOUT;
        if due < q.now {
            let ns = pdb["metadata"]["namespace"].as_str().unwrap_or("");
            // Upstream names the budget's namespace twice.
            let message = format!("Pod was expected by PDB {ns}/{ns} to be deleted but it wasn't");
            d.pod_events.push((
                name(pod).to_string(),
                event("Warning", "NotDeleted", message),
            ));
        } else {
            d.requeue = Some(d.requeue.map_or(due, |r| r.min(due)));
            disrupted.insert(name(pod).to_string(), at.clone());
        }
    }
    let healthy = q
        .pods
        .iter()
        .filter(|p| !terminating(p) && !disrupted.contains_key(name(p)))
        .filter(|p| ready_since(p).is_some())
        .count() as i64;
    let allowed = if expected <= 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    let generation = &pdb["metadata"]["generation"];
    super::set_condition(
        &mut conditions,
        allowed_condition(allowed, generation),
        q.now,
    );
    let mut status = json!({
        "observedGeneration": generation,
        "disruptionsAllowed": allowed,
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "expectedPods": expected,
        "conditions": conditions,
    });
    if !disrupted.is_empty() {
        status["disruptedPods"] = Value::Object(disrupted);
    }
    if status != *old {
        d.status = Some(status);
    }
    d
}
