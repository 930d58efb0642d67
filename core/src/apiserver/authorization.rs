//! Authorization as kube-apiserver's RBAC authorizer decides it: members of
//! `system:masters` may do anything; anyone else may do what a rule of a role bound to
//! them allows (ClusterRoleBindings anywhere, RoleBindings in their namespace). The
//! admission plugins that ask (certificate approval and signing) use it now; enforcing
//! it on every request comes with the security issue.

use serde_json::Value;

use super::request::User;
use super::resources;
use crate::store::Store;

/// What is asked: a verb on a resource (and subresource) of an API group, maybe one
/// object by name, maybe in a namespace.
pub struct Request<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

fn has(list: &Value, value: &str) -> bool {
    list.as_array()
        .into_iter()
        .flatten()
        .any(|v| v == "*" || v == value)
}

/// Whether one PolicyRule allows the request.
fn rule_allows(rule: &Value, req: &Request<'_>) -> bool {
    let resource = if req.subresource.is_empty() {
        req.resource.to_string()
    } else {
        format!("{}/{}", req.resource, req.subresource)
    };
    let resource_ok = rule["resources"].as_array().into_iter().flatten().any(|r| {
        r == "*"
            || *r == resource
            || (!req.subresource.is_empty() && *r == format!("*/{}", req.subresource))
    });
    let names = rule["resourceNames"].as_array().filter(|n| !n.is_empty());
    has(&rule["verbs"], req.verb)
        && has(&rule["apiGroups"], req.group)
        && resource_ok
        && names.is_none_or(|n| n.iter().any(|x| x == req.name))
}

/// Whether a binding's subjects include the user.
fn binds(binding: &Value, user: &User) -> bool {
    binding["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| {
            let name = s["name"].as_str().unwrap_or("");
            match s["kind"].as_str() {
                Some("User") => name == user.name,
                Some("Group") => user.groups.iter().any(|g| g == name),
                Some("ServiceAccount") => {
                    user.name
                        == format!(
                            "system:serviceaccount:{}:{name}",
                            s["namespace"].as_str().unwrap_or("")
                        )
                }
                _ => false,
            }
        })
}

/// The rules of the role a binding refers to (a Role in `namespace`, or a ClusterRole).
fn rules_of(store: &Store, binding: &Value, namespace: &str) -> Vec<Value> {
    let role_ref = &binding["roleRef"];
    let name = role_ref["name"].as_str().unwrap_or("");
    let plural = match role_ref["kind"].as_str() {
        Some("ClusterRole") => "clusterroles",
        Some("Role") => "roles",
        _ => return vec![],
    };
    let Some(r) = resources::find("rbac.authorization.k8s.io", "v1", plural) else {
        return vec![];
    };
    let ns = if plural == "roles" { namespace } else { "" };
    store
        .get(&r.key(ns, name))
        .and_then(|kv| kv.value["rules"].as_array().cloned())
        .unwrap_or_default()
}

/// Whether `user` may do what `req` asks.
pub fn allowed(store: &Store, user: &User, req: &Request<'_>) -> bool {
    if user.groups.iter().any(|g| g == "system:masters") {
        return true;
    }
    let find = |plural: &str| resources::find("rbac.authorization.k8s.io", "v1", plural);
    let mut bindings: Vec<(Value, String)> = vec![];
    if let Some(r) = find("clusterrolebindings") {
        bindings.extend(
            store
                .range(&r.prefix(None))
                .map(|kv| (Value::clone(&kv.value), String::new())),
        );
    }
    if !req.namespace.is_empty() {
        if let Some(r) = find("rolebindings") {
            bindings.extend(
                store
                    .range(&r.prefix(Some(req.namespace)))
                    .map(|kv| (Value::clone(&kv.value), req.namespace.to_string())),
            );
        }
    }
    bindings
        .iter()
        .filter(|(b, _)| binds(b, user))
        .any(|(b, ns)| {
            rules_of(store, b, ns)
                .iter()
                .any(|rule| rule_allows(rule, req))
        })
}
