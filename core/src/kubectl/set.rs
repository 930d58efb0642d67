//! `kubectl set image (TYPE NAME | TYPE/NAME | -l | --all) CONTAINER=IMAGE ...`: a
//! strategic merge patch of the pod template's containers (and init containers); `*`
//! names every container. Other `set` subcommands say they are not supported yet.

use serde_json::{json, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, not_supported, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::command::{CmdResult, Output};

/// Where each kind keeps its pod spec.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "ReplicationController"
        | "Deployment"
        | "DaemonSet"
        | "ReplicaSet"
        | "StatefulSet"
        | "Job" => &["spec", "template", "spec"],
        _ => return None,
    })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    match p.positional.first().map(String::as_str) {
        Some("image") => image(p, ctx),
        Some(sub @ ("env" | "resources" | "selector" | "serviceaccount" | "sa" | "subject")) => {
            not_supported(&format!("set {sub}"))
        }
        Some(other) => fail(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl set -h' for help and examples"
        )),
        None => CmdResult::ok(crate::tools::help(&["set"]).unwrap_or_default()),
    }
}

fn image(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // Resources come first; `name=image` pairs after them.
    let args = &p.positional[1..];
    let split = args
        .iter()
        .position(|a| a.contains('='))
        .unwrap_or(args.len());
    let (resources, pairs) = args.split_at(split);
    if let Some(bad) = pairs.iter().find(|a| !a.contains('=')) {
        return fail(format!(
            "error: all resources must be specified before image changes: {bad}"
        ));
    }
    if resources.is_empty() && !p.given("filename") {
        return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let objects = match targets::of(p, ctx, resources) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut images: Vec<(String, String)> = vec![];
    for pair in pairs {
        let (name, image) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() {
            return fail(format!("error: invalid image argument: {pair}"));
        }
        match images.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = image.to_string(),
            None => images.push((name.to_string(), image.to_string())),
        }
    }
    if images.is_empty() {
        return fail("error: at least one image update is required");
    }
    if images.len() > 1 && images.iter().any(|(n, _)| n == "*") {
        return fail("error: all containers are already specified by *, but saw more than one container_name=container_image pairs");
    }
    let mut out = Output::default();
    let mut errors: Vec<String> = vec![];
    let mut client = client::connect(ctx.cluster);
    for (r, ns, name) in objects {
        let obj = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => return fail(e.kubectl_message()),
        };
        let shown = format!("{}/{name}", r.kubectl_kind());
        let Some(path) = pod_spec_path(r.kind) else {
            errors.push(format!(
                "error: {}/{name} the object is not a pod or does not have a pod template: *{}.{}",
                r.plural, r.version, r.kind
            ));
            continue;
        };
        let mut spec = &obj;
        for key in path {
            spec = &spec[*key];
        }
        // The containers whose image changes, by list.
        let mut patch_spec = serde_json::Map::new();
        let mut after = obj.clone();
        for list in ["initContainers", "containers"] {
            let mut changed = vec![];
            for (i, c) in spec[list].as_array().into_iter().flatten().enumerate() {
                let cname = c["name"].as_str().unwrap_or("");
                let wanted = images
                    .iter()
                    .find(|(n, _)| n == cname || n == "*")
                    .map(|(_, img)| img);
                if let Some(img) = wanted {
                    if c["image"].as_str() != Some(img.as_str()) {
                        changed.push(json!({"name": cname, "image": img}));
                        let mut target = &mut after;
                        for key in path {
                            target = &mut target[*key];
                        }
                        target[list][i]["image"] = json!(img);
                    }
                }
            }
            if !changed.is_empty() {
                patch_spec.insert(list.to_string(), Value::Array(changed));
            }
        }
        for (n, _) in &images {
            let found = ["initContainers", "containers"].iter().any(|list| {
                spec[*list]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| n == "*" || c["name"].as_str() == Some(n))
            });
            if !found {
                errors.push(format!("error: unable to find container named \"{n}\""));
            }
        }
        if patch_spec.is_empty() {
            continue;
        }
        let result = if dry == DryRun::Client {
            after
        } else {
            let mut patch = Value::Object(patch_spec);
            for key in path.iter().rev() {
                patch = json!({ *key: patch });
            }
            let query = [
                (
                    "fieldManager",
                    p.get("field-manager").unwrap_or("kubectl-set"),
                ),
                ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
            ];
            match client.patch(r, &ns, &name, "", PatchType::StrategicMerge, patch, &query) {
                Ok((o, _)) => o,
                Err(e) => {
                    errors.push(format!(
                        "error: failed to patch image update to pod template: {}",
                        e.message
                    ));
                    continue;
                }
            }
        };
        match format.as_str() {
            "" => out.out(format!("{shown} image updated{}\n", dry.suffix())),
            "name" => out.out(format!("{shown}\n")),
            f => out.out(print_objects(vec![result], f, true)),
        }
    }
    let code = i32::from(!errors.is_empty());
    for e in errors {
        out.err(format!("{e}\n"));
    }
    CmdResult { output: out, code }
}
