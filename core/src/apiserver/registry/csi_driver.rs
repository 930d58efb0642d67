//! CSIDriver strategy: the 1.35 defaults (attach required, no pod info on mount, fsGroup
//! for ReadWriteOnce with an fsType, persistent volumes only); generation from the first
//! spec change.

use k8s_openapi::api::storage::v1::CSIDriver;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

const FS_GROUP_POLICIES: &[&str] = &["File", "None", "ReadWriteOnceWithFSType"];
const MODES: &[&str] = &["Ephemeral", "Persistent"];

impl Strategy for CSIDriver {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = &mut self.spec;
        spec.attach_required.get_or_insert(true);
        spec.pod_info_on_mount.get_or_insert(false);
        spec.storage_capacity.get_or_insert(false);
        spec.fs_group_policy
            .get_or_insert_with(|| "ReadWriteOnceWithFSType".into());
        spec.volume_lifecycle_modes
            .get_or_insert_with(|| vec!["Persistent".into()]);
        spec.requires_republish.get_or_insert(false);
        spec.se_linux_mount.get_or_insert(false);
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        errs.extend(FieldError::one_of(
            "spec.fsGroupPolicy",
            self.spec.fs_group_policy.as_deref(),
            FS_GROUP_POLICIES,
        ));
        for (i, m) in self
            .spec
            .volume_lifecycle_modes
            .iter()
            .flatten()
            .enumerate()
        {
            errs.extend(FieldError::one_of(
                format!("spec.volumeLifecycleModes[{i}]"),
                Some(m.as_str()),
                MODES,
            ));
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.spec.attach_required != old.spec.attach_required {
            errs.push(FieldError::invalid_raw(
                "spec.attachRequired",
                &format!("{}", self.spec.attach_required.unwrap_or(true)),
                "field is immutable",
            ));
        }
        // A spec change bumps the generation (which creation leaves unset).
        if self.spec != old.spec {
            self.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
        }
        errs
    }
}
