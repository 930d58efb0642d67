//! Role strategy, and the rule and subject checks the RBAC kinds share.

use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleRef, Subject};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::Strategy;

/// ValidateRBACName: any path segment (`system:controller:job-controller` is fine).
pub fn rbac_name(name: &str) -> Vec<String> {
    let mut errs = vec![];
    if name == "." || name == ".." {
        errs.push(format!("may not be '{name}'"));
    }
    for bad in ["/", "%"] {
        if name.contains(bad) {
            errs.push(format!("may not contain '{bad}'"));
        }
    }
    errs
}

/// A string slice as Go's `%#v` prints it: `[]string{"/healthz"}`.
fn go_strings(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|u| format!("{u:?}")).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// ValidatePolicyRule: verbs always; resource rules need API groups and resources;
/// namespaced rules cannot name non-resource URLs.
pub fn validate_rules(rules: &[PolicyRule], namespaced: bool) -> Vec<FieldError> {
    let mut errs = vec![];
    for (i, r) in rules.iter().enumerate() {
        let at = format!("rules[{i}]");
        if r.verbs.is_empty() {
            errs.push(
                FieldError::required(format!("{at}.verbs"))
                    .with_detail("Required value: verbs must contain at least one value"),
            );
        }
        let urls = r.non_resource_urls.as_ref().is_some_and(|u| !u.is_empty());
        if urls {
            if namespaced {
                errs.push(FieldError::invalid_raw(
                    format!("{at}.nonResourceURLs"),
                    &go_strings(r.non_resource_urls.as_deref().unwrap_or(&[])),
                    "namespaced rules cannot apply to non-resource URLs",
                ));
            }
            let any = |v: &Option<Vec<String>>| v.as_ref().is_some_and(|g| !g.is_empty());
            if any(&r.api_groups) || any(&r.resources) || any(&r.resource_names) {
                errs.push(FieldError::invalid_raw(
                    format!("{at}.nonResourceURLs"),
                    &go_strings(r.non_resource_urls.as_deref().unwrap_or(&[])),
                    "rules cannot apply to both regular resources and non-resource URLs",
                ));
            }
            continue;
        }
        if r.api_groups.as_ref().is_none_or(|g| g.is_empty()) {
            errs.push(
                FieldError::required(format!("{at}.apiGroups")).with_detail(
                    "Required value: resource rules must supply at least one api group",
                ),
            );
        }
        if r.resources.as_ref().is_none_or(|g| g.is_empty()) {
            errs.push(
                FieldError::required(format!("{at}.resources")).with_detail(
                    "Required value: resource rules must supply at least one resource",
                ),
            );
        }
    }
    errs
}

/// Subject defaults: users and groups are in the RBAC API group.
pub fn default_subjects(subjects: &mut Option<Vec<Subject>>) {
    for s in subjects.iter_mut().flatten() {
        if (s.kind == "User" || s.kind == "Group") && s.api_group.is_none() {
            s.api_group = Some("rbac.authorization.k8s.io".into());
        }
        if s.kind == "ServiceAccount" && s.api_group.is_none() {
            s.api_group = Some(String::new());
        }
    }
}

/// ValidateRoleBindingSubject for each subject.
pub fn validate_subjects(subjects: &[Subject], cluster: bool) -> Vec<FieldError> {
    const KINDS: &[&str] = &["ServiceAccount", "User", "Group"];
    let mut errs = vec![];
    for (i, s) in subjects.iter().enumerate() {
        let at = format!("subjects[{i}]");
        if s.name.is_empty() {
            errs.push(FieldError::required(format!("{at}.name")));
        }
        match s.kind.as_str() {
            "ServiceAccount" => {
                if s.api_group.as_deref().is_some_and(|g| !g.is_empty()) {
                    errs.push(FieldError::unsupported(
                        format!("{at}.apiGroup"),
                        s.api_group.as_deref().unwrap_or(""),
                        &[""],
                    ));
                }
                if cluster && s.namespace.as_deref().unwrap_or("").is_empty() {
                    errs.push(FieldError::required(format!("{at}.namespace")));
                }
            }
            "User" | "Group" => {
                let g = s.api_group.as_deref().unwrap_or("");
                if g != "rbac.authorization.k8s.io" {
                    errs.push(FieldError::unsupported(
                        format!("{at}.apiGroup"),
                        g,
                        &["rbac.authorization.k8s.io"],
                    ));
                }
            }
            k => errs.push(FieldError::unsupported(format!("{at}.kind"), k, KINDS)),
        }
    }
    errs
}

/// A roleRef as Go's `%#v` prints it.
pub fn go_role_ref(r: &RoleRef) -> String {
    format!(
        "rbac.RoleRef{{APIGroup:{:?}, Kind:{:?}, Name:{:?}}}",
        r.api_group, r.kind, r.name
    )
}

/// ValidateRoleBinding's roleRef checks (`kinds` the binding may refer to).
pub fn validate_role_ref(r: &RoleRef, kinds: &[&str]) -> Vec<FieldError> {
    let mut errs = vec![];
    if r.api_group != "rbac.authorization.k8s.io" {
        errs.push(FieldError::unsupported(
            "roleRef.apiGroup",
            &r.api_group,
            &["rbac.authorization.k8s.io"],
        ));
    }
    errs.extend(FieldError::one_of(
        "roleRef.kind",
        Some(r.kind.as_str()),
        kinds,
    ));
    if r.name.is_empty() {
        errs.push(FieldError::required("roleRef.name"));
    }
    errs
}

/// A binding's roleRef never changes.
pub fn immutable_role_ref(new: &RoleRef, old: &RoleRef) -> Vec<FieldError> {
    if new != old {
        return vec![FieldError::invalid_raw(
            "roleRef",
            &go_role_ref(new),
            "cannot change roleRef",
        )];
    }
    vec![]
}

impl Strategy for Role {
    fn validate_name(name: &str) -> Vec<String> {
        rbac_name(name)
    }

    fn validate(&self) -> Vec<FieldError> {
        validate_rules(self.rules.as_deref().unwrap_or(&[]), true)
    }
}
