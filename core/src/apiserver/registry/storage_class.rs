//! StorageClass strategy: Delete and Immediate by default, a provisioner, and the fields
//! that never change.

use k8s_openapi::api::storage::v1::StorageClass;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

const RECLAIM: &[&str] = &["Delete", "Retain"];
const BINDING: &[&str] = &["Immediate", "WaitForFirstConsumer"];

impl Strategy for StorageClass {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.reclaim_policy.get_or_insert_with(|| "Delete".into());
        self.volume_binding_mode
            .get_or_insert_with(|| "Immediate".into());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.provisioner.is_empty() {
            errs.push(FieldError::required("provisioner"));
        }
        errs.extend(FieldError::one_of(
            "reclaimPolicy",
            self.reclaim_policy.as_deref(),
            RECLAIM,
        ));
        errs.extend(FieldError::one_of(
            "volumeBindingMode",
            self.volume_binding_mode.as_deref(),
            BINDING,
        ));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.parameters != old.parameters {
            errs.push(FieldError::forbidden(
                "parameters",
                "updates to parameters are forbidden.",
            ));
        }
        if self.provisioner != old.provisioner {
            errs.push(FieldError::forbidden(
                "provisioner",
                "updates to provisioner are forbidden.",
            ));
        }
        if self.reclaim_policy != old.reclaim_policy {
            errs.push(FieldError::forbidden(
                "reclaimPolicy",
                "updates to reclaimPolicy are forbidden.",
            ));
        }
        if self.volume_binding_mode != old.volume_binding_mode {
            errs.push(FieldError::forbidden(
                "volumeBindingMode",
                "field is immutable",
            ));
        }
        errs
    }
}
