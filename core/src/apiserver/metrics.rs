//! The aggregator's path to metrics-server: while the `v1beta1.metrics.k8s.io`
//! APIService is available, discovery lists the metrics.k8s.io group and the API server
//! answers its reads (NodeMetrics, PodMetrics; get and list, with label selectors) from
//! what metrics-server holds.

use std::sync::LazyLock;

use serde_json::{json, Value};

use super::errors::{ApiError, Reason};
use super::request::{Method, Request, RequestInfo};
use super::resources::{self, Resource};
use super::rest::{is_watch, selectors, Response};
use super::ApiServer;

pub const GROUP: &str = "metrics.k8s.io";
const API_SERVICE: &str = "v1beta1.metrics.k8s.io";

static RESOURCES: LazyLock<[Resource; 2]> = LazyLock::new(|| {
    let r = |kind, plural, singular, namespaced| Resource {
        kind,
        plural,
        singular,
        short_names: vec![],
        categories: vec![],
        verbs: vec!["get", "list"],
        subresources: vec![],
        group: GROUP,
        version: "v1beta1",
        namespaced,
        custom: false,
    };
    [
        r("NodeMetrics", "nodes", "", false),
        r("PodMetrics", "pods", "", true),
    ]
});

/// The metrics.k8s.io resources.
pub fn resources() -> impl Iterator<Item = &'static Resource> {
    RESOURCES.iter()
}

impl ApiServer {
    /// Whether the metrics API's APIService is available.
    pub fn serves_metrics(&self) -> bool {
        let Some(r) = resources::find("apiregistration.k8s.io", "v1", "apiservices") else {
            return false;
        };
        self.store.get(&r.key("", API_SERVICE)).is_some_and(|kv| {
            kv.value()["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Available" && c["status"] == "True")
        })
    }

    /// A read of NodeMetrics or PodMetrics.
    pub(super) fn metrics_request(
        &self,
        req: &Request,
        r: &'static Resource,
        info: &RequestInfo,
    ) -> Result<Response, ApiError> {
        if req.method != Method::Get || is_watch(req) || !info.subresource.is_empty() {
            return Err(ApiError::new(
                Reason::MethodNotAllowed,
                format!(
                    "the server does not allow this method on the requested resource ({}.{GROUP})",
                    r.plural
                ),
            ));
        }
        let now = self.now();
        let metrics = &self.metrics_server;
        let source = if r.namespaced {
            resources::pods()
        } else {
            resources::nodes()
        };
        let kind = if r.namespaced {
            "podmetrics"
        } else {
            "nodemetrics"
        };
        let of = |obj: &Value| {
            if r.namespaced {
                metrics.pod(obj, now)
            } else {
                metrics.node(obj, now)
            }
        };
        let ns = info.namespace.as_str();
        if !info.name.is_empty() {
            let obj = self.get(source, ns, &info.name)?;
            let shown = if r.namespaced {
                format!("{ns}/{}", info.name)
            } else {
                info.name.clone()
            };
            return of(&obj)
                .map(Response::ok)
                .ok_or_else(|| ApiError::not_found(&format!("{kind}.{GROUP}"), &shown));
        }
        let (labels, fields) = selectors(req, source)?;
        let items: Vec<Value> = self
            .store
            .range(&source.prefix((!ns.is_empty()).then_some(ns)))
            .filter(|kv| labels.as_ref().is_none_or(|s| s.matches(&kv.value())))
            .filter(|kv| fields.as_ref().is_none_or(|f| f.matches(&kv.value())))
            .filter_map(|kv| of(&kv.value()))
            .map(|mut m| {
                if let Some(o) = m.as_object_mut() {
                    o.remove("kind");
                    o.remove("apiVersion");
                }
                m
            })
            .collect();
        Ok(Response::ok(json!({
            "kind": format!("{}List", r.kind),
            "apiVersion": format!("{GROUP}/v1beta1"),
            "metadata": {},
            "items": items,
        })))
    }
}
