//! DaemonSet strategy: RollingUpdate (maxUnavailable 1, maxSurge 0) and ten revisions by
//! default, the zeroed status, validation and the immutable selector.

use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetStatus, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::workload::{default_template, immutable_selector, non_negative, validate_replicated};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const STRATEGIES: &[&str] = &["OnDelete", "RollingUpdate"];

/// The annotation the apps/v1 conversion writes the template generation to.
const TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

fn template_generation(ds: &DaemonSet) -> i64 {
    ds.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(TEMPLATE_GENERATION))
        .and_then(|g| g.parse().ok())
        .unwrap_or(0)
}

fn set_template_generation(ds: &mut DaemonSet, generation: i64) {
    ds.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(TEMPLATE_GENERATION.into(), generation.to_string());
}

impl Strategy for DaemonSet {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        let st = spec
            .update_strategy
            .get_or_insert_with(DaemonSetUpdateStrategy::default);
        let ty = st
            .type_
            .get_or_insert_with(|| "RollingUpdate".into())
            .clone();
        if ty == "RollingUpdate" {
            let ru = st
                .rolling_update
                .get_or_insert_with(RollingUpdateDaemonSet::default);
            ru.max_unavailable.get_or_insert(IntOrString::Int(1));
            ru.max_surge.get_or_insert(IntOrString::Int(0));
        }
        spec.revision_history_limit.get_or_insert(10);
        default_template(&mut spec.template);
        self.status = Some(DaemonSetStatus::default());
        set_template_generation(self, 1);
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.selector")];
        };
        let mut errs = validate_replicated(None, &spec.selector, Some(&spec.template), "daemonset");
        errs.extend(FieldError::one_of(
            "spec.updateStrategy.type",
            spec.update_strategy
                .as_ref()
                .and_then(|s| s.type_.as_deref()),
            STRATEGIES,
        ));
        errs.extend(non_negative(spec.min_ready_seconds, "spec.minReadySeconds"));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let old_generation = template_generation(old);
        let template_changed =
            self.spec.as_ref().map(|s| &s.template) != old.spec.as_ref().map(|s| &s.template);
        set_template_generation(self, old_generation + i64::from(template_changed));
        immutable_selector(
            self.spec.as_ref().map(|s| &s.selector),
            old.spec.as_ref().map(|s| &s.selector),
            "spec.selector",
        )
    }

    spec_and_status!();
}
