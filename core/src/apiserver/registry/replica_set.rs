//! ReplicaSet strategy: one replica by default, the selector matching the template, the
//! immutable selector.

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};

use super::workload::{
    default_template, immutable_selector, non_negative, validate_selector, validate_template,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

impl Strategy for ReplicaSet {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.replicas.get_or_insert(1);
        if let Some(t) = spec.template.as_mut() {
            default_template(t);
        }
        self.status = Some(ReplicaSetStatus {
            replicas: 0,
            ..Default::default()
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.selector")];
        };
        let mut errs = non_negative(spec.replicas, "spec.replicas");
        let (sel_errs, selector) =
            validate_selector(Some(&spec.selector), "spec.selector", "deployment");
        errs.extend(sel_errs);
        match &spec.template {
            Some(t) => errs.extend(validate_template(t, "spec.template", selector, &["Always"])),
            None if spec.replicas.unwrap_or(1) > 0 => {
                errs.push(FieldError::required("spec.template"))
            }
            None => {}
        }
        errs.extend(non_negative(spec.min_ready_seconds, "spec.minReadySeconds"));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        immutable_selector(
            self.spec.as_ref().map(|s| &s.selector),
            old.spec.as_ref().map(|s| &s.selector),
            "spec.selector",
        )
    }

    spec_and_status!();
}
