//! Discovery, generated from the resource table: `/api`, `/apis`, per group and group
//! version, `/version` and the health checks.

use serde_json::{json, Value};

use super::resources::{self, Resource};
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

/// `/healthz`, `/livez`, `/readyz`: the API server is up whenever it answers.
pub fn health(_check: &str) -> String {
    "ok".to_string()
}

/// `/api`.
pub fn core_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": SERVER_ADDRESS}],
    })
}

/// The groups with served resources, in discovery order, each with its versions
/// (preferred first).
fn served_groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut groups: Vec<(&'static str, Vec<&'static str>)> = vec![];
    for r in resources::all().filter(|r| !r.group.is_empty() && resources::is_served(r)) {
        match groups.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) if !versions.contains(&r.version) => versions.push(r.version),
            Some(_) => {}
            None => groups.push((r.group, vec![r.version])),
        }
    }
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
pub fn groups() -> Value {
    let groups: Vec<Value> = served_groups()
        .iter()
        .map(|(g, vs)| group_json(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`.
pub fn group(name: &str) -> Option<Value> {
    let groups = served_groups();
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

/// `/api/v1` and `/apis/<group>/<version>`: the served resources and subresources.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let served: Vec<&Resource> = resources::all()
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
