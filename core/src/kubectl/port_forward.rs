//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: the pod chosen as kubectl chooses
//! it (a Service's or workload's first pod), its ports resolved (a Service port to its
//! target port, a named port to its number), then kubectl's listening lines; it runs
//! until Ctrl-C, or until the pod stops running. The local ports listen on the machine
//! kubectl runs on, which nothing in Kubarium can connect to yet (curl and wget on
//! nodes arrive with networking): kubectl says so in a note of Kubarium's own.

use serde_json::Value;

use super::client;
use super::exec::pod_for;
use super::flags::Parsed;
use super::{fail, namespace, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

const USAGE: &str = "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples";

/// `LOCAL:REMOTE`, or one port for both.
fn split_port(port: &str) -> (&str, &str) {
    match port.split_once(':') {
        Some((l, r)) if !r.contains(':') => (l, r),
        _ => (port, port),
    }
}

/// A pod's container port named `name`.
fn named_port(pod: &Value, name: &str) -> Result<i64, String> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
        .find(|p| p["name"] == name)
        .and_then(|p| p["containerPort"].as_i64())
        .ok_or_else(|| {
            format!(
                "error: Pod '{}' does not have a named port '{name}'",
                pod["metadata"]["name"].as_str().unwrap_or("")
            )
        })
}

/// The container port a Service's port leads to on `pod`.
fn target_port(svc: &Value, pod: &Value, port: i64) -> Result<i64, String> {
    let name = svc["metadata"]["name"].as_str().unwrap_or("");
    let Some(sp) = svc["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["port"] == port)
    else {
        return Err(format!(
            "error: Service {name} does not have a service port {port}"
        ));
    };
    if svc["spec"]["clusterIP"] == "None" {
        return Ok(port);
    }
    match &sp["targetPort"] {
        Value::String(named) => named_port(pod, named),
        Value::Number(n) if n.as_i64() != Some(0) => Ok(n.as_i64().unwrap_or(port)),
        _ => Ok(port),
    }
}

/// The forwarded pairs (local, remote), as kubectl resolves them.
fn resolve(
    ports: &[String],
    svc: Option<&Value>,
    pod: &Value,
) -> Result<Vec<(String, i64)>, String> {
    let mut out = vec![];
    for port in ports {
        let (local, remote) = split_port(port);
        let number = match (remote.parse::<i64>(), svc) {
            (_, _) if remote.is_empty() => return Err("error: remote port cannot be empty".into()),
            (Ok(n), Some(svc)) => target_port(svc, pod, n)?,
            (Ok(n), None) => n,
            (Err(_), Some(svc)) => {
                let n = svc["spec"]["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["name"] == remote)
                    .and_then(|p| p["port"].as_i64())
                    .ok_or_else(|| {
                        format!(
                            "error: Service '{}' does not have a named port '{remote}'",
                            svc["metadata"]["name"].as_str().unwrap_or("")
                        )
                    })?;
                if local == remote {
                    out.push((n.to_string(), target_port(svc, pod, n)?));
                    continue;
                }
                target_port(svc, pod, n)?
            }
            (Err(_), None) => {
                let n = named_port(pod, remote)?;
                if local == remote {
                    out.push((n.to_string(), n));
                    continue;
                }
                n
            }
        };
        out.push((local.to_string(), number));
    }
    Ok(out)
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (Some(target), true) = (p.positional.first(), p.positional.len() >= 2) else {
        return fail(USAGE);
    };
    let ns = namespace(p);
    let pod = match pod_for(ctx, &ns, target) {
        Ok(pod) => pod,
        Err(e) => return fail(e),
    };
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let svc = if matches!(kind, "svc" | "service" | "services") {
        client::connect(ctx.cluster)
            .get(resources::services(), &ns, name)
            .ok()
    } else {
        None
    };
    let pairs = match resolve(&p.positional[1..], svc.as_ref(), &pod) {
        Ok(pairs) => pairs,
        Err(e) => return fail(e),
    };
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    if phase != "Running" {
        return fail(format!(
            "error: unable to forward port because pod is not running. Current status={phase}"
        ));
    }
    if !ctx.foreground {
        return fail("error: \"kubectl port-forward\" in a pipeline, a redirection or a substitution is not supported in Kubarium yet");
    }
    let addresses = p.all("address");
    let addresses: Vec<&str> = if addresses.is_empty() {
        vec!["localhost"]
    } else {
        addresses.iter().map(String::as_str).collect()
    };
    let mut out = Output::default();
    for (local, remote) in &pairs {
        let local = if local.is_empty() {
            (32_768 + ctx.cluster.api.rng.between(0, 28_000)).to_string()
        } else {
            local.clone()
        };
        for a in &addresses {
            let shown: &[&str] = match *a {
                "localhost" => &["127.0.0.1", "[::1]"],
                other => &[other],
            };
            for ip in shown {
                out.out(format!("Forwarding from {ip}:{local} -> {remote}\n"));
            }
        }
    }
    let pod_name = pod["metadata"]["name"].as_str().unwrap_or("");
    out.err(format!(
        "(Kubarium: these ports listen on {}, where kubectl runs, and lead to pod {pod_name}; nothing in Kubarium can connect to them yet: curl and wget on nodes arrive with networking. Ctrl-C stops it.)\n",
        ctx.host
    ));
    ctx.forward = Some(Forward {
        namespace: ns,
        pod: pod_name.to_string(),
        code: None,
    });
    CmdResult {
        output: out,
        code: 0,
    }
}

/// A running port-forward: it lasts while its pod runs.
#[derive(Debug, Clone)]
pub struct Forward {
    namespace: String,
    pod: String,
    /// How it ended, once it has.
    pub code: Option<i32>,
}

impl Forward {
    /// What it printed since the last look (its end, when the pod stopped running).
    pub fn poll(&mut self, cluster: &mut crate::cluster::Cluster) -> Output {
        let mut out = Output::default();
        let running = client::connect(cluster)
            .get(resources::pods(), &self.namespace, &self.pod)
            .is_ok_and(|p| {
                p["status"]["phase"] == "Running" && p["metadata"]["deletionTimestamp"].is_null()
            });
        if !running && self.code.is_none() {
            out.err("error: lost connection to pod\n");
            self.code = Some(1);
        }
        out
    }
}
