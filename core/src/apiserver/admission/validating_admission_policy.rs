//! ValidatingAdmissionPolicy: each binding applies its policy to the requests both match;
//! the policy's CEL match conditions, variables and validations are evaluated against the
//! object, the old object, the request, the binding's params and the namespace, and a
//! failing validation denies, warns or is only audited, as the binding's validation
//! actions say. Expressions that fail to evaluate follow the policy's failurePolicy.

use serde_json::{json, Map, Value};

use super::matching::{labels_of, rule_matches, selectors_match, selects};
use super::Attributes;
use crate::apiserver::cel;
use crate::apiserver::custom_resources;
use crate::apiserver::errors::{ApiError, Cause, Reason};
use crate::apiserver::resources;

const GROUP: &str = "admissionregistration.k8s.io";

/// Whether match resources (a policy's constraints or a binding's narrowing) select the
/// request: a rule matches, no exclude rule does, and the selectors select it.
fn selected(attrs: &Attributes<'_>, m: &Value, obj: &Value) -> bool {
    let any = |rules: &Value| {
        rules
            .as_array()
            .into_iter()
            .flatten()
            .any(|rule| rule_matches(attrs, rule))
    };
    let included = m["resourceRules"].is_null() || any(&m["resourceRules"]);
    included && !any(&m["excludeResourceRules"]) && selectors_match(attrs, m, obj)
}

/// The `request` variable: what kube-apiserver tells policies about a request.
fn request_of(attrs: &Attributes<'_>, obj: &Value) -> Value {
    let r = attrs.resource;
    let kind = json!({"group": r.group, "version": r.version, "kind": r.kind});
    let resource = json!({"group": r.group, "version": r.version, "resource": r.plural});
    let name = obj["metadata"]["name"].as_str().unwrap_or(attrs.name);
    json!({
        "kind": kind,
        "resource": resource,
        "subResource": attrs.subresource,
        "requestKind": kind,
        "requestResource": resource,
        "requestSubResource": attrs.subresource,
        "name": name,
        "namespace": attrs.namespace,
        "operation": attrs.operation.as_str(),
        "userInfo": attrs.user.map_or(json!({}), |u| json!({"username": u.name, "groups": u.groups})),
        "dryRun": attrs.dry_run,
    })
}

/// Why a policy refuses or warns about a request.
struct Decision {
    reason: Reason,
    message: String,
}

/// The objects a binding's paramRef names; `Err` when they are missing and the binding
/// says to deny then.
fn params_of(
    attrs: &Attributes<'_>,
    policy: &Value,
    binding: &Value,
) -> Result<Vec<Value>, String> {
    let kind = &policy["spec"]["paramKind"];
    if kind.is_null() {
        return Ok(vec![Value::Null]);
    }
    let param_ref = &binding["spec"]["paramRef"];
    let r = custom_resources::catalog(attrs.store).for_kind(
        kind["apiVersion"].as_str().unwrap_or(""),
        kind["kind"].as_str().unwrap_or(""),
    );
    let namespace = match param_ref["namespace"].as_str() {
        Some(ns) => ns,
        None if r.is_some_and(|r| r.namespaced) => attrs.namespace,
        None => "",
    };
    let found: Vec<Value> = match (r, param_ref["name"].as_str()) {
        (None, _) => vec![],
        (Some(r), Some(name)) => attrs
            .store
            .get(&r.key(namespace, name))
            .map(|kv| Value::clone(&kv.value()))
            .into_iter()
            .collect(),
        (Some(r), None) => {
            let selector = &param_ref["selector"];
            attrs
                .store
                .range(&r.prefix(r.namespaced.then_some(namespace)))
                .filter(|kv| !selector.is_null() && selects(selector, &labels_of(&kv.value())))
                .map(|kv| Value::clone(&kv.value()))
                .collect()
        }
    };
    if !found.is_empty() {
        return Ok(found);
    }
    if param_ref["parameterNotFoundAction"] == "Deny" {
        return Err("failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction".into());
    }
    Ok(vec![])
}

/// Evaluates a policy's validations for one params object; the decisions of the
/// validations that fail (or fail to evaluate, under failurePolicy Fail).
fn evaluate(policy: &Value, mut vars: Value) -> Vec<Decision> {
    let spec = &policy["spec"];
    let fail_closed = spec["failurePolicy"] != "Ignore";
    let error = |expr: &str, e: String| Decision {
        reason: Reason::Invalid,
        message: format!("expression '{expr}' resulted in error: {e}"),
    };
    let items = |field: &str| spec[field].as_array().cloned().unwrap_or_default();
    for condition in items("matchConditions") {
        let expr = condition["expression"].as_str().unwrap_or("");
        match cel::evaluate(expr, &vars) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Bool(false)) => return vec![],
            Ok(other) => {
                return fail_closed
                    .then(|| error(expr, not_bool(&other)))
                    .into_iter()
                    .collect()
            }
            Err(e) => return fail_closed.then(|| error(expr, e)).into_iter().collect(),
        }
    }
    for variable in items("variables") {
        let expr = variable["expression"].as_str().unwrap_or("");
        if let (Some(name), Ok(value)) = (variable["name"].as_str(), cel::evaluate(expr, &vars)) {
            vars["variables"][name] = value;
        }
    }
    let mut decisions = vec![];
    for v in items("validations") {
        let expr = v["expression"].as_str().unwrap_or("");
        let failed = match cel::evaluate(expr, &vars) {
            Ok(Value::Bool(true)) => continue,
            Ok(Value::Bool(false)) => Ok(()),
            Ok(other) => Err(not_bool(&other)),
            Err(e) => Err(e),
        };
        match failed {
            Err(e) if fail_closed => decisions.push(error(expr, e)),
            Err(_) => {}
            Ok(()) => decisions.push(Decision {
                reason: v["reason"].as_str().map_or(Reason::Invalid, Reason::parse),
                message: message_of(&v, expr, &vars),
            }),
        }
    }
    decisions
}

fn not_bool(v: &Value) -> String {
    format!("expected a bool result, got {v}")
}

/// What a failed validation says: its messageExpression's value, else its message, else
/// the expression that failed.
fn message_of(v: &Value, expr: &str, vars: &Value) -> String {
    if let Some(m) = v["messageExpression"].as_str() {
        if let Ok(Value::String(s)) = cel::evaluate(m, vars) {
            if !s.trim().is_empty() && !s.contains('\n') {
                return s;
            }
        }
    }
    match v["message"].as_str() {
        Some(m) => m.to_string(),
        None => format!("failed expression: {expr}"),
    }
}

/// Applies every policy binding that matches the request; returns the warnings of the
/// bindings that warn, or the first denial.
pub fn admit(attrs: &Attributes<'_>, obj: &Value) -> Result<Vec<String>, ApiError> {
    // Policies never apply to the objects that configure admission.
    if attrs.resource.group == GROUP {
        return Ok(vec![]);
    }
    let (Some(policies), Some(bindings)) = (
        resources::find(GROUP, "v1", "validatingadmissionpolicies"),
        resources::find(GROUP, "v1", "validatingadmissionpolicybindings"),
    ) else {
        return Ok(vec![]);
    };
    let bindings: Vec<Value> = attrs
        .store
        .range(&bindings.prefix(None))
        .map(|kv| Value::clone(&kv.value()))
        .collect();
    if bindings.is_empty() {
        return Ok(vec![]);
    }
    let namespace_object = if attrs.resource.namespaced {
        let key = resources::namespaces().key("", attrs.namespace);
        attrs
            .store
            .get(&key)
            .map_or(Value::Null, |kv| Value::clone(&kv.value()))
    } else {
        Value::Null
    };
    let base = json!({
        "object": obj,
        "oldObject": attrs.old.cloned().unwrap_or(Value::Null),
        "request": request_of(attrs, obj),
        "namespaceObject": namespace_object,
        "variables": Map::new(),
    });
    let mut warnings = vec![];
    for kv in attrs.store.range(&policies.prefix(None)) {
        let policy = &kv.value();
        let policy_name = policy["metadata"]["name"].as_str().unwrap_or("");
        if !selected(attrs, &policy["spec"]["matchConstraints"], obj) {
            continue;
        }
        for binding in bindings
            .iter()
            .filter(|b| b["spec"]["policyName"] == policy_name)
        {
            let m = &binding["spec"]["matchResources"];
            if !m.is_null() && !selected(attrs, m, obj) {
                continue;
            }
            let binding_name = binding["metadata"]["name"].as_str().unwrap_or("");
            let decisions = match params_of(attrs, policy, binding) {
                Ok(params) => params
                    .into_iter()
                    .flat_map(|p| {
                        let mut vars = base.clone();
                        vars["params"] = p;
                        evaluate(policy, vars)
                    })
                    .collect(),
                Err(message) => vec![Decision {
                    reason: Reason::Invalid,
                    message,
                }],
            };
            let actions = &binding["spec"]["validationActions"];
            let has = |a: &str| actions.as_array().is_some_and(|l| l.iter().any(|x| x == a));
            for d in &decisions {
                if has("Warn") {
                    warnings.push(format!(
                        "Validation failed for ValidatingAdmissionPolicy '{policy_name}' with binding '{binding_name}': {}",
                        d.message
                    ));
                }
            }
            if let (true, Some(d)) = (has("Deny"), decisions.into_iter().next()) {
                return Err(denial(attrs, policy_name, binding_name, d));
            }
        }
    }
    Ok(warnings)
}

/// The error a denying policy gives: forbidden in wording, with the validation's reason.
fn denial(attrs: &Attributes<'_>, policy: &str, binding: &str, d: Decision) -> ApiError {
    let why = format!(
        "ValidatingAdmissionPolicy '{policy}' with binding '{binding}' denied request: {}",
        d.message
    );
    let mut e = ApiError::forbidden(&attrs.resource.group_resource(), attrs.name, &why);
    e.reason = d.reason;
    e.details.causes.push(Cause {
        reason: String::new(),
        message: why,
        field: String::new(),
    });
    e
}
