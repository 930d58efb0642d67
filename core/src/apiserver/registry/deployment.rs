//! Deployment strategy: apps/v1 defaults (one replica, RollingUpdate 25%/25%, ten
//! revisions, a 600 s progress deadline), validation, and the immutable selector.

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentStatus, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::workload::{
    default_template, go_int_or_string, immutable_selector, non_negative, validate_replicated,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

const STRATEGIES: &[&str] = &["Recreate", "RollingUpdate"];

fn is_zero(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i == 0,
        IntOrString::String(s) => s.trim_end_matches('%') == "0",
    }
}

impl Strategy for Deployment {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.replicas.get_or_insert(1);
        let strategy = spec
            .strategy
            .get_or_insert_with(DeploymentStrategy::default);
        let ty = strategy
            .type_
            .get_or_insert_with(|| "RollingUpdate".into())
            .clone();
        if ty == "RollingUpdate" {
            let ru = strategy
                .rolling_update
                .get_or_insert_with(RollingUpdateDeployment::default);
            ru.max_unavailable
                .get_or_insert_with(|| IntOrString::String("25%".into()));
            ru.max_surge
                .get_or_insert_with(|| IntOrString::String("25%".into()));
        }
        spec.revision_history_limit.get_or_insert(10);
        spec.progress_deadline_seconds.get_or_insert(600);
        default_template(&mut spec.template);
        self.status = Some(DeploymentStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.selector")];
        };
        let mut errs = validate_replicated(
            spec.replicas,
            &spec.selector,
            Some(&spec.template),
            "deployment",
        );
        if let Some(st) = &spec.strategy {
            let ty = st.type_.as_deref().unwrap_or("RollingUpdate");
            errs.extend(FieldError::one_of(
                "spec.strategy.type",
                Some(ty),
                STRATEGIES,
            ));
            if ty == "Recreate" && st.rolling_update.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
            if let Some(ru) = &st.rolling_update {
                if let (Some(mu), Some(ms)) = (&ru.max_unavailable, &ru.max_surge) {
                    if is_zero(mu) && is_zero(ms) {
                        errs.push(FieldError::invalid_raw(
                            "spec.strategy.rollingUpdate.maxUnavailable",
                            &go_int_or_string(mu),
                            "may not be 0 when `maxSurge` is 0",
                        ));
                    }
                }
            }
        }
        errs.extend(non_negative(spec.min_ready_seconds, "spec.minReadySeconds"));
        errs.extend(non_negative(
            spec.revision_history_limit,
            "spec.revisionHistoryLimit",
        ));
        if let (Some(p), m) = (
            spec.progress_deadline_seconds,
            spec.min_ready_seconds.unwrap_or(0),
        ) {
            if p <= m {
                errs.push(FieldError::invalid_raw(
                    "spec.progressDeadlineSeconds",
                    &p.to_string(),
                    "must be greater than minReadySeconds",
                ));
            }
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        // Defaults apply to every write, as the API server decodes each.
        if let Some(spec) = self.spec.as_mut() {
            default_template(&mut spec.template);
        }
        immutable_selector(
            self.spec.as_ref().map(|s| &s.selector),
            old.spec.as_ref().map(|s| &s.selector),
            "spec.selector",
        )
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["spec", "metadata.annotations"];
    const STATUS_SETS_ANNOTATIONS: bool = true;
}
