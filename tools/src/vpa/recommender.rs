//! The VPA recommender (`--recommender-interval=1m`, its first loop a minute after it
//! starts): each loop it lists the VPAs, the pods that are not Pending and their
//! PodMetrics, adds each container's CPU usage (weight 0.1) to a decaying histogram and
//! its memory as one peak per 24-hour window, merges what the pods a VPA selects have
//! gathered by container name, and writes the recommendation: the 90th percentile plus a
//! 15% margin as the target, the 50th and 95th scaled by how many days of samples there
//! are as the bounds, at least 25m and 250Mi per pod, capped by the container policies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::histogram::{Histogram, CPU, MEMORY};
use super::{container_policy, namespace, Cluster};
use crate::controllers::{name, set_condition};
use crate::program::{Request, Step, Tick};
use crate::time::{Millis, SECOND};

const METRICS: &str = "/apis/metrics.k8s.io/v1beta1/pods";
const CHECKPOINTS: &str = "/apis/autoscaling.k8s.io/v1/verticalpodautoscalercheckpoints";
/// How often checkpoints of VPAs that are gone are deleted.
const CHECKPOINT_GC: Millis = 10 * INTERVAL;
const INTERVAL: Millis = 60 * SECOND;
const MEMORY_WINDOW: Millis = 24 * 60 * INTERVAL;
/// The recommender's options, from its arguments.
struct Options {
    interval: Millis,
    min_cpu_milli: f64,
    min_memory: f64,
    margin: f64,
    target_cpu: f64,
    target_memory: f64,
    oom_ratio: f64,
    oom_min_bump: f64,
}

impl Options {
    fn of(tick: &Tick) -> Self {
        Options {
            interval: tick.duration("recommender-interval", INTERVAL),
            min_cpu_milli: tick.number("pod-recommendation-min-cpu-millicores", 25.0),
            min_memory: tick.number("pod-recommendation-min-memory-mb", 250.0) * 1024.0 * 1024.0,
            margin: tick.number("recommendation-margin-fraction", MARGIN),
            target_cpu: tick.number("target-cpu-percentile", 0.9),
            target_memory: tick.number("target-memory-percentile", 0.9),
            oom_ratio: tick.number("oom-bump-up-ratio", 1.2),
            oom_min_bump: tick.number("oom-min-bump-up-bytes", 104_857_600.0),
        }
    }
}

/// The CPU sample weight (`minSampleWeight`).
const CPU_WEIGHT: f64 = 0.1;
const MARGIN: f64 = 0.15;
const MAX_AMOUNT: i64 = 100_000_000_000_000;

/// One container of one pod, as last sampled.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Container {
    aggregate: String,
    last_cpu: Option<Millis>,
    last_memory: Option<Millis>,
    window_end: Option<Millis>,
    peak: f64,
    oom_peak: f64,
    /// When the last OOM kill it recorded ended.
    last_oom: Option<Millis>,
}

impl Container {
    /// Adds a memory sample (an OOM's as such) as the window's peak, when it is one.
    fn add_memory(&mut self, a: &mut Aggregate, t: Millis, usage: f64, oom: bool) {
        if !oom && self.last_memory.is_some_and(|last| t < last) {
            return;
        }
        self.last_memory = Some(t);
        let end = *self.window_end.get_or_insert(t);
        let max = self.peak.max(self.oom_peak);
        let add = if t < end {
            if max != 0.0 && usage > max {
                a.memory.subtract(MEMORY, max, 1.0, end);
                true
            } else {
                false
            }
        } else {
            let end = end + (t - end) / MEMORY_WINDOW * MEMORY_WINDOW + MEMORY_WINDOW;
            self.window_end = Some(end);
            (self.peak, self.oom_peak) = (0.0, 0.0);
            true
        };
        if add {
            let end = self.window_end.unwrap_or(t);
            a.memory.add(MEMORY, usage, 1.0, end);
            if oom {
                self.oom_peak = usage;
            } else {
                self.peak = usage;
            }
        }
    }
}

/// What the pods of one namespace, container name and label set have gathered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Aggregate {
    namespace: String,
    container: String,
    labels: Value,
    cpu: Histogram,
    memory: Histogram,
    first: Option<Millis>,
    last: Option<Millis>,
    samples: u64,
}

impl Aggregate {
    fn merge(&mut self, o: &Aggregate) {
        self.cpu.merge(&o.cpu);
        self.memory.merge(&o.memory);
        self.first = match (self.first, o.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(o.last);
        self.samples += o.samples;
    }

    /// How many days of samples back the bounds: the lesser of the days between the
    /// first and last sample and the samples counted in days of one a minute.
    fn confidence(&self) -> f64 {
        let days = match (self.first, self.last) {
            (Some(a), Some(b)) => (b - a) as f64 / MEMORY_WINDOW as f64,
            _ => 0.0,
        };
        days.min(self.samples as f64 / (60.0 * 24.0))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    containers: BTreeMap<String, Container>,
    aggregates: BTreeMap<String, Aggregate>,
    /// When orphaned checkpoints were last deleted.
    checkpoint_gc: Millis,
    /// The checkpoints being written this loop, by path (created if they are new).
    #[serde(default)]
    writing: BTreeMap<String, Value>,
}

impl Aggregate {
    /// The checkpoint of what a VPA's container has gathered.
    fn checkpoint(&self, vpa: &Value, container: &str, now: Millis) -> Value {
        let stamp = |t: Option<Millis>| t.map(crate::controllers::stamp);
        json!({
            "apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscalerCheckpoint",
            "metadata": {"name": format!("{}-{container}", name(vpa)), "namespace": namespace(vpa)},
            "spec": {"containerName": container, "vpaObjectName": name(vpa)},
            "status": {
                "cpuHistogram": self.cpu.checkpoint(),
                "firstSampleStart": stamp(self.first),
                "lastSampleStart": stamp(self.last),
                "lastUpdateTime": crate::controllers::stamp(now),
                "memoryHistogram": self.memory.checkpoint(),
                "totalSamplesCount": self.samples,
                "version": "v3",
            },
        })
    }
}

/// The follow-up of a loop's writes: the checkpoints that did not exist are created.
fn after_writes(tick: &Tick, mut state: State, interval: Millis) -> Step {
    let writing = std::mem::take(&mut state.writing);
    let requests = tick
        .exchanges
        .iter()
        .filter(|e| e.request.method == "PATCH" && e.code == 404)
        .filter_map(|e| {
            let obj = writing.get(&e.request.path)?;
            Some(Request::post(
                super::checkpoint_path(namespace(obj), ""),
                obj.clone(),
            ))
        })
        .filter(|r| !tick.exchanges.iter().any(|e| e.request == *r))
        .collect();
    Step {
        requests,
        state: json!(state),
        next: interval,
        ..Step::default()
    }
}

/// A float amount as the recommender stores it: truncated, within 0..1e14 (NaN is 0).
fn amount(x: f64) -> i64 {
    if x.is_nan() || x < 0.0 {
        0
    } else if x > MAX_AMOUNT as f64 {
        MAX_AMOUNT
    } else {
        x as i64
    }
}

/// One estimate (millicores, bytes) of an aggregate at percentiles `p` (CPU, memory).
fn estimate(
    a: &Aggregate,
    o: &Options,
    p: (f64, f64),
    confidence: Option<(f64, f64)>,
    min: (i64, i64),
) -> (i64, i64) {
    let scale = |x: i64| {
        let with_margin = x + amount(x as f64 * o.margin);
        match confidence {
            Some((multiplier, exponent)) => {
                amount(with_margin as f64 * (1.0 + multiplier / a.confidence()).powf(exponent))
            }
            None => with_margin,
        }
    };
    let cpu = scale(amount(a.cpu.percentile(CPU, p.0) * 1000.0));
    let memory = scale(amount(a.memory.percentile(MEMORY, p.1)));
    (cpu.max(min.0), memory.max(min.1))
}

/// A recommendation's resources as quantities, for the controlled resources.
fn resources(cpu: i64, memory: i64, controlled: &[String]) -> Value {
    let mut out = serde_json::Map::new();
    if controlled.iter().any(|r| r == "cpu") {
        out.insert(
            "cpu".into(),
            json!(crate::quantity::canonical(i128::from(cpu), false)),
        );
    }
    if controlled.iter().any(|r| r == "memory") {
        let bytes = i128::from(memory) * 1000;
        out.insert(
            "memory".into(),
            json!(crate::quantity::canonical(bytes, true)),
        );
    }
    Value::Object(out)
}

/// A recommended list within the container policy's bounds.
fn cap(r: Value, policy: Option<&Value>) -> Value {
    let mut list = super::capping::list(&r);
    if let Some(p) = policy {
        super::capping::apply_policy(&mut list, p, None);
    }
    json!(list)
}

/// The recommendation for a VPA from what its pods gathered, by container name.
fn recommend(vpa: &Value, merged: &BTreeMap<String, Aggregate>, o: &Options) -> Vec<Value> {
    let live: Vec<(&String, &Aggregate)> = merged
        .iter()
        .filter(|(c, _)| container_policy(vpa, c).is_none_or(|p| p["mode"] != "Off"))
        .collect();
    let n = live.len().max(1) as f64;
    let min = (amount(o.min_cpu_milli / n), amount(o.min_memory / n));
    live.into_iter()
        .map(|(container, a)| {
            let policy = container_policy(vpa, container);
            let controlled: Vec<String> = policy
                .and_then(|p| p["controlledResources"].as_array())
                .map(|rs| {
                    rs.iter()
                        .filter_map(|r| r.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_else(|| vec!["cpu".into(), "memory".into()]);
            let (tc, tm) = estimate(a, o, (o.target_cpu, o.target_memory), None, min);
            let (lc, lm) = estimate(a, o, (0.5, 0.5), Some((0.001, -2.0)), min);
            let (uc, um) = estimate(a, o, (0.95, 0.95), Some((1.0, 1.0)), min);
            let target = resources(tc, tm, &controlled);
            json!({
                "containerName": container,
                "lowerBound": cap(resources(lc, lm, &controlled), policy),
                "target": cap(target.clone(), policy),
                "uncappedTarget": target,
                "upperBound": cap(resources(uc, um, &controlled), policy),
            })
        })
        .collect()
}

/// The status a VPA gets: its recommendation and conditions.
fn status(
    vpa: &Value,
    selector: &Result<Value, String>,
    pods: usize,
    recs: Vec<Value>,
    now: Millis,
) -> Value {
    let mut conditions: Vec<Value> = vpa["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    conditions.retain(|c| c["type"] != "ConfigDeprecated");
    match selector {
        Err(why) => set_condition(
            &mut conditions,
            json!({"type": "ConfigUnsupported", "status": "True", "message": why}),
            now,
        ),
        Ok(_) => conditions.retain(|c| c["type"] != "ConfigUnsupported"),
    }
    const NO_PODS: &str = "No pods match this VPA object";
    if pods == 0 {
        set_condition(
            &mut conditions,
            json!({"type": "NoPodsMatched", "status": "True", "reason": "NoPodsMatched", "message": NO_PODS}),
            now,
        );
    } else {
        conditions.retain(|c| c["type"] != "NoPodsMatched");
    }
    let provided = match (recs.is_empty(), pods) {
        (false, _) => json!({"type": "RecommendationProvided", "status": "True"}),
        (true, 0) => {
            json!({"type": "RecommendationProvided", "status": "False", "reason": "NoPodsMatched", "message": NO_PODS})
        }
        (true, _) => json!({"type": "RecommendationProvided", "status": "False"}),
    };
    set_condition(&mut conditions, provided, now);
    conditions.sort_by(|a, b| a["type"].as_str().cmp(&b["type"].as_str()));
    let recommendation = if recs.is_empty() {
        json!({})
    } else {
        json!({"containerRecommendations": recs})
    };
    let mut status = json!({"conditions": conditions, "recommendation": recommendation});
    if let Some(g) = vpa["metadata"]["generation"].as_i64() {
        status["observedGeneration"] = json!(g);
    }
    status
}

/// One step of the recommender's loop.
pub fn step(tick: &Tick) -> Step {
    let options = Options::of(tick);
    let Ok(mut state) = serde_json::from_value::<State>(tick.state.clone()) else {
        // Started: the first loop comes one interval later.
        let state = State {
            checkpoint_gc: tick.now,
            ..State::default()
        };
        return Step {
            state: json!(state),
            next: options.interval,
            ..Step::default()
        };
    };
    if tick.exchanges.iter().any(|e| e.request.method != "GET") {
        return after_writes(tick, state, options.interval);
    }
    let reads = super::pending_reads(tick, &[METRICS, super::PODS, CHECKPOINTS]);
    if !reads.is_empty() {
        return Step::reads(reads, tick.state.clone());
    }
    let cluster = Cluster::read(tick);
    let pods: Vec<&Value> = cluster
        .pods
        .iter()
        .filter(|p| p["status"]["phase"] != "Pending")
        .collect();
    // The containers of pods that are gone are forgotten; new ones start empty.
    let mut live = BTreeMap::new();
    for pod in &pods {
        for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
            let cname = c["name"].as_str().unwrap_or("");
            let labels = &pod["metadata"]["labels"];
            let key = format!("{}/{}/{cname}", namespace(pod), name(pod));
            let aggregate = format!("{}/{cname}/{labels}", namespace(pod));
            state
                .aggregates
                .entry(aggregate.clone())
                .or_insert_with(|| Aggregate {
                    namespace: namespace(pod).into(),
                    container: cname.into(),
                    labels: labels.clone(),
                    ..Aggregate::default()
                });
            let mut container = state.containers.remove(&key).unwrap_or_default();
            container.aggregate = aggregate;
            live.insert(key, container);
        }
    }
    state.containers = live;
    add_samples(&mut state, &tick.items(METRICS));
    record_ooms(&mut state, &pods, &options);
    // Aggregates with no samples left by pods that are gone are dropped.
    let used: Vec<&String> = state.containers.values().map(|c| &c.aggregate).collect();
    let keep: Vec<String> = state
        .aggregates
        .iter()
        .filter(|(k, a)| a.samples > 0 || used.contains(k))
        .map(|(k, _)| k.clone())
        .collect();
    state.aggregates.retain(|k, _| keep.contains(k));

    let mut requests = vec![];
    for vpa in &cluster.vpas {
        let by_default = vpa["spec"]["recommenders"]
            .as_array()
            .is_none_or(|rs| rs.is_empty() || rs.iter().any(|r| r["name"] == "default"));
        if !by_default {
            continue;
        }
        let ns = namespace(vpa);
        let selector = cluster.selector(tick, vpa, &mut vec![]);
        let sel = selector.as_ref().ok();
        let picks = |labels: &Value| sel.is_some_and(|s| crate::labels::selects(s, labels));
        let matched = pods
            .iter()
            .filter(|p| namespace(p) == ns && picks(&p["metadata"]["labels"]))
            .count();
        let mut merged: BTreeMap<String, Aggregate> = BTreeMap::new();
        for a in state.aggregates.values() {
            if a.namespace == ns && picks(&a.labels) {
                merged.entry(a.container.clone()).or_default().merge(a);
            }
        }
        let new = status(
            vpa,
            &selector,
            matched,
            recommend(vpa, &merged, &options),
            tick.now,
        );
        // Checkpoints leave out the peaks of memory windows still open.
        let mut saved = merged.clone();
        for c in state.containers.values() {
            let (Some(a), Some(end)) = (state.aggregates.get(&c.aggregate), c.window_end) else {
                continue;
            };
            let max = c.peak.max(c.oom_peak);
            if let Some(s) = saved
                .get_mut(&a.container)
                .filter(|_| a.namespace == ns && picks(&a.labels) && max > 0.0)
            {
                s.memory.subtract(MEMORY, max, 1.0, end);
            }
        }
        for (container, a) in &saved {
            let checkpoint = a.checkpoint(vpa, container, tick.now);
            let path = super::checkpoint_path(ns, name(&checkpoint));
            let ops = json!([{"op": "replace", "path": "/status", "value": checkpoint["status"]}]);
            requests.push(Request::json_patch(path.clone(), ops));
            state.writing.insert(path, checkpoint);
        }
        if new != vpa["status"] {
            requests.push(Request::json_patch(
                format!("{}/status", vpa_path(vpa)),
                json!([{"op": "add", "path": "/status", "value": new}]),
            ));
        }
    }
    // Checkpoints of VPAs that are gone are deleted every ten minutes.
    if tick.now - state.checkpoint_gc >= CHECKPOINT_GC {
        state.checkpoint_gc = tick.now;
        for c in tick.items(CHECKPOINTS) {
            let owner = &c["spec"]["vpaObjectName"];
            let kept = cluster
                .vpas
                .iter()
                .any(|v| namespace(v) == namespace(&c) && v["metadata"]["name"] == *owner);
            if !kept {
                requests.push(Request::delete(super::checkpoint_path(
                    namespace(&c),
                    name(&c),
                )));
            }
        }
    }
    Step {
        requests,
        state: json!(state),
        next: options.interval,
        ..Step::default()
    }
}

/// Records each container OOM-killed since it was last seen as a memory sample above
/// what it had: its request or peak, raised by 20% and at least 100Mi.
fn record_ooms(state: &mut State, pods: &[&Value], o: &Options) {
    for pod in pods {
        for cs in pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let t = &cs["lastState"]["terminated"];
            let Some(at) =
                crate::describe::time_of(&t["finishedAt"]).filter(|_| t["reason"] == "OOMKilled")
            else {
                continue;
            };
            let cname = cs["name"].as_str().unwrap_or("");
            let key = format!("{}/{}/{cname}", namespace(pod), name(pod));
            let Some(c) = state
                .containers
                .get_mut(&key)
                .filter(|c| c.last_oom.is_none_or(|l| at > l))
            else {
                continue;
            };
            c.last_oom = Some(at);
            // Too old for the current window.
            if c.window_end.is_some_and(|end| at < end - MEMORY_WINDOW) {
                continue;
            }
            let spec = pod["spec"]["containers"].as_array().into_iter().flatten();
            let request = spec
                .filter(|s| s["name"] == cname)
                .map(|s| (super::milli(&s["resources"]["requests"]["memory"]) / 1000) as f64)
                .next()
                .unwrap_or(0.0);
            let used = request.max(c.peak);
            let needed = (used + o.oom_min_bump).max(used * o.oom_ratio);
            if let Some(a) = state.aggregates.get_mut(&c.aggregate) {
                c.add_memory(a, at, needed, true);
            }
        }
    }
}

/// A VPA's path.
pub fn vpa_path(vpa: &Value) -> String {
    format!(
        "/apis/autoscaling.k8s.io/v1/namespaces/{}/verticalpodautoscalers/{}",
        namespace(vpa),
        name(vpa)
    )
}

/// Adds the PodMetrics' samples to the containers they are of.
fn add_samples(state: &mut State, metrics: &[Value]) {
    for m in metrics {
        let Some(t) = crate::describe::time_of(&m["timestamp"]) else {
            continue;
        };
        for c in m["containers"].as_array().into_iter().flatten() {
            let key = format!(
                "{}/{}/{}",
                namespace(m),
                name(m),
                c["name"].as_str().unwrap_or("")
            );
            let Some(container) = state.containers.get_mut(&key) else {
                continue;
            };
            let Some(a) = state.aggregates.get_mut(&container.aggregate) else {
                continue;
            };
            let cpu = super::milli(&c["usage"]["cpu"]);
            if container.last_cpu.is_none_or(|last| t > last) {
                a.cpu.add(CPU, cpu as f64 / 1000.0, CPU_WEIGHT, t);
                a.first = Some(a.first.map_or(t, |f| f.min(t)));
                a.last = Some(a.last.map_or(t, |l| l.max(t)));
                a.samples += 1;
                container.last_cpu = Some(t);
            }
            let memory = (super::milli(&c["usage"]["memory"]) / 1000) as f64;
            container.add_memory(a, t, memory, false);
        }
    }
}
