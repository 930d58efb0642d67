//! The eviction subresource's decision for a pod that its budgets guard (one not pending,
//! finished or being deleted): its PodDisruptionBudget, if it has one, must allow a
//! disruption, unless the pod is not ready and the budget is healthy or says
//! `AlwaysAllow`; an allowed eviction takes one disruption off the budget and lists the
//! pod in its `disruptedPods` until the disruption controller sees it gone.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::controllers::disruption::allowed_condition;
use crate::controllers::{set_condition, stamp};
use crate::time::Millis;

/// Past this many evictions the disruption controller has not yet confirmed, a budget
/// allows no more.
const MAX_DISRUPTED_PODS: usize = 2000;

/// The pod, the budgets of its namespace, whether the request is a dry run, and now
/// (Unix milliseconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub pod: Value,
    pub budgets: Vec<Value>,
    pub dry_run: bool,
    pub now: Millis,
}

/// Why the eviction is refused (the API error's reason, message and, for a budget, the
/// DisruptionBudget cause), or the budget to write back before the pod is deleted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub refused: Option<(String, String, Option<String>)>,
    pub budget: Option<Value>,
}

fn too_many(cause: String) -> Decision {
    Decision {
        refused: Some((
            "TooManyRequests".into(),
            "Cannot evict pod as it would violate the pod's disruption budget.".into(),
            Some(cause),
        )),
        budget: None,
    }
}

fn forbidden(budget: &str, why: &str) -> Decision {
    Decision {
        refused: Some((
            "Forbidden".into(),
            format!("poddisruptionbudget.policy \"{budget}\" is forbidden: {why}"),
            None,
        )),
        budget: None,
    }
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

pub fn decide(q: &Request) -> Decision {
    let labels = &q.pod["metadata"]["labels"];
    let mut budgets: Vec<&Value> = q
        .budgets
        .iter()
        .filter(|b| crate::labels::selects(&b["spec"]["selector"], labels))
        .collect();
    if budgets.len() > 1 {
        return Decision {
            refused: Some((
                "InternalError".into(),
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
                None,
            )),
            budget: None,
        };
    }
    let Some(b) = budgets.pop() else {
        return Decision::default();
    };
    let name = b["metadata"]["name"].as_str().unwrap_or("");
    let st = |f: &str| b["status"][f].as_i64().unwrap_or(0);
    if !is_ready(&q.pod) {
        let always = b["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow";
        let healthy = st("currentHealthy") >= st("desiredHealthy") && st("desiredHealthy") > 0;
        if always || healthy {
            // An unready pod does not count; deleting it disrupts nothing.
            return Decision::default();
        }
    }
    if st("observedGeneration") < b["metadata"]["generation"].as_i64().unwrap_or(0) {
        return too_many(format!(
            "The disruption budget {name} is still being processed by the server."
        ));
    }
    let allowed = st("disruptionsAllowed");
    if allowed < 0 {
        return forbidden(name, "pdb disruptions allowed is negative");
    }
    if b["status"]["disruptedPods"]
        .as_object()
        .map_or(0, |m| m.len())
        > MAX_DISRUPTED_PODS
    {
        return forbidden(
            name,
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        );
    }
    if allowed == 0 {
        let cond = b["status"]["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == "DisruptionAllowed"))
            .filter(|c| {
                c["status"] == "False" && c["message"].as_str().is_some_and(|m| !m.is_empty())
            });
        let text = |c: &Value, f: &str| c[f].as_str().unwrap_or("").to_string();
        return too_many(match cond {
            Some(c) if c["reason"] == "SyncFailed" => format!(
                "The disruption budget {name} does not allow evicting pods currently because it failed sync: {}",
                text(c, "message")
            ),
            _ if st("currentHealthy") <= st("desiredHealthy") => format!(
                "The disruption budget {name} needs {} healthy pods and has {} currently",
                st("desiredHealthy"),
                st("currentHealthy")
            ),
            Some(c) => format!(
                "The disruption budget {name} does not allow evicting pods currently ({}): {}",
                text(c, "reason"),
                text(c, "message")
            ),
            None => format!("The disruption budget {name} does not allow evicting pods currently"),
        });
    }
    if q.dry_run {
        return Decision::default();
    }
    let mut budget = b.clone();
    budget["status"]["disruptionsAllowed"] = json!(allowed - 1);
    if allowed == 1 {
        let observed = budget["status"]["observedGeneration"].clone();
        if let Some(cs) = budget["status"]["conditions"].as_array_mut() {
            set_condition(cs, allowed_condition(0, &observed), q.now);
        }
    }
    let pod = q.pod["metadata"]["name"].as_str().unwrap_or("");
    budget["status"]["disruptedPods"][pod] = stamp(q.now);
    Decision {
        refused: None,
        budget: Some(budget),
    }
}
