//! ClusterRole strategy: rules as for Roles, non-resource URLs allowed; an aggregation
//! rule's roles are filled in by the clusterrole-aggregation controller.

use k8s_openapi::api::rbac::v1::ClusterRole;

use super::role::{rbac_name, validate_rules};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

impl Strategy for ClusterRole {
    fn validate_name(name: &str) -> Vec<String> {
        rbac_name(name)
    }

    fn validate(&self) -> Vec<FieldError> {
        validate_rules(self.rules.as_deref().unwrap_or(&[]), false)
    }
}
