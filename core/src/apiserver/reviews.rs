//! The review kinds, answered at once and never stored: SelfSubjectReview (who am I,
//! `kubectl auth whoami`), SelfSubjectAccessReview, SubjectAccessReview and
//! LocalSubjectAccessReview (may this user do this, `kubectl auth can-i`), decided by the
//! RBAC authorizer, and SelfSubjectRulesReview (what may I do, `kubectl auth can-i
//! --list`).

use serde_json::{json, Value};

use super::authorization::{self, Request as Ask};
use super::errors::{ApiError, FieldError};
use super::request::User;
use super::resources::Resource;
use super::ApiServer;

/// Whether `r` is one of the review resources this module answers.
pub fn is_review(r: &Resource) -> bool {
    matches!(
        (r.group, r.plural),
        ("authentication.k8s.io", "selfsubjectreviews")
            | (
                "authorization.k8s.io",
                "selfsubjectaccessreviews"
                    | "subjectaccessreviews"
                    | "localsubjectaccessreviews"
                    | "selfsubjectrulesreviews"
            )
    )
}

fn user_info(user: &User) -> Value {
    json!({"username": user.name, "groups": user.groups})
}

fn invalid(r: &Resource, detail: FieldError) -> ApiError {
    ApiError::invalid_in(r.group, r.kind, "", vec![detail])
}

impl ApiServer {
    /// Answers a review POSTed by `user` (in `namespace` for a local review).
    pub(super) fn review(
        &self,
        r: &Resource,
        namespace: &str,
        body: &Value,
        user: &User,
    ) -> Result<Value, ApiError> {
        let mut out = json!({
            "kind": r.kind,
            "apiVersion": r.api_version(),
            "metadata": {"creationTimestamp": null},
        });
        if r.plural == "selfsubjectreviews" {
            out["status"] = json!({"userInfo": user_info(user)});
            return Ok(out);
        }
        let spec = body["spec"].clone();
        if r.plural == "selfsubjectrulesreviews" {
            let ns = spec["namespace"].as_str().unwrap_or("");
            let (mut resource_rules, mut non_resource_rules) = (vec![], vec![]);
            for rule in authorization::rules_for(&self.store, user, ns) {
                let has = |f: &str| rule[f].as_array().is_some_and(|a| !a.is_empty());
                if has("resources") {
                    let mut rr = json!({"verbs": rule["verbs"], "apiGroups": rule["apiGroups"], "resources": rule["resources"]});
                    if has("resourceNames") {
                        rr["resourceNames"] = rule["resourceNames"].clone();
                    }
                    resource_rules.push(rr);
                }
                if has("nonResourceURLs") {
                    non_resource_rules.push(
                        json!({"verbs": rule["verbs"], "nonResourceURLs": rule["nonResourceURLs"]}),
                    );
                }
            }
            out["spec"] = spec;
            out["status"] = json!({
                "resourceRules": resource_rules,
                "nonResourceRules": non_resource_rules,
                "incomplete": false,
            });
            return Ok(out);
        }
        let subject = match r.plural {
            "selfsubjectaccessreviews" => user.clone(),
            _ => {
                let name = spec["user"].as_str().unwrap_or("");
                let groups: Vec<String> = spec["groups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g.as_str().map(String::from))
                    .collect();
                if name.is_empty() && groups.is_empty() {
                    return Err(invalid(
                        r,
                        FieldError::invalid_raw(
                            "spec.user",
                            "\"\"",
                            "at least one of user or group must be specified",
                        ),
                    ));
                }
                User {
                    name: name.to_string(),
                    groups,
                }
            }
        };
        let res = &spec["resourceAttributes"];
        let non = &spec["nonResourceAttributes"];
        let s = |v: &Value, f: &str| v[f].as_str().unwrap_or("").to_string();
        if res.is_object() == non.is_object() {
            return Err(invalid(
                r,
                FieldError::invalid_raw(
                    "spec.resourceAttributes",
                    "null",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified",
                ),
            ));
        }
        let ns = if r.plural == "localsubjectaccessreviews" {
            if !s(res, "namespace").is_empty() && s(res, "namespace") != namespace {
                return Err(invalid(
                    r,
                    FieldError::invalid(
                        "spec.resourceAttributes.namespace",
                        &s(res, "namespace"),
                        "must match metadata.namespace",
                    ),
                ));
            }
            namespace.to_string()
        } else {
            s(res, "namespace")
        };
        let (verb, group, resource, sub, name, path) = if res.is_object() {
            (
                s(res, "verb"),
                s(res, "group"),
                s(res, "resource"),
                s(res, "subresource"),
                s(res, "name"),
                None,
            )
        } else {
            (
                s(non, "verb"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                Some(s(non, "path")),
            )
        };
        let ask = Ask {
            verb: &verb,
            group: &group,
            resource: &resource,
            subresource: &sub,
            namespace: &ns,
            name: &name,
            path: path.as_deref(),
        };
        let status = match authorization::decide(&self.store, &subject, &ask) {
            Some(reason) if reason.is_empty() => json!({"allowed": true}),
            Some(reason) => json!({"allowed": true, "reason": reason}),
            None => json!({"allowed": false}),
        };
        if r.plural == "localsubjectaccessreviews" {
            out["metadata"]["namespace"] = json!(namespace);
        }
        out["spec"] = spec;
        out["status"] = status;
        Ok(out)
    }
}
