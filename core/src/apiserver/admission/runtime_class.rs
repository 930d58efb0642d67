//! RuntimeClass: a pod's runtimeClassName must name a RuntimeClass; the class's overhead
//! and scheduling constraints are added to the pod.

use std::any::Any;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::node::v1::RuntimeClass;

use super::Attributes;
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;

pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any) -> Result<(), ApiError> {
    let Some(pod) = obj.downcast_mut::<Pod>() else {
        return Ok(());
    };
    let Some(spec) = pod.spec.as_mut() else {
        return Ok(());
    };
    let Some(name) = spec.runtime_class_name.clone().filter(|n| !n.is_empty()) else {
        return Ok(());
    };
    let class: Option<RuntimeClass> = resources::find("node.k8s.io", "v1", "runtimeclasses")
        .and_then(|r| attrs.store.get(&r.key("", &name)))
        .and_then(|kv| crate::apiserver::decode::typed((*kv.value()).clone()).ok());
    let Some(class) = class else {
        return Err(ApiError::forbidden(
            "pods",
            attrs.name,
            &format!("pod rejected: RuntimeClass \"{name}\" not found"),
        ));
    };
    if let Some(overhead) = class.overhead.and_then(|o| o.pod_fixed) {
        if spec.overhead.as_ref().is_some_and(|o| *o != overhead) {
            return Err(ApiError::forbidden(
                "pods",
                attrs.name,
                "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead",
            ));
        }
        spec.overhead = Some(overhead);
    }
    if let Some(scheduling) = class.scheduling {
        for (k, v) in scheduling.node_selector.into_iter().flatten() {
            let selector = spec.node_selector.get_or_insert_with(Default::default);
            match selector.get(&k) {
                Some(existing) if *existing != v => {
                    return Err(ApiError::forbidden(
                        "pods",
                        attrs.name,
                        "pod rejected: conflict: runtimeClass.scheduling.nodeSelector selector conflicts with pod.spec.nodeSelector",
                    ))
                }
                _ => {
                    selector.insert(k, v);
                }
            }
        }
        let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
        for t in scheduling.tolerations.into_iter().flatten() {
            if !tolerations.contains(&t) {
                tolerations.push(t);
            }
        }
    }
    Ok(())
}
