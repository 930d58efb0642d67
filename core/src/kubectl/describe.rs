//! `kubectl describe` of any kind (by name, name prefix, selector, or all): each kind's
//! describer gets the object with what it looks up beside it (events, owned pods and
//! ReplicaSets, EndpointSlices, quotas); kinds without one get the generic describer.

use serde_json::Value;

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, namespace, resource_type, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};
use crate::labels::Selector;
use crate::printers::describe;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
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

/// The pods a controller selects, counted by phase among those it controls.
fn pod_counts(client: &mut client::Client<'_>, t: &Value) -> describe::PodCounts {
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
        sel => serde_json::from_value(sel.clone())
            .map(|sel| crate::labels::selector_string(&sel))
            .unwrap_or_default(),
    };
    let pods = list_in(client, "", "pods", ns, Some(&selector));
    describe::PodCounts::of(&pods, t["metadata"]["uid"].as_str().unwrap_or(""))
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
    let events = events.as_deref();
    match (r.group, r.kind) {
        ("", "Pod") => describe::pod(t, events, now),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => describe::role(t),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            describe::role_binding(t)
        }
        ("", "ConfigMap") => describe::config_map(t, events, now),
        ("", "Secret") => describe::secret(t),
        ("", "ServiceAccount") => describe::service_account(t, events, now),
        ("", "Namespace") => {
            let quotas = list_in(client, "", "resourcequotas", Some(name), None);
            let limits = list_in(client, "", "limitranges", Some(name), None);
            describe::namespace(t, &quotas, &limits)
        }
        ("", "Service") => {
            let mut slices = list_in(client, "discovery.k8s.io", "endpointslices", ns, None);
            slices.retain(|sl| sl["metadata"]["labels"]["kubernetes.io/service-name"] == name);
            describe::service(t, &slices, events, now)
        }
        ("", "Node") => {
            let on_node = format!("spec.nodeName={name}");
            let opts = ListOptions {
                field_selector: Some(&on_node),
                ..Default::default()
            };
            let pods: Vec<Value> = client
                .list(resources::pods(), None, opts)
                .unwrap_or_default();
            let lease = match resources::find("coordination.k8s.io", "v1", "leases") {
                Some(leases) => client
                    .get(leases, "kube-node-lease", name)
                    .map_err(|e| e.message),
                None => Err(String::new()),
            };
            let lease = lease.as_ref().map_err(String::as_str);
            describe::node(t, lease, &pods, events, now)
        }
        ("apps", "Deployment") => {
            let uid = &t["metadata"]["uid"];
            let mut owned = list_in(client, "apps", "replicasets", ns, None);
            owned.retain(|rs| {
                rs["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|o| o["controller"] == true && &o["uid"] == uid)
            });
            describe::deployment(t, &owned, events, now)
        }
        ("apps", "ReplicaSet") => describe::replica_set(t, pod_counts(client, t), events, now),
        ("", "ReplicationController") => {
            describe::replication_controller(t, pod_counts(client, t), events, now)
        }
        ("apps", "DaemonSet") => describe::daemon_set(t, pod_counts(client, t), events, now),
        ("apps", "StatefulSet") => describe::stateful_set(t, pod_counts(client, t), events, now),
        ("batch", "Job") => describe::job(t, events, now),
        ("batch", "CronJob") => describe::cron_job(t, events, now),
        ("", "PersistentVolume") => describe::persistent_volume(t, events, now),
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
            let users: Vec<String> = pods
                .iter()
                .filter(|p| uses(p) || owns(p))
                .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
                .collect();
            describe::persistent_volume_claim(t, &users, events, now)
        }
        ("storage.k8s.io", "StorageClass") => describe::storage_class(t, events, now),
        ("storage.k8s.io", "VolumeAttributesClass") => {
            describe::volume_attributes_class(t, events, now)
        }
        ("storage.k8s.io", "CSINode") => describe::csi_node(t, events, now),
        ("networking.k8s.io", "Ingress") => {
            let services = list_in(client, "", "services", ns, None);
            let slices = list_in(client, "discovery.k8s.io", "endpointslices", ns, None);
            describe::ingress(t, &services, &slices, events, now)
        }
        ("networking.k8s.io", "IngressClass") => describe::ingress_class(t, events, now),
        ("networking.k8s.io", "NetworkPolicy") => describe::network_policy(t),
        ("networking.k8s.io", "ServiceCIDR") => describe::service_cidr(t, events, now),
        ("networking.k8s.io", "IPAddress") => describe::ip_address(t, events, now),
        ("", "Endpoints") => describe::endpoints(t, events, now),
        ("discovery.k8s.io", "EndpointSlice") => describe::endpoint_slice(t, events, now),
        ("", "ResourceQuota") => describe::resource_quota(t),
        ("", "LimitRange") => describe::limit_range(t),
        ("policy", "PodDisruptionBudget") => describe::pod_disruption_budget(t, events, now),
        ("scheduling.k8s.io", "PriorityClass") => describe::priority_class(t, events, now),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            describe::horizontal_pod_autoscaler(t, events, now)
        }
        _ => describe::generic(t, events, now),
    }
}
