//! The aggregator's availability controller: a local APIService is always available; one
//! served by an extension API server is available when its Service exists, listens on
//! the port and has endpoints (Kubarium runs no extension API server yet, so a service
//! with endpoints still fails the discovery check).

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
    let has_endpoints = api
        .get(
            resources::find("", "v1", "endpoints").unwrap_or(resources::services()),
            ns,
            name,
        )
        .is_ok_and(|ep| {
            ep["subsets"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s["addresses"].as_array().is_some_and(|a| !a.is_empty()))
        });
    if !has_endpoints {
        return (
            "False",
            "MissingEndpoints",
            format!("endpoints for service/{name} in \"{ns}\" have no addresses with port name \"{port_name}\""),
        );
    }
    let group = spec["group"].as_str().unwrap_or("");
    let version = spec["version"].as_str().unwrap_or("");
    let ip = svc["spec"]["clusterIP"].as_str().unwrap_or("");
    (
        "False",
        "FailedDiscoveryCheck",
        format!("failing or missing response from https://{ip}:{port}/apis/{group}/{version}: calling extension API servers is not supported in Kubarium yet"),
    )
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
        if !changed && !services_changed {
            return;
        }
        let all: Vec<Value> = api
            .store
            .range(&r.prefix(None))
            .map(|kv| Value::clone(&kv.value))
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
            let _ = Client::new(api, User::system("system:apiserver")).update(
                r,
                "",
                obj,
                "status",
                &[],
            );
        }
    }
}
