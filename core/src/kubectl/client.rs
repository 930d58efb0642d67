//! kubectl's REST client: the API server's client as the kubeconfig's user (kubeadm's
//! admin), with what kubectl adds to its writes (strict field validation, its field
//! manager). kubectl reaches the cluster only here.

use serde_json::Value;

use crate::apiserver::client::Client as ApiClient;
pub use crate::apiserver::client::ListOptions;
use crate::apiserver::errors::ApiError;
use crate::apiserver::request::User;
use crate::apiserver::resources::Resource;
use crate::cluster::Cluster;

/// A REST client on one cluster, as kubectl's is on a kubeconfig context.
pub struct Client<'a> {
    inner: ApiClient<'a>,
}

impl<'a> Client<'a> {
    pub fn new(cluster: &'a mut Cluster) -> Self {
        Client {
            inner: ApiClient::new(&mut cluster.api, User::admin()),
        }
    }

    pub fn get(&mut self, r: &Resource, ns: &str, name: &str) -> Result<Value, ApiError> {
        self.inner.get(r, ns, name)
    }

    pub fn list(
        &mut self,
        r: &Resource,
        ns: Option<&str>,
        opts: ListOptions<'_>,
    ) -> Result<Vec<Value>, ApiError> {
        self.inner.list(r, ns, opts)
    }

    /// Creates an object (kubectl validates strictly by default); returns it and the
    /// server's warnings.
    pub fn create(
        &mut self,
        r: &Resource,
        ns: &str,
        body: Value,
        dry_run: bool,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let dry = if dry_run { "All" } else { "" };
        self.inner.create(
            r,
            ns,
            body,
            &[
                ("fieldValidation", "Strict"),
                ("dryRun", dry),
                ("fieldManager", "kubectl-client-side-apply"),
            ],
        )
    }

    /// Replaces an object.
    pub fn update(
        &mut self,
        r: &Resource,
        ns: &str,
        body: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let dry = if dry_run { "All" } else { "" };
        self.inner.update(
            r,
            ns,
            body,
            "",
            &[("fieldValidation", "Strict"), ("dryRun", dry)],
        )
    }

    /// Deletes an object; `Ok(true)` when it is gone at once.
    pub fn delete(
        &mut self,
        r: &Resource,
        ns: &str,
        name: &str,
        grace: Option<i64>,
    ) -> Result<(bool, Value), ApiError> {
        self.inner.delete(r, ns, name, grace)
    }
}
