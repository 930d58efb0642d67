//! RoleBinding strategy: a Role or ClusterRole reference that never changes, and subjects.

use k8s_openapi::api::rbac::v1::RoleBinding;

use super::role::{
    default_subjects, immutable_role_ref, rbac_name, validate_role_ref, validate_subjects,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

impl Strategy for RoleBinding {
    fn validate_name(name: &str) -> Vec<String> {
        rbac_name(name)
    }

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        default_subjects(&mut self.subjects);
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = validate_role_ref(&self.role_ref, &["Role", "ClusterRole"]);
        errs.extend(validate_subjects(
            self.subjects.as_deref().unwrap_or(&[]),
            false,
        ));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        default_subjects(&mut self.subjects);
        immutable_role_ref(&self.role_ref, &old.role_ref)
    }
}
