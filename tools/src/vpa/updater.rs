//! The VPA updater (`--updater-interval=1m`, its first loop a minute after it starts):
//! while the admission controller's Lease is fresh, for each VPA in Recreate, Auto or
//! InPlaceOrRecreate mode it picks the pods whose requests are outside the recommended
//! range (or, after 12 hours, at least 10% off the target), scale-ups first, and
//! evicts them through the Eviction API (their controller recreates them and the
//! admission controller sets the new requests) as far as each controller's replicas
//! allow (at least two live pods; at most half of them at once); InPlaceOrRecreate
//! resizes them in place instead, and evicts those whose resize is infeasible or stays
//! deferred for five minutes.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::capping::{self, Resources};
use super::{milli, namespace, update_mode, Cluster, PODS};
use crate::controllers::{controller_of, name, uid};
use crate::describe::time_of;
use crate::program::{object_ref, Request, Step, Tick};
use crate::time::{Millis, SECOND};

const INTERVAL: Millis = 60 * SECOND;
const LEASE: &str =
    "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/vpa-admission-controller";
const MIN_REPLICAS: i64 = 2;
const TOLERANCE: f64 = 0.5;
const LIFETIME_THRESHOLD: Millis = 12 * 3_600 * SECOND;
const MIN_DIFF: f64 = 0.1;
const DEFERRED_TIMEOUT: Millis = 5 * 60 * SECOND;
const IN_PROGRESS_TIMEOUT: Millis = 3_600 * SECOND;

fn pod_path(pod: &Value) -> String {
    format!("/api/v1/namespaces/{}/pods/{}", namespace(pod), name(pod))
}

/// How a pod's resources compare with its capped recommendation.
struct Priority {
    outside: bool,
    scale_up: bool,
    diff: f64,
}

/// A container's current requests and limits (the kubelet's view when it has one).
fn current<'a>(pod: &'a Value, c: &'a Value) -> &'a Value {
    pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == c["name"] && s["resources"].is_object())
        .map_or(&c["resources"], |s| &s["resources"])
}

/// The capped recommendations of a pod's containers, by container index.
fn recommendations(vpa: &Value, pod: &Value, range: Option<&Value>) -> Vec<(usize, Value, Value)> {
    let observed: Option<Vec<&str>> = pod["metadata"]["annotations"]["vpaObservedContainers"]
        .as_str()
        .map(|s| s.split(", ").collect());
    let mut out = vec![];
    for (i, c) in pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let cname = c["name"].as_str().unwrap_or("");
        if observed.as_ref().is_some_and(|o| !o.contains(&cname)) {
            continue;
        }
        let mut c = c.clone();
        c["resources"] = current(pod, &c).clone();
        if let Some((rec, _)) = capping::container(vpa, &c, range) {
            out.push((i, c, rec));
        }
    }
    out
}

fn priority(recs: &[(usize, Value, Value)]) -> Priority {
    let mut p = Priority {
        outside: false,
        scale_up: false,
        diff: 0.0,
    };
    let mut sums: BTreeMap<String, (i128, i128)> = BTreeMap::new();
    for (_, c, rec) in recs {
        for (r, target) in rec["target"].as_object().into_iter().flatten() {
            let request = &c["resources"]["requests"][r];
            let sum = sums.entry(r.clone()).or_default();
            sum.1 += milli(target);
            if request.is_null() {
                p.scale_up = true;
                p.outside = true;
                continue;
            }
            let req = milli(request);
            sum.0 += req;
            p.scale_up |= milli(target) > req;
            let (lower, upper) = (&rec["lowerBound"][r], &rec["upperBound"][r]);
            p.outside |= (!lower.is_null() && req < milli(lower))
                || (!upper.is_null() && req > milli(upper));
        }
    }
    p.diff = sums
        .values()
        .map(|&(req, target)| (req - target).abs() as f64 / req.max(1) as f64)
        .sum();
    p
}

/// What the updater does with one pod.
enum Action {
    Evict,
    Resize,
}

/// The replicas a pod's creator (its direct controller) is configured with.
fn configured(cluster: &Cluster, pod: &Value, live: i64) -> i64 {
    let Some((kind, owner, _)) = controller_of(pod) else {
        return 0;
    };
    let obj = cluster.controller(kind, namespace(pod), owner);
    match kind {
        "ReplicaSet" | "ReplicationController" | "StatefulSet" => obj
            .and_then(|o| o["spec"]["replicas"].as_i64())
            .unwrap_or(0),
        "DaemonSet" => obj
            .and_then(|o| o["status"]["numberReady"].as_i64())
            .unwrap_or(0),
        "Job" => live,
        _ => 0,
    }
}

/// One step of the updater's loop.
pub fn step(tick: &Tick) -> Step {
    if tick.state.is_null() {
        return Step {
            state: json!({"resizing": {}}),
            next: INTERVAL,
            ..Step::default()
        };
    }
    let done = |state: Value, events| Step {
        state,
        events,
        next: INTERVAL,
        ..Step::default()
    };
    let mut reads = tick.missing(&[LEASE.to_string()]);
    if reads.is_empty() {
        reads = super::pending_reads(tick, &[PODS]);
    }
    if !reads.is_empty() {
        return Step::reads(reads, tick.state.clone());
    }
    let cluster = Cluster::read(tick);
    let writes: Vec<_> = tick
        .exchanges
        .iter()
        .filter(|e| e.request.method != "GET")
        .collect();
    if !writes.is_empty() {
        return after_writes(tick, &cluster, &writes);
    }
    // The admission controller must have renewed its status within the last minute.
    let lease = tick.read(LEASE).filter(|e| e.ok()).map(|e| &e.body);
    let fresh = |t: &Value| time_of(t).is_some_and(|t| t + INTERVAL > tick.now);
    if !lease.is_some_and(|l| {
        fresh(&l["metadata"]["creationTimestamp"]) || fresh(&l["spec"]["renewTime"])
    }) {
        return done(tick.state.clone(), vec![]);
    }
    let vpas: Vec<(Value, Value)> = cluster
        .vpas
        .iter()
        .filter(|v| matches!(update_mode(v), "Recreate" | "Auto" | "InPlaceOrRecreate"))
        .filter_map(|v| Some((v.clone(), cluster.selector(tick, v, &mut vec![]).ok()?)))
        .collect();
    let live: Vec<&Value> = cluster
        .pods
        .iter()
        .filter(|p| {
            !p["spec"]["nodeName"].as_str().unwrap_or("").is_empty()
                && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
                && !crate::controllers::terminating(p)
        })
        .collect();
    let mut resizing = tick.state["resizing"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut requests = vec![];
    for (vpa, _) in &vpas {
        if vpa["status"]["recommendation"].is_null() {
            continue;
        }
        let pods: Vec<&Value> = live
            .iter()
            .copied()
            .filter(|p| {
                cluster
                    .controlling(p, &vpas)
                    .is_some_and(|v| uid(v) == uid(vpa))
            })
            .collect();
        // The pods of each creator, and how many of them may go.
        let mut groups: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
        for p in &pods {
            let g = groups.entry(creator(p)).or_default();
            g.0 += 1;
            g.1 += i64::from(p["status"]["phase"] == "Pending");
        }
        let required = vpa["spec"]["updatePolicy"]["minReplicas"]
            .as_i64()
            .unwrap_or(MIN_REPLICAS);
        for p in &pods {
            if let Some(g) = groups.get_mut(&creator(p)) {
                g.2 = configured(&cluster, p, g.0);
            }
        }
        let range = capping::container_limit_range(&cluster.limit_ranges, namespace(vpa));
        let mut candidates: Vec<(&Value, Priority, Action)> = vec![];
        let in_place = update_mode(vpa) == "InPlaceOrRecreate";
        for p in &pods {
            let recs = recommendations(vpa, p, range.as_ref());
            let prio = priority(&recs);
            let started = time_of(&p["status"]["startTime"]);
            let accepted = prio.outside
                || (started.is_some_and(|s| tick.now >= s + LIFETIME_THRESHOLD)
                    && prio.diff >= MIN_DIFF);
            if !accepted {
                continue;
            }
            let action = if !in_place {
                Action::Evict
            } else {
                match resize_state(p, &mut resizing, tick.now) {
                    Some(true) => Action::Evict,
                    Some(false) => continue,
                    None => Action::Resize,
                }
            };
            candidates.push((p, prio, action));
        }
        candidates.sort_by(|a, b| {
            b.1.scale_up.cmp(&a.1.scale_up).then(
                b.1.diff
                    .partial_cmp(&a.1.diff)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
        });
        for (p, _, action) in candidates {
            let Some(g) = groups.get_mut(&creator(p)) else {
                continue;
            };
            let (live_n, pending, replicas, taken) = *g;
            if live_n < required {
                continue;
            }
            let tolerance = (replicas as f64 * TOLERANCE) as i64;
            let running = live_n - pending;
            let disruptable = running - taken > replicas - tolerance
                || (replicas == running && tolerance == 0 && taken == 0);
            if !(disruptable || p["status"]["phase"] == "Pending") {
                continue;
            }
            g.3 += i64::from(p["status"]["phase"] != "Pending");
            requests.extend(match action {
                Action::Evict => vec![eviction(p)],
                Action::Resize => resize(vpa, p, range.as_ref()),
            });
        }
    }
    if requests.is_empty() {
        return done(json!({"resizing": resizing}), vec![]);
    }
    // Its writes' answers start after what it has seen.
    Step::reads(
        requests,
        json!({"resizing": resizing, "seen": tick.exchanges.len()}),
    )
}

/// Who created a pod: its controller's kind and name.
fn creator(pod: &Value) -> String {
    controller_of(pod).map_or_else(String::new, |(k, n, _)| format!("{k}/{n}"))
}

fn eviction(pod: &Value) -> Request {
    Request::post(
        format!("{}/eviction", pod_path(pod)),
        json!({
            "apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": {"name": name(pod), "namespace": namespace(pod)},
        }),
    )
}

/// Whether a pod being resized should now be evicted (Some(true)), waited for
/// (Some(false)), or is not resizing (None); remembers when it was first seen resizing.
fn resize_state(
    pod: &Value,
    resizing: &mut serde_json::Map<String, Value>,
    now: Millis,
) -> Option<bool> {
    let condition = pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            (c["type"] == "PodResizePending" || c["type"] == "PodResizeInProgress")
                && c["status"] == "True"
        });
    let Some(c) = condition else {
        resizing.remove(uid(pod));
        return None;
    };
    let since = resizing
        .entry(uid(pod).to_string())
        .or_insert_with(|| json!(now))
        .as_i64()
        .unwrap_or(now);
    let reason = c["reason"].as_str().unwrap_or("");
    Some(match (c["type"].as_str(), reason) {
        (Some("PodResizePending"), "Deferred") => now - since > DEFERRED_TIMEOUT,
        (Some("PodResizePending"), _) => true,
        (_, "") => {
            c["message"].as_str().unwrap_or("").is_empty() && now - since > IN_PROGRESS_TIMEOUT
        }
        _ => true,
    })
}

/// The requests that resize a pod in place to its capped targets (and limits in
/// proportion): its resize, then its annotation.
fn resize(vpa: &Value, pod: &Value, range: Option<&Value>) -> Vec<Request> {
    let mut ops = vec![];
    for (i, c, rec) in recommendations(vpa, pod, range) {
        let new: Resources = rec["target"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let limits = if capping::requests_only(vpa, c["name"].as_str().unwrap_or("")) {
            None
        } else {
            capping::limits(&c, &new, range).0
        };
        let res = &pod["spec"]["containers"][i]["resources"];
        if res.is_null() {
            ops.push(json!({"op": "add", "path": format!("/spec/containers/{i}/resources"), "value": {}}));
        }
        for (field, list) in [("requests", Some(new)), ("limits", limits)] {
            let Some(list) = list.filter(|l| !l.is_empty()) else {
                continue;
            };
            if res[field].is_null() {
                ops.push(json!({"op": "add", "path": format!("/spec/containers/{i}/resources/{field}"), "value": {}}));
            }
            for (r, q) in list {
                ops.push(json!({"op": "add", "path": format!("/spec/containers/{i}/resources/{field}/{r}"), "value": q}));
            }
        }
    }
    if ops.is_empty() {
        return vec![];
    }
    let mut annotate = vec![];
    if pod["metadata"]["annotations"].is_null() {
        annotate.push(json!({"op": "add", "path": "/metadata/annotations", "value": {}}));
    }
    annotate.push(
        json!({"op": "add", "path": "/metadata/annotations/vpaInPlaceUpdated", "value": "true"}),
    );
    vec![
        Request::json_patch(format!("{}/resize", pod_path(pod)), json!(ops)),
        Request::json_patch(pod_path(pod), json!(annotate)),
    ]
}

/// After its writes: the events of those that went through, and an eviction for each
/// pod whose resize failed.
fn after_writes(tick: &Tick, cluster: &Cluster, writes: &[&crate::program::Exchange]) -> Step {
    let mut events = vec![];
    let mut requests = vec![];
    let pod_named = |path: &str| {
        cluster
            .pods
            .iter()
            .find(|p| path.starts_with(&format!("{}/", pod_path(p))))
    };
    let vpas: Vec<(Value, Value)> = cluster
        .vpas
        .iter()
        .filter_map(|v| Some((v.clone(), cluster.selector(tick, v, &mut vec![]).ok()?)))
        .collect();
    // Only the answers after what it has seen are new.
    let seen = tick.state["seen"].as_u64().unwrap_or(0) as usize;
    let new = tick.exchanges.get(seen..).unwrap_or_default();
    let already_evicting = |p: &Value| {
        writes
            .iter()
            .any(|e| e.request.path == format!("{}/eviction", pod_path(p)))
    };
    for e in new {
        let Some(pod) = pod_named(&e.request.path) else {
            continue;
        };
        let vpa = cluster.controlling(pod, &vpas);
        let pod_ref = object_ref(pod, "v1", "Pod");
        let path = e.request.path.as_str();
        if path.ends_with("/eviction") && e.ok() {
            events.push((
                pod_ref,
                "Normal".into(),
                "EvictedByVPA".into(),
                "Pod was evicted by VPA Updater to apply resource recommendation.".into(),
            ));
            if let Some(v) = vpa {
                events.push((
                    object_ref(v, "autoscaling.k8s.io/v1", "VerticalPodAutoscaler"),
                    "Normal".into(),
                    "EvictedPod".into(),
                    format!(
                        "VPA Updater evicted Pod {} to apply resource recommendation.",
                        name(pod)
                    ),
                ));
            }
        } else if path.ends_with("/resize") {
            if e.ok() {
                events.push((
                    pod_ref,
                    "Normal".into(),
                    "InPlaceResizedByVPA".into(),
                    "Pod was resized in place by VPA Updater.".into(),
                ));
            } else if !already_evicting(pod) {
                requests.push(eviction(pod));
            }
        }
    }
    let mut state = tick.state.clone();
    state["seen"] = json!(tick.exchanges.len());
    if requests.is_empty() {
        state.as_object_mut().map(|o| o.remove("seen"));
    }
    Step {
        requests,
        state,
        events,
        next: INTERVAL,
        ..Step::default()
    }
}
