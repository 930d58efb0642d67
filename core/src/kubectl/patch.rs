//! `kubectl patch`: a strategic merge, JSON merge or JSON patch sent to one object (by
//! TYPE NAME, TYPE/NAME or -f), or to its status or scale subresource; `patched`, or
//! `patched (no change)` when the object came back as it was.

use serde_json::Value;

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, manifest, namespace, resource_type, Ctx};
use crate::apiserver::patch;
use crate::apiserver::request::PatchType;
use crate::apiserver::resources::Resource;
use crate::command::{CmdResult, Output};

/// The patch text from -p or --patch-file, as JSON (kubectl reads it as YAML).
fn patch_body(p: &Parsed, ctx: &Ctx<'_>) -> Result<Value, String> {
    let text =
        match (p.get("patch"), p.get("patch-file")) {
            (Some(t), _) if !t.is_empty() => t.to_string(),
            (_, Some(f)) if !f.is_empty() => {
                let path = crate::shell::fs::resolve(ctx.cwd, f);
                match ctx.fs().read(&path) {
                    Some(t) => t.to_string(),
                    None => {
                        return Err(format!(
                            "error: unable to read patch file: open {f}: no such file or directory"
                        ))
                    }
                }
            }
            _ => return Err(
                "error: must specify --patch or --patch-file containing the contents of the patch"
                    .into(),
            ),
        };
    let docs = crate::yaml::documents(&text)
        .map_err(|e| format!("error: unable to parse \"{text}\": {e}"))?;
    Ok(docs.into_iter().next().unwrap_or(Value::Null))
}

/// The one object to patch: (resource, namespace, name).
fn target(p: &Parsed, ctx: &mut Ctx<'_>) -> Result<(&'static Resource, String, String), String> {
    let catalog = client::discover(ctx.cluster);
    let ns = namespace(p);
    if p.given("filename") {
        let docs = manifest::read(ctx, &p.all("filename"))?;
        let Some(doc) = docs.first() else {
            return Err("error: no objects passed to patch".into());
        };
        let r = manifest::resource_of(&catalog, doc)?;
        let dns = manifest::namespace_of(doc, p.get("namespace"), &super::namespace(p))?;
        let name = doc.value["metadata"]["name"].as_str().unwrap_or("");
        return Ok((r, dns, name.to_string()));
    }
    match p.positional.as_slice() {
        [] => Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into()),
        [one] => match one.split_once('/') {
            Some((t, n)) => Ok((resource_type(&catalog, t)?, ns, n.to_string())),
            None => {
                resource_type(&catalog, one)?;
                Err("error: resource(s) were provided, but no name was specified".into())
            }
        },
        [t, n] if !t.contains('/') => Ok((resource_type(&catalog, t)?, ns, n.clone())),
        _ => Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into()),
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let ty = match p.get("type").unwrap_or("strategic") {
        "strategic" => PatchType::StrategicMerge,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            return fail(format!(
                "error: --type must be one of [json merge strategic], not \"{other}\""
            ))
        }
    };
    let sub = p.get("subresource").unwrap_or("");
    let body = match patch_body(p, ctx) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let (r, ns, name) = match target(p, ctx) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let manager = p.get("field-manager").unwrap_or("kubectl-patch");
    let mut client = client::connect(ctx.cluster);
    let before = match client.get_subresource(r, &ns, &name, sub) {
        Ok(obj) => obj,
        Err(e) => return fail(e.kubectl_message()),
    };
    let after = if dry == DryRun::Client {
        patch::apply(ty, &before, &body, r.kind).map(|obj| (obj, vec![]))
    } else {
        let mut query = client::write_query(dry == DryRun::Server, "Strict").to_vec();
        query.push(("fieldManager", manager));
        client.patch(r, &ns, &name, sub, ty, body, &query)
    };
    let (after, warnings) = match after {
        Ok(answer) => answer,
        Err(e) => return fail(e.kubectl_message()),
    };
    let mut out = Output::default();
    for w in warnings {
        out.err(format!("Warning: {w}\n"));
    }
    match format.as_str() {
        "" => {
            let change = if before == after { " (no change)" } else { "" };
            out.out(format!(
                "{}/{name} patched{change}{}\n",
                r.kubectl_kind(),
                dry.suffix()
            ));
        }
        "name" => out.out(format!("{}/{name}\n", r.kubectl_kind())),
        f => out.out(print_objects(vec![after], f, true)),
    }
    CmdResult {
        output: out,
        code: 0,
    }
}
