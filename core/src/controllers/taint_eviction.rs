//! The taint eviction controller: pods on a node with `NoExecute` taints they do not
//! tolerate are deleted at once; pods that tolerate them for `tolerationSeconds` (300 s
//! for not-ready and unreachable, added by admission) are deleted when that time has
//! passed since the taint was added; pods that tolerate them without a limit stay.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Taint, Toleration};
use serde_json::Value;

use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{from_time, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::scheduler::plugins::taint_toleration::tolerates;

#[derive(Debug, Clone, Default)]
pub struct TaintEviction {
    nodes: Informer,
    pods: Informer,
    /// Nodes with NoExecute taints, and their taints.
    tainted: BTreeMap<String, Vec<Taint>>,
    /// When each pod (`namespace/name`) due for eviction is deleted.
    due: BTreeMap<String, Millis>,
}

/// When a pod with `tolerations` is to go from a node with `taints` (added at their
/// `timeAdded`): `None` when it tolerates them all for ever.
fn eviction_time(tolerations: &[Toleration], taints: &[Taint], now: Millis) -> Option<Millis> {
    let mut at: Option<Millis> = None;
    for taint in taints {
        let matching: Vec<&Toleration> =
            tolerations.iter().filter(|t| tolerates(t, taint)).collect();
        let added = taint.time_added.as_ref().map_or(now, from_time);
        let until = if matching.is_empty() {
            Some(now)
        } else {
            // The shortest limit among the tolerations that match; none means for ever.
            matching
                .iter()
                .map(|t| t.toleration_seconds)
                .try_fold(i64::MAX, |m, s| s.map(|s| m.min(s)))
                .map(|s| added + s.max(0).saturating_mul(SECOND))
        };
        if let Some(u) = until {
            at = Some(at.map_or(u, |a| a.min(u)));
        }
    }
    at
}

impl TaintEviction {
    fn plan(&mut self, pod: &Value, now: Millis) {
        let key = format!(
            "{}/{}",
            pod["metadata"]["namespace"].as_str().unwrap_or(""),
            pod["metadata"]["name"].as_str().unwrap_or("")
        );
        self.due.remove(&key);
        if pod["metadata"]["deletionTimestamp"].is_string() {
            return;
        }
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        let Some(taints) = self.tainted.get(node) else {
            return;
        };
        let tolerations: Vec<Toleration> =
            crate::apiserver::decode::typed(pod["spec"]["tolerations"].clone()).unwrap_or_default();
        if let Some(at) = eviction_time(&tolerations, taints, now) {
            self.due.insert(key, at);
        }
    }
}

impl Controller for TaintEviction {
    fn name(&self) -> &'static str {
        "taint-eviction-controller"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.due.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        let mut replan = false;
        for node in self.nodes.changes(api, resources::nodes()).objects() {
            let name = node["metadata"]["name"].as_str().unwrap_or("").to_string();
            let taints: Vec<Taint> =
                serde_json::from_value::<Vec<Taint>>(node["spec"]["taints"].clone())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| t.effect == "NoExecute")
                    .collect();
            let gone = api.get(resources::nodes(), "", &name).is_err();
            let before = self.tainted.get(&name).cloned().unwrap_or_default();
            if taints.is_empty() || gone {
                self.tainted.remove(&name);
            } else {
                self.tainted.insert(name, taints.clone());
            }
            replan |= before != taints;
        }
        if self.tainted.is_empty() {
            // No node has NoExecute taints: no pod is due to go.
            self.pods.skip(api);
            self.due.clear();
            return;
        }
        let changed = self.pods.changes(api, resources::pods()).objects();
        if replan {
            self.due.clear();
            for pod in api.list(resources::pods(), None) {
                self.plan(&pod, now);
            }
        } else {
            for pod in &changed {
                self.plan(pod, now);
            }
        }
        let ready: Vec<String> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in ready {
            self.due.remove(&key);
            let (ns, name) = key.split_once('/').unwrap_or(("", ""));
            let Ok(pod) = api.get(resources::pods(), ns, name) else {
                continue;
            };
            let reference = ObjectRef::of(&pod);
            if super::client(api)
                .delete(resources::pods(), ns, name, None)
                .is_ok()
            {
                let message = format!("Marking for deletion Pod {key}");
                let source = Source::Controller("taint-eviction-controller");
                rec.record(
                    api,
                    &reference,
                    "Normal",
                    "TaintManagerEviction",
                    &message,
                    source,
                );
            }
        }
    }
}
