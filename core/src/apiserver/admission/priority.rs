//! Priority: resolves a pod's priorityClassName to its priority (the built-in
//! system-node-critical and system-cluster-critical classes, else the default 0) and
//! sets the preemption policy.

use std::any::Any;

use k8s_openapi::api::core::v1::Pod;

use super::Attributes;
use crate::apiserver::errors::ApiError;

/// The PriorityClasses every cluster has.
pub const SYSTEM_CLASSES: &[(&str, i32)] = &[
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any) -> Result<(), ApiError> {
    let Some(pod) = obj.downcast_mut::<Pod>() else {
        return Ok(());
    };
    let Some(spec) = pod.spec.as_mut() else {
        return Ok(());
    };
    let computed = match spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        None => 0,
        Some(class) => match SYSTEM_CLASSES.iter().find(|(n, _)| *n == class) {
            Some((_, value)) => *value,
            None => {
                return Err(ApiError::forbidden(
                    "pods",
                    attrs.name,
                    &format!("no PriorityClass with name {class} was found"),
                ));
            }
        },
    };
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
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    Ok(())
}
