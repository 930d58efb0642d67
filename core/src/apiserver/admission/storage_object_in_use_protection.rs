//! StorageObjectInUseProtection: new PersistentVolumes and claims carry the finalizers that
//! keep them while in use.

use std::any::Any;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};

pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";

pub fn admit(obj: &mut dyn Any) {
    let (meta, finalizer) = if let Some(pvc) = obj.downcast_mut::<PersistentVolumeClaim>() {
        (&mut pvc.metadata, PVC_PROTECTION)
    } else if let Some(pv) = obj.downcast_mut::<PersistentVolume>() {
        (&mut pv.metadata, PV_PROTECTION)
    } else {
        return;
    };
    let finalizers = meta.finalizers.get_or_insert_with(Vec::new);
    if !finalizers.iter().any(|f| f == finalizer) {
        finalizers.push(finalizer.into());
    }
}
