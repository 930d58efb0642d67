//! Node strategy: nodes register themselves; users change labels, taints and unschedulable.

use k8s_openapi::api::core::v1::Node;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

impl Strategy for Node {
    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        for (i, t) in self
            .spec
            .iter()
            .flat_map(|s| s.taints.iter().flatten())
            .enumerate()
        {
            errs.extend(FieldError::one_of(
                format!("spec.taints[{i}].effect"),
                Some(t.effect.as_str()),
                TAINT_EFFECTS,
            ));
            if t.key.is_empty() {
                errs.push(FieldError::required(format!("spec.taints[{i}].key")));
            }
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        vec![]
    }

    fn prepare_for_status_update(&mut self, old: &Self) {
        self.spec = old.spec.clone();
    }
}
