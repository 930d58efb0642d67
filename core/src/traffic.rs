//! The requests pods send each other, for what they cost the servers: each load
//! generator (a container looping over HTTP requests, `kubelet::usage::request_loop`)
//! sends one request at a time to a Service, named as cluster DNS resolves it from the
//! client's namespace (`php-apache`, `php-apache.default`, `...svc`,
//! `...svc.cluster.local`), on one of its ports; the requests are
//! spread evenly over the Service's ready pods, as kube-proxy spreads them. A request
//! takes its server its cost over its speed (its CPU limit, one core at most), so a
//! client sends one each pause plus that time, and each server's CPU rises by its share
//! of them times the cost. Networking (EndpointSlices, kube-proxy's rules, DNS) comes
//! later; until then a Service's pods are found from its selector.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::kubelet::usage::RequestLoop;
use crate::kubelet::Kubelet;

/// The Service a client's request loop reaches, if there is one with that port: the
/// host is `<service>[.<namespace>[.svc[.cluster.local]]]`.
fn service(api: &ApiServer, ns: &str, client: &RequestLoop) -> Option<Value> {
    let mut parts = client.host.splitn(3, '.');
    let name = parts.next()?;
    let ns = parts.next().unwrap_or(ns);
    if !matches!(parts.next(), None | Some("svc" | "svc.cluster.local")) {
        return None;
    }
    let found = api.get(resources::services(), ns, name).ok()?;
    let has_port = found["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["port"].as_u64() == Some(u64::from(client.port)));
    has_port.then_some(found)
}

/// The ready pods a Service's selector picks.
fn ready_pods(api: &ApiServer, svc: &Value) -> Vec<Value> {
    let Some(selector) = svc["spec"]["selector"]
        .as_object()
        .filter(|s| !s.is_empty())
    else {
        return vec![];
    };
    let ns = svc["metadata"]["namespace"].as_str();
    api.list(resources::pods(), ns)
        .into_iter()
        .filter(|p| {
            selector
                .iter()
                .all(|(k, v)| p["metadata"]["labels"][k] == *v)
        })
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter(|p| {
            p["status"]["conditions"].as_array().is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
        })
        .collect()
}

/// What serving requests takes each pod now (millionths of a core, by
/// `namespace/name`).
pub fn loads(api: &ApiServer, kubelets: &[Kubelet]) -> BTreeMap<String, u64> {
    let mut loads: BTreeMap<String, u64> = BTreeMap::new();
    for k in kubelets.iter().filter(|k| k.running()) {
        for (ns, client) in k.request_loops() {
            let Some(svc) = service(api, ns, client) else {
                continue;
            };
            // Each server: its `namespace/name`, a request's cost and its speed.
            let servers: Vec<(String, u64, u64)> = ready_pods(api, &svc)
                .iter()
                .filter_map(|p| {
                    let (ns, name) = (
                        p["metadata"]["namespace"].as_str()?,
                        p["metadata"]["name"].as_str()?,
                    );
                    let node = p["spec"]["nodeName"].as_str()?;
                    let kubelet = kubelets.iter().find(|k| k.node == node && k.running())?;
                    let (cost, speed) = kubelet.serving(ns, name)?;
                    Some((format!("{ns}/{name}"), cost, speed))
                })
                .collect();
            let n = servers.len() as u64;
            if n == 0 {
                continue;
            }
            // A request's mean time (microseconds), and one cycle of the loop.
            let serve: u64 = servers
                .iter()
                .map(|(_, cost, speed)| cost.saturating_mul(1_000_000) / speed)
                .sum::<u64>()
                / n;
            let cycle = (client.pause.max(0) as u64).saturating_mul(1000) + serve.max(1);
            for (pod, cost, _) in servers {
                *loads.entry(pod).or_default() += cost.saturating_mul(1_000_000) / cycle / n;
            }
        }
    }
    loads
}
