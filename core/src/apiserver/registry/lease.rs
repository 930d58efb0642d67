//! Lease strategy: durations and transitions that cannot be negative; the coordinated
//! leader election fields are dropped (their feature gate is off by default in 1.35).

use k8s_openapi::api::coordination::v1::Lease;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

impl Strategy for Lease {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        if let Some(spec) = self.spec.as_mut() {
            spec.strategy = None;
            spec.preferred_holder = None;
        }
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let (had_strategy, had_holder) = old.spec.as_ref().map_or((false, false), |s| {
            (s.strategy.is_some(), s.preferred_holder.is_some())
        });
        if let Some(spec) = self.spec.as_mut() {
            if !had_strategy {
                spec.strategy = None;
            }
            if !had_holder {
                spec.preferred_holder = None;
            }
        }
        vec![]
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let Some(spec) = &self.spec else {
            return errs;
        };
        if let Some(d) = spec.lease_duration_seconds.filter(|d| *d <= 0) {
            errs.push(FieldError::invalid_raw(
                "spec.leaseDurationSeconds",
                &d.to_string(),
                "must be greater than 0",
            ));
        }
        if let Some(t) = spec.lease_transitions.filter(|t| *t < 0) {
            errs.push(FieldError::invalid_raw(
                "spec.leaseTransitions",
                &t.to_string(),
                "must be greater than or equal to 0",
            ));
        }
        errs
    }
}
