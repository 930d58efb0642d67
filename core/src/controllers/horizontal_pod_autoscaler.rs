//! The horizontal pod autoscaler: every 15 seconds (`--horizontal-pod-autoscaler-sync-
//! period`), starting 15 seconds after it first sees one, it syncs each
//! HorizontalPodAutoscaler: it reads the target's scale subresource, the pods its
//! selector picks and their PodMetrics from the resource metrics API (metrics-server,
//! through the API server's aggregator), asks the tools module for the decision
//! (`kubarium_tools::controllers::horizontal_pod_autoscaler`), writes the new scale
//! and the status, and records the events. What it remembers between syncs (recent
//! recommendations and scale events) lives here, as in the controller's memory.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::controller_utils::{key, record_events, take_due};
use super::{Controller, Informer};
use crate::apiserver::request::Request;
use crate::apiserver::resources::{self, Resource};
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::store::EventType;

const SOURCE: Source = Source::Controller("horizontal-pod-autoscaler");
/// `--horizontal-pod-autoscaler-sync-period`.
const SYNC_PERIOD: Millis = 15 * SECOND;

#[derive(Debug, Clone, Default)]
pub struct HorizontalPodAutoscalerController {
    autoscalers: Informer,
    /// When each autoscaler syncs next, by `namespace/name`.
    due: BTreeMap<String, Millis>,
    /// Recent recommendations and scale events of each (a
    /// `kubarium_tools::controllers::horizontal_pod_autoscaler::History`, as JSON).
    history: BTreeMap<String, Value>,
}

fn autoscalers() -> &'static Resource {
    resources::find("autoscaling", "v2", "horizontalpodautoscalers")
        .unwrap_or_else(resources::deployments)
}

/// The target's resource and its Scale, or the error the scale read gave.
fn read_scale(
    api: &mut ApiServer,
    ns: &str,
    target: &Value,
) -> Result<(&'static Resource, Value), String> {
    let s = |f: &str| target[f].as_str().unwrap_or("");
    let r = api.catalog().for_kind(s("apiVersion"), s("kind")).ok_or_else(|| {
        let group = s("apiVersion").split_once('/').map_or("", |(g, _)| g);
        format!(
            "unable to determine resource for scale target reference: no matches for kind \"{}\" in group \"{group}\"",
            s("kind")
        )
    })?;
    if !r.subresources.contains(&"scale") {
        return Err("the server could not find the requested resource".into());
    }
    super::client(api)
        .get_subresource(r, ns, s("name"), "scale")
        .map(|scale| (r, scale))
        .map_err(|e| e.message)
}

impl HorizontalPodAutoscalerController {
    /// Syncs one autoscaler; false when it is gone.
    fn sync_one(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) -> bool {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(hpa) = api.get(autoscalers(), ns, n) else {
            self.history.remove(k);
            return false;
        };
        let target = read_scale(api, ns, &hpa["spec"]["scaleTargetRef"]);
        let selector = target
            .as_ref()
            .ok()
            .and_then(|(_, scale)| scale["status"]["selector"].as_str())
            .unwrap_or("")
            .to_string();
        let pods = crate::labels::Selector::parse(&selector).map(|sel| {
            api.list(resources::pods(), Some(ns))
                .into_iter()
                .filter(|p| sel.matches(p))
                .collect::<Vec<Value>>()
        });
        let request = Request::get(format!("/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"))
            .query("labelSelector", &selector);
        let metrics = super::client(api)
            .send(request)
            .into_result()
            .map(|list| list["items"].as_array().cloned().unwrap_or_default())
            .map_err(|e| format!("{} (get pods.metrics.k8s.io)", e.message));
        let epoch = epoch_seconds() * SECOND;
        let history = self.history.get(k).cloned().unwrap_or_else(|| json!({}));
        let request = json!({
            "hpa": hpa,
            "scale": target.as_ref().map(|(_, s)| s).map_err(Clone::clone),
            "pods": pods,
            "metrics": metrics,
            "history": history,
            "now": api.now() + epoch,
        });
        // A `kubarium_tools::controllers::horizontal_pod_autoscaler::Decision`, as JSON.
        let Some(mut d) = crate::tools::reconcile("horizontal_pod_autoscaler", &request) else {
            return true;
        };
        let reference = ObjectRef::of(&hpa);
        record_events(api, rec, &reference, &d["events"], SOURCE);
        self.history.insert(k.to_string(), d["history"].take());
        let mut status = d["status"].take();
        if let (Some(desired), Ok((r, mut scale))) = (d["rescale"][0].as_i64(), target) {
            scale["spec"]["replicas"] = json!(desired);
            if let Err(e) = super::client(api).update(r, ns, scale, "scale", &[]) {
                let reason = d["rescale"][1].as_str().unwrap_or("");
                let message = format!(
                    "New size: {desired}; reason: {reason}; error: {}",
                    e.message
                );
                rec.record(
                    api,
                    &reference,
                    "Warning",
                    "FailedRescale",
                    &message,
                    SOURCE,
                );
                status = d["failed_status"].take();
                // AbleToScale, set first in every sync, says why.
                let why = &mut status["conditions"][0]["message"];
                *why = json!(format!("{}{}", why.as_str().unwrap_or(""), e.message));
            }
        }
        if status != hpa["status"] {
            let mut body = hpa;
            body["status"] = status;
            if let Err(e) = super::client(api).update(autoscalers(), ns, body, "status", &[]) {
                rec.record(
                    api,
                    &reference,
                    "Warning",
                    "FailedUpdateStatus",
                    &e.message,
                    SOURCE,
                );
            }
        }
        true
    }
}

impl Controller for HorizontalPodAutoscalerController {
    fn name(&self) -> &'static str {
        "horizontalpodautoscaling"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.due.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        let (due, history) = (&mut self.due, &mut self.history);
        self.autoscalers.each(api, autoscalers(), |ev, hpa| {
            let k = key(hpa);
            if ev == EventType::Delete {
                due.remove(&k);
                history.remove(&k);
            } else {
                // Every change is queued a sync period later, once.
                due.entry(k).or_insert(now + SYNC_PERIOD);
            }
        });
        for k in take_due(&mut self.due, now) {
            if self.sync_one(api, rec, &k) {
                self.due.insert(k, now + SYNC_PERIOD);
            }
        }
    }
}
