//! The PVC protection controller: a deleted claim keeps its `kubernetes.io/pvc-protection`
//! finalizer while a scheduled pod mounts it (by name, or as the pod's generic ephemeral
//! volume while the pod is not shut down), and loses it once none does.

use serde_json::Value;

use super::{held_by, remove_finalizer, Controller, Informer};
use crate::apiserver::admission::storage_object_in_use_protection::PVC_PROTECTION;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct PvcProtectionController {
    claims: Informer,
    pods: Informer,
    /// Deleted claims still held, as (namespace, name).
    pending: Vec<(String, String)>,
}

/// Whether `pod` keeps the claim `name` in use.
fn uses(pod: &Value, name: &str) -> bool {
    let meta = &pod["metadata"];
    let scheduled = pod["spec"]["nodeName"]
        .as_str()
        .is_some_and(|n| !n.is_empty());
    // Deleted with no grace left: the kubelet is done with it, or it was forced.
    let shut_down =
        meta["deletionTimestamp"].is_string() && meta["deletionGracePeriodSeconds"] == 0;
    let pod_name = meta["name"].as_str().unwrap_or("");
    scheduled
        && pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| {
                v["persistentVolumeClaim"]["claimName"] == name
                    || (!shut_down
                        && v["ephemeral"].is_object()
                        && v["name"]
                            .as_str()
                            .is_some_and(|vn| format!("{pod_name}-{vn}") == name))
            })
}

impl Controller for PvcProtectionController {
    fn name(&self) -> &'static str {
        "pvc-protection"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let claims = resources::persistent_volume_claims();
        let mut changed = false;
        for pvc in self.claims.changes(api, claims).objects() {
            if !held_by(&pvc, PVC_PROTECTION) {
                continue;
            }
            changed = true;
            let key = (
                pvc["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                pvc["metadata"]["name"].as_str().unwrap_or("").to_string(),
            );
            if !self.pending.contains(&key) {
                self.pending.push(key);
            }
        }
        // Pods matter only while a claim waits on them.
        if self.pending.is_empty() {
            self.pods.skip(api);
            return;
        }
        let pods_changed = !self
            .pods
            .changes(api, resources::pods())
            .objects()
            .is_empty();
        if !changed && !pods_changed {
            return;
        }
        let mut still = vec![];
        for (ns, name) in std::mem::take(&mut self.pending) {
            let held = api
                .get(claims, &ns, &name)
                .is_ok_and(|pvc| held_by(&pvc, PVC_PROTECTION));
            if !held {
                continue;
            }
            if api
                .list(resources::pods(), Some(&ns))
                .iter()
                .any(|p| uses(p, &name))
            {
                still.push((ns, name));
                continue;
            }
            remove_finalizer(&mut super::client(api), claims, &ns, &name, PVC_PROTECTION);
        }
        self.pending = still;
    }
}
