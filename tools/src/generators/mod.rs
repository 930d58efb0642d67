//! The objects `kubectl create` generators build from their flags (and the files,
//! discovery answers and source objects the core read for them), or kubectl's error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::fs::Fs;
pub use crate::kubectl_args::Args as Parsed;

mod configmap;
mod deployment;
mod ingress;
mod job;
mod pdb;
mod priorityclass;
mod quota;
mod role;
mod rolebinding;
mod secret;
mod service;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Request {
    /// The generator as `kubectl create` scopes it: `deployment`, `secret tls`,
    /// `service nodeport`.
    pub generator: String,
    pub name: String,
    pub flags: Parsed,
    /// The working directory and the node's files, for generators that read files
    /// (`--from-file`, `--from-env-file`, `--cert`, `--key`).
    #[serde(default)]
    pub cwd: String,
    #[serde(default)]
    pub fs: Option<Fs>,
    /// What discovery maps each `--resource` (without its subresource) to: its group
    /// and plural (`create role`).
    #[serde(default)]
    pub resources: BTreeMap<String, (String, String)>,
    /// `--selector` as a `metav1.LabelSelector`, or the parser's error
    /// (`create poddisruptionbudget`).
    #[serde(default)]
    pub selector: Option<Result<Value, String>>,
    /// The object named by `--from` (`create job --from=cronjob/NAME`).
    #[serde(default)]
    pub source: Option<Value>,
}

/// A generated object and how kubectl names it when it sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generated {
    pub object: Value,
    /// The resource's group and plural.
    pub group: String,
    pub plural: String,
    /// kubectl's name for the resource in its `created` line (`deployment.apps`).
    pub shown: String,
    /// The start of kubectl's error when the server refuses (`failed to create
    /// deployment: `); empty for the plain `Error from server (...)` line.
    pub failed: String,
    /// Warnings kubectl printed before sending.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Generated {
    fn new(object: Value, group: &str, plural: &str, shown: &str, failed: &str) -> Self {
        Generated {
            object,
            group: group.into(),
            plural: plural.into(),
            shown: shown.into(),
            failed: failed.into(),
            warnings: vec![],
        }
    }
}

/// The object `request`'s generator builds, or kubectl's error.
pub fn build(request: &Request) -> Result<Generated, String> {
    let (p, name) = (&request.flags, request.name.as_str());
    match request.generator.as_str() {
        "namespace" => Ok(namespace(name)),
        "deployment" => deployment::deployment(p, name),
        "configmap" | "secret generic" | "serviceaccount" => configmap::data_object(request),
        "secret docker-registry" => secret::docker_registry(request),
        "secret tls" => secret::tls(request),
        "role" | "clusterrole" => role::role(request),
        "rolebinding" | "clusterrolebinding" => {
            rolebinding::rolebinding(p, request.generator == "clusterrolebinding", name)
        }
        "job" => job::job(p, name, request.source.as_ref()),
        "cronjob" => job::cronjob(p, name),
        "priorityclass" => priorityclass::priorityclass(p, name),
        "quota" => quota::quota(p, name),
        "poddisruptionbudget" => pdb::pdb(p, name, request.selector.clone()),
        "ingress" => ingress::ingress(p, name),
        g => match g.strip_prefix("service ") {
            Some(ty) => service::service(p, ty, name),
            None => Err(format!("error: no generator {g}")),
        },
    }
}

/// `kubectl create namespace NAME`.
fn namespace(name: &str) -> Generated {
    let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}});
    Generated::new(obj, "", "namespaces", "namespace", "")
}

/// An int32 flag's value, with pflag's error for one that is not a number (`shown` is
/// how the error names the flag: `--port`, `-r, --replicas`).
fn int_flag(p: &Parsed, long: &str, shown: &str, command: &str) -> Result<Option<i32>, String> {
    let Some(v) = p.get(long) else {
        return Ok(None);
    };
    let why = match v.parse::<i64>() {
        Ok(n) => match i32::try_from(n) {
            Ok(n) => return Ok(Some(n)),
            Err(_) => "value out of range",
        },
        Err(_) => "invalid syntax",
    };
    Err(format!("error: invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseInt: parsing \"{v}\": {why}\nSee 'kubectl {command} --help' for usage."))
}
