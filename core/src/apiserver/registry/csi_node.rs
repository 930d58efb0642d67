//! CSINode strategy: each driver named once, with a node ID.

use k8s_openapi::api::storage::v1::CSINode;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

impl Strategy for CSINode {
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        for (i, d) in self.spec.drivers.iter().enumerate() {
            let at = format!("spec.drivers[{i}]");
            if d.name.is_empty() {
                errs.push(FieldError::required(format!("{at}.name")));
            } else if self.spec.drivers[..i].iter().any(|o| o.name == d.name) {
                errs.push(FieldError::duplicate(format!("{at}.name"), &d.name));
            }
            if d.node_id.is_empty() {
                errs.push(FieldError::required(format!("{at}.nodeID")));
            }
        }
        errs
    }
}
