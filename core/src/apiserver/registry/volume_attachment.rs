//! VolumeAttachment strategy: an attacher, a node and one source, none of which change;
//! `attached: false` until the attacher reports.

use k8s_openapi::api::storage::v1::{VolumeAttachment, VolumeAttachmentStatus};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

impl Strategy for VolumeAttachment {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.status = Some(VolumeAttachmentStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.spec.attacher.is_empty() {
            errs.push(FieldError::required("spec.attacher"));
        }
        if self.spec.node_name.is_empty() {
            errs.push(FieldError::required("spec.nodeName"));
        }
        let source = &self.spec.source;
        match (&source.persistent_volume_name, &source.inline_volume_spec) {
            (None, None) => errs.push(
                FieldError::required("spec.source")
                    .with_detail("Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName"),
            ),
            (Some(_), Some(_)) => errs.push(FieldError::forbidden(
                "spec.source",
                "must specify exactly one of inlineVolumeSpec and persistentVolumeName",
            )),
            _ => {}
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        if self.spec != old.spec {
            return vec![FieldError::invalid("spec", "", "field is immutable")];
        }
        vec![]
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }
}
