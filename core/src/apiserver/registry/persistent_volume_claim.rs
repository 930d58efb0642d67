//! PersistentVolumeClaim strategy: Filesystem by default, the Pending phase, access modes
//! and a storage request; a claim's spec is immutable but for its requests.

use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus,
};

use super::persistent_volume::validate_access_modes;
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

impl Strategy for PersistentVolumeClaim {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        match (&spec.data_source, &spec.data_source_ref) {
            (Some(ds), None) => {
                spec.data_source_ref = Some(k8s_openapi::api::core::v1::TypedObjectReference {
                    api_group: ds.api_group.clone(),
                    kind: ds.kind.clone(),
                    name: ds.name.clone(),
                    namespace: None,
                })
            }
            (None, Some(r)) if r.namespace.is_none() => {
                spec.data_source = Some(k8s_openapi::api::core::v1::TypedLocalObjectReference {
                    api_group: r.api_group.clone(),
                    kind: r.kind.clone(),
                    name: r.name.clone(),
                })
            }
            _ => {}
        }
        self.status = Some(PersistentVolumeClaimStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.accessModes")];
        };
        let mut errs = vec![];
        if spec.access_modes.as_ref().is_none_or(|m| m.is_empty()) {
            errs.push(
                FieldError::required("spec.accessModes")
                    .with_detail("Required value: at least 1 access mode is required"),
            );
        } else {
            errs.extend(validate_access_modes(
                spec.access_modes.as_ref(),
                "spec.accessModes",
            ));
        }
        let storage = spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"));
        match storage {
            None => errs.push(FieldError::required("spec.resources[storage]")),
            Some(q) if crate::quantity::parse(&q.0).is_none_or(|v| v <= 0) => errs.push(
                FieldError::invalid("spec.resources[storage]", &q.0, "must be greater than zero"),
            ),
            Some(_) => {}
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let (Some(new), Some(old_spec)) = (self.spec.as_ref(), old.spec.as_ref()) else {
            return vec![];
        };
        let bound = old.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
        let storage = |s: &PersistentVolumeClaimSpec| {
            s.resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .and_then(|q| crate::quantity::parse(&q.0))
        };
        let mut a = new.clone();
        if bound {
            // Only a bound claim's requested storage may change.
            if let (Some(r), Some(old_r)) = (a.resources.as_mut(), old_spec.resources.as_ref()) {
                r.requests.clone_from(&old_r.requests);
            }
        }
        a.volume_attributes_class_name = old_spec.volume_attributes_class_name.clone();
        if old_spec.volume_name.as_deref().unwrap_or("").is_empty() {
            a.volume_name = old_spec.volume_name.clone();
        }
        let mut errs = vec![];
        if &a != old_spec {
            errs.push(FieldError::forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
            ));
        }
        if let (Some(n), Some(o)) = (storage(new), storage(old_spec)) {
            let capacity = old
                .status
                .as_ref()
                .and_then(|s| s.capacity.as_ref())
                .and_then(|c| c.get("storage"))
                .and_then(|q| crate::quantity::parse(&q.0))
                .unwrap_or(0);
            if n < o && n <= capacity {
                errs.push(FieldError::forbidden(
                    "spec.resources.requests.storage",
                    "field can not be less than status.capacity",
                ));
            }
        }
        errs
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }
}
