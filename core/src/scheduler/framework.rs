//! The scheduling framework's contracts: plugin Status with codes and reasons, NodeInfo,
//! and the filter and score extension points.

use k8s_openapi::api::core::v1::{Node, Pod};

use crate::quantity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Success,
    /// The pod might fit after other pods go away (preemption may help).
    Unschedulable,
    /// Nothing short of changing the node or the pod helps.
    UnschedulableAndUnresolvable,
}

/// A plugin's verdict with its reasons, worded as the real plugins word them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<String>,
    pub plugin: &'static str,
}

impl Status {
    pub fn success() -> Self {
        Status {
            code: Code::Success,
            reasons: vec![],
            plugin: "",
        }
    }

    pub fn unschedulable(plugin: &'static str, reasons: Vec<String>) -> Self {
        Status {
            code: Code::Unschedulable,
            reasons,
            plugin,
        }
    }

    pub fn unresolvable(plugin: &'static str, reason: impl Into<String>) -> Self {
        Status {
            code: Code::UnschedulableAndUnresolvable,
            reasons: vec![reason.into()],
            plugin,
        }
    }

    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }
}

/// Resources in scheduler units: millicores, bytes, pod count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub milli_cpu: i128,
    pub memory: i128,
    pub pods: i128,
}

/// A node with what is already placed on it.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub node: Node,
    pub allocatable: Resources,
    pub requested: Resources,
    /// Requests with the scheduler's non-zero defaults, used for scoring.
    pub non_zero_requested: Resources,
}

/// Default requests the scheduler assumes for scoring when a container sets none.
pub const DEFAULT_MILLI_CPU: i128 = 100;
pub const DEFAULT_MEMORY: i128 = 200 * 1024 * 1024;

fn requests_of(pod: &Pod, non_zero: bool) -> Resources {
    let mut r = Resources {
        pods: 1,
        ..Default::default()
    };
    let Some(spec) = &pod.spec else { return r };
    let get = |c: &k8s_openapi::api::core::v1::Container, name: &str| -> Option<i128> {
        c.resources
            .as_ref()?
            .requests
            .as_ref()?
            .get(name)
            .and_then(|q| quantity::parse(&q.0))
    };
    for c in &spec.containers {
        let cpu = get(c, "cpu");
        let mem = get(c, "memory").map(|m| m / 1000);
        r.milli_cpu =
            r.milli_cpu
                .saturating_add(cpu.unwrap_or(if non_zero { DEFAULT_MILLI_CPU } else { 0 }));
        r.memory =
            r.memory
                .saturating_add(mem.unwrap_or(if non_zero { DEFAULT_MEMORY } else { 0 }));
    }
    // Init containers run before the app containers: the pod needs the larger of the two.
    for c in spec.init_containers.iter().flatten() {
        r.milli_cpu = r.milli_cpu.max(get(c, "cpu").unwrap_or(0));
        r.memory = r
            .memory
            .max(get(c, "memory").map(|m| m / 1000).unwrap_or(0));
    }
    if let Some(overhead) = &spec.overhead {
        r.milli_cpu += overhead
            .get("cpu")
            .and_then(|q| quantity::parse(&q.0))
            .unwrap_or(0);
        r.memory += overhead
            .get("memory")
            .and_then(|q| quantity::parse(&q.0))
            .map(|m| m / 1000)
            .unwrap_or(0);
    }
    r
}

/// What a pod asks for (effective requests).
pub fn pod_requests(pod: &Pod) -> Resources {
    requests_of(pod, false)
}

impl NodeInfo {
    pub fn new(node: Node) -> Self {
        let alloc = node
            .status
            .as_ref()
            .and_then(|s| s.allocatable.clone())
            .unwrap_or_default();
        let q = |k: &str| {
            alloc
                .get(k)
                .and_then(|q| quantity::parse(&q.0))
                .unwrap_or(0)
        };
        let allocatable = Resources {
            milli_cpu: q("cpu"),
            memory: q("memory") / 1000,
            pods: q("pods") / 1000,
        };
        NodeInfo {
            node,
            allocatable,
            requested: Resources::default(),
            non_zero_requested: Resources::default(),
        }
    }

    pub fn name(&self) -> &str {
        self.node.metadata.name.as_deref().unwrap_or("")
    }

    /// Accounts for a pod placed on this node.
    pub fn add_pod(&mut self, pod: &Pod) {
        self.add(&requests_of(pod, false), &requests_of(pod, true));
    }

    /// Accounts for a pod's requests, plain and with the scoring defaults.
    pub fn add(&mut self, r: &Resources, nz: &Resources) {
        for (total, add) in [(&mut self.requested, r), (&mut self.non_zero_requested, nz)] {
            total.milli_cpu = total.milli_cpu.saturating_add(add.milli_cpu);
            total.memory = total.memory.saturating_add(add.memory);
            total.pods += 1;
        }
    }

    /// Requests of `pod` with the scoring defaults.
    pub fn non_zero_requests(pod: &Pod) -> Resources {
        requests_of(pod, true)
    }
}

pub trait FilterPlugin {
    fn name(&self) -> &'static str;
    fn filter(&self, pod: &Pod, node: &NodeInfo) -> Status;
}

pub trait ScorePlugin {
    fn name(&self) -> &'static str;
    /// A score in 0..=100 (after normalisation by the plugin itself).
    fn score(&self, pod: &Pod, node: &NodeInfo) -> i64;
    fn weight(&self) -> i64 {
        1
    }
}
