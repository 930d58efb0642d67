//! kubectl: the verbs Kubarium implements, against the simulated API server, with
//! kubectl's output and error texts. Verbs it lacks say so plainly.

pub mod apply;
pub mod client;
pub mod create;
pub mod delete;
pub mod describe;
pub mod explain;
pub mod expose;
pub mod flags;
pub mod get;
pub mod info;
pub mod label;
pub mod manifest;
pub mod patch;
pub mod run;
pub mod scale;
pub mod taint;
pub mod targets;
pub mod wait;

use crate::apiserver::resources::{self, Catalog, Resource};
use crate::cluster::Cluster;
use crate::command::CmdResult;
use crate::shell::fs::Fs;

/// What a kubectl invocation can reach.
pub struct Ctx<'a> {
    pub cluster: &'a mut Cluster,
    pub fs: &'a Fs,
    pub cwd: &'a str,
    pub stdin: Option<String>,
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
];

/// kubectl verbs Kubarium does not implement yet.
const NOT_YET: &[&str] = &[
    "edit",
    "replace",
    "rollout",
    "set",
    "cordon",
    "uncordon",
    "drain",
    "logs",
    "exec",
    "attach",
    "port-forward",
    "top",
    "auth",
    "config",
    "events",
    "diff",
    "certificate",
    "autoscale",
    "cp",
    "proxy",
    "debug",
    "kustomize",
    "plugin",
    "completion",
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

/// The namespace a command works in (`-n`, else `default`).
pub fn namespace(p: &flags::Parsed) -> String {
    p.get("namespace").unwrap_or("default").to_string()
}

/// An error line for the terminal, with a trailing newline.
pub fn fail(msg: impl Into<String>) -> CmdResult {
    let mut m = msg.into();
    if !m.ends_with('\n') {
        m.push('\n');
    }
    CmdResult::fail(m, 1)
}

fn not_supported(what: &str) -> CmdResult {
    fail(format!(
        "error: \"kubectl {what}\" is not supported in Kubarium yet"
    ))
}

const HELP: &str = "kubectl controls the Kubernetes cluster manager.\n\n\
Commands Kubarium implements:\n\
  run            Run a particular image on the cluster\n\
  get            Display one or many resources\n\
  describe       Show details of a specific resource or group of resources\n\
  delete         Delete resources by file names, stdin, resources and names, or by resources and label selector\n\
  apply          Apply a configuration to a resource by file name or stdin\n\
  create         Create a resource from a file or from stdin (and create namespace)\n\
  patch          Update fields of a resource\n\
  label          Update the labels on a resource\n\
  annotate       Update the annotations on a resource\n\
  scale          Set a new size for a deployment, replica set, replication controller, or stateful set\n\
  wait           Wait for a specific condition on one or many resources (advancing virtual time)\n\
  explain        Get documentation for a resource\n\
  api-resources  Print the supported API resources on the server\n\
  cluster-info   Display cluster information\n\
  version        Print the client and server version information\n\n\
Usage:\n  kubectl [flags] [options]\n";

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
        return CmdResult::ok(HELP);
    };
    let mut rest: Vec<String> = args[i + 1..].to_vec();
    rest.extend(leading);
    let verb = verb.as_str();
    if NOT_YET.contains(&verb) {
        return not_supported(verb);
    }
    if !VERBS.contains(&verb) && verb != "help" {
        return fail(format!("error: unknown command \"{verb}\" for \"kubectl\""));
    }
    // `create <generator>` takes the generator's own flags; the ones Kubarium lacks say so
    // before their flags are parsed.
    let scope = if verb == "create" {
        match create::scope(&rest) {
            Ok(s) => s,
            Err(e) => return e,
        }
    } else {
        verb.to_string()
    };
    let parsed = match flags::parse(&scope, &rest) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if parsed.on("help") || verb == "help" {
        return CmdResult::ok(HELP);
    }
    if let Some(flag) = parsed.unsupported() {
        return fail(format!(
            "error: \"kubectl {scope} --{flag}\" is not supported in Kubarium yet"
        ));
    }
    match verb {
        "get" => get::run(&parsed, ctx),
        "describe" => describe::run(&parsed, ctx),
        "delete" => delete::run(&parsed, ctx),
        "apply" => apply::run(&parsed, ctx, apply::Mode::Apply),
        "create" => create::run(&parsed, ctx),
        "run" => run::run(&parsed, ctx),
        "patch" => patch::run(&parsed, ctx),
        "label" => label::run(&parsed, ctx, label::Kind::Labels),
        "scale" => scale::run(&parsed, ctx),
        "wait" => wait::run(&parsed, ctx),
        "annotate" => label::run(&parsed, ctx, label::Kind::Annotations),
        "taint" => taint::run(&parsed, ctx),
        "expose" => expose::run(&parsed, ctx),
        "api-versions" => info::api_versions(&parsed, &client::discover(ctx.cluster)),
        "explain" => explain::run(&parsed, ctx),
        "version" => info::version(&parsed),
        "cluster-info" => info::cluster_info(&parsed),
        _ => info::api_resources(&parsed, &client::discover(ctx.cluster)),
    }
}
