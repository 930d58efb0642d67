//! The kubelet's admission of a pod bound to its node (lifecycle/predicate.go): it
//! repeats the scheduler's checks that a pod placed by `spec.nodeName` skipped (the
//! node's room for its requests, then its node affinity and selector, then its NoExecute
//! taints) and rejects a pod that fails one, for good.

use k8s_openapi::api::core::v1::{Node, Pod, Taint, Toleration};
use serde_json::Value;

use crate::scheduler::framework::{FilterPlugin, NodeInfo, Resources};
use crate::scheduler::plugins::node_affinity::NodeAffinity;
use crate::scheduler::plugins::taint_toleration;

/// Why the kubelet rejects a pod: the reason its status and event carry, and the message
/// (the status's follows `Pod was rejected: `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
    pub message: String,
}

/// Admits `pod`, which requests `want`, to `node`, beside the requests of the pods
/// already admitted there.
pub fn admit(
    pod: &Value,
    want: Resources,
    node: &Node,
    admitted: &[Resources],
) -> Result<(), Rejection> {
    // The kubelet reads the pod's tolerations against a taint of its own making
    // (memory pressure) and the node's NoExecute taints.
    let tolerations: Vec<Toleration> =
        crate::apiserver::decode::typed(pod["spec"]["tolerations"].clone()).unwrap_or_default();
    let tolerated = |taint: &Taint| {
        tolerations
            .iter()
            .any(|t| taint_toleration::tolerates(t, taint))
    };
    // Static pods (their mirror pods here) are critical, as are pods of a system priority.
    let mirror = pod["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string();
    let critical = mirror
        || pod["spec"]["priority"]
            .as_i64()
            .is_some_and(|p| p >= super::eviction::CRITICAL_PRIORITY);
    // The eviction manager's admission check comes first: a node short of memory takes
    // no BestEffort pods.
    let pressured = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "MemoryPressure" && c.status == "True")
        });
    let memory_pressure = Taint {
        key: "node.kubernetes.io/memory-pressure".into(),
        effect: "NoSchedule".into(),
        ..Default::default()
    };
    if pressured
        && pod["status"]["qosClass"] == "BestEffort"
        && !critical
        && !tolerated(&memory_pressure)
    {
        return Err(Rejection {
            reason: "Evicted".into(),
            message: "The node had condition: [MemoryPressure]. ".into(),
        });
    }
    let mut info = NodeInfo::new(node.clone());
    for r in admitted {
        info.requested.milli_cpu += r.milli_cpu;
        info.requested.memory += r.memory;
        info.requested.pods += 1;
    }
    // The first resource that does not fit, in the scheduler's order.
    let lacking = [
        ("pods", 1, info.requested.pods, info.allocatable.pods),
        (
            "cpu",
            want.milli_cpu,
            info.requested.milli_cpu,
            info.allocatable.milli_cpu,
        ),
        (
            "memory",
            want.memory,
            info.requested.memory,
            info.allocatable.memory,
        ),
    ]
    .into_iter()
    .find(|&(_, want, used, capacity)| want > 0 && used.saturating_add(want) > capacity);
    if let Some((name, requested, used, capacity)) = lacking {
        return Err(Rejection {
            reason: format!("OutOf{name}"),
            message: format!(
                "Node didn't have enough resource: {name}, requested: {requested}, used: {used}, capacity: {capacity}"
            ),
        });
    }
    // Only a pod that asks for certain nodes is read as a typed Pod.
    let asks = pod["spec"]["nodeSelector"].is_object() || pod["spec"]["affinity"].is_object();
    let typed = asks
        .then(|| serde_json::from_value::<Pod>(pod.clone()).ok())
        .flatten();
    if typed.is_some_and(|t| !NodeAffinity.filter(&t, &info).is_success()) {
        return Err(Rejection {
            reason: "NodeAffinity".into(),
            message:
                "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"
                    .into(),
        });
    }
    // Of the node's taints the kubelet minds only NoExecute ones, and not for static pods.
    let untolerated = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .any(|t| t.effect == "NoExecute" && !tolerated(t));
    if untolerated && !mirror {
        return Err(Rejection {
            reason: "TaintToleration".into(),
            message:
                "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate"
                    .into(),
        });
    }
    Ok(())
}
