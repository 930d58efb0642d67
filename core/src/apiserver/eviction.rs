//! The pods/eviction subresource: a pod is deleted unless its PodDisruptionBudget would
//! be violated (429 with the budget's cause), as `kubectl drain` relies on. A pod that is
//! pending, finished or already being deleted goes without a look at budgets; a pod that
//! is not ready goes without using up a disruption when its budget is healthy (or says
//! `AlwaysAllow`); otherwise the budget's allowed disruptions go down by one and the pod
//! is listed in its `disruptedPods` until the disruption controller sees it gone. The
//! pod gets a `DisruptionTarget` condition before it is deleted.

use serde_json::{json, Value};

use super::errors::{ApiError, Cause, Reason};
use super::resources;
use super::{ApiServer, Deleted};
use crate::clock::{epoch_seconds, to_time, SECOND};

impl ApiServer {
    /// Evicts a pod: deletes it with the eviction's grace period if its budgets allow.
    pub fn evict(
        &mut self,
        ns: &str,
        name: &str,
        body: &Value,
        dry_run: bool,
    ) -> Result<Deleted, ApiError> {
        let pod = self.get(resources::pods(), ns, name)?;
        let grace = body
            .pointer("/deleteOptions/gracePeriodSeconds")
            .and_then(Value::as_i64);
        let ignores_budgets = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed" | "Pending")
        ) || !pod["metadata"]["deletionTimestamp"].is_null();
        if !ignores_budgets {
            self.check_budgets(&pod, dry_run)?;
        }
        if !dry_run && pod["metadata"]["deletionTimestamp"].is_null() {
            self.mark_disruption_target(pod);
        }
        self.delete_with(resources::pods(), ns, name, grace, dry_run)
    }

    /// The pod's budget allows its eviction (and counts it), or the error that says why
    /// not (`kubarium_tools::eviction` decides).
    fn check_budgets(&mut self, pod: &Value, dry_run: bool) -> Result<(), ApiError> {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let pdbs = resources::pod_disruption_budgets();
        let request = json!({"pod": pod, "budgets": self.list(pdbs, Some(ns)),
            "dry_run": dry_run, "now": self.now() + epoch_seconds() * SECOND});
        let d = crate::tools::reconcile("eviction", &request).unwrap_or(Value::Null);
        let refused = &d["refused"];
        if let Some(message) = refused[1].as_str() {
            let mut e = ApiError::new(Reason::parse(refused[0].as_str().unwrap_or("")), message);
            if let Some(cause) = refused[2].as_str() {
                e.details.causes.push(Cause {
                    reason: "DisruptionBudget".into(),
                    message: cause.into(),
                    field: String::new(),
                });
            }
            return Err(e);
        }
        if d["budget"].is_object() {
            self.update_status(pdbs, ns, d["budget"].clone())?;
        }
        Ok(())
    }

    /// Adds the `DisruptionTarget` condition the eviction API sets before it deletes.
    fn mark_disruption_target(&mut self, mut pod: Value) {
        let ns = pod["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let cond = json!({"type": "DisruptionTarget", "status": "True",
            "observedGeneration": pod["metadata"]["generation"], "lastProbeTime": null,
            "lastTransitionTime": to_time(self.now()),
            "reason": "EvictionByEvictionAPI", "message": "Eviction API: evicting"});
        let mut cs = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        cs.retain(|c| c["type"] != "DisruptionTarget");
        cs.insert(0, cond);
        pod["status"]["conditions"] = Value::Array(cs);
        let _ = self.update_status(resources::pods(), &ns, pod);
    }
}
