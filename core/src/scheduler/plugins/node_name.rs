//! NodeName: a pod that names a node fits only there.

const NAME: &str = "NodeName";

use k8s_openapi::api::core::v1::Pod;

use crate::scheduler::framework::{FilterPlugin, NodeInfo, Status};

pub struct NodeName;

impl FilterPlugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, pod: &Pod, node: &NodeInfo) -> Status {
        match pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            Some(n) if !n.is_empty() && n != node.name() => {
                Status::unresolvable(NAME, "node(s) didn't match the requested node name")
            }
            _ => Status::success(),
        }
    }
}
