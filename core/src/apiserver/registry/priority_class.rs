//! PriorityClass strategy: the preemption policy default, the reserved `system-` names and
//! values, and the fields an update may not change.

use k8s_openapi::api::scheduling::v1::PriorityClass;

use crate::apiserver::admission::priority::SYSTEM_CLASSES;
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

/// The highest value a user-defined class may have.
const HIGHEST_USER_DEFINABLE: i32 = 1_000_000_000;
const POLICIES: &[&str] = &["Never", "PreemptLowerPriority"];

impl Strategy for PriorityClass {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.preemption_policy
            .get_or_insert_with(|| "PreemptLowerPriority".into());
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let name = self.metadata.name.as_deref().unwrap_or("");
        if name.starts_with("system-") {
            let known = match SYSTEM_CLASSES.iter().find(|(n, _)| *n == name) {
                None => Err(format!("{name} is not a known system priority class")),
                Some((_, v)) if *v != self.value => {
                    Err(format!("value of {name} PriorityClass must be {v}"))
                }
                Some(_) if self.global_default == Some(true) => Err(format!(
                    "globalDefault of {name} PriorityClass must be false"
                )),
                Some(_) => Ok(()),
            };
            if let Err(e) = known {
                errs.push(FieldError::forbidden(
                    "metadata.name",
                    &format!("priority class names with 'system-' prefix are reserved for system use only. error: {e}"),
                ));
            }
        } else if self.value > HIGHEST_USER_DEFINABLE {
            errs.push(FieldError::forbidden(
                "value",
                &format!(
                    "maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE}"
                ),
            ));
        }
        errs.extend(FieldError::one_of(
            "preemptionPolicy",
            self.preemption_policy.as_deref(),
            POLICIES,
        ));
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.value != old.value {
            errs.push(FieldError::forbidden(
                "value",
                "may not be changed in an update.",
            ));
        }
        if self.preemption_policy.is_none() {
            self.preemption_policy = old.preemption_policy.clone();
        }
        if self.preemption_policy != old.preemption_policy {
            errs.push(FieldError::invalid(
                "preemptionPolicy",
                self.preemption_policy.as_deref().unwrap_or(""),
                "field is immutable",
            ));
        }
        errs
    }
}
