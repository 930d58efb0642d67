//! The VPA updater (`--updater-interval=1m`, its first loop a minute after it starts):
//! while the admission controller's Lease is fresh, for each VPA in Recreate, Auto or
//! InPlaceOrRecreate mode it picks the pods whose requests are outside the recommended
//! range, that were OOM-killed soon after starting, or (after 12 hours) are at least
//! 10% off the target, scale-ups first, and evicts them through the Eviction API (their
//! controller recreates them and the admission controller sets the new requests) as far
//! as each controller's replicas allow (`--min-replicas` 2 live pods at least; at most
//! `--eviction-tolerance` half of them at once); InPlaceOrRecreate resizes them in place
//! instead, and evicts those whose resize fails, is infeasible, or stays deferred for
//! five minutes.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::capping;
use super::{milli, namespace, update_mode, Cluster, PODS};
use crate::controllers::{controller_of, name, uid};
use crate::describe::time_of;
use crate::program::{object_ref, Exchange, Request, Step, Tick};
use crate::time::{Millis, SECOND};

const LEASE: &str =
    "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/vpa-admission-controller";
/// How long the admission controller's status stays valid.
const STATUS_TIMEOUT: Millis = 60 * SECOND;
const DEFERRED_TIMEOUT: Millis = 5 * 60 * SECOND;
const IN_PROGRESS_TIMEOUT: Millis = 3_600 * SECOND;
/// A container OOM-killed this soon after starting gets its pod updated.
const QUICK_OOM: Millis = 10 * 60 * SECOND;

fn pod_path(pod: &Value) -> String {
    format!("/api/v1/namespaces/{}/pods/{}", namespace(pod), name(pod))
}

/// The updater's options, from its arguments.
struct Options {
    interval: Millis,
    min_replicas: i64,
    tolerance: f64,
    min_diff: f64,
    lifetime: Millis,
}

impl Options {
    fn of(tick: &Tick) -> Self {
        Options {
            interval: tick.duration("updater-interval", 60 * SECOND),
            min_replicas: tick.number("min-replicas", 2.0) as i64,
            tolerance: tick.number("eviction-tolerance", 0.5),
            min_diff: tick.number("pod-update-threshold", 0.1),
            lifetime: tick.duration(
                "in-recommendation-bounds-eviction-lifetime-threshold",
                12 * 3_600 * SECOND,
            ),
        }
    }
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

/// The containers the admission controller observed (all, without its annotation).
fn observed(pod: &Value, container: &str) -> bool {
    let list = pod["metadata"]["annotations"]["vpaObservedContainers"].as_str();
    list.is_none_or(|l| l.split(", ").any(|c| c == container))
}

/// The capped recommendations of a pod's containers: each container's index, the
/// container with its current resources, and its recommendation.
fn recommendations(vpa: &Value, pod: &Value, range: Option<&Value>) -> Vec<(usize, Value, Value)> {
    let mut out = vec![];
    for (i, c) in pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !observed(pod, c["name"].as_str().unwrap_or("")) {
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

/// Whether one of a pod's observed containers (not switched off) was OOM-killed soon
/// after it started.
fn quick_oom(vpa: &Value, pod: &Value) -> bool {
    let statuses = pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten();
    statuses.into_iter().any(|cs| {
        let cname = cs["name"].as_str().unwrap_or("");
        let off = super::container_policy(vpa, cname).is_some_and(|p| p["mode"] == "Off");
        let t = &cs["lastState"]["terminated"];
        let quick = match (time_of(&t["startedAt"]), time_of(&t["finishedAt"])) {
            (Some(s), Some(f)) => f - s < QUICK_OOM,
            _ => false,
        };
        observed(pod, cname) && !off && t["reason"] == "OOMKilled" && quick
    })
}

/// Whether a pod's change meets the VPA's eviction requirements (each must see some
/// container's target move the way it asks; containers lacking a request pass).
fn meets_requirements(vpa: &Value, recs: &[(usize, Value, Value)]) -> bool {
    let requirements = vpa["spec"]["updatePolicy"]["evictionRequirements"].as_array();
    requirements.into_iter().flatten().all(|req| {
        recs.iter().any(|(_, c, rec)| {
            let resources = req["resources"].as_array().into_iter().flatten();
            resources.filter_map(Value::as_str).any(|r| {
                let (request, target) = (&c["resources"]["requests"][r], &rec["target"][r]);
                if request.is_null() {
                    return true;
                }
                match req["changeRequirement"].as_str() {
                    Some("TargetHigherThanRequests") => milli(target) > milli(request),
                    Some("TargetLowerThanRequests") => milli(target) < milli(request),
                    _ => false,
                }
            })
        })
    })
}

/// The replicas a pod's creator (its direct controller) is configured with; None when
/// it cannot be told (the group is then left alone).
fn configured(cluster: &Cluster, pod: &Value, live: i64) -> Option<i64> {
    let (kind, owner, _) = controller_of(pod)?;
    let obj = cluster.controller(kind, namespace(pod), owner);
    match kind {
        "ReplicaSet" | "ReplicationController" | "StatefulSet" => {
            obj?["spec"]["replicas"].as_i64().filter(|&n| n > 0)
        }
        "DaemonSet" => obj?["status"]["numberReady"].as_i64().filter(|&n| n > 0),
        "Job" => Some(live),
        _ => Some(0),
    }
}

/// What the updater does with one pod.
enum Action {
    Evict,
    Resize,
}

/// One step of the updater's loop.
pub fn step(tick: &Tick) -> Step {
    let options = Options::of(tick);
    if tick.state.is_null() {
        return Step {
            state: json!({"resizing": {}}),
            next: options.interval,
            ..Step::default()
        };
    }
    let mut reads = tick.missing(&[LEASE.to_string()]);
    if reads.is_empty() {
        reads = super::pending_reads(tick, &[PODS]);
    }
    if !reads.is_empty() {
        return Step::reads(reads, tick.state.clone());
    }
    let cluster = Cluster::read(tick);
    if tick.exchanges.iter().any(|e| e.request.method != "GET") {
        return after_writes(tick, &cluster, options.interval);
    }
    let done = |state: Value| Step {
        state,
        next: options.interval,
        ..Step::default()
    };
    // The admission controller must have renewed its status within the last minute.
    let lease = tick.read(LEASE).filter(|e| e.ok()).map(|e| &e.body);
    let fresh = |t: &Value| time_of(t).is_some_and(|t| t + STATUS_TIMEOUT > tick.now);
    if !lease.is_some_and(|l| {
        fresh(&l["metadata"]["creationTimestamp"]) || fresh(&l["spec"]["renewTime"])
    }) {
        return done(tick.state.clone());
    }
    let vpas = cluster.resolved(tick, |v| {
        matches!(
            update_mode(v),
            "Recreate" | "Auto" | "InPlaceOrRecreate" | "InPlace"
        )
    });
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
    // The VPA each write is for, by the pod's path.
    let mut acting = serde_json::Map::new();
    for (vpa, _) in &vpas {
        // InPlace needs a feature gate that is off.
        if vpa["status"]["recommendation"].is_null() || update_mode(vpa) == "InPlace" {
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
        // The pods of each creator: live, pending, configured replicas, taken this loop.
        let mut groups: BTreeMap<String, (i64, i64, Option<i64>, i64)> = BTreeMap::new();
        for p in &pods {
            let g = groups.entry(creator(p)).or_default();
            g.0 += 1;
            g.1 += i64::from(p["status"]["phase"] == "Pending");
        }
        for p in &pods {
            if let Some(g) = groups.get_mut(&creator(p)) {
                g.2 = configured(&cluster, p, g.0);
            }
        }
        let required = vpa["spec"]["updatePolicy"]["minReplicas"]
            .as_i64()
            .unwrap_or(options.min_replicas);
        let range = capping::container_limit_range(&cluster.limit_ranges, namespace(vpa));
        let in_place = update_mode(vpa) == "InPlaceOrRecreate";
        let mut candidates: Vec<(&Value, Priority, Action)> = vec![];
        for p in &pods {
            let recs = recommendations(vpa, p, range.as_ref());
            let prio = priority(&recs);
            let oom = quick_oom(vpa, p);
            let started = time_of(&p["status"]["startTime"]);
            let old = started.is_some_and(|s| tick.now >= s + options.lifetime);
            let accepted = (prio.outside || oom || (old && prio.diff >= options.min_diff))
                && !(oom && prio.diff == 0.0)
                && meets_requirements(vpa, &recs);
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
            let Some(replicas) = replicas.filter(|_| live_n >= required) else {
                continue;
            };
            let tolerance = (replicas as f64 * options.tolerance) as i64;
            let running = live_n - pending;
            let disruptable = running - taken > replicas - tolerance
                || (replicas == running && tolerance == 0 && taken == 0);
            let pending_pod = p["status"]["phase"] == "Pending";
            let allowed = match action {
                Action::Evict => disruptable || pending_pod,
                Action::Resize => disruptable && !pending_pod,
            };
            if !allowed {
                continue;
            }
            g.3 += i64::from(!pending_pod);
            acting.insert(
                pod_path(p),
                object_ref(vpa, "autoscaling.k8s.io/v1", "VerticalPodAutoscaler"),
            );
            requests.extend(match action {
                Action::Evict => vec![eviction(p)],
                Action::Resize => resize(vpa, p, range.as_ref()),
            });
        }
    }
    if requests.is_empty() {
        return done(json!({"resizing": resizing}));
    }
    // Its writes' answers start after what it has seen.
    let state = json!({"resizing": resizing, "seen": tick.exchanges.len(), "acting": acting});
    Step::reads(requests, state)
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
    let (reason, message) = (
        c["reason"].as_str().unwrap_or(""),
        c["message"].as_str().unwrap_or(""),
    );
    Some(match (c["type"].as_str(), reason) {
        (Some("PodResizePending"), "Deferred") => now - since > DEFERRED_TIMEOUT,
        (Some("PodResizePending"), _) => true,
        (_, "") if message.is_empty() => now - since > IN_PROGRESS_TIMEOUT,
        _ => true,
    })
}

/// The resize that gives a pod its capped targets (and limits in proportion).
fn resize(vpa: &Value, pod: &Value, range: Option<&Value>) -> Vec<Request> {
    let mut ops = vec![];
    for (i, c, rec) in recommendations(vpa, pod, range) {
        let (requests, limits, _) = capping::new_resources(vpa, &c, &rec, range);
        let current = &pod["spec"]["containers"][i]["resources"];
        ops.extend(capping::patch_ops(i, current, requests, limits).0);
    }
    if ops.is_empty() {
        return vec![];
    }
    vec![Request::json_patch(
        format!("{}/resize", pod_path(pod)),
        json!(ops),
    )]
}

/// After its writes: the events of those that went through, the annotation of pods
/// resized, and an eviction for each pod whose resize failed.
fn after_writes(tick: &Tick, cluster: &Cluster, interval: Millis) -> Step {
    let mut events = vec![];
    let mut requests = vec![];
    // Only the answers after what it has seen are new.
    let seen = tick.state["seen"].as_u64().unwrap_or(0) as usize;
    let new: &[Exchange] = tick.exchanges.get(seen..).unwrap_or_default();
    let acting = &tick.state["acting"];
    for e in new {
        let path = e.request.path.as_str();
        let Some(pod) = cluster
            .pods
            .iter()
            .find(|p| path.starts_with(&format!("{}/", pod_path(p))))
        else {
            continue;
        };
        let pod_ref = object_ref(pod, "v1", "Pod");
        if path.ends_with("/eviction") && e.ok() {
            let text = "Pod was evicted by VPA Updater to apply resource recommendation.";
            events.push((pod_ref, "Normal".into(), "EvictedByVPA".into(), text.into()));
            let vpa = &acting[pod_path(pod)];
            if vpa.is_object() {
                let text = format!(
                    "VPA Updater evicted Pod {} to apply resource recommendation.",
                    name(pod)
                );
                events.push((vpa.clone(), "Normal".into(), "EvictedPod".into(), text));
            }
        } else if path.ends_with("/resize") {
            if e.ok() {
                let mut ops = vec![];
                if pod["metadata"]["annotations"].is_null() {
                    ops.push(json!({"op": "add", "path": "/metadata/annotations", "value": {}}));
                }
                ops.push(json!({"op": "add", "path": "/metadata/annotations/vpaInPlaceUpdated", "value": "true"}));
                requests.push(Request::json_patch(pod_path(pod), json!(ops)));
                let text = "Pod was resized in place by VPA Updater.";
                events.push((
                    pod_ref,
                    "Normal".into(),
                    "InPlaceResizedByVPA".into(),
                    text.into(),
                ));
            } else {
                requests.push(eviction(pod));
            }
        }
    }
    let mut state = tick.state.clone();
    state["seen"] = json!(tick.exchanges.len());
    if requests.is_empty() {
        state = json!({"resizing": tick.state["resizing"]});
    }
    Step {
        requests,
        state,
        events,
        next: interval,
        ..Step::default()
    }
}
