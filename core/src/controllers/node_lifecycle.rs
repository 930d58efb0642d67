//! The node lifecycle controller. Its health monitor watches each node's Lease and
//! status heartbeats and, after the grace period without either, marks the node's
//! conditions Unknown and its pods not ready. Its tainting passes give each Node the
//! `NoSchedule` taints its conditions call for (not-ready, unreachable, memory-, disk- and
//! PID-pressure, network-unavailable, and `unschedulable` while cordoned) and the
//! `NoExecute` not-ready or unreachable taint while it is not Ready (the taint eviction
//! controller acts on those).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{to_time, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};

/// How often node health is checked (--node-monitor-period).
const MONITOR_PERIOD: Millis = 5 * SECOND;
/// How long a node may stay silent before it is Unknown (--node-monitor-grace-period).
pub const GRACE_PERIOD: Millis = 50 * SECOND;
/// The conditions a silent node's kubelet can no longer vouch for.
const KUBELET_CONDITIONS: [&str; 4] = ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

/// The condition-driven taint keys, all `node.kubernetes.io/...`.
const MANAGED: &[&str] = &[
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/memory-pressure",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/pid-pressure",
    "node.kubernetes.io/network-unavailable",
    "node.kubernetes.io/unschedulable",
];

#[derive(Debug, Clone, Default)]
pub struct NodeLifecycle {
    nodes: Informer,
    leases: Informer,
    probes: BTreeMap<String, Probe>,
    next_monitor: Millis,
}

/// A node's last signs of life, and when this controller saw one change.
#[derive(Debug, Clone)]
struct Probe {
    lease: String,
    heartbeat: String,
    at: Millis,
    /// Already marked Unknown since that sign.
    marked: bool,
}

impl Probe {
    /// A node first seen at `now`.
    fn new(now: Millis) -> Self {
        Probe {
            lease: String::new(),
            heartbeat: String::new(),
            at: now,
            marked: false,
        }
    }
}

/// A node's condition of `type_`.
fn condition<'a>(node: &'a Value, type_: &str) -> Option<&'a Value> {
    node["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_)
}

/// The NoExecute taint a node's Ready condition calls for: not-ready when False,
/// unreachable when Unknown.
fn no_execute(node: &Value) -> Option<&'static str> {
    match condition(node, "Ready")?["status"].as_str()? {
        "False" => Some(MANAGED[0]),
        "Unknown" => Some(MANAGED[1]),
        _ => None,
    }
}

impl NodeLifecycle {
    /// Notes a node's sign of life (`lease` true: its Lease's renewTime, else its Ready
    /// heartbeat) when it differs from the last one of its kind.
    fn observe(&mut self, node: &str, lease: bool, sign: String, now: Millis) {
        if node.is_empty() {
            return;
        }
        let probe = self
            .probes
            .entry(node.to_string())
            .or_insert(Probe::new(now));
        let last = if lease {
            &mut probe.lease
        } else {
            &mut probe.heartbeat
        };
        if *last != sign {
            *last = sign;
            probe.at = now;
            probe.marked = false;
        }
    }

    /// Marks nodes silent for longer than the grace period Unknown, and their pods not
    /// ready.
    fn monitor(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        let nodes = resources::nodes();
        for mut node in api.list(nodes, None) {
            let name = node["metadata"]["name"].as_str().unwrap_or("").to_string();
            let probe = self.probes.entry(name.clone()).or_insert(Probe::new(now));
            let ready = condition(&node, "Ready").map(|c| c["status"].clone());
            if now - probe.at <= GRACE_PERIOD {
                continue;
            }
            probe.marked = true;
            if ready == Some(json!("Unknown")) {
                continue;
            }
            for c in node["status"]["conditions"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                if !KUBELET_CONDITIONS.iter().any(|k| c["type"] == *k) {
                    continue;
                }
                c["status"] = json!("Unknown");
                c["reason"] = json!("NodeStatusUnknown");
                c["message"] = json!("Kubelet stopped posting node status.");
                c["lastTransitionTime"] = json!(to_time(now));
            }
            if super::client(api)
                .update(nodes, "", node, "status", &[])
                .is_err()
            {
                continue;
            }
            let source = Source::Controller("node-controller");
            let message = format!("Node {name} status is now: NodeNotReady");
            rec.record(
                api,
                &ObjectRef::node(&name),
                "Normal",
                "NodeNotReady",
                &message,
                source,
            );
            mark_pods_not_ready(api, rec, &name);
        }
    }
}

/// The Ready condition of each pod on `node` turns False (MarkPodsNotReady).
fn mark_pods_not_ready(api: &mut ApiServer, rec: &mut Recorder, node: &str) {
    let now = api.now();
    let pods = resources::pods();
    let on_node: Vec<Value> = api
        .list(pods, None)
        .into_iter()
        .filter(|p| p["spec"]["nodeName"] == node)
        .collect();
    for mut pod in on_node {
        let mut changed = false;
        for c in pod["status"]["conditions"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if c["type"] == "Ready" && c["status"] != "False" {
                c["status"] = json!("False");
                c["lastTransitionTime"] = json!(to_time(now));
                changed = true;
            }
        }
        if !changed {
            continue;
        }
        let ns = pod["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let reference = ObjectRef::of(&pod);
        if super::client(api)
            .update(pods, &ns, pod, "status", &[])
            .is_ok()
        {
            let source = Source::Controller("node-controller");
            rec.record(
                api,
                &reference,
                "Warning",
                "NodeNotReady",
                "Node is not ready",
                source,
            );
        }
    }
}

/// The NoSchedule taint keys a node's conditions and spec call for.
fn wanted(node: &Value) -> Vec<&'static str> {
    let mut keys = vec![];
    for c in node["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let status = c["status"].as_str().unwrap_or("");
        let key = match (c["type"].as_str().unwrap_or(""), status) {
            ("Ready", "False") => MANAGED[0],
            ("Ready", "Unknown") => MANAGED[1],
            ("MemoryPressure", "True") => MANAGED[2],
            ("DiskPressure", "True") => MANAGED[3],
            ("PIDPressure", "True") => MANAGED[4],
            ("NetworkUnavailable", "True") => MANAGED[5],
            _ => continue,
        };
        keys.push(key);
    }
    if node["spec"]["unschedulable"] == true {
        keys.push(MANAGED[6]);
    }
    keys
}

impl Controller for NodeLifecycle {
    fn name(&self) -> &'static str {
        "node-lifecycle"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    /// The monitor's tick (every 5 s from its first) at which a node's grace period
    /// will have run out: the ticks between change nothing.
    fn next_wake(&self) -> Option<Millis> {
        if self.probes.is_empty() {
            return Some(self.next_monitor);
        }
        let due = self
            .probes
            .values()
            .filter(|p| !p.marked)
            .map(|p| p.at + GRACE_PERIOD + 1)
            .min()?;
        let ticks = (due - self.next_monitor + MONITOR_PERIOD - 1).div_euclid(MONITOR_PERIOD);
        Some(self.next_monitor + ticks.max(0) * MONITOR_PERIOD)
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let nodes = resources::nodes();
        let now = api.now();
        if let Some(leases) = resources::find("coordination.k8s.io", "v1", "leases") {
            for lease in self.leases.changes(api, leases).objects() {
                if lease["metadata"]["namespace"] == "kube-node-lease" {
                    let name = lease["metadata"]["name"].as_str().unwrap_or("");
                    let renewed = lease["spec"]["renewTime"].as_str().unwrap_or("");
                    self.observe(name, true, renewed.to_string(), now);
                }
            }
        }
        let changed = self.nodes.changes(api, nodes).objects();
        for node in &changed {
            let name = node["metadata"]["name"].as_str().unwrap_or("");
            let beat = condition(node, "Ready")
                .map(|c| c["lastHeartbeatTime"].to_string())
                .unwrap_or_default();
            self.observe(name, false, beat, now);
        }
        if now >= self.next_monitor {
            // The ticks passed since the last one, on the same 5 s grid.
            let missed = (now - self.next_monitor).div_euclid(MONITOR_PERIOD);
            self.next_monitor += (missed + 1) * MONITOR_PERIOD;
            // Nodes are read only when one may have gone silent for too long.
            let silent = self.probes.is_empty()
                || self
                    .probes
                    .values()
                    .any(|p| !p.marked && now - p.at > GRACE_PERIOD);
            if silent {
                self.monitor(api, rec);
            }
        }
        for node in changed {
            let Some(name) = node["metadata"]["name"].as_str().map(String::from) else {
                continue;
            };
            let Ok(mut live) = api.get(nodes, "", &name) else {
                continue;
            };
            let want = wanted(&live);
            let taints: Vec<Value> = live["spec"]["taints"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let is_managed = |t: &Value| {
                let key = t["key"].as_str().unwrap_or("");
                (t["effect"] == "NoSchedule" && MANAGED.contains(&key))
                    || (t["effect"] == "NoExecute" && MANAGED[..2].contains(&key))
            };
            let evicting = no_execute(&live);
            let kept = |t: &&Value| {
                !is_managed(t)
                    || if t["effect"] == "NoExecute" {
                        evicting == t["key"].as_str()
                    } else {
                        want.iter().any(|k| t["key"] == *k)
                    }
            };
            let mut next: Vec<Value> = taints.iter().filter(kept).cloned().collect();
            for key in &want {
                if !next
                    .iter()
                    .any(|t| t["key"] == *key && t["effect"] == "NoSchedule")
                {
                    next.push(json!({"key": key, "effect": "NoSchedule"}));
                }
            }
            if let Some(key) = evicting {
                if !next
                    .iter()
                    .any(|t| t["key"] == key && t["effect"] == "NoExecute")
                {
                    next.push(json!({"key": key, "effect": "NoExecute",
                                     "timeAdded": to_time(now)}));
                }
            }
            if next == taints {
                continue;
            }
            if next.is_empty() {
                if let Some(spec) = live["spec"].as_object_mut() {
                    spec.remove("taints");
                }
            } else {
                live["spec"]["taints"] = Value::Array(next);
            }
            let _ = super::client(api).update(nodes, "", live, "", &[]);
        }
    }
}
