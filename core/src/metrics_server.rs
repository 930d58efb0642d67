//! metrics-server, the cluster add-on behind the metrics.k8s.io API: while its pod runs
//! it scrapes every running kubelet's resource metrics once per `--metric-resolution`
//! (15 s in its manifest) and keeps each node's last two scrapes. It serves CPU as the
//! rate between them (in nanocores) and memory as the last working set, for nodes and
//! for pods whose every container it has seen twice; the API server's aggregator
//! answers `/apis/metrics.k8s.io/v1beta1` from it while its APIService is available.
//! Without `--kubelet-insecure-tls` it cannot verify the kubelets' self-signed serving
//! certificates, scrapes nothing and never becomes ready.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::clock::{to_time, Millis, SECOND};
use crate::kubelet::usage::NODE_SYSTEM;
use crate::kubelet::{ContainerStats, Kubelet};

/// The options that change what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub insecure_tls: bool,
    pub resolution: Millis,
}

impl Options {
    /// Its options from its command line (`--metric-resolution` defaults to 60 s, as
    /// the program does; its manifest passes 15 s).
    pub fn from_args(argv: &[String]) -> Self {
        let value = |name: &str| {
            argv.iter().enumerate().find_map(|(i, a)| {
                a.strip_prefix(&format!("--{name}="))
                    .map(str::to_string)
                    .or_else(|| (a == &format!("--{name}")).then(|| argv.get(i + 1).cloned())?)
            })
        };
        let insecure_tls = argv
            .iter()
            .any(|a| a == "--kubelet-insecure-tls" || a == "--kubelet-insecure-tls=true");
        let resolution = value("metric-resolution")
            .and_then(|d| crate::kubectl::wait::parse_duration(&d))
            .unwrap_or(60 * SECOND)
            .max(10 * SECOND);
        Options {
            insecure_tls,
            resolution,
        }
    }
}

/// One scrape of one node.
#[derive(Debug, Clone, PartialEq)]
struct Scrape {
    at: Millis,
    /// The node's CPU time since the cluster began, in nanoseconds, and its working set.
    node_cpu_ns: u64,
    node_memory: u64,
    /// Each running container's stats, by (namespace, pod, container).
    containers: BTreeMap<(String, String, String), ContainerStats>,
}

#[derive(Debug, Clone, Default)]
pub struct MetricsServer {
    /// When it scrapes next, while it runs and can scrape.
    next: Option<Millis>,
    /// When the kubelets were last looked through for its pod.
    checked_at: Option<Millis>,
    /// Each node's previous and last scrape.
    nodes: BTreeMap<String, (Option<Scrape>, Scrape)>,
}

impl MetricsServer {
    /// The next instant it has work.
    pub fn next_wake(&self) -> Option<Millis> {
        self.next
    }

    /// Finds its pod running among the kubelets' containers and, when a scrape is due,
    /// scrapes every running kubelet. It forgets everything when its pod stops.
    pub fn sync(&mut self, kubelets: &[Kubelet], now: Millis) {
        // Its pod is looked for when a scrape is due, or, while it is not known to run,
        // at most once a second.
        match (self.next, self.checked_at) {
            (Some(t), _) if now < t => return,
            (None, Some(t)) if now < t + SECOND => return,
            _ => self.checked_at = Some(now),
        }
        let running = kubelets
            .iter()
            .filter(|k| k.running())
            .find_map(|k| k.running_image("metrics-server"));
        let options = running.as_ref().map(|(_, argv)| Options::from_args(argv));
        let (Some((started, _)), Some(options)) = (running, options.filter(|o| o.insecure_tls))
        else {
            self.next = None;
            self.nodes.clear();
            return;
        };
        // Scrapes come one resolution apart from its start.
        let due = self.next.unwrap_or(started);
        if now < due {
            self.next = Some(due);
            return;
        }
        for k in kubelets.iter().filter(|k| k.running()) {
            let stats = k.resource_metrics(now);
            let rate: u64 = NODE_SYSTEM.cpu
                + stats
                    .iter()
                    .map(|c| {
                        c.cpu_ns.saturating_sub(crate::kubelet::STARTUP_CPU_NS)
                            / u64::try_from(now - c.started_at).unwrap_or(1).max(1)
                    })
                    .sum::<u64>();
            let node_memory = NODE_SYSTEM.memory + stats.iter().map(|c| c.memory).sum::<u64>();
            let containers = stats
                .into_iter()
                .map(|c| ((c.namespace.clone(), c.pod.clone(), c.container.clone()), c))
                .collect();
            let previous = self.nodes.remove(&k.node).map(|(_, last)| last);
            let node_cpu_ns = match &previous {
                Some(p) => p.node_cpu_ns + rate * u64::try_from(now - p.at).unwrap_or(0),
                None => rate * u64::try_from(now.max(0)).unwrap_or(0),
            };
            let scrape = Scrape {
                at: now,
                node_cpu_ns,
                node_memory,
                containers,
            };
            self.nodes.insert(k.node.clone(), (previous, scrape));
        }
        self.nodes
            .retain(|node, _| kubelets.iter().any(|k| &k.node == node && k.running()));
        let resolution = options.resolution;
        self.next = Some(due + ((now - due) / resolution + 1) * resolution);
    }

    /// Whether it has scraped every node twice (its `metric-storage-ready` check asks
    /// for any node).
    pub fn ready(&self) -> bool {
        self.nodes.values().any(|(prev, _)| prev.is_some())
    }

    /// A node's NodeMetrics, once it has two scrapes of it.
    pub fn node(&self, node: &Value, now: Millis) -> Option<Value> {
        let name = node["metadata"]["name"].as_str()?;
        let (Some(prev), last) = self.nodes.get(name)? else {
            return None;
        };
        let window = last.at - prev.at;
        let cpu = (last.node_cpu_ns - prev.node_cpu_ns) * 1000 / u64::try_from(window).ok()?;
        Some(json!({
            "kind": "NodeMetrics",
            "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": metadata(node, now),
            "timestamp": to_time(last.at),
            "window": crate::printers::age::go_duration(window),
            "usage": usage(cpu, last.node_memory),
        }))
    }

    /// A pod's PodMetrics, once it has seen each of its running containers twice.
    pub fn pod(&self, pod: &Value, now: Millis) -> Option<Value> {
        let ns = pod["metadata"]["namespace"].as_str()?;
        let name = pod["metadata"]["name"].as_str()?;
        let node = pod["spec"]["nodeName"].as_str()?;
        let (Some(prev), last) = self.nodes.get(node)? else {
            return None;
        };
        let mut containers = vec![];
        let mut window = 0;
        for ((cns, cpod, cname), c) in &last.containers {
            if cns != ns || cpod != name {
                continue;
            }
            let before = prev
                .containers
                .get(&(cns.clone(), cpod.clone(), cname.clone()))
                .filter(|p| p.started_at == c.started_at);
            // A container seen once, or restarted since: only a fresh one (10 to 15
            // seconds old at the scrape) counts from its start.
            let (base, since) = match before {
                Some(p) => (p.cpu_ns, prev.at),
                None if last.at - c.started_at >= 10 * SECOND => (0, c.started_at),
                None => return None,
            };
            window = last.at - since;
            let cpu = (c.cpu_ns.saturating_sub(base)) * 1000 / u64::try_from(window).ok()?.max(1);
            containers.push(json!({"name": cname, "usage": usage(cpu, c.memory)}));
        }
        if containers.is_empty() {
            return None;
        }
        Some(json!({
            "kind": "PodMetrics",
            "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": metadata(pod, now),
            "timestamp": to_time(last.at),
            "window": crate::printers::age::go_duration(window),
            "containers": containers,
        }))
    }
}

/// A metrics object's metadata: the name, namespace and labels of what it measures,
/// created as it is read.
fn metadata(of: &Value, now: Millis) -> Value {
    let meta = &of["metadata"];
    let mut m = json!({"name": meta["name"], "creationTimestamp": to_time(now)});
    if meta["namespace"].is_string() {
        m["namespace"] = meta["namespace"].clone();
    }
    if meta["labels"].is_object() {
        m["labels"] = meta["labels"].clone();
    }
    m
}

/// A usage as metrics-server writes it: CPU from nanocores and memory from bytes, each
/// in its canonical Quantity form (`500m`, `137384313n`, `159828Ki`).
fn usage(cpu_nanocores: u64, memory: u64) -> Value {
    let cpu = match cpu_nanocores {
        0 => "0".to_string(),
        n if n % 1_000_000_000 == 0 => (n / 1_000_000_000).to_string(),
        n if n % 1_000_000 == 0 => format!("{}m", n / 1_000_000),
        n if n % 1_000 == 0 => format!("{}u", n / 1_000),
        n => format!("{n}n"),
    };
    json!({
        "cpu": cpu,
        "memory": crate::quantity::canonical(i128::from(memory) * 1000, true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            Options::from_args(&args("--metric-resolution=15s --kubelet-insecure-tls")),
            Options {
                insecure_tls: true,
                resolution: 15 * SECOND
            }
        );
        assert_eq!(
            Options::from_args(&args("--cert-dir=/tmp")).resolution,
            60 * SECOND
        );
    }
}
