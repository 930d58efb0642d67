//! The scheduler: a queue of unassigned pods, one scheduling cycle per pod through the
//! filter and score plugins, binding, and FailedScheduling diagnostics.

pub mod framework;
pub mod plugins;

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::Value;

use crate::apiserver::client::Client;
use crate::apiserver::request::User;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{Millis, MINUTE};
use crate::events::{ObjectRef, Recorder, Source};
use framework::{Code, FilterPlugin, NodeInfo, Resources, ScorePlugin, Status};

pub const SCHEDULER_NAME: &str = "default-scheduler";
/// How long a pod may sit in the unschedulable pool before it is retried anyway.
const UNSCHEDULABLE_MAX: Millis = 5 * MINUTE;

/// The outcome of one scheduling cycle, kept as data for explanations.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Bound {
        node: String,
    },
    Unschedulable {
        message: String,
        per_node: Vec<(String, Status)>,
    },
}

#[derive(Debug, Clone)]
pub struct Scheduler {
    last_revision: i64,
    /// Pods waiting for a cycle: (namespace/name) in arrival order.
    active: Vec<String>,
    /// Pods that did not fit, with the time of their last attempt.
    unschedulable: BTreeMap<String, Millis>,
    /// The last diagnosis per pending pod.
    pub diagnoses: BTreeMap<String, Outcome>,
    /// Its own randomness (ties between nodes), apart from the API server's, so that
    /// what else the cluster creates does not change its choices.
    rng: crate::rng::Rng,
    /// What each bound, unfinished pod takes of its node, kept up to date from the watch
    /// as upstream's scheduler cache is, so that a cycle does not read every pod again.
    placed: BTreeMap<String, Placed>,
}

/// A bound pod in the scheduler's cache: its node, the generation of its spec, and its
/// requests, plain and with the scoring defaults.
#[derive(Debug, Clone)]
struct Placed {
    node: String,
    generation: i64,
    requests: Resources,
    non_zero: Resources,
}

impl Placed {
    fn of(node: &str, pod: &Pod) -> Placed {
        Placed {
            node: node.to_string(),
            generation: pod.metadata.generation.unwrap_or(0),
            requests: framework::pod_requests(pod),
            non_zero: NodeInfo::non_zero_requests(pod),
        }
    }
}

fn filters() -> Vec<Box<dyn FilterPlugin>> {
    vec![
        Box::new(plugins::node_unschedulable::NodeUnschedulable),
        Box::new(plugins::node_name::NodeName),
        Box::new(plugins::taint_toleration::TaintToleration),
        Box::new(plugins::node_affinity::NodeAffinity),
        Box::new(plugins::node_resources_fit::NodeResourcesFit),
    ]
}

fn scorers() -> Vec<Box<dyn ScorePlugin>> {
    vec![
        Box::new(plugins::taint_toleration::TaintToleration),
        Box::new(plugins::node_affinity::NodeAffinity),
        Box::new(plugins::node_resources_fit::NodeResourcesFit),
    ]
}

fn is_ours_and_pending(pod: &Value) -> bool {
    pod["spec"]["nodeName"].as_str().unwrap_or("").is_empty()
        && pod["spec"]["schedulerName"]
            .as_str()
            .unwrap_or(SCHEDULER_NAME)
            == SCHEDULER_NAME
        && pod["metadata"]["deletionTimestamp"].is_null()
        && pod["spec"]["schedulingGates"]
            .as_array()
            .is_none_or(|g| g.is_empty())
}

/// The FailedScheduling message: `0/N nodes are available: <reasons>. preemption: ...`;
/// a PreFilter's rejection stands in for the nodes' reasons.
pub fn fit_error_message(
    total: usize,
    per_node: &[(String, Status)],
    pre_filter: Option<&str>,
) -> String {
    let reasons: Vec<String> = match pre_filter {
        Some(reason) => vec![reason.to_string()],
        None => {
            let mut histogram: BTreeMap<&str, usize> = BTreeMap::new();
            for r in per_node.iter().flat_map(|(_, s)| &s.reasons) {
                *histogram.entry(r).or_default() += 1;
            }
            let mut reasons: Vec<String> =
                histogram.iter().map(|(r, n)| format!("{n} {r}")).collect();
            crate::sort::sort(&mut reasons);
            reasons
        }
    };
    let mut msg = format!("0/{total} nodes are available:");
    if !reasons.is_empty() {
        msg.push_str(&format!(" {}.", reasons.join(", ")));
    }
    // DefaultPreemption's verdict. Preemption itself is not implemented yet: user pods have
    // priority 0 and nothing runs below it, so for them "no victims" is what a real
    // scheduler finds too; pods of the system classes would preempt on a real cluster.
    let not_helpful = per_node
        .iter()
        .filter(|(_, s)| s.code == Code::UnschedulableAndUnresolvable)
        .count();
    let no_victims = per_node.len() - not_helpful;
    let mut post = vec![];
    if not_helpful > 0 {
        post.push(format!(
            "{not_helpful} Preemption is not helpful for scheduling"
        ));
    }
    if no_victims > 0 {
        post.push(format!(
            "{no_victims} No preemption victims found for incoming pod"
        ));
    }
    crate::sort::sort(&mut post);
    if total > 0 {
        msg.push_str(&format!(
            " preemption: 0/{total} nodes are available: {}.",
            post.join(", ")
        ));
    }
    msg
}

/// A PreFilter's rejection: every node is out, and preemption would not help.
fn pre_filter_failure(nodes: &[NodeInfo], reason: String) -> Outcome {
    let per_node: Vec<(String, Status)> = nodes
        .iter()
        .map(|n| {
            let status = Status::unresolvable("VolumeBinding", reason.clone());
            (n.name().to_string(), status)
        })
        .collect();
    let message = fit_error_message(nodes.len(), &per_node, Some(&reason));
    Outcome::Unschedulable { message, per_node }
}

impl Scheduler {
    pub fn new(seed: u64) -> Self {
        Scheduler {
            last_revision: 0,
            active: vec![],
            unschedulable: BTreeMap::new(),
            diagnoses: BTreeMap::new(),
            rng: crate::rng::Rng::new(seed ^ crate::rng::fnv1a("kube-scheduler")),
            placed: BTreeMap::new(),
        }
    }

    /// When a pod in the unschedulable pool is due for another try.
    pub fn next_wake(&self) -> Option<Millis> {
        if !self.active.is_empty() {
            return Some(Millis::MIN);
        }
        self.unschedulable
            .values()
            .map(|t| t + UNSCHEDULABLE_MAX)
            .min()
    }

    /// Reads changes, requeues what they may have unblocked, and schedules the queue.
    pub fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let mut cluster_changed = false;
        let watched: Vec<(crate::store::EventType, Rc<Value>)> =
            match api.store.watch("/registry/", self.last_revision) {
                Ok(evs) => evs
                    .iter()
                    .filter(|e| {
                        e.kv.key.starts_with("/registry/pods/")
                            || e.kv.key.starts_with("/registry/nodes/")
                    })
                    .map(|e| (e.kind, e.kv.value()))
                    .collect(),
                Err(_) => {
                    cluster_changed = true;
                    self.placed.clear();
                    api.store
                        .range("/registry/pods/")
                        .map(|kv| (crate::store::EventType::Put, kv.value()))
                        .collect()
                }
            };
        self.last_revision = api.store.revision();
        for (kind, obj) in watched {
            if obj["kind"] == "Node" {
                cluster_changed = true;
                continue;
            }
            let key = format!(
                "{}/{}",
                obj["metadata"]["namespace"].as_str().unwrap_or(""),
                obj["metadata"]["name"].as_str().unwrap_or("")
            );
            self.track(&key, &obj, kind == crate::store::EventType::Delete);
            match kind {
                crate::store::EventType::Delete => {
                    self.unschedulable.remove(&key);
                    self.active.retain(|k| k != &key);
                    self.diagnoses.remove(&key);
                    cluster_changed = true;
                }
                crate::store::EventType::Put if is_ours_and_pending(&obj) => {
                    if !self.active.contains(&key) && !self.unschedulable.contains_key(&key) {
                        self.active.push(key);
                    }
                }
                crate::store::EventType::Put => {
                    self.unschedulable.remove(&key);
                    self.active.retain(|k| k != &key);
                    self.diagnoses.remove(&key);
                    if obj["metadata"]["deletionTimestamp"].is_string() {
                        cluster_changed = true;
                    }
                }
            }
        }
        let now = api.now();
        let due: Vec<String> = self
            .unschedulable
            .iter()
            .filter(|(_, t)| cluster_changed || now >= *t + UNSCHEDULABLE_MAX)
            .map(|(k, _)| k.clone())
            .collect();
        for k in due {
            self.unschedulable.remove(&k);
            self.active.push(k);
        }
        if self.active.is_empty() {
            return;
        }
        let mut nodes = self.snapshot(api);
        let mut queue = std::mem::take(&mut self.active);
        // Higher priority first; arrival order otherwise (PrioritySort, a stable sort).
        queue.sort_by_cached_key(|k| {
            let (ns, name) = k.split_once('/').unwrap_or(("", ""));
            let key = resources::pods().key(ns, name);
            let priority = api
                .store
                .get(&key)
                .and_then(|kv| kv.value()["spec"]["priority"].as_i64())
                .unwrap_or(0);
            std::cmp::Reverse(priority)
        });
        for key in queue {
            let (ns, name) = key.split_once('/').unwrap_or(("", ""));
            let Ok(value) = api.get(resources::pods(), ns, name) else {
                continue;
            };
            if !is_ours_and_pending(&value) {
                continue;
            }
            let Ok(pod) = serde_json::from_value::<Pod>(value.clone()) else {
                continue;
            };
            let outcome = match plugins::volume_binding::pre_filter(api, &value) {
                Some(reason) => pre_filter_failure(&nodes, reason),
                None => self.schedule_one(&pod, &nodes),
            };
            match outcome {
                Outcome::Bound { node } => {
                    let scheduler = User::system("system:kube-scheduler");
                    if Client::component(api, scheduler)
                        .bind(ns, name, &node)
                        .is_ok()
                    {
                        if let Some(info) = nodes.iter_mut().find(|n| n.name() == node) {
                            info.add_pod(&pod);
                        }
                        // Assumed placed, as upstream's cache assumes a bound pod: the
                        // bind's own change is not read back.
                        self.placed.insert(key.clone(), Placed::of(&node, &pod));
                        rec.record(
                            api,
                            &ObjectRef::of(&value),
                            "Normal",
                            "Scheduled",
                            &format!("Successfully assigned {ns}/{name} to {node}"),
                            Source::Scheduler,
                        );
                        self.diagnoses.remove(&key);
                    }
                }
                outcome @ Outcome::Unschedulable { .. } => {
                    if let Outcome::Unschedulable { message, .. } = &outcome {
                        rec.record(
                            api,
                            &ObjectRef::of(&value),
                            "Warning",
                            "FailedScheduling",
                            message,
                            Source::Scheduler,
                        );
                    }
                    self.unschedulable.insert(key.clone(), now);
                    self.diagnoses.insert(key, outcome);
                }
            }
        }
        self.last_revision = api.store.revision();
    }

    /// Follows a pod's change in `placed`.
    fn track(&mut self, key: &str, pod: &Value, gone: bool) {
        let node = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty());
        let finished = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        );
        let generation = pod["metadata"]["generation"].as_i64().unwrap_or(0);
        let same = |p: &Placed| Some(p.node.as_str()) == node && p.generation == generation;
        if !gone && !finished && self.placed.get(key).is_some_and(same) {
            // A status change: the spec, and with it the requests, are as they were (a
            // resize bumps the generation).
            return;
        }
        let typed = match node {
            Some(_) if !gone && !finished => serde_json::from_value::<Pod>(pod.clone()).ok(),
            _ => None,
        };
        match (node, typed) {
            (Some(node), Some(typed)) => {
                self.placed
                    .insert(key.to_string(), Placed::of(node, &typed));
            }
            _ => {
                self.placed.remove(key);
            }
        }
    }

    /// The nodes with what their pods take.
    fn snapshot(&self, api: &ApiServer) -> Vec<NodeInfo> {
        let mut infos: Vec<NodeInfo> = api
            .list_typed::<Node>(resources::nodes(), None)
            .into_iter()
            .map(NodeInfo::new)
            .collect();
        let index: BTreeMap<String, usize> = kubarium_tools::sort::insert_all(
            infos
                .iter()
                .enumerate()
                .map(|(i, n)| (n.name().to_string(), i)),
        );
        for p in self.placed.values() {
            if let Some(info) = index.get(&p.node).and_then(|&i| infos.get_mut(i)) {
                info.add(&p.requests, &p.non_zero);
            }
        }
        infos
    }

    fn schedule_one(&mut self, pod: &Pod, nodes: &[NodeInfo]) -> Outcome {
        let filters = filters();
        let mut feasible = vec![];
        let mut per_node = vec![];
        for info in nodes {
            let failed = filters
                .iter()
                .map(|f| f.filter(pod, info))
                .find(|s| !s.is_success());
            match failed {
                None => feasible.push(info),
                Some(status) => per_node.push((info.name().to_string(), status)),
            }
        }
        if feasible.is_empty() {
            let message = if nodes.is_empty() {
                "no nodes available to schedule pods".to_string()
            } else {
                fit_error_message(nodes.len(), &per_node, None)
            };
            return Outcome::Unschedulable { message, per_node };
        }
        let scorers = scorers();
        let scored: Vec<(i64, &NodeInfo)> = feasible
            .into_iter()
            .map(|n| {
                (
                    scorers.iter().map(|s| s.score(pod, n) * s.weight()).sum(),
                    n,
                )
            })
            .collect();
        let best = scored.iter().map(|(s, _)| *s).max().unwrap_or(0);
        let top: Vec<&NodeInfo> = scored
            .iter()
            .filter(|(s, _)| *s == best)
            .map(|(_, n)| *n)
            .collect();
        let pick = top[self.rng.below(top.len() as u64) as usize];
        Outcome::Bound {
            node: pick.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_reads_like_the_real_one() {
        let per_node = vec![
            (
                "controlplane".to_string(),
                Status::unresolvable(
                    "TaintToleration",
                    "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
                ),
            ),
            (
                "node01".to_string(),
                Status::unschedulable("NodeResourcesFit", vec!["Insufficient cpu".into()]),
            ),
            (
                "node02".to_string(),
                Status::unschedulable("NodeResourcesFit", vec!["Insufficient cpu".into()]),
            ),
        ];
        assert_eq!(
            fit_error_message(3, &per_node, None),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }
}
