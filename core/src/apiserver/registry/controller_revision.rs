//! ControllerRevision strategy: a non-negative revision; data and revision never change.

use k8s_openapi::api::apps::v1::ControllerRevision;

use super::workload::non_negative;
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

impl Strategy for ControllerRevision {
    fn validate(&self) -> Vec<FieldError> {
        match i32::try_from(self.revision) {
            Ok(r) => non_negative(Some(r), "revision"),
            Err(_) => vec![],
        }
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.data != old.data {
            errs.push(FieldError::forbidden("data", "field is immutable"));
        }
        errs
    }
}
