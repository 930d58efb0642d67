//! `kubectl cordon|uncordon (NODE... | -l SELECTOR)`: marks nodes unschedulable, or
//! schedulable again, with a strategic merge patch of `spec.unschedulable`; nodes already
//! so are left alone ("already cordoned").

use serde_json::{json, Value};

use super::apply::{dry_run, DryRun};
use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, resource_type};
use crate::apiserver::request::PatchType;
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

/// The nodes named or selected, read before any is changed (one that cannot be read
/// ends the command with nothing changed).
pub fn nodes(p: &Parsed, ctx: &mut super::Ctx<'_>, verb: &str) -> Result<Vec<Value>, String> {
    let usage = format!("\nSee 'kubectl {verb} -h' for help and examples");
    if p.positional.is_empty() && !p.given("selector") {
        return Err(format!("error: USAGE: {verb} NODE [flags]{usage}"));
    }
    if !p.positional.is_empty() && p.given("selector") {
        return Err(format!(
            "error: cannot specify both a node name and a --selector option{usage}"
        ));
    }
    let catalog = client::discover(ctx.cluster);
    let mut client = client::connect(ctx.cluster);
    let nodes = resources::nodes();
    if p.given("selector") {
        let opts = ListOptions {
            label_selector: p.get("selector"),
            ..Default::default()
        };
        return client
            .list(nodes, None, opts)
            .map_err(|e| e.kubectl_message());
    }
    let ns = super::namespace(p);
    let mut read = vec![];
    for arg in &p.positional {
        let (r, name) = match arg.split_once('/') {
            Some((t, n)) => (resource_type(&catalog, t)?, n),
            None => (nodes, arg.as_str()),
        };
        let obj = client.get(r, &ns, name).map_err(|e| e.kubectl_message())?;
        if r.plural != "nodes" || !r.group.is_empty() {
            return Err(format!(
                "error: expected resource of type node, got \"{}/{}, Resource={}\"",
                r.group, r.version, r.plural
            ));
        }
        read.push(obj);
    }
    Ok(read)
}

/// Runs `kubectl cordon` (`desired`: unschedulable) or `kubectl uncordon`.
pub fn run(p: &Parsed, ctx: &mut super::Ctx<'_>, desired: bool) -> CmdResult {
    let verb = if desired { "cordon" } else { "uncordon" };
    let dry = match dry_run(p) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let nodes = match nodes(p, ctx, verb) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    mark(ctx, &nodes, desired, dry, &mut out);
    CmdResult {
        output: out,
        code: 0,
    }
}

/// Marks `nodes` unschedulable (`desired`) or schedulable, printing a line for each.
pub fn mark(
    ctx: &mut super::Ctx<'_>,
    nodes: &[Value],
    desired: bool,
    dry: DryRun,
    out: &mut Output,
) {
    let verb = if desired { "cordon" } else { "uncordon" };
    let mut client = client::connect(ctx.cluster);
    for node in nodes {
        let name = node["metadata"]["name"].as_str().unwrap_or("");
        if node["spec"]["unschedulable"].as_bool().unwrap_or(false) == desired {
            out.out(format!("node/{name} already {verb}ed{}\n", dry.suffix()));
            continue;
        }
        if dry != DryRun::Client {
            // false is Go's zero value, which the patch leaves out: the field goes.
            let patch =
                json!({"spec": {"unschedulable": if desired { json!(true) } else { Value::Null }}});
            let query = [("dryRun", if dry == DryRun::Server { "All" } else { "" })];
            let patched = client.patch(
                resources::nodes(),
                "",
                name,
                "",
                PatchType::StrategicMerge,
                patch,
                &query,
            );
            if let Err(e) = patched {
                out.err(format!(
                    "error: unable to {verb} node \"{name}\": {}\n",
                    e.kubectl_message()
                ));
                continue;
            }
        }
        out.out(format!("node/{name} {verb}ed{}\n", dry.suffix()));
    }
}
