//! TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule taints score.

const NAME: &str = "TaintToleration";

use k8s_openapi::api::core::v1::{Pod, Taint, Toleration};

use crate::scheduler::framework::{FilterPlugin, NodeInfo, ScorePlugin, Status};

/// Whether `t` tolerates `taint` (core/v1 ToleratesTaint).
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        _ => false,
    }
}

/// How kubectl and the scheduler print a taint: `{key: value}`.
pub fn taint_brief(t: &Taint) -> String {
    format!("{{{}: {}}}", t.key, t.value.as_deref().unwrap_or(""))
}

fn taints(node: &NodeInfo) -> Vec<Taint> {
    node.node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default()
}

fn tolerations(pod: &Pod) -> Vec<Toleration> {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default()
}

pub struct TaintToleration;

impl FilterPlugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, pod: &Pod, node: &NodeInfo) -> Status {
        let tolerations = tolerations(pod);
        let untolerated = taints(node)
            .into_iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .find(|taint| !tolerations.iter().any(|t| tolerates(t, taint)));
        match untolerated {
            Some(taint) => Status::unresolvable(
                NAME,
                format!("node(s) had untolerated taint {}", taint_brief(&taint)),
            ),
            None => Status::success(),
        }
    }
}

impl ScorePlugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Fewer untolerated PreferNoSchedule taints score higher (normalised by the caller's
    /// reverse normalisation: 100 for none, less for more).
    fn score(&self, pod: &Pod, node: &NodeInfo) -> i64 {
        let tolerations: Vec<Toleration> = tolerations(pod)
            .into_iter()
            .filter(|t| {
                t.effect
                    .as_deref()
                    .is_none_or(|e| e.is_empty() || e == "PreferNoSchedule")
            })
            .collect();
        let count = taints(node)
            .iter()
            .filter(|t| {
                t.effect == "PreferNoSchedule" && !tolerations.iter().any(|tol| tolerates(tol, t))
            })
            .count() as i64;
        (100 - 10 * count).max(0)
    }

    fn weight(&self) -> i64 {
        3
    }
}
