//! Discovery, generated from the resource table: `/api`, `/apis`, per group and group
//! version, aggregated discovery, and `/version`.

use serde_json::{json, Value};

use super::resources::{self, Catalog, Resource};
use crate::version::{BUILD_DATE, GIT_COMMIT, GO_VERSION, KUBERNETES_VERSION, SERVER_ADDRESS};

/// `/version`, as kube-apiserver reports its build.
pub fn version() -> Value {
    let minor = KUBERNETES_VERSION
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .unwrap_or("");
    let min_compat = minor
        .parse::<u32>()
        .map_or(String::new(), |m| (m - 1).to_string());
    json!({
        "major": "1",
        "minor": minor,
        "emulationMajor": "1",
        "emulationMinor": minor,
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": min_compat,
        "gitVersion": KUBERNETES_VERSION,
        "gitCommit": GIT_COMMIT,
        "gitTreeState": "clean",
        "buildDate": BUILD_DATE,
        "goVersion": GO_VERSION,
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// `/api`.
pub fn core_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": SERVER_ADDRESS}],
    })
}

/// The order kube-apiserver lists API groups in (their APIService priorities).
const GROUP_ORDER: &[&str] = &[
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
];

/// The groups with served resources, in discovery order, each with its versions
/// (preferred first).
fn served_groups(catalog: &Catalog) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut groups: Vec<(&'static str, Vec<&'static str>)> = vec![];
    for r in catalog
        .all()
        .filter(|r| !r.group.is_empty() && resources::is_served(r))
    {
        match groups.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) if !versions.contains(&r.version) => versions.push(r.version),
            Some(_) => {}
            None => groups.push((r.group, vec![r.version])),
        }
    }
    // Groups of CRDs come after the built-in ones, by name (their APIServices' priority).
    crate::sort::by_key(&mut groups, |(g, _)| {
        let builtin = GROUP_ORDER.iter().position(|o| o == g);
        (builtin.unwrap_or(usize::MAX), builtin.map_or(*g, |_| ""))
    });
    groups
}

fn group_json(name: &str, versions: &[&str]) -> Value {
    let gv = |v: &str| json!({"groupVersion": format!("{name}/{v}"), "version": v});
    json!({
        "name": name,
        "versions": versions.iter().map(|v| gv(v)).collect::<Vec<_>>(),
        "preferredVersion": gv(versions.first().copied().unwrap_or("v1")),
    })
}

/// `/apis`.
pub fn groups(catalog: &Catalog) -> Value {
    let groups: Vec<Value> = served_groups(catalog)
        .iter()
        .map(|(g, vs)| group_json(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`.
pub fn group(catalog: &Catalog, name: &str) -> Option<Value> {
    let groups = served_groups(catalog);
    let (g, vs) = groups.iter().find(|(g, _)| *g == name)?;
    let mut v = group_json(g, vs);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    Some(v)
}

/// The kind a subresource reads and writes.
fn subresource_kind(r: &Resource, sub: &str) -> (String, Option<(&'static str, &'static str)>) {
    match sub {
        "scale" => ("Scale".into(), Some(("autoscaling", "v1"))),
        "binding" => ("Binding".into(), None),
        "eviction" => ("Eviction".into(), Some(("policy", "v1"))),
        _ => (r.kind.to_string(), None),
    }
}

/// The verbs of a subresource.
fn subresource_verbs(sub: &str) -> &'static [&'static str] {
    match sub {
        "binding" | "eviction" => &["create"],
        "finalize" => &["update"],
        _ => &["get", "patch", "update"],
    }
}

/// The Accept value that asks for aggregated discovery, and the content type it answers.
pub const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether a request's Accept header asks for aggregated discovery (v2).
pub fn wants_aggregated(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|t| {
            t.contains("g=apidiscovery.k8s.io")
                && t.contains("v=v2;")
                && t.contains("as=APIGroupDiscoveryList")
        })
    })
}

/// One resource as aggregated discovery describes it.
fn aggregated_resource(r: &Resource) -> Value {
    let mut entry = json!({
        "resource": r.plural,
        "responseKind": {"group": "", "version": "", "kind": r.kind},
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    if !r.short_names.is_empty() {
        entry["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        entry["categories"] = json!(r.categories);
    }
    let subs: Vec<Value> = r
        .subresources
        .iter()
        .filter(|s| resources::serves_subresource(s))
        .map(|sub| {
            let (kind, gv) = subresource_kind(r, sub);
            let (g, v) = gv.unwrap_or(("", ""));
            json!({"subresource": sub, "responseKind": {"group": g, "version": v, "kind": kind},
                   "verbs": subresource_verbs(sub)})
        })
        .collect();
    if !subs.is_empty() {
        entry["subresources"] = Value::Array(subs);
    }
    entry
}

/// The aggregated discovery document of `/api` (`core`) or `/apis`: every served group
/// with its versions and resources in one response.
pub fn aggregated(catalog: &Catalog, core: bool) -> Value {
    let groups: Vec<(&str, Vec<&str>)> = if core {
        vec![("", vec!["v1"])]
    } else {
        served_groups(catalog)
    };
    let items: Vec<Value> = groups
        .iter()
        .map(|(g, versions)| {
            let versions: Vec<Value> = versions
                .iter()
                .map(|v| {
                    let resources: Vec<Value> = catalog
                        .all()
                        .filter(|r| r.group == *g && r.version == *v && resources::is_served(r))
                        .map(aggregated_resource)
                        .collect();
                    json!({"version": v, "resources": resources, "freshness": "Current"})
                })
                .collect();
            let mut meta = json!({"creationTimestamp": null});
            if !g.is_empty() {
                meta["name"] = json!(g);
            }
            json!({"metadata": meta, "versions": versions})
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

/// `/api/v1` and `/apis/<group>/<version>`: the served resources and subresources.
pub fn resource_list(catalog: &Catalog, group: &str, version: &str) -> Option<Value> {
    let served: Vec<&Resource> = catalog
        .all()
        .filter(|r| r.group == group && r.version == version && resources::is_served(r))
        .collect();
    if served.is_empty() {
        return None;
    }
    let mut list = vec![];
    for r in served {
        let mut entry = json!({
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": r.verbs,
        });
        if !r.short_names.is_empty() {
            entry["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            entry["categories"] = json!(r.categories);
        }
        list.push(entry);
        for sub in r
            .subresources
            .iter()
            .filter(|s| resources::serves_subresource(s))
        {
            let (kind, gv) = subresource_kind(r, sub);
            let mut e = json!({
                "name": format!("{}/{sub}", r.plural),
                "singularName": "",
                "namespaced": r.namespaced,
                "kind": kind,
                "verbs": subresource_verbs(sub),
            });
            if let Some((g, v)) = gv {
                e["group"] = json!(g);
                e["version"] = json!(v);
            }
            list.push(e);
        }
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list}),
    )
}
