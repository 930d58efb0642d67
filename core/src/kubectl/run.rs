//! `kubectl run`: builds a Pod the way kubectl's generator does and creates it (or prints
//! it for `--dry-run=client`).

use serde_json::{json, Map, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, namespace, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

fn pairs(list: &[String], what: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    for item in list.iter().flat_map(|l| l.split(',')) {
        match item.split_once('=') {
            Some((k, v)) => {
                m.insert(k.to_string(), Value::String(v.to_string()));
            }
            None => return Err(format!("error: unexpected {what} spec: {item}")),
        }
    }
    Ok(m)
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(image) = p.get("image").filter(|i| !i.is_empty()) else {
        return fail("error: required flag(s) \"image\" not set");
    };
    let Some(name) = p.positional.first() else {
        return fail("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
    };
    let restart = p.get("restart").unwrap_or("Always");
    if !["Always", "OnFailure", "Never"].contains(&restart) {
        return fail(format!(
            "error: invalid restart policy: {restart}\nSee 'kubectl run -h' for help and examples"
        ));
    }
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let labels = match p.get("labels") {
        Some(l) => match pairs(&[l.to_string()], "label") {
            Ok(m) => m,
            Err(e) => return fail(e),
        },
        None => {
            let mut m = Map::new();
            m.insert("run".into(), Value::String(name.clone()));
            m
        }
    };
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if !p.rest.is_empty() {
        let key = if p.on("command") { "command" } else { "args" };
        container[key] = json!(p.rest);
    }
    let env = p.all("env");
    if !env.is_empty() {
        let mut vars = vec![];
        for e in env {
            match e.split_once('=') {
                Some((k, v)) => vars.push(json!({"name": k, "value": v})),
                None => return fail(format!("error: invalid env: {e}")),
            }
        }
        container["env"] = json!(vars);
    }
    if let Some(port) = p.get("port") {
        match port.parse::<i64>() {
            Ok(n) => container["ports"] = json!([{"containerPort": n}]),
            Err(_) => {
                return fail(format!(
                    "error: strconv.Atoi: parsing \"{port}\": invalid syntax"
                ))
            }
        }
    }
    if let Some(policy) = p.get("image-pull-policy") {
        container["imagePullPolicy"] = json!(policy);
    }
    let mut metadata = json!({"name": name, "labels": labels});
    if let Some(ns) = p.get("namespace") {
        metadata["namespace"] = json!(ns);
    }
    let annotations = p.all("annotations");
    if !annotations.is_empty() {
        match pairs(&annotations, "annotation") {
            Ok(m) => metadata["annotations"] = Value::Object(m),
            Err(e) => return fail(e),
        }
    }
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    });
    if dry == DryRun::Client {
        // kubectl 1.35 leaves a zero creationTimestamp out (omitzero).
        let shown = pod;
        return match format.as_str() {
            "" => CmdResult::ok(format!("pod/{name} created (dry run)\n")),
            "name" => CmdResult::ok(format!("pod/{name}\n")),
            f => CmdResult::ok(print_built(shown, f)),
        };
    }
    let ns = namespace(p);
    let manager = p.get("field-manager").unwrap_or("kubectl-run");
    let mut query = client::write_query(dry == DryRun::Server, "Strict").to_vec();
    query.push(("fieldManager", manager));
    match client::connect(ctx.cluster).create(resources::pods(), &ns, pod, &query) {
        Ok((obj, warnings)) => {
            let mut out = Output::default();
            for w in warnings {
                out.err(format!("Warning: {w}\n"));
            }
            out.out(match format.as_str() {
                "" => format!("pod/{name} created{}\n", dry.suffix()),
                "name" => format!("pod/{name}\n"),
                f => print_objects(vec![obj], f, true),
            });
            CmdResult {
                output: out,
                code: 0,
            }
        }
        Err(e) => fail(e.kubectl_message()),
    }
}
