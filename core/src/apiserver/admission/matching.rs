//! Which requests an admission webhook or policy sees: its rules (operations, API groups,
//! versions, resources and subresources, scope, resource names) and its namespace and
//! object selectors, matched as kube-apiserver matches them.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

use super::Attributes;
use crate::apiserver::resources;
use crate::labels::selector_matches;

/// Whether one of a rule's list allows `value` (`*` allows all).
fn allows(list: &Value, value: &str) -> bool {
    list.as_array()
        .into_iter()
        .flatten()
        .any(|v| v == "*" || v == value)
}

/// An object's labels.
pub fn labels_of(v: &Value) -> BTreeMap<String, String> {
    crate::apiserver::decode::typed(v["metadata"]["labels"].clone()).unwrap_or_default()
}

/// Whether a label selector (absent: everything) selects `labels`.
pub fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    match serde_json::from_value::<LabelSelector>(selector.clone()) {
        Ok(sel) => selector_matches(&sel, labels),
        Err(_) => selector.is_null(),
    }
}

/// Whether a rule's `resources` entry names the request's resource and subresource
/// (`pods`, `pods/status`, `pods/*`, `*/scale`, `*`, `*/*`).
fn names_resource(entry: &str, plural: &str, subresource: &str) -> bool {
    let (res, sub) = entry.split_once('/').unwrap_or((entry, ""));
    (res == "*" || res == plural) && (sub == "*" || sub == subresource)
}

/// Whether one rule matches the request.
pub fn rule_matches(attrs: &Attributes<'_>, rule: &Value) -> bool {
    let r = attrs.resource;
    let scope_ok = match rule["scope"].as_str().unwrap_or("*") {
        "Namespaced" => r.namespaced,
        "Cluster" => !r.namespaced,
        _ => true,
    };
    let resource_ok = rule["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|e| names_resource(e, r.plural, attrs.subresource));
    let names = rule["resourceNames"].as_array().filter(|n| !n.is_empty());
    allows(&rule["operations"], attrs.operation.as_str())
        && allows(&rule["apiGroups"], r.group)
        && allows(&rule["apiVersions"], r.version)
        && resource_ok
        && scope_ok
        && names.is_none_or(|n| n.iter().any(|x| x == attrs.name))
}

/// The labels of the namespace a request is in (a Namespace's own for namespaces);
/// `None` for cluster-scoped objects, which namespace selectors do not filter.
fn namespace_labels(attrs: &Attributes<'_>, obj: &Value) -> Option<BTreeMap<String, String>> {
    let r = attrs.resource;
    if r.group.is_empty() && r.plural == "namespaces" {
        return Some(labels_of(obj));
    }
    if !r.namespaced {
        return None;
    }
    let key = resources::namespaces().key("", attrs.namespace);
    Some(
        attrs
            .store
            .get(&key)
            .map(|kv| labels_of(&kv.value()))
            .unwrap_or_default(),
    )
}

/// Whether the namespace and object selectors of a webhook or match resources select
/// the request (an update is selected when the old or the new object is).
pub fn selectors_match(attrs: &Attributes<'_>, holder: &Value, obj: &Value) -> bool {
    let object_ok = selects(&holder["objectSelector"], &labels_of(obj))
        || attrs
            .old
            .is_some_and(|old| selects(&holder["objectSelector"], &labels_of(old)));
    object_ok
        && namespace_labels(attrs, obj)
            .is_none_or(|labels| selects(&holder["namespaceSelector"], &labels))
}
