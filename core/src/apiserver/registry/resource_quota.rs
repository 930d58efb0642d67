//! ResourceQuota strategy: hard limits that are quantities, scopes the API knows; the
//! status belongs to the quota controller.

use k8s_openapi::api::core::v1::{ResourceQuota, ResourceQuotaStatus};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};
use crate::quantity;

const SCOPES: &[&str] = &[
    "BestEffort",
    "CrossNamespacePodAffinity",
    "NotBestEffort",
    "NotTerminating",
    "PriorityClass",
    "Terminating",
    "VolumeAttributesClass",
];

impl Strategy for ResourceQuota {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.status = Some(ResourceQuotaStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let Some(spec) = &self.spec else {
            return errs;
        };
        for (k, v) in spec.hard.iter().flatten() {
            match quantity::parse(&v.0) {
                None => errs.push(FieldError::invalid(
                    format!("spec.hard[{k}]"),
                    &v.0,
                    "must match the regex ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$",
                )),
                Some(q) if q < 0 => errs.push(FieldError::invalid(
                    format!("spec.hard[{k}]"),
                    &v.0,
                    "must be greater than or equal to 0",
                )),
                Some(_) => {}
            }
        }
        for (i, s) in spec.scopes.iter().flatten().enumerate() {
            errs.extend(FieldError::one_of(
                format!("spec.scopes[{i}]"),
                Some(s.as_str()),
                SCOPES,
            ));
        }
        errs
    }

    spec_and_status!(keep_status);
}
