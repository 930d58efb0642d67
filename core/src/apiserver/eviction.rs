//! The pods/eviction subresource: a pod is deleted unless a PodDisruptionBudget would be
//! violated (429 with the budget's cause), as `kubectl drain` relies on.

use serde_json::Value;

use super::errors::{ApiError, Cause, Reason};
use super::resources;
use super::{ApiServer, Deleted};
use crate::labels::selector_matches;

impl ApiServer {
    /// Evicts a pod: deletes it with the eviction's grace period if its budgets allow.
    pub fn evict(
        &mut self,
        ns: &str,
        name: &str,
        body: &Value,
        dry_run: bool,
    ) -> Result<Deleted, ApiError> {
        let pods = resources::pods();
        let pod = self.get(pods, ns, name)?;
        let grace = body
            .pointer("/deleteOptions/gracePeriodSeconds")
            .and_then(Value::as_i64);
        let terminal = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded") | Some("Failed")
        );
        if terminal || !pod["metadata"]["deletionTimestamp"].is_null() {
            return self.delete_with(pods, ns, name, grace, dry_run);
        }
        let labels = pod["metadata"]["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let pdb_resource =
            resources::find("policy", "v1", "poddisruptionbudgets").unwrap_or_else(resources::pods);
        let budgets: Vec<Value> = self
            .list(pdb_resource, Some(ns))
            .into_iter()
            .filter(|b| {
                crate::apiserver::decode::typed(b["spec"]["selector"].clone()).is_ok_and(|s| {
                    !crate::labels::selector_is_empty(&s) && selector_matches(&s, &labels)
                })
            })
            .collect();
        if budgets.len() > 1 {
            return Err(ApiError::new(
                Reason::InternalError,
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
        if let Some(b) = budgets.first() {
            let budget = b["metadata"]["name"].as_str().unwrap_or("");
            let generation = b["metadata"]["generation"].as_i64().unwrap_or(0);
            let observed = b["status"]["observedGeneration"].as_i64().unwrap_or(0);
            let too_many = |cause: String| {
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
            };
            if observed < generation {
                return Err(too_many(format!(
                    "The disruption budget {budget} is still being processed by the server."
                )));
            }
            let allowed = b["status"]["disruptionsAllowed"].as_i64().unwrap_or(0);
            if allowed <= 0 {
                return Err(too_many(format!(
                    "The disruption budget {budget} needs {} healthy pods and has {} currently",
                    b["status"]["desiredHealthy"].as_i64().unwrap_or(0),
                    b["status"]["currentHealthy"].as_i64().unwrap_or(0)
                )));
            }
            if !dry_run {
                let mut next = b.clone();
                next["status"]["disruptionsAllowed"] = Value::from(allowed - 1);
                self.update_status(pdb_resource, ns, next)?;
            }
        }
        self.delete_with(pods, ns, name, grace, dry_run)
    }
}
