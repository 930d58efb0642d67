//! A client of the REST surface, as client-go's is: the control loops and kubectl build
//! requests with it (paths, query parameters, the requesting user) and read responses.

use serde_json::{json, Value};

use super::errors::ApiError;
use super::request::{Method, PatchType, Request, User};
use super::resources::Resource;
use super::rest::Response;
use super::ApiServer;

/// The Accept header kubectl sends for server-side printing.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// A list request's options.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOptions<'a> {
    pub label_selector: Option<&'a str>,
    pub field_selector: Option<&'a str>,
    /// Tables: each row carries its whole object (`includeObject=Object`, for sorting).
    pub whole_objects: bool,
}

/// Requests on behalf of one user.
pub struct Client<'a> {
    pub api: &'a mut ApiServer,
    /// How the API server reaches the nodes' kubelets (for a pod's log).
    pub kubelets: &'a dyn super::pod_log::Kubelets,
    pub user: User,
    /// The warnings responses carried, each once (as kubectl's warning writer
    /// deduplicates them).
    pub warnings: Vec<String>,
    /// A control loop's client: nobody reads its warnings, so its writes ask the server
    /// not to look for unknown fields (`fieldValidation=Ignore`; its bodies have none).
    component: bool,
}

impl<'a> Client<'a> {
    pub fn new(api: &'a mut ApiServer, user: User) -> Self {
        Client {
            api,
            kubelets: &super::pod_log::NoKubelets,
            user,
            warnings: vec![],
            component: false,
        }
    }

    /// A client for a control-plane component or a kubelet.
    pub fn component(api: &'a mut ApiServer, user: User) -> Self {
        Client {
            component: true,
            ..Client::new(api, user)
        }
    }

    /// Sends a request as this client's user.
    pub fn send(&mut self, mut req: Request) -> Response {
        if self.component && req.method != Method::Get && req.param("fieldValidation").is_none() {
            req = req.query("fieldValidation", "Ignore");
        }
        let resp = self
            .api
            .handle_with(&req.as_user(self.user.clone()), self.kubelets);
        for w in &resp.warnings {
            if !self.warnings.contains(w) {
                self.warnings.push(w.clone());
            }
        }
        resp
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
        let mut items = match self.send(req).into_result()? {
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

    /// Reads `r` (one object with `name`, else a list) as the server's Table, as
    /// kubectl asks for it to print.
    pub fn table(
        &mut self,
        r: &Resource,
        ns: Option<&str>,
        name: Option<&str>,
        opts: ListOptions<'_>,
    ) -> Result<Value, ApiError> {
        let mut req = Request::get(r.path(ns, name));
        if name.is_none() {
            req = req
                .query("labelSelector", opts.label_selector.unwrap_or(""))
                .query("fieldSelector", opts.field_selector.unwrap_or(""));
        }
        if opts.whole_objects {
            req = req.query("includeObject", "Object");
        }
        req.accept = Some(TABLE_ACCEPT.into());
        self.send(req).into_result()
    }

    /// Creates an object; returns it and the server's warnings.
    pub fn create(
        &mut self,
        r: &Resource,
        ns: &str,
        body: Value,
        query: &[(&str, &str)],
    ) -> Result<(Value, Vec<String>), ApiError> {
        let mut req = Request::post(r.path(Some(ns), None), body);
        for (k, v) in query {
            req = req.query(k, *v);
        }
        let resp = self.send(req);
        let warnings = resp.warnings.clone();
        resp.into_result().map(|obj| (obj, warnings))
    }

    /// Replaces an object (or, with `subresource`, e.g. its status).
    pub fn update(
        &mut self,
        r: &Resource,
        ns: &str,
        body: Value,
        subresource: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, ApiError> {
        let name = body["metadata"]["name"].as_str().unwrap_or("").to_string();
        let mut path = r.path(Some(ns), Some(&name));
        if !subresource.is_empty() {
            path = format!("{path}/{subresource}");
        }
        let mut req = Request::put(path, body);
        for (k, v) in query {
            req = req.query(k, *v);
        }
        self.send(req).into_result()
    }

    /// Reads an object's subresource (`status`, `scale`; "" for the object itself).
    pub fn get_subresource(
        &mut self,
        r: &Resource,
        ns: &str,
        name: &str,
        sub: &str,
    ) -> Result<Value, ApiError> {
        self.send(Request::get(subresource_path(r, ns, name, sub)))
            .into_result()
    }

    /// Patches an object or (with `sub`) its subresource with a patch of type `ty`
    /// (server-side apply for `PatchType::Apply`); returns it with the response's warnings.
    #[allow(clippy::too_many_arguments)]
    pub fn patch(
        &mut self,
        r: &Resource,
        ns: &str,
        name: &str,
        sub: &str,
        ty: PatchType,
        body: Value,
        query: &[(&str, &str)],
    ) -> Result<(Value, Vec<String>), ApiError> {
        let mut req = Request::new(Method::Patch, subresource_path(r, ns, name, sub));
        req.body = Some(body);
        req.content_type = Some(ty.content_type().to_string());
        for (k, v) in query {
            req = req.query(k, *v);
        }
        let resp = self.send(req);
        let warnings = resp.warnings.clone();
        resp.into_result().map(|v| (v, warnings))
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
        self.delete_with(r, ns, name, grace, None)
    }

    /// Deletes with a propagation policy (`Background`, `Foreground`, `Orphan`).
    pub fn delete_with(
        &mut self,
        r: &Resource,
        ns: &str,
        name: &str,
        grace: Option<i64>,
        propagation: Option<&str>,
    ) -> Result<(bool, Value), ApiError> {
        let req = Request::new(Method::Delete, r.path(Some(ns), Some(name)))
            .query(
                "gracePeriodSeconds",
                grace.map(|g| g.to_string()).unwrap_or_default(),
            )
            .query("propagationPolicy", propagation.unwrap_or_default());
        let resp = self.send(req);
        let gone = resp.code == 200;
        resp.into_result().map(|obj| (gone, obj))
    }

    /// Finalizes a namespace (namespaces/finalize): its `kubernetes` finalizer is done.
    pub fn finalize_namespace(&mut self, name: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/namespaces/{name}/finalize");
        let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
        self.send(Request::put(path, body))
            .into_result()
            .map(|_| ())
    }

    /// Binds a pod to a node (pods/binding).
    pub fn bind(&mut self, ns: &str, name: &str, node: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/namespaces/{ns}/pods/{name}/binding");
        let body = json!({
            "apiVersion": "v1", "kind": "Binding",
            "metadata": {"name": name, "namespace": ns},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node},
        });
        self.send(Request::post(path, body))
            .into_result()
            .map(|_| ())
    }
}

/// The path of an object, or of its subresource when `sub` is not empty.
fn subresource_path(r: &Resource, ns: &str, name: &str, sub: &str) -> String {
    let path = r.path(Some(ns), Some(name));
    if sub.is_empty() {
        path
    } else {
        format!("{path}/{sub}")
    }
}
