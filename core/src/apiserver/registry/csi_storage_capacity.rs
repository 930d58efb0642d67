//! CSIStorageCapacity strategy: a storage class name and a non-negative capacity; the
//! class and node topology never change.

use k8s_openapi::api::storage::v1::CSIStorageCapacity;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;
use crate::apiserver::validation;

impl Strategy for CSIStorageCapacity {
    fn validate(&self) -> Vec<FieldError> {
        let mut errs: Vec<FieldError> = validation::dns1123_subdomain(&self.storage_class_name)
            .into_iter()
            .map(|m| FieldError::invalid("storageClassName", &self.storage_class_name, &m))
            .collect();
        if let Some(q) = &self.capacity {
            if crate::quantity::parse(&q.0).is_some_and(|v| v < 0) {
                errs.push(FieldError::invalid(
                    "capacity",
                    &q.0,
                    "must be greater than or equal to 0",
                ));
            }
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.node_topology != old.node_topology {
            errs.push(FieldError::invalid_raw(
                "nodeTopology",
                "{...}",
                "field is immutable",
            ));
        }
        if self.storage_class_name != old.storage_class_name {
            errs.push(FieldError::invalid(
                "storageClassName",
                &self.storage_class_name,
                "field is immutable",
            ));
        }
        errs
    }
}
