//! `kubectl create -f` and the generators Kubarium has: `create namespace` and
//! `create deployment` (several --image, --replicas, --port, a command after `--`).

use base64::Engine;
use serde_json::json;

use super::apply::{self, output_options, DryRun, Mode};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, Ctx};
use crate::apiserver::resources;
use crate::command::CmdResult;

mod ingress;
mod job;
mod pdb;
mod priorityclass;
mod quota;
mod role;
mod rolebinding;
mod secret_docker;
mod secret_tls;

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
    let name = &names[0];
    match generator {
        "deployment" => return deployment(p, ctx, name),
        "configmap" | "secret generic" | "serviceaccount" => {
            return data_object(p, ctx, generator, name)
        }
        "role" | "clusterrole" => return role::run(p, ctx, generator == "clusterrole", name),
        "rolebinding" | "clusterrolebinding" => {
            return rolebinding::run(p, ctx, generator == "clusterrolebinding", name)
        }
        "job" => return job::job(p, ctx, name),
        "cronjob" => return job::cronjob(p, ctx, name),
        "priorityclass" => return priorityclass::run(p, ctx, name),
        "quota" => return quota::run(p, ctx, name),
        "poddisruptionbudget" => return pdb::run(p, ctx, name),
        "ingress" => return ingress::run(p, ctx, name),
        "secret docker-registry" => return secret_docker::run(p, ctx, name),
        "secret tls" => return secret_tls::run(p, ctx, name),
        g if g.starts_with("service ") => return service(p, ctx, &g[8..], name),
        _ => {}
    }
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if dry == DryRun::Client {
        let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}});
        return match format.as_str() {
            "" => CmdResult::ok(format!("namespace/{name} created (dry run)\n")),
            "name" => CmdResult::ok(format!("namespace/{name}\n")),
            f => CmdResult::ok(print_built(obj, f)),
        };
    }
    let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    match client::connect(ctx.cluster).create(
        resources::namespaces(),
        "",
        body,
        &[
            ("fieldValidation", "Strict"),
            ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
            (
                "fieldManager",
                p.get("field-manager").unwrap_or("kubectl-create"),
            ),
        ],
    ) {
        Ok((obj, _)) => match format.as_str() {
            "" => CmdResult::ok(format!("namespace/{name} created{}\n", dry.suffix())),
            "name" => CmdResult::ok(format!("namespace/{name}\n")),
            f => CmdResult::ok(print_objects(vec![obj], f, true)),
        },
        Err(e) => fail(e.kubectl_message()),
    }
}

/// An int32 flag's value, with pflag's error for one that is not a number (`shown` is
/// how the error names the flag: `--port`, `-r, --replicas`).
fn int_flag(p: &Parsed, long: &str, shown: &str, command: &str) -> Result<Option<i32>, CmdResult> {
    let Some(v) = p.get(long) else {
        return Ok(None);
    };
    match v.parse::<i64>() {
        Ok(n) => i32::try_from(n).map(Some).map_err(|_| fail(format!("error: invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseInt: parsing \"{v}\": value out of range\nSee 'kubectl {command} --help' for usage."))),
        Err(_) => Err(fail(format!("error: invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl {command} --help' for usage."))),
    }
}

/// The container name kubectl derives from an image (`registry/path/nginx:1.27` -> nginx).
fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    base.split(':').next().unwrap_or(base).to_string()
}

/// `kubectl create deployment NAME --image=...`.
fn deployment(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    // -o and --dry-run are checked before anything else.
    if let Err(e) = output_options(p) {
        return e;
    }
    let replicas = match int_flag(p, "replicas", "-r, --replicas", "create deployment") {
        Ok(r) => r.unwrap_or(1),
        Err(e) => return e,
    };
    let port = match int_flag(p, "port", "--port", "create deployment") {
        Ok(p) => p,
        Err(e) => return e,
    };
    let images = p.all("image");
    if images.len() > 1 && !p.rest.is_empty() {
        return fail("error: cannot specify multiple --image options and command");
    }
    let containers: Vec<serde_json::Value> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let mut c = json!({"name": container_name(image), "image": image, "resources": {}});
            if !p.rest.is_empty() {
                c["command"] = json!(p.rest);
            }
            // The port goes to the first container only.
            if let Some(port) = port.filter(|_| i == 0) {
                c["ports"] = json!([{"containerPort": port}]);
            }
            c
        })
        .collect();
    let labels = json!({"app": name});
    let obj = json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}},
            "strategy": {},
        },
        "status": {},
    });
    let what = (
        "apps",
        "deployments",
        "deployment.apps",
        "failed to create deployment: ",
    );
    send(p, ctx, what, name, obj)
}

/// The object a generator of the tools module builds from the flags (or kubectl's
/// error, printed).
fn generated(generator: &str, p: &Parsed, name: &str) -> Result<serde_json::Value, CmdResult> {
    let request = kubarium_tools::generators::Request {
        generator: generator.to_string(),
        name: name.to_string(),
        flags: crate::kubectl::debug::args(p),
    };
    match crate::tools::generate(&request) {
        Some(Ok(obj)) => Ok(obj),
        Some(Err(e)) => Err(fail(e)),
        None => Err(crate::tools::unavailable(&format!(
            "kubectl create {generator}"
        ))),
    }
}

/// Sends an object a generator built (or, with `--dry-run=client`, prints it), with
/// kubectl's `created` lines. `what` is the resource's group, plural and kubectl name, and
/// the start of kubectl's error when the server refuses (its wording differs by
/// generator: `failed to create deployment: `, `failed to create secret `; empty for
/// the plain `Error from server (...)` line).
fn send(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    what: (&str, &str, &str, &str),
    name: &str,
    obj: serde_json::Value,
) -> CmdResult {
    let (group, plural, kind, failed) = what;
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let Some(r) = resources::find(group, "v1", plural) else {
        return fail(format!(
            "error: the server doesn't have a resource type \"{plural}\""
        ));
    };
    // A namespace given on the command line is written into the object.
    let mut obj = obj;
    if let (true, Some(ns)) = (r.namespaced, p.get("namespace")) {
        obj["metadata"]["namespace"] = serde_json::json!(ns);
    }
    if dry == DryRun::Client {
        return match format.as_str() {
            "" => CmdResult::ok(format!("{kind}/{name} created (dry run)\n")),
            "name" => CmdResult::ok(format!("{kind}/{name}\n")),
            f => CmdResult::ok(print_built(obj, f)),
        };
    }
    let ns = if r.namespaced {
        super::namespace(p)
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

/// Whether `key` may name a ConfigMap or Secret entry (`[-._a-zA-Z0-9]+`).
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key != "."
        && key != ".."
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The entries of `--from-literal`, `--from-file` and `--from-env-file`, in the order
/// given, read from the virtual filesystem; kubectl's errors otherwise.
fn sources(
    p: &Parsed,
    ctx: &Ctx<'_>,
    kind: &str,
    name: &str,
) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = vec![];
    let mut add = |key: String, value: String| -> Result<(), String> {
        if !valid_key(&key) {
            return Err(format!("error: \"{key}\" is not a valid key name for a {kind}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(format!("error: cannot add key \"{key}\", another key by that name already exists in Data for {kind} \"{name}\""));
        }
        out.push((key, value));
        Ok(())
    };
    for literal in p.all("from-literal") {
        let Some((k, v)) = literal.split_once('=') else {
            return Err(format!(
                "error: invalid literal source {literal}, expected key=value"
            ));
        };
        add(k.to_string(), v.to_string())?;
    }
    for source in p.all("from-file") {
        let (key, path) = match source.split_once('=') {
            Some((k, f)) => (Some(k.to_string()), f.to_string()),
            None => (None, source.clone()),
        };
        let full = crate::shell::fs::resolve(ctx.cwd, &path);
        if ctx.fs().is_dir(&full) {
            if key.is_some() {
                return Err("error: cannot give a key name for a directory path".into());
            }
            for file in ctx.fs().list(&full) {
                let fp = format!("{}/{file}", full.trim_end_matches('/'));
                if let Some(text) = ctx.fs().read(&fp) {
                    add(file.clone(), text.to_string())?;
                }
            }
            continue;
        }
        let Some(text) = ctx.fs().read(&full) else {
            return Err(format!(
                "error: error reading {path}: no such file or directory"
            ));
        };
        let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
        add(key, text.to_string())?;
    }
    for env in p.all("from-env-file") {
        let full = crate::shell::fs::resolve(ctx.cwd, &env);
        let Some(text) = ctx.fs().read(&full) else {
            return Err(format!(
                "error: error reading {env}: no such file or directory"
            ));
        };
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            add(k.to_string(), v.to_string())?;
        }
    }
    Ok(out)
}

/// `kubectl create configmap`, `create secret generic` and `create serviceaccount`.
fn data_object(p: &Parsed, ctx: &mut Ctx<'_>, generator: &str, name: &str) -> CmdResult {
    // -o and --dry-run are checked before anything else.
    if let Err(e) = output_options(p) {
        return e;
    }
    let (kind, plural) = match generator {
        "configmap" => ("ConfigMap", "configmaps"),
        "secret generic" => ("Secret", "secrets"),
        _ => ("ServiceAccount", "serviceaccounts"),
    };
    let mut obj = json!({"kind": kind, "apiVersion": "v1", "metadata": {"name": name}});
    if kind != "ServiceAccount" {
        let entries = match sources(p, ctx, kind, name) {
            Ok(e) => e,
            Err(e) => return fail(e),
        };
        let data: serde_json::Map<String, serde_json::Value> = entries
            .into_iter()
            .map(|(k, v)| {
                let v = if kind == "Secret" {
                    base64::engine::general_purpose::STANDARD.encode(v.as_bytes())
                } else {
                    v
                };
                (k, serde_json::Value::String(v))
            })
            .collect();
        if !data.is_empty() {
            obj["data"] = serde_json::Value::Object(data);
        }
        if let Some(t) = p.get("type").filter(|t| kind == "Secret" && !t.is_empty()) {
            obj["type"] = json!(t);
        }
    }
    let kubectl_kind = kind.to_ascii_lowercase();
    let failed = match kind {
        "Secret" => "failed to create secret ".to_string(),
        _ => format!("failed to create {kubectl_kind}: "),
    };
    send(p, ctx, ("", plural, &kubectl_kind, &failed), name, obj)
}

/// `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`.
fn service(p: &Parsed, ctx: &mut Ctx<'_>, ty: &str, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let cluster_ip = p.get("clusterip");
    let mut ports = vec![];
    for spec in p.all("tcp") {
        let (port, target) = spec.split_once(':').unwrap_or((&spec, &spec));
        let Ok(number) = port.parse::<u16>() else {
            return fail(format!(
                "error: strconv.ParseUint: parsing \"{port}\": invalid syntax"
            ));
        };
        let target = match target.parse::<u16>() {
            Ok(t) => json!(t),
            Err(_) => json!(target),
        };
        let port_name = if spec.contains(':') {
            format!("{port}-{}", spec.split_once(':').map_or("", |(_, t)| t))
        } else {
            port.to_string()
        };
        let mut entry =
            json!({"name": port_name, "protocol": "TCP", "port": number, "targetPort": target});
        if let Some(node_port) = p.get("node-port").and_then(|n| n.parse::<i32>().ok()) {
            if ty == "nodeport" && node_port > 0 {
                entry["nodePort"] = json!(node_port);
            }
        }
        ports.push(entry);
    }
    if ports.is_empty() && ty != "externalname" && cluster_ip != Some("None") {
        return fail("error: at least one tcp port specifier must be provided");
    }
    let labels = json!({"app": name});
    let mut spec = serde_json::Map::new();
    if !ports.is_empty() {
        spec.insert("ports".into(), json!(ports));
    }
    spec.insert("selector".into(), labels.clone());
    if let Some(ip) = cluster_ip.filter(|ip| !ip.is_empty()) {
        spec.insert("clusterIP".into(), json!(ip));
    }
    let kind = match ty {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        _ => "ExternalName",
    };
    spec.insert("type".into(), json!(kind));
    if let Some(external) = p.get("external-name").filter(|_| ty == "externalname") {
        spec.insert("externalName".into(), json!(external));
    }
    let obj = json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": name, "labels": labels},
        "spec": spec,
        "status": {"loadBalancer": {}},
    });
    let failed = format!("failed to create {kind} service: ");
    send(p, ctx, ("", "services", "service", &failed), name, obj)
}
