//! Priority: resolves a pod's priorityClassName to the PriorityClass's value (without a
//! name, the global default class or 0) and takes its preemption policy.

use std::any::Any;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::scheduling::v1::PriorityClass;

use super::Attributes;
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;

/// The PriorityClasses every cluster has (the API server creates them at start).
pub const SYSTEM_CLASSES: &[(&str, i32)] = &[
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// The description of each system class.
pub fn system_description(name: &str) -> &'static str {
    if name == "system-node-critical" {
        "Used for system critical pods that must not be moved from their current node."
    } else {
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."
    }
}

/// The stored PriorityClasses.
fn classes(attrs: &Attributes<'_>) -> Vec<PriorityClass> {
    attrs
        .store
        .range(&resources::priority_classes().prefix(None))
        .filter_map(|kv| crate::apiserver::decode::typed((*kv.value()).clone()).ok())
        .collect()
}

pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any) -> Result<(), ApiError> {
    let Some(pod) = obj.downcast_mut::<Pod>() else {
        return Ok(());
    };
    let Some(spec) = pod.spec.as_mut() else {
        return Ok(());
    };
    let classes = classes(attrs);
    let class = match spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        None => {
            let default = classes.iter().find(|c| c.global_default == Some(true));
            if let Some(d) = default {
                spec.priority_class_name = d.metadata.name.clone();
            }
            default
        }
        Some(name) => match classes
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name))
        {
            Some(c) => Some(c),
            None => {
                return Err(ApiError::forbidden(
                    "pods",
                    attrs.name,
                    &format!("no PriorityClass with name {name} was found"),
                ));
            }
        },
    };
    let computed = class.map_or(0, |c| c.value);
    if let Some(given) = spec.priority {
        if given != computed {
            return Err(ApiError::forbidden(
                "pods",
                attrs.name,
                &format!("the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {computed} from the given PriorityClass name"),
            ));
        }
    }
    spec.priority = Some(computed);
    let policy = class
        .and_then(|c| c.preemption_policy.clone())
        .unwrap_or_else(|| "PreemptLowerPriority".into());
    spec.preemption_policy.get_or_insert(policy);
    Ok(())
}

/// The system classes cannot be deleted.
pub fn check_delete(name: &str) -> Result<(), ApiError> {
    if SYSTEM_CLASSES.iter().any(|(n, _)| *n == name) {
        return Err(ApiError::forbidden(
            "priorityclasses.scheduling.k8s.io",
            name,
            &format!("cannot delete system priority class {name}"),
        ));
    }
    Ok(())
}
