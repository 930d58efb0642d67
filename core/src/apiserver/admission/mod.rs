//! The admission chain: mutating plugins, then validating plugins, run on every create.

pub mod default_toleration_seconds;
pub mod limit_ranger;
pub mod namespace_lifecycle;
pub mod pod_security;
pub mod priority;
pub mod resource_quota;
pub mod service_account;

use std::any::Any;

use super::errors::ApiError;
use super::resources::Resource;
use crate::rng::Rng;
use crate::store::Store;

/// What admission sees of a request.
pub struct Attributes<'a> {
    pub resource: &'static Resource,
    pub namespace: &'a str,
    pub name: &'a str,
    pub store: &'a Store,
}

/// Runs the mutating plugins, in the order the API server enables them.
pub fn mutate(attrs: &Attributes<'_>, obj: &mut dyn Any, rng: &mut Rng) -> Result<(), ApiError> {
    namespace_lifecycle::validate(attrs)?;
    limit_ranger::admit(attrs, obj);
    service_account::admit(attrs, obj, rng)?;
    priority::admit(attrs, obj)?;
    default_toleration_seconds::admit(attrs, obj);
    Ok(())
}

/// Runs the validating plugins on the object as it will be stored (after the kind's own
/// validation, as the API server runs them); returns their warnings.
pub fn validate(attrs: &Attributes<'_>, obj: &serde_json::Value) -> Result<Vec<String>, ApiError> {
    limit_ranger::validate(attrs, obj)?;
    let warnings = pod_security::validate(attrs, obj)?;
    resource_quota::validate(attrs, obj)?;
    Ok(warnings)
}

/// The plugins that guard deletes: the system namespaces and PriorityClasses stay.
pub fn check_delete(resource: &Resource, name: &str) -> Result<(), ApiError> {
    match (resource.group, resource.plural) {
        ("", "namespaces") => namespace_lifecycle::check_delete(name),
        ("scheduling.k8s.io", "priorityclasses") => priority::check_delete(name),
        _ => Ok(()),
    }
}
