//! Plain data about the cluster for the UI's map: nodes with what they can give and what
//! is asked of them, their pods grouped by owner, pending pods, the control plane's
//! components, and a colour class per pod status.

use serde_json::Value;

use std::rc::Rc;

use crate::apiserver::resources::{self, Resource};
use crate::apiserver::ApiServer;
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
    /// Every health, in the order of [`NodeView::counts`].
    pub const ALL: [Health; 5] = [
        Health::Running,
        Health::Starting,
        Health::Failing,
        Health::Terminating,
        Health::Done,
    ];

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
    /// Its controllers, outermost first (`["Deployment/web", "ReplicaSet/web-5d4f"]`;
    /// `["Node/controlplane"]` for a static pod's mirror); empty for a bare pod.
    pub owners: Vec<String>,
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
    pub version: String,
    /// Millicores: what the pods on it request (as `kubectl describe node` adds them up)
    /// and what it can give.
    pub cpu: (i64, i64),
    /// Bytes, likewise.
    pub memory: (i64, i64),
    /// `key=value:Effect`.
    pub taints: Vec<String>,
    /// Conditions that say something is wrong (MemoryPressure, DiskPressure, PIDPressure,
    /// NetworkUnavailable).
    pub problems: Vec<String>,
    /// Its pods (in a summarized view, only the control plane's static pods).
    pub pods: Vec<PodView>,
    /// How many of its pods are in each [`Health`] (in the order of `Health::ALL`).
    pub counts: [u32; 5],
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    /// Pods no node has (yet); in a summarized view only the first [`PENDING_SHOWN`].
    pub pending: Vec<PodView>,
    /// How many pods no node has.
    pub pending_total: usize,
    /// Too large a cluster to list every pod (more than [`DETAIL_NODES`] nodes or
    /// [`DETAIL_PODS`] pods): nodes carry their pods' counts only.
    pub summarized: bool,
    /// The control plane's components (etcd, API server, controller manager, scheduler)
    /// as their static pods report them.
    pub control_plane: Vec<ComponentView>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ComponentView {
    pub name: String,
    /// The pod's STATUS (`Running`, `CrashLoopBackOff`), or `Missing` with no pod.
    pub status: String,
    pub health: Health,
}

/// The most nodes and pods a view lists one by one; beyond either it is summarized.
pub const DETAIL_NODES: usize = 50;
pub const DETAIL_PODS: usize = 1500;
/// The pending pods a summarized view lists.
pub const PENDING_SHOWN: usize = 100;

/// The control plane's components, by their static pods' `component` label.
const COMPONENTS: [&str; 4] = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
];

fn allocatable(node: &Value, resource: &str) -> i128 {
    node["status"]["allocatable"][resource]
        .as_str()
        .and_then(crate::quantity::parse)
        .unwrap_or(0)
}

fn milli_to_i64(milli: i128, per_unit: i128) -> i64 {
    i64::try_from(milli / per_unit).unwrap_or(i64::MAX)
}

/// The objects of a resource as stored, shared with the store (not copied).
fn stored(api: &ApiServer, resource: &Resource) -> Vec<Rc<Value>> {
    api.store
        .range(&resource.prefix(None))
        .map(|kv| kv.value())
        .collect()
}

/// The pod's controllers, outermost first: a ReplicaSet's Deployment, a Job's CronJob.
/// `parents` keeps the parents found, as many pods share one.
fn owners(
    api: &ApiServer,
    pod: &Value,
    parents: &mut Vec<(String, Option<String>)>,
) -> Vec<String> {
    let Some((kind, name, _)) = kubarium_tools::controllers::controller_of(pod) else {
        return vec![];
    };
    let owner = format!("{kind}/{name}");
    let resource = match kind {
        "ReplicaSet" => resources::replica_sets(),
        "Job" => resources::jobs(),
        _ => return vec![owner],
    };
    let key = resource.key(pod["metadata"]["namespace"].as_str().unwrap_or(""), name);
    let parent = match parents.iter().find(|(k, _)| *k == key) {
        Some((_, parent)) => parent.clone(),
        None => {
            let parent = api.store.get(&key).and_then(|kv| {
                let value = kv.value();
                let (kind, name, _) = kubarium_tools::controllers::controller_of(&value)?;
                Some(format!("{kind}/{name}"))
            });
            parents.push((key, parent.clone()));
            parent
        }
    };
    parent.into_iter().chain([owner]).collect()
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
    for n in stored(api, resources::nodes()) {
        let ip = n["status"]["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["type"] == "InternalIP"))
            .and_then(|x| x["address"].as_str())
            .unwrap_or("")
            .to_string();
        let taints = n["spec"]["taints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let s = |f: &str| t[f].as_str().unwrap_or("");
                match s("value") {
                    "" => format!("{}:{}", s("key"), s("effect")),
                    v => format!("{}={v}:{}", s("key"), s("effect")),
                }
            })
            .collect();
        let problems = n["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["type"] != "Ready" && c["status"] == "True")
            .filter_map(|c| c["type"].as_str().map(str::to_string))
            .collect();
        view.nodes.push(NodeView {
            name: n["metadata"]["name"].as_str().unwrap_or("").to_string(),
            roles: node_roles(&n),
            status: node_status(&n),
            ip,
            version: n["status"]["nodeInfo"]["kubeletVersion"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            cpu: (0, milli_to_i64(allocatable(&n, "cpu"), 1)),
            memory: (0, milli_to_i64(allocatable(&n, "memory"), 1000)),
            taints,
            problems,
            pods: vec![],
            counts: [0; 5],
        });
    }
    let index: std::collections::HashMap<String, usize> = view
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.clone(), i))
        .collect();
    let pods = stored(api, resources::pods());
    view.summarized = view.nodes.len() > DETAIL_NODES || pods.len() > DETAIL_PODS;
    let mut parents = vec![];
    for p in pods {
        let (status, ready, _) = pod_status(&p, now);
        let health = health(&status, &p);
        let node = index
            .get(p["spec"]["nodeName"].as_str().unwrap_or(""))
            .and_then(|&i| view.nodes.get_mut(i));
        let namespace = p["metadata"]["namespace"].as_str().unwrap_or("");
        let system = namespace == "kube-system";
        // A summarized view lists the control plane's static pods (its strip reads them)
        // and the first pending pods; it counts the rest.
        let listed = !view.summarized
            || match &node {
                Some(n) => system && n.roles.contains("control-plane"),
                None => view.pending.len() < PENDING_SHOWN,
            };
        let pv = listed.then(|| PodView {
            system,
            owners: if view.summarized {
                vec![]
            } else {
                owners(api, &p, &mut parents)
            },
            namespace: namespace.to_string(),
            name: p["metadata"]["name"].as_str().unwrap_or("").to_string(),
            health,
            status,
            ready,
        });
        let Some(n) = node else {
            view.pending_total += 1;
            view.pending.extend(pv);
            continue;
        };
        n.counts[Health::ALL.iter().position(|h| *h == health).unwrap_or(0)] += 1;
        if !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")) {
            n.cpu.0 = n.cpu.0.saturating_add(milli_to_i64(
                crate::quantity::pod_total(&p, "requests", "cpu"),
                1,
            ));
            n.memory.0 = n.memory.0.saturating_add(milli_to_i64(
                crate::quantity::pod_total(&p, "requests", "memory"),
                1000,
            ));
        }
        n.pods.extend(pv);
    }
    // A node's pods by owner (a Deployment's together), the system's last.
    for n in &mut view.nodes {
        crate::sort::by(&mut n.pods, |a, b| {
            (a.system, &a.owners, &a.name).cmp(&(b.system, &b.owners, &b.name))
        });
    }
    view.control_plane = COMPONENTS
        .iter()
        .map(|name| component(&view, name))
        .collect();
    view
}

/// A control-plane component as its static pods on the control-plane nodes show it (the
/// least healthy of them where there are several).
fn component(view: &ClusterView, name: &str) -> ComponentView {
    let pods = view
        .nodes
        .iter()
        .filter(|n| n.roles.contains("control-plane"))
        .flat_map(|n| {
            let mirror = format!("{name}-{}", n.name);
            n.pods.iter().filter(move |p| p.system && p.name == mirror)
        });
    let rank = |h: Health| match h {
        Health::Running => 0,
        Health::Done => 1,
        Health::Starting => 2,
        Health::Terminating => 3,
        Health::Failing => 4,
    };
    pods.max_by_key(|p| rank(p.health)).map_or(
        ComponentView {
            name: name.to_string(),
            status: "Missing".to_string(),
            health: Health::Failing,
        },
        |p| ComponentView {
            name: name.to_string(),
            status: p.status.clone(),
            health: p.health,
        },
    )
}
