//! What the workload controllers share, as upstream's `controller_utils.go`: the pod
//! helpers of `kubarium_tools::controllers` (active pods, controller references, pods
//! from a template, the ranking that picks which pods go first) in simulated time, and
//! what needs the API server: owner references patched, availability, requeues.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

pub use kubarium_tools::controllers::{
    controller_of, controller_ref, is_active, key, name, pod_from_template, terminating, uid,
};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};

use crate::apiserver::request::PatchType;
use crate::apiserver::resources::{self, Resource};
use crate::apiserver::ApiServer;
use crate::events::{ObjectRef, Recorder, Source};

use crate::clock::{epoch_seconds, Millis, SECOND};

/// The object's labels.
pub fn labels(obj: &Value) -> BTreeMap<String, String> {
    let labels = obj["metadata"]["labels"].as_object().into_iter().flatten();
    kubarium_tools::sort::insert_all(
        labels.map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())),
    )
}

/// Rewrites an object's owner references with a merge patch that holds only against
/// the version read (adopting, releasing, orphaning); returns the object as written.
pub fn set_owner_references(
    api: &mut ApiServer,
    r: &Resource,
    obj: &Value,
    change: impl FnOnce(&mut Vec<Value>),
) -> Option<Value> {
    let mut refs = obj["metadata"]["ownerReferences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    change(&mut refs);
    let refs = if refs.is_empty() {
        Value::Null
    } else {
        Value::Array(refs)
    };
    let patch = json!({"metadata": {
        "ownerReferences": refs,
        "resourceVersion": obj["metadata"]["resourceVersion"],
    }});
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
    super::client(api)
        .patch(r, ns, name(obj), "", PatchType::Merge, patch, &[])
        .ok()
        .map(|(v, _)| v)
}

/// Creates `pods` for `owner` in slow-start batches (1, 2, 4, ...) that stop after a
/// batch with a failure, each with its SuccessfulCreate or FailedCreate event; returns
/// how many were made and the first error.
pub fn create_pods(
    api: &mut ApiServer,
    rec: &mut Recorder,
    owner: &Value,
    source: Source<'_>,
    pods: Vec<Value>,
) -> (usize, Option<String>) {
    let ns = owner["metadata"]["namespace"].as_str().unwrap_or("");
    let reference = ObjectRef::of(owner);
    let (mut made, mut batch) = (0, 1);
    let mut pods = pods.into_iter().peekable();
    while pods.peek().is_some() {
        let mut error = None;
        for pod in pods.by_ref().take(batch) {
            match super::client(api).create(resources::pods(), ns, pod, &[]) {
                Ok((p, _)) => {
                    made += 1;
                    let msg = format!("Created pod: {}", name(&p));
                    rec.record(api, &reference, "Normal", "SuccessfulCreate", &msg, source);
                }
                Err(e) => {
                    let msg = format!("Error creating: {}", e.message);
                    rec.record(api, &reference, "Warning", "FailedCreate", &msg, source);
                    error.get_or_insert(e.message);
                }
            }
        }
        if error.is_some() {
            return (made, error);
        }
        batch *= 2;
    }
    (made, None)
}

/// Deletes `owner`'s pod `pod` with the event RealPodControl records on the owner
/// (SuccessfulDelete, or FailedDelete unless the pod was already gone).
pub fn delete_pod(
    api: &mut ApiServer,
    rec: &mut Recorder,
    owner: &ObjectRef,
    pod: &str,
    source: Source<'_>,
) -> Result<(), crate::apiserver::errors::ApiError> {
    let ns = owner.namespace.clone();
    let result = super::client(api).delete(resources::pods(), &ns, pod, None);
    match &result {
        Ok(_) => {
            let msg = format!("Deleted pod: {pod}");
            rec.record(api, owner, "Normal", "SuccessfulDelete", &msg, source);
        }
        Err(e) if e.reason != crate::apiserver::errors::Reason::NotFound => {
            let msg = format!("Error deleting: {}", e.message);
            rec.record(api, owner, "Warning", "FailedDelete", &msg, source);
        }
        Err(_) => {}
    }
    result.map(|_| ())
}

/// Records a decision's events, given as `[type, reason, message]`, on `owner`.
pub fn record_events(
    api: &mut ApiServer,
    rec: &mut Recorder,
    owner: &ObjectRef,
    events: &Value,
    source: Source<'_>,
) {
    for e in events.as_array().into_iter().flatten() {
        let text = |i: usize| e[i].as_str().unwrap_or("");
        rec.record(api, owner, text(0), text(1), text(2), source);
    }
}

/// The pods each owner of one kind controls (by its controller reference), followed
/// from the pod informer's changes.
#[derive(Debug, Clone, Default)]
pub struct OwnedPods {
    /// Pod names by the owner's `namespace/name`.
    owned: BTreeMap<String, BTreeSet<String>>,
    /// The owner of each of those pods (`namespace/name`).
    owner_of: BTreeMap<String, String>,
}

impl OwnedPods {
    /// Follows a change of `pod`; the owners of kind `kind` it concerns (the one it had
    /// and the one it has) go into `dirty`. Returns whether the pod is an orphan (has no
    /// controller).
    pub fn changed(
        &mut self,
        kind: &str,
        pod: &Value,
        gone: bool,
        dirty: &mut BTreeSet<String>,
    ) -> bool {
        let pk = key(pod);
        if let Some(old) = self.owner_of.remove(&pk) {
            if let Some(pods) = self.owned.get_mut(&old) {
                pods.remove(name(pod));
            }
            dirty.insert(old);
        }
        let Some((k, owner, _)) = controller_of(pod) else {
            return true;
        };
        if k != kind {
            return false;
        }
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let owner = format!("{ns}/{owner}");
        if !gone {
            self.owned
                .entry(owner.clone())
                .or_default()
                .insert(name(pod).to_string());
            self.owner_of.insert(pk, owner.clone());
        }
        dirty.insert(owner);
        false
    }

    /// The pods `owner` (`namespace/name`) controls, as stored now.
    pub fn get(&self, api: &ApiServer, owner: &str) -> Vec<Value> {
        let ns = owner.split_once('/').map_or("", |(ns, _)| ns);
        self.owned
            .get(owner)
            .into_iter()
            .flatten()
            .filter_map(|p| api.get(resources::pods(), ns, p).ok())
            .collect()
    }

    /// The same pods shared with the store, not copied (without their
    /// `resourceVersion`): for reading many pods often.
    pub fn shared(&self, api: &ApiServer, owner: &str) -> Vec<Rc<Value>> {
        let (ns, pods) = (
            owner.split_once('/').map_or("", |(ns, _)| ns),
            resources::pods(),
        );
        self.owned
            .get(owner)
            .into_iter()
            .flatten()
            .filter_map(|p| api.store.get(&pods.key(ns, p)))
            .map(|kv| kv.value())
            .collect()
    }
}

/// The ControllerRevisions `owner` controls.
pub fn owned_revisions(api: &ApiServer, owner: &Value) -> Vec<Value> {
    let ns = owner["metadata"]["namespace"].as_str();
    api.list(resources::controller_revisions(), ns)
        .into_iter()
        .filter(|r| controller_of(r).map(|c| c.2) == Some(uid(owner)))
        .collect()
}

/// Writes a decision's ControllerRevisions: creates those without a resourceVersion,
/// updates the others (a renumbered old revision).
pub fn write_revisions(api: &mut ApiServer, ns: &str, revisions: Vec<Value>) {
    let r = resources::controller_revisions();
    for rev in revisions {
        let mut client = super::client(api);
        let _ = if rev["metadata"]["resourceVersion"].is_string() {
            client.update(r, ns, rev, "", &[]).map(|_| ())
        } else {
            client.create(r, ns, rev, &[]).map(|_| ())
        };
    }
}

/// Takes the keys whose requeue time has come.
pub fn take_due(requeue: &mut BTreeMap<String, Millis>, now: Millis) -> Vec<String> {
    let due: Vec<String> = requeue
        .iter()
        .filter(|(_, t)| **t <= now)
        .map(|(k, _)| k.clone())
        .collect();
    for k in &due {
        requeue.remove(k);
    }
    due
}

/// Ready for at least `min_ready` seconds at `now`.
pub fn is_available(pod: &Value, min_ready: i64, now: Millis) -> bool {
    kubarium_tools::controllers::is_available(pod, min_ready, now + epoch_seconds() * SECOND)
}

/// The selector as a `metav1.LabelSelector` (a ReplicationController's is a plain map).
pub fn selector_of(obj: &Value) -> LabelSelector {
    let sel = &obj["spec"]["selector"];
    if sel.get("matchLabels").is_some() || sel.get("matchExpressions").is_some() {
        serde_json::from_value(sel.clone()).unwrap_or_default()
    } else {
        LabelSelector {
            match_labels: serde_json::from_value(sel.clone()).ok(),
            ..Default::default()
        }
    }
}

/// When the pod's Ready condition last turned true (simulated time), if it is true.
pub fn ready_since(pod: &Value) -> Option<Millis> {
    kubarium_tools::controllers::ready_since(pod).map(|t| t - epoch_seconds() * SECOND)
}

/// The upstream ranking of pods to delete first (`kubarium_tools::controllers::
/// deletion_order`), `now` in simulated time.
pub fn deletion_order(a: &Value, b: &Value, rank_a: i32, rank_b: i32, now: Millis) -> Ordering {
    kubarium_tools::controllers::deletion_order(
        a,
        b,
        rank_a,
        rank_b,
        now + epoch_seconds() * SECOND,
    )
}
