//! `kubectl apply view-last-applied (TYPE NAME | TYPE/NAME)` and `apply set-last-applied
//! -f FILE [--create-annotation]`: the configuration client-side apply recorded, read or
//! replaced; `edit-last-applied` edits it as `kubectl edit` edits objects (`edit.rs`).

use serde_json::Value;

use super::apply::{output_options, DryRun, LAST_APPLIED};
use super::client;
use super::flags::Parsed;
use super::{fail, manifest, namespace, targets, Ctx};
use crate::command::{CmdResult, Output};
use crate::printers::json::{to_json, Order};
use crate::printers::yaml::to_yaml;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> Option<CmdResult> {
    match p.positional.first().map(String::as_str) {
        Some("view-last-applied") => Some(view(p, ctx)),
        Some("set-last-applied") => Some(set(p, ctx)),
        Some("edit-last-applied") => Some(super::edit::start_last_applied(p, ctx)),
        _ => None,
    }
}

fn view(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let format = p.get("output").unwrap_or("yaml");
    if !matches!(format, "yaml" | "json") {
        return fail(format!(
            "error: unexpected -o output mode: {format}, the flag 'output' must be one of yaml|json"
        ));
    }
    let objects = match targets::of(p, ctx, &p.positional[1..]) {
        Ok(t) => t,
        Err(_) if p.positional.len() < 2 => return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"),
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    let mut client = client::connect(ctx.cluster);
    for (r, ns, name) in objects {
        let obj = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => return fail(e.kubectl_message()),
        };
        // An object without a recorded configuration shows nothing.
        let Some(text) = obj["metadata"]["annotations"][LAST_APPLIED].as_str() else {
            continue;
        };
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        out.out(if format == "json" {
            to_json(&value, Order::Sorted)
        } else {
            to_yaml(&value)
        });
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

fn set(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let docs = match manifest::read_required(p, ctx) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let (_, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let catalog = client::discover(ctx.cluster);
    let mut out = Output::default();
    for doc in docs {
        let (r, ns, name) =
            match manifest::locate(&catalog, &doc, p.get("namespace"), &namespace(p)) {
                Ok(l) => l,
                Err(e) => return fail(e),
            };
        let mut client = client::connect(ctx.cluster);
        let mut live = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => return fail(e.kubectl_message()),
        };
        let recorded = live["metadata"]["annotations"][LAST_APPLIED]
            .as_str()
            .map(str::to_string);
        if recorded.is_none() && !p.on("create-annotation") {
            return fail(format!("error: no last-applied-configuration annotation found on resource: {name}, to create the annotation, run the command with --create-annotation"));
        }
        // Recorded as kubectl reads it: with the namespace it applies to.
        let mut config = doc.value.clone();
        if r.namespaced {
            config["metadata"]["namespace"] = Value::String(ns.clone());
        }
        let text = format!("{}\n", serde_json::to_string(&config).unwrap_or_default());
        if recorded.as_deref() == Some(text.as_str()) {
            out.out(format!("set-last-applied {name}: no changes required.\n"));
            continue;
        }
        live["metadata"]["annotations"][LAST_APPLIED] = Value::String(text);
        if dry != DryRun::Client {
            let query = [("dryRun", if dry == DryRun::Server { "All" } else { "" })];
            if let Err(e) = client.update(r, &ns, live, "", &query) {
                return fail(e.kubectl_message());
            }
        }
        out.out(format!(
            "{}/{name} configured{}\n",
            r.kubectl_kind(),
            dry.suffix()
        ));
    }
    CmdResult {
        output: out,
        code: 0,
    }
}
