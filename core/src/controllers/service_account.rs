//! The service account controller: every active namespace has a `default` service
//! account, recreated if it is deleted.

use serde_json::json;

use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct ServiceAccountController {
    namespaces: Informer,
    accounts: Informer,
}

impl Controller for ServiceAccountController {
    fn name(&self) -> &'static str {
        "serviceaccount"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let mut check: Vec<String> = self
            .namespaces
            .changes(api, resources::namespaces())
            .objects()
            .iter()
            .filter_map(|ns| ns["metadata"]["name"].as_str().map(String::from))
            .collect();
        let accounts = resources::service_accounts();
        check.extend(
            self.accounts
                .changes(api, accounts)
                .objects()
                .iter()
                .filter(|sa| sa["metadata"]["name"] == "default")
                .filter_map(|sa| sa["metadata"]["namespace"].as_str().map(String::from)),
        );
        crate::sort::sort(&mut check);
        check.dedup();
        for ns in check {
            let active = api
                .get(resources::namespaces(), "", &ns)
                .is_ok_and(|n| n["metadata"]["deletionTimestamp"].is_null());
            if active && api.get(accounts, &ns, "default").is_err() {
                let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}});
                let _ = super::client(api).create(accounts, &ns, sa, &[]);
            }
        }
    }
}
