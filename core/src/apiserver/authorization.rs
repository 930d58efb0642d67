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
/// object by name, maybe in a namespace; or, with `path` set, a verb on a non-resource
/// URL (`/healthz`, `/api`).
#[derive(Default)]
pub struct Request<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub path: Option<&'a str>,
}

fn has(list: &Value, value: &str) -> bool {
    list.as_array()
        .into_iter()
        .flatten()
        .any(|v| v == "*" || v == value)
}

/// Whether one PolicyRule allows the request.
fn rule_allows(rule: &Value, req: &Request<'_>) -> bool {
    if let Some(path) = req.path {
        let url_ok = rule["nonResourceURLs"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|u| {
                let u = u.as_str().unwrap_or("");
                u == "*" || u == path || u.strip_suffix('*').is_some_and(|p| path.starts_with(p))
            });
        return url_ok && has(&rule["verbs"], req.verb);
    }
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

/// The binding's subject that is the user, as RBAC names it in its reasons
/// (`User "jane"`, `Group "system:masters"`, `ServiceAccount "ns/name"`).
fn subject_of(binding: &Value, user: &User) -> Option<String> {
    binding["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|s| {
            let name = s["name"].as_str().unwrap_or("");
            let ns = s["namespace"].as_str().unwrap_or("");
            let found = match s["kind"].as_str() {
                Some("User") => name == user.name,
                Some("Group") => user.groups.iter().any(|g| g == name),
                Some("ServiceAccount") => user.name == format!("system:serviceaccount:{ns}:{name}"),
                _ => false,
            };
            found.then(|| match s["kind"].as_str() {
                Some("ServiceAccount") => format!("ServiceAccount \"{ns}/{name}\""),
                Some(kind) => format!("{kind} \"{name}\""),
                None => String::new(),
            })
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
        .and_then(|kv| kv.value()["rules"].as_array().cloned())
        .unwrap_or_default()
}

/// Whether `user` may do what `req` asks.
pub fn allowed(store: &Store, user: &User, req: &Request<'_>) -> bool {
    decide(store, user, req).is_some()
}

/// Why `user` may do what `req` asks (RBAC's reason: the binding, its role and the
/// subject that matched), or `None` when nothing allows it.
pub fn decide(store: &Store, user: &User, req: &Request<'_>) -> Option<String> {
    if user.groups.iter().any(|g| g == "system:masters") {
        return Some(String::new());
    }
    let find = |plural: &str| resources::find("rbac.authorization.k8s.io", "v1", plural);
    let mut bindings: Vec<(Value, String)> = vec![];
    if let Some(r) = find("clusterrolebindings") {
        bindings.extend(
            store
                .range(&r.prefix(None))
                .map(|kv| (Value::clone(&kv.value()), String::new())),
        );
    }
    if !req.namespace.is_empty() {
        if let Some(r) = find("rolebindings") {
            bindings.extend(
                store
                    .range(&r.prefix(Some(req.namespace)))
                    .map(|kv| (Value::clone(&kv.value()), req.namespace.to_string())),
            );
        }
    }
    if req.path.is_some() {
        // Non-resource URLs are granted by cluster-wide bindings only.
        bindings.retain(|(_, ns)| ns.is_empty());
    }
    bindings.iter().find_map(|(b, ns)| {
        let subject = subject_of(b, user)?;
        rules_of(store, b, ns)
            .iter()
            .any(|rule| rule_allows(rule, req))
            .then(|| {
                let kind = if ns.is_empty() {
                    "ClusterRoleBinding"
                } else {
                    "RoleBinding"
                };
                let at = if ns.is_empty() {
                    String::new()
                } else {
                    format!(" in namespace \"{ns}\"")
                };
                format!(
                    "RBAC: allowed by {kind} \"{}\" of {} \"{}\" to {subject}{at}",
                    b["metadata"]["name"].as_str().unwrap_or(""),
                    b["roleRef"]["kind"].as_str().unwrap_or(""),
                    b["roleRef"]["name"].as_str().unwrap_or(""),
                )
            })
    })
}

/// Every rule the user's bindings give them in `namespace` (cluster-wide bindings first),
/// as SelfSubjectRulesReview lists them.
pub fn rules_for(store: &Store, user: &User, namespace: &str) -> Vec<Value> {
    let find = |plural: &str| resources::find("rbac.authorization.k8s.io", "v1", plural);
    let mut rules = vec![];
    let scopes = [
        ("clusterrolebindings", None),
        ("rolebindings", Some(namespace)),
    ];
    for (plural, ns) in scopes {
        let Some(r) = find(plural) else { continue };
        if ns == Some("") {
            continue;
        }
        for kv in store.range(&r.prefix(ns)) {
            if subject_of(&kv.value(), user).is_some() {
                rules.extend(rules_of(store, &kv.value(), ns.unwrap_or("")));
            }
        }
    }
    rules
}
