//! What a fresh kubeadm 1.35 cluster's API server holds before anyone uses it: the RBAC
//! bootstrap policy and kubeadm's RBAC objects (`rbac.json`; its README says where the
//! facts come from).

use serde_json::Value;

use super::resources::{self, Resource};

const RBAC: &str = include_str!("rbac.json");

/// The RBAC objects in creation order (cluster roles, cluster role bindings, roles, role
/// bindings), each with its resource.
pub fn rbac() -> Vec<(&'static Resource, Value)> {
    let Ok(all) = serde_json::from_str::<Value>(RBAC) else {
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
