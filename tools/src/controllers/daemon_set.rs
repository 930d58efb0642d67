//! The DaemonSet controller's decision for one sync, as upstream's `daemon_controller.go`
//! and `update.go`: the ControllerRevision of the current template (created, or an old
//! one renumbered newest after a rollback; the oldest unused ones past
//! `revisionHistoryLimit` deleted), one pod per eligible node (failed ones deleted after
//! a back-off of 1 s doubling up to 15 minutes, extra ones deleted, those on nodes it
//! should not run on deleted), then, when nothing else changed, the RollingUpdate step
//! (maxUnavailable and maxSurge of the desired count, rounded up), and the status.
//! The core sends only the nodes that need a look: a node whose one pod is current (made
//! from the current template, not finished, not being deleted) comes as counts
//! (`settled`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    controller_ref, is_available, name, pod_from_template, ready_since, revision_template, scaled,
    terminating,
};
use crate::describe::time_of;
use crate::time::{Millis, SECOND};

/// The label with the hash of the pod's template revision.
pub const HASH: &str = "controller-revision-hash";
/// The label with the DaemonSet's template generation the pod was made from.
pub const GENERATION_LABEL: &str = "pod-template-generation";
/// The annotation holding the DaemonSet's template generation.
pub const GENERATION: &str = "deprecated.daemonset.template.generation";
/// The most pods one sync creates, and deletes (upstream's BurstReplicas).
const BURST: usize = 250;
const BACKOFF: Millis = SECOND;
const MAX_BACKOFF: Millis = 15 * 60 * SECOND;

/// One node the DaemonSet has business with: whether a daemon pod should run there,
/// whether one there may stay (it tolerates the node's NoExecute taints), whether the
/// node is gone, and the DaemonSet's pods that target it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub name: String,
    pub run: bool,
    pub keep: bool,
    #[serde(default)]
    pub gone: bool,
    pub pods: Vec<Value>,
}

/// What a sync reads: the DaemonSet, its template as its pods get it (with the
/// tolerations daemon pods add), the current revision's hash, the nodes that need a
/// look (by name) and the counts of those that need none, its ControllerRevisions, now (Unix ms) and the
/// failed-pod back-off per node (delay and when it was last raised).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub ds: Value,
    pub template: Value,
    pub hash: String,
    pub nodes: Vec<Node>,
    pub settled: Settled,
    pub revisions: Vec<Value>,
    pub now: Millis,
    pub backoff: BTreeMap<String, (Millis, Millis)>,
}

/// What the sync does, in order: write `revisions` (create those without a
/// resourceVersion, update the others), record `events`, delete the pods in `delete`,
/// create `create` in slow-start batches, delete `delete_revisions`, write `status` if
/// it changed; sync again at `requeue`, remembering `backoff`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub revisions: Vec<Value>,
    pub events: Vec<[String; 3]>,
    pub delete: Vec<String>,
    pub create: Vec<Value>,
    pub delete_revisions: Vec<String>,
    pub status: Value,
    pub requeue: Option<Millis>,
    pub backoff: BTreeMap<String, (Millis, Millis)>,
}

/// The nodes whose one pod is current, how many of those pods are ready, and how many
/// available.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Settled {
    pub nodes: i64,
    pub ready: i64,
    pub available: i64,
}

fn label<'a>(pod: &'a Value, key: &str) -> &'a str {
    pod["metadata"]["labels"][key].as_str().unwrap_or("")
}

/// The DaemonSet's template generation.
fn generation(ds: &Value) -> Option<&str> {
    ds["metadata"]["annotations"][GENERATION].as_str()
}

/// Made from the current template: its hash, or its generation, matches.
pub fn updated(pod: &Value, hash: &str, generation: Option<&str>) -> bool {
    (!hash.is_empty() && label(pod, HASH) == hash)
        || generation.is_some_and(|g| label(pod, GENERATION_LABEL) == g)
}

fn ready(pod: &Value) -> bool {
    ready_since(pod).is_some()
}

fn scheduled(pod: &Value) -> bool {
    pod["spec"]["nodeName"]
        .as_str()
        .is_some_and(|n| !n.is_empty())
}

/// Scheduled pods first, then the oldest (the name breaking ties).
fn oldest_first(pods: &mut [&Value]) {
    pods.sort_by(|a, b| {
        scheduled(b)
            .cmp(&scheduled(a))
            .then(
                time_of(&a["metadata"]["creationTimestamp"])
                    .cmp(&time_of(&b["metadata"]["creationTimestamp"])),
            )
            .then(name(a).cmp(name(b)))
    });
}

fn number(rev: &Value) -> i64 {
    rev["revision"].as_i64().unwrap_or(0)
}

/// The pod for `node`: the template's, its generation and hash labelled, required to
/// land on that node (the node-name term replacing any required terms).
fn daemon_pod(q: &Request, node: &str) -> Value {
    let mut pod = pod_from_template(&q.template, name(&q.ds), &q.ds);
    let labels = &mut pod["metadata"]["labels"];
    if !labels.is_object() {
        *labels = json!({});
    }
    if let Some(g) = generation(&q.ds) {
        labels[GENERATION_LABEL] = json!(g);
    }
    labels[HASH] = json!(q.hash);
    let term = json!({"nodeSelectorTerms": [{"matchFields": [
        {"key": "metadata.name", "operator": "In", "values": [node]}]}]});
    let affinity = &mut pod["spec"]["affinity"];
    if !affinity.is_object() {
        *affinity = json!({});
    }
    if !affinity["nodeAffinity"].is_object() {
        affinity["nodeAffinity"] = json!({});
    }
    affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = term;
    pod
}

fn event(type_: &str, reason: &str, message: String) -> [String; 3] {
    [type_.into(), reason.into(), message]
}

pub fn decide(q: &Request) -> Decision {
    let mut d = Decision {
        backoff: q.backoff.clone(),
        ..Default::default()
    };
    let hash = q.hash.as_str();
    let generation = generation(&q.ds);
    let spec = &q.ds["spec"];
    let min_ready = spec["minReadySeconds"].as_i64().unwrap_or(0);
    history(q, &mut d);
    let rolling = spec["updateStrategy"]["type"] == "RollingUpdate";
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    let surge_of = |total| {
        if rolling {
            scaled(&ru["maxSurge"], total, true)
        } else {
            0
        }
    };
    let surges = surge_of(1) != 0;

    // manage: the pods each node should have.
    let mut needing = vec![];
    for node in &q.nodes {
        let live: Vec<&Value> = node.pods.iter().filter(|p| !terminating(p)).collect();
        if node.gone {
            d.delete.extend(
                live.iter()
                    .filter(|p| !scheduled(p))
                    .map(|p| name(p).to_string()),
            );
            continue;
        }
        if node.run && node.pods.is_empty() {
            needing.push(node.name.clone());
        } else if node.keep {
            let found = |pod: &Value, what: &str, verb: &str| {
                let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
                format!(
                    "Found {what} daemon pod {ns}/{} on node {}, will try to {verb} it",
                    name(pod),
                    node.name
                )
            };
            let mut running = vec![];
            for pod in live {
                match pod["status"]["phase"].as_str() {
                    Some("Failed") => {
                        let (delay, last) = d.backoff.get(&node.name).copied().unwrap_or((0, 0));
                        let expired = q.now - last > 2 * MAX_BACKOFF;
                        if delay > 0 && !expired && q.now - last < delay {
                            let at = q.now + delay;
                            d.requeue = Some(d.requeue.map_or(at, |r| r.min(at)));
                            continue;
                        }
                        let next = if delay == 0 || expired {
                            BACKOFF
                        } else {
                            (delay * 2).min(MAX_BACKOFF)
                        };
                        d.backoff.insert(node.name.clone(), (next, q.now));
                        let message = found(pod, "failed", "kill");
                        d.events.push(event("Warning", "FailedDaemonPod", message));
                        d.delete.push(name(pod).to_string());
                    }
                    Some("Succeeded") => {
                        let message = found(pod, "succeeded", "delete");
                        d.events
                            .push(event("Normal", "SucceededDaemonPod", message));
                        d.delete.push(name(pod).to_string());
                    }
                    _ => running.push(pod),
                }
            }
            oldest_first(&mut running);
            if !surges {
                d.delete
                    .extend(running.iter().skip(1).map(|p| name(p).to_string()));
                continue;
            }
            if running.is_empty() && node.run {
                needing.push(node.name.clone());
            }
            if running.len() <= 1 {
                continue;
            }
            // Surging, two pods may share a node while the new one is not ready and the
            // old one is; all else goes, the new one staying if neither is ready.
            let (mut newest, mut oldest) = (None, None);
            for pod in running {
                let slot = if label(pod, HASH) == hash {
                    &mut newest
                } else {
                    &mut oldest
                };
                if slot.is_none() {
                    *slot = Some(pod);
                } else {
                    d.delete.push(name(pod).to_string());
                }
            }
            if let (Some(new), Some(old)) = (newest, oldest) {
                if !ready(old) || ready(new) {
                    d.delete.push(name(old).to_string());
                }
            }
        } else {
            d.delete.extend(live.iter().map(|p| name(p).to_string()));
        }
    }

    let desired = q.settled.nodes + q.nodes.iter().filter(|n| n.run && !n.gone).count() as i64;
    if needing.is_empty() && d.delete.is_empty() && rolling {
        let surge = surge_of(desired);
        let mut unavailable = scaled(&ru["maxUnavailable"], desired, true);
        if desired > 0 && surge == 0 && unavailable == 0 {
            unavailable = 1;
        }
        if surge == 0 {
            roll(q, &mut d, unavailable, min_ready);
        } else {
            needing = surge_roll(q, &mut d, surge, desired, min_ready);
        }
    }
    d.create = needing
        .iter()
        .take(BURST)
        .map(|n| daemon_pod(q, n))
        .collect();
    d.delete.truncate(BURST);

    // The status, from the pods as this sync found them.
    let (mut current, mut misscheduled, mut ready_n, mut available_n, mut updated_n) = (
        q.settled.nodes,
        0,
        q.settled.ready,
        q.settled.available,
        q.settled.nodes,
    );
    for node in q.nodes.iter().filter(|n| !n.gone) {
        if !node.run {
            misscheduled += i64::from(!node.pods.is_empty());
            continue;
        }
        let mut pods: Vec<&Value> = node.pods.iter().collect();
        oldest_first(&mut pods);
        let Some(pod) = pods.first() else { continue };
        current += 1;
        if ready(pod) {
            ready_n += 1;
            available_n += i64::from(is_available(pod, min_ready, q.now));
        }
        updated_n += i64::from(updated(pod, hash, generation));
    }
    let mut status = json!({
        "currentNumberScheduled": current, "numberMisscheduled": misscheduled,
        "desiredNumberScheduled": desired, "numberReady": ready_n,
        "observedGeneration": q.ds["metadata"]["generation"],
    });
    let optional = [
        ("updatedNumberScheduled", updated_n),
        ("numberAvailable", available_n),
        ("numberUnavailable", desired - available_n),
    ];
    for (field, n) in optional.into_iter().filter(|(_, n)| *n != 0) {
        status[field] = json!(n);
    }
    for field in ["collisionCount", "conditions"] {
        if !q.ds["status"][field].is_null() {
            status[field] = q.ds["status"][field].clone();
        }
    }
    d.status = status;
    if min_ready > 0 && ready_n != available_n {
        let at = q.now + min_ready * SECOND;
        d.requeue = Some(d.requeue.map_or(at, |r| r.min(at)));
    }
    d
}

/// The node's new and old pod (not being deleted); None with more than one of either.
fn split<'a>(
    node: &'a Node,
    hash: &str,
    generation: Option<&str>,
) -> Option<(Option<&'a Value>, Option<&'a Value>)> {
    let (mut new, mut old) = (None, None);
    for pod in node.pods.iter().filter(|p| !terminating(p)) {
        let slot = if updated(pod, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.replace(pod).is_some() {
            return None;
        }
    }
    Some((new, old))
}

/// RollingUpdate without surge: old pods go, unavailable ones first, while fewer than
/// `max_unavailable` nodes lack an available current pod.
fn roll(q: &Request, d: &mut Decision, max_unavailable: i64, min_ready: i64) {
    let generation = generation(&q.ds);
    let mut unavailable = q.settled.nodes - q.settled.available;
    let (mut replace, mut candidates) = (vec![], vec![]);
    for node in q
        .nodes
        .iter()
        .filter(|n| !n.gone && (n.run || !n.pods.is_empty()))
    {
        match split(node, &q.hash, generation) {
            None | Some((None, None)) | Some((Some(_), Some(_))) => unavailable += 1,
            Some((Some(new), None)) => {
                unavailable += i64::from(!is_available(new, min_ready, q.now));
            }
            Some((None, Some(old))) => {
                if !is_available(old, min_ready, q.now) {
                    replace.push(name(old).to_string());
                } else if unavailable < max_unavailable {
                    candidates.push(name(old).to_string());
                }
            }
        }
    }
    let room = (max_unavailable - unavailable).clamp(0, candidates.len() as i64) as usize;
    d.delete.extend(replace);
    d.delete.extend(candidates.into_iter().take(room));
}

/// RollingUpdate with surge: a new pod goes up beside an old one (at once where the old
/// one is unavailable), at most `max_surge` not yet available; an old pod goes once its
/// node's new one is available. Returns the nodes to create pods on.
fn surge_roll(
    q: &Request,
    d: &mut Decision,
    max_surge: i64,
    desired: i64,
    min_ready: i64,
) -> Vec<String> {
    let generation = generation(&q.ds);
    let (mut surging, mut available_n) = (0, q.settled.available);
    let (mut allowed, mut candidates, mut misplaced) = (vec![], vec![], vec![]);
    for node in q
        .nodes
        .iter()
        .filter(|n| !n.gone && (n.run || !n.pods.is_empty()))
    {
        let Some((new, old)) = split(node, &q.hash, generation) else {
            surging += 1;
            continue;
        };
        let up = |p: Option<&Value>| p.is_some_and(|p| is_available(p, min_ready, q.now));
        available_n += i64::from(up(old) || up(new));
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) => {
                if !up(Some(old)) {
                    if node.run {
                        allowed.push(node.name.clone());
                    } else {
                        misplaced.push(name(old).to_string());
                    }
                } else if surging < max_surge {
                    candidates.push(node.name.clone());
                }
            }
            (Some(new), Some(old)) => {
                if up(Some(new)) {
                    d.delete.push(name(old).to_string());
                } else {
                    surging += 1;
                }
            }
        }
    }
    // Pods on nodes they should leave go only while enough others are available.
    let deletable = (available_n - desired).clamp(0, misplaced.len() as i64) as usize;
    d.delete.extend(misplaced.into_iter().take(deletable));
    let room = (max_surge - surging).clamp(0, candidates.len() as i64) as usize;
    allowed.extend(candidates.into_iter().take(room));
    allowed
}

/// The ControllerRevision of the current template (renumbered newest if it is an old
/// one, made if there is none) and the unused old ones past the history limit.
fn history(q: &Request, d: &mut Decision) {
    let template = &q.ds["spec"]["template"];
    let (current, mut old): (Vec<&Value>, Vec<&Value>) = q
        .revisions
        .iter()
        .partition(|r| revision_template(r) == *template);
    let next = old.iter().map(|r| number(r)).max().unwrap_or(0) + 1;
    match current.iter().max_by_key(|r| number(r)) {
        Some(cur) => {
            if number(cur) < next {
                let mut rev = (*cur).clone();
                rev["revision"] = json!(next);
                d.revisions.push(rev);
            }
            // Duplicates of the current revision go.
            let keep = name(cur);
            d.delete_revisions.extend(
                current
                    .iter()
                    .filter(|r| name(r) != keep)
                    .map(|r| name(r).to_string()),
            );
        }
        None => {
            let ds = &q.ds;
            let mut labels = template["metadata"]["labels"].clone();
            if !labels.is_object() {
                labels = json!({});
            }
            labels[HASH] = json!(q.hash);
            let mut data_template = template.clone();
            data_template["$patch"] = json!("replace");
            let mut meta = json!({
                "name": format!("{}-{}", name(ds), q.hash),
                "namespace": ds["metadata"]["namespace"],
                "labels": labels,
                "ownerReferences": [controller_ref(ds)],
            });
            if ds["metadata"]["annotations"].is_object() {
                meta["annotations"] = ds["metadata"]["annotations"].clone();
            }
            d.revisions.push(json!({
                "apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
                "data": {"spec": {"template": data_template}}, "revision": next,
            }));
        }
    }
    let limit = q.ds["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10);
    let mut excess = old.len() as i64 - limit;
    if excess <= 0 {
        return;
    }
    let live: BTreeSet<&str> = q
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter().map(|p| label(p, HASH)))
        .chain(std::iter::once(q.hash.as_str()))
        .collect();
    old.sort_by_key(|r| number(r));
    for rev in old {
        if excess <= 0 {
            break;
        }
        if live.contains(label(rev, HASH)) {
            continue;
        }
        d.delete_revisions.push(name(rev).to_string());
        excess -= 1;
    }
}
