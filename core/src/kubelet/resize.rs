//! In-place resize on the node: when a running pod's containers ask for other CPU or
//! memory (through `pods/resize`), the kubelet admits the new total against the node
//! (more than it has at all: `Infeasible`; more than is free beside the other pods:
//! `Deferred`, tried again at each sync) and reports that as the PodResizePending
//! condition; once admitted, the containers get it at once (their status' `resources`
//! and `allocatedResources`), restarted where their resize policy says
//! RestartContainer for a resource that changed.

use serde_json::{json, Value};

use super::{usage, Container, Kubelet, PodRuntime};
use crate::apiserver::ApiServer;
use crate::clock::Millis;

/// A resize the kubelet could not admit: reason, message, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub reason: &'static str,
    pub message: String,
    pub since: Millis,
}

/// CPU in millicores and memory in bytes that `resources` requests (limits stand for
/// missing requests, as the API server defaults them).
fn requests(resources: &Value) -> (i128, i128) {
    let get = |k: &str| {
        let q = &resources["requests"][k];
        if q.is_null() {
            resources["limits"][k].clone()
        } else {
            q.clone()
        }
    };
    let cpu = get("cpu")
        .as_str()
        .and_then(crate::quantity::parse)
        .map_or(0, i128::from);
    let memory = usage::bytes(&get("memory")).map_or(0, i128::from);
    (cpu, memory)
}

impl Container {
    /// Takes resources (and the resize policy) as they now are: its limits and memory
    /// request follow.
    pub(super) fn take_resources(&mut self, resources: &Value, policy: &Value) {
        self.resources = resources.clone();
        self.resize_policy = policy.clone();
        self.memory_limit = usage::bytes(&resources["limits"]["memory"]);
        self.memory_request = usage::bytes(&resources["requests"]["memory"]).unwrap_or(0);
        self.cpu_limit = resources["limits"]["cpu"]
            .as_str()
            .and_then(crate::quantity::parse)
            .and_then(|milli| u64::try_from(milli.saturating_mul(1000)).ok());
    }

    /// Whether a change from its resources to `new` restarts it (a resource that
    /// changed has the RestartContainer policy).
    fn restarts_for(&self, new: &Value) -> bool {
        ["cpu", "memory"].iter().any(|r| {
            let changed = ["requests", "limits"]
                .iter()
                .any(|k| self.resources[k][r] != new[k][r]);
            changed
                && self.resize_policy.as_array().is_some_and(|ps| {
                    ps.iter().any(|p| {
                        p["resourceName"] == *r && p["restartPolicy"] == "RestartContainer"
                    })
                })
        })
    }

    /// Its status' `allocatedResources` and `resources`, when it has any.
    pub(super) fn resource_status(&self, status: &mut Value) {
        let requests = &self.resources["requests"];
        if requests.as_object().is_some_and(|m| !m.is_empty()) {
            status["allocatedResources"] = requests.clone();
        }
        let mut enacted = json!({});
        for k in ["requests", "limits"] {
            if self.resources[k].as_object().is_some_and(|m| !m.is_empty()) {
                enacted[k] = self.resources[k].clone();
            }
        }
        if enacted.as_object().is_some_and(|m| !m.is_empty()) {
            status["resources"] = enacted;
        }
    }
}

impl Kubelet {
    /// Notes what `pod` (as the API server now has it) asks of its running pod's
    /// containers: those whose resources changed wait for the resize to be admitted.
    pub(super) fn note_resize(rt: &mut PodRuntime, pod: &Value) {
        let spec = &pod["spec"];
        let lists = [
            (&mut rt.containers, &spec["containers"]),
            (&mut rt.init, &spec["initContainers"]),
        ];
        for (containers, specs) in lists {
            for (c, s) in containers
                .iter_mut()
                .zip(specs.as_array().into_iter().flatten())
            {
                let resources = if s["resources"].is_object() {
                    s["resources"].clone()
                } else {
                    json!({})
                };
                if resources != c.resources {
                    c.desired = Some((resources, s["resizePolicy"].clone()));
                }
            }
        }
    }

    /// Admits the pod's waiting resize, or says why it waits.
    pub(super) fn resize(
        &mut self,
        api: &mut ApiServer,
        (key, rt): (&str, &mut PodRuntime),
        restart: &mut impl FnMut(&mut Container),
    ) {
        if rt.all().all(|c| c.desired.is_none()) {
            rt.resize_pending = None;
            return;
        }
        let now = api.now();
        // What the pod asks for with the resize, container by container.
        let (mut cpu, mut memory) = (0, 0);
        for c in rt
            .containers
            .iter()
            .chain(rt.init.iter().filter(|c| c.restartable))
        {
            let r = c.desired.as_ref().map_or(&c.resources, |(r, _)| r);
            let (c_cpu, c_mem) = requests(r);
            cpu += c_cpu;
            memory += c_mem;
        }
        let Some((node, admitted)) = self.admission_view(api, Some(key)) else {
            return;
        };
        let info = crate::scheduler::framework::NodeInfo::new(node.clone());
        let (used_cpu, used_memory) = admitted
            .iter()
            .fold((0, 0), |(c, m), r| (c + r.milli_cpu, m + r.memory));
        let verdict = if memory > info.allocatable.memory {
            Err((
                "Infeasible",
                format!(
                    "Node didn't have enough capacity: memory, requested: {memory}, capacity: {}",
                    info.allocatable.memory
                ),
            ))
        } else if cpu > info.allocatable.milli_cpu {
            Err((
                "Infeasible",
                format!(
                    "Node didn't have enough capacity: cpu, requested: {cpu}, capacity: {}",
                    info.allocatable.milli_cpu
                ),
            ))
        } else if used_memory + memory > info.allocatable.memory {
            Err(("Deferred", format!("Node didn't have enough resource: memory, requested: {memory}, used: {used_memory}, capacity: {}", info.allocatable.memory)))
        } else if used_cpu + cpu > info.allocatable.milli_cpu {
            Err(("Deferred", format!("Node didn't have enough resource: cpu, requested: {cpu}, used: {used_cpu}, capacity: {}", info.allocatable.milli_cpu)))
        } else {
            Ok(())
        };
        match verdict {
            Err((reason, message)) => {
                let since = match &rt.resize_pending {
                    Some(p) if p.reason == reason => p.since,
                    _ => now,
                };
                rt.resize_pending = Some(Pending {
                    reason,
                    message,
                    since,
                });
            }
            Ok(()) => {
                rt.resize_pending = None;
                rt.requests.milli_cpu = cpu;
                rt.requests.memory = memory;
                for c in rt.all_mut() {
                    if let Some((resources, policy)) = c.desired.take() {
                        if c.restarts_for(&resources) {
                            restart(c);
                        }
                        c.take_resources(&resources, &policy);
                    }
                }
            }
        }
    }
}
