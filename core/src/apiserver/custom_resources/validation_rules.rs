//! CRD validation rules (`x-kubernetes-validations`): CEL expressions on schema nodes,
//! evaluated with `self` bound to the node's value (and `oldSelf` to its old value on an
//! update, for transition rules); a rule that does not hold gives the field error its
//! reason names, with its message. Compiled when the CRD is written.

use serde_json::{json, Value};

use super::schema::{Additional, Schema};
use crate::apiserver::cel;
use crate::apiserver::errors::FieldError;

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether a rule reads the old value (a transition rule).
fn is_transition(rule: &str) -> bool {
    rule.contains("oldSelf")
}

/// The error for a rule that does not hold.
fn failure(path: &str, schema: &Schema, rule: &Value, vars: &Value) -> FieldError {
    let expr = rule["rule"].as_str().unwrap_or("");
    let message = rule["messageExpression"]
        .as_str()
        .and_then(|m| match cel::evaluate(m, vars) {
            Ok(Value::String(s)) if !s.trim().is_empty() => Some(s),
            _ => None,
        })
        .or_else(|| rule["message"].as_str().map(String::from))
        .unwrap_or_else(|| format!("failed rule: {expr}"));
    let field = match rule["fieldPath"].as_str().filter(|f| !f.is_empty()) {
        Some(f) => format!(
            "{path}{}",
            if path.is_empty() {
                f.trim_start_matches('.')
            } else {
                f
            }
        ),
        None => path.to_string(),
    };
    let type_ = if schema.type_.is_empty() {
        "object"
    } else {
        &schema.type_
    };
    match rule["reason"].as_str() {
        Some("FieldValueForbidden") => FieldError::forbidden(field, &message),
        Some("FieldValueRequired") => {
            FieldError::required(field).with_detail(&format!("Required value: {message}"))
        }
        Some("FieldValueDuplicate") => FieldError::duplicate(field, type_),
        _ => FieldError::invalid(field, type_, &message),
    }
}

/// Evaluates the rules of `schema` and of the nodes under it on `v` (`old` on updates).
pub fn validate(
    v: &Value,
    old: Option<&Value>,
    schema: &Schema,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    if v.is_null() {
        return;
    }
    for rule in &schema.rules {
        let expr = rule["rule"].as_str().unwrap_or("");
        let transition = is_transition(expr);
        if transition && old.is_none() && rule["optionalOldSelf"] != true {
            continue;
        }
        let vars = json!({"self": v, "oldSelf": old.cloned().unwrap_or(Value::Null)});
        match cel::evaluate(expr, &vars) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Bool(false)) => errs.push(failure(path, schema, rule, &vars)),
            Ok(other) => errs.push(FieldError::invalid(
                path,
                &schema.type_,
                &format!("rule did not evaluate to a bool: {other} evaluating rule: {expr}"),
            )),
            Err(e) => errs.push(FieldError::invalid(
                path,
                &schema.type_,
                &format!("{e} evaluating rule: {expr}"),
            )),
        }
    }
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                let old_value = old.and_then(|o| o.get(key));
                let sub = match (schema.properties.get(key), &schema.additional) {
                    (Some(s), _) => s,
                    (None, Additional::Schema(s)) => s,
                    _ => continue,
                };
                validate(value, old_value, sub, &child(path, key), errs);
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = &schema.items {
                for (i, item) in items.iter().enumerate() {
                    validate(item, None, item_schema, &format!("{path}[{i}]"), errs);
                }
            }
        }
        _ => {}
    }
}

/// The rules of a schema (as stored in a CRD) that do not compile, with the paths the
/// CRD's validation reports (`<at>.properties[spec].x-kubernetes-validations[0].rule`).
pub fn compile_errors(schema: &Value, at: &str, errs: &mut Vec<FieldError>) {
    for (i, rule) in schema["x-kubernetes-validations"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let expr = rule["rule"].as_str().unwrap_or("");
        if let Err(e) = cel::check(expr) {
            errs.push(FieldError::invalid_raw(
                format!("{at}.x-kubernetes-validations[{i}].rule"),
                &go_rule(rule),
                &format!("compilation failed: {e}"),
            ));
        }
    }
    for (name, sub) in schema["properties"].as_object().into_iter().flatten() {
        compile_errors(sub, &format!("{at}.properties[{name}]"), errs);
    }
    if schema["items"].is_object() {
        compile_errors(&schema["items"], &format!("{at}.items"), errs);
    }
    if schema["additionalProperties"].is_object() {
        compile_errors(
            &schema["additionalProperties"],
            &format!("{at}.additionalProperties"),
            errs,
        );
    }
}

/// A rule as Go's `%#v` prints the internal ValidationRule.
fn go_rule(rule: &Value) -> String {
    let text = |k: &str| rule[k].as_str().unwrap_or("").to_string();
    let reason = match rule["reason"].as_str() {
        Some(r) => format!("\"{r}\""),
        None => "(*apiextensions.FieldValueErrorReason)(nil)".into(),
    };
    let optional = match rule["optionalOldSelf"].as_bool() {
        Some(b) => b.to_string(),
        None => "(*bool)(nil)".into(),
    };
    format!(
        "apiextensions.ValidationRule{{Rule:{:?}, Message:{:?}, MessageExpression:{:?}, Reason:{reason}, FieldPath:{:?}, OptionalOldSelf:{optional}}}",
        text("rule"),
        text("message"),
        text("messageExpression"),
        text("fieldPath")
    )
}
