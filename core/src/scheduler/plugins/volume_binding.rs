//! VolumeBinding's PreFilter: a pod whose PersistentVolumeClaims are missing, being
//! deleted or not bound waits. Binding claims to volumes (and provisioning them for
//! WaitForFirstConsumer classes) comes with storage; until then an unbound claim keeps
//! its pods Pending with the message a real scheduler gives when nothing binds it.

use serde_json::Value;

use crate::apiserver::resources;
use crate::apiserver::ApiServer;

/// Why no node can take the pod because of its claims, if that is so.
pub fn pre_filter(api: &ApiServer, pod: &Value) -> Option<String> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let mut unbound = false;
    for v in pod["spec"]["volumes"].as_array().into_iter().flatten() {
        let Some(claim) = v["persistentVolumeClaim"]["claimName"].as_str() else {
            continue;
        };
        let Ok(pvc) = api.get(resources::persistent_volume_claims(), ns, claim) else {
            return Some(format!("persistentvolumeclaim \"{claim}\" not found"));
        };
        if pvc["metadata"]["deletionTimestamp"].is_string() {
            return Some(format!(
                "persistentvolumeclaim \"{claim}\" is being deleted"
            ));
        }
        unbound |= pvc["status"]["phase"] != "Bound";
    }
    unbound.then(|| "pod has unbound immediate PersistentVolumeClaims".to_string())
}
