//! kubectl: the verbs Kubarium implements, against the simulated API server, with
//! kubectl's output and error texts. Verbs it lacks say so plainly.

pub mod apply;
pub mod attach;
pub mod autoscale;
pub mod client;
pub mod cluster_info_dump;
pub mod completion;
pub mod config;
pub mod cordon;
pub mod cp;
pub mod create;
pub mod debug;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod edit;
pub mod events;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod flags;
pub mod get;
pub mod info;
pub mod label;
pub mod last_applied;
pub mod logs;
pub mod manifest;
pub mod patch;
pub mod port_forward;
pub mod replace;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod taint;
pub mod targets;
pub mod top;
pub mod unreachable;
pub mod urls;
pub mod wait;

use crate::apiserver::resources::{self, Catalog, Resource};
use crate::cluster::Cluster;
use crate::command::CmdResult;
use crate::shell::fs::Fs;

/// What a kubectl invocation can reach.
pub struct Ctx<'a> {
    pub cluster: &'a mut Cluster,
    /// The machine kubectl runs on (its files: kubeconfig, manifests, /tmp).
    pub host: &'a str,
    pub cwd: &'a str,
    pub stdin: Option<String>,
    /// Whether the command is the whole line, its output on the terminal: only then can
    /// it go on running (`get --watch`) after it returns.
    pub foreground: bool,
    /// What goes on running after the command returns (set by `get --watch`).
    pub stream: Option<get::watch::GetWatch>,
    /// The logs `kubectl logs -f` goes on printing.
    pub follow: Option<logs::Follow>,
    /// An edit waiting for its editor (set by `edit`).
    pub edit: Option<edit::Edit>,
    /// A shell in a container the terminal is now attached to (`exec -it POD -- sh`).
    pub attach: Option<exec::Attached>,
    /// A pod `run -i` waits on and shows (set by `run -i`).
    pub run: Option<run::Attach>,
    /// A port-forward running until Ctrl-C.
    pub forward: Option<port_forward::Forward>,
}

impl Ctx<'_> {
    /// The files of the machine kubectl runs on.
    pub fn fs(&self) -> &Fs {
        self.cluster.fs(self.host)
    }

    pub fn fs_mut(&mut self) -> &mut Fs {
        self.cluster.fs_mut(self.host)
    }
}

/// `--request-timeout` as virtual milliseconds (none when unset or "0"); it ends what
/// waits on the server (`get --watch`).
pub fn request_timeout(p: &flags::Parsed) -> Result<Option<crate::clock::Millis>, String> {
    let Some(t) = p.get("request-timeout").filter(|t| *t != "0") else {
        return Ok(None);
    };
    if let Ok(secs) = t.parse::<i64>() {
        return Ok(Some(secs.saturating_mul(1000)));
    }
    wait::parse_duration(t).map(Some).ok_or_else(|| {
        "error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)".to_string()
    })
}

/// kubectl 1.35's commands in the order it registers them (its help groups, then the
/// rest), the order cobra suggests them in; `help` is cobra's own and never suggested.
pub const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
];

/// The commands cobra suggests for a mistyped one: those within two edits of it (case
/// ignored), or that start with it.
fn suggestions(typed: &str) -> Vec<&'static str> {
    let typed = typed.to_lowercase();
    COMMANDS
        .iter()
        .filter(|c| c.starts_with(typed.as_str()) || levenshtein(&typed, c) <= 2)
        .copied()
        .collect()
}

/// The edit distance between two strings.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// kubectl verbs Kubarium implements.
pub const VERBS: &[&str] = &[
    "get",
    "describe",
    "delete",
    "apply",
    "create",
    "run",
    "patch",
    "label",
    "annotate",
    "scale",
    "wait",
    "explain",
    "version",
    "cluster-info",
    "api-resources",
    "api-versions",
    "taint",
    "expose",
    "set",
    "config",
    "autoscale",
    "replace",
    "events",
    "diff",
    "completion",
    "edit",
    "cordon",
    "uncordon",
    "drain",
    "logs",
    "exec",
    "attach",
    "cp",
    "debug",
    "port-forward",
    "top",
    "rollout",
];

/// kubectl verbs Kubarium does not implement yet.
const NOT_YET: &[&str] = &[
    "auth",
    "certificate",
    "proxy",
    "kustomize",
    "plugin",
    "alpha",
    "options",
];

/// Finds a resource type by any of its names, with kubectl's errors otherwise.
pub fn resource_type(catalog: &Catalog, name: &str) -> Result<&'static Resource, String> {
    match catalog.lookup(name) {
        Some(r) if resources::is_served(r) => return Ok(r),
        Some(_) => {
            return Err(format!(
                "error: \"{name}\" is not supported in Kubarium yet"
            ))
        }
        None => {}
    }
    Err(format!(
        "error: the server doesn't have a resource type \"{name}\""
    ))
}

/// The namespace a command works in (`-n`, else the kubeconfig context's, else `default`).
pub fn namespace(p: &flags::Parsed) -> String {
    p.get("namespace")
        .or(p.context_namespace.as_deref())
        .unwrap_or("default")
        .to_string()
}

/// An error line for the terminal, with a trailing newline.
pub fn fail(msg: impl Into<String>) -> CmdResult {
    let mut m = msg.into();
    if !m.ends_with('\n') {
        m.push('\n');
    }
    CmdResult::fail(m, 1)
}

/// The help a command line asks for: `kubectl help [COMMAND...]`, or `--help`/`-h`
/// anywhere after the command (for the deepest subcommand named).
fn help_for(verb: &str, rest: &[String]) -> Option<String> {
    let words: Vec<&str> = rest
        .iter()
        .take_while(|a| *a != "--")
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    if verb == "help" {
        return crate::tools::help(&words)
            .or_else(|| words.first().and_then(|w| crate::tools::help(&[w])))
            .or_else(|| crate::tools::help(&[]));
    }
    let asked = rest
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--help" || a == "-h" || a == "--help=true");
    if !asked {
        return None;
    }
    (0..=words.len().min(2)).rev().find_map(|n| {
        let mut path = vec![verb];
        path.extend(&words[..n]);
        crate::tools::help(&path)
    })
}

pub fn not_supported(what: &str) -> CmdResult {
    fail(format!(
        "error: \"kubectl {what}\" is not supported in Kubarium yet"
    ))
}

/// Arguments given beside `-f` (a shell glob `-f dir/*` gives `-f` only its first file),
/// refused as kubectl refuses them.
fn arguments_beside_files(verb: &str, p: &flags::Parsed) -> Option<String> {
    if !p.given("filename") || p.positional.is_empty() {
        return None;
    }
    let subcommand = p
        .positional
        .first()
        .is_some_and(|a| a.ends_with("-last-applied"));
    match verb {
        "apply" if subcommand => None,
        "apply" | "create" | "diff" => Some(format!(
            "error: Unexpected args: [{}]\nSee 'kubectl {verb} -h' for help and examples",
            p.positional.join(" ")
        )),
        "get" | "describe" | "delete" | "edit" | "expose" => Some(
            "error: resource/name arguments cannot be provided when a path is specified".into(),
        ),
        _ => None,
    }
}

/// Runs `kubectl <args>`.
pub fn run(args: &[String], ctx: &mut Ctx<'_>) -> CmdResult {
    // Global flags may come before the verb (`kubectl -n kube-system get pods`).
    let mut i = 0;
    let mut leading: Vec<String> = vec![];
    while i < args.len() && args[i].starts_with('-') {
        leading.push(args[i].clone());
        let takes_value = matches!(
            args[i].as_str(),
            "-n" | "--namespace" | "--context" | "--kubeconfig"
        );
        if takes_value && i + 1 < args.len() {
            leading.push(args[i + 1].clone());
            i += 1;
        }
        i += 1;
    }
    let Some(verb) = args.get(i) else {
        return CmdResult::ok(crate::tools::help(&[]).unwrap_or_default());
    };
    let mut rest: Vec<String> = args[i + 1..].to_vec();
    // They go before `--`: what follows it is a command's own words.
    let at = rest.iter().position(|a| a == "--").unwrap_or(rest.len());
    rest.splice(at..at, leading);
    let verb = verb.as_str();
    if let Some(text) = help_for(verb, &rest) {
        return CmdResult::ok(text);
    }
    if NOT_YET.contains(&verb) {
        return not_supported(verb);
    }
    if !VERBS.contains(&verb) && verb != "help" {
        let mut e = format!("error: unknown command \"{verb}\" for \"kubectl\"");
        let similar = suggestions(verb);
        if !similar.is_empty() {
            e.push_str("\n\nDid you mean this?");
            for s in similar {
                e.push_str(&format!("\n\t{s}"));
            }
        }
        return fail(e);
    }
    // `create <generator>` takes the generator's own flags; the ones Kubarium lacks say so
    // before their flags are parsed.
    let scope = if verb == "create" {
        match create::scope(&rest) {
            Ok(s) => s,
            Err(e) => return e,
        }
    } else if verb == "set" && rest.first().is_some_and(|s| s == "subject") {
        "set subject".to_string()
    } else if verb == "top" {
        match rest.first().map(String::as_str) {
            Some("node" | "nodes" | "no") => "top node".to_string(),
            Some("pod" | "pods" | "po") => "top pod".to_string(),
            _ => "top".to_string(),
        }
    } else if verb == "cluster-info" && rest.first().is_some_and(|s| s == "dump") {
        "cluster-info dump".to_string()
    } else if let Some(sub) = rest.first().filter(|s| {
        verb == "apply"
            && matches!(
                s.as_str(),
                "view-last-applied" | "set-last-applied" | "edit-last-applied"
            )
    }) {
        format!("apply {sub}")
    } else {
        verb.to_string()
    };
    let mut parsed = match flags::parse(&scope, &rest) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if let Some(flag) = parsed.unsupported() {
        let scope = match (verb, parsed.positional.first()) {
            ("config", Some(sub)) => format!("config {sub}"),
            _ => scope,
        };
        return fail(format!(
            "error: \"kubectl {scope} --{flag}\" is not supported in Kubarium yet"
        ));
    }
    if let Err(e) = request_timeout(&parsed) {
        return fail(e);
    }
    if let Some(e) = arguments_beside_files(verb, &parsed) {
        return fail(e);
    }
    if verb != "config" {
        match config::context(&parsed, ctx) {
            Ok((ns, server)) => {
                parsed.context_namespace = ns;
                parsed.context_server = server;
            }
            Err(e) => return fail(e),
        }
    }
    let generate = |ctx: &mut Ctx<'_>| {
        let mut args = rest.clone();
        args.extend(["--dry-run=client", "-o", "json"].map(String::from));
        match flags::parse(&scope, &args) {
            Ok(mut p) => {
                p.context_namespace = parsed.context_namespace.clone();
                p.context_server = parsed.context_server.clone();
                create::run(&p, ctx)
            }
            Err(e) => fail(e),
        }
    };
    if let Some(res) = unreachable::refused(verb, &parsed, ctx, generate) {
        return res;
    }
    match verb {
        "get" => get::run(&parsed, ctx),
        "edit" => edit::start(&parsed, ctx),
        "describe" => describe::run(&parsed, ctx),
        "delete" => delete::run(&parsed, ctx),
        "apply" => last_applied::run(&parsed, ctx)
            .unwrap_or_else(|| apply::run(&parsed, ctx, apply::Mode::Apply)),
        "create" => create::run(&parsed, ctx),
        "run" => run::run(&parsed, ctx),
        "patch" => patch::run(&parsed, ctx),
        "label" => label::run(&parsed, ctx, label::Kind::Labels),
        "scale" => scale::run(&parsed, ctx),
        "wait" => wait::run(&parsed, ctx),
        "annotate" => label::run(&parsed, ctx, label::Kind::Annotations),
        "taint" => taint::run(&parsed, ctx),
        "expose" => expose::run(&parsed, ctx),
        "set" => set::run(&parsed, ctx),
        "config" => config::run(&parsed, ctx),
        "autoscale" => autoscale::run(&parsed, ctx),
        "replace" => replace::run(&parsed, ctx),
        "events" => events::run(&parsed, ctx),
        "diff" => diff::run(&parsed, ctx),
        "completion" => completion::run(&parsed),
        "api-versions" => info::api_versions(&parsed, &client::discover(ctx.cluster)),
        "explain" => explain::run(&parsed, ctx),
        "version" => info::version(&parsed, ctx),
        "cluster-info" if parsed.positional.first().is_some_and(|s| s == "dump") => {
            cluster_info_dump::run(&parsed, ctx)
        }
        "cluster-info" => info::cluster_info(),
        "cordon" => cordon::run(&parsed, ctx, true),
        "uncordon" => cordon::run(&parsed, ctx, false),
        "drain" => drain::run(&parsed, ctx),
        "logs" => logs::run(&parsed, ctx),
        "exec" => exec::run(&parsed, ctx),
        "attach" => attach::run(&parsed, ctx),
        "debug" => debug::run(&parsed, ctx),
        "port-forward" => port_forward::run(&parsed, ctx),
        "cp" => cp::run(&parsed, ctx),
        "top" => top::run(&parsed, ctx),
        "rollout" => rollout::run(&parsed, ctx),
        _ => info::api_resources(&parsed, &client::discover(ctx.cluster)),
    }
}
