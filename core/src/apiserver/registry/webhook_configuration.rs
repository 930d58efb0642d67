//! Mutating and ValidatingWebhookConfiguration strategies: the webhook defaults kube-apiserver
//! sets (failurePolicy Fail, matchPolicy Equivalent, everything selectors, 10s timeouts,
//! port 443) and the mistakes it refuses (unqualified names, no client, no side effects).

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

/// Validates the webhooks of a configuration (as JSON: both kinds share the fields).
fn validate_webhooks(webhooks: &[Value], mutating: bool) -> Vec<FieldError> {
    let mut errs = vec![];
    for (i, w) in webhooks.iter().enumerate() {
        let at = format!("webhooks[{i}]");
        let name = w["name"].as_str().unwrap_or("");
        if name.is_empty() {
            errs.push(FieldError::required(format!("{at}.name")));
        } else if name.split('.').count() < 3 {
            errs.push(FieldError::invalid(
                format!("{at}.name"),
                name,
                "should be a domain with at least three segments separated by dots",
            ));
        } else if webhooks[..i].iter().any(|o| o["name"] == w["name"]) {
            errs.push(FieldError::duplicate(format!("{at}.name"), name));
        }
        let client = &w["clientConfig"];
        match (client["url"].as_str(), client["service"].as_object()) {
            (Some(_), Some(_)) | (None, None) => errs.push(
                FieldError::required(format!("{at}.clientConfig"))
                    .with_detail("Required value: exactly one of url or service is required"),
            ),
            (Some(url), None) => errs.extend(url_error(&format!("{at}.clientConfig.url"), url)),
            (None, Some(svc)) => {
                for key in ["name", "namespace"] {
                    if svc
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .is_empty()
                    {
                        errs.push(FieldError::required(format!(
                            "{at}.clientConfig.service.{key}"
                        )));
                    }
                }
                if let Some(p) = svc
                    .get("port")
                    .and_then(Value::as_i64)
                    .filter(|p| !(1..=65535).contains(p))
                {
                    errs.push(FieldError::invalid_raw(
                        format!("{at}.clientConfig.service.port"),
                        &p.to_string(),
                        "port is not valid: must be between 1 and 65535, inclusive",
                    ));
                }
                if let Some(path) = svc
                    .get("path")
                    .and_then(Value::as_str)
                    .filter(|p| !p.starts_with('/'))
                {
                    errs.push(FieldError::invalid(
                        format!("{at}.clientConfig.service.path"),
                        path,
                        "must start with a '/'",
                    ));
                }
            }
        }
        let side_effects = w["sideEffects"].as_str().unwrap_or("");
        if side_effects.is_empty() {
            errs.push(
                FieldError::required(format!("{at}.sideEffects"))
                    .with_detail("Required value: must specify one of None, NoneOnDryRun"),
            );
        } else {
            errs.extend(FieldError::one_of(
                format!("{at}.sideEffects"),
                Some(side_effects),
                &["None", "NoneOnDryRun"],
            ));
        }
        let versions: Vec<&str> = w["admissionReviewVersions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let versions_at = format!("{at}.admissionReviewVersions");
        if versions.is_empty() {
            errs.push(
                FieldError::required(versions_at)
                    .with_detail("Required value: must specify one of v1, v1beta1"),
            );
        } else {
            for (k, v) in versions.iter().enumerate() {
                if versions[..k].contains(v) {
                    errs.push(FieldError::invalid(
                        format!("{versions_at}[{k}]"),
                        v,
                        "duplicate version",
                    ));
                }
            }
            if !versions.iter().any(|v| matches!(*v, "v1" | "v1beta1")) {
                errs.push(FieldError::invalid_raw(
                    versions_at,
                    &serde_json::to_string(&versions).unwrap_or_default(),
                    "must include at least one of v1, v1beta1",
                ));
            }
        }
        errs.extend(FieldError::one_of(
            format!("{at}.failurePolicy"),
            w["failurePolicy"].as_str(),
            &["Fail", "Ignore"],
        ));
        errs.extend(FieldError::one_of(
            format!("{at}.matchPolicy"),
            w["matchPolicy"].as_str(),
            &["Equivalent", "Exact"],
        ));
        if mutating {
            errs.extend(FieldError::one_of(
                format!("{at}.reinvocationPolicy"),
                w["reinvocationPolicy"].as_str(),
                &["IfNeeded", "Never"],
            ));
        }
        if let Some(t) = w["timeoutSeconds"]
            .as_i64()
            .filter(|t| !(1..=30).contains(t))
        {
            errs.push(FieldError::invalid_raw(
                format!("{at}.timeoutSeconds"),
                &t.to_string(),
                "the timeout value must be between 1 and 30 seconds",
            ));
        }
        for (j, rule) in w["rules"].as_array().into_iter().flatten().enumerate() {
            let r = format!("{at}.rules[{j}]");
            for field in ["operations", "apiGroups", "apiVersions", "resources"] {
                if rule[field].as_array().is_none_or(Vec::is_empty) {
                    errs.push(FieldError::required(format!("{r}.{field}")));
                }
            }
            errs.extend(FieldError::one_of(
                format!("{r}.scope"),
                rule["scope"].as_str(),
                &["*", "Cluster", "Namespaced"],
            ));
            for (k, op) in rule["operations"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                errs.extend(FieldError::one_of(
                    format!("{r}.operations[{k}]"),
                    op.as_str(),
                    &["*", "CONNECT", "CREATE", "DELETE", "UPDATE"],
                ));
            }
        }
    }
    errs
}

/// ValidateWebhookURL with https required.
fn url_error(field: &str, url: &str) -> Option<FieldError> {
    const FORMAT: &str = "desired format: https://host[/path]";
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some(FieldError::invalid(
            field,
            "",
            &format!("'https' is the only allowed URL scheme; {FORMAT}"),
        ));
    };
    if scheme != "https" {
        return Some(FieldError::invalid(
            field,
            scheme,
            &format!("'https' is the only allowed URL scheme; {FORMAT}"),
        ));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Some(FieldError::invalid(
            field,
            "",
            &format!("host must be specified; {FORMAT}"),
        ));
    }
    if rest.contains('?') {
        return Some(FieldError::invalid(
            field,
            url,
            &format!("query parameters are not permitted in the URL; {FORMAT}"),
        ));
    }
    if rest.contains('#') {
        return Some(FieldError::invalid(
            field,
            url,
            &format!("fragments are not permitted in the URL; {FORMAT}"),
        ));
    }
    None
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
