//! The cluster as a YAML bundle: the objects the learner made (not those a fresh cluster
//! starts with, nor those controllers made for them), each at its resource's preferred
//! version and without what the server filled in (status, UIDs, resource versions,
//! managed fields, allocated cluster IPs), so that `kubectl apply -f` on any cluster takes
//! it back. Namespaces and CustomResourceDefinitions come first.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::apiserver::client::ListOptions;
use crate::apiserver::resources::{self, Resource};
use crate::kubectl::client::{connect, discover};
use crate::session::Session;

/// Kinds only the cluster itself makes: never in a bundle.
const DERIVED: [&str; 7] = [
    "Node",
    "Event",
    "Lease",
    "Endpoints",
    "EndpointSlice",
    "ControllerRevision",
    "IPAddress",
];

/// Objects each namespace gets from its controllers.
fn made_for_namespace(kind: &str, name: &str) -> bool {
    matches!(
        (kind, name),
        ("ServiceAccount", "default") | ("ConfigMap", "kube-root-ca.crt")
    )
}

/// Annotations the server or kubectl wrote.
const SERVER_ANNOTATIONS: [&str; 3] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "pv.kubernetes.io/bind-completed",
];

/// The learner's objects in `s` (a session built from `seed`), as one YAML stream (empty
/// when there are none).
pub fn export(s: &mut Session, seed: u64) -> String {
    let fresh: BTreeSet<(&str, &str, String, String)> = listed(&mut Session::new(seed))
        .into_iter()
        .map(|(r, item)| {
            (
                r.group,
                r.plural,
                field(&item, "namespace"),
                field(&item, "name"),
            )
        })
        .collect();
    let mut objects: Vec<(usize, &str, String, String, Value)> = listed(s)
        .into_iter()
        .filter(|(r, item)| {
            let owned = item["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|o| !o.is_empty());
            let (ns, name) = (field(item, "namespace"), field(item, "name"));
            !owned
                && !made_for_namespace(r.kind, &name)
                && !fresh.contains(&(r.group, r.plural, ns, name))
        })
        .map(|(r, mut item)| {
            clean(&mut item, r);
            let rank = match r.kind {
                "Namespace" => 0,
                "CustomResourceDefinition" => 1,
                _ => 2,
            };
            (
                rank,
                r.kind,
                field(&item, "namespace"),
                field(&item, "name"),
                item,
            )
        })
        .collect();
    objects.sort_by(|a, b| (a.0, a.1, &a.2, &a.3).cmp(&(b.0, b.1, &b.2, &b.3)));
    objects
        .iter()
        .map(|o| crate::printers::yaml::to_yaml(&o.4))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn field(item: &Value, name: &str) -> String {
    item["metadata"][name].as_str().unwrap_or("").to_string()
}

/// Every object a learner could have made in `s`: each resource once (at its preferred
/// version), as the API lists it.
fn listed(s: &mut Session) -> Vec<(&'static Resource, Value)> {
    let catalog = discover(&s.cluster);
    let mut seen = BTreeSet::new();
    let served: Vec<&'static Resource> = catalog
        .all()
        .filter(|r| {
            resources::is_served(r)
                && r.verbs.contains(&"list")
                && r.verbs.contains(&"create")
                && !DERIVED.contains(&r.kind)
        })
        .filter(|r| seen.insert((r.group, r.plural)))
        .collect();
    let mut client = connect(&mut s.cluster);
    served
        .into_iter()
        .flat_map(|r| {
            let items = client
                .list(r, None, ListOptions::default())
                .unwrap_or_default();
            items.into_iter().map(move |item| (r, item))
        })
        .collect()
}

/// An object without what the server filled in.
fn clean(item: &mut Value, r: &Resource) {
    let Some(obj) = item.as_object_mut() else {
        return;
    };
    obj.remove("status");
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "selfLink",
        ] {
            meta.remove(f);
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.retain(|k, _| !SERVER_ANNOTATIONS.contains(&k.as_str()));
            if a.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        match r.kind {
            "Service" => {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            "PersistentVolumeClaim" => {
                spec.remove("volumeName");
            }
            _ => {}
        }
    }
}
