//! A pod's log (`GET /api/v1/namespaces/NS/pods/NAME/log`): the options checked, the
//! container chosen, and the request passed to the kubelet of the pod's node
//! (`https://NODE-IP:10250/containerLogs/NS/POD/CONTAINER`), whose answer comes back
//! as plain text or as the API server makes errors of it.

use serde_json::{json, Value};

use super::errors::{ApiError, FieldError, Reason};
use super::rest::Response;
use super::{resources, ApiServer};
use crate::clock::Millis;

/// What a log request asks for (PodLogOptions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    pub container: String,
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub since_seconds: Option<i64>,
    /// `sinceTime`, in cluster time.
    pub since_time: Option<Millis>,
    pub tail_lines: Option<i64>,
    pub limit_bytes: Option<i64>,
}

/// Why a kubelet gave no log: nothing listens at its port (its process is not running),
/// or it answered with an HTTP error and a plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeletError {
    /// Nothing listens on the kubelet's port (the kubelet is stopped).
    Refused,
    /// Its machine is off.
    Unreachable,
    Status(u16, String),
}

impl KubeletError {
    /// Why dialing the kubelet failed, as Go's net package says it.
    pub fn dial_error(&self) -> &'static str {
        match self {
            KubeletError::Unreachable => "no route to host",
            _ => "connection refused",
        }
    }
}

/// The API server's connections to the nodes' kubelets.
pub trait Kubelets {
    /// A container's log from the kubelet of node `node`.
    fn container_logs(
        &self,
        node: &str,
        namespace: &str,
        pod: &str,
        opts: &LogOptions,
        now: Millis,
    ) -> Result<String, KubeletError>;

    /// A command run in a container by the kubelet of node `node`.
    fn exec(
        &self,
        node: &str,
        target: (&str, &str, &str),
        command: &[String],
        stdin: Option<String>,
        now: Millis,
    ) -> Result<crate::kubelet::ExecOutput, KubeletError>;

    /// A line typed on the terminal of a container's main process, through the kubelet
    /// of node `node`: what it printed, and whether its shell ended.
    fn attach(
        &self,
        node: &str,
        target: (&str, &str, &str),
        line: &str,
        now: Millis,
    ) -> Result<(crate::kubelet::ExecOutput, bool), KubeletError>;
}

/// No kubelet answers (components that talk to the API server only).
pub struct NoKubelets;

impl Kubelets for NoKubelets {
    fn container_logs(
        &self,
        _: &str,
        _: &str,
        _: &str,
        _: &LogOptions,
        _: Millis,
    ) -> Result<String, KubeletError> {
        Err(KubeletError::Refused)
    }

    fn exec(
        &self,
        _: &str,
        _: (&str, &str, &str),
        _: &[String],
        _: Option<String>,
        _: Millis,
    ) -> Result<crate::kubelet::ExecOutput, KubeletError> {
        Err(KubeletError::Refused)
    }

    fn attach(
        &self,
        _: &str,
        _: (&str, &str, &str),
        _: &str,
        _: Millis,
    ) -> Result<(crate::kubelet::ExecOutput, bool), KubeletError> {
        Err(KubeletError::Refused)
    }
}

impl LogOptions {
    /// Reads the query; a number that is not one is a decoding error.
    fn from_query(query: &[(String, String)]) -> Result<Self, ApiError> {
        let mut o = LogOptions::default();
        for (k, v) in query {
            let int = || {
                v.parse::<i64>().map_err(|_| {
                    ApiError::bad_request(format!("couldn't parse '{v}' as int64 for field '{k}'"))
                })
            };
            let flag = || v == "true" || v == "1";
            match k.as_str() {
                "container" => o.container = v.clone(),
                "follow" => o.follow = flag(),
                "previous" => o.previous = flag(),
                "timestamps" => o.timestamps = flag(),
                "sinceSeconds" => o.since_seconds = Some(int()?),
                "tailLines" => o.tail_lines = Some(int()?),
                "limitBytes" => o.limit_bytes = Some(int()?),
                "sinceTime" => {
                    let t: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
                        crate::apiserver::decode::typed(json!(v)).map_err(|_| {
                            ApiError::bad_request(format!(
                                "parsing time \"{v}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{v}\" as \"2006\""
                            ))
                        })?;
                    o.since_time = Some(crate::clock::from_time(&t));
                }
                _ => {}
            }
        }
        Ok(o)
    }

    /// ValidatePodLogOptions.
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if let Some(n) = self.tail_lines.filter(|n| *n < 0) {
            errs.push(FieldError::invalid_raw(
                "tailLines",
                &n.to_string(),
                "must be greater than or equal to 0",
            ));
        }
        if let Some(n) = self.limit_bytes.filter(|n| *n < 1) {
            errs.push(FieldError::invalid_raw(
                "limitBytes",
                &n.to_string(),
                "must be greater than 0",
            ));
        }
        if self.since_seconds.is_some() && self.since_time.is_some() {
            errs.push(FieldError::forbidden(
                "",
                "at most one of `sinceTime` or `sinceSeconds` may be specified",
            ));
        }
        if let Some(n) = self.since_seconds.filter(|n| *n < 1) {
            errs.push(FieldError::invalid_raw(
                "sinceSeconds",
                &n.to_string(),
                "must be greater than 0",
            ));
        }
        errs
    }

    /// The query the API server sends the kubelet, keys sorted as Go encodes them.
    pub fn kubelet_query(&self) -> String {
        let mut q: Vec<(&str, String)> = vec![];
        if self.follow {
            q.push(("follow", "true".into()));
        }
        if let Some(n) = self.limit_bytes {
            q.push(("limitBytes", n.to_string()));
        }
        if self.previous {
            q.push(("previous", "true".into()));
        }
        if let Some(n) = self.since_seconds {
            q.push(("sinceSeconds", n.to_string()));
        }
        if let Some(t) = self.since_time {
            let time = serde_json::to_value(crate::clock::to_time(t)).unwrap_or_default();
            let text = time.as_str().unwrap_or("").replace(':', "%3A");
            q.push(("sinceTime", text));
        }
        if let Some(n) = self.tail_lines {
            q.push(("tailLines", n.to_string()));
        }
        if self.timestamps {
            q.push(("timestamps", "true".into()));
        }
        q.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// The container a request for pod `name` reaches: the one it names (which must be the
/// pod's), else the pod's only container.
pub(super) fn choose_container(pod: &Value, name: &str, wanted: &str) -> Result<String, ApiError> {
    let all = container_names(pod);
    if !wanted.is_empty() {
        if !all.iter().any(|c| c == wanted) {
            return Err(ApiError::bad_request(format!(
                "container {wanted} is not valid for pod {name}"
            )));
        }
        return Ok(wanted.to_string());
    }
    let regular: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    match regular.as_slice() {
        [only] => Ok(only.to_string()),
        [] => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}"
        ))),
        _ => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            all.join(" ")
        ))),
    }
}

/// A Go error the API server passes on (a kubelet's), as a Status: `code`, no reason.
pub(super) fn go_error(code: u16, message: String) -> Response {
    Response::with_code(
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
               "status": "Failure", "message": message, "code": code}),
    )
}

/// The names of a pod's containers, init ones first, then its own, then ephemeral ones.
fn container_names(pod: &Value) -> Vec<String> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|f| pod["spec"][f].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

impl ApiServer {
    /// Serves `GET pods/NAME/log` through `kubelets`.
    pub fn pod_log(
        &mut self,
        namespace: &str,
        name: &str,
        query: &[(String, String)],
        kubelets: &dyn Kubelets,
    ) -> Response {
        match self.pod_log_result(namespace, name, query, kubelets) {
            Ok(r) => r,
            Err(e) => Response::error(&e),
        }
    }

    fn pod_log_result(
        &mut self,
        namespace: &str,
        name: &str,
        query: &[(String, String)],
        kubelets: &dyn Kubelets,
    ) -> Result<Response, ApiError> {
        let mut opts = LogOptions::from_query(query)?;
        let errs = opts.validate();
        if !errs.is_empty() {
            return Err(ApiError::invalid_in("", "PodLogOptions", name, errs));
        }
        let pod = self.get(resources::pods(), namespace, name)?;
        opts.container = choose_container(&pod, name, &opts.container)?;
        // A pod no node has taken has no log yet: an empty answer.
        let Some(node) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) else {
            return Ok(Response::with_code(204, Value::String(String::new())));
        };
        match kubelets.container_logs(node, namespace, name, &opts, self.now()) {
            Ok(text) => Ok(Response::ok(Value::String(text))),
            Err(e @ (KubeletError::Refused | KubeletError::Unreachable)) => {
                let ip = self.node_ip(node);
                let query = opts.kubelet_query();
                let url = format!(
                    "https://{ip}:10250/containerLogs/{namespace}/{name}/{}{}{query}",
                    opts.container,
                    if query.is_empty() { "" } else { "?" }
                );
                Ok(go_error(
                    500,
                    format!(
                        "Get \"{url}\": dial tcp {ip}:10250: connect: {}",
                        e.dial_error()
                    ),
                ))
            }
            Err(KubeletError::Status(400, body)) => Err(ApiError::bad_request(body)),
            Err(KubeletError::Status(404, _)) => Err(ApiError::new(
                Reason::NotFound,
                format!("the server could not find the requested resource ( pods/log {name})"),
            )),
            Err(KubeletError::Status(_, body)) => Err(ApiError::new(
                Reason::InternalError,
                format!("Internal error occurred: {body}"),
            )),
        }
    }
}
