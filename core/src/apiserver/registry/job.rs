//! Job strategy: batch/v1 defaults (one completion at parallelism 1, six retries,
//! NonIndexed, replacement of terminating or failed pods), the selector and labels the API
//! server generates from the Job's uid, validation, and what may change after creation.

use k8s_openapi::api::batch::v1::{Job, JobSpec, JobStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::workload::{
    default_template, go_selector, non_negative, validate_selector, validate_template, Selecting,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const COMPLETION_MODES: &[&str] = &["Indexed", "NonIndexed"];

/// What the API server refuses in the failure and success policies and per-index limits
/// (and, on update, changes to them), judged in the tools module
/// (`kubarium_tools::controllers::job::validate`).
fn policy_errors(spec: &JobSpec, old: Option<&JobSpec>) -> Vec<FieldError> {
    let request = serde_json::json!({"spec": spec, "old": old});
    crate::tools::field_errors("job_validation", &request)
}

impl Strategy for Job {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        if spec.completions.is_none() && spec.parallelism.is_none() {
            spec.completions = Some(1);
        }
        spec.parallelism.get_or_insert(1);
        let per_index = spec.backoff_limit_per_index.is_some();
        spec.backoff_limit
            .get_or_insert(if per_index { i32::MAX } else { 6 });
        spec.completion_mode
            .get_or_insert_with(|| "NonIndexed".into());
        spec.suspend.get_or_insert(false);
        spec.manual_selector.get_or_insert(false);
        let replacement = if spec.pod_failure_policy.is_some() {
            "Failed"
        } else {
            "TerminatingOrFailed"
        };
        spec.pod_replacement_policy
            .get_or_insert_with(|| replacement.into());
        if let Some(policy) = spec.pod_failure_policy.as_mut() {
            let patterns = policy
                .rules
                .iter_mut()
                .flat_map(|r| r.on_pod_conditions.iter_mut().flatten());
            for p in patterns {
                p.status.get_or_insert_with(|| "True".into());
            }
        }
        default_template(&mut spec.template);
        self.status = Some(JobStatus::default());
    }

    fn finish_create(&mut self) {
        let uid = self.metadata.uid.clone().unwrap_or_default();
        let name = self.metadata.name.clone().unwrap_or_default();
        let Some(spec) = self.spec.as_mut() else {
            return;
        };
        if spec.manual_selector == Some(true) {
            return;
        }
        let labels = spec
            .template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(Default::default);
        for (k, v) in [
            ("batch.kubernetes.io/controller-uid", &uid),
            ("batch.kubernetes.io/job-name", &name),
            ("controller-uid", &uid),
            ("job-name", &name),
        ] {
            labels.insert(k.into(), v.clone());
        }
        let template_labels = labels.clone();
        spec.selector = Some(LabelSelector {
            match_labels: Some([("batch.kubernetes.io/controller-uid".to_string(), uid)].into()),
            match_expressions: None,
        });
        // A Job without labels of its own takes its template's.
        if self.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
            self.metadata.labels = Some(template_labels);
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.template")];
        };
        let mut errs = vec![];
        let manual = spec.manual_selector == Some(true);
        let selector = if manual {
            let (sel_errs, selector) =
                validate_selector(spec.selector.as_ref(), "spec.selector", "job");
            errs.extend(sel_errs);
            selector
        } else {
            // The selector the API server generated (on update) is the one allowed.
            let uid = self.metadata.uid.clone().unwrap_or_default();
            let generated = LabelSelector {
                match_labels: Some(
                    [("batch.kubernetes.io/controller-uid".to_string(), uid)].into(),
                ),
                match_expressions: None,
            };
            if let Some(sel) = spec.selector.as_ref().filter(|s| **s != generated) {
                errs.push(FieldError::invalid_raw(
                    "spec.selector",
                    &go_selector(sel),
                    "`selector` will be auto-generated",
                ));
            }
            Selecting::Everything
        };
        errs.extend(non_negative(spec.parallelism, "spec.parallelism"));
        errs.extend(non_negative(spec.completions, "spec.completions"));
        errs.extend(non_negative(spec.backoff_limit, "spec.backoffLimit"));
        if let Some(d) = spec.active_deadline_seconds {
            if d <= 0 {
                errs.push(FieldError::invalid_raw(
                    "spec.activeDeadlineSeconds",
                    &d.to_string(),
                    "must be greater than 0",
                ));
            }
        }
        if let Some(m) = spec.completion_mode.as_deref() {
            errs.extend(FieldError::one_of(
                "spec.completionMode",
                Some(m),
                COMPLETION_MODES,
            ));
            if m == "Indexed" && spec.completions.is_none() {
                errs.push(
                    FieldError::required("spec.completions")
                        .with_detail("Required value: when completion mode is Indexed"),
                );
            }
        }
        errs.extend(policy_errors(spec, None));
        errs.extend(validate_template(
            &spec.template,
            "spec.template",
            selector,
            &["OnFailure", "Never"],
        ));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let (Some(new), Some(old)) = (self.spec.as_ref(), old.spec.as_ref()) else {
            return vec![];
        };
        let mut errs = vec![];
        if new.selector != old.selector {
            errs.push(FieldError::invalid_raw(
                "spec.selector",
                &new.selector.as_ref().map_or("null".into(), go_selector),
                "field is immutable",
            ));
        }
        if new.completions != old.completions && new.completion_mode.as_deref() != Some("Indexed") {
            errs.push(FieldError::invalid_raw(
                "spec.completions",
                &new.completions.map_or("null".into(), |c| c.to_string()),
                "field is immutable",
            ));
        }
        errs.extend(policy_errors(new, Some(old)));
        if new.template != old.template && new.suspend != Some(true) {
            errs.push(FieldError::invalid_raw(
                "spec.template",
                "core.PodTemplateSpec{...}",
                "field is immutable",
            ));
        }
        errs
    }

    spec_and_status!();
}
