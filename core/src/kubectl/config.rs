//! `kubectl config` on the kubeconfig in the node's files (`~/.kube/config`, or
//! `--kubeconfig`): view, current-context, get-contexts, get-clusters, get-users,
//! use-context, set-context, rename-context and delete-context; and the namespace of the
//! current (or `--context`) context, which the other verbs use when `-n` is not given.

use serde_json::{json, Map, Value};

use super::flags::Parsed;
use super::{fail, Ctx};
use crate::command::{CmdResult, Output};
use crate::printers::json::{to_json, Order};
use crate::printers::{tabwriter, yaml::to_yaml};
use crate::shell::fs;

/// Where kubeadm's admin kubeconfig is copied on the exam's nodes.
pub const DEFAULT_PATH: &str = "/root/.kube/config";

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
    let Some(text) = ctx.fs.read(&file) else {
        return Ok(
            json!({"apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": null, "contexts": null, "users": null, "current-context": ""}),
        );
    };
    let docs = crate::yaml::documents(text)
        .map_err(|e| format!("error: error loading config file \"{file}\": {e}"))?;
    Ok(docs.into_iter().next().unwrap_or_else(|| json!({})))
}

fn save(p: &Parsed, ctx: &mut Ctx<'_>, config: &Value) -> Result<(), String> {
    let file = path(p, ctx);
    let mut config = config.clone();
    // kubectl writes the file back without empty preferences.
    if config["preferences"].as_object().is_some_and(Map::is_empty) {
        if let Some(m) = config.as_object_mut() {
            m.remove("preferences");
        }
    }
    ctx.fs
        .write(&file, &to_yaml(&config), false)
        .map_err(|e| format!("error: open {file}: {e}"))
}

fn named<'a>(config: &'a Value, list: &str, name: &str) -> Option<&'a Value> {
    config[list]
        .as_array()?
        .iter()
        .find(|e| e["name"].as_str() == Some(name))
}

fn names(config: &Value, list: &str) -> Vec<String> {
    let mut v: Vec<String> = config[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["name"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v
}

/// The namespace other verbs default to: that of `--context`, else of the current context.
pub fn context_namespace(p: &Parsed, ctx: &Ctx<'_>) -> Result<Option<String>, String> {
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
    Ok(named(&config, "contexts", &name)
        .and_then(|c| c["context"]["namespace"].as_str())
        .filter(|n| !n.is_empty())
        .map(str::to_string))
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(sub) = p.positional.first() else {
        return CmdResult::ok(crate::tools::help(&["config"]).unwrap_or_default());
    };
    let mut config = match load(p, ctx) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let args = &p.positional[1..];
    let current = config["current-context"].as_str().unwrap_or("").to_string();
    match sub.as_str() {
        "view" => view(p, &config, &current),
        "current-context" => {
            if current.is_empty() {
                fail("error: current-context is not set")
            } else {
                CmdResult::ok(format!("{current}\n"))
            }
        }
        "get-contexts" => get_contexts(p, &config, &current, args),
        "get-clusters" | "get-users" => {
            let list = if sub == "get-clusters" {
                "clusters"
            } else {
                "users"
            };
            let mut text = String::from("NAME\n");
            for n in names(&config, list) {
                text.push_str(&format!("{n}\n"));
            }
            CmdResult::ok(text)
        }
        "use-context" | "use" => {
            let Some(name) = args.first() else {
                return fail("error: empty context names are not allowed");
            };
            if named(&config, "contexts", name).is_none() {
                return fail(format!(
                    "error: no context exists with the name: \"{name}\""
                ));
            }
            config["current-context"] = json!(name);
            finish(
                p,
                ctx,
                &config,
                format!("Switched to context \"{name}\".\n"),
            )
        }
        "set-context" => set_context(p, ctx, config, &current, args),
        "rename-context" => {
            let [old, new] = args else {
                return fail("error: unexpected args: expected two context names (old and new)\nSee 'kubectl config rename-context -h' for help and examples");
            };
            if named(&config, "contexts", old).is_none() {
                return fail(format!(
                    "error: cannot rename the context \"{old}\", it's not in {}",
                    path(p, ctx)
                ));
            }
            if named(&config, "contexts", new).is_some() {
                return fail(format!("error: cannot rename the context \"{old}\", the context \"{new}\" already exists in {}", path(p, ctx)));
            }
            if let Some(list) = config["contexts"].as_array_mut() {
                for c in list.iter_mut().filter(|c| c["name"] == json!(old)) {
                    c["name"] = json!(new);
                }
            }
            if current == *old {
                config["current-context"] = json!(new);
            }
            finish(
                p,
                ctx,
                &config,
                format!("Context \"{old}\" renamed to \"{new}\".\n"),
            )
        }
        "delete-context" => {
            let Some(name) = args.first() else {
                return fail("error: empty context names are not allowed");
            };
            if named(&config, "contexts", name).is_none() {
                return fail(format!(
                    "error: cannot delete context {name}, not in {}",
                    path(p, ctx)
                ));
            }
            if let Some(list) = config["contexts"].as_array_mut() {
                list.retain(|c| c["name"] != json!(name));
            }
            let mut out = Output::default();
            if current == *name {
                out.err("warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n");
            }
            let res = finish(
                p,
                ctx,
                &config,
                format!("deleted context {name} from {}\n", path(p, ctx)),
            );
            out.extend(res.output);
            CmdResult {
                output: out,
                code: res.code,
            }
        }
        other => fail(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples"
        )),
    }
}

fn finish(p: &Parsed, ctx: &mut Ctx<'_>, config: &Value, message: String) -> CmdResult {
    match save(p, ctx, config) {
        Ok(()) => CmdResult::ok(message),
        Err(e) => fail(e),
    }
}

fn set_context(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    mut config: Value,
    current: &str,
    args: &[String],
) -> CmdResult {
    let name = if p.on("current") {
        if !args.is_empty() {
            return fail("error: you cannot specify both a context name and --current");
        }
        if current.is_empty() {
            return fail("error: no current context is set");
        }
        current.to_string()
    } else {
        match args.first() {
            Some(n) => n.clone(),
            None => return fail("error: you must specify a non-empty context name or --current"),
        }
    };
    let exists = named(&config, "contexts", &name).is_some();
    if !exists {
        if !config["contexts"].is_array() {
            config["contexts"] = json!([]);
        }
        if let Some(list) = config["contexts"].as_array_mut() {
            list.push(json!({"name": name, "context": {}}));
        }
    }
    if let Some(list) = config["contexts"].as_array_mut() {
        for c in list.iter_mut().filter(|c| c["name"] == json!(name)) {
            for (flag, key) in [
                ("cluster", "cluster"),
                ("user", "user"),
                ("namespace", "namespace"),
            ] {
                if let Some(v) = p.get(flag) {
                    c["context"][key] = json!(v);
                }
            }
        }
    }
    let word = if exists { "modified" } else { "created" };
    finish(p, ctx, &config, format!("Context \"{name}\" {word}.\n"))
}

fn get_contexts(p: &Parsed, config: &Value, current: &str, args: &[String]) -> CmdResult {
    let mut wanted = names(config, "contexts");
    let mut missing = vec![];
    if !args.is_empty() {
        missing = args
            .iter()
            .filter(|a| !wanted.contains(a))
            .cloned()
            .collect();
        wanted.retain(|n| args.contains(n));
    }
    let mut out = Output::default();
    match p.get("output").unwrap_or("") {
        "name" => {
            for n in &wanted {
                out.out(format!("{n}\n"));
            }
        }
        "" => {
            let mut text = String::new();
            if !p.on("no-headers") {
                text.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
            }
            for n in &wanted {
                let c = named(config, "contexts", n).map_or(&Value::Null, |c| &c["context"]);
                let field = |k: &str| c[k].as_str().unwrap_or("").to_string();
                let mark = if n == current { "*" } else { "" };
                text.push_str(&format!(
                    "{mark}\t{n}\t{}\t{}\t{}\n",
                    field("cluster"),
                    field("user"),
                    field("namespace")
                ));
            }
            out.out(tabwriter::align(&text, 6, 3));
        }
        other => {
            return fail(format!(
                "error: output must be one of '' or 'name': {other}"
            ))
        }
    }
    for m in &missing {
        out.err(format!("error: context {m} not found\n"));
    }
    CmdResult {
        output: out,
        code: i32::from(!missing.is_empty()),
    }
}

/// `config view`: secrets shown as DATA+OMITTED or REDACTED unless `--raw`; `--minify`
/// keeps only the current context with its cluster and user.
fn view(p: &Parsed, config: &Value, current: &str) -> CmdResult {
    let mut config = config.clone();
    if p.on("minify") {
        if current.is_empty() {
            return fail("error: current-context must exist in order to minify");
        }
        let context = named(&config, "contexts", current).cloned();
        let Some(context) = context else {
            return fail(format!("error: cannot locate context {current}"));
        };
        let keep = |list: &str, name: &Value| -> Value {
            json!(config[list]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| &e["name"] == name)
                .cloned()
                .collect::<Vec<_>>())
        };
        let clusters = keep("clusters", &context["context"]["cluster"]);
        let users = keep("users", &context["context"]["user"]);
        config["clusters"] = clusters;
        config["users"] = users;
        config["contexts"] = json!([context]);
    }
    if !p.on("raw") {
        for (list, inner) in [("clusters", "cluster"), ("users", "user")] {
            if let Some(entries) = config[list].as_array_mut() {
                for e in entries {
                    if let Some(m) = e[inner].as_object_mut() {
                        for (k, v) in m.iter_mut() {
                            if k.ends_with("-data") {
                                *v = json!("DATA+OMITTED");
                            } else if k == "token" || k == "password" {
                                *v = json!("REDACTED");
                            }
                        }
                    }
                }
            }
        }
    }
    match p.get("output").unwrap_or("yaml") {
        "yaml" => CmdResult::ok(to_yaml(&config)),
        "json" => CmdResult::ok(to_json(&config, Order::GoStruct)),
        other => fail(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,yaml")),
    }
}
