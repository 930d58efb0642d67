//! OpenAPI v3 (`/openapi/v3`): an index of the group-versions served and, per
//! group-version, a document with the component schemas of its kinds and the paths that
//! carry each resource's group-version-kind, as kube-apiserver serves them; `kubectl
//! explain` reads them. Built-in kinds' schemas (with every field's description) come
//! from a `SchemaSource`: `kubarium-openapi` when linked in (the `openapi` feature, which
//! every front end enables), or one a front end installs. Custom resources' schemas come
//! from their CRDs.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{json, Map, Value};

use super::custom_resources::CRD_PREFIX;
use super::resources::{Catalog, Resource};
use crate::rng::fnv1a;
use crate::store::Store;
use crate::version;

/// Where the schemas of built-in kinds come from.
pub trait SchemaSource {
    /// The schemas of the kinds `(group, version, kind)` and of everything they
    /// reference, by their OpenAPI names (`io.k8s.api.core.v1.Pod`).
    fn schemas(&self, kinds: &[(&str, &str, &str)]) -> Map<String, Value>;
}

thread_local! {
    static SOURCE: RefCell<Option<Rc<dyn SchemaSource>>> = const { RefCell::new(None) };
}

/// Makes `source` the one documents are built from (on this thread).
pub fn install(source: Rc<dyn SchemaSource>) {
    SOURCE.with(|s| *s.borrow_mut() = Some(source));
}

fn source() -> Option<Rc<dyn SchemaSource>> {
    SOURCE.with(|s| s.borrow().clone()).or_else(linked)
}

#[cfg(feature = "openapi")]
fn linked() -> Option<Rc<dyn SchemaSource>> {
    struct Linked;
    impl SchemaSource for Linked {
        fn schemas(&self, kinds: &[(&str, &str, &str)]) -> Map<String, Value> {
            kubarium_openapi::schemas(kinds)
        }
    }
    Some(Rc::new(Linked))
}

#[cfg(not(feature = "openapi"))]
fn linked() -> Option<Rc<dyn SchemaSource>> {
    None
}

/// The schemas of a built-in kind and of what it references, if a source is at hand.
pub fn schemas_of(r: &Resource) -> Option<Map<String, Value>> {
    Some(source()?.schemas(&[(r.group, r.version, r.kind)]))
}

/// A group-version's path under `/openapi/v3` (`api/v1`, `apis/apps/v1`).
fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The served resources (no subresources) of each group-version.
fn by_group_version(catalog: &Catalog) -> BTreeMap<String, Vec<&'static Resource>> {
    let mut gvs: BTreeMap<String, Vec<&'static Resource>> = BTreeMap::new();
    for r in catalog.all() {
        gvs.entry(gv_path(r.group, r.version)).or_default().push(r);
    }
    gvs
}

/// `/openapi/v3`: where each group-version's document is.
pub fn index(catalog: &Catalog, store: &Store) -> Value {
    let paths: Map<String, Value> = by_group_version(catalog)
        .into_iter()
        .map(|(path, resources)| {
            let crds: String = resources
                .iter()
                .filter(|r| r.custom)
                .filter_map(|r| store.get(&format!("{CRD_PREFIX}{}.{}", r.plural, r.group)))
                .map(|kv| kv.mod_revision.to_string())
                .collect();
            let hash = fnv1a(&format!("{}{path}{crds}", version::KUBERNETES_VERSION));
            let url = format!("/openapi/v3/{path}?hash={hash:016X}");
            (path, json!({ "serverRelativeURL": url }))
        })
        .collect();
    json!({ "paths": paths })
}

/// The schema kube-apiserver builds for a custom resource: the CRD version's schema with
/// the standard apiVersion, kind and metadata fields.
fn custom_schema(store: &Store, r: &Resource) -> Option<Value> {
    let crd = &store
        .get(&format!("{CRD_PREFIX}{}.{}", r.plural, r.group))?
        .value();
    let versions = crd["spec"]["versions"].as_array()?;
    let version = versions.iter().find(|v| v["name"] == r.version)?;
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    let obj = schema.as_object_mut()?;
    let props = obj
        .entry("properties")
        .or_insert_with(|| json!({}))
        .as_object_mut()?;
    props.insert(
        "apiVersion".into(),
        json!({"type": "string", "description": API_VERSION_DOC}),
    );
    props.insert(
        "kind".into(),
        json!({"type": "string", "description": KIND_DOC}),
    );
    props.insert(
        "metadata".into(),
        json!({
            "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}],
            "description": METADATA_DOC,
        }),
    );
    obj.insert(
        "x-kubernetes-group-version-kind".into(),
        json!([{"group": r.group, "kind": r.kind, "version": r.version}]),
    );
    Some(schema)
}

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/// The name kube-apiserver gives a custom resource's schema: the group reversed, the
/// version, the kind (`com.example.stable.v1.CronTab`).
fn custom_schema_name(r: &Resource) -> String {
    let group: Vec<&str> = r.group.split('.').rev().collect();
    format!("{}.{}.{}", group.join("."), r.version, r.kind)
}

/// A query parameter of the write operations.
fn query_param(name: &str, description: &str, ty: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": ty, "uniqueItems": true}})
}

/// The query parameters an operation takes, by its action.
fn params(action: &str) -> Vec<Value> {
    let dry_run = query_param("dryRun", "When present, the request is only validated and admitted, never persisted. The only valid value is All.", "string");
    let manager = query_param(
        "fieldManager",
        "The name of the actor making the change, recorded in managedFields.",
        "string",
    );
    let validation = query_param("fieldValidation", "What the server does with unknown or duplicate fields: Ignore, Warn (the default) or Strict.", "string");
    let pretty = query_param(
        "pretty",
        "If 'true', the output is pretty printed.",
        "string",
    );
    match action {
        "post" | "put" => vec![dry_run, manager, validation, pretty],
        "patch" => vec![
            dry_run,
            manager,
            validation,
            query_param(
                "force",
                "Force is for apply requests: take over the fields other managers own.",
                "boolean",
            ),
            pretty,
        ],
        "delete" | "deletecollection" => vec![
            dry_run,
            query_param(
                "gracePeriodSeconds",
                "The seconds before the object is deleted; zero deletes it immediately.",
                "integer",
            ),
            query_param(
                "propagationPolicy",
                "Whether and how dependents are collected: Orphan, Background or Foreground.",
                "string",
            ),
            pretty,
        ],
        "list" | "watchlist" => vec![
            query_param(
                "labelSelector",
                "A selector on the objects' labels.",
                "string",
            ),
            query_param(
                "fieldSelector",
                "A selector on the objects' fields.",
                "string",
            ),
            query_param(
                "limit",
                "The most objects to return in one page.",
                "integer",
            ),
            query_param("continue", "The token of the next page.", "string"),
            query_param(
                "resourceVersion",
                "The resource version the list or watch starts from.",
                "string",
            ),
            query_param("watch", "Watch for changes instead of listing.", "boolean"),
            pretty,
        ],
        _ => vec![pretty],
    }
}

/// One operation on a path: its action, group-version-kind and parameters.
fn operation(action: &str, gvk: &Value) -> Value {
    json!({
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk,
        "parameters": params(action),
        "responses": {"200": {"description": "OK"}, "401": {"description": "Unauthorized"}},
    })
}

/// The paths of a resource, each operation with its group-version-kind and query
/// parameters, as explain finds the kinds and kubectl learns that the server validates
/// fields (`fieldValidation` on PATCH).
fn paths_of(r: &Resource) -> Vec<(String, Value)> {
    let base = format!("/{}", gv_path(r.group, r.version));
    let collection = if r.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", r.plural)
    } else {
        format!("{base}/{}", r.plural)
    };
    let gvk = json!({"group": r.group, "kind": r.kind, "version": r.version});
    let ops = |actions: &[(&str, &str)]| -> Value {
        let served = actions.iter().filter(|(_, verb)| r.verbs.contains(verb));
        Value::Object(kubarium_tools::sort::insert_all(served.map(
            |(method, verb)| {
                let action = match *verb {
                    "create" => "post",
                    "update" => "put",
                    v => v,
                };
                (method.to_string(), operation(action, &gvk))
            },
        )))
    };
    vec![
        (
            collection.clone(),
            ops(&[
                ("get", "list"),
                ("post", "create"),
                ("delete", "deletecollection"),
            ]),
        ),
        (
            format!("{collection}/{{name}}"),
            ops(&[
                ("get", "get"),
                ("put", "update"),
                ("patch", "patch"),
                ("delete", "delete"),
            ]),
        ),
    ]
}

/// `/openapi/v3/<group-version>`: the document of one group-version, if it is served.
pub fn document(catalog: &Catalog, store: &Store, path: &str) -> Option<Value> {
    let gvs = by_group_version(catalog);
    let resources = gvs.get(path.trim_matches('/'))?;
    let mut schemas = Map::new();
    let builtin: Vec<(&str, &str, &str)> = resources
        .iter()
        .filter(|r| !r.custom)
        .map(|r| (r.group, r.version, r.kind))
        .collect();
    let custom: Vec<&&Resource> = resources.iter().filter(|r| r.custom).collect();
    let mut wanted = builtin.clone();
    if !custom.is_empty() {
        wanted.push(("meta.k8s.io", "v1", "ObjectMeta"));
    }
    if let Some(source) = source() {
        schemas.extend(source.schemas(&wanted));
    }
    for r in custom {
        if let Some(schema) = custom_schema(store, r) {
            schemas.insert(custom_schema_name(r), schema);
        }
    }
    let paths: Map<String, Value> =
        kubarium_tools::sort::insert_all(resources.iter().flat_map(|r| paths_of(r)));
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version::KUBERNETES_VERSION},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

/// Rewrites a v3 document part for Swagger 2.0: references point into `definitions`,
/// parameters carry their type themselves.
fn to_v2(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    *r = format!("#/definitions/{name}");
                }
            }
            if m.contains_key("in") {
                if let Some(Value::Object(schema)) = m.remove("schema") {
                    m.extend(schema);
                }
            }
            m.values_mut().for_each(to_v2);
        }
        Value::Array(a) => a.iter_mut().for_each(to_v2),
        _ => {}
    }
}

/// `/openapi/v2`: one Swagger 2.0 document for every served group-version, built from
/// the same schemas and paths as the v3 documents.
pub fn v2(catalog: &Catalog, store: &Store) -> Value {
    let mut definitions = Map::new();
    let mut paths = Map::new();
    for gv in by_group_version(catalog).keys() {
        let Some(mut doc) = document(catalog, store, gv) else {
            continue;
        };
        to_v2(&mut doc);
        if let Some(Value::Object(s)) = doc.pointer_mut("/components/schemas").map(Value::take) {
            definitions.extend(s);
        }
        if let Some(Value::Object(p)) = doc.get_mut("paths").map(Value::take) {
            paths.extend(p);
        }
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": version::KUBERNETES_VERSION},
        "paths": paths,
        "definitions": definitions,
    })
}
