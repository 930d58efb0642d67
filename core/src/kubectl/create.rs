//! `kubectl create -f` and the generators Kubarium has: `create namespace` and
//! `create deployment` (several --image, --replicas, --port, a command after `--`).

use serde_json::json;

use super::apply::{self, output_options, DryRun, Mode};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, Ctx};
use crate::apiserver::resources;
use crate::shell::CmdResult;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    if p.given("filename") {
        return apply::run(p, ctx, Mode::Create);
    }
    let Some(sub) = p.positional.first() else {
        return fail("error: must specify one of -f and -k");
    };
    let generator = match sub.as_str() {
        "namespace" | "ns" => "namespace",
        "deployment" | "deploy" => "deployment",
        _ => {
            return fail(format!(
                "error: \"kubectl create {sub}\" is not supported in Kubarium yet"
            ))
        }
    };
    if generator == "deployment" && !p.given("image") {
        return fail("error: required flag(s) \"image\" not set");
    }
    let names = &p.positional[1..];
    if names.len() != 1 {
        return fail(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create {generator} -h' for help and examples", names.len()));
    }
    if generator == "deployment" {
        return deployment(p, ctx, &names[0]);
    }
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let name = &names[0];
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

/// The container name kubectl derives from an image (`registry/path/nginx:1.27` -> nginx).
fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    base.split(':').next().unwrap_or(base).to_string()
}

/// `kubectl create deployment NAME --image=...`.
fn deployment(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let replicas = match p.get("replicas").map(str::parse::<i32>) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            let v = p.get("replicas").unwrap_or("");
            return fail(format!("error: invalid argument \"{v}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl create deployment --help' for usage."));
        }
    };
    let port = match p.get("port").map(str::parse::<i32>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            let v = p.get("port").unwrap_or("");
            return fail(format!("error: invalid argument \"{v}\" for \"--port\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl create deployment --help' for usage."));
        }
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
    let kind = "deployment.apps";
    if dry == DryRun::Client {
        return match format.as_str() {
            "" => CmdResult::ok(format!("{kind}/{name} created (dry run)\n")),
            "name" => CmdResult::ok(format!("{kind}/{name}\n")),
            f => CmdResult::ok(print_built(obj, f)),
        };
    }
    let Some(r) = resources::find("apps", "v1", "deployments") else {
        return fail("error: the server doesn't have a resource type \"deployments\"");
    };
    let ns = super::namespace(p);
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
        Err(e) => fail(format!("error: failed to create deployment: {}", e.message)),
    }
}
