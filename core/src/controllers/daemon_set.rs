//! The DaemonSet controller: one pod per node the DaemonSet should run on (its node
//! selector and required node affinity match, it tolerates the node's NoSchedule and
//! NoExecute taints, with the tolerations daemon pods get), rolled out by RollingUpdate
//! or OnDelete, with ControllerRevisions for its history. The controller keeps what
//! eligibility reads of each node and the DaemonSets' pods by node; each sync sends the
//! tools module (`kubarium_tools::controllers::daemon_set`) only the nodes that need a
//! look and carries out its decision.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, NodeSelectorTerm, Pod, Taint, Toleration};
use serde_json::{json, Value};

use super::controller_utils::{
    controller_of, create_pods, delete_pod, is_available, key, name, owned_revisions, ready_since,
    record_events, take_due, terminating, write_revisions,
};
use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::scheduler::plugins::node_affinity::term_matches;
use crate::scheduler::plugins::taint_toleration::tolerates;
use crate::store::EventType;
use kubarium_tools::controllers::daemon_set::{updated, Settled, GENERATION};

const SOURCE: Source = Source::Controller("daemonset-controller");

/// The tolerations every daemon pod gets (`key`, `effect`), the last only with
/// hostNetwork.
const TOLERATIONS: [(&str, &str); 7] = [
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ("node.kubernetes.io/network-unavailable", "NoSchedule"),
];

/// What eligibility reads of a node: its labels and taints.
#[derive(Debug, Clone, Default, PartialEq)]
struct NodeFacts {
    labels: BTreeMap<String, String>,
    taints: Vec<Taint>,
}

/// What eligibility reads of a DaemonSet's pod template.
#[derive(Debug, Clone, Default)]
struct PodFacts {
    node_name: Option<String>,
    selector: BTreeMap<String, String>,
    terms: Option<Vec<NodeSelectorTerm>>,
    tolerations: Vec<Toleration>,
}

/// Whether a daemon pod should run on the node, and whether one there may stay.
fn should_run(pod: &PodFacts, node: &str, facts: &NodeFacts) -> (bool, bool) {
    let name_ok = pod.node_name.as_deref().is_none_or(|n| n == node);
    let selector_ok = pod
        .selector
        .iter()
        .all(|(k, v)| facts.labels.get(k) == Some(v));
    let affinity_ok = pod
        .terms
        .as_ref()
        .is_none_or(|terms| terms.iter().any(|t| term_matches(t, &facts.labels, node)));
    if !(name_ok && selector_ok && affinity_ok) {
        return (false, false);
    }
    let untolerated = |effects: &[&str]| {
        facts.taints.iter().any(|taint| {
            effects.contains(&taint.effect.as_str())
                && !pod.tolerations.iter().any(|t| tolerates(t, taint))
        })
    };
    if untolerated(&["NoSchedule", "NoExecute"]) {
        return (false, !untolerated(&["NoExecute"]));
    }
    (true, true)
}

/// The template as daemon pods get it: with the tolerations they add.
fn daemon_template(ds: &Value) -> Value {
    let mut template = ds["spec"]["template"].clone();
    let host_network = template["spec"]["hostNetwork"] == true;
    let spec = &mut template["spec"];
    if !spec["tolerations"].is_array() {
        spec["tolerations"] = json!([]);
    }
    let count = if host_network { 7 } else { 6 };
    for (k, effect) in &TOLERATIONS[..count] {
        let t = json!({"key": k, "operator": "Exists", "effect": effect});
        if let Some(list) = spec["tolerations"].as_array_mut() {
            // One the same but for its seconds gives way.
            let same = |u: &Value| {
                u["key"] == t["key"] && u["effect"] == t["effect"] && u["operator"] == "Exists"
            };
            match list.iter_mut().find(|u| same(u)) {
                Some(u) => *u = t,
                None => list.push(t),
            }
        }
    }
    template
}

/// What eligibility reads of the template (decoded as the scheduler decodes pods).
fn pod_facts(template: &Value) -> PodFacts {
    let pod = json!({"spec": template["spec"]});
    let spec = serde_json::from_value::<Pod>(pod)
        .ok()
        .and_then(|p| p.spec)
        .unwrap_or_default();
    PodFacts {
        node_name: spec.node_name,
        selector: spec.node_selector.unwrap_or_default(),
        terms: spec
            .affinity
            .and_then(|a| a.node_affinity)
            .and_then(|n| n.required_during_scheduling_ignored_during_execution)
            .map(|r| r.node_selector_terms),
        tolerations: spec.tolerations.unwrap_or_default(),
    }
}

/// The node a daemon pod is for: where it runs, or the node its affinity names.
fn target_node(pod: &Value) -> String {
    match pod["spec"]["nodeName"].as_str() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => pod["spec"]["affinity"]["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
            ["matchFields"][0]["values"][0]
            .as_str()
            .unwrap_or("")
            .to_string(),
    }
}

/// One DaemonSet as the controller keeps it.
#[derive(Debug, Clone, Default)]
struct Daemon {
    /// Its pods by the node they are for, then by name.
    pods: BTreeMap<String, BTreeMap<String, Value>>,
    /// The generation `fits` was worked out for, and its template's facts.
    generation: i64,
    facts: PodFacts,
    /// Whether a pod should run on each node, and whether one may stay.
    fits: BTreeMap<String, (bool, bool)>,
    /// The failed-pod back-off by node: delay and when it was last raised (Unix ms).
    backoff: BTreeMap<String, (Millis, Millis)>,
}

#[derive(Debug, Clone, Default)]
pub struct DaemonSetController {
    sets: Informer,
    pods: Informer,
    nodes: Informer,
    node_facts: BTreeMap<String, NodeFacts>,
    daemons: BTreeMap<String, Daemon>,
    /// The DaemonSet (`namespace/name`) and node of each of their pods (`namespace/name`).
    owner_of: BTreeMap<String, (String, String)>,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

impl DaemonSetController {
    fn pod_changed(&mut self, pod: &Value, gone: bool) {
        let pk = key(pod);
        if let Some((ds, node)) = self.owner_of.remove(&pk) {
            if let Some(d) = self.daemons.get_mut(&ds) {
                if let Some(on_node) = d.pods.get_mut(&node) {
                    on_node.remove(name(pod));
                    if on_node.is_empty() {
                        d.pods.remove(&node);
                    }
                }
            }
            self.dirty.insert(ds);
        }
        let finished = matches!(
            pod["status"]["phase"].as_str(),
            Some("Failed" | "Succeeded")
        );
        let gone = gone || (finished && terminating(pod));
        if let Some(("DaemonSet", owner, _)) = controller_of(pod) {
            let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
            let ds = format!("{ns}/{owner}");
            if !gone {
                let node = target_node(pod);
                let d = self.daemons.entry(ds.clone()).or_default();
                d.pods
                    .entry(node.clone())
                    .or_default()
                    .insert(name(pod).to_string(), pod.clone());
                self.owner_of.insert(pk, (ds.clone(), node));
            }
            self.dirty.insert(ds);
        }
    }

    fn node_changed(&mut self, node: &Value, gone: bool) {
        let n = name(node).to_string();
        let facts = (!gone).then(|| {
            // Only what eligibility reads is decoded (heartbeats change the rest).
            let read = json!({"metadata": {"labels": node["metadata"]["labels"]},
                              "spec": {"taints": node["spec"]["taints"]}});
            let node = serde_json::from_value::<Node>(read).unwrap_or_default();
            NodeFacts {
                labels: node.metadata.labels.unwrap_or_default(),
                taints: node.spec.and_then(|s| s.taints).unwrap_or_default(),
            }
        });
        if self.node_facts.get(&n) == facts.as_ref() {
            return;
        }
        for (k, d) in self.daemons.iter_mut() {
            match &facts {
                Some(f) => d.fits.insert(n.clone(), should_run(&d.facts, &n, f)),
                None => d.fits.remove(&n),
            };
            self.dirty.insert(k.clone());
        }
        match facts {
            Some(f) => self.node_facts.insert(n, f),
            None => self.node_facts.remove(&n),
        };
    }

    fn sync_set(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let ds = match api.get(resources::daemon_sets(), ns, n) {
            Ok(ds) if !terminating(&ds) => ds,
            Ok(_) => return,
            Err(_) => {
                if let Some(d) = self.daemons.get_mut(k) {
                    d.generation = 0;
                }
                self.requeue.remove(k);
                return;
            }
        };
        let template = daemon_template(&ds);
        let generation = ds["metadata"]["generation"].as_i64().unwrap_or(0);
        let d = self.daemons.entry(k.to_string()).or_default();
        if d.generation != generation {
            d.generation = generation;
            d.facts = pod_facts(&template);
            d.fits = self
                .node_facts
                .iter()
                .map(|(n, f)| (n.clone(), should_run(&d.facts, n, f)))
                .collect();
        }
        let hash = super::deployment::template_hash(
            &ds["spec"]["template"],
            ds["status"]["collisionCount"].as_i64(),
        );
        let now = api.now();
        let min_ready = ds["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
        let template_generation = ds["metadata"]["annotations"][GENERATION].as_str();
        let current = |p: &Value| updated(p, &hash, template_generation);
        let none = BTreeMap::new();
        // A node whose one pod is current is only counted.
        let mut settled = Settled::default();
        let mut nodes = vec![];
        for (node, (run, keep)) in &d.fits {
            let pods = d.pods.get(node).unwrap_or(&none);
            let mut only = pods.values();
            let fine = |p: &Value| {
                !terminating(p)
                    && !matches!(p["status"]["phase"].as_str(), Some("Failed" | "Succeeded"))
                    && current(p)
            };
            match only.next().filter(|p| *run && pods.len() == 1 && fine(p)) {
                Some(p) => {
                    settled.nodes += 1;
                    settled.ready += i64::from(ready_since(p).is_some());
                    settled.available += i64::from(is_available(p, min_ready, now));
                }
                None if *run || !pods.is_empty() => {
                    nodes.push(json!({"name": node, "run": run, "keep": keep,
                        "pods": pods.values().collect::<Vec<_>>()}));
                }
                None => {}
            }
        }
        for (node, pods) in d.pods.iter().filter(|(n, _)| !d.fits.contains_key(*n)) {
            nodes.push(
                json!({"name": node, "run": false, "keep": false, "gone": true,
                "pods": pods.values().collect::<Vec<_>>()}),
            );
        }
        let revisions = owned_revisions(api, &ds);
        let epoch = epoch_seconds() * SECOND;
        let request = json!({
            "ds": ds, "template": template, "hash": hash, "nodes": nodes, "settled": settled,
            "revisions": revisions, "now": now + epoch, "backoff": d.backoff,
        });
        // A `kubarium_tools::controllers::daemon_set::Decision`, read as JSON.
        let Some(mut decision) = crate::tools::reconcile("daemonset", &request) else {
            return;
        };
        d.backoff = serde_json::from_value(decision["backoff"].take()).unwrap_or_default();
        match decision["requeue"].as_i64() {
            Some(t) => self.requeue.insert(k.to_string(), t - epoch),
            None => self.requeue.remove(k),
        };
        carry_out(api, rec, &ds, decision);
    }
}

/// Carries out a decision: revisions, events, deletions, creations, status.
fn carry_out(api: &mut ApiServer, rec: &mut Recorder, ds: &Value, mut d: Value) {
    let ns = ds["metadata"]["namespace"].as_str().unwrap_or("");
    let revisions = resources::controller_revisions();
    write_revisions(api, ns, crate::value::items(d["revisions"].take()));
    let reference = ObjectRef::of(ds);
    record_events(api, rec, &reference, &d["events"], SOURCE);
    for pod in crate::value::strings(&d["delete"]) {
        let _ = delete_pod(api, rec, &reference, pod, SOURCE);
    }
    create_pods(
        api,
        rec,
        ds,
        SOURCE,
        crate::value::items(d["create"].take()),
    );
    for rev in crate::value::strings(&d["delete_revisions"]) {
        let _ = super::client(api).delete(revisions, ns, rev, None);
    }
    if d["status"] != ds["status"] {
        let mut body = ds.clone();
        body["status"] = d["status"].take();
        let _ = super::client(api).update(resources::daemon_sets(), ns, body, "status", &[]);
    }
}

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        "daemonset"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.requeue.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let due = take_due(&mut self.requeue, api.now());
        self.dirty.extend(due);
        let mut nodes = std::mem::take(&mut self.nodes);
        nodes.each(api, resources::nodes(), |ev, node| {
            self.node_changed(node, ev == EventType::Delete)
        });
        self.nodes = nodes;
        let mut sets = std::mem::take(&mut self.sets);
        sets.each(api, resources::daemon_sets(), |_, ds| {
            self.dirty.insert(key(ds));
        });
        self.sets = sets;
        let mut pods = std::mem::take(&mut self.pods);
        pods.each(api, resources::pods(), |ev, pod| {
            self.pod_changed(pod, ev == EventType::Delete)
        });
        self.pods = pods;
        for k in std::mem::take(&mut self.dirty) {
            self.sync_set(api, rec, &k);
        }
    }
}
