//! AlwaysPullImages (off by default): every container of a new pod pulls its image, so a
//! pod cannot use an image another pod's credentials pulled onto the node.

use std::any::Any;

use k8s_openapi::api::core::v1::Pod;

pub fn admit(obj: &mut dyn Any) {
    let Some(spec) = obj.downcast_mut::<Pod>().and_then(|p| p.spec.as_mut()) else {
        return;
    };
    for c in spec.containers.iter_mut() {
        c.image_pull_policy = Some("Always".into());
    }
    for c in spec.init_containers.iter_mut().flatten() {
        c.image_pull_policy = Some("Always".into());
    }
    for c in spec.ephemeral_containers.iter_mut().flatten() {
        c.image_pull_policy = Some("Always".into());
    }
}
