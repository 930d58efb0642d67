//! `kubectl expose pod|service|rc|deployment|replicaset NAME`: a Service selecting what
//! the object selects, on the ports its containers (or it) declare, unless --port,
//! --target-port, --selector, --name, --type, --protocol say otherwise.

use serde_json::{json, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, manifest, namespace, resource_type, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let catalog = client::discover(ctx.cluster);
    let ns = namespace(p);
    // The objects to expose: TYPE NAME, TYPE/NAME, or -f.
    let mut targets: Vec<(&'static resources::Resource, Value)> = vec![];
    let mut out = Output::default();
    let mut client = client::connect(ctx.cluster);
    if p.given("filename") {
        let docs = match manifest::read(ctx, &p.all("filename")) {
            Ok(d) => d,
            Err(e) => return fail(e),
        };
        for d in docs {
            match manifest::resource_of(&catalog, &d) {
                Ok(r) => targets.push((r, d.value)),
                Err(e) => return fail(e),
            }
        }
        client = client::connect(ctx.cluster);
    } else {
        let args = &p.positional;
        let (type_name, names): (String, Vec<String>) = match args.first() {
            None => return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"),
            Some(a) => match a.split_once('/') {
                Some((t, n)) => (t.to_string(), vec![n.to_string()]),
                None => (a.clone(), args[1..].to_vec()),
            },
        };
        let r = match resource_type(&catalog, &type_name) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        if names.is_empty() {
            return fail("error: resource(s) were provided, but no name was specified");
        }
        for n in names {
            match client.get(r, &ns, &n) {
                Ok(o) => targets.push((r, o)),
                Err(e) => return fail(e.kubectl_message()),
            }
        }
    }
    let mut code = 0;
    for (r, obj) in targets {
        if !matches!(
            (r.group, r.kind),
            ("", "ReplicationController" | "Service" | "Pod")
                | ("apps", "Deployment" | "ReplicaSet")
        ) {
            let gk = if r.group.is_empty() {
                r.kind.to_string()
            } else {
                format!("{}.{}", r.kind, r.group)
            };
            out.err(format!("error: cannot expose a {gk}\n"));
            code = 1;
            continue;
        }
        let request = kubarium_tools::expose::Request {
            flags: super::debug::args(p),
            kind: r.kind.to_string(),
            object: obj,
        };
        let Some(service) = crate::tools::expose(&request) else {
            return crate::tools::unavailable("kubectl expose");
        };
        match service {
            Ok(mut svc) => {
                if dry == DryRun::Client {
                    if p.given("namespace") {
                        svc["metadata"]["namespace"] = json!(ns);
                    }
                    let name = svc["metadata"]["name"].as_str().unwrap_or("").to_string();
                    match format.as_str() {
                        "" => out.out(format!("service/{name} exposed (dry run)\n")),
                        "name" => out.out(format!("service/{name}\n")),
                        f => out.out(print_built(svc, f)),
                    }
                    continue;
                }
                let query = [
                    (
                        "fieldManager",
                        p.get("field-manager").unwrap_or("kubectl-expose"),
                    ),
                    ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
                ];
                match client.create(resources::services(), &ns, svc, &query) {
                    Ok((created, _)) => {
                        let name = created["metadata"]["name"].as_str().unwrap_or("");
                        match format.as_str() {
                            "" => out.out(format!("service/{name} exposed{}\n", dry.suffix())),
                            "name" => out.out(format!("service/{name}\n")),
                            f => out.out(print_objects(vec![created.clone()], f, true)),
                        }
                    }
                    Err(e) => {
                        out.err(format!("{}\n", e.kubectl_message()));
                        code = 1;
                    }
                }
            }
            Err(e) => {
                out.err(format!("error: {e}\n"));
                code = 1;
            }
        }
    }
    CmdResult { output: out, code }
}
