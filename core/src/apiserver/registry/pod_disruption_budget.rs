//! PodDisruptionBudget strategy: the zeroed status the disruption controller fills in.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const POLICIES: &[&str] = &["AlwaysAllow", "IfHealthyBudget"];

impl Strategy for PodDisruptionBudget {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.status = Some(PodDisruptionBudgetStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        errs.extend(FieldError::one_of(
            "spec.unhealthyPodEvictionPolicy",
            self.spec
                .as_ref()
                .and_then(|s| s.unhealthy_pod_eviction_policy.as_deref()),
            POLICIES,
        ));
        errs
    }

    spec_and_status!(keep_status);
}
