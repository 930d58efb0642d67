//! ReplicationController strategy: one replica, and the selector and labels taken from the
//! template when they are empty; the selector must match the template.

use k8s_openapi::api::core::v1::{ReplicationController, ReplicationControllerStatus};

use super::workload::{default_template, go_map, non_negative, validate_template, Selecting};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

impl Strategy for ReplicationController {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.replicas.get_or_insert(1);
        let template_labels = spec
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.clone());
        if spec.selector.as_ref().is_none_or(|s| s.is_empty()) {
            spec.selector = template_labels.clone();
        }
        if self.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
            self.metadata.labels = template_labels;
        }
        if let Some(t) = spec.template.as_mut() {
            default_template(t);
        }
        self.status = Some(ReplicationControllerStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.selector")];
        };
        let mut errs = non_negative(spec.replicas, "spec.replicas");
        let selector = spec.selector.clone().unwrap_or_default();
        if selector.is_empty() {
            errs.push(FieldError::required("spec.selector"));
        }
        if let Some(t) = &spec.template {
            let labels = t.metadata.as_ref().and_then(|m| m.labels.clone());
            let have = labels.clone().unwrap_or_default();
            if !selector.is_empty() && !selector.iter().all(|(k, v)| have.get(k) == Some(v)) {
                errs.push(FieldError::invalid_raw(
                    "spec.template.metadata.labels",
                    &go_map(labels.as_ref()),
                    "`selector` does not match template `labels`",
                ));
            }
            errs.extend(validate_template(
                t,
                "spec.template",
                Selecting::Everything,
                &["Always"],
            ));
        } else if spec.replicas.unwrap_or(1) > 0 {
            errs.push(FieldError::required("spec.template"));
        }
        errs
    }

    spec_and_status!(keep_status);
}
