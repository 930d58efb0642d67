//! `kubectl create -f` and `kubectl create namespace`.

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
    if sub != "namespace" && sub != "ns" {
        return fail(format!(
            "error: \"kubectl create {sub}\" is not supported in Kubarium yet"
        ));
    }
    let names = &p.positional[1..];
    if names.len() != 1 {
        return fail(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create namespace -h' for help and examples", names.len()));
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
