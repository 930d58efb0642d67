//! NamespaceLifecycle: no new objects in missing or terminating namespaces; the system
//! namespaces can't be deleted. NamespaceExists (off by default) checks existence alone.

use super::Attributes;
use crate::apiserver::errors::ApiError;

/// Namespaces that may never be deleted.
pub const IMMORTAL: &[&str] = &["default", "kube-system", "kube-public"];

pub fn validate(attrs: &Attributes<'_>) -> Result<(), ApiError> {
    if !attrs.resource.namespaced {
        return Ok(());
    }
    let key = format!("/registry/namespaces/{}", attrs.namespace);
    let Some(ns) = attrs.store.get(&key) else {
        return Err(ApiError::not_found("namespaces", attrs.namespace));
    };
    if ns.value().pointer("/metadata/deletionTimestamp").is_some()
        && attrs.resource.plural != "events"
    {
        return Err(ApiError::forbidden(
            &attrs.resource.group_resource(),
            attrs.name,
            &format!(
                "unable to create new content in namespace {} because it is being terminated",
                attrs.namespace
            ),
        ));
    }
    Ok(())
}

/// NamespaceExists (off by default): the namespace of a new object must exist.
pub fn exists(attrs: &Attributes<'_>) -> Result<(), ApiError> {
    let key = format!("/registry/namespaces/{}", attrs.namespace);
    if attrs.resource.namespaced && attrs.store.get(&key).is_none() {
        return Err(ApiError::not_found("namespaces", attrs.namespace));
    }
    Ok(())
}

/// Refuses deleting the namespaces the cluster needs.
pub fn check_delete(namespace: &str) -> Result<(), ApiError> {
    if IMMORTAL.contains(&namespace) {
        return Err(ApiError::forbidden(
            "namespaces",
            namespace,
            "this namespace may not be deleted",
        ));
    }
    Ok(())
}
