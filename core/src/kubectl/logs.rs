//! `kubectl logs [-p] (POD | TYPE/NAME) [-c CONTAINER]` and `-l SELECTOR`: the pod (for
//! a workload or Service, the one kubectl's ByLogging order puts first), its container
//! (the default-container annotation, else the first, saying so when there were
//! others), and each log as the API server returns it from the node's kubelet.

use serde_json::Value;

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::wait::parse_duration;
use super::{fail, namespace, resource_type, Ctx};
use crate::apiserver::request::Request;
use crate::apiserver::resources;
use crate::clock::{from_time, Millis};
use crate::command::{CmdResult, Output};

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n";

/// The names of a pod's containers as kubectl lists them: its own, then ephemeral ones
/// `(ephem)`, then init ones `(init)`.
fn all_names(pod: &Value) -> Vec<String> {
    let names = |f: &str, suffix: &str| -> Vec<String> {
        pod["spec"][f]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(|n| format!("{n}{suffix}")))
            .collect()
    };
    [
        names("containers", ""),
        names("ephemeralContainers", " (ephem)"),
        names("initContainers", " (init)"),
    ]
    .concat()
}

fn has_container(pod: &Value, name: &str) -> bool {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .flat_map(|f| pod["spec"][f].as_array().cloned().unwrap_or_default())
        .any(|c| c["name"] == name)
}

/// The container to read when none was named, with what kubectl says on stderr.
pub(super) fn default_container(pod: &Value, quiet: bool, out: &mut Output) -> String {
    let name = pod["metadata"]["name"].as_str().unwrap_or("");
    if let Some(want) =
        pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"].as_str()
    {
        if has_container(pod, want) {
            return want.to_string();
        }
        out.err(format!(
            "Default container name \"{want}\" not found in pod {name}\n"
        ));
    }
    let first = pod["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let names = all_names(pod);
    if names.len() > 1 && !quiet {
        out.err(format!(
            "Defaulted container \"{first}\" out of: {}\n",
            names.join(", ")
        ));
    }
    first
}

/// ByLogging: the pod whose logs say most (on a node, running, ready longest, most
/// restarts, oldest) first.
pub(super) fn by_logging(a: &Value, b: &Value) -> std::cmp::Ordering {
    let assigned = |p: &Value| {
        p["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    };
    let phase = |p: &Value| match p["status"]["phase"].as_str() {
        Some("Pending") => 2,
        Some("Unknown") => 1,
        _ => 0,
    };
    let ready_since = crate::controllers::controller_utils::ready_since;
    let restarts = |p: &Value| {
        p["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["restartCount"].as_i64())
            .max()
            .unwrap_or(0)
    };
    let created = |p: &Value| {
        crate::clock::time_of(&p["metadata"]["creationTimestamp"]).unwrap_or(Millis::MAX)
    };
    assigned(b)
        .cmp(&assigned(a))
        .then(phase(a).cmp(&phase(b)))
        .then(ready_since(b).is_some().cmp(&ready_since(a).is_some()))
        .then(
            ready_since(a)
                .unwrap_or(0)
                .cmp(&ready_since(b).unwrap_or(0)),
        )
        .then(restarts(b).cmp(&restarts(a)))
        .then(created(a).cmp(&created(b)))
}

/// One log request's query (PodLogOptions as kubectl sends them).
struct Query {
    params: Vec<(String, String)>,
}

impl Query {
    /// The query a followed log is read with: the whole log, timestamped if asked.
    fn streaming(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .filter(|(k, _)| k == "timestamps" || k == "previous")
            .cloned()
            .collect()
    }
}

fn query(p: &Parsed, selector: bool) -> Result<Query, String> {
    let mut params = vec![];
    if p.on("previous") {
        params.push(("previous".to_string(), "true".to_string()));
    }
    if p.on("timestamps") {
        params.push(("timestamps".into(), "true".into()));
    }
    if let Some(s) = p.get("since") {
        let ms = parse_duration(s).ok_or_else(|| {
            format!("error: invalid argument \"{s}\" for \"--since\" flag: time: invalid duration \"{s}\"")
        })?;
        if ms < 0 {
            return Err("error: --since must be greater than 0".into());
        }
        if ms != 0 {
            params.push(("sinceSeconds".into(), ((ms + 500) / 1000).to_string()));
        }
    }
    if let Some(t) = p.get("since-time") {
        let time: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
            crate::apiserver::decode::typed(Value::String(t.to_string())).map_err(|_| {
                format!("error: parsing time \"{t}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{t}\" as \"2006\"")
            })?;
        let whole = crate::clock::to_time(from_time(&time));
        let text = serde_json::to_value(whole).unwrap_or_default();
        params.push(("sinceTime".into(), text.as_str().unwrap_or("").to_string()));
    }
    if p.given("since") && p.given("since-time") {
        return Err("error: at most one of `sinceTime` or `sinceSeconds` may be specified".into());
    }
    let int = |flag: &str, default: i64| -> Result<i64, String> {
        match p.get(flag) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| {
                format!("error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
            }),
        }
    };
    let limit = int("limit-bytes", 0)?;
    if limit < 0 {
        return Err("error: --limit-bytes must be greater than 0".into());
    }
    if limit != 0 {
        params.push(("limitBytes".into(), limit.to_string()));
    }
    let tail = int("tail", -1)?;
    if tail < -1 {
        return Err("error: --tail must be greater than or equal to -1".into());
    }
    if tail != -1 {
        params.push(("tailLines".into(), tail.to_string()));
    } else if selector && !p.given("tail") {
        params.push(("tailLines".into(), "10".into()));
    }
    Ok(Query { params })
}

/// The pods and containers to read, with what kubectl says on stderr on the way.
type Target = (String, String);

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let ns = namespace(p);
    let selector = p.get("selector").map(str::to_string);
    let args = &p.positional;
    if (args.is_empty() && selector.is_none()) || args.len() > 2 {
        return CmdResult::fail(USAGE, 1);
    }
    if selector.is_some() && !args.is_empty() {
        return CmdResult::fail("error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n", 1);
    }
    let mut container = p.get("container").map(str::to_string);
    if let Some(inline) = args.get(1) {
        if container.is_some() {
            return fail("error: only one of -c or an inline [CONTAINER] arg is allowed");
        }
        container = Some(inline.clone());
    }
    let all_containers = p.on("all-containers");
    let all_pods = p.on("all-pods");
    let prefix = p.on("prefix") || all_pods;
    let mut out = Output::default();
    // The pods: named, a workload's, or the selector's.
    let pods: Vec<Value> = if let Some(sel) = &selector {
        let r = resources::pods();
        match client::connect(ctx.cluster).list(
            r,
            Some(&ns),
            ListOptions {
                label_selector: Some(sel),
                ..Default::default()
            },
        ) {
            Ok(items) if items.is_empty() => {
                out.err(format!("No resources found in {ns} namespace.\n"));
                return CmdResult {
                    output: out,
                    code: 0,
                };
            }
            Ok(items) => items,
            Err(e) => return fail(e.kubectl_message()),
        }
    } else {
        let target = &args[0];
        let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
        let catalog = client::discover(ctx.cluster);
        let r = match resource_type(&catalog, kind) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        let obj = match client::connect(ctx.cluster).get(r, &ns, name) {
            Ok(o) => o,
            Err(e) if e.reason == crate::apiserver::errors::Reason::NotFound => {
                return fail(format!(
                    "error: error from server (NotFound): {} in namespace \"{ns}\"",
                    e.message
                ))
            }
            Err(e) => return fail(e.kubectl_message()),
        };
        if r.plural == "pods" && r.group.is_empty() {
            vec![obj]
        } else {
            let sel = match selector_for(r.kind, &obj) {
                Some(s) => s,
                None if r.kind == "Service" => {
                    return fail(format!(
                        "error: cannot get the logs from *v1.Service: invalid service '{name}': Service is defined without a selector"
                    ))
                }
                None => {
                    return fail(format!(
                        "error: cannot get the logs from {}: selector for {} not implemented",
                        go_type(r.kind),
                        go_type(r.kind)
                    ))
                }
            };
            let mut items = match client::connect(ctx.cluster).list(
                resources::pods(),
                Some(&ns),
                ListOptions {
                    label_selector: Some(&sel),
                    ..Default::default()
                },
            ) {
                Ok(items) => items,
                Err(e) => return fail(e.kubectl_message()),
            };
            if items.is_empty() {
                return fail("error: timed out waiting for the condition");
            }
            crate::sort::by(&mut items, by_logging);
            if all_pods {
                items
            } else {
                if items.len() > 1 {
                    let first = items[0]["metadata"]["name"].as_str().unwrap_or("");
                    out.err(format!("Found {} pods, using pod/{first}\n", items.len()));
                }
                items.truncate(1);
                items
            }
        }
    };
    let q = match query(p, selector.is_some()) {
        Ok(q) => q,
        Err(e) => return fail(e),
    };
    if let (true, Some(c)) = (all_containers, &container) {
        return fail(format!(
            "error: --all-containers=true should not be specified with container name {c}"
        ));
    }
    let mut targets: Vec<Target> = vec![];
    for pod in &pods {
        let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        if all_containers {
            for f in ["initContainers", "containers", "ephemeralContainers"] {
                for c in pod["spec"][f].as_array().into_iter().flatten() {
                    targets.push((name.clone(), c["name"].as_str().unwrap_or("").to_string()));
                }
            }
            continue;
        }
        let c = match &container {
            Some(c) => c.clone(),
            None => default_container(pod, all_pods, &mut out),
        };
        if !has_container(pod, &c) {
            out.err(format!(
                "error: container {c} is not valid for pod {name}\n"
            ));
            return CmdResult {
                output: out,
                code: 1,
            };
        }
        targets.push((name, c));
    }
    let follow = p.on("follow");
    if follow && targets.len() > 1 {
        let max: usize = p
            .get("max-log-requests")
            .and_then(|m| m.parse().ok())
            .unwrap_or(5);
        if targets.len() > max {
            return fail(format!(
                "error: you are attempting to follow {} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit",
                targets.len()
            ));
        }
    }
    let mut streams = vec![];
    for (pod, c) in targets {
        let text = match fetch(ctx.cluster, &ns, &pod, &c, &q.params) {
            Ok(text) => text,
            Err(msg) if p.on("ignore-errors") => {
                out.out(format!("error: {msg}\n"));
                continue;
            }
            Err(msg) => {
                out.err(format!("{msg}\n"));
                return CmdResult {
                    output: out,
                    code: 1,
                };
            }
        };
        out.out(prefixed(
            &text,
            prefix.then_some((pod.as_str(), c.as_str())),
        ));
        if follow {
            // What the log holds so far, whatever --tail and --since showed of it.
            let whole = fetch(ctx.cluster, &ns, &pod, &c, &q.streaming()).unwrap_or_default();
            streams.push(Stream {
                pod,
                container: c,
                seen: whole.lines().count(),
            });
        }
    }
    if follow {
        streams.retain(|s| running(ctx.cluster, &ns, s));
        if !streams.is_empty() {
            if !ctx.foreground {
                return fail("error: \"kubectl logs --follow\" in a pipeline, a redirection, a substitution or with other commands on the line is not supported in Kubarium yet");
            }
            ctx.follow = Some(Follow {
                namespace: ns,
                params: q.streaming(),
                prefix,
                streams,
            });
        }
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

/// A container's whole log as it stands (empty when it cannot be read).
pub(super) fn read(
    cluster: &mut crate::cluster::Cluster,
    ns: &str,
    pod: &str,
    container: &str,
) -> String {
    fetch(cluster, ns, pod, container, &[]).unwrap_or_default()
}

/// A log as text, or the error kubectl prints for its request.
fn fetch(
    cluster: &mut crate::cluster::Cluster,
    ns: &str,
    pod: &str,
    container: &str,
    params: &[(String, String)],
) -> Result<String, String> {
    let mut req = Request::get(resources::pods().path(Some(ns), Some(pod)) + "/log")
        .query("container", container);
    for (k, v) in params {
        req = req.query(k, v);
    }
    let resp = client::connect(cluster).send(req);
    if resp.is_success() {
        return Ok(resp.body.as_str().unwrap_or("").to_string());
    }
    // A Go error the API server passes on (the kubelet not answering) has no reason.
    Err(match resp.body["reason"].as_str() {
        Some(r) if !r.is_empty() => {
            crate::apiserver::errors::ApiError::from_status(&resp.body).kubectl_message()
        }
        _ => format!(
            "Error from server: {}",
            resp.body["message"].as_str().unwrap_or("")
        ),
    })
}

/// Lines with `[pod/POD/CONTAINER] ` before each, when asked.
fn prefixed(text: &str, source: Option<(&str, &str)>) -> String {
    match source {
        Some((pod, c)) => text
            .lines()
            .map(|line| format!("[pod/{pod}/{c}] {line}\n"))
            .collect(),
        None => text.to_string(),
    }
}

/// One container's log being followed: how many of its lines have been printed.
#[derive(Debug, Clone)]
struct Stream {
    pod: String,
    container: String,
    seen: usize,
}

/// `kubectl logs -f`: the logs that go on being printed as their containers write,
/// until each container stops running (the kubelet then ends its stream) or Ctrl-C.
#[derive(Debug, Clone)]
pub struct Follow {
    namespace: String,
    params: Vec<(String, String)>,
    prefix: bool,
    streams: Vec<Stream>,
}

/// Whether a followed container still runs (the kubelet keeps its stream open).
fn running(cluster: &mut crate::cluster::Cluster, ns: &str, s: &Stream) -> bool {
    let Ok(pod) = client::connect(cluster).get(resources::pods(), ns, &s.pod) else {
        return false;
    };
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .flat_map(|f| pod["status"][f].as_array().cloned().unwrap_or_default())
        .any(|c| c["name"] == s.container.as_str() && c["state"]["running"].is_object())
}

impl Follow {
    /// Prints the lines written since the last call; `None` once every stream has ended.
    pub fn poll(&mut self, cluster: &mut crate::cluster::Cluster) -> Option<Output> {
        let mut out = Output::default();
        let mut streams = std::mem::take(&mut self.streams);
        for s in streams.iter_mut() {
            let text = fetch(cluster, &self.namespace, &s.pod, &s.container, &self.params)
                .unwrap_or_default();
            let fresh: String = text
                .lines()
                .skip(s.seen)
                .map(|l| format!("{l}\n"))
                .collect();
            s.seen += fresh.lines().count();
            let source = self
                .prefix
                .then_some((s.pod.as_str(), s.container.as_str()));
            out.out(prefixed(&fresh, source));
        }
        streams.retain(|s| running(cluster, &self.namespace, s));
        self.streams = streams;
        if self.streams.is_empty() && out.chunks.iter().all(|(_, t)| t.is_empty()) {
            return None;
        }
        Some(out)
    }
}
/// SelectorsForObject: the pods a workload or Service selects, as a selector string.
pub(super) fn selector_for(kind: &str, obj: &Value) -> Option<String> {
    let map = |m: &Value| -> Option<String> {
        let m = m.as_object().filter(|m| !m.is_empty())?;
        Some(
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(","),
        )
    };
    match kind {
        "Service" | "ReplicationController" => map(&obj["spec"]["selector"]),
        "ReplicaSet" | "Deployment" | "DaemonSet" | "StatefulSet" | "Job" => {
            let sel = crate::apiserver::decode::typed(obj["spec"]["selector"].clone()).ok()?;
            Some(crate::labels::selector_string(&sel))
        }
        _ => None,
    }
}

/// The Go type kubectl names in its errors for a kind it cannot take logs from.
fn go_type(kind: &str) -> String {
    format!("*v1.{kind}")
}
