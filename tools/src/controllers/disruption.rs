//! The disruption controller's decision for one PodDisruptionBudget: how many of its
//! pods must stay healthy (`minAvailable` as a count of the pods it selects, or a
//! percentage, or `maxUnavailable`, of its pods' controllers' scale), how many are
//! healthy now (ready, not being deleted, not just evicted), and so how many
//! disruptions the eviction API may allow; the `DisruptionAllowed` condition, the
//! evictions the API server made whose pods are still there after two minutes
//! (dropped, with a `NotDeleted` event on the pod), and the fail-safe status (no
//! disruptions, `SyncFailed`) when the expected count cannot be worked out.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{name, ready_since, scaled, stamp, terminating};
use crate::describe::time_of;
use crate::time::{Millis, SECOND};

/// How long an eviction's pod may take to be deleted before the budget counts it again.
const DELETION_TIMEOUT: Millis = 120 * SECOND;

/// What a sync reads: the budget, the pods its selector picks (by name), the scale of
/// their controllers when the budget needs it (their sum and the pods without a
/// controller, or why it could not be had), and now (Unix milliseconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub pdb: Value,
    pub pods: Vec<Value>,
    pub scale: Option<Result<(i64, Vec<String>), String>>,
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

/// Whether the budget needs its pods' controllers' scale (a percentage or
/// `maxUnavailable`).
pub fn needs_scale(pdb: &Value) -> bool {
    let spec = &pdb["spec"];
    !spec["maxUnavailable"].is_null() || spec["minAvailable"].is_string()
}

fn event(type_: &str, reason: &str, message: String) -> [String; 3] {
    [type_.into(), reason.into(), message]
}

/// Sets the condition of `type_` as `meta.SetStatusCondition` does: the transition time
/// moves only when the status changes.
fn set_condition(conditions: &mut Vec<Value>, mut cond: Value, now: Millis) {
    match conditions.iter_mut().find(|c| c["type"] == cond["type"]) {
        Some(c) => {
            cond["lastTransitionTime"] = if c["status"] == cond["status"] {
                c["lastTransitionTime"].clone()
            } else {
                stamp(now)
            };
            *c = cond;
        }
        None => {
            cond["lastTransitionTime"] = stamp(now);
            conditions.push(cond);
        }
    }
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

/// The expected pods and how many of them must stay healthy.
fn expected(q: &Request) -> Result<(i64, i64, Vec<String>), String> {
    let spec = &q.pdb["spec"];
    let of_scale = || q.scale.clone().unwrap_or(Ok((0, vec![])));
    if !spec["maxUnavailable"].is_null() {
        let (count, unmanaged) = of_scale()?;
        let max = scaled(&spec["maxUnavailable"], count, true);
        Ok((count, (count - max).max(0), unmanaged))
    } else if spec["minAvailable"].is_string() {
        let (count, unmanaged) = of_scale()?;
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
            set_condition(&mut conditions, cond, q.now);
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
    set_condition(
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
