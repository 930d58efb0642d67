//! What the workload kinds share: pod template defaults and validation, selectors that
//! must match the template's labels, and Go's `%#v` rendering of values in messages.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pod::{default_pod_spec, validate_pod_spec};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation;
use crate::labels::{selector_is_empty, selector_matches};

// A field error shows a bad value that is neither a number nor a string as Go's
// json.Marshal writes it (struct fields in declaration order, empty ones left out).

/// A string map as a field error shows it: `{"app":"web"}`, `null` when unset.
pub fn go_map(m: Option<&BTreeMap<String, String>>) -> String {
    m.and_then(|m| serde_json::to_string(m).ok())
        .unwrap_or_else(|| "null".into())
}

/// A LabelSelector as a field error shows it.
pub fn go_selector(sel: &LabelSelector) -> String {
    let mut fields = vec![];
    if let Some(m) = sel.match_labels.as_ref().filter(|m| !m.is_empty()) {
        fields.push(format!("\"matchLabels\":{}", go_map(Some(m))));
    }
    if let Some(es) = sel.match_expressions.as_ref().filter(|e| !e.is_empty()) {
        let items: Vec<String> = es
            .iter()
            .map(|e| {
                let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
                let mut item = format!("{{\"key\":{},\"operator\":{}", q(&e.key), q(&e.operator));
                if let Some(vs) = e.values.as_ref().filter(|v| !v.is_empty()) {
                    let vs = serde_json::to_string(vs).unwrap_or_default();
                    item.push_str(&format!(",\"values\":{vs}"));
                }
                item + "}"
            })
            .collect();
        fields.push(format!("\"matchExpressions\":[{}]", items.join(",")));
    }
    format!("{{{}}}", fields.join(","))
}

/// An IntOrString as a field error shows it: `1` or `"25%"`.
pub fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => serde_json::to_string(s).unwrap_or_default(),
    }
}

/// Defaults of a pod template (SetDefaults_PodSpec and the containers').
pub fn default_template(t: &mut PodTemplateSpec) {
    default_pod_spec(t.spec.get_or_insert_with(Default::default));
}

/// What a workload's selector selects, for checking the template's labels (as
/// LabelSelectorAsSelector gives it: a missing selector selects nothing, an empty one
/// everything).
#[derive(Debug, Clone, Copy)]
pub enum Selecting<'a> {
    Nothing,
    Everything,
    By(&'a LabelSelector),
}

/// Validates a template at `path` (`spec.template`) and its labels against `selector`.
pub fn validate_template(
    t: &PodTemplateSpec,
    path: &str,
    selector: Selecting<'_>,
    restart_policies: &[&str],
) -> Vec<FieldError> {
    let mut errs = vec![];
    let labels = t.metadata.as_ref().and_then(|m| m.labels.as_ref());
    let empty = BTreeMap::new();
    let matched = match selector {
        Selecting::Nothing => false,
        Selecting::Everything => true,
        Selecting::By(sel) => selector_matches(sel, labels.unwrap_or(&empty)),
    };
    if !matched {
        errs.push(FieldError::invalid_raw(
            format!("{path}.metadata.labels"),
            &go_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(validation::labels(
        labels,
        &format!("{path}.metadata.labels"),
    ));
    match &t.spec {
        None => errs.push(FieldError::required(format!("{path}.spec.containers"))),
        Some(spec) => {
            errs.extend(validate_pod_spec(spec, &format!("{path}.spec")));
            let policy = spec.restart_policy.as_deref().unwrap_or("Always");
            errs.extend(FieldError::one_of(
                format!("{path}.spec.restartPolicy"),
                Some(policy),
                restart_policies,
            ));
        }
    }
    errs
}

/// Validates a required selector at `path` (present and not empty) and says what it
/// selects. A selector with neither `matchLabels` nor `matchExpressions` counts as missing
/// (the typed model cannot tell `selector: {}` from no selector); `matchLabels: {}` is
/// the empty selector.
pub fn validate_selector<'a>(
    sel: Option<&'a LabelSelector>,
    path: &str,
    kind: &str,
) -> (Vec<FieldError>, Selecting<'a>) {
    match sel {
        Some(s) if s.match_labels.is_none() && s.match_expressions.is_none() => {
            (vec![FieldError::required(path)], Selecting::Nothing)
        }
        None => (vec![FieldError::required(path)], Selecting::Nothing),
        Some(s) if selector_is_empty(s) => (
            vec![FieldError::invalid_raw(
                path,
                &go_selector(s),
                &format!("empty selector is invalid for {kind}"),
            )],
            Selecting::Everything,
        ),
        Some(s) => (vec![], Selecting::By(s)),
    }
}

/// What the specs of Deployments, ReplicaSets, StatefulSets and DaemonSets share:
/// non-negative replicas, a selector that selects, and a template (required while there
/// are replicas) whose labels it matches and whose pods restart Always.
pub fn validate_replicated(
    replicas: Option<i32>,
    selector: &LabelSelector,
    template: Option<&PodTemplateSpec>,
    kind: &str,
) -> Vec<FieldError> {
    let mut errs = non_negative(replicas, "spec.replicas");
    let (sel_errs, selecting) = validate_selector(Some(selector), "spec.selector", kind);
    errs.extend(sel_errs);
    match template {
        Some(t) => errs.extend(validate_template(
            t,
            "spec.template",
            selecting,
            &["Always"],
        )),
        None if replicas.unwrap_or(1) > 0 => errs.push(FieldError::required("spec.template")),
        None => {}
    }
    errs
}

/// `replicas` and similar counts must not be negative.
pub fn non_negative(value: Option<i32>, path: &str) -> Vec<FieldError> {
    match value {
        Some(v) if v < 0 => vec![FieldError::invalid_raw(
            path,
            &v.to_string(),
            "must be greater than or equal to 0",
        )],
        _ => vec![],
    }
}

/// The selector may not change once set (apps/v1 and batch/v1).
pub fn immutable_selector(
    new: Option<&LabelSelector>,
    old: Option<&LabelSelector>,
    path: &str,
) -> Vec<FieldError> {
    match (new, old) {
        (Some(n), Some(o)) if n != o => vec![FieldError::invalid_raw(
            path,
            &go_selector(n),
            "field is immutable",
        )],
        _ => vec![],
    }
}
