//! The kubeconfig in the node's files (`~/.kube/config`, or `--kubeconfig`): the
//! namespace and server of the current (or `--context`) context, which every verb uses,
//! and `kubectl config`, which the tools module runs on the loaded file
//! (`kubarium_tools::config`) and the core writes back and prints.

use kubarium_tools::config::{named, Request};
use serde_json::{json, Value};

use super::flags::Parsed;
use super::{fail, Ctx};
use crate::command::{CmdResult, Output};
use crate::printers::json::{to_json, Order};
use crate::printers::yaml::to_yaml;
use crate::shell::fs;

pub use kubarium_tools::config::DEFAULT_PATH;

/// A kubeconfig with kubeadm's names for the cluster at `server`. No credentials: every
/// request acts as kubeadm's admin until the security issue brings certificates.
pub fn text(server: &str) -> String {
    format!(
        "apiVersion: v1
clusters:
- cluster:
    server: {server}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {{}}
users:
- name: kubernetes-admin
  user: {{}}
"
    )
}

fn path(p: &Parsed, ctx: &Ctx<'_>) -> String {
    match p.get("kubeconfig") {
        Some(f) => fs::resolve(ctx.cwd, f),
        None => DEFAULT_PATH.to_string(),
    }
}

/// The kubeconfig as JSON (an empty config when the file is not there).
fn load(p: &Parsed, ctx: &Ctx<'_>) -> Result<Value, String> {
    let file = path(p, ctx);
    let Some(text) = ctx.fs().read(&file) else {
        return Ok(
            json!({"apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": null, "contexts": null, "users": null, "current-context": ""}),
        );
    };
    let docs = crate::yaml::documents(text)
        .map_err(|e| format!("error: error loading config file \"{file}\": {e}"))?;
    Ok(docs.into_iter().next().unwrap_or_else(|| json!({})))
}

/// The context a command uses (`--context`, else the current one), once per command: its
/// namespace, and the server of its cluster (None without one: kubectl then dials
/// `http://localhost:8080`).
pub fn context(p: &Parsed, ctx: &Ctx<'_>) -> Result<(Option<String>, Option<String>), String> {
    let config = load(p, ctx)?;
    let name = match p.get("context") {
        Some(c) => {
            if named(&config, "contexts", c).is_none() {
                return Err(format!(
                    "error: context was not found for specified context: {c}"
                ));
            }
            c.to_string()
        }
        None => config["current-context"].as_str().unwrap_or("").to_string(),
    };
    let context = named(&config, "contexts", &name).map(|c| &c["context"]);
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let namespace = text(context.map(|c| &c["namespace"]));
    let server = context
        .and_then(|c| c["cluster"].as_str())
        .and_then(|cluster| named(&config, "clusters", cluster))
        .and_then(|c| text(Some(&c["cluster"]["server"])));
    Ok((namespace, server))
}

/// `kubectl config SUBCOMMAND`.
pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let file = path(p, ctx);
    let config = match load(p, ctx) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let embeds = p.on("embed-certs");
    let request = Request {
        flags: crate::kubectl::debug::args(p),
        cwd: ctx.cwd.to_string(),
        path: file.clone(),
        config,
        fs: embeds.then(|| ctx.fs().clone()),
    };
    // A `kubarium_tools::config::Answer`.
    let Some(answer) = crate::tools::config(&request) else {
        return crate::tools::unavailable("kubectl config");
    };
    let mut out = Output::default();
    for w in crate::value::strings(&answer["warnings"]) {
        out.err(w);
    }
    let write = &answer["write"];
    if !write.is_null() {
        if let Err(e) = ctx.fs_mut().write(&file, &to_yaml(write), false) {
            out.err(format!("error: open {file}: {e}\n"));
            return CmdResult {
                output: out,
                code: 1,
            };
        }
    }
    let (view, format) = (&answer["view"][0], &answer["view"][1]);
    if format == "json" {
        out.out(to_json(view, Order::GoStruct));
    } else if !view.is_null() {
        out.out(to_yaml(view));
    }
    let result: CmdResult = match serde_json::from_value(answer["result"].clone()) {
        Ok(r) => r,
        Err(e) => return fail(format!("error: kubectl config: {e}")),
    };
    out.extend(result.output);
    CmdResult {
        output: out,
        code: result.code,
    }
}
