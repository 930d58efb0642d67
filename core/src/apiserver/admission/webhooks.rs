//! MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the webhooks whose rules and
//! selectors match a request are called. Kubarium cannot reach webhook servers yet (the
//! networking issue brings simulated ones), so each matching call fails as it would with
//! no server behind it, and the webhook's failurePolicy decides: Fail refuses the request
//! with the API server's error, Ignore admits it.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

use super::Attributes;
use crate::apiserver::errors::{ApiError, Reason};
use crate::apiserver::resources;
use crate::labels::selector_matches;

/// Whether one of a rule's list allows `value` (`*` allows all).
fn allows(list: &Value, value: &str) -> bool {
    list.as_array()
        .into_iter()
        .flatten()
        .any(|v| v == "*" || v == value)
}

fn labels_of(v: &Value) -> BTreeMap<String, String> {
    serde_json::from_value(v["metadata"]["labels"].clone()).unwrap_or_default()
}

fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    match serde_json::from_value::<LabelSelector>(selector.clone()) {
        Ok(sel) => selector_matches(&sel, labels),
        Err(_) => selector.is_null(),
    }
}

/// Whether a webhook's rules and selectors match a create of `obj`.
fn matches(attrs: &Attributes<'_>, webhook: &Value, obj: &Value) -> bool {
    let r = attrs.resource;
    let rule_matches = webhook["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|rule| {
            let scope = rule["scope"].as_str().unwrap_or("*");
            let scope_ok = match scope {
                "Namespaced" => r.namespaced,
                "Cluster" => !r.namespaced,
                _ => true,
            };
            let resources = rule["resources"].as_array().into_iter().flatten();
            let resource_ok = resources
                .filter_map(Value::as_str)
                .any(|x| x == "*" || x == "*/*" || x == r.plural);
            allows(&rule["operations"], "CREATE")
                && allows(&rule["apiGroups"], r.group)
                && allows(&rule["apiVersions"], r.version)
                && resource_ok
                && scope_ok
        });
    if !rule_matches || !selects(&webhook["objectSelector"], &labels_of(obj)) {
        return false;
    }
    let ns_labels = if r.plural == "namespaces" {
        labels_of(obj)
    } else if r.namespaced {
        let ns = resources::namespaces().key("", attrs.namespace);
        attrs
            .store
            .get(&ns)
            .map(|kv| labels_of(&kv.value))
            .unwrap_or_default()
    } else {
        return true;
    };
    selects(&webhook["namespaceSelector"], &ns_labels)
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

/// Calls the webhooks of every configuration of `plural` that match a create of `obj`.
pub fn admit(attrs: &Attributes<'_>, obj: &Value, plural: &str) -> Result<(), ApiError> {
    // Webhooks never intercept the objects that configure admission.
    if attrs.resource.group == "admissionregistration.k8s.io" {
        return Ok(());
    }
    let Some(configs) = resources::find("admissionregistration.k8s.io", "v1", plural) else {
        return Ok(());
    };
    for kv in attrs.store.range(&configs.prefix(None)) {
        for webhook in kv.value["webhooks"].as_array().into_iter().flatten() {
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
