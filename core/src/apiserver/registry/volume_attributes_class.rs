//! VolumeAttributesClass strategy: a CSI driver name and at least one parameter, neither
//! of which may change afterwards.

use k8s_openapi::api::storage::v1::VolumeAttributesClass;

use super::storage_class::{forbid_update, validate_parameters, validate_provisioner};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

impl Strategy for VolumeAttributesClass {
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = validate_provisioner(&self.driver_name, "driverName");
        errs.extend(validate_parameters(self.parameters.as_ref(), false));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        [
            ("driverName", self.driver_name != old.driver_name),
            ("parameters", self.parameters != old.parameters),
        ]
        .into_iter()
        .filter_map(|(field, changed)| forbid_update(field, changed))
        .collect()
    }
}
