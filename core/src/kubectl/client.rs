//! kubectl's side of the REST surface: builds requests (paths, selectors, dry run, field
//! validation, grace periods) and reads responses. kubectl reaches the cluster only here.

use serde_json::Value;

use crate::apiserver::errors::ApiError;
use crate::apiserver::request::{Method, Request};
use crate::apiserver::resources::Resource;
use crate::apiserver::rest::Response;
use crate::cluster::Cluster;

/// A list request's options.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOptions<'a> {
    pub label_selector: Option<&'a str>,
    pub field_selector: Option<&'a str>,
}

/// A REST client on one cluster, as kubectl's is on a kubeconfig context.
pub struct Client<'a> {
    pub cluster: &'a mut Cluster,
}

impl<'a> Client<'a> {
    pub fn new(cluster: &'a mut Cluster) -> Self {
        Client { cluster }
    }

    fn send(&mut self, req: Request) -> Response {
        self.cluster.api.handle(&req)
    }

    pub fn get(&mut self, r: &Resource, ns: &str, name: &str) -> Result<Value, ApiError> {
        self.send(Request::get(r.path(Some(ns), Some(name))))
            .into_result()
    }

    /// Lists `r` in `ns` (all namespaces with `None`); items carry their kind again, as
    /// client-go's unstructured lists give them.
    pub fn list(
        &mut self,
        r: &Resource,
        ns: Option<&str>,
        opts: ListOptions<'_>,
    ) -> Result<Vec<Value>, ApiError> {
        let req = Request::get(r.path(ns, None))
            .query("labelSelector", opts.label_selector.unwrap_or(""))
            .query("fieldSelector", opts.field_selector.unwrap_or(""));
        let list = self.send(req).into_result()?;
        let mut items = match list {
            Value::Object(mut m) => match m.remove("items") {
                Some(Value::Array(items)) => items,
                _ => vec![],
            },
            _ => vec![],
        };
        for item in items.iter_mut() {
            if let Some(o) = item.as_object_mut() {
                o.insert("apiVersion".into(), Value::String(r.api_version()));
                o.insert("kind".into(), Value::String(r.kind.to_string()));
            }
        }
        Ok(items)
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
        let req = Request::post(r.path(Some(ns), None), body)
            .query("fieldValidation", "Strict")
            .query("dryRun", if dry_run { "All" } else { "" })
            .query("fieldManager", "kubectl-client-side-apply");
        let resp = self.send(req);
        let warnings = resp.warnings.clone();
        resp.into_result().map(|obj| (obj, warnings))
    }

    /// Replaces an object.
    pub fn update(
        &mut self,
        r: &Resource,
        ns: &str,
        body: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let name = body["metadata"]["name"].as_str().unwrap_or("").to_string();
        let req = Request::put(r.path(Some(ns), Some(&name)), body)
            .query("fieldValidation", "Strict")
            .query("dryRun", if dry_run { "All" } else { "" });
        self.send(req).into_result()
    }

    /// Deletes an object; `Ok(true)` when it is gone at once, `Ok(false)` when it is
    /// terminating (the server answered 202), with its last state.
    pub fn delete(
        &mut self,
        r: &Resource,
        ns: &str,
        name: &str,
        grace: Option<i64>,
    ) -> Result<(bool, Value), ApiError> {
        let req = Request::new(Method::Delete, r.path(Some(ns), Some(name))).query(
            "gracePeriodSeconds",
            grace.map(|g| g.to_string()).unwrap_or_default(),
        );
        let resp = self.send(req);
        let gone = resp.code == 200;
        resp.into_result().map(|obj| (gone, obj))
    }
}
