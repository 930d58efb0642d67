//! DefaultStorageClass: a claim that names no class gets the default StorageClass (the
//! newest one annotated `storageclass.kubernetes.io/is-default-class: "true"`).

use std::any::Any;

use k8s_openapi::api::core::v1::PersistentVolumeClaim;

use super::{default_class, Attributes};

pub const ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any) {
    let Some(pvc) = obj.downcast_mut::<PersistentVolumeClaim>() else {
        return;
    };
    let Some(spec) = pvc.spec.as_mut() else {
        return;
    };
    if spec.storage_class_name.is_some() {
        return;
    }
    spec.storage_class_name = default_class(attrs, "storageclasses", ANNOTATION);
}
