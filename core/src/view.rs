//! Plain data about the cluster for the UI's map: nodes with their pods, pending pods,
//! and a colour class per pod status.

use serde_json::Value;

use crate::apiserver::resources;
use crate::cluster::Cluster;
use crate::printers::table::{node_roles, node_status, pod_status};

/// How the map colours a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Health {
    Running,
    Starting,
    Failing,
    Terminating,
    Done,
}

impl Health {
    pub fn class(self) -> &'static str {
        match self {
            Health::Running => "running",
            Health::Starting => "starting",
            Health::Failing => "failing",
            Health::Terminating => "terminating",
            Health::Done => "done",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    /// The STATUS column kubectl shows.
    pub status: String,
    pub ready: String,
    pub health: Health,
    pub system: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeView {
    pub name: String,
    pub roles: String,
    pub status: String,
    pub ip: String,
    pub pods: Vec<PodView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    /// Pods no node has (yet).
    pub pending: Vec<PodView>,
}

fn health(status: &str, pod: &Value) -> Health {
    match status {
        "Running" => Health::Running,
        "Terminating" => Health::Terminating,
        "Completed" | "Succeeded" => Health::Done,
        "Pending" | "ContainerCreating" | "PodInitializing" | "SchedulingGated" => Health::Starting,
        s if s.starts_with("Init:")
            && !s.contains("Err")
            && !s.contains("BackOff")
            && !s.contains("Error") =>
        {
            Health::Starting
        }
        _ if pod["status"]["phase"] == "Succeeded" => Health::Done,
        _ => Health::Failing,
    }
}

/// Builds the map's view of the cluster now.
pub fn cluster_view(cluster: &Cluster) -> ClusterView {
    let now = cluster.now();
    let api = &cluster.api;
    let mut view = ClusterView::default();
    for n in api.list(resources::nodes(), None) {
        let ip = n["status"]["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["type"] == "InternalIP"))
            .and_then(|x| x["address"].as_str())
            .unwrap_or("")
            .to_string();
        view.nodes.push(NodeView {
            name: n["metadata"]["name"].as_str().unwrap_or("").to_string(),
            roles: node_roles(&n),
            status: node_status(&n),
            ip,
            pods: vec![],
        });
    }
    for p in api.list(resources::pods(), None) {
        let (status, ready, _) = pod_status(&p, now);
        let namespace = p["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let pv = PodView {
            system: namespace == "kube-system",
            namespace,
            name: p["metadata"]["name"].as_str().unwrap_or("").to_string(),
            health: health(&status, &p),
            status,
            ready,
        };
        let node = p["spec"]["nodeName"].as_str().unwrap_or("");
        match view.nodes.iter_mut().find(|n| n.name == node) {
            Some(n) => n.pods.push(pv),
            None => view.pending.push(pv),
        }
    }
    view
}
