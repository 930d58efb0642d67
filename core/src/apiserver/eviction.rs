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
use crate::clock::to_time;
use crate::labels::selector_matches;

/// Past this many evictions the disruption controller has not yet confirmed, a budget
/// allows no more.
const MAX_DISRUPTED_PODS: usize = 2000;

/// The 429 that names the budget's reason.
fn too_many(cause: String) -> ApiError {
    let mut e = ApiError::new(
        Reason::TooManyRequests,
        "Cannot evict pod as it would violate the pod's disruption budget.",
    );
    e.details.causes.push(Cause {
        reason: "DisruptionBudget".into(),
        message: cause,
        field: String::new(),
    });
    e
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

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
    /// not.
    fn check_budgets(&mut self, pod: &Value, dry_run: bool) -> Result<(), ApiError> {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let name = pod["metadata"]["name"].as_str().unwrap_or("");
        let labels = crate::controllers::controller_utils::labels(pod);
        let pdbs = resources::pod_disruption_budgets();
        // A nil selector picks no pods, an empty one all of them.
        let mut budgets: Vec<Value> = self
            .list(pdbs, Some(ns))
            .into_iter()
            .filter(|b| {
                !b["spec"]["selector"].is_null()
                    && crate::apiserver::decode::typed(b["spec"]["selector"].clone())
                        .is_ok_and(|s| selector_matches(&s, &labels))
            })
            .collect();
        if budgets.len() > 1 {
            return Err(ApiError::new(
                Reason::InternalError,
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
        let Some(mut b) = budgets.pop() else {
            return Ok(());
        };
        let budget = b["metadata"]["name"].as_str().unwrap_or("").to_string();
        let st = |f: &str| b["status"][f].as_i64().unwrap_or(0);
        if !is_ready(pod) {
            let always = b["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow";
            let healthy = st("currentHealthy") >= st("desiredHealthy") && st("desiredHealthy") > 0;
            if always || healthy {
                // An unready pod does not count; deleting it disrupts nothing.
                return Ok(());
            }
        }
        if st("observedGeneration") < b["metadata"]["generation"].as_i64().unwrap_or(0) {
            return Err(too_many(format!(
                "The disruption budget {budget} is still being processed by the server."
            )));
        }
        let allowed = st("disruptionsAllowed");
        if allowed < 0 {
            return Err(ApiError::forbidden(
                "poddisruptionbudget.policy",
                &budget,
                "pdb disruptions allowed is negative",
            ));
        }
        let disrupted = b["status"]["disruptedPods"]
            .as_object()
            .map_or(0, |m| m.len());
        if disrupted > MAX_DISRUPTED_PODS {
            return Err(ApiError::forbidden(
                "poddisruptionbudget.policy",
                &budget,
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
            ));
        }
        if allowed == 0 {
            let cond = b["status"]["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["type"] == "DisruptionAllowed"))
                .filter(|c| {
                    c["status"] == "False" && c["message"].as_str().is_some_and(|m| !m.is_empty())
                });
            let text = |c: &Value, f: &str| c[f].as_str().unwrap_or("").to_string();
            let message = match cond {
                Some(c) if c["reason"] == "SyncFailed" => format!(
                    "The disruption budget {budget} does not allow evicting pods currently because it failed sync: {}",
                    text(c, "message")
                ),
                _ if st("currentHealthy") <= st("desiredHealthy") => format!(
                    "The disruption budget {budget} needs {} healthy pods and has {} currently",
                    st("desiredHealthy"),
                    st("currentHealthy")
                ),
                Some(c) => format!(
                    "The disruption budget {budget} does not allow evicting pods currently ({}): {}",
                    text(c, "reason"),
                    text(c, "message")
                ),
                None => format!(
                    "The disruption budget {budget} does not allow evicting pods currently"
                ),
            };
            return Err(too_many(message));
        }
        if dry_run {
            return Ok(());
        }
        b["status"]["disruptionsAllowed"] = json!(allowed - 1);
        if allowed == 1 {
            let observed = b["status"]["observedGeneration"].clone();
            let cond = kubarium_tools::controllers::disruption::allowed_condition(0, &observed);
            let conditions = b["status"]["conditions"].as_array_mut();
            if let Some(c) =
                conditions.and_then(|cs| cs.iter_mut().find(|c| c["type"] == "DisruptionAllowed"))
            {
                let since = c["lastTransitionTime"].clone();
                let changed = c["status"] != cond["status"];
                *c = cond;
                c["lastTransitionTime"] = if changed {
                    json!(to_time(self.now()))
                } else {
                    since
                };
            }
        }
        b["status"]["disruptedPods"][name] = json!(to_time(self.now()));
        self.update_status(pdbs, ns, b)?;
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
