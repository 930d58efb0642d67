//! `kubectl create -f` and kubectl's generators (`create deployment`, `create secret
//! tls`, ...): the tools module builds the object from the flags and what the core read
//! for it (files, discovery, the `--from` object); the core sends it.

use std::collections::BTreeMap;

use kubarium_tools::generators::Request;
use serde_json::Value;

use super::apply::{self, output_options, DryRun, Mode};
use super::flags::{slice, Parsed};
use super::get::{print_built, print_objects};
use super::{client, fail, namespace, resource_type, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

/// kubectl 1.35's generators: the name, its aliases, the kinds of `service` and `secret`,
/// and whether Kubarium has it.
const GENERATORS: &[(&str, &[&str], &[&str], bool)] = &[
    ("clusterrole", &[], &[], true),
    ("clusterrolebinding", &[], &[], true),
    ("configmap", &["cm"], &[], true),
    ("cronjob", &["cj"], &[], true),
    ("deployment", &["deploy"], &[], true),
    ("ingress", &["ing"], &[], true),
    ("job", &[], &[], true),
    ("namespace", &["ns"], &[], true),
    ("poddisruptionbudget", &["pdb"], &[], true),
    ("priorityclass", &["pc"], &[], true),
    ("quota", &["resourcequota"], &[], true),
    ("role", &[], &[], true),
    ("rolebinding", &[], &[], true),
    ("secret", &[], &["docker-registry", "generic", "tls"], true),
    (
        "service",
        &["svc"],
        &["clusterip", "externalname", "loadbalancer", "nodeport"],
        true,
    ),
    ("serviceaccount", &["sa"], &[], true),
    ("token", &[], &[], false),
];

/// Kinds of `create secret` Kubarium has.
const SECRET_KINDS: &[&str] = &["docker-registry", "generic", "tls"];

/// The command whose flags apply: `create`, `create role`, `create service nodeport`;
/// generators Kubarium lacks say so here.
pub fn scope(args: &[String]) -> Result<String, CmdResult> {
    let Some(sub) = args.first() else {
        return Ok("create".into());
    };
    let Some((name, _, kinds, supported)) = GENERATORS
        .iter()
        .find(|(n, aliases, _, _)| n == sub || aliases.contains(&sub.as_str()))
    else {
        return Ok("create".into());
    };
    if !supported {
        return Err(fail(format!(
            "error: \"kubectl create {name}\" is not supported in Kubarium yet"
        )));
    }
    if kinds.is_empty() {
        return Ok(format!("create {name}"));
    }
    match args.get(1).filter(|k| kinds.contains(&k.as_str())) {
        Some(k) if *name == "secret" && !SECRET_KINDS.contains(&k.as_str()) => Err(fail(format!(
            "error: \"kubectl create secret {k}\" is not supported in Kubarium yet"
        ))),
        Some(k) => Ok(format!("create {name} {k}")),
        None => Ok(format!("create {name}")),
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    if p.given("filename") {
        return apply::run(p, ctx, Mode::Create);
    }
    let scope = scope(&p.positional).unwrap_or_default();
    let Some(generator) = scope.strip_prefix("create ") else {
        return fail("error: must specify one of -f and -k");
    };
    let usage = match generator {
        "service" => Some("Usage:\n  kubectl create service (clusterip | externalname | loadbalancer | nodeport) NAME [options]"),
        "secret" => Some("Usage:\n  kubectl create secret (docker-registry | generic | tls) [options]"),
        _ => None,
    };
    if let Some(u) = usage {
        return fail(u);
    }
    let skip = generator.split(' ').count();
    let required: &[&str] = match generator {
        "deployment" => &["image"],
        "cronjob" => &["image", "schedule"],
        "service externalname" => &["external-name"],
        _ => &[],
    };
    let missing: Vec<String> = required
        .iter()
        .filter(|f| !p.given(f))
        .map(|f| format!("\"{f}\""))
        .collect();
    if !missing.is_empty() {
        return fail(format!(
            "error: required flag(s) {} not set",
            missing.join(", ")
        ));
    }
    let names = &p.positional[skip..];
    if names.len() != 1 {
        return fail(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create {generator} -h' for help and examples", names.len()));
    }
    // -o and --dry-run are checked first, except by `create priorityclass` (its
    // --value comes first).
    if generator != "priorityclass" {
        if let Err(e) = output_options(p) {
            return e;
        }
    }
    let mut request = Request {
        generator: generator.to_string(),
        name: names[0].clone(),
        flags: crate::kubectl::debug::args(p),
        cwd: ctx.cwd.to_string(),
        ..Request::default()
    };
    match generator {
        "configmap" | "secret generic" | "secret docker-registry" | "secret tls" => {
            request.fs = Some(ctx.fs().clone());
        }
        "role" | "clusterrole" => request.resources = discovered(p, ctx),
        "poddisruptionbudget" => {
            request.selector = p
                .get("selector")
                .filter(|s| !s.is_empty())
                .map(|s| crate::labels::Selector::parse(s).and_then(|s| s.to_label_selector()));
        }
        "job" if p.get("image").unwrap_or("").is_empty() && p.rest.is_empty() => {
            if let Some(from) = p.get("from").filter(|f| !f.is_empty()) {
                match cronjob(p, ctx, from) {
                    Ok(source) => request.source = Some(source),
                    Err(e) => return e,
                }
            }
        }
        _ => {}
    }
    let generated = match crate::tools::generate(&request) {
        Some(Ok(g)) => g,
        Some(Err(e)) => return fail(e),
        None => return crate::tools::unavailable(&format!("kubectl create {generator}")),
    };
    let mut out = Output::default();
    for w in crate::value::strings(&generated["warnings"]) {
        out.err(w);
    }
    let res = send(p, ctx, generated);
    out.extend(res.output);
    CmdResult {
        output: out,
        code: res.code,
    }
}

/// What discovery maps each `--resource` of `create role` to (without its subresource:
/// `deploy` is deployments in apps).
fn discovered(p: &Parsed, ctx: &Ctx<'_>) -> BTreeMap<String, (String, String)> {
    let catalog = client::discover(ctx.cluster);
    crate::sort::insert_all(slice(p, "resource").iter().filter_map(|r| {
        let base = r.split('/').next().unwrap_or(r);
        let res = catalog.lookup(base)?;
        Some((
            base.to_string(),
            (res.group.to_string(), res.plural.to_string()),
        ))
    }))
}

/// The CronJob `create job --from=cronjob/NAME` names.
fn cronjob(p: &Parsed, ctx: &mut Ctx<'_>, from: &str) -> Result<Value, CmdResult> {
    let Some((type_name, source)) = from.split_once('/') else {
        return Err(fail(format!(
            "error: the server doesn't have a resource type \"{from}\""
        )));
    };
    let catalog = client::discover(ctx.cluster);
    let r = resource_type(&catalog, type_name).map_err(fail)?;
    let cronjob = client::connect(ctx.cluster)
        .get(r, &namespace(p), source)
        .map_err(|e| fail(e.kubectl_message()))?;
    if r.kind != "CronJob" {
        return Err(fail(format!(
            "error: unknown object type *{}.{}",
            r.version, r.kind
        )));
    }
    Ok(cronjob)
}

/// Sends a generated object (a `kubarium_tools::generators::Generated`) or, with
/// `--dry-run=client`, prints it, with kubectl's `created` lines.
fn send(p: &Parsed, ctx: &mut Ctx<'_>, mut generated: Value) -> CmdResult {
    let mut obj = generated["object"].take();
    let text = |k: &str| generated[k].as_str().unwrap_or("").to_string();
    let (group, plural, kind, failed) =
        (text("group"), text("plural"), text("shown"), text("failed"));
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let Some(r) = resources::find(&group, "v1", &plural) else {
        return fail(format!(
            "error: the server doesn't have a resource type \"{plural}\""
        ));
    };
    // A namespace given on the command line is written into the object.
    if let (true, Some(ns)) = (r.namespaced, p.get("namespace")) {
        obj["metadata"]["namespace"] = Value::from(ns);
    }
    if dry == DryRun::Client {
        return match format.as_str() {
            "" => CmdResult::ok(format!("{kind}/{name} created (dry run)\n")),
            "name" => CmdResult::ok(format!("{kind}/{name}\n")),
            f => CmdResult::ok(print_built(obj, f)),
        };
    }
    let ns = if r.namespaced {
        namespace(p)
    } else {
        String::new()
    };
    let query = [
        ("fieldValidation", "Strict"),
        ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
        (
            "fieldManager",
            p.get("field-manager").unwrap_or("kubectl-create"),
        ),
    ];
    match client::connect(ctx.cluster).create(r, &ns, obj, &query) {
        Ok((created, _)) => match format.as_str() {
            "" => CmdResult::ok(format!("{kind}/{name} created{}\n", dry.suffix())),
            "name" => CmdResult::ok(format!("{kind}/{name}\n")),
            f => CmdResult::ok(print_objects(vec![created], f, true)),
        },
        Err(e) if failed.is_empty() => fail(e.kubectl_message()),
        Err(e) => fail(format!("error: {failed}{}", e.message)),
    }
}
