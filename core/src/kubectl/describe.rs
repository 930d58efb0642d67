//! `kubectl describe` of any kind (by name, name prefix, selector, or all): each kind's
//! describer gets the object with what it looks up beside it (events, owned pods and
//! ReplicaSets, EndpointSlices, quotas); kinds without one get the generic describer.

use serde_json::{json, Value};

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, namespace, resource_type, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};
use crate::labels::Selector;
use kubarium_tools::describe::{Related, Request};

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    if !crate::tools::loaded() {
        return crate::tools::unavailable("kubectl describe");
    }
    let Some(first) = p.positional.first() else {
        return fail("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
    };
    let catalog = client::discover(ctx.cluster);
    let resolve = |name: &str| resource_type(&catalog, name);
    // `TYPE[,TYPE...] [NAME...]`, or `TYPE/NAME...`: each type with the names asked for
    // (none: every object of the type).
    let mut wanted: Vec<(&'static resources::Resource, Vec<String>)> = vec![];
    if first.contains('/') {
        for arg in &p.positional {
            let Some((t, n)) = arg.split_once('/') else {
                return fail("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
            };
            match resolve(t) {
                Ok(r) => wanted.push((r, vec![n.to_string()])),
                Err(e) => return fail(e),
            }
        }
    } else {
        for t in first.split(',').filter(|t| !t.is_empty()) {
            match resolve(t) {
                Ok(r) => wanted.push((r, p.positional[1..].to_vec())),
                Err(e) => return fail(e),
            }
        }
    }
    let selector = match p.get("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let ns = namespace(p);
    let all_ns = p.on("all-namespaces");
    let now = ctx.cluster.now();
    let mut client = client::connect(ctx.cluster);
    let mut targets: Vec<(&'static resources::Resource, Value)> = vec![];
    let mut out = Output::default();
    let mut code = 0;
    for (r, names) in &wanted {
        let list_ns = if all_ns || !r.namespaced {
            None
        } else {
            Some(ns.as_str())
        };
        let candidates = client
            .list(r, list_ns, ListOptions::default())
            .unwrap_or_default();
        if names.is_empty() {
            targets.extend(
                candidates
                    .into_iter()
                    .filter(|o| selector.as_ref().is_none_or(|sel| sel.matches(o)))
                    .map(|o| (*r, o)),
            );
            continue;
        }
        for n in names {
            match client.get(r, &ns, n) {
                Ok(o) => targets.push((*r, o)),
                Err(e) => {
                    // describe falls back to objects whose names start with the argument.
                    let prefixed: Vec<Value> = candidates
                        .iter()
                        .filter(|o| {
                            o["metadata"]["name"]
                                .as_str()
                                .is_some_and(|x| x.starts_with(n.as_str()))
                        })
                        .cloned()
                        .collect();
                    if prefixed.is_empty() {
                        warn(&mut client, &mut out);
                        out.err(format!("{}\n", e.kubectl_message()));
                        code = 1;
                    }
                    targets.extend(prefixed.into_iter().map(|o| (*r, o)));
                }
            }
        }
    }
    warn(&mut client, &mut out);
    let asked_names = wanted.iter().any(|(_, names)| !names.is_empty());
    if targets.is_empty() && !asked_names {
        // kubectl names the namespace even when the kinds are cluster-scoped.
        if !all_ns {
            out.err(format!("No resources found in {ns} namespace.\n"));
        } else {
            out.err("No resources found\n");
        }
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    // Its describer decodes the certificate request, which comes with the security issue.
    if targets
        .iter()
        .any(|(r, _)| r.kind == "CertificateSigningRequest")
    {
        return fail("error: \"kubectl describe certificatesigningrequests\" is not supported in Kubarium yet");
    }
    let show_events = p.get("show-events") != Some("false");
    let texts: Vec<String> = targets
        .iter()
        .map(|(r, t)| one(r, t, &mut client, show_events, now))
        .collect();
    let mut res = CmdResult::ok(texts.join("\n\n"));
    res.output.chunks.extend(out.chunks);
    res.code = code;
    res
}

/// Writes the warnings responses carried so far, as kubectl does when they arrive.
fn warn(client: &mut client::Client<'_>, out: &mut Output) {
    for w in std::mem::take(&mut client.warnings) {
        out.err(format!("Warning: {w}\n"));
    }
}

/// Kinds whose describer prints no events.
const WITHOUT_EVENTS: [&str; 9] = [
    "Namespace",
    "Secret",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "LimitRange",
    "ResourceQuota",
];

/// The objects of a built-in resource in `ns` (none when the cluster lacks it).
fn list_in(
    client: &mut client::Client<'_>,
    group: &str,
    plural: &str,
    ns: Option<&str>,
    label_selector: Option<&str>,
) -> Vec<Value> {
    let Some(res) = resources::all().find(|r| r.group == group && r.plural == plural) else {
        return vec![];
    };
    let opts = ListOptions {
        label_selector,
        ..Default::default()
    };
    client.list(res, ns, opts).unwrap_or_default()
}

/// The pods a controller selects.
fn selected_pods(client: &mut client::Client<'_>, t: &Value) -> Vec<Value> {
    let ns = t["metadata"]["namespace"].as_str();
    let selector = match &t["spec"]["selector"] {
        // ReplicationControllers select with a plain map.
        Value::Object(m)
            if !m.contains_key("matchLabels") && !m.contains_key("matchExpressions") =>
        {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        }
        sel => crate::apiserver::decode::typed(sel.clone())
            .map(|sel| crate::labels::selector_string(&sel))
            .unwrap_or_default(),
    };
    list_in(client, "", "pods", ns, Some(&selector))
}

/// One object's description, with what its describer looks up beside it.
fn one(
    r: &'static resources::Resource,
    t: &Value,
    client: &mut client::Client<'_>,
    show_events: bool,
    now: crate::clock::Millis,
) -> String {
    let name = t["metadata"]["name"].as_str().unwrap_or("");
    let ns = t["metadata"]["namespace"].as_str();
    // Only the events about this object, selected by the server as kubectl asks.
    let events = (show_events && !WITHOUT_EVENTS.contains(&r.kind)).then(|| {
        let about = format!("involvedObject.name={name}");
        let opts = ListOptions {
            field_selector: Some(&about),
            ..Default::default()
        };
        client
            .list(resources::events(), ns, opts)
            .unwrap_or_default()
    });
    let mut rel = Related::default();
    match (r.group, r.kind) {
        ("", "Namespace") => {
            rel.quotas = list_in(client, "", "resourcequotas", Some(name), None);
            rel.limit_ranges = list_in(client, "", "limitranges", Some(name), None);
        }
        ("", "Service") => {
            rel.slices = list_in(client, "discovery.k8s.io", "endpointslices", ns, None);
            rel.slices
                .retain(|sl| sl["metadata"]["labels"]["kubernetes.io/service-name"] == name);
        }
        ("", "Node") => {
            let on_node = format!("spec.nodeName={name}");
            let opts = ListOptions {
                field_selector: Some(&on_node),
                ..Default::default()
            };
            // What the node's describer reads of each pod, and no more (it crosses to the
            // module that describes).
            rel.pods = client
                .list(resources::pods(), None, opts)
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    let m = &p["metadata"];
                    let containers: Vec<Value> = p["spec"]["containers"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| json!({"resources": c["resources"]}))
                        .collect();
                    json!({
                        "metadata": {"name": m["name"], "namespace": m["namespace"],
                                     "creationTimestamp": m["creationTimestamp"]},
                        "spec": {"containers": containers},
                        "status": {"phase": p["status"]["phase"]},
                    })
                })
                .collect();
            match resources::find("coordination.k8s.io", "v1", "leases")
                .map(|leases| client.get(leases, "kube-node-lease", name))
            {
                Some(Ok(lease)) => rel.lease = Some(lease),
                Some(Err(e)) => rel.lease_error = e.message,
                None => {}
            }
        }
        ("apps", "Deployment") => {
            let uid = &t["metadata"]["uid"];
            rel.replica_sets = list_in(client, "apps", "replicasets", ns, None);
            rel.replica_sets.retain(|rs| {
                rs["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|o| o["controller"] == true && &o["uid"] == uid)
            });
        }
        ("apps", "ReplicaSet" | "DaemonSet" | "StatefulSet") | ("", "ReplicationController") => {
            // Only what the pod counts read.
            rel.pods = selected_pods(client, t)
                .iter()
                .map(|p| {
                    json!({
                        "metadata": {"ownerReferences": p["metadata"]["ownerReferences"]},
                        "status": {"phase": p["status"]["phase"]},
                    })
                })
                .collect();
        }
        ("", "PersistentVolumeClaim") => {
            let pods = list_in(client, "", "pods", ns, None);
            let uses = |p: &Value| {
                p["spec"]["volumes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|v| v["persistentVolumeClaim"]["claimName"] == name)
            };
            let owns = |p: &Value| {
                t["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|o| o["kind"] == "Pod" && o["uid"] == p["metadata"]["uid"])
            };
            rel.users = pods
                .iter()
                .filter(|p| uses(p) || owns(p))
                .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
                .collect();
        }
        ("networking.k8s.io", "Ingress") => {
            rel.services = list_in(client, "", "services", ns, None);
            rel.slices = list_in(client, "discovery.k8s.io", "endpointslices", ns, None);
        }
        _ => {}
    }
    let request = Request {
        group: r.group.to_string(),
        kind: r.kind.to_string(),
        object: t.clone(),
        events,
        now: crate::clock::epoch_seconds() * crate::clock::SECOND + now,
        related: rel,
    };
    crate::tools::describe(&request).unwrap_or_default()
}
