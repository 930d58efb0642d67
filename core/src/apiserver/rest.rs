//! The REST surface: every read and write, from the built-in kubectl, the control loops or
//! the HTTP server, enters here as a `Request` and leaves as a status code and a JSON body
//! (objects, lists, watch events, discovery, or a `metav1.Status`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::errors::{ApiError, FieldError, Reason};
use super::patch;
use super::request::{parse_path, Method, PatchType, Request, RequestInfo, Target};
use super::resources::{self, Resource};
use super::{conversion, discovery, negotiation, openapi, ApiServer, Deleted, WriteOptions};
use crate::fields::FieldSelector;
use crate::labels::Selector;

/// The largest request body the API server takes (3 MiB, as kube-apiserver's limit).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// What the API server answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub code: u16,
    pub body: Value,
    /// `Warning` headers (unknown fields under fieldValidation=Warn, deprecations).
    pub warnings: Vec<String>,
    /// The Content-Type when it is not plain JSON (aggregated discovery).
    pub content_type: Option<&'static str>,
}

impl Response {
    pub fn ok(body: Value) -> Response {
        Response::with_code(200, body)
    }

    pub fn with_code(code: u16, body: Value) -> Response {
        Response {
            code,
            body,
            warnings: vec![],
            content_type: None,
        }
    }

    pub fn error(e: &ApiError) -> Response {
        Response::with_code(e.code(), e.to_status())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// The body, or the error as data.
    pub fn into_result(self) -> Result<Value, ApiError> {
        if self.is_success() {
            Ok(self.body)
        } else {
            Err(ApiError::from_status(&self.body))
        }
    }
}

/// Parses a raw body as JSON, with the API server's errors for oversized or malformed
/// input.
pub fn decode_body(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::new(
            Reason::RequestEntityTooLarge,
            "the request body is too large: limit is 3145728 bytes",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
    })
}

fn not_found_path() -> ApiError {
    ApiError::new(
        Reason::NotFound,
        "the server could not find the requested resource",
    )
}

fn method_not_allowed() -> ApiError {
    ApiError::new(
        Reason::MethodNotAllowed,
        "the server does not allow this method on the requested resource",
    )
}

/// `dryRun=All` is the only value the API server accepts.
fn dry_run(req: &Request) -> Result<bool, ApiError> {
    match req.param("dryRun") {
        None | Some("") => Ok(false),
        Some("All") => Ok(true),
        Some(v) => Err(ApiError::bad_request(format!(
            "Invalid dry run parameter: unsupported value: \"{v}\": supported values: \"All\""
        ))),
    }
}

/// The field manager a write is recorded for: the `fieldManager` parameter, else the
/// client's name (the API server takes it from the User-Agent: `kubectl`,
/// `kube-controller-manager`, `kubelet`, ...).
fn field_manager(req: &Request) -> Result<String, ApiError> {
    match req.param("fieldManager").filter(|m| !m.is_empty()) {
        Some(m) if m.len() > 128 => {
            let options = match req.method {
                Method::Post => "CreateOptions",
                Method::Put => "UpdateOptions",
                _ => "PatchOptions",
            };
            Err(ApiError::invalid_in(
                "meta.k8s.io",
                options,
                "",
                vec![FieldError {
                    field: "fieldManager".into(),
                    detail: "Too long: may not be more than 128 bytes".into(),
                }],
            ))
        }
        Some(m) => Ok(m.to_string()),
        None => Ok(req.user.client_name().to_string()),
    }
}

/// What a write takes from its query.
fn write_options(req: &Request) -> Result<WriteOptions, ApiError> {
    let validation = match req.param("fieldValidation") {
        None | Some("") | Some("Warn") => super::FieldValidation::Warn,
        Some("Strict") => super::FieldValidation::Strict,
        Some("Ignore") => super::FieldValidation::Ignore,
        Some(v) => {
            return Err(ApiError::bad_request(format!(
                "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \"{v}\""
            )))
        }
    };
    Ok(WriteOptions {
        dry_run: dry_run(req)?,
        validation,
        user: Some(req.user.clone()),
        field_manager: Some(field_manager(req)?),
        subresource: "",
    })
}

pub(super) fn selectors(
    req: &Request,
    r: &Resource,
) -> Result<(Option<Selector>, Option<FieldSelector>), ApiError> {
    let labels = match req.param("labelSelector").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Selector::parse(s).map_err(ApiError::bad_request)?),
    };
    let fields = match req.param("fieldSelector").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(FieldSelector::parse(s, r).map_err(|e| {
            ApiError::bad_request(format!(
                "Unable to find \"{}\" that match label selector \"{}\", field selector \"{s}\": {e}",
                r.gvr_string(),
                req.param("labelSelector").unwrap_or("")
            ))
        })?),
    };
    Ok((labels, fields))
}

fn matches(obj: &Value, labels: &Option<Selector>, fields: &Option<FieldSelector>) -> bool {
    labels.as_ref().is_none_or(|s| s.matches(obj)) && fields.as_ref().is_none_or(|f| f.matches(obj))
}

/// An object as a list item (lists carry the kind once, not per item).
fn as_item(mut obj: Value) -> Value {
    if let Some(o) = obj.as_object_mut() {
        o.remove("kind");
        o.remove("apiVersion");
    }
    obj
}

/// A continue token: where the next page starts and the revision of the first page.
fn encode_continue(rv: i64, start: &str) -> String {
    let raw = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": start}).to_string();
    URL_SAFE_NO_PAD.encode(raw.as_bytes())
}

fn decode_continue(token: &str) -> Option<(i64, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    Some((v["rv"].as_i64()?, v["start"].as_str()?.to_string()))
}

impl ApiServer {
    /// Serves one request (one that needs a kubelet finds none answering).
    pub fn handle(&mut self, req: &Request) -> Response {
        self.handle_with(req, &super::pod_log::NoKubelets)
    }

    /// Serves one request, reaching the nodes' kubelets through `kubelets` for a pod's
    /// log.
    pub fn handle_with(
        &mut self,
        req: &Request,
        kubelets: &dyn super::pod_log::Kubelets,
    ) -> Response {
        if let Ok((r, info)) = self.resolve(req) {
            if r.group.is_empty()
                && r.plural == "pods"
                && info.subresource == "log"
                && !info.name.is_empty()
                && req.method == Method::Get
            {
                return self.pod_log(&info.namespace, &info.name, &req.query, kubelets);
            }
            if r.group.is_empty()
                && r.plural == "pods"
                && (info.subresource == "exec" || info.subresource == "attach")
                && !info.name.is_empty()
                && req.method == Method::Post
            {
                let stdin = super::pod_exec::stdin_of(&req.body);
                let target = (info.namespace.as_str(), info.name.as_str());
                let attach = info.subresource == "attach";
                return self.pod_exec(target, &req.query, stdin, attach, kubelets);
            }
        }
        // A dry run leaves no trace, not even in the random numbers the next request gets
        // (its UID, a generated name): what the learner tries out must not change the
        // cluster they go on with.
        let rng = (req.param("dryRun").is_some()).then(|| self.rng.clone());
        let response = match self.route(req) {
            Ok(r) => r,
            Err(e) => Response::error(&e),
        };
        if let Some(rng) = rng {
            self.rng = rng;
        }
        response
    }

    fn route(&mut self, req: &Request) -> Result<Response, ApiError> {
        let target = parse_path(&req.path);
        if req.method != Method::Get && !matches!(target, Target::Resource(_)) {
            return Err(method_not_allowed());
        }
        match target {
            Target::Version => Ok(Response::ok(discovery::version())),
            // The API server is healthy whenever it answers.
            Target::Health => Ok(Response::ok(Value::String("ok".into()))),
            Target::CoreVersions | Target::Groups
                if discovery::wants_aggregated(req.accept.as_deref()) =>
            {
                let catalog = self.catalog();
                let mut r = Response::ok(discovery::aggregated(
                    &catalog,
                    target == Target::CoreVersions,
                ));
                r.content_type = Some(discovery::AGGREGATED);
                Ok(r)
            }
            Target::CoreVersions => Ok(Response::ok(discovery::core_versions())),
            Target::Groups => Ok(Response::ok(discovery::groups(&self.catalog()))),
            Target::Group(g) => discovery::group(&self.catalog(), &g)
                .map(Response::ok)
                .ok_or_else(not_found_path),
            Target::GroupVersion(g, v) => discovery::resource_list(&self.catalog(), &g, &v)
                .map(Response::ok)
                .ok_or_else(not_found_path),
            Target::OpenApi(path) => match path.split_once('/').unwrap_or((&path, "")) {
                ("v3", "") => Ok(Response::ok(openapi::index(&self.catalog(), &self.store))),
                ("v3", gv) => openapi::document(&self.catalog(), &self.store, gv)
                    .map(Response::ok)
                    .ok_or_else(not_found_path),
                // Swagger 2.0 as JSON; clients that take only its protobuf form (client-go's
                // OpenAPISchema) are told it is not acceptable.
                ("v2", "") if negotiation::form(req.accept.as_deref(), None).is_ok() => {
                    Ok(Response::ok(openapi::v2(&self.catalog(), &self.store)))
                }
                ("v2", "") => Err(ApiError::new(
                    Reason::NotAcceptable,
                    "only application/json is served for /openapi/v2 (Kubarium has no protobuf form of it)",
                )),
                _ => Err(not_found_path()),
            },
            Target::Unknown => Err(not_found_path()),
            Target::Resource(_) => self.resource_request(req),
        }
    }

    /// The resource a request's path names, if it is served (its path, then the
    /// request info read from it).
    pub(super) fn resolve(
        &self,
        req: &Request,
    ) -> Result<(&'static Resource, RequestInfo), ApiError> {
        let Target::Resource(info) = parse_path(&req.path) else {
            return Err(not_found_path());
        };
        let r = self
            .catalog()
            .find(&info.group, &info.version, &info.resource)
            .ok_or_else(not_found_path)?;
        if !r.namespaced && !info.namespace.is_empty() {
            return Err(not_found_path());
        }
        if !resources::is_served(r) {
            return Err(ApiError::new(
                Reason::NotFound,
                format!("{} is not supported in Kubarium yet", r.group_resource()),
            ));
        }
        Ok((r, info))
    }

    fn resource_request(&mut self, req: &Request) -> Result<Response, ApiError> {
        let (r, info) = self.resolve(req)?;
        let info = &info;
        if r.group == super::metrics::GROUP {
            return self.metrics_request(req, r, info);
        }
        let ns = info.namespace.as_str();
        let name = info.name.as_str();
        let sub = info.subresource.as_str();
        if r.group.is_empty() && r.plural == "bindings" {
            // `bindings` is the older way to the pods' binding subresource.
            if req.method != Method::Post || !name.is_empty() {
                return Err(method_not_allowed());
            }
            let body = req.body.clone().unwrap_or(Value::Null);
            let pod = body.pointer("/metadata/name").and_then(Value::as_str);
            return self.binding_request(ns, pod.unwrap_or(""), &body, dry_run(req)?);
        }
        if super::reviews::is_review(r) {
            if req.method != Method::Post || !name.is_empty() {
                return Err(method_not_allowed());
            }
            let body = req.body.clone().unwrap_or(Value::Null);
            let review = self.review(r, ns, &body, &req.user)?;
            return Ok(Response::with_code(201, review));
        }
        if r.group.is_empty() && r.plural == "componentstatuses" {
            let mut response = self.component_status_request(req, r, name, sub)?;
            response.warnings.extend(r.deprecation().map(String::from));
            return Ok(response);
        }
        if !sub.is_empty() && !r.subresources.contains(&sub) {
            return Err(not_found_path());
        }
        if !sub.is_empty() && !resources::serves_subresource(sub) {
            return Err(ApiError::new(
                Reason::NotFound,
                format!(
                    "{}/{sub} is not supported in Kubarium yet",
                    r.group_resource()
                ),
            ));
        }
        let mut response = match (req.method, name.is_empty(), sub) {
            (Method::Get, _, "") if is_watch(req) => self.watch_request(req),
            (Method::Get, true, _) => {
                let form = negotiation::form(req.accept.as_deref(), req.param("includeObject"))?;
                self.list_request(req, r, ns, &self.converter(form, r))
            }
            (Method::Get, false, "" | "status" | "approval" | "ephemeralcontainers" | "resize") => {
                let form = negotiation::form(req.accept.as_deref(), req.param("includeObject"))?;
                let obj = self.get_at(r, ns, name)?;
                Ok(Response::ok(self.converter(form, r).object(
                    obj,
                    self.now(),
                    false,
                )))
            }
            (Method::Post, true, _) => {
                let body = req.body.clone().ok_or_else(|| {
                    ApiError::bad_request("the body of the request was in an unknown format")
                })?;
                let opts = write_options(req)?;
                let (obj, warnings) = self.create_at(r, ns, body, &opts)?;
                Ok(Response {
                    code: if opts.dry_run { 200 } else { 201 },
                    body: obj,
                    warnings,
                    content_type: None,
                })
            }
            (Method::Get, false, "scale") => Ok(Response::ok(self.get_scale(r, ns, name)?)),
            (Method::Put, false, "scale") => {
                let body = req.body.clone().unwrap_or(Value::Null);
                check_body_name(&body, name)?;
                let scale = self.update_scale(r, ns, name, &body, dry_run(req)?)?;
                Ok(Response::ok(scale))
            }
            (Method::Patch, false, "scale") => {
                let ty = patch_type(req)?;
                let live = self.get_scale(r, ns, name)?;
                let body = req.body.clone().unwrap_or(Value::Null);
                let patched = patch::apply(ty, &live, &body, "Scale")?;
                let scale = self.update_scale(r, ns, name, &patched, dry_run(req)?)?;
                Ok(Response::ok(scale))
            }
            (Method::Post, false, "eviction") => {
                let body = req.body.clone().unwrap_or(Value::Null);
                if body["metadata"]["name"].as_str().is_some_and(|n| n != name) {
                    return Err(ApiError::bad_request(
                        "name in URL does not match name in Eviction object",
                    ));
                }
                // A dry run is asked for in the query or in the eviction's delete options.
                let in_body = body
                    .pointer("/deleteOptions/dryRun")
                    .and_then(Value::as_array)
                    .is_some_and(|d| d.iter().any(|v| v == "All"));
                self.evict(ns, name, &body, dry_run(req)? || in_body)?;
                Ok(Response::with_code(
                    201,
                    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
                ))
            }
            (Method::Post, false, "binding") => {
                let body = req.body.clone().unwrap_or(Value::Null);
                if body.pointer("/metadata/name").and_then(Value::as_str) != Some(name) {
                    return Err(ApiError::bad_request(
                        "name in URL does not match name in Binding object",
                    ));
                }
                self.binding_request(ns, name, &body, dry_run(req)?)
            }
            (Method::Put, false, "" | "status" | "approval") => {
                let mut body = req.body.clone().ok_or_else(|| {
                    ApiError::bad_request("the body of the request was in an unknown format")
                })?;
                check_body_name(&body, name)?;
                if sub == "approval" {
                    // Approval sets conditions; the certificate stays the signer's.
                    let live = self.get_at(r, ns, name)?;
                    keep_certificate(&mut body, &live);
                }
                let mut opts = write_options(req)?;
                opts.subresource = if sub == "approval" { "approval" } else { "" };
                let (obj, warnings) = self.update_at(r, ns, body, !sub.is_empty(), &opts)?;
                Ok(Response {
                    code: 200,
                    body: obj,
                    warnings,
                    content_type: None,
                })
            }
            (Method::Put | Method::Patch, false, "resize" | "ephemeralcontainers") => {
                // The pod as the client wants it; the subresource takes its part.
                let body = req.body.clone().unwrap_or(Value::Null);
                let wanted = if req.method == Method::Put {
                    check_body_name(&body, name)?;
                    body
                } else {
                    let live = self.get_at(r, ns, name)?;
                    patch::apply(patch_type(req)?, &live, &body, r.kind)?
                };
                let opts = write_options(req)?;
                if sub == "resize" {
                    self.update_resize(ns, name, &wanted, &opts)
                } else {
                    self.update_ephemeral_containers(ns, name, &wanted, &opts)
                }
            }
            (Method::Put, false, "finalize") => {
                self.finalize_namespace(name)?;
                Ok(Response::ok(self.get(r, "", name).unwrap_or(Value::Null)))
            }
            (Method::Patch, false, "" | "status" | "approval") => {
                self.patch_request(req, r, ns, name, sub)
            }
            (Method::Delete, false, "") => {
                let (grace, dry) = delete_options(req)?;
                let stored = conversion::storage(r);
                let propagation = req.param("propagationPolicy").or(req
                    .body
                    .as_ref()
                    .and_then(|b| b["propagationPolicy"].as_str()));
                match self.delete_propagating(stored, ns, name, (grace, dry), propagation)? {
                    Deleted::Gone(obj) => Ok(Response::ok(conversion::from_storage(r, obj))),
                    Deleted::Terminating(obj) => {
                        Ok(Response::with_code(202, conversion::from_storage(r, obj)))
                    }
                }
            }
            (Method::Delete, true, "") => {
                let (grace, dry) = delete_options(req)?;
                let (labels, fields) = selectors(req, r)?;
                let list_ns = (!ns.is_empty()).then_some(ns);
                let mut items = vec![];
                let stored = conversion::storage(r);
                for obj in self.list(stored, list_ns) {
                    if !matches(&obj, &labels, &fields) {
                        continue;
                    }
                    let (ons, oname) = (
                        obj["metadata"]["namespace"]
                            .as_str()
                            .unwrap_or("")
                            .to_string(),
                        obj["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    );
                    if let Ok(d) = self.delete_with(stored, &ons, &oname, grace, dry) {
                        items.push(as_item(conversion::from_storage(
                            r,
                            match d {
                                Deleted::Gone(o) | Deleted::Terminating(o) => o,
                            },
                        )));
                    }
                }
                Ok(Response::ok(json!({
                    "kind": format!("{}List", r.kind), "apiVersion": r.api_version(),
                    "metadata": {"resourceVersion": self.store.revision().to_string()},
                    "items": items,
                })))
            }
            _ => Err(method_not_allowed()),
        }?;
        if let Some(w) = r.deprecation() {
            // Every request on a deprecated version carries the warning.
            response.warnings.insert(0, w.to_string());
        }
        Ok(response)
    }

    /// A list in the form the converter gives: stored objects become table rows
    /// directly (their metadata copied, nothing else), or list items.
    fn list_request(
        &self,
        req: &Request,
        r: &'static Resource,
        ns: &str,
        converter: &negotiation::Converter,
    ) -> Result<Response, ApiError> {
        let (labels, fields) = selectors(req, r)?;
        let limit = req
            .param("limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|l| *l > 0);
        let (rv, start) = match req.param("continue").filter(|c| !c.is_empty()) {
            Some(token) => {
                let (rv, start) = decode_continue(token).ok_or_else(|| {
                    ApiError::bad_request("continue key is not valid: illegal base64 data")
                })?;
                if rv < self.store.compact_revision() {
                    return Err(ApiError::new(
                        Reason::Expired,
                        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                    ));
                }
                (rv, Some(start))
            }
            None => (self.store.revision(), None),
        };
        let list_ns = (!ns.is_empty()).then_some(ns);
        let rows_directly = converter.is_table() && conversion::is_identity(r);
        let now = self.now();
        let mut items = vec![];
        let mut next = None;
        // Select on the stored values; copy only what is returned.
        let prefix = conversion::storage(r).prefix(list_ns);
        for kv in self.store.range(&prefix) {
            if start.as_deref().is_some_and(|s| kv.key.as_str() < s) {
                continue;
            }
            if !matches(&kv.value(), &labels, &fields) {
                continue;
            }
            if limit.is_some_and(|l| items.len() >= l) {
                next = Some(kv.key.clone());
                break;
            }
            items.push(if rows_directly {
                converter.row(&kv.value(), kv.mod_revision, now)
            } else {
                as_item(conversion::from_storage(
                    r,
                    super::with_resource_version(&kv.value(), kv.mod_revision),
                ))
            });
        }
        let mut meta = Map::new();
        meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
        if let Some(key) = next {
            meta.insert("continue".into(), Value::String(encode_continue(rv, &key)));
        }
        if rows_directly {
            return Ok(Response::ok(converter.table(
                items,
                Value::Object(meta),
                false,
            )));
        }
        let list = json!({
            "kind": format!("{}List", r.kind),
            "apiVersion": r.api_version(),
            "metadata": meta,
            "items": items,
        });
        Ok(Response::ok(converter.list(list, now)))
    }

    /// A watch as one answer: the events from `resourceVersion` up to now (ADDED for
    /// every current object when it is unset or "0"), then a BOOKMARK if asked for. The
    /// HTTP server keeps the `Watch` open instead and streams what it yields.
    fn watch_request(&self, req: &Request) -> Result<Response, ApiError> {
        let (mut watch, mut events) = self.open_watch(req)?;
        events.extend(watch.next(self));
        events.extend(watch.bookmark());
        Ok(Response::ok(Value::Array(events)))
    }

    /// What converts objects of `r` to `form`.
    pub(super) fn converter(
        &self,
        form: negotiation::Form,
        r: &'static Resource,
    ) -> negotiation::Converter {
        let columns = match form {
            negotiation::Form::Table { .. } if r.custom => self.printer_columns(r),
            _ => vec![],
        };
        negotiation::Converter {
            form,
            resource: r,
            columns,
        }
    }

    /// A custom resource's printer columns, from its CRD's version.
    fn printer_columns(&self, r: &Resource) -> Vec<crate::printers::table::PrinterColumn> {
        let crds = resources::find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
        crds.and_then(|crds| {
            self.get(crds, "", &format!("{}.{}", r.plural, r.group))
                .ok()
        })
        .map(|crd| crate::printers::table::printer_columns(&crd, r.version))
        .unwrap_or_default()
    }

    fn patch_request(
        &mut self,
        req: &Request,
        r: &'static Resource,
        ns: &str,
        name: &str,
        sub: &str,
    ) -> Result<Response, ApiError> {
        let ty = patch_type(req)?;
        if ty == PatchType::StrategicMerge && r.custom {
            // Custom resources have no patch strategies to merge by.
            return Err(ApiError::new(
                Reason::UnsupportedMediaType,
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            ));
        }
        if ty == PatchType::Apply {
            return self.apply_request(req, r, ns, name, sub);
        }
        let body = req.body.clone().unwrap_or(Value::Null);
        let mut opts = write_options(req)?;
        opts.subresource = if sub == "approval" { "approval" } else { "" };
        // Retry on conflicts as the API server's patcher does.
        for _ in 0..5 {
            let live = self.get_at(r, ns, name)?;
            let patched = patch::apply(ty, &live, &body, r.kind)?;
            let mut patched = patched;
            if patched.pointer("/metadata/resourceVersion").is_none() {
                if let Some(m) = patched.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.insert(
                        "resourceVersion".into(),
                        live["metadata"]["resourceVersion"].clone(),
                    );
                }
            }
            if sub == "approval" {
                keep_certificate(&mut patched, &live);
            }
            match self.update_at(r, ns, patched, !sub.is_empty(), &opts) {
                Err(e)
                    if e.reason == Reason::Conflict
                        && body.pointer("/metadata/resourceVersion").is_none() =>
                {
                    continue
                }
                Err(e) => return Err(e),
                Ok((obj, warnings)) => {
                    return Ok(Response {
                        code: 200,
                        body: obj,
                        warnings,
                        content_type: None,
                    })
                }
            }
        }
        Err(ApiError::conflict(&r.group_resource(), name))
    }
}

impl ApiServer {
    /// Binds a pod to the node a Binding names (validated as ValidatePodBinding does).
    fn binding_request(
        &mut self,
        ns: &str,
        pod: &str,
        body: &Value,
        dry_run: bool,
    ) -> Result<Response, ApiError> {
        let kind = body
            .pointer("/target/kind")
            .and_then(Value::as_str)
            .unwrap_or("");
        let node = body
            .pointer("/target/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut errs = vec![];
        if !kind.is_empty() && kind != "Node" {
            errs.push(FieldError::unsupported(
                "target.kind",
                kind,
                &["Node", "<empty>"],
            ));
        }
        if node.is_empty() {
            errs.push(FieldError::required("target.name"));
        }
        if !errs.is_empty() {
            let list: Vec<String> = errs.iter().map(ToString::to_string).collect();
            let joined = if list.len() == 1 {
                list[0].clone()
            } else {
                format!("[{}]", list.join(", "))
            };
            return Err(ApiError::new(
                Reason::InternalError,
                format!("Internal error occurred: {joined}"),
            ));
        }
        if !dry_run {
            self.bind(ns, pod, node)?;
        }
        Ok(binding_created())
    }

    /// ComponentStatuses: computed on each read, never written.
    fn component_status_request(
        &self,
        req: &Request,
        r: &'static Resource,
        name: &str,
        sub: &str,
    ) -> Result<Response, ApiError> {
        let form = negotiation::form(req.accept.as_deref(), req.param("includeObject"))?;
        let converter = self.converter(form, r);
        match (req.method, name.is_empty(), sub) {
            (Method::Get, true, _) if !is_watch(req) => {
                let list = json!({
                    "kind": "ComponentStatusList",
                    "apiVersion": "v1",
                    "metadata": {},
                    "items": super::component_status::list(&self.store),
                });
                Ok(Response::ok(converter.list(list, self.now())))
            }
            (Method::Get, false, "") => super::component_status::get(&self.store, name)
                .map(|o| Response::ok(converter.object(o, self.now(), false)))
                .ok_or_else(|| ApiError::not_found(&r.group_resource(), name)),
            _ => Err(method_not_allowed()),
        }
    }

    /// Server-side apply: merges the request's configuration into the object (creating it
    /// if it does not exist) as its field manager, refusing fields other managers own
    /// with different values unless `force=true`.
    fn apply_request(
        &mut self,
        req: &Request,
        r: &'static Resource,
        ns: &str,
        name: &str,
        sub: &str,
    ) -> Result<Response, ApiError> {
        let Some(manager) = req.param("fieldManager").filter(|m| !m.is_empty()) else {
            return Err(ApiError::invalid_in(
                "meta.k8s.io",
                "PatchOptions",
                "",
                vec![FieldError {
                    field: "fieldManager".into(),
                    detail: "Required value: is required for apply patch".into(),
                }],
            ));
        };
        let force = req.param("force") == Some("true");
        let mut body = req.body.clone().unwrap_or(Value::Null);
        if !body.is_object() {
            return Err(ApiError::bad_request(
                "error decoding patch: the body of an apply patch must be an object",
            ));
        }
        if body.pointer("/metadata/managedFields").is_some() {
            return Err(ApiError::bad_request("metadata.managedFields must be nil"));
        }
        match body.pointer("/metadata/name").and_then(Value::as_str) {
            Some(n) if n == name => {}
            Some(n) => {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({n}) does not match the name on the URL ({name})"
                )))
            }
            None => {
                return Err(ApiError::bad_request(
                    "metadata.name: Required value: name is required for server-side apply",
                ))
            }
        }
        // The main resource of a kind with a status subresource never takes status.
        if sub.is_empty() && r.subresources.contains(&"status") {
            if let Some(o) = body.as_object_mut() {
                o.remove("status");
            }
        }
        let live = self.get_at(r, ns, name).ok();
        let api_version = r.api_version();
        let writer = super::field_manager::Writer {
            manager,
            api_version: &api_version,
            subresource: sub,
            kind: r.kind,
            skip_status: sub.is_empty() && r.subresources.contains(&"status"),
        };
        let now = json!(crate::clock::to_time(self.now()));
        let mut merged = super::field_manager::apply(live.as_ref(), &body, &writer, force, &now)
            .map_err(|conflicts| {
                let mut e = ApiError::new(
                    Reason::Conflict,
                    super::field_manager::conflict_message(&conflicts),
                )
                .about(&r.group_resource(), name);
                e.details.causes = conflicts
                    .into_iter()
                    .map(|c| super::errors::Cause {
                        reason: "FieldManagerConflict".into(),
                        message: format!("conflict with {}", c.manager),
                        field: c.path,
                    })
                    .collect();
                e
            })?;
        let mut opts = write_options(req)?;
        opts.field_manager = None;
        let (obj, warnings, code) = match live {
            None => {
                let (obj, w) = self.create_at(r, ns, merged, &opts)?;
                (obj, w, if opts.dry_run { 200 } else { 201 })
            }
            Some(live) => {
                if let Some(m) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
                    if !body["metadata"]["resourceVersion"].is_string() {
                        m.insert(
                            "resourceVersion".into(),
                            live["metadata"]["resourceVersion"].clone(),
                        );
                    }
                }
                let (obj, w) = self.update_at(r, ns, merged, !sub.is_empty(), &opts)?;
                (obj, w, 200)
            }
        };
        Ok(Response {
            code,
            body: obj,
            warnings,
            content_type: None,
        })
    }

    /// Reads an object at the version `r` names.
    fn get_at(&self, r: &'static Resource, ns: &str, name: &str) -> Result<Value, ApiError> {
        let obj = self.get(conversion::storage(r), ns, name)?;
        Ok(conversion::from_storage(r, obj))
    }

    /// Creates from a body at the version `r` names.
    fn create_at(
        &mut self,
        r: &'static Resource,
        ns: &str,
        body: Value,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let (body, mut warnings) = conversion::to_storage(r, body, opts.validation)?;
        let (obj, more) = self.create_with(conversion::storage(r), ns, body, opts)?;
        warnings.extend(more);
        Ok((conversion::from_storage(r, obj), warnings))
    }

    /// Replaces from a body at the version `r` names.
    fn update_at(
        &mut self,
        r: &'static Resource,
        ns: &str,
        body: Value,
        status: bool,
        opts: &WriteOptions,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let (body, mut warnings) = conversion::to_storage(r, body, opts.validation)?;
        let (obj, more) = self.update_with(conversion::storage(r), ns, body, status, opts)?;
        warnings.extend(more);
        Ok((conversion::from_storage(r, obj), warnings))
    }
}

/// An approval keeps the certificate the live object has (only its signer sets it).
fn keep_certificate(body: &mut Value, live: &Value) {
    let Some(obj) = body.as_object_mut() else {
        return;
    };
    let status = obj
        .entry("status")
        .or_insert_with(|| Value::Object(Map::new()));
    if status.is_null() {
        *status = Value::Object(Map::new());
    }
    if let Some(st) = status.as_object_mut() {
        match live.pointer("/status/certificate") {
            Some(c) => st.insert("certificate".into(), c.clone()),
            None => st.remove("certificate"),
        };
    }
}

/// The patch type a PATCH's Content-Type names.
fn patch_type(req: &Request) -> Result<PatchType, ApiError> {
    let ct = req.content_type.as_deref().unwrap_or("");
    PatchType::from_content_type(ct).ok_or_else(|| {
        ApiError::new(
            Reason::UnsupportedMediaType,
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
        )
    })
}

/// Whether a GET asks to watch (`?watch=true`).
pub fn is_watch(req: &Request) -> bool {
    matches!(req.param("watch"), Some("true" | "1"))
}

/// A PUT's body must name the object the path names.
fn check_body_name(body: &Value, name: &str) -> Result<(), ApiError> {
    match body.pointer("/metadata/name").and_then(Value::as_str) {
        Some(n) if n == name => Ok(()),
        Some(_) | None => Err(ApiError::bad_request(
            "the name of the object does not match the name on the URL",
        )),
    }
}

/// gracePeriodSeconds and dryRun from the query or a DeleteOptions body.
fn delete_options(req: &Request) -> Result<(Option<i64>, bool), ApiError> {
    let body = req.body.clone().unwrap_or(Value::Null);
    let grace = match req.param("gracePeriodSeconds") {
        Some(g) => Some(g.parse::<i64>().map_err(|_| {
            ApiError::bad_request(format!("gracePeriodSeconds: invalid value \"{g}\""))
        })?),
        None => body["gracePeriodSeconds"].as_i64(),
    };
    if let Some(p) = req
        .param("propagationPolicy")
        .or(body["propagationPolicy"].as_str())
    {
        if !matches!(p, "Orphan" | "Background" | "Foreground") {
            return Err(ApiError::invalid_status(format!(
                "propagationPolicy: Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            )));
        }
    }
    let dry = dry_run(req)?
        || body["dryRun"]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == "All"));
    Ok((grace, dry))
}

/// What a successful binding answers.
fn binding_created() -> Response {
    Response::with_code(
        201,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    )
}
