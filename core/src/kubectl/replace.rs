//! `kubectl replace -f FILE [--force]`: each object PUT over the live one (its
//! resourceVersion filled in from the server), or with `--force` deleted, waited for
//! (virtual time advances while it goes) and created again.

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, manifest, namespace, Ctx};
use crate::apiserver::errors::Reason;
use crate::clock::SECOND;
use crate::command::{CmdResult, Output};

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let docs = match manifest::read_required(p, ctx) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let catalog = client::discover(ctx.cluster);
    let mut out = Output::default();
    let mut code = 0;
    let dry_query = if dry == DryRun::Server { "All" } else { "" };
    let query = [
        ("fieldValidation", "Strict"),
        ("dryRun", dry_query),
        (
            "fieldManager",
            p.get("field-manager").unwrap_or("kubectl-replace"),
        ),
    ];
    for doc in docs {
        let (r, ns, name) =
            match manifest::locate(&catalog, &doc, p.get("namespace"), &namespace(p)) {
                Ok(l) => l,
                Err(e) => {
                    out.err(format!(
                        "{e}
"
                    ));
                    code = 1;
                    continue;
                }
            };
        let kind = r.kubectl_kind();
        let mut body = doc.value.clone();
        let mut client = client::connect(ctx.cluster);
        let result = if p.on("force") && dry != DryRun::Client {
            match client.delete(r, &ns, &name, None) {
                Ok(_) => out.out(if r.namespaced {
                    format!("{kind} \"{name}\" deleted from {ns} namespace\n")
                } else {
                    format!("{kind} \"{name}\" deleted\n")
                }),
                Err(e) if e.reason == Reason::NotFound => {}
                Err(e) => {
                    out.err(format!("{}\n", e.kubectl_message()));
                    code = 1;
                    continue;
                }
            }
            // kubectl waits for the old object to be gone (its grace period passes).
            let limit = ctx.cluster.now() + 300 * SECOND;
            ctx.cluster
                .advance_until(limit, |c| c.api.get(r, &ns, &name).is_err());
            if let Some(meta) = body["metadata"].as_object_mut() {
                meta.remove("resourceVersion");
                meta.remove("uid");
            }
            client::connect(ctx.cluster)
                .create(r, &ns, body, &query)
                .map(|(o, _)| o)
        } else if dry == DryRun::Client {
            Ok(body)
        } else {
            // Without a resourceVersion the live one is used, as kubectl's replace does.
            if body["metadata"].get("resourceVersion").is_none() {
                if let Ok(live) = client.get(r, &ns, &name) {
                    body["metadata"]["resourceVersion"] =
                        live["metadata"]["resourceVersion"].clone();
                }
            }
            client.update(r, &ns, body, "", &query)
        };
        match result {
            Ok(obj) => out.out(match format.as_str() {
                "" => format!("{kind}/{name} replaced{}\n", dry.suffix()),
                "name" => format!("{kind}/{name}\n"),
                f => print_objects(vec![obj], f, true),
            }),
            Err(e) => {
                let msg = e.kubectl_message();
                let msg = match msg.split_once("): ") {
                    Some((head, tail)) => {
                        format!("{head}): error when replacing \"{}\": {tail}", doc.source)
                    }
                    None => msg,
                };
                out.err(format!("{msg}\n"));
                code = 1;
            }
        }
    }
    CmdResult { output: out, code }
}
