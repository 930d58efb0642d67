//! ReplicaSet strategy: one replica by default, the selector matching the template, the
//! immutable selector.

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};

use super::workload::{default_template, immutable_selector, non_negative, validate_replicated};
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
        // Upstream's ReplicaSet validation words an empty selector as a Deployment's.
        let mut errs = validate_replicated(
            spec.replicas,
            &spec.selector,
            spec.template.as_ref(),
            "deployment",
        );
        errs.extend(non_negative(spec.min_ready_seconds, "spec.minReadySeconds"));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        // Defaults apply to every write, as the API server decodes each.
        if let Some(t) = self.spec.as_mut().and_then(|s| s.template.as_mut()) {
            default_template(t);
        }
        immutable_selector(
            self.spec.as_ref().map(|s| &s.selector),
            old.spec.as_ref().map(|s| &s.selector),
            "spec.selector",
        )
    }

    spec_and_status!();
}
