//! kubectl's REST client: the API server's client as the kubeconfig's user (kubeadm's
//! admin), and the query kubectl adds to its writes. kubectl reaches the cluster only here.

pub use crate::apiserver::client::{Client, ListOptions};
use crate::apiserver::request::User;
use crate::cluster::Cluster;

/// A client on the cluster, as kubectl's is on its kubeconfig context.
pub fn connect(cluster: &mut Cluster) -> Client<'_> {
    Client::new(&mut cluster.api, User::admin())
}

/// What kubectl 1.35 asks of a write: strict field validation (its `--validate=strict`
/// default) and, for `--dry-run=server`, a dry run.
pub fn write_query(dry_run: bool) -> [(&'static str, &'static str); 2] {
    [
        ("fieldValidation", "Strict"),
        ("dryRun", if dry_run { "All" } else { "" }),
    ]
}
