//! StorageClass strategy: Delete and Immediate by default, a provisioner, and the fields
//! that never change.

use k8s_openapi::api::storage::v1::StorageClass;

use std::collections::BTreeMap;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;

const RECLAIM: &[&str] = &["Delete", "Retain"];
const BINDING: &[&str] = &["Immediate", "WaitForFirstConsumer"];

/// validateProvisioner: required, and a qualified name (case aside).
pub fn validate_provisioner(name: &str, field: &str) -> Vec<FieldError> {
    if name.is_empty() {
        return vec![FieldError::required(field)];
    }
    validation::qualified_name(&name.to_lowercase())
        .into_iter()
        .map(|m| FieldError::invalid(field, name, &m))
        .collect()
}

/// The class fields whose updates the storage validation forbids in these words.
pub fn forbid_update(field: &str, changed: bool) -> Option<FieldError> {
    changed.then(|| FieldError::forbidden(field, &format!("updates to {field} are forbidden.")))
}

/// validateParameters: at most 512 of them in 256 KiB, keys not empty, and (unless
/// `allow_empty`) at least one.
pub fn validate_parameters(
    params: Option<&BTreeMap<String, String>>,
    allow_empty: bool,
) -> Vec<FieldError> {
    let params = params.cloned().unwrap_or_default();
    let too_long = |max: usize| FieldError {
        field: "parameters".into(),
        detail: format!("Too long: may not be more than {max} bytes"),
    };
    if params.len() > 512 {
        return vec![too_long(512)];
    }
    let mut errs = vec![];
    if params.contains_key("") {
        errs.push(FieldError::invalid(
            "parameters",
            "",
            "field can not be empty.",
        ));
    }
    let size: usize = params.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > 256 * 1024 {
        errs.push(too_long(256 * 1024));
    }
    if !allow_empty && params.is_empty() {
        errs.push(
            FieldError::required("parameters")
                .with_detail("Required value: must contain at least one key/value pair"),
        );
    }
    errs
}

impl Strategy for StorageClass {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.reclaim_policy.get_or_insert_with(|| "Delete".into());
        self.volume_binding_mode
            .get_or_insert_with(|| "Immediate".into());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = validate_provisioner(&self.provisioner, "provisioner");
        errs.extend(validate_parameters(self.parameters.as_ref(), true));
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
        let mut errs: Vec<FieldError> = [
            ("parameters", self.parameters != old.parameters),
            ("provisioner", self.provisioner != old.provisioner),
            ("reclaimPolicy", self.reclaim_policy != old.reclaim_policy),
        ]
        .into_iter()
        .filter_map(|(field, changed)| forbid_update(field, changed))
        .collect();
        // ValidateImmutableField: an Invalid value, not a Forbidden one.
        if self.volume_binding_mode != old.volume_binding_mode {
            let mode = self.volume_binding_mode.as_deref().unwrap_or("");
            errs.push(FieldError::invalid(
                "volumeBindingMode",
                mode,
                "field is immutable",
            ));
        }
        errs
    }
}
