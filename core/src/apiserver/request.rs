//! One API request as the REST surface takes it (method, path, query, body, user) and the
//! request info the server derives from it (verb, resource, namespace, name, subresource),
//! the way apiserver's RequestInfoFactory reads a URL.

use serde_json::Value;

/// The HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// The kind of patch a PATCH request carries, from its Content-Type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    StrategicMerge,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        let base = ct.split(';').next().unwrap_or("").trim();
        Some(match base {
            "application/json-patch+json" => PatchType::Json,
            "application/merge-patch+json" => PatchType::Merge,
            "application/strategic-merge-patch+json" => PatchType::StrategicMerge,
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => PatchType::Apply,
            _ => return None,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Json => "application/json-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::StrategicMerge => "application/strategic-merge-patch+json",
            PatchType::Apply => "application/apply-patch+yaml",
        }
    }
}

/// Who makes a request (authentication comes with the security issue; until then every
/// request is trusted and the user is recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub groups: Vec<String>,
}

impl User {
    /// The program this user's requests come from, as its User-Agent names it.
    pub fn client_name(&self) -> &str {
        match self.name.as_str() {
            "system:kube-controller-manager" => "kube-controller-manager",
            "system:kube-scheduler" => "kube-scheduler",
            "system:apiserver" => "kube-apiserver",
            n if n.starts_with("system:node:") => "kubelet",
            _ => "kubectl",
        }
    }

    /// The user of kubeadm's admin.conf.
    pub fn admin() -> User {
        User {
            name: "kubernetes-admin".into(),
            groups: vec![
                "kubeadm:cluster-admins".into(),
                "system:authenticated".into(),
            ],
        }
    }

    /// A control-plane component or node identity (`system:kube-scheduler`,
    /// `system:node:node01`).
    pub fn system(name: &str) -> User {
        User {
            name: name.into(),
            groups: vec!["system:authenticated".into()],
        }
    }
}

/// One request to the API server.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// Query parameters in order, already URL-decoded.
    pub query: Vec<(String, String)>,
    /// For PATCH: the Content-Type naming the patch type.
    pub content_type: Option<String>,
    /// The decoded JSON body (the HTTP front end parses bytes; see `rest::decode_body`).
    pub body: Option<Value>,
    /// The Accept header (aggregated discovery is asked for through it).
    pub accept: Option<String>,
    pub user: User,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: vec![],
            content_type: None,
            body: None,
            accept: None,
            user: User::admin(),
        }
    }

    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::Get, path)
    }

    pub fn post(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::Post, path).body(body)
    }

    pub fn put(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::Put, path).body(body)
    }

    pub fn patch(path: impl Into<String>, patch: PatchType, body: Value) -> Request {
        let mut r = Request::new(Method::Patch, path).body(body);
        r.content_type = Some(patch.content_type().into());
        r
    }

    pub fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::Delete, path)
    }

    pub fn body(mut self, body: Value) -> Request {
        self.body = Some(body);
        self
    }

    /// Adds a query parameter (skipped when `value` is empty).
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Request {
        let value = value.into();
        if !value.is_empty() {
            self.query.push((key.into(), value));
        }
        self
    }

    pub fn as_user(mut self, user: User) -> Request {
        self.user = user;
        self
    }

    /// The last value of a query parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Splits `path?query` and URL-decodes the query.
    pub fn from_url(method: Method, url: &str) -> Request {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let mut r = Request::new(method, path);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            r.query.push((percent_decode(k), percent_decode(v)));
        }
        r
    }
}

/// Decodes `%XX` escapes and `+` (as a space) in a query component.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a resource request asks for, read from its path (`/apis/apps/v1/namespaces/
/// default/deployments/web/scale`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestInfo {
    pub group: String,
    pub version: String,
    pub namespace: String,
    pub resource: String,
    pub name: String,
    pub subresource: String,
}

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `/api`: the core API versions.
    CoreVersions,
    /// `/apis`: every API group.
    Groups,
    /// `/apis/<group>`.
    Group(String),
    /// `/api/v1`, `/apis/<group>/<version>`: the resources of a group version.
    GroupVersion(String, String),
    /// A resource, a collection or a subresource.
    Resource(RequestInfo),
    /// `/version`.
    Version,
    /// `/healthz`, `/livez`, `/readyz` (and their `/...` checks).
    Health,
    /// `/openapi/v2`, `/openapi/v3` and below: the path after `/openapi/`.
    OpenApi(String),
    /// Anything else.
    Unknown,
}

/// Reads a request path.
pub fn parse_path(path: &str) -> Target {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let (group, version, rest) = match parts.as_slice() {
        ["version"] => return Target::Version,
        [h, ..] if matches!(*h, "healthz" | "livez" | "readyz") => return Target::Health,
        ["openapi", rest @ ..] => return Target::OpenApi(rest.join("/")),
        ["api"] => return Target::CoreVersions,
        ["apis"] => return Target::Groups,
        ["apis", g] => return Target::Group((*g).to_string()),
        ["api", v] => return Target::GroupVersion(String::new(), (*v).to_string()),
        ["apis", g, v] => return Target::GroupVersion((*g).to_string(), (*v).to_string()),
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Target::Unknown,
    };
    let mut info = RequestInfo {
        group: group.into(),
        version: version.into(),
        ..Default::default()
    };
    // `/namespaces/{ns}/{resource}/...` scopes a resource; `/namespaces/{name}`,
    // `.../status` and `.../finalize` are the namespace itself.
    let rest: Vec<&str> = match rest {
        ["namespaces", ns, resource, tail @ ..] if !matches!(*resource, "status" | "finalize") => {
            info.namespace = (*ns).to_string();
            let mut v = vec![*resource];
            v.extend_from_slice(tail);
            v
        }
        other => other.to_vec(),
    };
    match rest.as_slice() {
        [resource] => info.resource = (*resource).into(),
        [resource, name] => {
            info.resource = (*resource).into();
            info.name = (*name).into();
        }
        [resource, name, sub] => {
            info.resource = (*resource).into();
            info.name = (*name).into();
            info.subresource = (*sub).into();
        }
        _ => return Target::Unknown,
    }
    Target::Resource(info)
}

/// The path of a resource collection or object.
pub fn path_for(
    group: &str,
    version: &str,
    plural: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> String {
    let mut p = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        p.push_str("/namespaces/");
        p.push_str(ns);
    }
    p.push('/');
    p.push_str(plural);
    if let Some(n) = name {
        p.push('/');
        p.push_str(n);
    }
    p
}
