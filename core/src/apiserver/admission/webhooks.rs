//! MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the webhooks whose rules and
//! selectors match a request are called. Kubarium cannot reach webhook servers yet (the
//! networking issue brings simulated ones), so each matching call fails as it would with
//! no server behind it, and the webhook's failurePolicy decides: Fail refuses the request
//! with the API server's error, Ignore admits it.

use serde_json::Value;

use super::matching::{rule_matches, selectors_match};
use super::Attributes;
use crate::apiserver::errors::{ApiError, Reason};
use crate::apiserver::resources;

/// Whether a webhook's rules and selectors match the request.
fn matches(attrs: &Attributes<'_>, webhook: &Value, obj: &Value) -> bool {
    let mut rules = webhook["rules"].as_array().into_iter().flatten();
    rules.any(|rule| rule_matches(attrs, rule)) && selectors_match(attrs, webhook, obj)
}

/// Why calling a webhook fails: its service does not exist, or Kubarium cannot call it.
fn call_error(attrs: &Attributes<'_>, webhook: &Value) -> String {
    let config = &webhook["clientConfig"];
    if let Some(url) = config["url"].as_str() {
        return format!(
            "Post \"{url}?timeout={}s\": calling webhook servers is not supported in Kubarium yet",
            webhook["timeoutSeconds"].as_i64().unwrap_or(10)
        );
    }
    let svc = &config["service"];
    let (name, ns) = (
        svc["name"].as_str().unwrap_or(""),
        svc["namespace"].as_str().unwrap_or(""),
    );
    let url = format!(
        "https://{name}.{ns}.svc:{}{}?timeout={}s",
        svc["port"].as_i64().unwrap_or(443),
        svc["path"].as_str().unwrap_or("/"),
        webhook["timeoutSeconds"].as_i64().unwrap_or(10)
    );
    let exists = attrs
        .store
        .get(&resources::services().key(ns, name))
        .is_some();
    if exists {
        format!("Post \"{url}\": calling webhook servers is not supported in Kubarium yet")
    } else {
        format!("Post \"{url}\": service \"{name}\" not found")
    }
}

/// Calls the webhooks of every configuration of `plural` that match the request.
pub fn admit(attrs: &Attributes<'_>, obj: &Value, plural: &str) -> Result<(), ApiError> {
    // Webhooks never intercept the objects that configure admission.
    if attrs.resource.group == "admissionregistration.k8s.io" {
        return Ok(());
    }
    let Some(configs) = resources::find("admissionregistration.k8s.io", "v1", plural) else {
        return Ok(());
    };
    for kv in attrs.store.range(&configs.prefix(None)) {
        for webhook in kv.value()["webhooks"].as_array().into_iter().flatten() {
            if !matches(attrs, webhook, obj) || webhook["failurePolicy"] == "Ignore" {
                continue;
            }
            return Err(ApiError::new(
                Reason::InternalError,
                format!(
                    "Internal error occurred: failed calling webhook \"{}\": failed to call webhook: {}",
                    webhook["name"].as_str().unwrap_or(""),
                    call_error(attrs, webhook)
                ),
            ));
        }
    }
    Ok(())
}
