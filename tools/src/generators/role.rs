//! `kubectl create role` and `create clusterrole`: one rule per API group from --verb,
//! --resource (`pods`, `deploy`, `rs.apps`, `pods/log`) and --resource-name; for cluster
//! roles also --non-resource-url and --aggregation-rule.

use serde_json::{json, Map, Value};

use super::{Generated, Request};

/// Verbs the API server knows for resources; others draw a warning.
const RESOURCE_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];

/// Verbs allowed on non-resource URLs.
const URL_VERBS: &[&str] = &[
    "*", "get", "post", "put", "delete", "patch", "head", "options",
];

/// Verbs that only make sense on some resources (group, resource).
const SPECIAL_VERBS: &[(&str, &[(&str, &str)])] = &[
    (
        "use",
        &[
            ("policy", "podsecuritypolicies"),
            ("extensions", "podsecuritypolicies"),
        ],
    ),
    (
        "bind",
        &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
    ),
    (
        "escalate",
        &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
    ),
    (
        "impersonate",
        &[
            ("", "users"),
            ("", "serviceaccounts"),
            ("", "groups"),
            ("authentication.k8s.io", "userextras"),
        ],
    ),
];

/// `--resource` as given: `resource[.group][/subresource]`.
struct ResourceArg {
    resource: String,
    group: String,
    sub: Option<String>,
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

pub fn role(request: &Request) -> Result<Generated, String> {
    let (p, name) = (&request.flags, &request.name);
    let cluster = request.generator == "clusterrole";
    let mut verbs = dedup(p.slice("verb"));
    if verbs.iter().any(|v| v == "*") {
        verbs = vec!["*".into()];
    }
    let mut resources: Vec<ResourceArg> = vec![];
    for r in p.slice("resource") {
        let (base, sub) = match r.split_once('/') {
            Some((b, s)) => (b.to_string(), Some(s.to_string())),
            None => (r.clone(), None),
        };
        let (resource, group) = match base.split_once('.') {
            Some((res, g)) => (res.to_string(), g.to_string()),
            None => (base.clone(), String::new()),
        };
        let all = resource == "*" && !base.contains('.') && sub.is_none();
        resources.push(ResourceArg {
            resource,
            group,
            sub,
        });
        if all {
            resources = resources.split_off(resources.len() - 1);
            break;
        }
    }
    let resource_names = dedup(p.all("resource-name"));
    let urls = if cluster {
        p.slice("non-resource-url")
    } else {
        vec![]
    };
    let aggregation = if cluster {
        p.get("aggregation-rule").unwrap_or("")
    } else {
        ""
    };
    let mut warnings = vec![];
    if !aggregation.is_empty() {
        if !urls.is_empty()
            || !verbs.is_empty()
            || !resources.is_empty()
            || !resource_names.is_empty()
        {
            return Err("error: aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames".into());
        }
    } else {
        if verbs.is_empty() {
            return Err("error: at least one verb must be specified".into());
        }
        if resources.is_empty() && (!cluster || urls.is_empty()) {
            return Err(if cluster {
                "error: one of resource or nonResourceURL must be specified"
            } else {
                "error: at least one resource must be specified"
            }
            .into());
        }
        if !resources.is_empty() {
            for v in &verbs {
                if !RESOURCE_VERBS.contains(&v.as_str()) {
                    warnings.push(format!("Warning: '{v}' is not a standard resource verb\n"));
                }
            }
        }
    }
    // Each resource as discovery names it (`deploy` is deployments in apps).
    let mut mapped: Vec<(String, String)> = vec![];
    for r in &resources {
        if r.resource.is_empty() {
            return Err(
                "error: resource must be specified if apiGroup/subresource specified".into(),
            );
        }
        let query = if r.group.is_empty() {
            r.resource.clone()
        } else {
            format!("{}.{}", r.resource, r.group)
        };
        let found = (r.resource != "*")
            .then(|| request.resources.get(&query).cloned())
            .flatten();
        let (group, plural) = found
            .clone()
            .unwrap_or_else(|| (r.group.clone(), r.resource.clone()));
        if r.resource != "*" {
            for v in &verbs {
                if let Some((_, allowed)) = SPECIAL_VERBS.iter().find(|(sv, _)| sv == v) {
                    if !allowed.iter().any(|(g, res)| *g == group && *res == plural) {
                        return Err(format!(
                            "error: can not perform '{v}' on '{plural}' in group '{group}'"
                        ));
                    }
                }
            }
            if found.is_none()
                && !verbs
                    .iter()
                    .any(|v| SPECIAL_VERBS.iter().any(|(sv, _)| sv == v))
            {
                return Err(if r.group.is_empty() {
                    format!("the server doesn't have a resource type \"{}\"", r.resource)
                } else {
                    format!(
                        "the server doesn't have a resource type \"{}\" in group \"{}\"",
                        r.resource, r.group
                    )
                });
            }
        }
        let plural = match &r.sub {
            Some(s) => format!("{plural}/{s}"),
            None => plural,
        };
        mapped.push((group, plural));
    }
    if aggregation.is_empty() && !urls.is_empty() {
        if let Some(v) = verbs.iter().find(|v| !URL_VERBS.contains(&v.as_str())) {
            return Err(format!("error: invalid verb: '{v}' for nonResourceURL"));
        }
        for u in urls.iter().filter(|u| *u != "*") {
            if !u.starts_with('/') {
                return Err("error: nonResourceURL should start with /".into());
            }
            if u[..u.len() - 1].contains('*') {
                return Err(
                    "error: nonResourceURL only supports wildcard matches when '*' is at the end"
                        .into(),
                );
            }
        }
    }
    let kind = if cluster { "ClusterRole" } else { "Role" };
    let mut obj = json!({
        "kind": kind,
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": {"name": name},
    });
    if aggregation.is_empty() {
        obj["rules"] = Value::Array(rules(&verbs, &mapped, &resource_names, &urls));
    } else {
        let mut labels = Map::new();
        for pair in aggregation.split(',') {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(format!("error: invalid argument \"{aggregation}\" for \"--aggregation-rule\" flag: {pair} must be formatted as key=value\nSee 'kubectl create clusterrole --help' for usage."));
            };
            labels.insert(k.to_string(), json!(v));
        }
        obj["rules"] = Value::Null;
        obj["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": labels}]});
    }
    let plural = if cluster { "clusterroles" } else { "roles" };
    let shown = format!("{}.rbac.authorization.k8s.io", kind.to_ascii_lowercase());
    let mut generated = Generated::new(obj, "rbac.authorization.k8s.io", plural, &shown, "");
    generated.warnings = warnings;
    Ok(generated)
}

/// One rule per API group (groups in order), then one for the non-resource URLs.
fn rules(
    verbs: &[String],
    mapped: &[(String, String)],
    names: &[String],
    urls: &[String],
) -> Vec<Value> {
    let mut groups: Vec<&str> = mapped.iter().map(|(g, _)| g.as_str()).collect();
    crate::sort::sort(&mut groups);
    groups.dedup();
    let mut rules = vec![];
    for g in groups {
        let resources = dedup(
            mapped
                .iter()
                .filter(|(group, _)| group == g)
                .map(|(_, r)| r.clone())
                .collect(),
        );
        let mut rule = json!({"verbs": verbs, "apiGroups": [g], "resources": resources});
        if !names.is_empty() {
            rule["resourceNames"] = json!(names);
        }
        rules.push(rule);
    }
    if !urls.is_empty() {
        rules.push(json!({"verbs": verbs, "nonResourceURLs": urls}));
    }
    rules
}
