//! kubectl's REST client: the API server's client as the kubeconfig's user (kubeadm's
//! admin), and the query kubectl adds to its writes. kubectl reaches the cluster only here.

pub use crate::apiserver::client::{Client, ListOptions};
use crate::apiserver::request::User;
use crate::apiserver::resources::Catalog;
use crate::cluster::Cluster;

/// A client on the cluster, as kubectl's is on its kubeconfig context.
pub fn connect(cluster: &mut Cluster) -> Client<'_> {
    cluster.client(User::admin())
}

/// The resources the cluster serves, as kubectl's discovery finds them once per command.
pub fn discover(cluster: &Cluster) -> Catalog {
    cluster.api.catalog()
}

/// The fieldValidation a `--validate` flag asks for (kubectl's default is Strict).
pub fn field_validation(flag: Option<&str>) -> Result<&'static str, String> {
    match flag.map(str::to_ascii_lowercase).as_deref() {
        None | Some("" | "true" | "strict") => Ok("Strict"),
        Some("warn") => Ok("Warn"),
        Some("false" | "ignore") => Ok("Ignore"),
        Some(_) => Err(format!(
            "error: invalid - validate option \"{}\"; must be one of: strict (or true), warn, ignore (or false)",
            flag.unwrap_or("")
        )),
    }
}

/// What kubectl 1.35 asks of a write: the field validation `--validate` chose and, for
/// `--dry-run=server`, a dry run.
pub fn write_query(dry_run: bool, validation: &'static str) -> [(&'static str, &'static str); 2] {
    [
        ("fieldValidation", validation),
        ("dryRun", if dry_run { "All" } else { "" }),
    ]
}

/// The error client-go makes of a failed response it reads raw (a pod's log): a generic
/// message for the status code, whatever the body says, naming the request.
pub fn unstructured_error(code: u16, verb: &str, resource: &str, name: &str) -> String {
    let message = match code {
        400 => "the server rejected our request for an unknown reason".to_string(),
        401 => "the server has asked for the client to provide credentials".into(),
        // The server's message, which a raw read does not decode.
        403 | 406 | 415 => "unknown".into(),
        404 => "the server could not find the requested resource".into(),
        405 => "the server does not allow this method on the requested resource".into(),
        409 => "the server reported a conflict".into(),
        422 => "the server rejected our request due to an error in our request".into(),
        429 => "the server has received too many requests and has asked us to try again later".into(),
        503 => "the server is currently unable to handle the request".into(),
        504 => "the server was unable to return a response in the time allotted, but may still be processing the request".into(),
        c if c >= 500 => "an error on the server (\"unknown\") has prevented the request from succeeding".into(),
        c => format!("the server responded with the status code {c} but did not return more information"),
    };
    format!("{message} ({verb} {resource} {name})")
}
