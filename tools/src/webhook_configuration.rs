//! What kube-apiserver refuses in the webhooks of a Mutating or
//! ValidatingWebhookConfiguration: unqualified or repeated names, no client or both, bad
//! URLs and service references, missing side effects or review versions, unknown
//! policies, timeouts outside 1..30 s, incomplete rules. Each error is a field and its
//! detail, as `field.Error` prints them.

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub struct Request {
    pub webhooks: Vec<Value>,
    pub mutating: bool,
}

type Error = (String, String);

fn required(field: String) -> Error {
    (field, "Required value".into())
}

fn invalid(field: impl Into<String>, value: &str, why: &str) -> Error {
    (field.into(), format!("Invalid value: \"{value}\": {why}"))
}

fn invalid_raw(field: String, value: &str, why: &str) -> Error {
    (field, format!("Invalid value: {value}: {why}"))
}

fn one_of(field: String, value: Option<&str>, supported: &[&str]) -> Option<Error> {
    let v = value?;
    let list: Vec<String> = supported.iter().map(|s| format!("\"{s}\"")).collect();
    (!supported.contains(&v)).then(|| {
        (
            field,
            format!(
                "Unsupported value: \"{v}\": supported values: {}",
                list.join(", ")
            ),
        )
    })
}

/// Validates the webhooks of a configuration (both kinds share the fields).
pub fn validate(r: &Request) -> Vec<Error> {
    let (webhooks, mutating) = (&r.webhooks, r.mutating);
    let mut errs = vec![];
    for (i, w) in webhooks.iter().enumerate() {
        let at = format!("webhooks[{i}]");
        let name = w["name"].as_str().unwrap_or("");
        if name.is_empty() {
            errs.push(required(format!("{at}.name")));
        } else if name.split('.').count() < 3 {
            errs.push(invalid(
                format!("{at}.name"),
                name,
                "should be a domain with at least three segments separated by dots",
            ));
        } else if webhooks[..i].iter().any(|o| o["name"] == w["name"]) {
            errs.push((format!("{at}.name"), format!("Duplicate value: \"{name}\"")));
        }
        let client = &w["clientConfig"];
        match (client["url"].as_str(), client["service"].as_object()) {
            (Some(_), Some(_)) | (None, None) => errs.push((
                format!("{at}.clientConfig"),
                "Required value: exactly one of url or service is required".into(),
            )),
            (Some(url), None) => errs.extend(url_error(&format!("{at}.clientConfig.url"), url)),
            (None, Some(svc)) => {
                for key in ["name", "namespace"] {
                    if svc
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .is_empty()
                    {
                        errs.push(required(format!("{at}.clientConfig.service.{key}")));
                    }
                }
                let port = svc.get("port").and_then(Value::as_i64);
                if let Some(p) = port.filter(|p| !(1..=65535).contains(p)) {
                    errs.push(invalid_raw(
                        format!("{at}.clientConfig.service.port"),
                        &p.to_string(),
                        "port is not valid: must be between 1 and 65535, inclusive",
                    ));
                }
                let path = svc.get("path").and_then(Value::as_str);
                if let Some(path) = path.filter(|p| !p.starts_with('/')) {
                    errs.push(invalid(
                        format!("{at}.clientConfig.service.path"),
                        path,
                        "must start with a '/'",
                    ));
                }
            }
        }
        let side_effects = w["sideEffects"].as_str().unwrap_or("");
        if side_effects.is_empty() {
            errs.push((
                format!("{at}.sideEffects"),
                "Required value: must specify one of None, NoneOnDryRun".into(),
            ));
        } else {
            errs.extend(one_of(
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
            errs.push((
                versions_at,
                "Required value: must specify one of v1, v1beta1".into(),
            ));
        } else {
            for (k, v) in versions.iter().enumerate() {
                if versions[..k].contains(v) {
                    errs.push(invalid(
                        format!("{versions_at}[{k}]"),
                        v,
                        "duplicate version",
                    ));
                }
            }
            if !versions.iter().any(|v| matches!(*v, "v1" | "v1beta1")) {
                errs.push(invalid_raw(
                    versions_at,
                    &serde_json::to_string(&versions).unwrap_or_default(),
                    "must include at least one of v1, v1beta1",
                ));
            }
        }
        let policy = |f: &str| w[f].as_str();
        errs.extend(one_of(
            format!("{at}.failurePolicy"),
            policy("failurePolicy"),
            &["Fail", "Ignore"],
        ));
        errs.extend(one_of(
            format!("{at}.matchPolicy"),
            policy("matchPolicy"),
            &["Equivalent", "Exact"],
        ));
        if mutating {
            errs.extend(one_of(
                format!("{at}.reinvocationPolicy"),
                policy("reinvocationPolicy"),
                &["IfNeeded", "Never"],
            ));
        }
        if let Some(t) = w["timeoutSeconds"]
            .as_i64()
            .filter(|t| !(1..=30).contains(t))
        {
            errs.push(invalid_raw(
                format!("{at}.timeoutSeconds"),
                &t.to_string(),
                "the timeout value must be between 1 and 30 seconds",
            ));
        }
        for (j, rule) in w["rules"].as_array().into_iter().flatten().enumerate() {
            let r = format!("{at}.rules[{j}]");
            for field in ["operations", "apiGroups", "apiVersions", "resources"] {
                if rule[field].as_array().is_none_or(Vec::is_empty) {
                    errs.push(required(format!("{r}.{field}")));
                }
            }
            errs.extend(one_of(
                format!("{r}.scope"),
                rule["scope"].as_str(),
                &["*", "Cluster", "Namespaced"],
            ));
            let operations = rule["operations"].as_array().into_iter().flatten();
            for (k, op) in operations.enumerate() {
                errs.extend(one_of(
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
fn url_error(field: &str, url: &str) -> Option<Error> {
    const FORMAT: &str = "desired format: https://host[/path]";
    let Some((scheme, rest)) = url.split_once("://") else {
        let why = format!("'https' is the only allowed URL scheme; {FORMAT}");
        return Some(invalid(field, "", &why));
    };
    if scheme != "https" {
        let why = format!("'https' is the only allowed URL scheme; {FORMAT}");
        return Some(invalid(field, scheme, &why));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Some(invalid(
            field,
            "",
            &format!("host must be specified; {FORMAT}"),
        ));
    }
    if rest.contains('?') {
        let why = format!("query parameters are not permitted in the URL; {FORMAT}");
        return Some(invalid(field, url, &why));
    }
    if rest.contains('#') {
        let why = format!("fragments are not permitted in the URL; {FORMAT}");
        return Some(invalid(field, url, &why));
    }
    None
}
