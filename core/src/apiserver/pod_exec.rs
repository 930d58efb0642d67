//! A command run in a pod's container (`POST pods/NAME/exec`): the container chosen or
//! refused, then the request passed to the kubelet of the pod's node
//! (`https://NODE-IP:10250/exec/NS/POD/CONTAINER`). Real clients upgrade the connection
//! to a stream; Kubarium's own kubectl gets the command's output (pieces of stdout and
//! stderr in order, `[stderr, text]`) and exit code whole.

use serde_json::{json, Value};

use super::errors::ApiError;
use super::pod_log::{go_error, KubeletError, Kubelets};
use super::rest::Response;
use super::{resources, ApiServer};

impl ApiServer {
    /// Serves `POST pods/NAME/exec` (or with `attach`, `POST pods/NAME/attach`) through
    /// `kubelets`: the query names the container and the command (`command` once per
    /// word); `stdin` is what the command reads (attached: the line typed on the
    /// terminal of the container's own process, answered with whether its shell ended).
    pub fn pod_exec(
        &mut self,
        (namespace, name): (&str, &str),
        query: &[(String, String)],
        stdin: Option<String>,
        attach: bool,
        kubelets: &dyn Kubelets,
    ) -> Response {
        let pod = match self.get(resources::pods(), namespace, name) {
            Ok(p) => p,
            Err(e) => return Response::error(&e),
        };
        let value = |k: &str| query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
        let command: Vec<String> = query
            .iter()
            .filter(|(k, _)| k == "command")
            .map(|(_, v)| v.clone())
            .collect();
        let wanted = value("container").unwrap_or("");
        let container = match super::pod_log::choose_container(&pod, name, wanted) {
            Ok(c) => c,
            Err(e) => return Response::error(&e),
        };
        let Some(node) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) else {
            return Response::error(&ApiError::bad_request(format!(
                "pod {name} does not have a host assigned"
            )));
        };
        if command.is_empty() && !attach {
            return Response::error(&ApiError::bad_request(
                "you must specify at least 1 command".to_string(),
            ));
        }
        let now = self.now();
        let target = (namespace, name, container.as_str());
        let answer = if attach {
            kubelets.attach(node, target, stdin.as_deref().unwrap_or(""), now)
        } else {
            kubelets
                .exec(node, target, &command, stdin, now)
                .map(|out| (out, false))
        };
        match answer {
            Ok((out, ended)) => Response::ok(json!({
                "output": out.chunks, "exitCode": out.status, "ended": ended,
            })),
            Err(e @ (KubeletError::Refused | KubeletError::Unreachable)) => {
                let ip = self.node_ip(node);
                go_error(
                    500,
                    format!(
                        "error dialing backend: dial tcp {ip}:10250: connect: {}",
                        e.dial_error()
                    ),
                )
            }
            Err(KubeletError::Status(code, message)) => go_error(code, message),
        }
    }

    /// A node's InternalIP, or its name when it has none.
    pub fn node_ip(&self, node: &str) -> String {
        self.get(resources::nodes(), "", node)
            .ok()
            .and_then(|n| {
                n["status"]["addresses"]
                    .as_array()?
                    .iter()
                    .find(|a| a["type"] == "InternalIP")?["address"]
                    .as_str()
                    .map(str::to_string)
            })
            .unwrap_or_else(|| node.to_string())
    }
}

/// The stdin a request carries: its body, when that is text.
pub fn stdin_of(body: &Option<Value>) -> Option<String> {
    body.as_ref().and_then(Value::as_str).map(str::to_string)
}
