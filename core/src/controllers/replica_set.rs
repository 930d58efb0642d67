//! The ReplicaSet controller, which also serves ReplicationControllers (upstream runs the
//! same loop over the older kind): it claims the pods its selector matches (adopting
//! orphans, releasing pods whose labels no longer match), creates pods from the template
//! in slow-start batches or deletes the pods upstream's ranking picks until the active
//! ones number `replicas`, and reports what it counts in the status.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};

use super::controller_utils::{
    controller_of, controller_ref, create_pods, delete_pod, deletion_order, is_active, key, labels,
    name, pod_from_template, ready_since, selector_of, set_owner_references, take_due, terminating,
    uid, OwnedPods,
};
use super::{Controller, Informer};
use crate::apiserver::resources::{self, Resource};
use crate::apiserver::ApiServer;
use crate::clock::{to_time, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::labels::{selector_matches, selector_matches_object};
use crate::store::EventType;

/// The most pods one sync creates or deletes (upstream's burstReplicas).
const BURST: usize = 500;

#[derive(Debug, Clone)]
pub struct ReplicaSetController {
    resource: &'static Resource,
    /// The name its events carry (`replicaset-controller`, `replication-controller`).
    source: &'static str,
    sets: Informer,
    pods: Informer,
    /// Each set's selector, by `namespace/name`.
    selectors: BTreeMap<String, LabelSelector>,
    owned: OwnedPods,
    /// Orphan pods each set may adopt at its next sync.
    candidates: BTreeMap<String, BTreeSet<String>>,
    dirty: BTreeSet<String>,
    /// Sets to sync again when a pod becomes available (minReadySeconds).
    requeue: BTreeMap<String, Millis>,
}

impl ReplicaSetController {
    pub fn replica_sets() -> Self {
        Self::new(resources::replica_sets(), "replicaset-controller")
    }

    pub fn replication_controllers() -> Self {
        Self::new(
            resources::replication_controllers(),
            "replication-controller",
        )
    }

    fn new(resource: &'static Resource, source: &'static str) -> Self {
        ReplicaSetController {
            resource,
            source,
            sets: Informer::default(),
            pods: Informer::default(),
            selectors: BTreeMap::new(),
            owned: OwnedPods::default(),
            candidates: BTreeMap::new(),
            dirty: BTreeSet::new(),
            requeue: BTreeMap::new(),
        }
    }

    /// Notes a set's change: a new or changed selector looks for orphans to adopt.
    fn set_changed(&mut self, api: &ApiServer, set: &Value) {
        let k = key(set);
        let sel = selector_of(set);
        if self.selectors.get(&k) != Some(&sel) {
            let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
            let orphans: BTreeSet<String> = api
                .list(resources::pods(), Some(ns))
                .iter()
                .filter(|p| controller_of(p).is_none() && selector_matches(&sel, &labels(p)))
                .map(|p| name(p).to_string())
                .collect();
            self.candidates
                .entry(k.clone())
                .or_default()
                .extend(orphans);
            self.selectors.insert(k.clone(), sel);
        }
        self.dirty.insert(k);
    }

    /// Notes a pod's change: its owner (or the sets that may adopt it) syncs.
    fn pod_changed(&mut self, pod: &Value, gone: bool) {
        let kind = self.resource.kind;
        let orphan = self.owned.changed(kind, pod, gone, &mut self.dirty);
        if !orphan || gone || terminating(pod) {
            return;
        }
        // An orphan goes to the sets that may adopt it.
        let pod_labels = labels(pod);
        let prefix = format!("{}/", pod["metadata"]["namespace"].as_str().unwrap_or(""));
        for (k, sel) in self.selectors.range(prefix.clone()..) {
            if !k.starts_with(&prefix) {
                break;
            }
            if selector_matches(sel, &pod_labels) {
                self.candidates
                    .entry(k.clone())
                    .or_default()
                    .insert(name(pod).to_string());
                self.dirty.insert(k.clone());
            }
        }
    }

    fn forget(&mut self, k: &str) {
        self.selectors.remove(k);
        self.candidates.remove(k);
        self.requeue.remove(k);
    }

    /// The pods the set controls after claiming: its own that still match, and the
    /// orphans it adopts.
    fn claim(&mut self, api: &mut ApiServer, set: &Value, sel: &LabelSelector) -> Vec<Rc<Value>> {
        let k = key(set);
        let ns = set["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let mut pods = vec![];
        for pod in self.owned.shared(api, &k) {
            if controller_of(&pod).map(|c| c.2) != Some(uid(set)) {
                continue;
            }
            if selector_matches_object(sel, &pod) || terminating(set) {
                pods.push(pod);
            } else if let Ok(pod) = api.get(resources::pods(), &ns, name(&pod)) {
                set_owner_references(api, resources::pods(), &pod, |refs| {
                    refs.retain(|r| r["uid"] != uid(set))
                });
            }
        }
        let candidates = self.candidates.remove(&k).unwrap_or_default();
        if terminating(set) {
            return pods;
        }
        for p in candidates {
            let Ok(pod) = api.get(resources::pods(), &ns, &p) else {
                continue;
            };
            if controller_of(&pod).is_some()
                || terminating(&pod)
                || !selector_matches(sel, &labels(&pod))
            {
                continue;
            }
            let reference = controller_ref(set);
            let adopted =
                set_owner_references(api, resources::pods(), &pod, |refs| refs.push(reference));
            if let Some(adopted) = adopted {
                pods.push(Rc::new(adopted));
            }
        }
        pods
    }

    fn sync_set(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(set) = api.get(self.resource, ns, n) else {
            self.forget(k);
            return;
        };
        let sel = selector_of(&set);
        let pods = self.claim(api, &set, &sel);
        let active: Vec<&Value> = pods.iter().map(|p| &**p).filter(|p| is_active(p)).collect();
        let want = set["spec"]["replicas"].as_i64().unwrap_or(1).max(0) as usize;
        let mut failure = None;
        if active.len() < want && !terminating(&set) {
            let pod = pod_from_template(&set["spec"]["template"], name(&set), &set);
            let n = (want - active.len()).min(BURST);
            let source = Source::Controller(self.source);
            let (_, err) = create_pods(api, rec, &set, source, vec![pod; n]);
            failure = err.map(|e| ("FailedCreate", e));
        } else if active.len() > want {
            let now = api.now();
            // Each pod's rank: how many of the active pods share its node.
            let mut on_node: BTreeMap<String, usize> = BTreeMap::new();
            for p in &active {
                if let Some(node) = p["spec"]["nodeName"].as_str() {
                    *on_node.entry(node.to_string()).or_default() += 1;
                }
            }
            let mut ranked: Vec<(&Value, i32)> = active
                .iter()
                .map(|p| {
                    let node = p["spec"]["nodeName"].as_str();
                    let rank = node.and_then(|n| on_node.get(n)).copied().unwrap_or(0);
                    (*p, rank as i32)
                })
                .collect();
            kubarium_tools::sort::by(&mut ranked, |a, b| deletion_order(a.0, b.0, a.1, b.1, now));
            for (pod, _) in ranked.into_iter().take((active.len() - want).min(BURST)) {
                let source = Source::Controller(self.source);
                if let Err(e) = delete_pod(api, rec, &ObjectRef::of(&set), name(pod), source) {
                    if e.reason != crate::apiserver::errors::Reason::NotFound {
                        failure = Some(("FailedDelete", e.message));
                    }
                }
            }
        }
        self.update_status(api, &set, &active, &pods, failure);
    }

    fn update_status(
        &mut self,
        api: &mut ApiServer,
        set: &Value,
        active: &[&Value],
        pods: &[Rc<Value>],
        failure: Option<(&str, String)>,
    ) {
        let now = api.now();
        let min_ready = set["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
        let template_labels = &set["spec"]["template"]["metadata"]["labels"];
        let count = |f: &dyn Fn(&Value) -> bool| active.iter().filter(|p| f(p)).count() as i64;
        let fully_labeled = count(&|p| {
            template_labels
                .as_object()
                .into_iter()
                .flatten()
                .all(|(k, v)| p["metadata"]["labels"][k] == *v)
        });
        // When each became ready, read once.
        let since: Vec<Millis> = active.iter().filter_map(|p| ready_since(p)).collect();
        let ready = since.len() as i64;
        let available = since
            .iter()
            .filter(|t| min_ready <= 0 || **t + min_ready * SECOND <= now)
            .count() as i64;
        let terminating_pods = pods
            .iter()
            .filter(|p| {
                terminating(p)
                    && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
            })
            .count() as i64;
        // A pod ready but not yet for minReadySeconds brings the set back then.
        let due = since
            .iter()
            .map(|t| t + min_ready * SECOND)
            .filter(|t| *t > now)
            .min();
        match due {
            Some(t) => self.requeue.insert(key(set), t),
            None => self.requeue.remove(&key(set)),
        };
        let old = &set["status"];
        let mut conditions: Vec<Value> = old["conditions"].as_array().cloned().unwrap_or_default();
        match failure {
            Some((reason, message)) => {
                if !conditions.iter().any(|c| c["type"] == "ReplicaFailure") {
                    conditions.push(json!({"type": "ReplicaFailure", "status": "True",
                        "lastTransitionTime": to_time(now), "reason": reason, "message": message}));
                }
            }
            None => conditions.retain(|c| c["type"] != "ReplicaFailure"),
        }
        // Counted are the pods seen at the start of the sync, as upstream counts them.
        let mut status = json!({
            "replicas": active.len() as i64,
            "fullyLabeledReplicas": fully_labeled,
            "readyReplicas": ready,
            "availableReplicas": available,
            "observedGeneration": set["metadata"]["generation"],
        });
        if let Some(o) = status.as_object_mut() {
            // Go leaves these out when zero (omitempty).
            o.retain(|k, v| k == "replicas" || (!v.is_null() && v != &json!(0)));
        }
        if self.resource.group == "apps" {
            status["terminatingReplicas"] = json!(terminating_pods);
        }
        if !conditions.is_empty() {
            status["conditions"] = Value::Array(conditions);
        }
        if set["status"] == status {
            return;
        }
        let mut body = set.clone();
        body["status"] = status;
        let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
        let _ = super::client(api).update(self.resource, ns, body, "status", &[]);
    }
}

impl Controller for ReplicaSetController {
    fn name(&self) -> &'static str {
        if self.resource.kind == "ReplicaSet" {
            "replicaset"
        } else {
            "replicationcontroller"
        }
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.requeue.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        let due = take_due(&mut self.requeue, now);
        self.dirty.extend(due);
        let mut sets = vec![];
        self.sets
            .each(api, self.resource, |ev, set| sets.push((ev, set.clone())));
        for (ev, set) in sets {
            if ev == EventType::Delete {
                self.forget(&key(&set));
            } else {
                self.set_changed(api, &set);
            }
        }
        let mut pods = std::mem::take(&mut self.pods);
        pods.each(api, resources::pods(), |ev, pod| {
            self.pod_changed(pod, ev == EventType::Delete)
        });
        self.pods = pods;
        for k in std::mem::take(&mut self.dirty) {
            if self.selectors.contains_key(&k) {
                self.sync_set(api, rec, &k);
            }
        }
    }
}
