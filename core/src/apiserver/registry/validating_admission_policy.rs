//! ValidatingAdmissionPolicy and its binding: the defaults kube-apiserver sets
//! (failurePolicy Fail, match everything, rule scope "*") and the validation of the parts
//! a policy needs (expressions that compile, a policy name, validation actions).

use k8s_openapi::api::admissionregistration::v1::{
    MatchResources, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
    ValidatingAdmissionPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::apiserver::cel;
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

fn default_match(m: &mut MatchResources) {
    m.match_policy.get_or_insert_with(|| "Equivalent".into());
    m.namespace_selector
        .get_or_insert_with(LabelSelector::default);
    m.object_selector.get_or_insert_with(LabelSelector::default);
    let rules = m.resource_rules.iter_mut().flatten();
    for rule in rules.chain(m.exclude_resource_rules.iter_mut().flatten()) {
        rule.scope.get_or_insert_with(|| "*".into());
    }
}

/// The expressions of a policy that do not compile, as kube-apiserver reports them.
fn compile_errors(spec: &ValidatingAdmissionPolicySpec) -> Vec<FieldError> {
    let mut exprs: Vec<(String, &str)> = vec![];
    for (i, c) in spec.match_conditions.iter().flatten().enumerate() {
        exprs.push((
            format!("spec.matchConditions[{i}].expression"),
            &c.expression,
        ));
    }
    for (i, v) in spec.variables.iter().flatten().enumerate() {
        exprs.push((format!("spec.variables[{i}].expression"), &v.expression));
    }
    for (i, v) in spec.validations.iter().flatten().enumerate() {
        exprs.push((format!("spec.validations[{i}].expression"), &v.expression));
        if let Some(m) = v.message_expression.as_deref() {
            exprs.push((format!("spec.validations[{i}].messageExpression"), m));
        }
    }
    for (i, a) in spec.audit_annotations.iter().flatten().enumerate() {
        exprs.push((
            format!("spec.auditAnnotations[{i}].valueExpression"),
            &a.value_expression,
        ));
    }
    exprs
        .into_iter()
        .filter(|(_, e)| !e.trim().is_empty())
        .filter_map(|(field, e)| {
            let err = cel::check(e).err()?;
            Some(FieldError::invalid(
                field,
                e,
                &format!("compilation failed: {err}"),
            ))
        })
        .collect()
}

impl Strategy for ValidatingAdmissionPolicy {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        self.status = None;
        default_policy(self);
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        default_policy(self);
        vec![]
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let spec = self.spec.clone().unwrap_or_default();
        errs.extend(compile_errors(&spec));
        match &spec.match_constraints {
            None => errs.push(FieldError::required("spec.matchConstraints")),
            Some(m) if m.resource_rules.as_ref().is_none_or(Vec::is_empty) => {
                errs.push(FieldError::required("spec.matchConstraints.resourceRules"))
            }
            Some(_) => {}
        }
        let validations = spec.validations.unwrap_or_default();
        if validations.is_empty() && spec.audit_annotations.as_ref().is_none_or(Vec::is_empty) {
            for field in ["spec.validations", "spec.auditAnnotations"] {
                errs.push(FieldError::required(field).with_detail(
                    "Required value: validations or auditAnnotations must contain at least one item",
                ));
            }
        }
        for (i, v) in validations.iter().enumerate() {
            let at = format!("spec.validations[{i}]");
            if v.expression.trim().is_empty() {
                errs.push(
                    FieldError::required(format!("{at}.expression"))
                        .with_detail("Required value: expression is not specified"),
                );
            }
            if let Some(m) = v.message.as_deref() {
                if m.trim().is_empty() {
                    errs.push(FieldError::invalid(
                        format!("{at}.message"),
                        m,
                        "must be non-empty if specified",
                    ));
                } else if m.contains('\n') {
                    errs.push(FieldError::invalid(
                        format!("{at}.message"),
                        m,
                        "must not contain line breaks",
                    ));
                }
            }
            errs.extend(FieldError::one_of(
                format!("{at}.reason"),
                v.reason.as_deref(),
                &["Forbidden", "Invalid", "RequestEntityTooLarge"],
            ));
        }
        if let Some(pk) = &spec.param_kind {
            if pk.api_version.as_deref().unwrap_or("").is_empty() {
                errs.push(FieldError::required("spec.paramKind.apiVersion"));
            }
            if pk.kind.as_deref().unwrap_or("").is_empty() {
                errs.push(FieldError::required("spec.paramKind.kind"));
            }
        }
        errs.extend(FieldError::one_of(
            "spec.failurePolicy",
            spec.failure_policy.as_deref(),
            &["Fail", "Ignore"],
        ));
        errs
    }

    spec_and_status!();
}

/// The defaults the API server sets on every write of a policy.
fn default_policy(policy: &mut ValidatingAdmissionPolicy) {
    if let Some(spec) = policy.spec.as_mut() {
        spec.failure_policy.get_or_insert_with(|| "Fail".into());
        if let Some(m) = spec.match_constraints.as_mut() {
            default_match(m);
        }
    }
}

/// The defaults the API server sets on every write of a binding.
fn default_binding(binding: &mut ValidatingAdmissionPolicyBinding) {
    if let Some(m) = binding
        .spec
        .as_mut()
        .and_then(|s| s.match_resources.as_mut())
    {
        default_match(m);
    }
}

impl Strategy for ValidatingAdmissionPolicyBinding {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        default_binding(self);
    }

    fn prepare_for_update(&mut self, _old: &Self) -> Vec<FieldError> {
        default_binding(self);
        vec![]
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let spec = self.spec.clone().unwrap_or_default();
        if spec.policy_name.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldError::required("spec.policyName"));
        }
        let actions = spec.validation_actions.unwrap_or_default();
        if actions.is_empty() {
            errs.push(
                FieldError::required("spec.validationActions")
                    .with_detail("Required value: at least one validation action is required"),
            );
        }
        for (i, a) in actions.iter().enumerate() {
            let field = format!("spec.validationActions[{i}]");
            if actions[..i].contains(a) {
                errs.push(FieldError::duplicate(field, a));
            } else {
                errs.extend(FieldError::one_of(
                    field,
                    Some(a),
                    &["Audit", "Deny", "Warn"],
                ));
            }
        }
        if let Some(p) = &spec.param_ref {
            let (name, selector) = (
                p.name.as_deref().is_some_and(|n| !n.is_empty()),
                p.selector.is_some(),
            );
            match (name, selector) {
                (true, true) => {
                    for f in ["name", "selector"] {
                        errs.push(FieldError::forbidden(
                            format!("spec.paramRef.{f}"),
                            "name and selector are mutually exclusive",
                        ));
                    }
                }
                (false, false) => errs.push(
                    FieldError::required("spec.paramRef")
                        .with_detail("Required value: one of name or selector must be specified"),
                ),
                _ => {}
            }
            match p.parameter_not_found_action.as_deref() {
                None | Some("") => errs.push(FieldError::required(
                    "spec.paramRef.parameterNotFoundAction",
                )),
                Some(a) => errs.extend(FieldError::one_of(
                    "spec.paramRef.parameterNotFoundAction",
                    Some(a),
                    &["Deny", "Allow"],
                )),
            }
        }
        if actions.iter().any(|a| a == "Deny") && actions.iter().any(|a| a == "Warn") {
            errs.push(FieldError::invalid_raw(
                "spec.validationActions",
                &serde_json::to_string(&actions).unwrap_or_default(),
                "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)",
            ));
        }
        errs
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["spec"];
}
