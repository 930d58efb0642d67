//! IngressClass strategy: a controller name, which never changes; parameters scoped to the
//! cluster by default.

use k8s_openapi::api::networking::v1::IngressClass;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

impl Strategy for IngressClass {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        if let Some(p) = self.spec.as_mut().and_then(|s| s.parameters.as_mut()) {
            p.scope.get_or_insert_with(|| "Cluster".into());
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let controller = self
            .spec
            .as_ref()
            .and_then(|s| s.controller.as_deref())
            .unwrap_or("");
        if controller.is_empty() {
            return vec![FieldError::required("spec.controller")];
        }
        vec![]
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        let controller = |c: &IngressClass| c.spec.as_ref().and_then(|s| s.controller.clone());
        if controller(self) != controller(old) {
            return vec![FieldError::invalid(
                "spec.controller",
                &controller(self).unwrap_or_default(),
                "field is immutable",
            )];
        }
        vec![]
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["spec"];
}
