//! `kubectl delete`: by name, `--all`, `-l` or `-f`; graceful by default, waiting until
//! the objects are gone (virtual time passes meanwhile).

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, manifest, namespace, resource_type, Ctx};
use crate::apiserver::errors::Reason;
use crate::apiserver::resources::Resource;
use crate::clock::MINUTE;
use crate::command::{CmdResult, Output};
use crate::labels::Selector;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    // kubectl sends the cascade policy with every delete (background unless told).
    let propagation = match p.get("cascade").unwrap_or("background") {
        "background" | "true" => "Background",
        "foreground" => "Foreground",
        "orphan" | "false" => "Orphan",
        other => {
            return fail(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            ))
        }
    };
    if p.on("now") && p.given("grace-period") {
        return fail("error: --now and --grace-period cannot be specified together");
    }
    let force = p.on("force");
    let mut grace: i64 = match p.get("grace-period").map(str::parse::<i64>) {
        None => -1,
        Some(Ok(g)) => g,
        Some(Err(_)) => return fail(format!("error: invalid argument \"{}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax\nSee 'kubectl delete --help' for usage.", p.get("grace-period").unwrap_or(""), p.get("grace-period").unwrap_or(""))),
    };
    if p.on("now") {
        grace = 1;
    }
    if grace == 0 && !force {
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    let selector = match p.get("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let ns = namespace(p);
    let all_ns = p.on("all-namespaces");
    // Collect (resource, namespace, name) targets.
    let mut targets: Vec<(&'static Resource, String, String)> = vec![];
    let mut out = Output::default();
    let mut code = 0;
    let catalog = client::discover(ctx.cluster);
    if p.given("filename") {
        let docs = match manifest::read(ctx, &p.all("filename")) {
            Ok(d) => d,
            Err(e) => return fail(e),
        };
        for d in &docs {
            let r = match manifest::resource_of(&catalog, d) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            let dns = match manifest::namespace_of(d, p.get("namespace"), &super::namespace(p)) {
                Ok(n) => n,
                Err(e) => return fail(e),
            };
            targets.push((
                r,
                dns,
                d.value["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            ));
        }
    } else {
        let Some(first) = p.positional.first() else {
            return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        };
        if first.contains('/') {
            for a in &p.positional {
                let Some((t, n)) = a.split_once('/') else {
                    return fail("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
                };
                match resource_type(&catalog, t) {
                    Ok(r) => targets.push((r, ns.clone(), n.to_string())),
                    Err(e) => return fail(e),
                }
            }
        } else {
            let mut types = vec![];
            for t in first.split(',') {
                match resource_type(&catalog, t) {
                    Ok(r) => types.push(r),
                    Err(e) => return fail(e),
                }
            }
            let names = &p.positional[1..];
            let field_selector = p.get("field-selector");
            if names.is_empty() && !p.on("all") && selector.is_none() && field_selector.is_none() {
                return fail("error: resource(s) were provided, but no name was specified");
            }
            let mut client = client::connect(ctx.cluster);
            for r in types {
                if names.is_empty() {
                    let list_ns = if all_ns { None } else { Some(ns.as_str()) };
                    let opts = ListOptions {
                        label_selector: p.get("selector"),
                        field_selector,
                        ..Default::default()
                    };
                    let objs = match client.list(r, list_ns, opts) {
                        Ok(objs) => objs,
                        Err(e) => return fail(e.kubectl_message()),
                    };
                    for o in objs {
                        if o["metadata"]["deletionTimestamp"].is_null() {
                            let ons = o["metadata"]["namespace"]
                                .as_str()
                                .unwrap_or("")
                                .to_string();
                            targets.push((
                                r,
                                ons,
                                o["metadata"]["name"].as_str().unwrap_or("").to_string(),
                            ));
                        }
                    }
                } else {
                    for n in names {
                        targets.push((r, ns.clone(), n.clone()));
                    }
                }
            }
            if targets.is_empty() {
                out.err("No resources found\n");
                return CmdResult {
                    output: out,
                    code: 0,
                };
            }
        }
    }
    if force && grace == 0 {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let mut waiting: Vec<(&'static Resource, String, String, String)> = vec![];
    let mut client = client::connect(ctx.cluster);
    for (r, tns, name) in targets {
        let requested = if grace >= 0 { Some(grace) } else { None };
        match client.delete_with(r, &tns, &name, requested, Some(propagation)) {
            Ok((gone, obj)) => {
                let verb = if force && grace == 0 {
                    "force deleted"
                } else {
                    "deleted"
                };
                let from = if r.namespaced {
                    format!(" from {tns} namespace")
                } else {
                    String::new()
                };
                out.out(format!("{} \"{name}\" {verb}{from}\n", r.kubectl_kind()));
                if !gone {
                    waiting.push((
                        r,
                        tns,
                        name,
                        obj["metadata"]["uid"].as_str().unwrap_or("").to_string(),
                    ));
                }
            }
            Err(e) if e.reason == Reason::NotFound && p.on("ignore-not-found") => {}
            Err(e) => {
                out.err(format!("{}\n", e.kubectl_message()));
                code = 1;
            }
        }
    }
    // --wait (the default): let time pass until the objects are gone.
    if p.get("wait") != Some("false") && !waiting.is_empty() {
        ctx.cluster.settle();
        let limit = ctx.cluster.now() + 60 * MINUTE;
        let gone = |c: &crate::cluster::Cluster| {
            waiting.iter().all(|(r, n, name, uid)| {
                c.api.get(r, n, name).map_or(true, |o| {
                    o["metadata"]["uid"].as_str() != Some(uid.as_str())
                })
            })
        };
        ctx.cluster.advance_until(limit, gone);
    }
    CmdResult { output: out, code }
}
