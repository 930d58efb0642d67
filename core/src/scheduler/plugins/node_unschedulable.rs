//! NodeUnschedulable: cordoned nodes take no new pods unless the pod tolerates the
//! `node.kubernetes.io/unschedulable` taint.

const NAME: &str = "NodeUnschedulable";

use k8s_openapi::api::core::v1::{Pod, Taint};

use super::taint_toleration::tolerates;
use crate::scheduler::framework::{FilterPlugin, NodeInfo, Status};

pub struct NodeUnschedulable;

impl FilterPlugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, pod: &Pod, node: &NodeInfo) -> Status {
        let cordoned = node
            .node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false);
        if !cordoned {
            return Status::success();
        }
        let taint = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            effect: "NoSchedule".into(),
            value: None,
            time_added: None,
        };
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.clone())
            .unwrap_or_default();
        if tolerations.iter().any(|t| tolerates(t, &taint)) {
            return Status::success();
        }
        Status::unresolvable(NAME, "node(s) were unschedulable")
    }
}
