//! What an object charges against a ResourceQuota (pkg/quota's evaluators): object counts,
//! pod compute requests and limits, claimed storage, node ports and load balancers.

use std::collections::BTreeMap;

use serde_json::Value;

use super::resources::Resource;
use crate::quantity;

/// Usage in milli-units per quota resource name, with whether each is a binary quantity.
pub type Usage = BTreeMap<String, (i128, bool)>;

fn add(u: &mut Usage, name: &str, milli: i128, binary: bool) {
    let e = u.entry(name.to_string()).or_insert((0, binary));
    e.0 += milli;
}

/// The count names an object of `r` is counted under (`pods`, `count/deployments.apps`).
fn count_names(r: &Resource) -> Vec<String> {
    let mut names = vec![format!("count/{}", r.group_resource())];
    if r.group.is_empty()
        && matches!(
            r.plural,
            "pods"
                | "services"
                | "configmaps"
                | "secrets"
                | "persistentvolumeclaims"
                | "replicationcontrollers"
                | "resourcequotas"
        )
    {
        names.push(r.plural.to_string());
    }
    names
}

/// A pod's effective requests or limits: the larger of the init containers' largest and
/// the app containers' sum, per resource.
fn pod_resources(pod: &Value, field: &str) -> BTreeMap<String, (i128, bool)> {
    let sum_of = |list: &Value| {
        let mut m: BTreeMap<String, (i128, bool)> = BTreeMap::new();
        for c in list.as_array().into_iter().flatten() {
            for (k, v) in c["resources"][field].as_object().into_iter().flatten() {
                let s = v.as_str().unwrap_or("");
                if let Some(q) = quantity::parse(s) {
                    let e = m.entry(k.clone()).or_insert((0, quantity::is_binary(s)));
                    e.0 += q;
                }
            }
        }
        m
    };
    let mut total = sum_of(&pod["spec"]["containers"]);
    for c in pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for (k, v) in c["resources"][field].as_object().into_iter().flatten() {
            let s = v.as_str().unwrap_or("");
            if let Some(q) = quantity::parse(s) {
                let e = total
                    .entry(k.clone())
                    .or_insert((0, quantity::is_binary(s)));
                e.0 = e.0.max(q);
            }
        }
    }
    total
}

/// Whether a pod still counts: not finished.
fn pod_counts(pod: &Value) -> bool {
    !matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded") | Some("Failed")
    )
}

/// What one object of `r` uses.
pub fn usage(r: &Resource, obj: &Value) -> Usage {
    let mut u = Usage::new();
    if r.plural == "pods" && r.group.is_empty() && !pod_counts(obj) {
        return u;
    }
    for name in count_names(r) {
        add(&mut u, &name, 1000, false);
    }
    match (r.group, r.plural) {
        ("", "pods") => {
            for (k, (q, bin)) in pod_resources(obj, "requests") {
                add(&mut u, &format!("requests.{k}"), q, bin);
                if matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage") {
                    add(&mut u, &k, q, bin);
                }
            }
            for (k, (q, bin)) in pod_resources(obj, "limits") {
                add(&mut u, &format!("limits.{k}"), q, bin);
            }
        }
        ("", "services") => {
            let ty = obj["spec"]["type"].as_str().unwrap_or("ClusterIP");
            let ports = obj["spec"]["ports"].as_array().map_or(0, Vec::len) as i128;
            if ty == "NodePort" || ty == "LoadBalancer" {
                add(&mut u, "services.nodeports", ports * 1000, false);
            }
            if ty == "LoadBalancer" {
                add(&mut u, "services.loadbalancers", 1000, false);
            }
        }
        ("", "persistentvolumeclaims") => {
            let s = obj["spec"]["resources"]["requests"]["storage"]
                .as_str()
                .unwrap_or("");
            if let Some(q) = quantity::parse(s) {
                add(&mut u, "requests.storage", q, quantity::is_binary(s));
                if let Some(class) = obj["spec"]["storageClassName"].as_str() {
                    add(
                        &mut u,
                        &format!("{class}.storageclass.storage.k8s.io/requests.storage"),
                        q,
                        quantity::is_binary(s),
                    );
                    add(
                        &mut u,
                        &format!("{class}.storageclass.storage.k8s.io/persistentvolumeclaims"),
                        1000,
                        false,
                    );
                }
            }
        }
        _ => {}
    }
    u
}

/// Adds `b` into `a`.
pub fn sum_into(a: &mut Usage, b: &Usage) {
    for (k, (q, bin)) in b {
        let e = a.entry(k.clone()).or_insert((0, *bin));
        e.0 += q;
    }
}

/// A quota's `spec.hard` as usage.
pub fn hard(quota: &Value) -> Usage {
    kubarium_tools::sort::insert_all(
        quota["spec"]["hard"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| {
                let s = v.as_str()?;
                Some((k.clone(), (quantity::parse(s)?, quantity::is_binary(s))))
            }),
    )
}

/// `k=v,k=v` with canonical quantities, keys sorted, as quota messages print usage.
pub fn pretty(u: &Usage) -> String {
    u.iter()
        .map(|(k, (q, bin))| format!("{k}={}", quantity::canonical(*q, *bin)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Usage as a ResourceList (`{"pods": "2", "requests.cpu": "500m"}`), for the listed keys.
pub fn to_list(u: &Usage, keys: impl Iterator<Item = String>) -> Value {
    let mut m = serde_json::Map::new();
    for k in keys {
        let (q, bin) = u.get(&k).copied().unwrap_or((0, false));
        m.insert(k, Value::String(quantity::canonical(q, bin)));
    }
    Value::Object(m)
}
