//! Namespace strategy: the `kubernetes` finalizer, phase Active/Terminating, the name label.

use k8s_openapi::api::core::v1::{Namespace, NamespaceSpec, NamespaceStatus};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;

impl Strategy for Namespace {
    fn validate_name(name: &str) -> Vec<String> {
        validation::dns1123_label(name)
    }

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let name = self.metadata.name.clone().unwrap_or_default();
        self.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("kubernetes.io/metadata.name".into(), name);
        self.spec = Some(NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        });
        self.status = Some(NamespaceStatus {
            phase: Some("Active".into()),
            conditions: None,
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        vec![]
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        // spec.finalizers only change through the finalize subresource.
        self.spec = old.spec.clone();
        let name = self.metadata.name.clone().unwrap_or_default();
        self.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("kubernetes.io/metadata.name".into(), name);
        vec![]
    }

    fn blocks_deletion(&self) -> bool {
        let spec_finalizers = self
            .spec
            .as_ref()
            .and_then(|s| s.finalizers.as_ref())
            .is_some_and(|f| !f.is_empty());
        spec_finalizers
            || self
                .metadata
                .finalizers
                .as_ref()
                .is_some_and(|f| !f.is_empty())
    }

    fn mark_terminating(&mut self) {
        self.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
    }
}
