//! The Deployment controller: one ReplicaSet per template (named with the template's
//! `pod-template-hash`, numbered by the `deployment.kubernetes.io/revision` annotation),
//! rolled out by RollingUpdate (maxSurge rounded up, maxUnavailable down) or Recreate,
//! scaled proportionally while a rollout runs, old revisions cleaned up past
//! `revisionHistoryLimit`, and the status with its Available and Progressing conditions
//! (progressDeadlineSeconds, pause and resume), as upstream's sync, rolling, recreate and
//! progress code do it.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};

use kubarium_tools::controllers::scaled;

use super::controller_utils::{
    controller_of, controller_ref, key, labels, name, selector_of, set_owner_references, take_due,
    terminating, uid,
};
use super::{Controller, Informer};
use crate::apiserver::errors::Reason;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{time_of, to_time, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::labels::{selector_is_empty, selector_matches};
use crate::store::EventType;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
const MAX: &str = "deployment.kubernetes.io/max-replicas";
pub const HASH_LABEL: &str = "pod-template-hash";
/// The Deployment's annotations its ReplicaSets do not get (and a rollback keeps).
pub const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED,
    MAX,
    "deprecated.deployment.rollback.to",
];
const SOURCE: Source<'static> = Source::Controller("deployment-controller");

#[derive(Debug, Clone, Default)]
pub struct DeploymentController {
    deployments: Informer,
    sets: Informer,
    pods: Informer,
    selectors: BTreeMap<String, LabelSelector>,
    /// Deployments using Recreate: their pods' ends matter.
    recreate: BTreeSet<String>,
    /// The Deployment (`namespace/name`) owning each ReplicaSet (`namespace/name`).
    owner: BTreeMap<String, String>,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn spec_replicas(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1)
}

fn status(obj: &Value, field: &str) -> i64 {
    int(&obj["status"][field])
}

fn annotation<'a>(obj: &'a Value, k: &str) -> Option<&'a str> {
    obj["metadata"]["annotations"][k].as_str()
}

fn set_annotation(obj: &mut Value, k: &str, v: &str) {
    if !obj["metadata"]["annotations"].is_object() {
        obj["metadata"]["annotations"] = json!({});
    }
    obj["metadata"]["annotations"][k] = json!(v);
}

/// A ReplicaSet's revision (0 without one).
pub fn revision(rs: &Value) -> i64 {
    annotation(rs, REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// A template without its `pod-template-hash` label, for comparing templates.
pub fn without_hash(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
        l.remove(HASH_LABEL);
        if l.is_empty() {
            if let Some(m) = t["metadata"].as_object_mut() {
                m.remove("labels");
            }
        }
    }
    t
}

/// The template's hash as upstream encodes it: FNV-32a (here over the template's JSON,
/// then the collision count as 8 little-endian bytes), its decimal digits mapped into the
/// alphabet of generated names.
pub fn template_hash(template: &Value, collisions: Option<i64>) -> String {
    let mut bytes = serde_json::to_vec(template).unwrap_or_default();
    if let Some(c) = collisions {
        bytes.extend((c as u32).to_le_bytes());
        bytes.extend([0; 4]);
    }
    kubarium_tools::controllers::safe_encode(bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    }))
}

fn rolling(d: &Value) -> bool {
    d["spec"]["strategy"]["type"].as_str() != Some("Recreate")
}

/// maxSurge and maxUnavailable resolved against the replicas (at least one unavailable
/// when both are 0).
fn fenceposts(d: &Value) -> (i64, i64) {
    let ru = &d["spec"]["strategy"]["rollingUpdate"];
    let desired = spec_replicas(d);
    let surge = scaled(&ru["maxSurge"], desired, true);
    let unavailable = scaled(&ru["maxUnavailable"], desired, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

pub fn max_surge(d: &Value) -> i64 {
    if rolling(d) {
        fenceposts(d).0
    } else {
        0
    }
}

pub fn max_unavailable(d: &Value) -> i64 {
    if !rolling(d) || spec_replicas(d) == 0 {
        0
    } else {
        fenceposts(d).1.min(spec_replicas(d))
    }
}

fn has_deadline(d: &Value) -> bool {
    d["spec"]["progressDeadlineSeconds"]
        .as_i64()
        .is_some_and(|p| p != i64::from(i32::MAX))
}

fn condition<'a>(status: &'a Value, ty: &str) -> Option<&'a Value> {
    status["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)
}

fn new_condition(ty: &str, st: &str, reason: &str, message: &str, now: Millis) -> Value {
    json!({"type": ty, "status": st, "lastUpdateTime": to_time(now),
           "lastTransitionTime": to_time(now), "reason": reason, "message": message})
}

/// Sets a condition as upstream does: nothing when its status and reason are unchanged;
/// the transition time kept when the status is; moved to the end.
fn set_condition(status: &mut Value, mut c: Value) {
    let list = status["conditions"].as_array().cloned().unwrap_or_default();
    if let Some(cur) = list.iter().find(|x| x["type"] == c["type"]) {
        if cur["status"] == c["status"] && cur["reason"] == c["reason"] {
            return;
        }
        if cur["status"] == c["status"] {
            c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
        }
    }
    remove_condition(status, c["type"].as_str().unwrap_or(""));
    let mut list = status["conditions"].as_array().cloned().unwrap_or_default();
    list.push(c);
    status["conditions"] = Value::Array(list);
}

fn remove_condition(status: &mut Value, ty: &str) {
    if let Some(list) = status["conditions"].as_array_mut() {
        list.retain(|c| c["type"] != ty);
    }
}

fn by_creation(rss: &mut [Value]) {
    kubarium_tools::sort::by_key(rss, |rs| {
        (
            time_of(&rs["metadata"]["creationTimestamp"]).unwrap_or(0),
            name(rs).to_string(),
        )
    });
}

fn sum(rss: &[Value], f: impl Fn(&Value) -> i64) -> i64 {
    rss.iter().map(f).sum()
}

/// A ReplicaSet's spec.replicas.
fn size(rs: &Value) -> i64 {
    int(&rs["spec"]["replicas"])
}

/// How far a Deployment is, from its ReplicaSets.
fn calculate_status(d: &Value, all: &[Value], new: Option<&Value>, now: Millis) -> Value {
    let available = sum(all, |r| status(r, "availableReplicas"));
    let total = sum(all, size);
    let terminating = all
        .iter()
        .filter(|r| {
            !(status(r, "observedGeneration") == 0 && r["status"]["terminatingReplicas"].is_null())
        })
        .map(|r| r["status"]["terminatingReplicas"].as_i64())
        .sum::<Option<i64>>();
    let mut st = json!({
        "observedGeneration": d["metadata"]["generation"],
        "replicas": sum(all, |r| status(r, "replicas")),
        "updatedReplicas": new.map_or(0, |n| status(n, "replicas")),
        "readyReplicas": sum(all, |r| status(r, "readyReplicas")),
        "availableReplicas": available,
        "unavailableReplicas": (total - available).max(0),
        "terminatingReplicas": terminating,
        "collisionCount": d["status"]["collisionCount"],
        "conditions": d["status"]["conditions"],
    });
    if let Some(o) = st.as_object_mut() {
        // Go leaves zero counts out (omitempty); the two pointers stay when set.
        o.retain(|k, v| {
            !v.is_null()
                && (matches!(k.as_str(), "terminatingReplicas" | "collisionCount")
                    || v != &json!(0))
        });
    }
    let min_available = spec_replicas(d) - max_unavailable(d);
    let c = if available >= min_available {
        new_condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            now,
        )
    } else {
        new_condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            now,
        )
    };
    set_condition(&mut st, c);
    st
}

fn complete(d: &Value, st: &Value) -> bool {
    let desired = spec_replicas(d);
    int(&st["updatedReplicas"]) == desired
        && int(&st["replicas"]) == desired
        && int(&st["availableReplicas"]) == desired
        && int(&st["observedGeneration"]) >= int(&d["metadata"]["generation"])
}

/// "ReplicaSet "x"" or, without a new one, "Deployment "y"", as progress messages say.
fn subject(d: &Value, new: Option<&Value>) -> String {
    match new {
        Some(n) => format!("ReplicaSet \"{}\"", name(n)),
        None => format!("Deployment \"{}\"", name(d)),
    }
}

impl DeploymentController {
    fn forget(&mut self, k: &str) {
        self.selectors.remove(k);
        self.recreate.remove(k);
        self.requeue.remove(k);
    }

    /// The ReplicaSets the Deployment controls, after adopting orphans its selector
    /// matches and releasing its own that it no longer matches.
    fn claim(&self, api: &mut ApiServer, d: &Value, sel: &LabelSelector) -> Vec<Value> {
        let ns = d["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let mut owned = vec![];
        for rs in api.list(resources::replica_sets(), Some(&ns)) {
            let matches = selector_matches(sel, &labels(&rs));
            match controller_of(&rs) {
                Some((_, _, u)) if u == uid(d) => {
                    if matches || terminating(d) {
                        owned.push(rs);
                    } else {
                        set_owner_references(api, resources::replica_sets(), &rs, |refs| {
                            refs.retain(|r| r["uid"] != uid(d))
                        });
                    }
                }
                None if matches && !terminating(&rs) && !terminating(d) => {
                    let reference = controller_ref(d);
                    let adopted =
                        set_owner_references(api, resources::replica_sets(), &rs, |refs| {
                            refs.push(reference)
                        });
                    if let Some(adopted) = adopted {
                        owned.push(adopted);
                    }
                }
                _ => {}
            }
        }
        by_creation(&mut owned);
        owned
    }

    fn sync_deployment(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(mut d) = api.get(resources::deployments(), ns, n) else {
            self.forget(k);
            return;
        };
        self.requeue.remove(k);
        let sel = selector_of(&d);
        if selector_is_empty(&sel) {
            let msg = "This deployment is selecting all pods. A non-empty selector is required.";
            rec.record(
                api,
                &ObjectRef::of(&d),
                "Warning",
                "SelectingAll",
                msg,
                SOURCE,
            );
            if status(&d, "observedGeneration") < int(&d["metadata"]["generation"]) {
                d["status"]["observedGeneration"] = d["metadata"]["generation"].clone();
                let _ = self.write_status(api, &d);
            }
            return;
        }
        let rss = self.claim(api, &d, &sel);
        if terminating(&d) {
            let (new, old) = split(&d, rss);
            let all: Vec<Value> = old.into_iter().chain(new.clone()).collect();
            let st = calculate_status(&d, &all, new.as_ref(), api.now());
            self.status_if_changed(api, &d, st);
            return;
        }
        if !self.paused_conditions(api, &mut d) {
            return;
        }
        if d["spec"]["paused"] == true || self.scaling_event(api, &mut d, &rss) {
            self.sync_scale(api, rec, &mut d, rss);
        } else if rolling(&d) {
            self.roll(api, rec, &mut d, rss);
        } else {
            self.recreate(api, rec, &mut d, rss);
        }
    }

    fn write_status(&self, api: &mut ApiServer, d: &Value) -> Option<Value> {
        let ns = d["metadata"]["namespace"].as_str().unwrap_or("");
        super::client(api)
            .update(resources::deployments(), ns, d.clone(), "status", &[])
            .ok()
    }

    fn status_if_changed(&self, api: &mut ApiServer, d: &Value, st: Value) {
        if d["status"] != st {
            let mut body = d.clone();
            body["status"] = st;
            let _ = self.write_status(api, &body);
        }
    }

    /// Records pause and resume in the Progressing condition; false when the write failed.
    fn paused_conditions(&self, api: &mut ApiServer, d: &mut Value) -> bool {
        if !has_deadline(d) {
            return true;
        }
        let cur = condition(&d["status"], "Progressing").cloned();
        let reason = cur
            .as_ref()
            .and_then(|c| c["reason"].as_str())
            .unwrap_or("");
        if reason == "ProgressDeadlineExceeded" {
            return true;
        }
        let paused = d["spec"]["paused"] == true;
        let now = api.now();
        let c = match (paused, reason == "DeploymentPaused") {
            (true, false) => new_condition(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused",
                now,
            ),
            (false, true) => new_condition(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed",
                now,
            ),
            _ => return true,
        };
        set_condition(&mut d["status"], c);
        match self.write_status(api, d) {
            Some(updated) => {
                *d = updated;
                true
            }
            None => false,
        }
    }

    /// Whether an active ReplicaSet was sized for other replicas than the Deployment's.
    fn scaling_event(&self, api: &mut ApiServer, d: &mut Value, rss: &[Value]) -> bool {
        let Ok((new, old)) =
            self.new_replica_set(api, &mut Recorder::default(), d, rss.to_vec(), false)
        else {
            return false;
        };
        let want = spec_replicas(d).to_string();
        old.iter()
            .chain(new.as_ref())
            .filter(|rs| size(rs) > 0)
            .any(|rs| {
                annotation(rs, DESIRED).is_some_and(|a| a.parse::<i64>().is_ok() && a != want)
            })
    }

    /// Finds the ReplicaSet of the current template (bringing its annotations and
    /// minReadySeconds up to date) or, with `create`, creates it; the others are old.
    fn new_replica_set(
        &self,
        api: &mut ApiServer,
        rec: &mut Recorder,
        d: &mut Value,
        rss: Vec<Value>,
        create: bool,
    ) -> Result<(Option<Value>, Vec<Value>), ()> {
        let (existing, old) = split(d, rss);
        let new_revision = old.iter().map(revision).max().unwrap_or(0) + 1;
        let now = api.now();
        let ns = d["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if let Some(mut rs) = existing {
            let changed = set_new_annotations(d, &mut rs, new_revision, true);
            if changed || rs["spec"]["minReadySeconds"] != d["spec"]["minReadySeconds"] {
                rs["spec"]["minReadySeconds"] = d["spec"]["minReadySeconds"].clone();
                let updated = super::client(api)
                    .update(resources::replica_sets(), &ns, rs, "", &[])
                    .map_err(|_| ())?;
                return Ok((Some(updated), old));
            }
            let rev = annotation(&rs, REVISION).unwrap_or("").to_string();
            let mut needs = annotation(d, REVISION) != Some(rev.as_str());
            set_annotation(d, REVISION, &rev);
            if has_deadline(d) && condition(&d["status"], "Progressing").is_none() {
                let msg = format!("Found new replica set \"{}\"", name(&rs));
                set_condition(
                    &mut d["status"],
                    new_condition("Progressing", "True", "FoundNewReplicaSet", &msg, now),
                );
                needs = true;
            }
            if needs {
                *d = self.write_status(api, d).ok_or(())?;
            }
            return Ok((Some(rs), old));
        }
        if !create {
            return Ok((None, old));
        }
        let collisions = d["status"]["collisionCount"].as_i64();
        let hash = template_hash(&d["spec"]["template"], collisions);
        let mut template = d["spec"]["template"].clone();
        template["metadata"]["labels"][HASH_LABEL] = json!(hash);
        let mut selector = d["spec"]["selector"].clone();
        selector["matchLabels"][HASH_LABEL] = json!(hash);
        let rs_name = format!("{}-{hash}", name(d));
        let mut rs = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": rs_name, "namespace": ns, "labels": template["metadata"]["labels"],
                         "ownerReferences": [controller_ref(d)]},
            "spec": {"replicas": 0, "minReadySeconds": d["spec"]["minReadySeconds"],
                     "selector": selector, "template": template},
        });
        if rs["spec"]["minReadySeconds"].is_null() {
            rs["spec"]["minReadySeconds"] = json!(0);
        }
        set_new_annotations(d, &mut rs, new_revision, false);
        let count = new_replicas(d, &old, 0);
        rs["spec"]["replicas"] = json!(count);
        let (created, fresh) =
            match super::client(api).create(resources::replica_sets(), &ns, rs, &[]) {
                Ok((created, _)) => (created, true),
                Err(e) if e.reason == Reason::AlreadyExists => {
                    match api.get(resources::replica_sets(), &ns, &rs_name) {
                        // Ours already: carry on with it.
                        Ok(f)
                            if controller_of(&f).map(|c| c.2) == Some(uid(d))
                                && without_hash(&f["spec"]["template"])
                                    == without_hash(&d["spec"]["template"]) =>
                        {
                            (f, false)
                        }
                        _ => {
                            d["status"]["collisionCount"] = json!(collisions.unwrap_or(0) + 1);
                            let _ = self.write_status(api, d);
                            return Err(());
                        }
                    }
                }
                Err(e) => {
                    let msg = format!(
                        "Failed to create new replica set \"{rs_name}\": {}",
                        e.message
                    );
                    if has_deadline(d) {
                        set_condition(
                            &mut d["status"],
                            new_condition(
                                "Progressing",
                                "False",
                                "ReplicaSetCreateError",
                                &msg,
                                now,
                            ),
                        );
                        let _ = self.write_status(api, d);
                    }
                    rec.record(
                        api,
                        &ObjectRef::of(d),
                        "Warning",
                        "ReplicaSetCreateError",
                        &msg,
                        SOURCE,
                    );
                    return Err(());
                }
            };
        if fresh && count > 0 {
            let msg = format!("Scaled up replica set {} from 0 to {count}", name(&created));
            rec.record(
                api,
                &ObjectRef::of(d),
                "Normal",
                "ScalingReplicaSet",
                &msg,
                SOURCE,
            );
        }
        let mut needs = annotation(d, REVISION) != Some(new_revision.to_string().as_str());
        set_annotation(d, REVISION, &new_revision.to_string());
        if fresh && has_deadline(d) {
            let msg = format!("Created new replica set \"{}\"", name(&created));
            set_condition(
                &mut d["status"],
                new_condition("Progressing", "True", "NewReplicaSetCreated", &msg, now),
            );
            needs = true;
        }
        if needs {
            *d = self.write_status(api, d).ok_or(())?;
        }
        Ok((Some(created), old))
    }

    /// Resizes a ReplicaSet (and its desired/max annotations), with the event when its
    /// size changed; returns whether it did.
    fn scale(
        &self,
        api: &mut ApiServer,
        rec: &mut Recorder,
        d: &Value,
        rs: &mut Value,
        to: i64,
    ) -> bool {
        let from = size(rs);
        let desired = spec_replicas(d).to_string();
        let max = (spec_replicas(d) + max_surge(d)).to_string();
        let annotations_stale = annotation(rs, DESIRED) != Some(desired.as_str())
            || annotation(rs, MAX) != Some(max.as_str());
        if from == to && !annotations_stale {
            return false;
        }
        let mut body = rs.clone();
        body["spec"]["replicas"] = json!(to);
        set_annotation(&mut body, DESIRED, &desired);
        set_annotation(&mut body, MAX, &max);
        let ns = rs["metadata"]["namespace"].as_str().unwrap_or("");
        let Ok(updated) = super::client(api).update(resources::replica_sets(), ns, body, "", &[])
        else {
            return false;
        };
        *rs = updated;
        if from == to {
            return false;
        }
        let op = if from < to { "up" } else { "down" };
        let msg = format!("Scaled {op} replica set {} from {from} to {to}", name(rs));
        rec.record(
            api,
            &ObjectRef::of(d),
            "Normal",
            "ScalingReplicaSet",
            &msg,
            SOURCE,
        );
        true
    }

    fn roll(&mut self, api: &mut ApiServer, rec: &mut Recorder, d: &mut Value, rss: Vec<Value>) {
        let Ok((Some(mut new), mut old)) = self.new_replica_set(api, rec, d, rss, true) else {
            return;
        };
        let desired = spec_replicas(d);
        // The new ReplicaSet up, within maxSurge.
        if size(&new) != desired {
            let to = if size(&new) > desired {
                desired
            } else {
                new_replicas(d, &old, size(&new))
            };
            if self.scale(api, rec, d, &mut new, to) {
                return self.rollout_status(api, d, &old, Some(&new));
            }
        }
        // The old ones down, within maxUnavailable: unhealthy replicas first.
        let old_pods = sum(&old, size);
        if old_pods > 0 {
            let all_pods = old_pods + size(&new);
            let min_available = desired - max_unavailable(d);
            let new_unavailable = size(&new) - status(&new, "availableReplicas");
            let max_down = all_pods - min_available - new_unavailable;
            if max_down > 0 {
                let mut cleaned = 0;
                for rs in old.iter_mut() {
                    if cleaned >= max_down {
                        break;
                    }
                    let healthy = status(rs, "availableReplicas");
                    if size(rs) == 0 || size(rs) == healthy {
                        continue;
                    }
                    let n = (max_down - cleaned).min(size(rs) - healthy);
                    let to = size(rs) - n;
                    if self.scale(api, rec, d, rs, to) {
                        cleaned += n;
                    }
                }
                let available = sum(&old, |r| status(r, "availableReplicas"))
                    + status(&new, "availableReplicas");
                let mut scaled_down = 0;
                if available > min_available {
                    let total = available - min_available;
                    for rs in old.iter_mut() {
                        if scaled_down >= total {
                            break;
                        }
                        if size(rs) == 0 {
                            continue;
                        }
                        let n = size(rs).min(total - scaled_down);
                        let to = size(rs) - n;
                        if self.scale(api, rec, d, rs, to) {
                            scaled_down += n;
                        }
                    }
                }
                if cleaned + scaled_down > 0 {
                    return self.rollout_status(api, d, &old, Some(&new));
                }
            }
        }
        if complete(d, &d["status"]) {
            self.cleanup(api, d, &old);
        }
        self.rollout_status(api, d, &old, Some(&new));
    }

    fn recreate(
        &mut self,
        api: &mut ApiServer,
        rec: &mut Recorder,
        d: &mut Value,
        rss: Vec<Value>,
    ) {
        let Ok((new, mut old)) = self.new_replica_set(api, rec, d, rss, false) else {
            return;
        };
        let mut scaled = false;
        for rs in old.iter_mut().filter(|r| size(r) > 0) {
            scaled |= self.scale(api, rec, d, rs, 0);
        }
        if scaled || old_pods_running(api, new.as_ref(), &old) {
            return self.rollout_status(api, d, &old, new.as_ref());
        }
        let (mut new, old) = match new {
            Some(n) => (n, old),
            None => match self.new_replica_set(api, rec, d, old, true) {
                Ok((Some(n), old)) => (n, old),
                _ => return,
            },
        };
        self.scale(api, rec, d, &mut new, spec_replicas(d));
        if complete(d, &d["status"]) {
            self.cleanup(api, d, &old);
        }
        self.rollout_status(api, d, &old, Some(&new));
    }

    /// A scaling event or a paused Deployment: sizes only, proportionally during a
    /// rollout, then the status.
    fn sync_scale(
        &mut self,
        api: &mut ApiServer,
        rec: &mut Recorder,
        d: &mut Value,
        rss: Vec<Value>,
    ) {
        let Ok((mut new, mut old)) = self.new_replica_set(api, rec, d, rss, false) else {
            return;
        };
        self.proportional(api, rec, d, &mut new, &mut old);
        if d["spec"]["paused"] == true {
            self.cleanup(api, d, &old);
        }
        let all: Vec<Value> = old.iter().cloned().chain(new.clone()).collect();
        let st = calculate_status(d, &all, new.as_ref(), api.now());
        self.status_if_changed(api, d, st);
    }

    fn proportional(
        &self,
        api: &mut ApiServer,
        rec: &mut Recorder,
        d: &Value,
        new: &mut Option<Value>,
        old: &mut [Value],
    ) {
        let desired = spec_replicas(d);
        // One active (or none: the new, else the newest) takes the whole size.
        let active_count = old.iter().filter(|r| size(r) > 0).count()
            + usize::from(new.as_ref().is_some_and(|n| size(n) > 0));
        if active_count <= 1 {
            let target = match old.iter().position(|r| size(r) > 0) {
                Some(i) => Some(&mut old[i]),
                None if new.is_some() => new.as_mut(),
                None => old.last_mut(),
            };
            if let Some(rs) = target {
                if size(rs) != desired {
                    self.scale(api, rec, d, rs, desired);
                }
            }
            return;
        }
        if let Some(n) = new.as_ref() {
            let saturated = size(n) == desired
                && annotation(n, DESIRED) == Some(desired.to_string().as_str())
                && status(n, "availableReplicas") == desired;
            if saturated {
                for rs in old.iter_mut().filter(|r| size(r) > 0) {
                    self.scale(api, rec, d, rs, 0);
                }
                return;
            }
        }
        if !rolling(d) {
            return;
        }
        let allowed = if desired > 0 {
            desired + max_surge(d)
        } else {
            0
        };
        let mut all: Vec<&mut Value> = old.iter_mut().filter(|r| size(r) > 0).collect();
        if let Some(n) = new.as_mut().filter(|n| size(n) > 0) {
            all.push(n);
        }
        let to_add = allowed - all.iter().map(|r| size(r)).sum::<i64>();
        let created = |r: &Value| time_of(&r["metadata"]["creationTimestamp"]).unwrap_or(0);
        // Larger first; ties newer first when adding, older first when removing.
        kubarium_tools::sort::by(&mut all, |a, b| {
            let tie = if to_add > 0 {
                created(b)
                    .cmp(&created(a))
                    .then_with(|| name(b).cmp(name(a)))
            } else {
                created(a)
                    .cmp(&created(b))
                    .then_with(|| name(a).cmp(name(b)))
            };
            size(b).cmp(&size(a)).then(tie)
        });
        let mut sizes = vec![];
        let mut added = 0;
        for rs in all.iter() {
            let proportion = if to_add == 0 || size(rs) == 0 || to_add == added {
                0
            } else {
                let fraction = if desired == 0 {
                    -size(rs)
                } else {
                    let annotated = annotation(rs, MAX)
                        .and_then(|m| m.parse::<i64>().ok())
                        .unwrap_or_else(|| status(d, "replicas"));
                    if annotated == 0 {
                        0
                    } else {
                        let target =
                            (size(rs) * (desired + max_surge(d))) as f64 / annotated as f64;
                        target.round() as i64 - size(rs)
                    }
                };
                let left = to_add - added;
                if to_add > 0 {
                    fraction.min(left)
                } else {
                    fraction.max(left)
                }
            };
            sizes.push(size(rs) + proportion);
            added += proportion;
        }
        if let Some(first) = sizes.first_mut() {
            *first = (*first + to_add - added).max(0);
        }
        for (rs, to) in all.into_iter().zip(sizes) {
            self.scale(api, rec, d, rs, to);
        }
    }

    /// Deletes the oldest revisions past revisionHistoryLimit that have nothing left.
    fn cleanup(&self, api: &mut ApiServer, d: &Value, old: &[Value]) {
        let Some(limit) = d["spec"]["revisionHistoryLimit"].as_i64() else {
            return;
        };
        if limit == i64::from(i32::MAX) {
            return;
        }
        let mut cleanable: Vec<&Value> = old.iter().filter(|r| !terminating(r)).collect();
        let diff = cleanable.len() as i64 - limit;
        if diff <= 0 {
            return;
        }
        kubarium_tools::sort::by_key(&mut cleanable, |r| {
            (
                revision(r),
                time_of(&r["metadata"]["creationTimestamp"]).unwrap_or(0),
                name(r).to_string(),
            )
        });
        for rs in cleanable.into_iter().take(diff as usize) {
            if status(rs, "replicas") != 0
                || size(rs) != 0
                || int(&rs["metadata"]["generation"]) > status(rs, "observedGeneration")
            {
                continue;
            }
            let ns = rs["metadata"]["namespace"].as_str().unwrap_or("");
            let _ = super::client(api).delete(resources::replica_sets(), ns, name(rs), None);
        }
    }

    /// The status with the progress conditions: complete, progressing (its update time
    /// moved on), or timed out past progressDeadlineSeconds; a requeue for the deadline.
    fn rollout_status(
        &mut self,
        api: &mut ApiServer,
        d: &Value,
        old: &[Value],
        new: Option<&Value>,
    ) {
        let now = api.now();
        let all: Vec<Value> = old.iter().cloned().chain(new.cloned()).collect();
        let mut st = calculate_status(d, &all, new, now);
        let deadline = d["spec"]["progressDeadlineSeconds"].as_i64().unwrap_or(0) * SECOND;
        if !has_deadline(d) {
            remove_condition(&mut st, "Progressing");
        }
        let cur = condition(&d["status"], "Progressing").cloned();
        let cur_reason = cur
            .as_ref()
            .and_then(|c| c["reason"].as_str())
            .unwrap_or("");
        let finished = int(&st["replicas"]) == int(&st["updatedReplicas"])
            && cur_reason == "NewReplicaSetAvailable";
        if has_deadline(d) && !finished {
            let who = subject(d, new);
            let old_st = &d["status"];
            let progressed = |f: &str| int(&st[f]) > int(&old_st[f]);
            if complete(d, &st) {
                let msg = format!("{who} has successfully progressed.");
                set_condition(
                    &mut st,
                    new_condition("Progressing", "True", "NewReplicaSetAvailable", &msg, now),
                );
            } else if progressed("updatedReplicas")
                || int(&st["replicas"]) - int(&st["updatedReplicas"])
                    < int(&old_st["replicas"]) - int(&old_st["updatedReplicas"])
                || progressed("readyReplicas")
                || progressed("availableReplicas")
            {
                let mut c = new_condition(
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    &format!("{who} is progressing."),
                    now,
                );
                if let Some(cur) = cur.as_ref().filter(|c| c["status"] == "True") {
                    c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
                }
                remove_condition(&mut st, "Progressing");
                set_condition(&mut st, c);
            } else if let Some(p) = condition(&st, "Progressing").cloned() {
                let timed_out = match p["reason"].as_str() {
                    Some("NewReplicaSetAvailable") => false,
                    Some("ProgressDeadlineExceeded") => true,
                    _ => time_of(&p["lastUpdateTime"]).is_some_and(|t| t + deadline < now),
                };
                if timed_out {
                    let msg = format!("{who} has timed out progressing.");
                    set_condition(
                        &mut st,
                        new_condition(
                            "Progressing",
                            "False",
                            "ProgressDeadlineExceeded",
                            &msg,
                            now,
                        ),
                    );
                }
            }
        }
        // A ReplicaSet's failure (the new one's first) shows on the Deployment.
        let failure = new
            .into_iter()
            .chain(old.iter())
            .find_map(|r| condition(&r["status"], "ReplicaFailure").cloned());
        match failure {
            Some(f) => {
                let c = json!({"type": "ReplicaFailure", "status": f["status"],
                    "lastUpdateTime": f["lastTransitionTime"], "lastTransitionTime": f["lastTransitionTime"],
                    "reason": f["reason"], "message": f["message"]});
                set_condition(&mut st, c);
            }
            None => remove_condition(&mut st, "ReplicaFailure"),
        }
        // Stuck: look again when the deadline passes.
        let k = key(d);
        match condition(&st, "Progressing") {
            Some(p)
                if has_deadline(d)
                    && !complete(d, &st)
                    && p["reason"] != "ProgressDeadlineExceeded" =>
            {
                let at = time_of(&p["lastUpdateTime"]).unwrap_or(now) + deadline;
                self.requeue.insert(k, (at + SECOND).max(now + 1));
            }
            _ => {
                self.requeue.remove(&k);
            }
        }
        self.status_if_changed(api, d, st);
    }
}

/// The ReplicaSet whose template is the Deployment's (the oldest such), and the others.
fn split(d: &Value, rss: Vec<Value>) -> (Option<Value>, Vec<Value>) {
    let want = without_hash(&d["spec"]["template"]);
    let mut new = None;
    let mut old = vec![];
    for rs in rss {
        if new.is_none() && without_hash(&rs["spec"]["template"]) == want {
            new = Some(rs);
        } else {
            old.push(rs);
        }
    }
    (new, old)
}

/// How many replicas the new ReplicaSet (now `current`) may have.
fn new_replicas(d: &Value, old: &[Value], current: i64) -> i64 {
    let desired = spec_replicas(d);
    if !rolling(d) {
        return desired;
    }
    let total = sum(old, size) + current;
    let max_total = desired + max_surge(d);
    if total >= max_total {
        return current;
    }
    current + (max_total - total).min(desired - current).max(0)
}

/// Copies the Deployment's annotations onto its new ReplicaSet and moves the revision
/// on (keeping the ones it had in revision-history); on creation, the sizes too.
fn set_new_annotations(d: &Value, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
    let mut changed = false;
    for (k, v) in d["metadata"]["annotations"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if NOT_COPIED.contains(&k.as_str()) || rs["metadata"]["annotations"][k] == *v {
            continue;
        }
        set_annotation(rs, k, v.as_str().unwrap_or(""));
        changed = true;
    }
    let old = annotation(rs, REVISION).map(str::to_string);
    let old_revision = match old.as_deref().map(str::parse::<i64>) {
        Some(Ok(r)) => r,
        Some(Err(_)) => return changed,
        None => 0,
    };
    if old_revision < new_revision {
        set_annotation(rs, REVISION, &new_revision.to_string());
        changed = true;
        if let Some(old) = old {
            let history = match annotation(rs, REVISION_HISTORY) {
                Some(h) if !h.is_empty() => format!("{h},{old}"),
                _ => old,
            };
            set_annotation(rs, REVISION_HISTORY, &history);
        }
    }
    if !exists {
        set_annotation(rs, DESIRED, &spec_replicas(d).to_string());
        set_annotation(rs, MAX, &(spec_replicas(d) + max_surge(d)).to_string());
        changed = true;
    }
    changed
}

/// Old pods still there for Recreate: counted by the old ReplicaSets, or not finished.
fn old_pods_running(api: &ApiServer, new: Option<&Value>, old: &[Value]) -> bool {
    if sum(old, |r| status(r, "replicas")) > 0 {
        return true;
    }
    let old_uids: BTreeSet<&str> = old.iter().map(uid).collect();
    let Some(ns) = old
        .first()
        .and_then(|r| r["metadata"]["namespace"].as_str())
    else {
        return false;
    };
    let new_uid = new.map(uid);
    api.list(resources::pods(), Some(ns)).iter().any(|p| {
        controller_of(p).is_some_and(|(_, _, u)| old_uids.contains(u) && Some(u) != new_uid)
            && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
    })
}

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        "deployment"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.requeue.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        let due = take_due(&mut self.requeue, now);
        self.dirty.extend(due);
        let mut informer = std::mem::take(&mut self.deployments);
        informer.each(api, resources::deployments(), |ev, d| {
            let k = key(d);
            if ev == EventType::Delete {
                self.forget(&k);
                return;
            }
            self.selectors.insert(k.clone(), selector_of(d));
            if rolling(d) {
                self.recreate.remove(&k);
            } else {
                self.recreate.insert(k.clone());
            }
            self.dirty.insert(k);
        });
        self.deployments = informer;
        let mut informer = std::mem::take(&mut self.sets);
        informer.each(api, resources::replica_sets(), |ev, rs| {
            let ns = rs["metadata"]["namespace"].as_str().unwrap_or("");
            let rk = key(rs);
            match controller_of(rs) {
                Some(("Deployment", owner, _)) => {
                    let dk = format!("{ns}/{owner}");
                    if ev == EventType::Delete {
                        self.owner.remove(&rk);
                    } else {
                        self.owner.insert(rk, dk.clone());
                    }
                    self.dirty.insert(dk);
                }
                Some(_) => {}
                None => {
                    if let Some(old) = self.owner.remove(&rk) {
                        self.dirty.insert(old);
                    }
                    let set_labels = labels(rs);
                    let prefix = format!("{ns}/");
                    for (dk, sel) in self.selectors.range(prefix.clone()..) {
                        if !dk.starts_with(&prefix) {
                            break;
                        }
                        if selector_matches(sel, &set_labels) {
                            self.dirty.insert(dk.clone());
                        }
                    }
                }
            }
        });
        self.sets = informer;
        if self.recreate.is_empty() {
            self.pods.skip(api);
        } else {
            let mut informer = std::mem::take(&mut self.pods);
            informer.each(api, resources::pods(), |_, pod| {
                let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
                if let Some(("ReplicaSet", rs, _)) = controller_of(pod) {
                    if let Some(dk) = self.owner.get(&format!("{ns}/{rs}")) {
                        if self.recreate.contains(dk) {
                            self.dirty.insert(dk.clone());
                        }
                    }
                }
            });
            self.pods = informer;
        }
        for k in std::mem::take(&mut self.dirty) {
            self.sync_deployment(api, rec, &k);
        }
    }
}
