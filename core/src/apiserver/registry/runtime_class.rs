//! RuntimeClass strategy: a handler that is a DNS label and never changes.

use k8s_openapi::api::node::v1::RuntimeClass;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;
use crate::apiserver::validation;

impl Strategy for RuntimeClass {
    fn validate(&self) -> Vec<FieldError> {
        if self.handler.is_empty() {
            return vec![FieldError::required("handler")];
        }
        validation::dns1123_label(&self.handler)
            .into_iter()
            .map(|m| FieldError::invalid("handler", &self.handler, &m))
            .collect()
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        if self.handler != old.handler {
            return vec![FieldError::invalid(
                "handler",
                &self.handler,
                "field is immutable",
            )];
        }
        vec![]
    }
}
