//! Custom resources: the resources CustomResourceDefinitions define, served from the CRDs
//! in the store as apiextensions-apiserver serves them (its customresource_handler).

pub mod handler;
pub mod schema;
pub mod validation_rules;

use std::cmp::Ordering;

use crate::value::owned_strings;
use serde_json::Value;

use super::resources::{Catalog, CustomNames, Resource};
use crate::store::Store;
use schema::Schema;

/// Where CRDs are kept in the store.
pub const CRD_PREFIX: &str = "/registry/customresourcedefinitions/";

/// The finalizer that deletes a CRD's objects before the CRD goes.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

/// Kubernetes' version priority: GA before beta before alpha, higher numbers first,
/// other names last in alphabetical order (`v2`, `v1`, `v1beta1`, `v1alpha1`, `foo`).
pub fn version_order(a: &str, b: &str) -> Ordering {
    fn parse(v: &str) -> Option<(u32, u8, u32)> {
        let rest = v.strip_prefix('v')?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let major = digits.parse().ok()?;
        let tail = &rest[digits.len()..];
        if tail.is_empty() {
            return Some((major, 2, 0));
        }
        let (level, n) = if let Some(n) = tail.strip_prefix("beta") {
            (1, n)
        } else {
            (0, tail.strip_prefix("alpha")?)
        };
        Some((major, level, n.parse().ok()?))
    }
    match (parse(a), parse(b)) {
        (Some((ma, la, na)), Some((mb, lb, nb))) => lb.cmp(&la).then(mb.cmp(&ma)).then(nb.cmp(&na)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The served versions of a CRD (preferred first) with whether each is the storage one.
fn served_versions(crd: &Value) -> Vec<(&Value, bool)> {
    let mut versions: Vec<(&Value, bool)> = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["served"].as_bool().unwrap_or(false))
        .map(|v| (v, v["storage"].as_bool().unwrap_or(false)))
        .collect();
    crate::sort::by(&mut versions, |(a, _), (b, _)| {
        version_order(
            a["name"].as_str().unwrap_or(""),
            b["name"].as_str().unwrap_or(""),
        )
    });
    versions
}

/// The resource a CRD defines at one of its versions.
fn resource_of(crd: &Value, version: &Value) -> &'static Resource {
    let spec = &crd["spec"];
    let names = &spec["names"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let kind = text(&names["kind"]);
    let singular = match text(&names["singular"]) {
        s if s.is_empty() => kind.to_ascii_lowercase(),
        s => s,
    };
    let subs = &version["subresources"];
    let mut subresources = vec![];
    if subs["status"].is_object() {
        subresources.push("status");
    }
    if subs["scale"].is_object() {
        subresources.push("scale");
    }
    CustomNames {
        group: text(&spec["group"]),
        version: text(&version["name"]),
        kind,
        plural: text(&names["plural"]),
        singular,
        short_names: owned_strings(&names["shortNames"]),
        categories: owned_strings(&names["categories"]),
        namespaced: spec["scope"] != "Cluster",
        subresources,
    }
    .intern()
}

/// Whether a CRD's names are established (the API server serves only such CRDs).
fn established(crd: &Value) -> bool {
    crd["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Established" && c["status"] == "True")
}

/// The resources of every established CRD in the store, beside the built-in ones.
pub fn catalog(store: &Store) -> Catalog {
    let mut catalog = Catalog::default();
    for kv in store
        .range(CRD_PREFIX)
        .filter(|kv| established(&kv.value()))
    {
        for (version, storage) in served_versions(&kv.value()) {
            let r = resource_of(&kv.value(), version);
            catalog.custom.push(r);
            if storage {
                catalog.custom_stored.push(r);
            }
        }
    }
    catalog
}

/// The `scale` subresource's paths into a custom resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

/// What the CRD says about one served version of a custom resource.
#[derive(Debug, Clone)]
pub struct Definition {
    /// The CRD's name (`widgets.example.com`).
    pub name: String,
    pub schema: Option<Schema>,
    pub status: bool,
    pub scale: Option<ScalePaths>,
    /// The apiVersion objects are stored at.
    pub storage_api_version: String,
    pub terminating: bool,
}

/// The definition of custom resource `r`, from its CRD in the store.
pub fn definition(store: &Store, r: &Resource) -> Option<Definition> {
    let name = format!("{}.{}", r.plural, r.group);
    let crd = &store.get(&format!("{CRD_PREFIX}{name}"))?.value();
    let versions = crd["spec"]["versions"].as_array()?;
    let version = versions.iter().find(|v| v["name"] == r.version)?;
    let storage = versions
        .iter()
        .find(|v| v["storage"].as_bool().unwrap_or(false))
        .and_then(|v| v["name"].as_str())
        .unwrap_or(r.version);
    let schema = version
        .pointer("/schema/openAPIV3Schema")
        .filter(|s| s.is_object())
        .map(Schema::parse);
    let scale = version.pointer("/subresources/scale").map(|s| ScalePaths {
        spec_replicas: s["specReplicasPath"].as_str().unwrap_or("").to_string(),
        status_replicas: s["statusReplicasPath"].as_str().unwrap_or("").to_string(),
        label_selector: s["labelSelectorPath"].as_str().map(String::from),
    });
    Some(Definition {
        name,
        schema,
        status: version
            .pointer("/subresources/status")
            .is_some_and(Value::is_object),
        scale,
        storage_api_version: format!("{}/{storage}", r.group),
        terminating: crd.pointer("/metadata/deletionTimestamp").is_some(),
    })
}
