//! The StatefulSet controller's decision for one sync, as upstream's
//! `stateful_set_control.go` in 1.35.2 (MaxUnavailableStatefulSet on): the current and
//! update ControllerRevisions (an old one renumbered newest after a rollback, unused
//! ones past `revisionHistoryLimit` deleted); pods `<set>-<ordinal>` with their claims
//! `<template>-<set>-<ordinal>`; with OrderedReady one change per sync, in ordinal
//! order, each waiting for the pods before it to be running, ready and available, and
//! scale-down from the highest ordinal; with Parallel all at once; failed pods deleted
//! to be made again; RollingUpdate replacing stale pods from the highest ordinal down to
//! the partition within maxUnavailable; the claims' owner references following the
//! retention policy; and the status. Times are Unix milliseconds.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    controller_ref, is_available, name, pod_from_template, ready_since, revision_template,
    safe_encode, scaled, terminating, uid,
};
use crate::describe::time_of;
use crate::time::{Millis, SECOND};

/// The pod label naming the ControllerRevision the pod was made from.
pub const HASH: &str = "controller-revision-hash";
const POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
const POD_INDEX: &str = "apps.kubernetes.io/pod-index";
/// The label with a ControllerRevision's hash.
const REVISION_HASH: &str = "controller.kubernetes.io/hash";

/// What a sync reads: the StatefulSet, the pods it controls, its ControllerRevisions,
/// the claims named after its claim templates, and now (Unix ms).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub set: Value,
    pub pods: Vec<Value>,
    pub revisions: Vec<Value>,
    pub claims: Vec<Value>,
    pub now: Millis,
}

/// Claims to create and then, if there is one, the pod that uses them, unless `error`
/// says why it cannot be made.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Create {
    pub claims: Vec<Value>,
    pub pod: Option<Value>,
    pub error: Option<String>,
}

/// What the sync does, in order: write `revisions` (create those without a
/// resourceVersion, update the others), update `claims` (their owner references), make
/// `create` (each entry's claims, then its pod, skipped if a claim failed), delete the
/// pods in `delete`, write `status` unless it is null, delete `delete_revisions`; sync
/// again at `requeue`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub revisions: Vec<Value>,
    pub claims: Vec<Value>,
    pub create: Vec<Create>,
    pub delete: Vec<String>,
    pub status: Value,
    pub delete_revisions: Vec<String>,
    pub requeue: Option<Millis>,
}

fn label<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj["metadata"]["labels"][key].as_str().unwrap_or("")
}

/// The ordinal of a pod of the set: its name is `<set>-<n>`.
fn ordinal(pod: &Value, set: &str) -> Option<i64> {
    let (parent, n) = name(pod).rsplit_once('-')?;
    if parent != set || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

fn phase(pod: &Value) -> &str {
    pod["status"]["phase"].as_str().unwrap_or("")
}

fn running_and_ready(pod: &Value) -> bool {
    phase(pod) == "Running" && ready_since(pod).is_some()
}

/// The revision data: the template, replacing the one it is patched onto.
fn revision_data(set: &Value) -> Value {
    let mut template = set["spec"]["template"].clone();
    template["$patch"] = json!("replace");
    json!({"spec": {"template": template}})
}

/// `rand.SafeEncodeString` of the FNV-32 of the data and the collision count.
fn revision_hash(data: &Value, collisions: i64) -> String {
    let mut bytes = serde_json::to_vec(data).unwrap_or_default();
    bytes.extend(collisions.to_string().bytes());
    safe_encode(bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        h.wrapping_mul(0x0100_0193) ^ u32::from(*b)
    }))
}

fn number(rev: &Value) -> i64 {
    rev["revision"].as_i64().unwrap_or(0)
}

/// A revision as the controller uses it: its name and template.
struct Revision {
    name: String,
    template: Value,
}

/// The current and update revisions, writing the update revision if it is new or old.
fn revisions(q: &Request, d: &mut Decision) -> (Revision, Revision) {
    let set = &q.set;
    let mut revs: Vec<&Value> = q.revisions.iter().collect();
    revs.sort_by(|a, b| {
        number(a)
            .cmp(&number(b))
            .then(
                time_of(&a["metadata"]["creationTimestamp"])
                    .cmp(&time_of(&b["metadata"]["creationTimestamp"])),
            )
            .then(name(a).cmp(name(b)))
    });
    let data = revision_data(set);
    let next = revs.last().map_or(1, |r| number(r) + 1);
    let update = match revs.iter().rposition(|r| r["data"] == data) {
        Some(i) if i + 1 == revs.len() => revs[i].clone(),
        Some(i) => {
            // A rollback: the old revision becomes the newest.
            let mut rev = revs[i].clone();
            rev["revision"] = json!(next);
            d.revisions.push(rev.clone());
            rev
        }
        None => {
            let collisions = set["status"]["collisionCount"].as_i64().unwrap_or(0);
            let hash = revision_hash(&data, collisions);
            let mut labels = set["spec"]["template"]["metadata"]["labels"].clone();
            if !labels.is_object() {
                labels = json!({});
            }
            labels[REVISION_HASH] = json!(hash);
            let mut meta = json!({
                "name": format!("{}-{hash}", name(set)),
                "namespace": set["metadata"]["namespace"],
                "labels": labels,
                "ownerReferences": [controller_ref(set)],
            });
            if set["metadata"]["annotations"].is_object() {
                meta["annotations"] = set["metadata"]["annotations"].clone();
            }
            let rev = json!({
                "apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
                "data": data, "revision": next,
            });
            d.revisions.push(rev.clone());
            rev
        }
    };
    let current_name = set["status"]["currentRevision"].as_str().unwrap_or("");
    let current = revs
        .iter()
        .find(|r| name(r) == current_name)
        .copied()
        .unwrap_or(&update);
    let of = |r: &Value| Revision {
        name: name(r).to_string(),
        template: revision_template(r),
    };
    (of(current), of(&update))
}

/// The unused revisions past the history limit, oldest first.
fn truncate_history(q: &Request, d: &mut Decision, live: &BTreeSet<&str>) {
    let Some(limit) = q.set["spec"]["revisionHistoryLimit"].as_i64() else {
        return;
    };
    if limit < 0 {
        return;
    }
    let mut old: Vec<&Value> = q
        .revisions
        .iter()
        .filter(|r| !live.contains(name(r)))
        .collect();
    old.sort_by_key(|r| number(r));
    let excess = (old.len() as i64 - limit).max(0) as usize;
    d.delete_revisions
        .extend(old.iter().take(excess).map(|r| name(r).to_string()));
}

/// The set's claim templates.
fn claim_templates(set: &Value) -> Vec<&Value> {
    set["spec"]["volumeClaimTemplates"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn claim_name(template: &Value, set: &Value, ordinal: i64) -> String {
    format!("{}-{}-{ordinal}", name(template), name(set))
}

/// The pod at `ordinal` from `revision`: named, labelled with its identity and revision,
/// with its hostname, subdomain and claims.
fn new_pod(set: &Value, revision: &Revision, ordinal: i64) -> Value {
    let pod_name = format!("{}-{ordinal}", name(set));
    let mut pod = pod_from_template(&revision.template, name(set), set);
    pod["metadata"]["name"] = json!(pod_name);
    let labels = &mut pod["metadata"]["labels"];
    if !labels.is_object() {
        *labels = json!({});
    }
    labels[POD_NAME] = json!(pod_name);
    labels[POD_INDEX] = json!(ordinal.to_string());
    labels[HASH] = json!(revision.name);
    pod["spec"]["hostname"] = json!(pod_name);
    if let Some(service) = set["spec"]["serviceName"]
        .as_str()
        .filter(|s| !s.is_empty())
    {
        pod["spec"]["subdomain"] = json!(service);
    }
    let templates = claim_templates(set);
    if !templates.is_empty() {
        let mut volumes: Vec<Value> = templates
            .iter()
            .map(|t| {
                json!({"name": name(t),
                       "persistentVolumeClaim": {"claimName": claim_name(t, set, ordinal)}})
            })
            .collect();
        let claimed: BTreeSet<&str> = templates.iter().map(|t| name(t)).collect();
        volumes.extend(
            pod["spec"]["volumes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| !claimed.contains(name_of(v)))
                .cloned(),
        );
        pod["spec"]["volumes"] = Value::Array(volumes);
    }
    pod
}

fn name_of(v: &Value) -> &str {
    v["name"].as_str().unwrap_or("")
}

/// The retention policy: whether claims go with the set, and with scaled-down pods.
fn policy(set: &Value) -> (bool, bool) {
    let p = &set["spec"]["persistentVolumeClaimRetentionPolicy"];
    (p["whenDeleted"] == "Delete", p["whenScaled"] == "Delete")
}

/// The owner references a claim of `pod` should have: the set's while the set's
/// deletion takes it, the pod's once the pod is scaled away and scaling takes it.
/// Returns the claim to write, if its references must change.
fn claim_owners(set: &Value, claim: &Value, pod: &Value, condemned: bool) -> Option<Value> {
    let (when_deleted, when_scaled) = policy(set);
    let want_set = when_deleted && !(condemned && when_scaled);
    let want_pod = condemned && when_scaled;
    let refs = claim["metadata"]["ownerReferences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let is_set = |r: &Value| r["uid"] == uid(set);
    let is_pod = |r: &Value| r["kind"] == "Pod" && r["uid"] == uid(pod);
    // Another controller's claim, or one still referring to an older pod, is left alone.
    let foreign = refs.iter().any(|r| {
        (r["controller"] == true && !is_set(r) && !is_pod(r))
            || (r["kind"] == "Pod" && r["name"] == name(pod) && !is_pod(r))
    });
    let has_set = refs.iter().any(is_set);
    let has_pod = refs.iter().any(is_pod);
    if foreign || (has_set == want_set && has_pod == want_pod) {
        return None;
    }
    let mut refs: Vec<Value> = refs
        .into_iter()
        .filter(|r| !is_set(r) && !is_pod(r))
        .collect();
    if want_set {
        refs.push(controller_ref(set));
    }
    if want_pod {
        refs.push(controller_ref(pod));
    }
    let mut claim = claim.clone();
    claim["metadata"]["ownerReferences"] = if refs.is_empty() {
        Value::Null
    } else {
        Value::Array(refs)
    };
    Some(claim)
}

/// The existing claims of the pod at `ordinal` whose owners must change.
fn claims_to_own(
    set: &Value,
    claims: &BTreeMap<&str, &Value>,
    ordinal: i64,
    pod: &Value,
    condemned: bool,
) -> Vec<Value> {
    claim_templates(set)
        .into_iter()
        .filter_map(|t| claims.get(claim_name(t, set, ordinal).as_str()))
        .filter_map(|c| claim_owners(set, c, pod, condemned))
        .collect()
}

/// The claims of the pod at `ordinal` that do not exist yet.
fn missing_claims(q: &Request, claims: &BTreeMap<&str, &Value>, ordinal: i64) -> Vec<Value> {
    let set = &q.set;
    let mut out = vec![];
    for t in claim_templates(set) {
        let claim = claim_name(t, set, ordinal);
        if claims.contains_key(claim.as_str()) {
            continue;
        }
        let mut labels = t["metadata"]["labels"].clone();
        if !labels.is_object() {
            labels = json!({});
        }
        for (k, v) in set["spec"]["selector"]["matchLabels"]
            .as_object()
            .into_iter()
            .flatten()
        {
            labels[k] = v.clone();
        }
        let mut meta = json!({"name": claim, "namespace": set["metadata"]["namespace"],
                              "labels": labels});
        if t["metadata"]["annotations"].is_object() {
            meta["annotations"] = t["metadata"]["annotations"].clone();
        }
        if policy(set).0 {
            meta["ownerReferences"] = json!([controller_ref(set)]);
        }
        out.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": meta, "spec": t["spec"]}));
    }
    out
}

pub fn decide(q: &Request) -> Decision {
    let mut d = Decision::default();
    let set = &q.set;
    let spec = &set["spec"];
    let replicas = spec["replicas"].as_i64().unwrap_or(1).max(0);
    let start = spec["ordinals"]["start"].as_i64().unwrap_or(0);
    let min_ready = spec["minReadySeconds"].as_i64().unwrap_or(0);
    let monotonic = spec["podManagementPolicy"] != "Parallel";
    let rolling = spec["updateStrategy"]["type"] == "RollingUpdate";
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    let (current, update) = revisions(q, &mut d);
    let claims: BTreeMap<&str, &Value> = q.claims.iter().map(|c| (name(c), c)).collect();
    let available = |p: &Value| is_available(p, min_ready, q.now) && !terminating(p);

    // The pods in range by index, and those out of it, the highest ordinal first.
    let mut slots: Vec<Option<&Value>> = vec![None; replicas as usize];
    let mut condemned = vec![];
    for pod in &q.pods {
        let Some(ord) = ordinal(pod, name(set)) else {
            continue;
        };
        match usize::try_from(ord - start) {
            Ok(i) if i < slots.len() => slots[i] = Some(pod),
            _ => condemned.push((ord, pod)),
        }
    }
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));
    let members: Vec<&Value> = slots
        .iter()
        .flatten()
        .copied()
        .chain(condemned.iter().map(|c| c.1))
        .collect();
    let live: BTreeSet<&str> = members
        .iter()
        .map(|p| label(p, HASH))
        .chain([current.name.as_str(), update.name.as_str()])
        .collect();

    if !terminating(set) {
        let current_replicas = set["status"]["currentReplicas"].as_i64().unwrap_or(0);
        let partition = ru["partition"].as_i64().unwrap_or(0);
        let revision_for = |i: i64| {
            let old = rolling
                && if ru.is_object() {
                    i < partition
                } else {
                    i < current_replicas
                };
            if old {
                &current
            } else {
                &update
            }
        };
        let mut exit = false;
        for (i, slot) in slots.iter().enumerate() {
            let ord = start + i as i64;
            let Some(pod) = slot else {
                let deleting = claim_templates(set)
                    .into_iter()
                    .map(|t| claim_name(t, set, ord))
                    .find(|c| claims.get(c.as_str()).is_some_and(|c| terminating(c)));
                d.create.push(Create {
                    claims: missing_claims(q, &claims, ord),
                    pod: Some(new_pod(set, revision_for(i as i64), ord)),
                    error: deleting.map(|c| format!("pvc {c} is being deleted")),
                });
                if monotonic {
                    exit = true;
                    break;
                }
                continue;
            };
            if matches!(phase(pod), "Failed" | "Succeeded") {
                if !terminating(pod) {
                    d.delete.push(name(pod).to_string());
                }
                if monotonic {
                    exit = true;
                    break;
                }
                continue;
            }
            if phase(pod) == "Pending" {
                let missing = missing_claims(q, &claims, ord);
                if !missing.is_empty() {
                    d.create.push(Create {
                        claims: missing,
                        ..Default::default()
                    });
                }
            }
            d.claims
                .extend(claims_to_own(set, &claims, ord, pod, false));
            if monotonic && (terminating(pod) || !running_and_ready(pod) || !available(pod)) {
                exit = true;
                break;
            }
        }
        if !exit {
            for (ord, pod) in &condemned {
                d.claims
                    .extend(claims_to_own(set, &claims, *ord, pod, true));
            }
            let first_unavailable = condemned
                .iter()
                .rev()
                .find(|(_, p)| !available(p))
                .map(|(_, p)| name(p));
            for (_, pod) in &condemned {
                if terminating(pod) {
                    if monotonic {
                        exit = true;
                        break;
                    }
                    continue;
                }
                let healthy = running_and_ready(pod) && available(pod);
                if monotonic && !healthy && first_unavailable != Some(name(pod)) {
                    exit = true;
                    break;
                }
                d.delete.push(name(pod).to_string());
                if monotonic {
                    exit = true;
                    break;
                }
            }
        }
        if !exit && rolling {
            // Stale pods go from the highest index down to the partition while fewer
            // than maxUnavailable pods are unavailable.
            let limit = if ru["maxUnavailable"].is_null() {
                1
            } else {
                scaled(&ru["maxUnavailable"], replicas, false).max(1)
            };
            let unavailable = slots
                .iter()
                .filter(|s| s.is_none_or(|p| !available(p)))
                .count() as i64;
            let mut room = limit - unavailable;
            let floor = if ru.is_object() { partition.max(0) } else { 0 } as usize;
            let mut stale = vec![];
            for pod in slots.iter().skip(floor).rev().flatten() {
                if room <= 0 {
                    break;
                }
                if label(pod, HASH) != update.name && !terminating(pod) {
                    stale.push(name(pod).to_string());
                    room -= 1;
                }
            }
            d.delete.extend(stale);
        }
    }

    // The status, from the pods as this sync found them.
    let count = |f: &dyn Fn(&Value) -> bool| members.iter().filter(|p| f(p)).count() as i64;
    let total = count(&|p| !phase(p).is_empty());
    let ready = count(&running_and_ready);
    let available_n = count(&|p| running_and_ready(p) && is_available(p, min_ready, q.now));
    let on = |rev: &str| count(&|p| !terminating(p) && label(p, HASH) == rev);
    let updated = on(&update.name);
    let (mut current_n, mut current_name) = (on(&current.name), current.name.clone());
    if rolling && updated == replicas && ready == replicas && total == replicas {
        current_n = updated;
        current_name = update.name.clone();
    }
    let mut status = json!({
        "replicas": total, "availableReplicas": available_n,
        "observedGeneration": set["metadata"]["generation"],
        "currentRevision": current_name, "updateRevision": update.name,
        "collisionCount": set["status"]["collisionCount"].as_i64().unwrap_or(0),
    });
    let optional = [
        ("readyReplicas", ready),
        ("currentReplicas", current_n),
        ("updatedReplicas", updated),
    ];
    for (field, n) in optional.into_iter().filter(|(_, n)| *n != 0) {
        status[field] = json!(n);
    }
    if set["status"]["conditions"].is_array() {
        status["conditions"] = set["status"]["conditions"].clone();
    }
    if status != set["status"] {
        d.status = status;
    }
    if min_ready > 0 && ready != available_n {
        d.requeue = members
            .iter()
            .filter(|p| running_and_ready(p) && !is_available(p, min_ready, q.now))
            .filter_map(|p| ready_since(p))
            .map(|t| t + min_ready * SECOND)
            .min();
    }
    truncate_history(q, &mut d, &live);
    d
}
