//! The node lifecycle controller's NoSchedule tainting pass: each Node carries the
//! `NoSchedule` taints its conditions call for (not-ready, unreachable, memory-, disk- and
//! PID-pressure, network-unavailable) and `unschedulable` while cordoned, and no others
//! of those. Noticing silent nodes and NoExecute eviction come with the nodes issue.

use serde_json::{json, Value};

use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;

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

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let nodes = resources::nodes();
        for node in self.nodes.changes(api, nodes).objects() {
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
                t["effect"] == "NoSchedule"
                    && t["key"].as_str().is_some_and(|k| MANAGED.contains(&k))
            };
            let mut next: Vec<Value> = taints
                .iter()
                .filter(|t| !is_managed(t) || want.iter().any(|k| t["key"] == *k))
                .cloned()
                .collect();
            for key in &want {
                if !next
                    .iter()
                    .any(|t| t["key"] == *key && t["effect"] == "NoSchedule")
                {
                    next.push(json!({"key": key, "effect": "NoSchedule"}));
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
