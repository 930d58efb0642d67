//! What workload controllers decide, for the controllers whose reconcile runs in the
//! module the browser loads after the first paint (the core reads what a sync needs and
//! carries out the decision), and the pod helpers every workload controller shares, as
//! upstream's `controller_utils.go`: a pod's state as controllers judge it, controller
//! references, pods made from a template, and the ranking that picks which pods go first.
//! Times here are Unix milliseconds.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::describe::time_of;
use crate::time::{Millis, SECOND};

pub mod cron_job;
pub mod daemon_set;
pub mod disruption;
pub mod horizontal_pod_autoscaler;
pub mod job;
pub mod stateful_set;

/// A Unix time in milliseconds as an API timestamp (to the second).
pub fn stamp(t: Millis) -> Value {
    let c = crate::time::civil(t.div_euclid(1000));
    json!(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    ))
}

/// The characters Kubernetes draws generated names from (no vowels, no digits easily
/// misread).
pub const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A hash's decimal digits as `rand.SafeEncodeString` spells them in object names.
pub fn safe_encode(hash: u32) -> String {
    hash.to_string()
        .bytes()
        .map(|b| NAME_ALPHABET[usize::from(b) % NAME_ALPHABET.len()] as char)
        .collect()
}

/// A `*metav1.LabelSelector` as Go prints it with `%v` (its generated `String()`).
pub fn go_label_selector(sel: &Value) -> String {
    if sel.is_null() {
        return "nil".into();
    }
    let labels: BTreeMap<&String, &str> = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k, v.as_str().unwrap_or("")))
        .collect();
    let labels: String = labels.iter().map(|(k, v)| format!("{k}: {v},")).collect();
    let exprs: String = sel["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let values: Vec<&str> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                e["key"].as_str().unwrap_or(""),
                e["operator"].as_str().unwrap_or(""),
                values.join(" ")
            )
        })
        .collect();
    format!("&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")
}

/// Sets the condition of `type_` as `meta.SetStatusCondition` does: the transition time
/// moves only when the status changes.
pub fn set_condition(conditions: &mut Vec<Value>, mut cond: Value, now: Millis) {
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

/// A ControllerRevision's template (its data patches the owner's template whole).
pub fn revision_template(rev: &Value) -> Value {
    let mut t = rev["data"]["spec"]["template"].clone();
    if let Some(o) = t.as_object_mut() {
        o.remove("$patch");
    }
    t
}

/// The annotation whose lower value marks a pod to go first on scale-down.
const DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// `namespace/name` of an object.
pub fn key(obj: &Value) -> String {
    format!(
        "{}/{}",
        obj["metadata"]["namespace"].as_str().unwrap_or(""),
        obj["metadata"]["name"].as_str().unwrap_or("")
    )
}

pub fn name(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or("")
}

pub fn uid(obj: &Value) -> &str {
    obj["metadata"]["uid"].as_str().unwrap_or("")
}

pub fn terminating(obj: &Value) -> bool {
    obj["metadata"]["deletionTimestamp"].is_string()
}

/// The owner reference marked `controller: true`: its kind, name and uid.
pub fn controller_of(obj: &Value) -> Option<(&str, &str, &str)> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap_or("");
            (s("kind"), s("name"), s("uid"))
        })
}

/// The reference a controller puts on what it owns.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"], "kind": owner["kind"],
        "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
        "controller": true, "blockOwnerDeletion": true,
    })
}

/// A pod from `template` (labels, annotations, finalizers, spec) named after `prefix`
/// and owned by `owner`.
pub fn pod_from_template(template: &Value, prefix: &str, owner: &Value) -> Value {
    let meta = &template["metadata"];
    let mut metadata = json!({
        "generateName": format!("{prefix}-"),
        "ownerReferences": [controller_ref(owner)],
    });
    for field in ["labels", "annotations", "finalizers"] {
        if !meta[field].is_null() {
            metadata[field] = meta[field].clone();
        }
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"]})
}

/// A pod that still counts: not finished, not being deleted.
pub fn is_active(pod: &Value) -> bool {
    !matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    ) && !terminating(pod)
}

/// When the pod's Ready condition last turned true (Unix milliseconds), if it is true.
pub fn ready_since(pod: &Value) -> Option<Millis> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .map(|c| time_of(&c["lastTransitionTime"]).unwrap_or(0))
}

/// Ready for at least `min_ready` seconds at `now` (Unix milliseconds).
pub fn is_available(pod: &Value, min_ready: i64, now: Millis) -> bool {
    ready_since(pod).is_some_and(|t| min_ready <= 0 || t + min_ready * SECOND <= now)
}

/// An int-or-percent of `total` (intstr.GetScaledValueFromIntOrPercent), percentages
/// rounded up or down.
pub fn scaled(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let x = p.saturating_mul(total);
            if round_up {
                (x + 99).div_euclid(100)
            } else {
                x.div_euclid(100)
            }
        }
        _ => 0,
    }
}

/// The upstream ranking of pods to delete first (ActivePodsWithRanks): unassigned before
/// assigned; Pending, Unknown, then Running; not ready before ready; a lower deletion
/// cost; more related pods on its node (`rank`); ready more recently; more restarts;
/// newer (`now` in Unix milliseconds). Times compare in power-of-two buckets of their
/// age in nanoseconds
/// (LogarithmicScaleDown), the uid deciding within a bucket.
pub fn deletion_order(a: &Value, b: &Value, rank_a: i32, rank_b: i32, now: Millis) -> Ordering {
    let assigned = |p: &Value| {
        p["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    };
    let phase = |p: &Value| match p["status"]["phase"].as_str() {
        Some("Unknown") => 1,
        Some("Running") => 2,
        _ => 0,
    };
    let cost = |p: &Value| {
        p["metadata"]["annotations"][DELETION_COST]
            .as_str()
            .and_then(|c| c.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let restarts = |p: &Value| {
        p["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c["restartCount"].as_i64().unwrap_or(0))
            .max()
            .unwrap_or(0)
    };
    let bucket = |t: Millis| {
        let ns = (now - t).saturating_mul(1_000_000);
        if ns > 0 {
            63 - i64::from(ns.leading_zeros())
        } else {
            -1
        }
    };
    // Newer first; the same bucket falls to the uids. (Upstream goes on to the next
    // rule when the times are equal, which is not a total order; equal times share a
    // bucket here, so that the order is one.)
    let by_time = |x: Option<Millis>, y: Option<Millis>| match (x, y) {
        (Some(x), Some(y)) => bucket(x).cmp(&bucket(y)).then_with(|| uid(a).cmp(uid(b))),
        _ => Ordering::Equal,
    };
    let created = |p: &Value| time_of(&p["metadata"]["creationTimestamp"]);
    assigned(a)
        .cmp(&assigned(b))
        .then(phase(a).cmp(&phase(b)))
        .then(ready_since(a).is_some().cmp(&ready_since(b).is_some()))
        .then(cost(a).cmp(&cost(b)))
        .then(rank_b.cmp(&rank_a))
        .then_with(|| by_time(ready_since(a), ready_since(b)))
        .then(restarts(b).cmp(&restarts(a)))
        .then_with(|| by_time(created(a), created(b)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::deletion_order;

    /// Pods ready at equal and nearby times, with and without restarts: the deletion
    /// order must be a total order (Rust's sort panics on one that is not).
    #[test]
    fn the_deletion_order_is_a_total_order() {
        let now = 1_800_000_000_000;
        let pods: Vec<_> = (0..12)
            .map(|i| {
                let ready = format!("2027-01-15T08:00:0{}Z", i % 3);
                json!({
                    "metadata": {"uid": format!("u{}", (i * 7) % 12), "creationTimestamp": "2027-01-15T07:59:00Z"},
                    "spec": {"nodeName": "node01"},
                    "status": {
                        "phase": "Running",
                        "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": ready}],
                        "containerStatuses": [{"restartCount": i % 2}],
                    },
                })
            })
            .collect();
        let le = |a: usize, b: usize| deletion_order(&pods[a], &pods[b], 0, 0, now).is_le();
        for a in 0..pods.len() {
            for b in 0..pods.len() {
                for c in 0..pods.len() {
                    assert!(!(le(a, b) && le(b, c)) || le(a, c), "{a} <= {b} <= {c}");
                }
            }
        }
    }
}
