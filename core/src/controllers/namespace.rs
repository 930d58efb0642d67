//! The namespace controller: empties a terminating namespace, then finalizes it.

use crate::apiserver::resources;
use crate::apiserver::ApiServer;

#[derive(Debug, Clone, Default)]
pub struct NamespaceController;

impl NamespaceController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        let terminating: Vec<String> = api
            .list(resources::namespaces(), None)
            .iter()
            .filter(|ns| !ns["metadata"]["deletionTimestamp"].is_null())
            .filter_map(|ns| ns["metadata"]["name"].as_str().map(String::from))
            .collect();
        let namespaced = || resources::all().filter(|r| r.namespaced && resources::is_served(r));
        for ns in terminating {
            for r in namespaced() {
                for obj in api.list(r, Some(&ns)) {
                    if obj["metadata"]["deletionTimestamp"].is_null() {
                        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                        let _ = api.delete(r, &ns, &name, None);
                    }
                }
            }
            if namespaced().all(|r| api.list(r, Some(&ns)).is_empty()) {
                let _ = api.finalize_namespace(&ns);
            }
        }
    }
}
