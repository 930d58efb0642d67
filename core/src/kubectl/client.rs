//! kubectl's REST client: the API server's client as the kubeconfig's user (kubeadm's
//! admin), and the query kubectl adds to its writes. kubectl reaches the cluster only here.

pub use crate::apiserver::client::{Client, ListOptions};
use crate::apiserver::request::User;
use crate::apiserver::resources::Catalog;
use crate::cluster::Cluster;

/// A client on the cluster, as kubectl's is on its kubeconfig context.
pub fn connect(cluster: &mut Cluster) -> Client<'_> {
    Client::new(&mut cluster.api, User::admin())
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
