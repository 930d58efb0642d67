//! ComponentStatus (`kubectl get cs`, deprecated since 1.19 but still served): the API
//! server's view of the scheduler, the controller manager and etcd. kube-apiserver probes
//! their health endpoints; here their static pods' readiness stands for the probe, so a
//! component whose pod is not Running and Ready answers as a refused connection would.

use serde_json::{json, Value};

use super::resources;
use crate::store::Store;

/// (name, the `component` label of its static pod, health endpoint).
const COMPONENTS: &[(&str, &str, &str)] = &[
    (
        "scheduler",
        "kube-scheduler",
        "https://127.0.0.1:10259/healthz",
    ),
    (
        "controller-manager",
        "kube-controller-manager",
        "https://127.0.0.1:10257/healthz",
    ),
    ("etcd-0", "etcd", "https://127.0.0.1:2379/health"),
];

/// Whether a kube-system pod labelled `component=<component>` is running and ready.
fn healthy(store: &Store, component: &str) -> bool {
    store
        .range(&resources::pods().prefix(Some("kube-system")))
        .filter(|kv| kv.value()["metadata"]["labels"]["component"] == component)
        .any(|kv| {
            let status = &kv.value()["status"];
            status["phase"] == "Running"
                && status["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

fn status_of(store: &Store, name: &str, component: &str, url: &str) -> Value {
    let condition = if healthy(store, component) {
        json!({"type": "Healthy", "status": "True", "message": "ok"})
    } else {
        let port = url
            .split(':')
            .nth(2)
            .and_then(|p| p.split('/').next())
            .unwrap_or("");
        json!({
            "type": "Healthy",
            "status": "False",
            "error": format!("Get \"{url}\": dial tcp 127.0.0.1:{port}: connect: connection refused"),
        })
    };
    json!({
        "kind": "ComponentStatus",
        "apiVersion": "v1",
        "metadata": {"name": name},
        "conditions": [condition],
    })
}

/// Every component's status, in a fixed order (kube-apiserver probes them in parallel).
pub fn list(store: &Store) -> Vec<Value> {
    COMPONENTS
        .iter()
        .map(|(name, component, url)| status_of(store, name, component, url))
        .collect()
}

/// One component's status, if it is one the API server probes.
pub fn get(store: &Store, name: &str) -> Option<Value> {
    COMPONENTS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(name, component, url)| status_of(store, name, component, url))
}
