//! PersistentVolume strategy: Retain and Filesystem by default, the Pending phase with its
//! transition time, and what every volume needs (capacity, access modes, one source).

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeStatus};
use serde_json::Value;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::clock::to_time;

pub const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];
const RECLAIM: &[&str] = &["Delete", "Recycle", "Retain"];
const VOLUME_MODES: &[&str] = &["Block", "Filesystem"];

/// The spec fields that are not a volume source.
const NOT_SOURCES: &[&str] = &[
    "accessModes",
    "capacity",
    "claimRef",
    "mountOptions",
    "nodeAffinity",
    "persistentVolumeReclaimPolicy",
    "storageClassName",
    "volumeAttributesClassName",
    "volumeMode",
];

/// Validates access modes at `path` (`spec.accessModes`).
pub fn validate_access_modes(modes: Option<&Vec<String>>, path: &str) -> Vec<FieldError> {
    let modes = modes.map(Vec::as_slice).unwrap_or(&[]);
    let mut errs = vec![];
    if modes.is_empty() {
        errs.push(FieldError::required(path));
    }
    for m in modes {
        errs.extend(FieldError::one_of(path, Some(m.as_str()), ACCESS_MODES));
    }
    if modes.iter().any(|m| m == "ReadWriteOncePod") && modes.len() > 1 {
        errs.push(FieldError::forbidden(
            path,
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    errs
}

impl Strategy for PersistentVolume {
    fn prepare_for_create(&mut self, ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.persistent_volume_reclaim_policy
            .get_or_insert_with(|| "Retain".into());
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        if let Some(h) = spec.host_path.as_mut() {
            h.type_.get_or_insert_with(String::new);
        }
        self.status = Some(PersistentVolumeStatus {
            phase: Some("Pending".into()),
            last_phase_transition_time: Some(to_time(ctx.now)),
            ..Default::default()
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.capacity")];
        };
        let mut errs = validate_access_modes(spec.access_modes.as_ref(), "spec.accessModes");
        match spec.capacity.as_ref().and_then(|c| c.get("storage")) {
            None => errs.push(FieldError::required("spec.capacity")),
            Some(q) if crate::quantity::parse(&q.0).is_none() => errs.push(FieldError::invalid(
                "spec.capacity[storage]",
                &q.0,
                "must match the regex ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$",
            )),
            Some(_) => {}
        }
        errs.extend(FieldError::one_of(
            "spec.persistentVolumeReclaimPolicy",
            spec.persistent_volume_reclaim_policy.as_deref(),
            RECLAIM,
        ));
        errs.extend(FieldError::one_of(
            "spec.volumeMode",
            spec.volume_mode.as_deref(),
            VOLUME_MODES,
        ));
        let as_json = serde_json::to_value(spec).unwrap_or(Value::Null);
        let sources = as_json
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| !NOT_SOURCES.contains(&k.as_str()))
                    .count()
            })
            .unwrap_or(0);
        if sources == 0 {
            errs.push(
                FieldError::required("spec")
                    .with_detail("Required value: must specify a volume type"),
            );
        } else if sources > 1 {
            errs.push(FieldError::forbidden(
                "spec",
                "may not specify more than 1 volume type",
            ));
        }
        if let Some(h) = &spec.host_path {
            if h.path.is_empty() {
                errs.push(FieldError::required("spec.hostPath.path"));
            }
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let (Some(new), Some(old)) = (self.spec.as_ref(), old.spec.as_ref()) else {
            return vec![];
        };
        // The source is immutable once set.
        let source = |s: &k8s_openapi::api::core::v1::PersistentVolumeSpec| {
            let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| !NOT_SOURCES.contains(&k.as_str()));
            }
            v
        };
        if source(new) != source(old) {
            return vec![FieldError::forbidden(
                "spec.persistentvolumesource",
                "spec.persistentvolumesource is immutable after creation",
            )];
        }
        vec![]
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }
}
