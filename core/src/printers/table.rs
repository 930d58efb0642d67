//! kubectl's default table columns per kind (the server-side table printers of
//! pkg/printers/internalversion), rendered through the tabwriter.

use serde_json::Value;

use super::age::human;
use super::tabwriter;
use crate::apiserver::resources::Resource;
use crate::clock::{from_time, Millis};

/// What changes the table's shape.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    pub wide: bool,
    pub with_namespace: bool,
    pub show_labels: bool,
    /// Print names as `kind/name` (several kinds, or `get all`).
    pub with_kind: bool,
    pub no_headers: bool,
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Milliseconds since an API timestamp field, or `None` if it is missing.
fn since(v: &Value, pointer: &str, now: Millis) -> Option<Millis> {
    let t: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
        serde_json::from_value(v.pointer(pointer)?.clone()).ok()?;
    Some(now - from_time(&t))
}

fn age(v: &Value, now: Millis) -> String {
    since(v, "/metadata/creationTimestamp", now).map_or("<unknown>".into(), human)
}

fn labels(v: &Value) -> String {
    map_pairs(&v["metadata"]["labels"])
}

/// Pod STATUS, READY and RESTARTS, as kubectl's printPod computes them.
pub fn pod_status(pod: &Value, now: Millis) -> (String, String, String) {
    let status = &pod["status"];
    let total = pod["spec"]["containers"].as_array().map_or(0, Vec::len);
    let mut reason = s(status, "/phase").to_string();
    if !s(status, "/reason").is_empty() {
        reason = s(status, "/reason").to_string();
    }
    if pod["spec"]["schedulingGates"]
        .as_array()
        .is_some_and(|g| !g.is_empty())
    {
        reason = "SchedulingGated".into();
    }
    let mut restarts = 0;
    let mut last_restart: Option<Millis> = None;
    let mut note_restart = |c: &Value| {
        if let Some(ago) = since(c, "/lastState/terminated/finishedAt", now) {
            last_restart = Some(last_restart.map_or(ago, |l: Millis| l.min(ago)));
        }
    };
    let mut initializing = false;
    let init_statuses = status["initContainerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let init_total = pod["spec"]["initContainers"].as_array().map_or(0, Vec::len);
    for (i, c) in init_statuses.iter().enumerate() {
        restarts += c["restartCount"].as_i64().unwrap_or(0);
        note_restart(c);
        let term = &c["state"]["terminated"];
        let waiting = s(c, "/state/waiting/reason");
        if term.is_object() && term["exitCode"].as_i64() == Some(0) {
            continue;
        }
        reason = if term.is_object() {
            let r = s(term, "/reason");
            if r.is_empty() {
                match term["signal"].as_i64() {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                }
            } else {
                format!("Init:{r}")
            }
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{init_total}")
        };
        initializing = true;
        break;
    }
    let initialized = status["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Initialized" && c["status"] == "True")
    });
    let mut ready = 0;
    if !initializing || initialized {
        let mut has_running = false;
        let statuses = status["containerStatuses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for c in statuses.iter().rev() {
            restarts += c["restartCount"].as_i64().unwrap_or(0);
            note_restart(c);
            let waiting = s(c, "/state/waiting/reason");
            let term = &c["state"]["terminated"];
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if term.is_object() && !s(term, "/reason").is_empty() {
                reason = s(term, "/reason").to_string();
            } else if term.is_object() {
                reason = match term["signal"].as_i64() {
                    Some(sig) if sig != 0 => format!("Signal:{sig}"),
                    _ => format!("ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                };
            } else if c["ready"] == true && c["state"]["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status["conditions"].as_array().is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            });
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let phase = s(status, "/phase");
    if !pod["metadata"]["deletionTimestamp"].is_null() {
        if s(status, "/reason") == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let restarts = match last_restart {
        Some(ago) if restarts > 0 => format!("{restarts} ({} ago)", human(ago)),
        _ => restarts.to_string(),
    };
    (reason, format!("{ready}/{total}"), restarts)
}

/// A node's STATUS column (`Ready`, `NotReady`, `Ready,SchedulingDisabled`).
pub fn node_status(node: &Value) -> String {
    let ready = node["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"));
    let mut parts = vec![match ready {
        Some(c) if c["status"] == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }
    .to_string()];
    if node["spec"]["unschedulable"] == true {
        parts.push("SchedulingDisabled".into());
    }
    parts.join(",")
}

/// A node's ROLES column.
pub fn node_roles(node: &Value) -> String {
    let mut roles: Vec<String> = node["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                        Some(role.to_string())
                    } else if k == "kubernetes.io/role" {
                        v.as_str().map(String::from)
                    } else {
                        None
                    }
                })
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

fn service_ports(svc: &Value) -> String {
    let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    if ports.is_empty() {
        return "<none>".into();
    }
    ports
        .iter()
        .map(|p| {
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            match p["nodePort"].as_i64() {
                Some(np) if np > 0 => format!("{}:{np}/{proto}", p["port"]),
                _ => format!("{}/{proto}", p["port"]),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn map_pairs(v: &Value) -> String {
    match v.as_object() {
        Some(m) if !m.is_empty() => {
            let mut pairs: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            pairs.sort();
            pairs.join(",")
        }
        _ => "<none>".into(),
    }
}

/// An event's LAST SEEN age.
pub fn event_last_seen(ev: &Value, now: Millis) -> String {
    since(ev, "/series/lastObservedTime", now)
        .or_else(|| since(ev, "/lastTimestamp", now))
        .or_else(|| since(ev, "/eventTime", now))
        .map_or("<unknown>".into(), human)
}

fn columns(kind: &str, wide: bool) -> Vec<&'static str> {
    let mut c = match kind {
        "Pod" => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "Node" => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        "Namespace" => vec!["NAME", "STATUS", "AGE"],
        "Service" => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        "Event" => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        _ => vec!["NAME", "AGE"],
    };
    if wide {
        match kind {
            "Pod" => c.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
            "Node" => c.extend([
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ]),
            "Service" => c.push("SELECTOR"),
            "Event" => {
                c = vec![
                    "LAST SEEN",
                    "TYPE",
                    "REASON",
                    "OBJECT",
                    "SUBOBJECT",
                    "SOURCE",
                    "MESSAGE",
                    "FIRST SEEN",
                    "COUNT",
                    "NAME",
                ];
            }
            _ => {}
        }
    }
    c
}

fn row(kind: &str, obj: &Value, now: Millis, wide: bool, name: String) -> Vec<String> {
    match kind {
        "Pod" => {
            let (status, ready, restarts) = pod_status(obj, now);
            let mut r = vec![name, ready, status, restarts, age(obj, now)];
            if wide {
                let ip = s(obj, "/status/podIP");
                let node = s(obj, "/spec/nodeName");
                let nominated = s(obj, "/status/nominatedNodeName");
                let or_none = |x: &str| {
                    if x.is_empty() {
                        "<none>".to_string()
                    } else {
                        x.to_string()
                    }
                };
                r.extend([
                    or_none(ip),
                    or_none(node),
                    or_none(nominated),
                    "<none>".into(),
                ]);
            }
            r
        }
        "Node" => {
            let mut r = vec![
                name,
                node_status(obj),
                node_roles(obj),
                age(obj, now),
                s(obj, "/status/nodeInfo/kubeletVersion").to_string(),
            ];
            if wide {
                let addr = |t: &str| {
                    obj["status"]["addresses"]
                        .as_array()
                        .and_then(|a| a.iter().find(|x| x["type"] == t))
                        .and_then(|x| x["address"].as_str())
                        .unwrap_or("<none>")
                        .to_string()
                };
                r.extend([
                    addr("InternalIP"),
                    addr("ExternalIP"),
                    s(obj, "/status/nodeInfo/osImage").to_string(),
                    s(obj, "/status/nodeInfo/kernelVersion").to_string(),
                    s(obj, "/status/nodeInfo/containerRuntimeVersion").to_string(),
                ]);
            }
            r
        }
        "Namespace" => vec![name, s(obj, "/status/phase").to_string(), age(obj, now)],
        "Service" => {
            let ty = s(obj, "/spec/type");
            let external = match ty {
                "LoadBalancer" => "<pending>".to_string(),
                "ExternalName" => s(obj, "/spec/externalName").to_string(),
                _ => "<none>".to_string(),
            };
            let cluster_ip = if s(obj, "/spec/clusterIP").is_empty() {
                "<none>"
            } else {
                s(obj, "/spec/clusterIP")
            };
            let mut r = vec![
                name,
                ty.to_string(),
                cluster_ip.to_string(),
                external,
                service_ports(obj),
                age(obj, now),
            ];
            if wide {
                r.push(map_pairs(&obj["spec"]["selector"]));
            }
            r
        }
        "Event" => {
            let object = format!(
                "{}/{}",
                s(obj, "/involvedObject/kind").to_ascii_lowercase(),
                s(obj, "/involvedObject/name")
            );
            let mut r = vec![
                event_last_seen(obj, now),
                s(obj, "/type").to_string(),
                s(obj, "/reason").to_string(),
                object,
            ];
            if wide {
                let source = match (s(obj, "/source/component"), s(obj, "/source/host")) {
                    ("", _) => s(obj, "/reportingComponent").to_string(),
                    (c, "") => c.to_string(),
                    (c, h) => format!("{c}, {h}"),
                };
                let first = since(obj, "/firstTimestamp", now)
                    .or_else(|| since(obj, "/eventTime", now))
                    .map_or("<unknown>".into(), human);
                let count = obj["count"]
                    .as_i64()
                    .or_else(|| obj["series"]["count"].as_i64())
                    .unwrap_or(1);
                r.extend([
                    s(obj, "/involvedObject/fieldPath").to_string(),
                    source,
                    s(obj, "/message").to_string(),
                    first,
                    count.to_string(),
                    s(obj, "/metadata/name").to_string(),
                ]);
            } else {
                r.push(s(obj, "/message").to_string());
            }
            r
        }
        _ => vec![name, age(obj, now)],
    }
}

/// Renders objects of one kind as kubectl's table (already aligned).
pub fn table(resource: &Resource, objs: &[Value], now: Millis, opts: &TableOptions) -> String {
    let mut text = String::new();
    let mut header: Vec<&str> = columns(resource.kind, opts.wide);
    if opts.with_namespace && resource.namespaced {
        header.insert(0, "NAMESPACE");
    }
    if opts.show_labels {
        header.push("LABELS");
    }
    if !opts.no_headers {
        text.push_str(&header.join("\t"));
        text.push('\n');
    }
    for obj in objs {
        let plain = s(obj, "/metadata/name").to_string();
        let name = if opts.with_kind {
            format!("{}/{plain}", resource.kubectl_kind())
        } else {
            plain
        };
        let mut cells = row(resource.kind, obj, now, opts.wide, name);
        if opts.with_namespace && resource.namespaced {
            cells.insert(0, s(obj, "/metadata/namespace").to_string());
        }
        if opts.show_labels {
            cells.push(labels(obj));
        }
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    tabwriter::align(&text, 6, 3)
}
