//! NodeResourcesFit: the pod's requests must fit the node's allocatable; LeastAllocated
//! scoring prefers emptier nodes.

const NAME: &str = "NodeResourcesFit";

use k8s_openapi::api::core::v1::Pod;

use crate::scheduler::framework::{pod_requests, FilterPlugin, NodeInfo, ScorePlugin, Status};

pub struct NodeResourcesFit;

impl FilterPlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, pod: &Pod, node: &NodeInfo) -> Status {
        let want = pod_requests(pod);
        let mut reasons = vec![];
        if node.requested.pods + 1 > node.allocatable.pods {
            reasons.push("Too many pods".to_string());
        }
        if want.milli_cpu > 0
            && node.requested.milli_cpu.saturating_add(want.milli_cpu) > node.allocatable.milli_cpu
        {
            reasons.push("Insufficient cpu".to_string());
        }
        if want.memory > 0
            && node.requested.memory.saturating_add(want.memory) > node.allocatable.memory
        {
            reasons.push("Insufficient memory".to_string());
        }
        if reasons.is_empty() {
            Status::success()
        } else {
            Status::unschedulable(NAME, reasons)
        }
    }
}

impl ScorePlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn score(&self, pod: &Pod, node: &NodeInfo) -> i64 {
        let want = NodeInfo::non_zero_requests(pod);
        let least = |requested: i128, capacity: i128| -> i64 {
            if capacity <= 0 || requested > capacity {
                0
            } else {
                ((capacity - requested) * 100 / capacity) as i64
            }
        };
        let cpu = least(
            node.non_zero_requested.milli_cpu + want.milli_cpu,
            node.allocatable.milli_cpu,
        );
        let mem = least(
            node.non_zero_requested.memory + want.memory,
            node.allocatable.memory,
        );
        (cpu + mem) / 2
    }
}
