//! `kubectl describe`: pods, nodes, namespaces, services, configmaps, secrets, service
//! accounts, roles and role bindings (by name, name prefix, or all), with their events.

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
    let (type_name, mut names) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), vec![n.to_string()]),
        None => (first.clone(), vec![]),
    };
    names.extend(p.positional[1..].iter().cloned());
    let r = match resource_type(&client::discover(ctx.cluster), &type_name) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if !matches!(
        r.kind,
        "Pod"
            | "Node"
            | "Namespace"
            | "Service"
            | "Role"
            | "ClusterRole"
            | "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "RoleBinding"
            | "ClusterRoleBinding"
    ) {
        return fail(format!(
            "error: \"kubectl describe {}\" is not supported in Kubarium yet",
            r.plural
        ));
    }
    let selector = match p.get("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let ns = namespace(p);
    let all_ns = p.on("all-namespaces");
    let now = ctx.cluster.now();
    let mut client = client::connect(ctx.cluster);
    let list_ns = if all_ns || !r.namespaced {
        None
    } else {
        Some(ns.as_str())
    };
    let candidates = client
        .list(r, list_ns, ListOptions::default())
        .unwrap_or_default();
    let mut targets: Vec<Value> = vec![];
    let mut out = Output::default();
    let mut code = 0;
    if names.is_empty() {
        targets = candidates;
        if let Some(sel) = &selector {
            targets.retain(|o| sel.matches(o));
        }
        if targets.is_empty() {
            if r.namespaced && !all_ns {
                out.err(format!("No resources found in {ns} namespace.\n"));
            } else {
                out.err("No resources found\n");
            }
            return CmdResult {
                output: out,
                code: 0,
            };
        }
    } else {
        for n in &names {
            match client.get(r, &ns, n) {
                Ok(o) => targets.push(o),
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
                        out.err(format!("{}\n", e.kubectl_message()));
                        code = 1;
                    }
                    targets.extend(prefixed);
                }
            }
        }
    }
    let mut texts = vec![];
    for t in &targets {
        // Events about an object live in its namespace (cluster-scoped ones in default).
        let events_ns = t["metadata"]["namespace"].as_str().unwrap_or("default");
        // Only the events about this object, selected by the server as kubectl asks.
        let about = format!(
            "involvedObject.name={}",
            t["metadata"]["name"].as_str().unwrap_or("")
        );
        let has_events = matches!(
            r.kind,
            "Pod" | "Node" | "Service" | "ConfigMap" | "ServiceAccount"
        );
        let events = if p.get("show-events") == Some("false") || !has_events {
            vec![]
        } else {
            let opts = ListOptions {
                field_selector: Some(&about),
                ..Default::default()
            };
            client
                .list(resources::events(), Some(events_ns), opts)
                .unwrap_or_default()
        };
        let in_ns = |res: &'static crate::apiserver::resources::Resource,
                     c: &mut client::Client<'_>| {
            let ns = t["metadata"]["namespace"].as_str().unwrap_or("");
            c.list(res, Some(ns), ListOptions::default())
                .unwrap_or_default()
        };
        let text = match r.kind {
            "Pod" => describe::pod(t, &events, now),
            "Role" | "ClusterRole" => describe::role(t),
            "ConfigMap" => describe::config_map(t, &events, now),
            "Secret" => describe::secret(t),
            "ServiceAccount" => describe::service_account(t, &events, now),
            "RoleBinding" | "ClusterRoleBinding" => describe::role_binding(t),
            "Namespace" => {
                let name = t["metadata"]["name"].as_str().unwrap_or("");
                let find = |plural| resources::find("", "v1", plural);
                let list = |c: &mut client::Client<'_>, plural| match find(plural) {
                    Some(res) => c
                        .list(res, Some(name), ListOptions::default())
                        .unwrap_or_default(),
                    None => vec![],
                };
                let quotas = list(&mut client, "resourcequotas");
                let limits = list(&mut client, "limitranges");
                describe::namespace(t, &quotas, &limits)
            }
            "Service" => {
                let svc = t["metadata"]["name"].as_str().unwrap_or("");
                let slices = match resources::find("discovery.k8s.io", "v1", "endpointslices") {
                    Some(res) => {
                        let mut slices = in_ns(res, &mut client);
                        slices.retain(|sl| {
                            sl["metadata"]["labels"]["kubernetes.io/service-name"] == svc
                        });
                        slices
                    }
                    None => vec![],
                };
                describe::service(t, &slices, &events, now)
            }
            _ => {
                let node = t["metadata"]["name"].as_str().unwrap_or("");
                let on_node = format!("spec.nodeName={node}");
                let opts = ListOptions {
                    field_selector: Some(&on_node),
                    ..Default::default()
                };
                let pods: Vec<Value> = client
                    .list(resources::pods(), None, opts)
                    .unwrap_or_default();
                let lease = match resources::find("coordination.k8s.io", "v1", "leases") {
                    Some(leases) => client
                        .get(leases, "kube-node-lease", node)
                        .map_err(|e| e.message),
                    None => Err(String::new()),
                };
                let lease = lease.as_ref().map_err(String::as_str);
                describe::node(t, lease, &pods, &events, now)
            }
        };
        texts.push(text);
    }
    let mut res = CmdResult::ok(texts.join("\n\n"));
    res.output.chunks.extend(out.chunks);
    res.code = code;
    res
}
