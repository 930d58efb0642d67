//! PersistentVolumeClaimResize: a claim may grow only if it was provisioned by a
//! StorageClass that allows volume expansion.

use serde_json::Value;

use super::{Attributes, Operation};
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;
use crate::quantity;

fn requested_storage(pvc: &Value) -> Option<i128> {
    quantity::parse(pvc["spec"]["resources"]["requests"]["storage"].as_str()?)
}

pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<(), ApiError> {
    let r = attrs.resource;
    if attrs.operation != Operation::Update
        || !attrs.subresource.is_empty()
        || (r.group, r.plural) != ("", "persistentvolumeclaims")
    {
        return Ok(());
    }
    let Some(old) = attrs.old else {
        return Ok(());
    };
    let grows = match (requested_storage(obj), requested_storage(old)) {
        (Some(new), Some(was)) => new > was,
        _ => false,
    };
    if !grows {
        return Ok(());
    }
    let class = old["spec"]["storageClassName"].as_str().unwrap_or("");
    let expandable = resources::find("storage.k8s.io", "v1", "storageclasses")
        .and_then(|sc| attrs.store.get(&sc.key("", class)))
        .is_some_and(|kv| kv.value()["allowVolumeExpansion"] == true);
    if class.is_empty() || !expandable {
        return Err(ApiError::forbidden(
            &r.group_resource(),
            attrs.name,
            "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
        ));
    }
    Ok(())
}
