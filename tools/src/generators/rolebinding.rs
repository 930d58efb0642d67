//! `kubectl create rolebinding` and `create clusterrolebinding`: a role reference and
//! subjects from --user, --group and --serviceaccount (`namespace:name`).

use serde_json::json;

use super::{Generated, Parsed};

pub fn rolebinding(p: &Parsed, cluster: bool, name: &str) -> Result<Generated, String> {
    let role = if cluster {
        None
    } else {
        p.get("role").filter(|r| !r.is_empty())
    };
    let cluster_role = p.get("clusterrole").filter(|r| !r.is_empty());
    let role_ref = match (role, cluster_role) {
        (Some(r), None) => ("Role", r),
        (None, Some(r)) => ("ClusterRole", r),
        _ if cluster => return Err("error: required flag(s) \"clusterrole\" not set".into()),
        _ => return Err("error: exactly one of clusterrole or role must be specified".into()),
    };
    let group = "rbac.authorization.k8s.io";
    let mut subjects = vec![];
    for user in p.all("user") {
        subjects.push(json!({"kind": "User", "apiGroup": group, "name": user}));
    }
    for g in p.all("group") {
        subjects.push(json!({"kind": "Group", "apiGroup": group, "name": g}));
    }
    for sa in p.all("serviceaccount") {
        let parts: Vec<&str> = sa.split(':').collect();
        let [ns, sa_name] = parts.as_slice() else {
            return Err("error: serviceaccount must be <namespace>:<name>".into());
        };
        if ns.is_empty() || sa_name.is_empty() {
            return Err("error: serviceaccount must be <namespace>:<name>".into());
        }
        subjects.push(json!({"kind": "ServiceAccount", "namespace": ns, "name": sa_name}));
    }
    let kind = if cluster {
        "ClusterRoleBinding"
    } else {
        "RoleBinding"
    };
    let mut obj = json!({
        "kind": kind,
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": group, "kind": role_ref.0, "name": role_ref.1},
    });
    if !subjects.is_empty() {
        obj["subjects"] = json!(subjects);
    }
    let lower = kind.to_ascii_lowercase();
    let plural = format!("{lower}s");
    let shown = format!("{lower}.{group}");
    let failed = format!("failed to create {lower}: ");
    Ok(Generated::new(obj, group, &plural, &shown, &failed))
}
