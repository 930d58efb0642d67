//! The CRD finalizer of apiextensions-apiserver (in kube-apiserver's process): a deleted
//! CRD first loses its custom resources, then its cleanup finalizer, and goes.

use serde_json::{json, Value};

use super::crd_naming::{crds, set_condition};
use super::{held_by, remove_finalizer, Controller, Informer};
use crate::apiserver::client::Client;
use crate::apiserver::custom_resources::CLEANUP_FINALIZER;
use crate::apiserver::request::User;
use crate::apiserver::ApiServer;
use crate::clock::to_time;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct CrdFinalizer {
    crds: Informer,
    /// Terminating CRDs whose objects are not all gone yet.
    pending: Vec<String>,
}

impl Controller for CrdFinalizer {
    fn name(&self) -> &'static str {
        "crd-finalizer"
    }

    fn component(&self) -> super::Component {
        // The API server's own loops (apiextensions, the aggregator).
        super::Component::ApiServer
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let Some(r) = crds() else { return };
        let terminating = self
            .crds
            .changes(api, r)
            .objects()
            .into_iter()
            .filter(|crd| held_by(crd, CLEANUP_FINALIZER));
        for crd in terminating {
            if let Some(name) = crd["metadata"]["name"].as_str() {
                if !self.pending.iter().any(|p| p == name) {
                    self.pending.push(name.to_string());
                }
            }
        }
        let mut still = vec![];
        for name in std::mem::take(&mut self.pending) {
            let name = name.as_str();
            let catalog = api.catalog();
            let stored = catalog
                .custom_stored
                .iter()
                .find(|c| format!("{}.{}", c.plural, c.group) == name)
                .copied();
            let now = json!(to_time(api.now()));
            let mut client = Client::component(api, User::system("system:apiserver"));
            let terminating =
                |client: &mut Client<'_>, status: &str, reason: &str, message: &str| {
                    let mut crd = client.get(r, "", name).ok()?;
                    let mut conditions: Vec<Value> = crd["status"]["conditions"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    set_condition(
                        &mut conditions,
                        "Terminating",
                        status,
                        reason,
                        message,
                        &now,
                    );
                    crd["status"]["conditions"] = Value::Array(conditions);
                    client.update(r, "", crd, "status", &[]).ok()
                };
            let Some(cr) = stored else {
                terminating(
                    &mut client,
                    "False",
                    "NeverEstablished",
                    "resource was never established",
                );
                remove_finalizer(&mut client, r, "", name, CLEANUP_FINALIZER);
                continue;
            };
            terminating(
                &mut client,
                "True",
                "InstanceDeletionInProgress",
                "CustomResource deletion is in progress",
            );
            for obj in client
                .list(cr, None, Default::default())
                .unwrap_or_default()
            {
                let ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
                let n = obj["metadata"]["name"].as_str().unwrap_or("");
                let _ = client.delete(cr, ns, n, None);
            }
            if !client
                .list(cr, None, Default::default())
                .unwrap_or_default()
                .is_empty()
            {
                // Objects with finalizers of their own hold the CRD until they go.
                still.push(name.to_string());
                continue;
            }
            terminating(
                &mut client,
                "False",
                "InstanceDeletionCompleted",
                "removed all instances",
            );
            remove_finalizer(&mut client, r, "", name, CLEANUP_FINALIZER);
        }
        self.pending = still;
    }
}
