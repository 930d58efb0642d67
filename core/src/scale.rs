//! A cluster at scale, for the benchmarks natively and in the browser: the default cluster
//! joined by workers up to N nodes, then M pods with probes (nginx with an HTTP readiness
//! and a TCP liveness probe; one in ten a busybox whose exec probe reads a file its script
//! wrote), created in batches of 500, started for a virtual minute, then run with their
//! heartbeats and probes for some virtual minutes. The caller's clock times each phase.

use serde_json::json;

use crate::apiserver::resources;
use crate::clock::MINUTE;
use crate::session::Session;

/// How long each phase took by the caller's clock (ms), and what the cluster holds at the
/// end.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub join_ms: f64,
    pub create_ms: f64,
    pub start_ms: f64,
    pub run_ms: f64,
    pub running: usize,
    pub ready: usize,
    pub restarts: i64,
    pub objects: usize,
    pub history: usize,
}

/// The benchmark's pod number `i`: small requests, so that they fit however many share a
/// node.
fn pod(i: usize) -> serde_json::Value {
    let probes = if i % 10 == 9 {
        json!({
            "image": "busybox:1.36",
            "command": ["sh", "-c", "touch /tmp/healthy; sleep 36000"],
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 10},
        })
    } else {
        json!({
            "image": "nginx:1.27",
            "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
            "livenessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 10},
        })
    };
    let mut container = json!({
        "name": "c",
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
    });
    for (k, v) in probes.as_object().into_iter().flatten() {
        container[k] = v.clone();
    }
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("bench-{i}"), "labels": {"app": format!("app-{}", i % 100)}},
        "spec": {"containers": [container]},
    })
}

/// Builds and runs the cluster; `clock` reads the caller's time in milliseconds.
pub fn run(nodes: usize, pods: usize, minutes: i64, clock: &dyn Fn() -> f64) -> (Session, Report) {
    let mut report = Report::default();
    let t = clock();
    let mut s = Session::new(1);
    while s.cluster.hosts().len() < nodes {
        s.cluster.add_worker();
    }
    report.join_ms = clock() - t;
    let t = clock();
    for i in 0..pods {
        let _ = s
            .cluster
            .api
            .create(resources::pods(), "default", pod(i), false);
        if i % 500 == 499 {
            s.cluster.settle();
        }
    }
    s.cluster.settle();
    report.create_ms = clock() - t;
    let t = clock();
    s.cluster.advance(MINUTE);
    report.start_ms = clock() - t;
    let t = clock();
    s.cluster.advance(minutes * MINUTE);
    report.run_ms = clock() - t;
    for kv in s.cluster.api.store.range(&resources::pods().prefix(None)) {
        let pod = kv.value();
        report.running += usize::from(pod["status"]["phase"] == "Running");
        let status = &pod["status"]["containerStatuses"][0];
        report.ready += usize::from(status["ready"] == true);
        report.restarts += status["restartCount"].as_i64().unwrap_or(0);
    }
    report.objects = s.cluster.api.store.len();
    report.history = s.cluster.api.store.history_len();
    (s, report)
}

impl Report {
    /// One line, as the benchmarks print it.
    pub fn line(&self, nodes: usize, pods: usize, minutes: i64) -> String {
        format!(
            "scale {nodes} nodes, {pods} pods: join {:.1} s, create+schedule {:.1} s, start (1 min) {:.1} s, {minutes} virtual min {:.1} s; {} pods Running, {} ready, {} restarts; {} objects, {} changes in the watch history",
            self.join_ms / 1000.0,
            self.create_ms / 1000.0,
            self.start_ms / 1000.0,
            self.run_ms / 1000.0,
            self.running,
            self.ready,
            self.restarts,
            self.objects,
            self.history,
        )
    }
}
