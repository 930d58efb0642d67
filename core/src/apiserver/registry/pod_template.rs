//! PodTemplate strategy: the template's defaults and validation.

use k8s_openapi::api::core::v1::PodTemplate;

use super::workload::{default_template, validate_template, Selecting};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

impl Strategy for PodTemplate {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        if let Some(t) = self.template.as_mut() {
            default_template(t);
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        match &self.template {
            Some(t) => validate_template(
                t,
                "template",
                Selecting::Everything,
                &["Always", "OnFailure", "Never"],
            ),
            None => vec![FieldError::required("template.spec.containers")],
        }
    }
}
