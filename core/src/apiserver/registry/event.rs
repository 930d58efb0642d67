//! Event strategy: core/v1 Events as recorded by components.

use k8s_openapi::api::core::v1::Event;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

impl Strategy for Event {
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self
            .involved_object
            .name
            .as_deref()
            .unwrap_or("")
            .is_empty()
            && self.involved_object.kind.is_none()
        {
            errs.push(FieldError::required("involvedObject"));
        }
        errs
    }
}
