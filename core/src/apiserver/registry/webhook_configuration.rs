//! Mutating and ValidatingWebhookConfiguration strategies: the webhook defaults kube-apiserver
//! sets (failurePolicy Fail, matchPolicy Equivalent, everything selectors, 10s timeouts,
//! port 443) and the mistakes it refuses (judged in the tools module).

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

/// Sets the defaults every webhook of either kind gets.
macro_rules! default_webhook {
    ($w:expr) => {{
        let w = $w;
        w.failure_policy.get_or_insert_with(|| "Fail".into());
        w.match_policy.get_or_insert_with(|| "Equivalent".into());
        w.namespace_selector
            .get_or_insert_with(LabelSelector::default);
        w.object_selector.get_or_insert_with(LabelSelector::default);
        w.timeout_seconds.get_or_insert(10);
        for rule in w.rules.iter_mut().flatten() {
            rule.scope.get_or_insert_with(|| "*".into());
        }
        if let Some(svc) = w.client_config.service.as_mut() {
            svc.port.get_or_insert(443);
        }
    }};
}

/// Validates the webhooks of a configuration (as JSON: both kinds share the fields), in
/// the tools module (`kubarium_tools::webhook_configuration`; learners create
/// configurations once it is in).
fn validate_webhooks(webhooks: &[Value], mutating: bool) -> Vec<FieldError> {
    let request = serde_json::json!({"webhooks": webhooks, "mutating": mutating});
    crate::tools::field_errors("webhook_configuration", &request)
}

fn webhooks_json<T: serde::Serialize>(webhooks: &Option<Vec<T>>) -> Vec<Value> {
    webhooks
        .iter()
        .flatten()
        .map(|w| serde_json::to_value(w).unwrap_or(Value::Null))
        .collect()
}

impl Strategy for MutatingWebhookConfiguration {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        for w in self.webhooks.iter_mut().flatten() {
            default_webhook!(&mut *w);
            w.reinvocation_policy.get_or_insert_with(|| "Never".into());
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        validate_webhooks(&webhooks_json(&self.webhooks), true)
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["webhooks"];
}

impl Strategy for ValidatingWebhookConfiguration {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        for w in self.webhooks.iter_mut().flatten() {
            default_webhook!(&mut *w);
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        validate_webhooks(&webhooks_json(&self.webhooks), false)
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["webhooks"];
}
