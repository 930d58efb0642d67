//! The disruption controller: it keeps each PodDisruptionBudget's status (expected,
//! desired and current healthy pods, disruptions allowed, the evictions not yet
//! confirmed) up to date as its pods come, go and turn ready, which is what the eviction
//! API (and so `kubectl drain`) reads. Each sync reads the budget, the pods its selector
//! picks and, for a percentage or `maxUnavailable`, the scale of their controllers (as
//! upstream's finders: ReplicationController, Deployment through its ReplicaSet,
//! ReplicaSet, StatefulSet, then any kind with a scale subresource), asks the tools module
//! for the decision (`kubarium_tools::controllers::disruption`) and writes it. A failed
//! sync is retried with the workqueue's back-off (5 ms doubling to 1000 s).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};

use super::controller_utils::{key, labels, name, take_due};
use super::{Controller, Informer};
use crate::apiserver::resources::{self, Resource};
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::labels::selector_matches;
use crate::store::EventType;

const SOURCE: Source = Source::Controller("controllermanager");
/// The workqueue's back-off for failed syncs: the first retry and the longest wait.
const BACKOFF_BASE: Millis = 5;
const BACKOFF_MAX: Millis = 1000 * SECOND;

#[derive(Debug, Clone, Default)]
pub struct DisruptionController {
    budgets: Informer,
    pods: Informer,
    /// Each namespace's budgets and their selectors (None: a nil selector, which picks
    /// no pods).
    selectors: BTreeMap<String, BTreeMap<String, Option<LabelSelector>>>,
    /// The budgets each pod matched when last seen (`namespace/name` keys).
    matched: BTreeMap<String, Vec<String>>,
    /// Failed syncs in a row, by budget.
    failures: BTreeMap<String, u32>,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

fn budgets() -> &'static Resource {
    resources::pod_disruption_budgets()
}

/// The budget's selector: a nil one picks nothing, an empty one everything.
fn selector(pdb: &Value) -> Option<LabelSelector> {
    let sel = &pdb["spec"]["selector"];
    (!sel.is_null()).then(|| serde_json::from_value(sel.clone()).unwrap_or_default())
}

/// The group of an `apiVersion`.
fn group(api_version: &str) -> &str {
    api_version.split_once('/').map_or("", |(g, _)| g)
}

/// The controller of kind `kind` in `groups` that `reference` names, if it is there
/// with that uid.
fn referenced(api: &ApiServer, r: &Resource, ns: &str, reference: &Value) -> Option<Value> {
    let s = |f: &str| reference[f].as_str().unwrap_or("");
    let groups: &[&str] = if r.group.is_empty() {
        &[""]
    } else {
        &["apps", "extensions"]
    };
    if s("kind") != r.kind || !groups.contains(&group(s("apiVersion"))) {
        return None;
    }
    api.get(r, ns, s("name"))
        .ok()
        .filter(|o| o["metadata"]["uid"] == reference["uid"])
}

fn replicas(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1)
}

/// The controller of a pod and its scale, as upstream's finders look for it in turn;
/// Ok(None) when there is none.
fn find_controller(
    api: &ApiServer,
    ns: &str,
    reference: &Value,
) -> Result<Option<(String, i64)>, String> {
    let found = |o: &Value| {
        Some((
            o["metadata"]["uid"].as_str().unwrap_or("").to_string(),
            replicas(o),
        ))
    };
    if let Some(rc) = referenced(api, resources::replication_controllers(), ns, reference) {
        return Ok(found(&rc));
    }
    if let Some(rs) = referenced(api, resources::replica_sets(), ns, reference) {
        let owner = rs["metadata"]["ownerReferences"]
            .as_array()
            .and_then(|refs| refs.iter().find(|r| r["controller"] == true));
        match owner {
            Some(o) if o["kind"] == "Deployment" => {
                if let Some(d) = referenced(api, resources::deployments(), ns, o) {
                    return Ok(found(&d));
                }
            }
            _ => return Ok(found(&rs)),
        }
    }
    if let Some(set) = referenced(api, resources::stateful_sets(), ns, reference) {
        return Ok(found(&set));
    }
    // Any other kind, through its scale subresource.
    let s = |f: &str| reference[f].as_str().unwrap_or("");
    let r = api
        .catalog()
        .for_kind(s("apiVersion"), s("kind"))
        .ok_or_else(|| {
            format!(
                "no matches for kind \"{}\" in version \"{}\"",
                s("kind"),
                s("apiVersion")
            )
        })?;
    if !r.subresources.contains(&"scale") {
        let resource = if r.group.is_empty() {
            r.plural.to_string()
        } else {
            format!("{}.{}", r.plural, r.group)
        };
        return Err(format!(
            "{resource} does not implement the scale subresource"
        ));
    }
    Ok(api
        .get_scale(r, ns, s("name"))
        .ok()
        .filter(|scale| scale["metadata"]["uid"] == reference["uid"])
        .map(|scale| {
            let n = scale["spec"]["replicas"].as_i64().unwrap_or(0);
            (s("uid").to_string(), n)
        }))
}

/// The sum of the scales of the pods' controllers and the pods without one.
fn expected_scale(api: &ApiServer, ns: &str, pods: &[Value]) -> Result<(i64, Vec<String>), String> {
    let mut scales: BTreeMap<String, i64> = BTreeMap::new();
    let mut unmanaged = vec![];
    for pod in pods {
        let reference = pod["metadata"]["ownerReferences"]
            .as_array()
            .and_then(|refs| refs.iter().find(|r| r["controller"] == true));
        let Some(reference) = reference else {
            unmanaged.push(name(pod).to_string());
            continue;
        };
        if reference["uid"]
            .as_str()
            .is_some_and(|u| scales.contains_key(u))
        {
            continue;
        }
        match find_controller(api, ns, reference)? {
            Some((uid, n)) => scales.insert(uid, n),
            None => return Err(format!("found no controllers for pod \"{}\"", name(pod))),
        };
    }
    Ok((scales.values().sum(), unmanaged))
}

impl DisruptionController {
    /// Follows a budget's change.
    fn budget_changed(&mut self, pdb: &Value, gone: bool) {
        let ns = pdb["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let of_ns = self.selectors.entry(ns.clone()).or_default();
        if gone {
            of_ns.remove(name(pdb));
            self.failures.remove(&key(pdb));
            self.requeue.remove(&key(pdb));
        } else {
            of_ns.insert(name(pdb).to_string(), selector(pdb));
            self.dirty.insert(key(pdb));
        }
        if of_ns.is_empty() {
            self.selectors.remove(&ns);
        }
    }

    /// Follows a pod's change: the budgets it matched and matches sync. Returns the
    /// budgets it matches (sorted by name) when that is more than one.
    fn pod_changed(&mut self, pod: &Value, gone: bool) -> Option<Vec<String>> {
        let pk = key(pod);
        let before = self.matched.remove(&pk).unwrap_or_default();
        self.dirty.extend(before);
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let of_ns = self.selectors.get(ns)?;
        let pod_labels = labels(pod);
        let now: Vec<String> = of_ns
            .iter()
            .filter(|(_, sel)| {
                sel.as_ref()
                    .is_some_and(|s| selector_matches(s, &pod_labels))
            })
            .map(|(n, _)| n.clone())
            .collect();
        self.dirty.extend(now.iter().map(|n| format!("{ns}/{n}")));
        if gone || now.is_empty() {
            return None;
        }
        let several = (now.len() > 1).then(|| now.clone());
        self.matched
            .insert(pk, now.iter().map(|n| format!("{ns}/{n}")).collect());
        several
    }

    fn sync_budget(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(pdb) = api.get(budgets(), ns, n) else {
            return;
        };
        let pods: Vec<Value> = match selector(&pdb) {
            Some(sel) => api
                .list(resources::pods(), Some(ns))
                .into_iter()
                .filter(|p| selector_matches(&sel, &labels(p)))
                .collect(),
            None => vec![],
        };
        for p in &pods {
            let matched = self.matched.entry(key(p)).or_default();
            if !matched.iter().any(|m| m == k) {
                matched.push(k.to_string());
            }
        }
        let needs_scale = kubarium_tools::controllers::disruption::needs_scale(&pdb);
        let scale = needs_scale.then(|| expected_scale(api, ns, &pods));
        let epoch = epoch_seconds() * SECOND;
        let request = json!({"pdb": pdb, "pods": pods, "scale": scale, "now": api.now() + epoch});
        // A `kubarium_tools::controllers::disruption::Decision`, read as JSON.
        let Some(d) = crate::tools::reconcile("disruption", &request) else {
            return;
        };
        let reference = ObjectRef::of(&pdb);
        super::controller_utils::record_events(api, rec, &reference, &d["events"], SOURCE);
        for e in d["pod_events"].as_array().into_iter().flatten() {
            if let Some(pod) = pods.iter().find(|p| e[0] == p["metadata"]["name"]) {
                super::controller_utils::record_events(
                    api,
                    rec,
                    &ObjectRef::of(pod),
                    &json!([e[1]]),
                    SOURCE,
                );
            }
        }
        let mut written = true;
        if !d["status"].is_null() {
            let mut body = pdb;
            body["status"] = d["status"].clone();
            written = super::client(api)
                .update(budgets(), ns, body, "status", &[])
                .is_ok();
        }
        let now = api.now();
        if d["failed"] == true || !written {
            let failures = self.failures.entry(k.to_string()).or_default();
            let wait = BACKOFF_BASE
                .saturating_mul(1 << (*failures).min(40))
                .min(BACKOFF_MAX);
            *failures += 1;
            self.requeue.insert(k.to_string(), now + wait);
            return;
        }
        self.failures.remove(k);
        match d["requeue"].as_i64() {
            Some(t) => self.requeue.insert(k.to_string(), t - epoch),
            None => self.requeue.remove(k),
        };
    }
}

impl Controller for DisruptionController {
    fn name(&self) -> &'static str {
        "disruption"
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
        let mut budgets_informer = std::mem::take(&mut self.budgets);
        budgets_informer.each(api, budgets(), |ev, pdb| {
            self.budget_changed(pdb, ev == EventType::Delete);
        });
        self.budgets = budgets_informer;
        let mut pods = std::mem::take(&mut self.pods);
        let mut several = vec![];
        pods.each(api, resources::pods(), |ev, pod| {
            if let Some(names) = self.pod_changed(pod, ev == EventType::Delete) {
                several.push((ObjectRef::of(pod), names));
            }
        });
        self.pods = pods;
        for (pod, names) in several {
            let message = format!(
                "Pod {:?}/{:?} matches multiple PodDisruptionBudgets.  Chose {:?} arbitrarily.",
                pod.namespace, pod.name, names[0]
            );
            rec.record(
                api,
                &pod,
                "Warning",
                "MultiplePodDisruptionBudgets",
                &message,
                SOURCE,
            );
        }
        for k in std::mem::take(&mut self.dirty) {
            self.sync_budget(api, rec, &k);
        }
    }
}
