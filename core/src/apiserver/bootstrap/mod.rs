//! What a fresh kubeadm 1.35 cluster's API server holds before anyone uses it: the RBAC
//! bootstrap policy and kubeadm's RBAC objects (`kubarium_tools::bootstrap`'s
//! `rbac.json`), and the local APIServices of the built-in group-versions.

use serde_json::Value;

use super::resources::{self, Resource};

/// The RBAC objects in creation order (cluster roles, cluster role bindings, roles, role
/// bindings), each with its resource.
pub fn rbac() -> Vec<(&'static Resource, Value)> {
    let rbac = crate::tools::bootstrap_file("rbac.json").unwrap_or_default();
    let Ok(all) = serde_json::from_str::<Value>(&rbac) else {
        return vec![];
    };
    let mut out = vec![];
    for (list, plural) in [
        ("clusterRoles", "clusterroles"),
        ("clusterRoleBindings", "clusterrolebindings"),
        ("roles", "roles"),
        ("roleBindings", "rolebindings"),
    ] {
        let Some(r) = resources::find("rbac.authorization.k8s.io", "v1", plural) else {
            continue;
        };
        for obj in all[list].as_array().into_iter().flatten() {
            out.push((r, obj.clone()));
        }
    }
    out
}

/// The aggregator's priority of each built-in group-version (group, version): the
/// APIService kube-apiserver registers for it has these.
const PRIORITIES: &[(&str, &str, i32, i32)] = &[
    ("", "v1", 18000, 1),
    ("apiregistration.k8s.io", "v1", 18000, 15),
    ("apps", "v1", 17800, 15),
    ("events.k8s.io", "v1", 17750, 15),
    ("authentication.k8s.io", "v1", 17700, 15),
    ("authorization.k8s.io", "v1", 17600, 15),
    ("autoscaling", "v1", 17500, 15),
    ("autoscaling", "v2", 17500, 30),
    ("batch", "v1", 17400, 15),
    ("certificates.k8s.io", "v1", 17300, 15),
    ("networking.k8s.io", "v1", 17200, 15),
    ("policy", "v1", 17100, 15),
    ("rbac.authorization.k8s.io", "v1", 17000, 15),
    ("storage.k8s.io", "v1", 16800, 15),
    ("apiextensions.k8s.io", "v1", 16700, 15),
    ("admissionregistration.k8s.io", "v1", 16700, 15),
    ("scheduling.k8s.io", "v1", 16600, 15),
    ("coordination.k8s.io", "v1", 16500, 15),
    ("node.k8s.io", "v1", 16300, 15),
    ("discovery.k8s.io", "v1", 16200, 15),
    ("resource.k8s.io", "v1", 16200, 21),
    ("flowcontrol.apiserver.k8s.io", "v1", 16100, 21),
];

/// The local APIServices kube-apiserver registers for the group-versions it serves
/// itself, in name order.
pub fn api_services() -> Vec<Value> {
    let mut gvs: Vec<(&str, &str)> = resources::all().map(|r| (r.group, r.version)).collect();
    crate::sort::sort(&mut gvs);
    gvs.dedup();
    let mut out: Vec<Value> = gvs
        .into_iter()
        .filter_map(|(group, version)| {
            let &(_, _, group_priority, version_priority) = PRIORITIES
                .iter()
                .find(|(g, v, ..)| *g == group && *v == version)?;
            Some(serde_json::json!({
                "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                "metadata": {"name": format!("{version}.{group}"), "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"}},
                "spec": {"group": group, "version": version,
                         "groupPriorityMinimum": group_priority, "versionPriority": version_priority},
            }))
        })
        .collect();
    crate::sort::by(&mut out, |a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    out
}
