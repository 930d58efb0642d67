//! `kubectl config` on the kubeconfig in the node's files (`~/.kube/config`, or
//! `--kubeconfig`): view, current-context, get-contexts, get-clusters, get-users,
//! use-context, set-context, rename-context, delete-context, set-cluster,
//! set-credentials, delete-cluster, delete-user, set and unset; and the namespace of the
//! current (or `--context`) context, which the other verbs use when `-n` is not given.
//! Every write stores the file as kubectl does: entries sorted by name, empty fields
//! dropped.

use base64::Engine;
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

fn save(p: &Parsed, ctx: &mut Ctx<'_>, config: &Value) -> Result<(), String> {
    let file = path(p, ctx);
    let config = normalized(config);
    ctx.fs_mut()
        .write(&file, &to_yaml(&config), false)
        .map_err(|e| format!("error: open {file}: {e}"))
}

/// The kubeconfig as kubectl writes it back: each list sorted by name (null when empty),
/// the fields kubectl always writes there (a cluster's server, a context's cluster and
/// user), empty and false fields dropped, and no empty preferences.
fn normalized(config: &Value) -> Value {
    let mut config = config.clone();
    if config["preferences"].as_object().is_some_and(Map::is_empty) {
        if let Some(m) = config.as_object_mut() {
            m.remove("preferences");
        }
    }
    for (list, inner, always) in [
        ("clusters", "cluster", &["server"][..]),
        ("contexts", "context", &["cluster", "user"][..]),
        ("users", "user", &[][..]),
    ] {
        let Some(entries) = config[list].as_array_mut() else {
            continue;
        };
        for e in entries.iter_mut() {
            if !e[inner].is_object() {
                e[inner] = json!({});
            }
            if let Some(body) = e[inner].as_object_mut() {
                body.retain(|k, v| {
                    always.contains(&k.as_str())
                        || !(v == &json!("") || v == &json!(false) || v.is_null())
                });
                for k in always {
                    body.entry(k.to_string()).or_insert_with(|| json!(""));
                }
            }
        }
        crate::sort::by(entries, |a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        if entries.is_empty() {
            config[list] = Value::Null;
        }
    }
    if config.get("current-context").is_none_or(Value::is_null) {
        config["current-context"] = json!("");
    }
    config
}

/// The kubeconfig's name in messages: `--kubeconfig` as given, else the default path.
fn shown_path(p: &Parsed) -> String {
    p.get("kubeconfig").unwrap_or(DEFAULT_PATH).to_string()
}

/// `path` relative to the kubeconfig's directory, as kubectl stores file paths it was
/// given (`ca.crt` beside the kubeconfig, `../certs/ca.crt` ...).
fn relative_to_config(p: &Parsed, ctx: &Ctx<'_>, path: &str) -> String {
    let target = fs::resolve(ctx.cwd, path);
    let file = self::path(p, ctx);
    let base = file.rsplit_once('/').map_or("/", |(d, _)| d);
    let base: Vec<&str> = base.split('/').filter(|c| !c.is_empty()).collect();
    let parts: Vec<&str> = target.split('/').filter(|c| !c.is_empty()).collect();
    let common = base
        .iter()
        .zip(parts.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel: Vec<&str> = vec![".."; base.len() - common];
    rel.extend(&parts[common..]);
    if rel.is_empty() {
        ".".into()
    } else {
        rel.join("/")
    }
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
    crate::sort::sort(&mut v);
    v
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
        "set-cluster" => set_cluster(p, ctx, config, args),
        "set-credentials" => set_credentials(p, ctx, config, args),
        "delete-cluster" | "delete-user" => {
            let (list, word) = if sub == "delete-cluster" {
                ("clusters", "cluster")
            } else {
                ("users", "user")
            };
            let Some(name) = args.first() else {
                if sub == "delete-cluster" {
                    return CmdResult::ok(help(&["config", "delete-cluster"]));
                }
                return fail("error: user to delete is required\nSee 'kubectl config delete-user -h' for help and examples");
            };
            if named(&config, list, name).is_none() {
                return fail(format!(
                    "error: cannot delete {word} {name}, not in {}",
                    shown_path(p)
                ));
            }
            if let Some(entries) = config[list].as_array_mut() {
                entries.retain(|c| c["name"] != json!(name));
            }
            finish(
                p,
                ctx,
                &config,
                format!("deleted {word} {name} from {}\n", shown_path(p)),
            )
        }
        "set" | "unset" => {
            let wanted = if sub == "set" { 2 } else { 1 };
            if args.len() != wanted {
                return help_error(
                    &["config", sub],
                    format!("Unexpected args: [{}]", args.join(" ")),
                );
            }
            let property = &args[0];
            let value = if sub == "set" {
                if args[1].is_empty() {
                    return fail("error: you cannot use set to unset a property");
                }
                Some((args[1].as_str(), p.on("set-raw-bytes")))
            } else {
                None
            };
            if property.is_empty() {
                return fail("error: you must specify a property");
            }
            let value = value.map(|(v, raw)| (v.to_string(), raw));
            match crate::tools::config_property(&config, property, value) {
                Some(Ok(changed)) => config = changed,
                Some(Err(e)) => return fail(format!("error: {e}")),
                None => return crate::tools::unavailable(&format!("kubectl config {sub}")),
            }
            let word = if sub == "set" { "set" } else { "unset" };
            finish(
                p,
                ctx,
                &config,
                format!("Property \"{property}\" {word}.\n"),
            )
        }
        "rename-context" => {
            let [old, new] = args else {
                return fail("error: unexpected args: expected two context names (old and new)\nSee 'kubectl config rename-context -h' for help and examples");
            };
            if named(&config, "contexts", old).is_none() {
                return fail(format!(
                    "error: cannot rename the context \"{old}\", it's not in {}",
                    shown_path(p)
                ));
            }
            if named(&config, "contexts", new).is_some() {
                return fail(format!("error: cannot rename the context \"{old}\", the context \"{new}\" already exists in {}", shown_path(p)));
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
                    shown_path(p)
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
                format!("deleted context {name} from {}\n", shown_path(p)),
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

/// kubectl's help for a command (the text for `--help`).
fn help(path: &[&str]) -> String {
    crate::tools::help(path).unwrap_or_default()
}

/// kubectl's answer to wrong arguments for some config commands: the command's help, then
/// the error.
fn help_error(path: &[&str], message: String) -> CmdResult {
    let mut out = Output::default();
    out.out(help(path));
    out.err(format!("error: {message}\n"));
    CmdResult {
        output: out,
        code: 1,
    }
}

/// The named entry of `list`, created empty when missing (`{"name": .., inner: {}}`).
fn entry_mut<'a>(
    config: &'a mut Value,
    list: &str,
    inner: &str,
    name: &str,
) -> Option<&'a mut Map<String, Value>> {
    if !config[list].is_array() {
        config[list] = json!([]);
    }
    let entries = config[list].as_array_mut()?;
    let i = match entries.iter().position(|e| e["name"] == json!(name)) {
        Some(i) => i,
        None => {
            entries.push(json!({"name": name, inner: {}}));
            entries.len() - 1
        }
    };
    if !entries[i][inner].is_object() {
        entries[i][inner] = json!({});
    }
    entries[i][inner].as_object_mut()
}

/// A file's contents for `--embed-certs`, with kubectl's error when it cannot be read.
fn embedded(ctx: &Ctx<'_>, flag: &str, file: &str) -> Result<String, String> {
    match ctx.fs().read(&fs::resolve(ctx.cwd, file)) {
        Some(text) => Ok(base64::engine::general_purpose::STANDARD.encode(text)),
        None => Err(format!(
            "error: could not stat {flag} file {file}: stat {file}: no such file or directory"
        )),
    }
}

/// `config set-cluster NAME`: server, certificate authority (a path, or embedded),
/// insecure mode, TLS server name and proxy URL, merged over the entry if it exists.
fn set_cluster(p: &Parsed, ctx: &mut Ctx<'_>, mut config: Value, args: &[String]) -> CmdResult {
    let [name] = args else {
        return help_error(
            &["config", "set-cluster"],
            format!("Unexpected args: [{}]", args.join(" ")),
        );
    };
    if name.is_empty() {
        return fail("error: you must specify a non-empty cluster name");
    }
    let insecure = p.on("insecure-skip-tls-verify");
    let ca = p.get("certificate-authority").unwrap_or("");
    if insecure && !ca.is_empty() {
        return fail(
            "error: you cannot specify a certificate authority and insecure mode at the same time",
        );
    }
    let embed = p.on("embed-certs");
    let mut ca_data = None;
    if embed {
        if ca.is_empty() {
            return fail("error: you must specify a --certificate-authority to embed");
        }
        match embedded(ctx, "certificate-authority", ca) {
            Ok(d) => ca_data = Some(d),
            Err(e) => return fail(e),
        }
    }
    let ca_path = (!ca.is_empty() && !embed).then(|| relative_to_config(p, ctx, ca));
    let Some(c) = entry_mut(&mut config, "clusters", "cluster", name) else {
        return fail("error: the kubeconfig has no clusters list");
    };
    if let Some(server) = p.get("server") {
        c.insert("server".into(), json!(server));
        c.remove("tls-server-name");
    }
    if let Some(tls) = p.get("tls-server-name") {
        c.insert("tls-server-name".into(), json!(tls));
    }
    // kubectl writes the flag's value whether given or not: a later set-cluster without
    // it turns insecure mode off.
    c.insert("insecure-skip-tls-verify".into(), json!(insecure));
    if insecure {
        c.remove("certificate-authority");
        c.remove("certificate-authority-data");
    }
    if p.given("certificate-authority") {
        if let Some(data) = ca_data {
            c.insert("certificate-authority-data".into(), json!(data));
            c.remove("insecure-skip-tls-verify");
            c.remove("certificate-authority");
        } else {
            let path = ca_path.unwrap_or_default();
            if !path.is_empty() {
                c.remove("insecure-skip-tls-verify");
                c.remove("certificate-authority-data");
            }
            c.insert("certificate-authority".into(), json!(path));
        }
    }
    if let Some(proxy) = p.get("proxy-url") {
        c.insert("proxy-url".into(), json!(proxy));
    }
    finish(p, ctx, &config, format!("Cluster \"{name}\" set.\n"))
}

/// `config set-credentials NAME`: client certificate and key (paths, or embedded), a
/// token, or a username and password; setting one kind of login clears the other.
fn set_credentials(p: &Parsed, ctx: &mut Ctx<'_>, mut config: Value, args: &[String]) -> CmdResult {
    let [name] = args else {
        return help_error(
            &["config", "set-credentials"],
            format!("unexpected args: [{}]", args.join(" ")),
        );
    };
    if name.is_empty() {
        return fail("error: you must specify a non-empty user name");
    }
    let value = |f: &str| p.get(f).unwrap_or("");
    let mut methods = vec![];
    if !value("token").is_empty() {
        methods.push("--token");
    }
    if !value("username").is_empty() || !value("password").is_empty() {
        methods.push("--username/--password");
    }
    if methods.len() > 1 {
        return fail(format!(
            "error: you cannot specify more than one authentication method at the same time: {}",
            methods.join(", ")
        ));
    }
    let embed = p.on("embed-certs");
    let mut data: Vec<(&str, String)> = vec![];
    if embed {
        let (cert, key) = (value("client-certificate"), value("client-key"));
        if cert.is_empty() && key.is_empty() {
            return fail("error: you must specify a --client-certificate or --client-key to embed");
        }
        for (flag, file) in [("client-certificate", cert), ("client-key", key)] {
            if file.is_empty() {
                continue;
            }
            match embedded(ctx, flag, file) {
                Ok(d) => data.push((flag, d)),
                Err(e) => return fail(e),
            }
        }
    }
    let paths: Vec<(&str, String)> = ["client-certificate", "client-key"]
        .into_iter()
        .filter(|f| p.given(f) && !embed)
        .map(|f| {
            let v = value(f);
            (
                f,
                if v.is_empty() {
                    String::new()
                } else {
                    relative_to_config(p, ctx, v)
                },
            )
        })
        .collect();
    let Some(u) = entry_mut(&mut config, "users", "user", name) else {
        return fail("error: the kubeconfig has no users list");
    };
    for (flag, d) in data {
        u.insert(format!("{flag}-data"), json!(d));
        u.remove(flag);
    }
    for (flag, path) in paths {
        if !path.is_empty() {
            u.remove(&format!("{flag}-data"));
        }
        u.insert(flag.to_string(), json!(path));
    }
    let (mut set_token, mut set_basic) = (false, false);
    if let Some(t) = p.get("token") {
        u.insert("token".into(), json!(t));
        set_token = !t.is_empty();
    }
    for f in ["username", "password"] {
        if let Some(v) = p.get(f) {
            u.insert(f.into(), json!(v));
            set_basic = set_basic || !v.is_empty();
        }
    }
    if set_token || set_basic {
        if !set_token {
            u.remove("token");
        }
        if !set_basic {
            u.remove("username");
            u.remove("password");
        }
    }
    finish(p, ctx, &config, format!("User \"{name}\" set.\n"))
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
    // kubectl shows no preferences when there are none.
    let mut config = normalized(config);
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
