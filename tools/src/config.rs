//! `kubectl config` on a kubeconfig the core loaded: view, current-context,
//! get-contexts, get-clusters, get-users, use-context, set-context, rename-context,
//! delete-context, set-cluster, set-credentials, delete-cluster, delete-user, set and
//! unset. Every write gives back the file as kubectl stores it: entries sorted by name,
//! empty fields dropped.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::command::{CmdResult, Output};
use crate::fs::{self, Fs};
use crate::kubectl_args::Args as Parsed;

/// Where kubeadm's admin kubeconfig is copied on the exam's nodes.
pub const DEFAULT_PATH: &str = "/root/.kube/config";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Request {
    pub flags: Parsed,
    pub cwd: String,
    /// The kubeconfig's absolute path and contents.
    pub path: String,
    pub config: Value,
    /// The node's files, for `--embed-certs`.
    #[serde(default)]
    pub fs: Option<Fs>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Answer {
    /// What kubectl printed before writing the file.
    pub warnings: Vec<String>,
    /// The kubeconfig to write, as kubectl stores it.
    pub write: Option<Value>,
    /// `config view`'s kubeconfig and its output format (yaml or json).
    pub view: Option<(Value, String)>,
    /// What kubectl printed then (once the file is written, if it is).
    pub result: CmdResult,
}

impl Answer {
    fn done(result: CmdResult) -> Self {
        Answer {
            result,
            ..Answer::default()
        }
    }
}

fn fail(msg: impl Into<String>) -> Answer {
    let mut m = msg.into();
    if !m.ends_with('\n') {
        m.push('\n');
    }
    CmdResult::fail(m, 1).into()
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
fn relative_to_config(q: &Request, path: &str) -> String {
    let target = fs::resolve(&q.cwd, path);
    let file = &q.path;
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

/// The entry of `list` (clusters, contexts, users) named `name`.
pub fn named<'a>(config: &'a Value, list: &str, name: &str) -> Option<&'a Value> {
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

impl From<CmdResult> for Answer {
    fn from(result: CmdResult) -> Self {
        Answer::done(result)
    }
}

/// `kubectl config SUBCOMMAND` on `q`'s kubeconfig.
pub fn run(q: &Request) -> Answer {
    let p = &q.flags;
    let Some(sub) = p.positional.first() else {
        return CmdResult::ok(help(&["config"])).into();
    };
    let mut config = q.config.clone();
    let args = &p.positional[1..];
    let current = config["current-context"].as_str().unwrap_or("").to_string();
    match sub.as_str() {
        "view" => view(p, &config, &current),
        "current-context" => {
            if current.is_empty() {
                fail("error: current-context is not set")
            } else {
                CmdResult::ok(format!("{current}\n")).into()
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
            CmdResult::ok(text).into()
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
            finish(&config, format!("Switched to context \"{name}\".\n"))
        }
        "set-context" => set_context(p, config, &current, args),
        "set-cluster" => set_cluster(q, config, args),
        "set-credentials" => set_credentials(q, config, args),
        "delete-cluster" | "delete-user" => {
            let (list, word) = if sub == "delete-cluster" {
                ("clusters", "cluster")
            } else {
                ("users", "user")
            };
            let Some(name) = args.first() else {
                if sub == "delete-cluster" {
                    return CmdResult::ok(help(&["config", "delete-cluster"])).into();
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
            let value = value.as_ref().map(|(v, raw)| (v.as_str(), *raw));
            if let Err(e) = crate::config_property::apply(&mut config, property, value) {
                return fail(format!("error: {e}"));
            }
            let word = if sub == "set" { "set" } else { "unset" };
            finish(&config, format!("Property \"{property}\" {word}.\n"))
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
            let mut answer = finish(
                &config,
                format!("deleted context {name} from {}\n", shown_path(p)),
            );
            if current == *name {
                answer.warnings.push("warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n".into());
            }
            answer
        }
        other => fail(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples"
        )),
    }
}

/// The answer of a command that writes the kubeconfig and then prints `message`.
fn finish(config: &Value, message: String) -> Answer {
    Answer {
        write: Some(normalized(config)),
        result: CmdResult::ok(message),
        ..Answer::default()
    }
}

/// kubectl's help for a command (the text for `--help`).
fn help(path: &[&str]) -> String {
    crate::help::help(path).unwrap_or_default()
}

/// kubectl's answer to wrong arguments for some config commands: the command's help, then
/// the error.
fn help_error(path: &[&str], message: String) -> Answer {
    let mut output = Output::default();
    output.out(help(path));
    output.err(format!("error: {message}\n"));
    CmdResult { output, code: 1 }.into()
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
fn embedded(q: &Request, flag: &str, file: &str) -> Result<String, String> {
    let text =
        q.fs.as_ref()
            .and_then(|f| f.read(&fs::resolve(&q.cwd, file)));
    match text {
        Some(text) => Ok(base64::engine::general_purpose::STANDARD.encode(text)),
        None => Err(format!(
            "error: could not stat {flag} file {file}: stat {file}: no such file or directory"
        )),
    }
}

/// `config set-cluster NAME`: server, certificate authority (a path, or embedded),
/// insecure mode, TLS server name and proxy URL, merged over the entry if it exists.
fn set_cluster(q: &Request, mut config: Value, args: &[String]) -> Answer {
    let p = &q.flags;
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
        match embedded(q, "certificate-authority", ca) {
            Ok(d) => ca_data = Some(d),
            Err(e) => return fail(e),
        }
    }
    let ca_path = (!ca.is_empty() && !embed).then(|| relative_to_config(q, ca));
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
    finish(&config, format!("Cluster \"{name}\" set.\n"))
}

/// `config set-credentials NAME`: client certificate and key (paths, or embedded), a
/// token, or a username and password; setting one kind of login clears the other.
fn set_credentials(q: &Request, mut config: Value, args: &[String]) -> Answer {
    let p = &q.flags;
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
            match embedded(q, flag, file) {
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
                    relative_to_config(q, v)
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
    finish(&config, format!("User \"{name}\" set.\n"))
}

fn set_context(p: &Parsed, mut config: Value, current: &str, args: &[String]) -> Answer {
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
    finish(&config, format!("Context \"{name}\" {word}.\n"))
}

fn get_contexts(p: &Parsed, config: &Value, current: &str, args: &[String]) -> Answer {
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
            out.out(crate::tabwriter::align(&text, 6, 3));
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
    .into()
}

/// `config view`: secrets shown as DATA+OMITTED or REDACTED unless `--raw`; `--minify`
/// keeps only the current context with its cluster and user.
fn view(p: &Parsed, config: &Value, current: &str) -> Answer {
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
        format @ ("yaml" | "json") => Answer {
            view: Some((config, format.to_string())),
            ..Answer::default()
        },
        other => fail(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,yaml")),
    }
}
