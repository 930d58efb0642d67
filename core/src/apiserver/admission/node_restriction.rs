//! NodeRestriction: a kubelet (user `system:node:<name>`) may change only its own Node,
//! create only mirror pods bound to itself, and update only the status of pods bound to
//! itself.

use serde_json::Value;

use super::{Attributes, Operation};
use crate::apiserver::errors::ApiError;

const MIRROR: &str = "kubernetes.io/config.mirror";

pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<(), ApiError> {
    let Some(node) = attrs.user.and_then(|u| u.name.strip_prefix("system:node:")) else {
        return Ok(());
    };
    let r = attrs.resource;
    let forbidden = |why: String| Err(ApiError::forbidden(&r.group_resource(), attrs.name, &why));
    match (r.group, r.plural, attrs.operation) {
        ("", "nodes", _) if attrs.name != node => forbidden(format!(
            "node \"{node}\" is not allowed to modify node \"{}\"",
            attrs.name
        )),
        ("", "pods", Operation::Create) => {
            if obj["metadata"]["annotations"].get(MIRROR).is_none() {
                return forbidden(format!(
                    "pod does not have \"{MIRROR}\" annotation, node \"{node}\" can only create mirror pods"
                ));
            }
            if obj["spec"]["nodeName"] != node {
                return forbidden(format!(
                    "node \"{node}\" can only create pods with spec.nodeName set to itself"
                ));
            }
            Ok(())
        }
        ("", "pods", Operation::Update) => {
            let bound = attrs.old.unwrap_or(obj)["spec"]["nodeName"] == node;
            match attrs.subresource {
                "status" if bound => Ok(()),
                "status" => forbidden(format!(
                    "node \"{node}\" can only update pod status for pods with spec.nodeName set to itself"
                )),
                _ => forbidden(format!("node \"{node}\" can only update pod status")),
            }
        }
        _ => Ok(()),
    }
}
