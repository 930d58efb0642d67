//! `kubectl run`: builds a Pod the way kubectl's generator does, applies `--overrides`
//! (merge, JSON or strategic patch), creates it (or prints it for `--dry-run=client`), and
//! with `--expose` a ClusterIP Service in front of it.

use serde_json::{json, Map, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, namespace, Ctx};
use crate::apiserver::patch;
use crate::apiserver::request::PatchType;
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
    if !crate::reference::matches(image) {
        return fail(format!(
            "error: Invalid image name \"{image}\": invalid reference format"
        ));
    }
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
    let port = container["ports"][0]["containerPort"].as_i64();
    let selector = Value::Object(labels);
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    });
    let pod = match overridden(p, pod) {
        Ok(pod) => pod,
        Err(e) => return e,
    };
    let service = if p.on("expose") {
        let Some(port) = port else {
            return fail("error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples");
        };
        let mut metadata = json!({"name": name});
        if let Some(ns) = p.get("namespace") {
            metadata["namespace"] = json!(ns);
        }
        Some(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": metadata,
            "spec": {
                "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                "selector": selector,
            },
            "status": {"loadBalancer": {}},
        }))
    } else {
        None
    };
    let mut out = Output::default();
    if dry == DryRun::Client {
        // kubectl 1.35 leaves a zero creationTimestamp out (omitzero).
        let mut shown = vec![];
        if let Some(svc) = service {
            shown.push(("service", svc));
        }
        shown.push(("pod", pod));
        for (i, (kind, obj)) in shown.into_iter().enumerate() {
            out.out(match format.as_str() {
                "" => format!("{kind}/{name} created (dry run)\n"),
                "name" => format!("{kind}/{name}\n"),
                // The service's printer and the pod's each start a new document.
                "yaml" if i > 0 => format!("---\n---\n{}", print_built(obj, "yaml")),
                f => print_built(obj, f),
            });
        }
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    let ns = namespace(p);
    let manager = p.get("field-manager").unwrap_or("kubectl-run");
    let mut query = client::write_query(dry == DryRun::Server, "Strict").to_vec();
    query.push(("fieldManager", manager));
    let mut client = client::connect(ctx.cluster);
    // The pod first; its Service is created and printed before the pod is printed.
    let created = match client.create(resources::pods(), &ns, pod, &query) {
        Ok(c) => c,
        Err(e) => return fail(e.kubectl_message()),
    };
    let mut printed = vec![];
    if let Some(svc) = service {
        match client.create(resources::services(), &ns, svc, &query) {
            Ok((obj, _)) => printed.push(("service", obj)),
            Err(e) => return fail(e.kubectl_message()),
        }
    }
    let (obj, warnings) = created;
    for w in warnings {
        out.err(format!("Warning: {w}\n"));
    }
    printed.push(("pod", obj));
    for (kind, obj) in printed {
        out.out(match format.as_str() {
            "" => format!("{kind}/{name} created{}\n", dry.suffix()),
            "name" => format!("{kind}/{name}\n"),
            f => print_objects(vec![obj], f, true),
        });
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

/// The pod with `--overrides` applied as a patch of `--override-type` (merge by default).
fn overridden(p: &Parsed, pod: Value) -> Result<Value, CmdResult> {
    let Some(text) = p.get("overrides").filter(|o| !o.is_empty()) else {
        return Ok(pod);
    };
    let ty = match p.get("override-type").unwrap_or("merge") {
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        "strategic" => PatchType::StrategicMerge,
        other => return Err(fail(format!("error: invalid override type: {other}"))),
    };
    let Ok(overrides) = serde_json::from_str::<Value>(text) else {
        return Err(fail("error: Invalid JSON Patch"));
    };
    let mut merged = patch::apply(ty, &pod, &overrides, "Pod")
        .map_err(|e| fail(format!("error: {}", e.message)))?;
    // Containers decode with their (empty) resources, as kubectl's typed Pod prints them.
    if let Some(cs) = merged["spec"]["containers"].as_array_mut() {
        for c in cs.iter_mut().filter(|c| c.is_object()) {
            if c.get("resources").is_none() {
                c["resources"] = json!({});
            }
        }
    }
    Ok(merged)
}
