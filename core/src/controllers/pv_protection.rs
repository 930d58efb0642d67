//! The PV protection controller: a deleted PersistentVolume keeps its
//! `kubernetes.io/pv-protection` finalizer while it is Bound, and loses it once it is not.

use super::{held_by, remove_finalizer, Controller, Informer};
use crate::apiserver::admission::storage_object_in_use_protection::PV_PROTECTION;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct PvProtectionController {
    volumes: Informer,
}

impl Controller for PvProtectionController {
    fn name(&self) -> &'static str {
        "pv-protection"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let pvs = resources::persistent_volumes();
        for pv in self.volumes.changes(api, pvs).objects() {
            if held_by(&pv, PV_PROTECTION) && pv["status"]["phase"] != "Bound" {
                let name = pv["metadata"]["name"].as_str().unwrap_or("");
                remove_finalizer(&mut super::client(api), pvs, "", name, PV_PROTECTION);
            }
        }
    }
}
