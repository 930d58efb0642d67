//! The StatefulSet controller: pods with stable names (`<set>-<ordinal>`), hostnames and
//! claims, made and removed in ordinal order (OrderedReady) or all at once (Parallel),
//! rolled out from the highest ordinal down to the partition (RollingUpdate) or when
//! deleted (OnDelete), with ControllerRevisions for its history. Each sync reads the set,
//! its pods, revisions and claims, asks the tools module for the decision
//! (`kubarium_tools::controllers::stateful_set`) and carries it out with the events
//! upstream's StatefulPodControl records.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::controller_utils::{
    controller_of, key, name, owned_revisions, take_due, uid, write_revisions, OwnedPods,
};
use super::{Controller, Informer};
use crate::apiserver::errors::Reason;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::store::EventType;

const SOURCE: Source = Source::Controller("statefulset-controller");

#[derive(Debug, Clone, Default)]
pub struct StatefulSetController {
    sets: Informer,
    pods: Informer,
    owned: OwnedPods,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

impl StatefulSetController {
    fn sync_set(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(set) = api.get(resources::stateful_sets(), ns, n) else {
            self.requeue.remove(k);
            return;
        };
        let pods: Vec<Value> = self
            .owned
            .get(api, k)
            .into_iter()
            .filter(|p| controller_of(p).map(|c| c.2) == Some(uid(&set)))
            .collect();
        let revisions = owned_revisions(api, &set);
        let prefixes: Vec<String> = set["spec"]["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| format!("{}-{n}-", name(t)))
            .collect();
        let claims: Vec<Value> = if prefixes.is_empty() {
            vec![]
        } else {
            api.list(resources::persistent_volume_claims(), Some(ns))
                .into_iter()
                .filter(|c| prefixes.iter().any(|p| name(c).starts_with(p.as_str())))
                .collect()
        };
        let epoch = epoch_seconds() * SECOND;
        let request = json!({
            "set": set, "pods": pods, "revisions": revisions, "claims": claims,
            "now": api.now() + epoch,
        });
        // A `kubarium_tools::controllers::stateful_set::Decision`, read as JSON.
        let Some(decision) = crate::tools::reconcile("statefulset", &request) else {
            return;
        };
        match decision["requeue"].as_i64() {
            Some(t) => self.requeue.insert(k.to_string(), t - epoch),
            None => self.requeue.remove(k),
        };
        carry_out(api, rec, &set, decision);
    }
}

/// Records a StatefulPodControl event: `<Verb> <what> in StatefulSet <set> successful`,
/// or `... failed error: <err>`.
fn record(
    api: &mut ApiServer,
    rec: &mut Recorder,
    set: &Value,
    verb: &str,
    what: &str,
    err: Option<&str>,
) {
    let reference = ObjectRef::of(set);
    let mut title = verb.to_string();
    title[..1].make_ascii_uppercase();
    let (kind, reason, message) = match err {
        None => (
            "Normal",
            format!("Successful{title}"),
            format!("{title} {what} in StatefulSet {} successful", name(set)),
        ),
        Some(e) => (
            "Warning",
            format!("Failed{title}"),
            format!(
                "{title} {what} in StatefulSet {} failed error: {e}",
                name(set)
            ),
        ),
    };
    rec.record(api, &reference, kind, &reason, &message, SOURCE);
}

/// Carries out a decision: revisions, claims, creations, deletions, status.
fn carry_out(api: &mut ApiServer, rec: &mut Recorder, set: &Value, mut d: Value) {
    let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
    let (revisions, claims) = (
        resources::controller_revisions(),
        resources::persistent_volume_claims(),
    );
    write_revisions(api, ns, crate::value::items(d["revisions"].take()));
    for claim in crate::value::items(d["claims"].take()) {
        let _ = super::client(api).update(claims, ns, claim, "", &[]);
    }
    for mut create in crate::value::items(d["create"].take()) {
        let pod = create["pod"].take();
        let pod_name = name(&pod).to_string();
        let mut error = create["error"].as_str().map(str::to_string);
        for claim in crate::value::items(create["claims"].take()) {
            if error.is_some() {
                break;
            }
            let claim_name = name(&claim).to_string();
            let what = format!("Claim {claim_name} Pod {pod_name}");
            match super::client(api).create(claims, ns, claim, &[]) {
                Ok(_) => {
                    let reference = ObjectRef::of(set);
                    let msg = format!("Create {what} in StatefulSet {} success", name(set));
                    rec.record(api, &reference, "Normal", "SuccessfulCreate", &msg, SOURCE);
                }
                Err(e) if e.reason == Reason::AlreadyExists => {}
                Err(e) => {
                    let what = format!("Claim {claim_name} for Pod {pod_name}");
                    record(api, rec, set, "create", &what, Some(&e.message));
                    error = Some(format!("failed to create PVC {claim_name}: {}", e.message));
                }
            }
        }
        if pod.is_null() {
            continue;
        }
        let what = format!("Pod {pod_name}");
        if let Some(e) = error {
            record(api, rec, set, "create", &what, Some(&e));
            break;
        }
        match super::client(api).create(resources::pods(), ns, pod, &[]) {
            Ok(_) => record(api, rec, set, "create", &what, None),
            Err(e) if e.reason == Reason::AlreadyExists => {}
            Err(e) => {
                record(api, rec, set, "create", &what, Some(&e.message));
                break;
            }
        }
    }
    for pod in crate::value::strings(&d["delete"]) {
        let what = format!("Pod {pod}");
        match super::client(api).delete(resources::pods(), ns, pod, None) {
            Ok(_) => record(api, rec, set, "delete", &what, None),
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => record(api, rec, set, "delete", &what, Some(&e.message)),
        }
    }
    if d["status"].is_object() {
        let mut body = set.clone();
        body["status"] = d["status"].take();
        let _ = super::client(api).update(resources::stateful_sets(), ns, body, "status", &[]);
    }
    for rev in crate::value::strings(&d["delete_revisions"]) {
        let _ = super::client(api).delete(revisions, ns, rev, None);
    }
}

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        "statefulset"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.requeue.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let due = take_due(&mut self.requeue, api.now());
        self.dirty.extend(due);
        let mut sets = std::mem::take(&mut self.sets);
        sets.each(api, resources::stateful_sets(), |_, set| {
            self.dirty.insert(key(set));
        });
        self.sets = sets;
        let mut pods = std::mem::take(&mut self.pods);
        pods.each(api, resources::pods(), |ev, pod| {
            let gone = ev == EventType::Delete;
            self.owned
                .changed("StatefulSet", pod, gone, &mut self.dirty);
        });
        self.pods = pods;
        for k in std::mem::take(&mut self.dirty) {
            self.sync_set(api, rec, &k);
        }
    }
}
