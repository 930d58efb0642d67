//! The aggregator's availability controller: a local APIService is always available; one
//! served by an extension API server is available when its Service exists, listens on
//! the port, has ready endpoints and answers discovery. Kubarium's one extension API
//! server is metrics-server (metrics.k8s.io/v1beta1); any other fails the discovery
//! check. Until the EndpointSlice controller lands, a Service's ready endpoints are the
//! ready pods its selector picks, as that controller would publish them.

use serde_json::{json, Value};

use super::{Controller, Informer};
use crate::apiserver::client::Client;
use crate::apiserver::request::User;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::to_time;
use crate::events::Recorder;

#[derive(Debug, Clone, Default)]
pub struct ApiServiceAvailability {
    api_services: Informer,
    services: Informer,
    pods: Informer,
}

/// The Available condition an APIService should have: (status, reason, message).
fn availability(
    api: &ApiServer,
    svc: &Value,
    spec: &Value,
) -> (&'static str, &'static str, String) {
    let Some(reference) = spec.get("service").filter(|s| !s.is_null()) else {
        return (
            "True",
            "Local",
            "Local APIServices are always available".into(),
        );
    };
    let (ns, name) = (
        reference["namespace"].as_str().unwrap_or(""),
        reference["name"].as_str().unwrap_or(""),
    );
    let port = reference["port"].as_i64().unwrap_or(443);
    if svc.is_null() {
        return (
            "False",
            "ServiceNotFound",
            format!("service/{name} in \"{ns}\" is not present"),
        );
    }
    let service_port = svc["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["port"].as_i64() == Some(port));
    let Some(service_port) = service_port else {
        return (
            "False",
            "ServicePortError",
            format!("service/{name} in \"{ns}\" is not listening on port {port}"),
        );
    };
    let port_name = service_port["name"].as_str().unwrap_or("");
    if !has_ready_endpoints(api, svc) {
        return (
            "False",
            "MissingEndpoints",
            format!("endpointslices for service/{name} in \"{ns}\" have no addresses with port name \"{port_name}\""),
        );
    }
    let group = spec["group"].as_str().unwrap_or("");
    let version = spec["version"].as_str().unwrap_or("");
    if (group, version) == (crate::apiserver::metrics::GROUP, "v1beta1")
        && api.metrics_server.ready()
    {
        return ("True", "Passed", "all checks passed".into());
    }
    let ip = svc["spec"]["clusterIP"].as_str().unwrap_or("");
    (
        "False",
        "FailedDiscoveryCheck",
        format!("failing or missing response from https://{ip}:{port}/apis/{group}/{version}: calling extension API servers is not supported in Kubarium yet"),
    )
}

/// Whether a Service selects a ready pod (what its EndpointSlices would list as ready).
fn has_ready_endpoints(api: &ApiServer, svc: &Value) -> bool {
    let Some(selector) = svc["spec"]["selector"]
        .as_object()
        .filter(|s| !s.is_empty())
    else {
        return false;
    };
    let ns = svc["metadata"]["namespace"].as_str();
    api.store.range(&resources::pods().prefix(ns)).any(|kv| {
        let pod = &kv.value();
        selector
            .iter()
            .all(|(k, v)| &pod["metadata"]["labels"][k] == v)
            && pod["metadata"]["deletionTimestamp"].is_null()
            && pod["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

impl Controller for ApiServiceAvailability {
    fn name(&self) -> &'static str {
        "apiservice-availability"
    }

    fn component(&self) -> super::Component {
        // The API server's own loops (apiextensions, the aggregator).
        super::Component::ApiServer
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let Some(r) = resources::find("apiregistration.k8s.io", "v1", "apiservices") else {
            return;
        };
        let changed = !self.api_services.changes(api, r).objects().is_empty();
        let services_changed = !self
            .services
            .changes(api, resources::services())
            .objects()
            .is_empty();
        // Only the pods of the namespaces extension API servers' Services are in.
        let namespaces: Vec<String> = api
            .store
            .range(&r.prefix(None))
            .filter_map(|kv| {
                let ns = kv.value()["spec"]["service"]["namespace"]
                    .as_str()?
                    .to_string();
                Some(resources::pods().prefix(Some(&ns)))
            })
            .collect();
        let pods_changed = self.pods.changed_in(api, &namespaces);
        if !changed && !services_changed && !pods_changed {
            return;
        }
        // A change among pods alone concerns only the APIServices served by a Service.
        let all: Vec<Value> = api
            .store
            .range(&r.prefix(None))
            .filter(|kv| changed || services_changed || kv.value()["spec"]["service"].is_object())
            .map(|kv| Value::clone(&kv.value()))
            .collect();
        for mut obj in all {
            let spec = obj["spec"].clone();
            let svc = spec["service"]
                .as_object()
                .and_then(|s| {
                    api.get(
                        resources::services(),
                        s.get("namespace")?.as_str()?,
                        s.get("name")?.as_str()?,
                    )
                    .ok()
                })
                .unwrap_or(Value::Null);
            let (status, reason, message) = availability(api, &svc, &spec);
            let current = obj["status"]["conditions"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["type"] == "Available"))
                .cloned()
                .unwrap_or(Value::Null);
            if current["status"] == status
                && current["reason"] == reason
                && current["message"] == message
            {
                continue;
            }
            let since = if current["status"] == status {
                current["lastTransitionTime"].clone()
            } else {
                json!(to_time(api.now()))
            };
            obj["status"] = json!({"conditions": [{
                "type": "Available", "status": status, "lastTransitionTime": since,
                "reason": reason, "message": message,
            }]});
            let _ = Client::component(api, User::system("system:apiserver")).update(
                r,
                "",
                obj,
                "status",
                &[],
            );
        }
    }
}
