//! Labels as kubectl prints them: selectors as text and a node's roles.

use serde_json::Value;

/// A `metav1.LabelSelector` as a selector string (`app=web,tier in (a,b)`), as
/// LabelSelectorAsSelector prints it: requirements sorted by key.
pub fn selector_string(
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> String {
    let mut reqs: Vec<(String, String)> = vec![];
    for (k, v) in sel.match_labels.iter().flatten() {
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in sel.match_expressions.iter().flatten() {
        let mut values = e.values.clone().unwrap_or_default();
        crate::sort::sort(&mut values);
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", e.key, values.join(",")),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            _ => continue,
        };
        reqs.push((e.key.clone(), text));
    }
    crate::sort::sort(&mut reqs);
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a `metav1.LabelSelector` (as JSON) selects an object with `labels`: a null
/// selector selects nothing, an empty one everything.
pub fn selects(sel: &Value, labels: &Value) -> bool {
    if sel.is_null() {
        return false;
    }
    let by_labels = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels[k] == *v);
    let by_expressions = sel["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| {
            let have = labels[e["key"].as_str().unwrap_or("")].as_str();
            let values = e["values"].as_array();
            let listed = |h: &str| values.is_some_and(|vs| vs.iter().any(|v| v == h));
            match e["operator"].as_str() {
                Some("In") => have.is_some_and(listed),
                Some("NotIn") => have.is_none_or(|h| !listed(h)),
                Some("Exists") => have.is_some(),
                Some("DoesNotExist") => have.is_none(),
                _ => false,
            }
        });
    by_labels && by_expressions
}

/// A node's ROLES column.
pub fn node_roles(node: &Value) -> String {
    let mut roles: Vec<String> = node["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                        Some(role.to_string())
                    } else if k == "kubernetes.io/role" {
                        v.as_str().map(String::from)
                    } else {
                        None
                    }
                })
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default();
    crate::sort::sort(&mut roles);
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}
