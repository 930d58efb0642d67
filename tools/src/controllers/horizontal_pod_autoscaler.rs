//! The horizontal pod autoscaler's decision for one sync of one HorizontalPodAutoscaler
//! (autoscaling/v2), as kube-controller-manager 1.35 makes it: the target's scale; each
//! metric's replica proposal from the resource metrics API (utilization of the pods'
//! requests or an average value; pods pending, unready or without metrics filled in
//! conservatively; a tolerance of 10% or the behavior's); the largest proposal; then the
//! limits: without a behavior, scale-down held to the highest recommendation of the last
//! five minutes and scale-up to twice the replicas (at least 4); with one, the
//! stabilization windows and the scaling policies over recent scale events; min and max.
//! It returns the events, the new scale (if any), the status, and the controller's
//! memory of recommendations and scale events. Custom and external metrics APIs do not
//! exist in Kubarium yet, so Pods, Object and External metrics fail as they do on a
//! cluster without them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{name, stamp, terminating};
use crate::cron::go_duration_ms;
use crate::describe::time_of;
use crate::quantity;
use crate::time::{Millis, SECOND};

/// The controller manager's options for it (`--horizontal-pod-autoscaler-*`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// `--horizontal-pod-autoscaler-tolerance`.
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization`.
    pub downscale_stabilization: Millis,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period`.
    pub cpu_initialization_period: Millis,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay`.
    pub initial_readiness_delay: Millis,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tolerance: 0.1,
            downscale_stabilization: 300 * SECOND,
            cpu_initialization_period: 300 * SECOND,
            initial_readiness_delay: 30 * SECOND,
        }
    }
}

/// A replica count the controller recommended, and when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub replicas: i64,
    pub at: Millis,
}

/// A change of scale the controller made (replicas added or removed), and when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ScaleEvent {
    pub change: i64,
    pub at: Millis,
    pub outdated: bool,
}

/// What the controller remembers of one autoscaler between syncs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct History {
    pub recommendations: Vec<Recommendation>,
    pub up: Vec<ScaleEvent>,
    pub down: Vec<ScaleEvent>,
}

/// What a sync reads: the autoscaler (autoscaling/v2), its target's Scale or why it
/// could not be read, the pods the scale's selector picks (or why they could not be
/// listed), their PodMetrics from the resource metrics API (or the API's error), the
/// controller's memory of it, and now (Unix milliseconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub hpa: Value,
    pub scale: Result<Value, String>,
    pub pods: Result<Vec<Value>, String>,
    pub metrics: Result<Vec<Value>, String>,
    pub history: History,
    pub now: Millis,
    #[serde(default)]
    pub options: Options,
}

/// What the sync does: record `events`; write `rescale` (the new size and why) to the
/// target's scale (on failure record `New size: ...; error: ...` and write
/// `failed_status` instead, the error added to its first condition's message); write
/// `status` if it changed; keep `history`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub events: Vec<[String; 3]>,
    pub rescale: Option<(i64, String)>,
    pub status: Value,
    pub failed_status: Value,
    pub history: History,
}

fn event(type_: &str, reason: &str, message: String) -> [String; 3] {
    [type_.into(), reason.into(), message]
}

/// The status being built: its conditions in the order first set (`setCondition`).
struct Status {
    conditions: Vec<Value>,
    now: Millis,
}

impl Status {
    fn set(&mut self, type_: &str, status: bool, reason: &str, message: String) {
        let status = if status { "True" } else { "False" };
        let cond = json!({"type": type_, "status": status, "reason": reason, "message": message});
        super::set_condition(&mut self.conditions, cond, self.now);
    }
}

/// AbleToScale's reasons and messages as normalization sets them.
const UP_STABILIZED: (&str, &str) = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
);
const DOWN_STABILIZED: (&str, &str) = ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
const READY: (&str, &str) = ("ReadyForNewScale", "recommended size matches current size");
/// ScalingLimited's when the rate limits bind.
const UP_LIMIT: (&str, &str) = (
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
);
const DOWN_LIMIT: (&str, &str) = (
    "ScaleDownLimit",
    "the desired replica count is decreasing faster than the maximum scale rate",
);

/// A metric's value of each pod (milli-units) with its sample's time and window.
struct Sample {
    value: i64,
    at: Millis,
    window: Millis,
}

/// The resource metrics of each pod for `resource` (of one container, if given): a pod
/// lacking it in any container counted is left out.
fn samples(items: &[Value], resource: &str, container: Option<&str>) -> BTreeMap<String, Sample> {
    let mut out = BTreeMap::new();
    for m in items {
        let containers: Vec<&Value> = m["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| container.is_none_or(|n| c["name"] == n))
            .collect();
        if containers.is_empty() {
            continue;
        }
        let values: Option<Vec<i128>> = containers
            .iter()
            .map(|c| {
                c["usage"][resource]
                    .as_str()
                    .and_then(quantity::milli_value)
            })
            .collect();
        let Some(values) = values else { continue };
        out.insert(
            name(m).to_string(),
            Sample {
                value: values.iter().sum::<i128>() as i64,
                at: time_of(&m["timestamp"]).unwrap_or(0),
                window: m["window"].as_str().and_then(go_duration_ms).unwrap_or(0),
            },
        );
    }
    out
}

/// The Ready condition: whether it is true and since when.
fn ready_condition(pod: &Value) -> Option<(bool, Millis)> {
    let c = pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready")?;
    Some((
        c["status"] == "True",
        time_of(&c["lastTransitionTime"]).unwrap_or(0),
    ))
}

/// The pods sorted as `groupPods` does: the ready ones counted, the unready, those
/// without metrics, and those ignored (being deleted or failed).
struct Groups {
    ready: i64,
    unready: BTreeSet<String>,
    missing: BTreeSet<String>,
    ignored: BTreeSet<String>,
}

fn group_pods(
    pods: &[Value],
    samples: &BTreeMap<String, Sample>,
    resource: &str,
    now: Millis,
    options: &Options,
) -> Groups {
    let mut g = Groups {
        ready: 0,
        unready: BTreeSet::new(),
        missing: BTreeSet::new(),
        ignored: BTreeSet::new(),
    };
    for pod in pods {
        let n = name(pod).to_string();
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        if terminating(pod) || phase == "Failed" {
            g.ignored.insert(n);
            continue;
        }
        if phase == "Pending" {
            g.unready.insert(n);
            continue;
        }
        let Some(sample) = samples.get(&n) else {
            g.missing.insert(n);
            continue;
        };
        if resource == "cpu" {
            let started = time_of(&pod["status"]["startTime"]);
            let unready = match (ready_condition(pod), started) {
                (Some((ready, since)), Some(start)) => {
                    if start + options.cpu_initialization_period > now {
                        !ready || sample.at < since + sample.window
                    } else {
                        !ready && start + options.initial_readiness_delay > since
                    }
                }
                _ => true,
            };
            if unready {
                g.unready.insert(n);
                continue;
            }
        }
        g.ready += 1;
    }
    g
}

/// Each pod's request of `resource` (milli-units): the pod's own if it sets one and no
/// container is named, else the sum over its containers and sidecars.
fn requests(
    pods: &[Value],
    resource: &str,
    container: Option<&str>,
) -> Result<BTreeMap<String, i64>, String> {
    let mut out = BTreeMap::new();
    for pod in pods {
        let pod_name = name(pod);
        let spec = &pod["spec"];
        if container.is_none() {
            if let Some(q) = spec["resources"]["requests"][resource].as_str() {
                out.insert(pod_name.to_string(), quantity::parse(q).unwrap_or(0) as i64);
                continue;
            }
        }
        let sidecars = spec["initContainers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["restartPolicy"] == "Always");
        let counted: Vec<&Value> = spec["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(sidecars)
            .filter(|c| container.is_none_or(|n| c["name"] == n))
            .collect();
        if let Some(n) = container.filter(|_| counted.is_empty()) {
            return Err(format!("container {n} not found in Pod {pod_name}"));
        }
        let mut total = 0;
        for c in counted {
            let Some(q) = c["resources"]["requests"][resource].as_str() else {
                return Err(format!(
                    "missing request for {resource} in container {} of Pod {pod_name}",
                    c["name"].as_str().unwrap_or("")
                ));
            };
            total += quantity::parse(q).unwrap_or(0) as i64;
        }
        out.insert(pod_name.to_string(), total);
    }
    Ok(out)
}

/// The tolerances below and above a ratio of 1.
#[derive(Clone, Copy)]
struct Tolerances {
    down: f64,
    up: f64,
}

impl Tolerances {
    fn of(hpa: &Value, default: f64) -> Self {
        let side = |rules: &str| {
            hpa["spec"]["behavior"][rules]["tolerance"]
                .as_str()
                .map(str::to_string)
                .or_else(|| {
                    hpa["spec"]["behavior"][rules]["tolerance"]
                        .as_f64()
                        .map(|f| f.to_string())
                })
                .and_then(|q| quantity::parse(&q))
                .map_or(default, |milli| milli as f64 / 1000.0)
        };
        Tolerances {
            down: side("scaleDown"),
            up: side("scaleUp"),
        }
    }

    fn within(self, ratio: f64) -> bool {
        (1.0 - self.down) <= ratio && ratio <= 1.0 + self.up
    }
}

/// What one resource metric proposes: replicas, and the utilization (if a
/// utilization target) and average value its status shows.
struct Proposal {
    replicas: i64,
    utilization: Option<i64>,
    average: i64,
}

/// The target of a resource metric: a utilization (percent) or an average value
/// (milli-units).
enum Target {
    Utilization(i64),
    Average(i64),
}

/// `GetResourceReplicas` and `GetRawResourceReplicas`: the proposal of one resource
/// metric.
fn resource_replicas(
    q: &Request,
    pods: &[Value],
    current: i64,
    resource: &str,
    container: Option<&str>,
    target: &Target,
) -> Result<Proposal, String> {
    let items = q.metrics.as_ref().map_err(|e| {
        format!("unable to get metrics for resource {resource}: unable to fetch metrics from resource metrics API: {e}")
    })?;
    let mut metrics = samples(items, resource, container);
    if metrics.is_empty() {
        return Err(format!(
            "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
        ));
    }
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let groups = group_pods(pods, &metrics, resource, q.now, &q.options);
    metrics.retain(|p, _| !groups.ignored.contains(p) && !groups.unready.contains(p));
    if metrics.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    let tolerances = Tolerances::of(&q.hpa, q.options.tolerance);
    let requests = match target {
        Target::Utilization(_) => requests(pods, resource, container)?,
        Target::Average(_) => BTreeMap::new(),
    };
    let values: BTreeMap<String, i64> = metrics.iter().map(|(p, s)| (p.clone(), s.value)).collect();
    // The ratio of usage to target, the utilization and the average.
    let ratio = |values: &BTreeMap<String, i64>| -> Result<(f64, Option<i64>, i64), String> {
        match target {
            Target::Utilization(t) => {
                let (mut used, mut requested, mut n) = (0i64, 0i64, 0i64);
                for (p, v) in values {
                    if let Some(r) = requests.get(p) {
                        used += v;
                        requested += r;
                        n += 1;
                    }
                }
                if requested == 0 {
                    return Err("no metrics returned matched known pods".into());
                }
                let utilization = used * 100 / requested;
                Ok((utilization as f64 / *t as f64, Some(utilization), used / n))
            }
            Target::Average(t) => {
                let average = values.values().sum::<i64>() / values.len().max(1) as i64;
                Ok((average as f64 / *t as f64, None, average))
            }
        }
    };
    let (usage_ratio, utilization, average) = ratio(&values)?;
    let proposal = |replicas| Proposal {
        replicas,
        utilization,
        average,
    };
    let scale_up_with_unready = !groups.unready.is_empty() && usage_ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if tolerances.within(usage_ratio) {
            return Ok(proposal(current));
        }
        return Ok(proposal((usage_ratio * groups.ready as f64).ceil() as i64));
    }
    let mut values = values;
    // Missing pods count as using their request (or the target, if higher) on a
    // scale-down and nothing on a scale-up; at a ratio of exactly 1 they are left out.
    for p in &groups.missing {
        if usage_ratio < 1.0 {
            let filled = match target {
                Target::Utilization(t) => {
                    requests.get(p).copied().unwrap_or(0) * (*t).max(100) / 100
                }
                Target::Average(t) => *t,
            };
            values.insert(p.clone(), filled);
        } else if usage_ratio > 1.0 {
            values.insert(p.clone(), 0);
        }
    }
    if scale_up_with_unready {
        for p in &groups.unready {
            values.insert(p.clone(), 0);
        }
    }
    let (new_ratio, _, _) = ratio(&values)?;
    if tolerances.within(new_ratio)
        || (usage_ratio < 1.0 && new_ratio > 1.0)
        || (usage_ratio > 1.0 && new_ratio < 1.0)
    {
        return Ok(proposal(current));
    }
    let replicas = (new_ratio * values.len() as f64).ceil() as i64;
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(proposal(current));
    }
    Ok(proposal(replicas))
}

/// A milli-value as the status shows it (`NewMilliQuantity`: binary for memory).
fn milli_quantity(milli: i64, resource: &str) -> String {
    quantity::canonical(
        i128::from(milli),
        resource == "memory" && milli % 1000 == 0 && milli >= 1024 * 1000,
    )
}

/// One metric's proposal and status, or the reason, the message for its event and
/// condition, and the error the failure rule reports.
type Computed = Result<(i64, String, Value), (String, String, String)>;

fn compute_metric(q: &Request, pods: &[Value], current: i64, spec: &Value) -> Computed {
    let type_ = spec["type"].as_str().unwrap_or("");
    let (field, reason) = match type_ {
        "Resource" => ("resource", "FailedGetResourceMetric"),
        "ContainerResource" => ("containerResource", "FailedGetContainerResourceMetric"),
        "Pods" => ("pods", "FailedGetPodsMetric"),
        "Object" => ("object", "FailedGetObjectMetric"),
        "External" => ("external", "FailedGetExternalMetric"),
        t => {
            let e = format!("unknown metric source type \"{t}\"");
            return Err(("InvalidMetricSourceType".into(), e.clone(), e));
        }
    };
    let source = &spec[field];
    if !matches!(type_, "Resource" | "ContainerResource") {
        // Kubarium serves neither a custom nor an external metrics API.
        let metric = source["metric"]["name"].as_str().unwrap_or("");
        let ns = q.hpa["metadata"]["namespace"].as_str().unwrap_or("");
        let custom = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";
        let (inner, outer) = match type_ {
            "Pods" => {
                let inner = format!("unable to get metric {metric}: {custom}");
                (
                    inner.clone(),
                    format!("failed to get pods metric value: {inner}"),
                )
            }
            "Object" => {
                let object = &source["describedObject"];
                // Upstream's format puts the object's kind where the error goes.
                let inner = format!(
                    "unable to get metric {metric}: {} on {ns} {}/{custom}",
                    object["kind"].as_str().unwrap_or(""),
                    object["name"].as_str().unwrap_or("")
                );
                (
                    inner.clone(),
                    format!("failed to get object metric value: {inner}"),
                )
            }
            _ => {
                let inner = format!(
                    "unable to get external metric {ns}/{metric}/{}: unable to fetch metrics from external metrics API: the server could not find the requested resource (get {metric}.external.metrics.k8s.io)",
                    super::go_label_selector(&source["metric"]["selector"])
                );
                (
                    inner.clone(),
                    format!("failed to get {metric} external metric value: {inner}"),
                )
            }
        };
        return Err((reason.into(), inner, outer));
    }
    let resource = source["name"].as_str().unwrap_or("");
    let container = source["container"].as_str();
    let target = &source["target"];
    let (t, kind) = match target["averageUtilization"].as_i64() {
        Some(u) if target["type"] == "Utilization" => (Target::Utilization(u), "utilization"),
        _ => {
            let milli = target["averageValue"]
                .as_str()
                .and_then(quantity::parse)
                .unwrap_or(0) as i64;
            (Target::Average(milli), "usage")
        }
    };
    match resource_replicas(q, pods, current, resource, container, &t) {
        Ok(p) => {
            let mut current_value = json!({"averageValue": milli_quantity(p.average, resource)});
            if let Some(u) = p.utilization {
                current_value["averageUtilization"] = json!(u);
            }
            let mut status =
                json!({"type": type_, field: {"name": resource, "current": current_value}});
            if let Some(c) = container {
                status[field]["container"] = json!(c);
            }
            let metric_name = match (&t, container) {
                (Target::Utilization(_), Some(_)) => {
                    format!("{resource} container resource utilization (percentage of request)")
                }
                (Target::Utilization(_), None) => {
                    format!("{resource} resource utilization (percentage of request)")
                }
                _ => format!("{resource} resource"),
            };
            Ok((p.replicas, metric_name, status))
        }
        Err(e) => {
            let inner = format!("failed to get {resource} {kind}: {e}");
            let outer = match container {
                Some(c) => format!("failed to get {c} container metric value: {inner}"),
                None => format!("failed to get {resource} resource metric value: {inner}"),
            };
            Err((reason.into(), inner, outer))
        }
    }
}

/// `stabilizeRecommendation` (no behavior): the highest recommendation of the last
/// five minutes, this one included.
fn stabilize(history: &mut History, desired: i64, now: Millis, window: Millis) -> i64 {
    let cutoff = now - window;
    let mut highest = desired;
    let mut old = None;
    for (i, r) in history.recommendations.iter().enumerate() {
        if r.at < cutoff {
            old = Some(i);
        } else if r.replicas > highest {
            highest = r.replicas;
        }
    }
    store(&mut history.recommendations, old, desired, now);
    highest
}

fn store(recs: &mut Vec<Recommendation>, old: Option<usize>, replicas: i64, at: Millis) {
    let rec = Recommendation { replicas, at };
    match old {
        Some(i) => recs[i] = rec,
        None => recs.push(rec),
    }
}

/// `stabilizeRecommendationWithBehaviors`: the current count moved toward `desired`
/// only as far as every recommendation within each direction's window agrees.
fn stabilize_with_behavior(
    history: &mut History,
    behavior: &Value,
    current: i64,
    desired: i64,
    now: Millis,
    downscale_window: Millis,
) -> i64 {
    let window = |rules: &str, default: i64| {
        behavior[rules]["stabilizationWindowSeconds"]
            .as_i64()
            .unwrap_or(default)
            * SECOND
    };
    let up_cutoff = now - window("scaleUp", 0);
    let down_cutoff = now - window("scaleDown", downscale_window / SECOND);
    let (mut up, mut down) = (desired, desired);
    let mut old = None;
    for (i, r) in history.recommendations.iter().enumerate() {
        if r.at > up_cutoff {
            up = up.min(r.replicas);
        }
        if r.at > down_cutoff {
            down = down.max(r.replicas);
        }
        if r.at < up_cutoff && r.at < down_cutoff {
            old = Some(i);
        }
    }
    store(&mut history.recommendations, old, desired, now);
    current.max(up).min(down)
}

/// Replicas changed by the events within the last `period` milliseconds.
fn changed_within(events: &[ScaleEvent], period: Millis, now: Millis) -> i64 {
    events
        .iter()
        .filter(|e| e.at > now - period)
        .map(|e| e.change)
        .sum()
}

/// The most (scaling up) or fewest (down) replicas the policies allow now.
fn policy_limit(rules: &Value, history: &History, current: i64, up: bool, now: Millis) -> i64 {
    let select = rules["selectPolicy"].as_str().unwrap_or("Max");
    if select == "Disabled" {
        return current;
    }
    // Max picks the largest change: the highest count up, the lowest down.
    let largest = (select == "Max") == up;
    let mut limit: Option<i64> = None;
    for p in rules["policies"].as_array().into_iter().flatten() {
        let period = p["periodSeconds"].as_i64().unwrap_or(0) * SECOND;
        let value = p["value"].as_i64().unwrap_or(0);
        let start = current - changed_within(&history.up, period, now)
            + changed_within(&history.down, period, now);
        let proposed = match (p["type"].as_str(), up) {
            (Some("Pods"), true) => start + value,
            (Some("Pods"), false) => start - value,
            (_, true) => (start as f64 * (1.0 + value as f64 / 100.0)).ceil() as i64,
            (_, false) => (start as f64 * (1.0 - value as f64 / 100.0)) as i64,
        };
        limit = Some(match limit {
            None => proposed,
            Some(l) if largest => l.max(proposed),
            Some(l) => l.min(proposed),
        });
    }
    limit.unwrap_or(if largest == up {
        i64::from(i32::MIN)
    } else {
        i64::from(i32::MAX)
    })
}

/// Keeps a scale event for the policies' periods (only with a behavior).
fn store_scale_event(
    history: &mut History,
    behavior: &Value,
    previous: i64,
    new: i64,
    now: Millis,
) {
    if !behavior.is_object() {
        return;
    }
    let (rules, events, change) = if new > previous {
        (&behavior["scaleUp"], &mut history.up, new - previous)
    } else {
        (&behavior["scaleDown"], &mut history.down, previous - new)
    };
    let longest = rules["policies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["periodSeconds"].as_i64())
        .max()
        .unwrap_or(0)
        * SECOND;
    let mut old = None;
    for (i, e) in events.iter_mut().enumerate() {
        if e.at < now - longest {
            e.outdated = true;
        }
        if e.outdated {
            old = Some(i);
        }
    }
    let e = ScaleEvent {
        change,
        at: now,
        outdated: false,
    };
    match old {
        Some(i) => events[i] = e,
        None => events.push(e),
    }
}

const WITHIN_RANGE: &str = "the desired count is within the acceptable range";
const TOO_FEW: &str = "the desired replica count is less than the minimum replica count";
const TOO_MANY: &str = "the desired replica count is more than the maximum replica count";

/// The desired count normalized: stabilized, then kept within min, max and the
/// scaling rate; the ScalingLimited and AbleToScale conditions say how.
fn normalize(
    q: &Request,
    history: &mut History,
    st: &mut Status,
    current: i64,
    desired: i64,
    min: i64,
    max: i64,
) -> i64 {
    let behavior = &q.hpa["spec"]["behavior"];
    let (now, window) = (q.now, q.options.downscale_stabilization);
    let with_behavior = behavior.is_object();
    let stabilized = if with_behavior {
        stabilize_with_behavior(history, behavior, current, desired, now, window)
    } else {
        stabilize(history, desired, now, window)
    };
    let (reason, message) = match stabilized.cmp(&desired) {
        std::cmp::Ordering::Equal => READY,
        _ if with_behavior && desired >= current => UP_STABILIZED,
        _ => DOWN_STABILIZED,
    };
    st.set("AbleToScale", true, reason, message.into());
    // The most replicas allowed now and the least, each with why it binds.
    let (up, down) = if with_behavior {
        let up = policy_limit(&behavior["scaleUp"], history, current, true, now).max(current);
        let down = policy_limit(&behavior["scaleDown"], history, current, false, now).min(current);
        (up, down)
    } else {
        ((2 * current).max(4), min)
    };
    let most = if max > up {
        (up, UP_LIMIT)
    } else {
        (max, ("TooManyReplicas", TOO_MANY))
    };
    let least = if min < down {
        (down, DOWN_LIMIT)
    } else {
        (min, ("TooFewReplicas", TOO_FEW))
    };
    // Without a behavior min is checked first; with one only the direction's bound.
    let limited = if with_behavior {
        if stabilized > current && stabilized > most.0 {
            Some(most)
        } else if stabilized < current && stabilized < least.0 {
            Some(least)
        } else {
            None
        }
    } else if stabilized < min {
        Some(least)
    } else if stabilized > most.0 {
        Some(most)
    } else {
        None
    };
    let limited = limited.map(|(n, (reason, message))| (n, reason, message));
    match limited {
        Some((n, reason, message)) => {
            st.set("ScalingLimited", true, reason, message.into());
            n
        }
        None => {
            st.set(
                "ScalingLimited",
                false,
                "DesiredWithinRange",
                WITHIN_RANGE.into(),
            );
            stabilized
        }
    }
}

/// The status `setStatus` writes.
fn status_of(
    current: i64,
    desired: i64,
    metrics: Value,
    conditions: &[Value],
    last_scale: Value,
) -> Value {
    let mut status = json!({"desiredReplicas": desired, "currentMetrics": metrics});
    if current != 0 {
        status["currentReplicas"] = json!(current);
    }
    if !last_scale.is_null() {
        status["lastScaleTime"] = last_scale;
    }
    if !conditions.is_empty() {
        status["conditions"] = json!(conditions);
    }
    status
}

pub fn decide(q: &Request) -> Decision {
    let hpa = &q.hpa;
    let old = &hpa["status"];
    let mut st = Status {
        conditions: old["conditions"].as_array().cloned().unwrap_or_default(),
        now: q.now,
    };
    let mut d = Decision {
        history: q.history.clone(),
        ..Default::default()
    };
    let scale = match &q.scale {
        Ok(s) => s,
        Err(e) => {
            d.events.push(event("Warning", "FailedGetScale", e.clone()));
            st.set(
                "AbleToScale",
                false,
                "FailedGetScale",
                format!("the HPA controller was unable to get the target's current scale: {e}"),
            );
            let mut status = old.clone();
            status["conditions"] = json!(st.conditions);
            d.status = status;
            return d;
        }
    };
    st.set(
        "AbleToScale",
        true,
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale".into(),
    );
    let current = scale["spec"]["replicas"].as_i64().unwrap_or(0);
    if d.history.recommendations.is_empty() {
        d.history.recommendations.push(Recommendation {
            replicas: current,
            at: q.now,
        });
    }
    let spec = &hpa["spec"];
    let min = spec["minReplicas"].as_i64().unwrap_or(1);
    let max = spec["maxReplicas"].as_i64().unwrap_or(0);
    let last_scale = old["lastScaleTime"].clone();
    let mut metric_statuses = Value::Null;
    let (desired, reason) = if current == 0 && min != 0 {
        st.set(
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero".into(),
        );
        (0, String::new())
    } else if current > max {
        (
            max,
            "Current number of replicas above Spec.MaxReplicas".to_string(),
        )
    } else if current < min {
        (
            min,
            "Current number of replicas below Spec.MinReplicas".to_string(),
        )
    } else {
        match compute_replicas(q, scale, current, &mut st, &mut d.events) {
            Ok((proposed, metric_name, statuses)) => {
                metric_statuses = statuses;
                let desired = proposed.max(0);
                let reason = if desired > current {
                    format!("{metric_name} above target")
                } else if desired < current {
                    "All metrics below target".to_string()
                } else {
                    String::new()
                };
                (
                    normalize(q, &mut d.history, &mut st, current, desired, min, max),
                    reason,
                )
            }
            Err((statuses, error)) => {
                d.events
                    .push(event("Warning", "FailedComputeMetricsReplicas", error));
                let desired = old["desiredReplicas"].as_i64().unwrap_or(0);
                d.status = status_of(current, desired, statuses, &st.conditions, last_scale);
                return d;
            }
        }
    };
    let rescale = desired != current && !(current == 0 && min != 0);
    if rescale {
        // On failure the condition says why and the desired count stays.
        let mut failed = Status {
            conditions: st.conditions.clone(),
            now: q.now,
        };
        failed.set(
            "AbleToScale",
            false,
            "FailedUpdateScale",
            "the HPA controller was unable to update the target scale: ".into(),
        );
        let previous = old["desiredReplicas"].as_i64().unwrap_or(0);
        d.failed_status = status_of(
            current,
            previous,
            metric_statuses.clone(),
            &failed.conditions,
            last_scale.clone(),
        );
        st.set(
            "AbleToScale",
            true,
            "SucceededRescale",
            format!("the HPA controller was able to update the target scale to {desired}"),
        );
        d.events.push(event(
            "Normal",
            "SuccessfulRescale",
            format!("New size: {desired}; reason: {reason}"),
        ));
        store_scale_event(&mut d.history, &spec["behavior"], current, desired, q.now);
        d.rescale = Some((desired, reason));
        d.status = status_of(
            current,
            desired,
            metric_statuses,
            &st.conditions,
            stamp(q.now),
        );
    } else {
        d.status = status_of(
            current,
            current,
            metric_statuses,
            &st.conditions,
            last_scale,
        );
    }
    d
}

/// `computeReplicasForMetrics`: the largest proposal, the metric that made it and the
/// statuses; or the statuses and the error when the metrics cannot be trusted.
fn compute_replicas(
    q: &Request,
    scale: &Value,
    current: i64,
    st: &mut Status,
    events: &mut Vec<[String; 3]>,
) -> Result<(i64, String, Value), (Value, String)> {
    let specs: Vec<Value> = q.hpa["spec"]["metrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let selector = scale["status"]["selector"].as_str().unwrap_or("");
    if selector.is_empty() {
        events.push(event(
            "Warning",
            "SelectorRequired",
            "selector is required".into(),
        ));
        st.set(
            "ScalingActive",
            false,
            "InvalidSelector",
            "the HPA target's scale is missing a selector".into(),
        );
        return Err((Value::Null, "selector is required".into()));
    }
    let pods = match &q.pods {
        Ok(p) => p,
        Err(e) => {
            let message = format!(
                "couldn't convert selector into a corresponding internal selector object: {e}"
            );
            events.push(event("Warning", "InvalidSelector", message.clone()));
            st.set("ScalingActive", false, "InvalidSelector", message.clone());
            return Err((Value::Null, message));
        }
    };
    let mut replicas = 0;
    let mut metric_name = String::new();
    let mut statuses = vec![json!({"type": ""}); specs.len()];
    let mut invalid = 0;
    let mut first_error: Option<(String, String, String)> = None;
    for (i, spec) in specs.iter().enumerate() {
        match compute_metric(q, pods, current, spec) {
            Ok((proposal, name, status)) => {
                if replicas == 0 || proposal > replicas {
                    replicas = proposal;
                    metric_name = name;
                }
                statuses[i] = status;
            }
            Err((reason, inner, outer)) => {
                events.push(event("Warning", &reason, inner.clone()));
                invalid += 1;
                if first_error.is_none() {
                    first_error = Some((reason, inner, outer));
                }
            }
        }
    }
    let statuses = Value::Array(statuses);
    if let Some((reason, inner, outer)) = &first_error {
        if invalid >= specs.len() || replicas < current {
            st.set(
                "ScalingActive",
                false,
                reason,
                format!("the HPA was unable to compute the replica count: {inner}"),
            );
            return Err((
                statuses,
                format!(
                    "invalid metrics ({invalid} invalid out of {}), first error is: {outer}",
                    specs.len()
                ),
            ));
        }
    }
    st.set(
        "ScalingActive",
        true,
        "ValidMetricFound",
        format!("the HPA was able to successfully calculate a replica count from {metric_name}"),
    );
    Ok((replicas, metric_name, statuses))
}
