//! TaintNodesByCondition: a new Node starts tainted `node.kubernetes.io/not-ready:NoSchedule`
//! until the node lifecycle controller sees it Ready and removes the taint.

use std::any::Any;

use k8s_openapi::api::core::v1::{Node, Taint};

pub const NOT_READY: &str = "node.kubernetes.io/not-ready";

pub fn admit(obj: &mut dyn Any) {
    let Some(node) = obj.downcast_mut::<Node>() else {
        return;
    };
    let taints = node
        .spec
        .get_or_insert_with(Default::default)
        .taints
        .get_or_insert_with(Vec::new);
    if !taints
        .iter()
        .any(|t| t.key == NOT_READY && t.effect == "NoSchedule")
    {
        taints.push(Taint {
            key: NOT_READY.into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        });
    }
}
