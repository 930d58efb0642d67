//! The disruption controller: it keeps each PodDisruptionBudget's status (expected,
//! desired and current healthy pods, disruptions allowed, the evictions not yet
//! confirmed) up to date as its pods come, go and turn ready, which is what the eviction
//! API (and so `kubectl drain`) reads. Each sync reads the budget, the pods its selector
//! picks and, for a percentage or `maxUnavailable`, what the finders need to find their
//! controllers' scale, asks the tools module for the decision
//! (`kubarium_tools::controllers::disruption`) and writes it. A failed
//! sync is retried with the workqueue's back-off (5 ms doubling to 1000 s).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};

use super::controller_utils::{key, labels, take_due};
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
    /// Each budget's selector (JSON; null picks no pods), by `namespace/name`.
    selectors: BTreeMap<String, Value>,
    /// The back-off of each budget whose last sync failed (its last wait).
    backoff: BTreeMap<String, Millis>,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

fn budgets() -> &'static Resource {
    resources::pod_disruption_budgets()
}

/// A budget's (non-null) selector: an empty one picks everything.
fn selector(sel: &Value) -> LabelSelector {
    serde_json::from_value(sel.clone()).unwrap_or_default()
}

/// What the finders look through for the pods' controllers: the namespace's
/// ReplicationControllers, ReplicaSets, Deployments and StatefulSets, and for a
/// controller of another kind its Scale (by uid), or why there is none.
fn controllers(api: &mut ApiServer, ns: &str, pods: &[Value]) -> Value {
    let mut lists = json!({});
    for r in [
        resources::replication_controllers(),
        resources::replica_sets(),
        resources::deployments(),
        resources::stateful_sets(),
    ] {
        lists[r.kind] = Value::Array(api.list(r, Some(ns)));
    }
    let mut scales = json!({});
    for pod in pods {
        let refs = pod["metadata"]["ownerReferences"].as_array();
        let Some(c) = refs.and_then(|refs| refs.iter().find(|r| r["controller"] == true)) else {
            continue;
        };
        let s = |f: &str| c[f].as_str().unwrap_or("");
        if lists.get(s("kind")).is_some() || scales.get(s("uid")).is_some() {
            continue;
        }
        let scale = match api.catalog().for_kind(s("apiVersion"), s("kind")) {
            None => {
                json!({"error": format!("no matches for kind \"{}\" in version \"{}\"", s("kind"), s("apiVersion"))})
            }
            Some(r) if !r.subresources.contains(&"scale") => {
                let group = if r.group.is_empty() {
                    String::new()
                } else {
                    format!(".{}", r.group)
                };
                json!({"error": format!("{}{group} does not implement the scale subresource", r.plural)})
            }
            Some(r) => json!({"scale": api.get_scale(r, ns, s("name")).ok()}),
        };
        scales[s("uid")] = scale;
    }
    lists["scales"] = scales;
    lists
}

impl DisruptionController {
    /// Follows a budget's change.
    fn budget_changed(&mut self, pdb: &Value, gone: bool) {
        let k = key(pdb);
        if gone {
            self.selectors.remove(&k);
            self.backoff.remove(&k);
            self.requeue.remove(&k);
        } else {
            self.selectors
                .insert(k.clone(), pdb["spec"]["selector"].clone());
            self.dirty.insert(k);
        }
    }

    /// Follows a pod's change: the budgets it matches sync (as upstream, not one it
    /// stopped matching). Returns them (sorted) when that is more than one.
    fn pod_changed(&mut self, pod: &Value, gone: bool) -> Option<Vec<String>> {
        let prefix = format!("{}/", pod["metadata"]["namespace"].as_str().unwrap_or(""));
        let pod_labels = labels(pod);
        let now: Vec<String> = self
            .selectors
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(_, sel)| !sel.is_null() && selector_matches(&selector(sel), &pod_labels))
            .map(|(k, _)| k.clone())
            .collect();
        self.dirty.extend(now.iter().cloned());
        (!gone && now.len() > 1).then_some(now)
    }

    fn sync_budget(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(pdb) = api.get(budgets(), ns, n) else {
            return;
        };
        let sel = &pdb["spec"]["selector"];
        let pods: Vec<Value> = if sel.is_null() {
            vec![]
        } else {
            let sel = selector(sel);
            api.list(resources::pods(), Some(ns))
                .into_iter()
                .filter(|p| selector_matches(&sel, &labels(p)))
                .collect()
        };
        // A percentage or maxUnavailable counts the pods' controllers' scale.
        let spec = &pdb["spec"];
        let controllers = (!spec["maxUnavailable"].is_null() || spec["minAvailable"].is_string())
            .then(|| controllers(api, ns, &pods));
        let epoch = epoch_seconds() * SECOND;
        let request =
            json!({"pdb": pdb, "pods": pods, "controllers": controllers, "now": api.now() + epoch});
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
            let wait = match self.backoff.get(k) {
                Some(w) => (w * 2).min(BACKOFF_MAX),
                None => BACKOFF_BASE,
            };
            self.backoff.insert(k.to_string(), wait);
            self.requeue.insert(k.to_string(), now + wait);
            return;
        }
        self.backoff.remove(k);
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
                pod.namespace,
                pod.name,
                names[0].split_once('/').map_or("", |(_, n)| n)
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
