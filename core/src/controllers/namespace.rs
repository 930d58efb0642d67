//! The namespace controller: empties a terminating namespace, then finalizes it.

use std::collections::BTreeSet;

use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct NamespaceController {
    namespaces: Informer,
    /// Namespaces being emptied, until they are finalized.
    terminating: BTreeSet<String>,
}

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        for ns in self
            .namespaces
            .changes(api, resources::namespaces())
            .objects()
        {
            if !ns["metadata"]["deletionTimestamp"].is_null() {
                if let Some(name) = ns["metadata"]["name"].as_str() {
                    self.terminating.insert(name.to_string());
                }
            }
        }
        let catalog = api.catalog();
        let namespaced = || catalog.stored().filter(|r| r.namespaced);
        for ns in self.terminating.clone() {
            if api.get(resources::namespaces(), "", &ns).is_err() {
                self.terminating.remove(&ns);
                continue;
            }
            for r in namespaced() {
                for obj in api.list(r, Some(&ns)) {
                    if obj["metadata"]["deletionTimestamp"].is_null() {
                        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                        let _ = super::client(api).delete(r, &ns, &name, None);
                    }
                }
            }
            if namespaced().all(|r| api.list(r, Some(&ns)).is_empty()) {
                let _ = super::client(api).finalize_namespace(&ns);
                self.terminating.remove(&ns);
            }
        }
    }
}
