//! A cluster at scale, for the benchmarks natively and in the browser: the default cluster
//! joined by workers up to N nodes, then M pods with probes (nginx with an HTTP readiness
//! and a TCP liveness probe; one in ten a busybox whose exec probe reads a file its script
//! wrote), created in batches of 500, started for a virtual minute, then run with their
//! heartbeats and probes for some virtual minutes. The caller's clock times each phase.
//! And a large Deployment created and rolled out, with the real time each control loop
//! takes per pass.

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

#[cfg(feature = "loop-times")]
pub use loop_times::LoopTime;
pub use loop_times::{Lap, LoopTimes};

/// The measuring seam, built only into the benchmarks (feature `loop-times`).
#[cfg(feature = "loop-times")]
mod loop_times {
    use std::collections::BTreeMap;

    use crate::apiserver::ApiServer;

    /// Real time spent in each control loop's passes (`Cluster::loop_times`), read with the
    /// caller's clock; it measures and changes nothing.
    #[derive(Debug, Clone)]
    pub struct LoopTimes {
        clock: fn() -> f64,
        pub by_loop: BTreeMap<&'static str, LoopTime>,
    }

    /// One loop's passes: how many, how many wrote to the store, their total and longest
    /// real time (ms).
    #[derive(Debug, Clone, Copy, Default)]
    pub struct LoopTime {
        pub passes: usize,
        pub writing: usize,
        pub total_ms: f64,
        pub max_ms: f64,
    }

    /// The running measurement of one round of passes.
    pub struct Lap<'a> {
        times: &'a mut LoopTimes,
        at: f64,
        revision: i64,
    }

    impl LoopTimes {
        pub fn new(clock: fn() -> f64) -> Self {
            LoopTimes {
                clock,
                by_loop: BTreeMap::new(),
            }
        }

        /// Starts timing a round of passes.
        pub fn start(&mut self, api: &ApiServer) -> Lap<'_> {
            let at = (self.clock)();
            Lap {
                times: self,
                at,
                revision: api.store.revision(),
            }
        }
    }

    impl Lap<'_> {
        /// Charges the time since the last lap to `name`'s pass.
        pub fn lap(&mut self, name: &'static str, api: &ApiServer) {
            let now = (self.times.clock)();
            let revision = api.store.revision();
            let t = self.times.by_loop.entry(name).or_default();
            let ms = now - self.at;
            t.passes += 1;
            t.writing += usize::from(revision != self.revision);
            t.total_ms += ms;
            t.max_ms = t.max_ms.max(ms);
            (self.at, self.revision) = (now, revision);
        }
    }
}

/// Without the `loop-times` feature (the page), nothing is measured and nothing is built.
#[cfg(not(feature = "loop-times"))]
mod loop_times {
    use crate::apiserver::ApiServer;

    #[derive(Debug, Clone)]
    pub struct LoopTimes;

    pub struct Lap;

    impl LoopTimes {
        pub fn start(&mut self, _: &ApiServer) -> Lap {
            Lap
        }
    }

    impl Lap {
        pub fn lap(&mut self, _: &'static str, _: &ApiServer) {}
    }
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

#[cfg(feature = "loop-times")]
pub use rollout::{rollout, RolloutReport};

#[cfg(feature = "loop-times")]
mod rollout {
    use std::collections::BTreeMap;

    use super::{LoopTime, LoopTimes};
    use crate::apiserver::{resources, ApiServer};
    use crate::clock::{Millis, MINUTE};
    use crate::session::Session;

    /// What the rollout benchmark measured: virtual and real time to create the Deployment's
    /// pods and to roll them all over to a new image, and the control loops' passes.
    #[derive(Debug, Clone, Default)]
    pub struct RolloutReport {
        pub create_virtual: Millis,
        pub create_ms: f64,
        pub rollout_virtual: Millis,
        pub rollout_ms: f64,
        pub complete: bool,
        pub loops: BTreeMap<&'static str, LoopTime>,
    }

    /// Whether Deployment `web` has rolled out: what `kubectl rollout status` waits for.
    fn rolled_out(api: &ApiServer, replicas: i64) -> bool {
        let key = resources::deployments().key("default", "web");
        let Some(kv) = api.store.get(&key) else {
            return false;
        };
        let d = kv.value();
        let status = &d["status"];
        let n = |f: &str| status[f].as_i64().unwrap_or(0);
        status["observedGeneration"] == d["metadata"]["generation"]
            && n("updatedReplicas") == replicas
            && n("replicas") == replicas
            && n("availableReplicas") == replicas
    }

    /// A Deployment of `replicas` nginx pods on `nodes` nodes: created and waited for until
    /// all are available, then `kubectl set image` and waited for until the rollout completes
    /// (RollingUpdate, 25% surge and unavailable); each phase at most an hour of virtual time.
    pub fn rollout(nodes: usize, replicas: i64, clock: fn() -> f64) -> (Session, RolloutReport) {
        let mut report = RolloutReport::default();
        let mut s = Session::new(1);
        while s.cluster.hosts().len() < nodes {
            s.cluster.add_worker();
        }
        s.cluster.advance(MINUTE);
        s.cluster.loop_times = Some(LoopTimes::new(clock));
        let mut complete = true;
        for (line, virtual_time, real) in [
            (
                format!("kubectl create deployment web --image=nginx:1.27 --replicas={replicas}"),
                &mut report.create_virtual,
                &mut report.create_ms,
            ),
            (
                "kubectl set image deployment/web nginx=nginx:1.28".to_string(),
                &mut report.rollout_virtual,
                &mut report.rollout_ms,
            ),
        ] {
            let (t, from) = (clock(), s.cluster.now());
            let _ = s.input(&line);
            complete &= s
                .cluster
                .advance_until(from + 60 * MINUTE, |c| rolled_out(&c.api, replicas));
            *virtual_time = s.cluster.now() - from;
            *real = clock() - t;
        }
        report.complete = complete;
        report.loops = s
            .cluster
            .loop_times
            .take()
            .map(|t| t.by_loop)
            .unwrap_or_default();
        (s, report)
    }

    impl RolloutReport {
        /// The benchmark's lines: the phases, then the loops that wrote, busiest first.
        pub fn lines(&self, nodes: usize, replicas: i64) -> Vec<String> {
            let mut lines = vec![format!(
            "rollout of a {replicas}-replica Deployment on {nodes} nodes: created and available in {:.0} s virtual ({:.1} s real), rolled to a new image in {:.0} s virtual ({:.1} s real){}",
            self.create_virtual as f64 / 1000.0,
            self.create_ms / 1000.0,
            self.rollout_virtual as f64 / 1000.0,
            self.rollout_ms / 1000.0,
            if self.complete { "" } else { "; NOT COMPLETE within an hour" },
        )];
            let mut loops: Vec<_> = self.loops.iter().filter(|(_, t)| t.writing > 0).collect();
            loops.sort_by(|a, b| b.1.total_ms.total_cmp(&a.1.total_ms));
            for (name, t) in loops {
                lines.push(format!(
                "  {name:<24} {:>6} passes ({:>5} writing): {:>8.3} ms mean, {:>8.3} ms max, {:>8.1} ms in all",
                t.passes,
                t.writing,
                t.total_ms / t.passes.max(1) as f64,
                t.max_ms,
                t.total_ms,
            ));
            }
            lines
        }
    }
}
