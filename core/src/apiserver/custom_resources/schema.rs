//! Structural schemas (a CRD version's `openAPIV3Schema`): pruning of unknown fields,
//! defaulting and validation of custom resources, with the messages kube-openapi's
//! validator gives (`spec.replicas in body must be of type integer: "string"`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::apiserver::errors::FieldError;

/// What a schema allows beyond its named properties.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Additional {
    /// Nothing: unknown fields are pruned.
    #[default]
    None,
    /// Any value (`additionalProperties: true`).
    Any,
    /// Values of this schema (a map).
    Schema(Box<Schema>),
}

/// One node of a structural schema (the parts of JSONSchemaProps Kubarium acts on).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub type_: String,
    pub format: String,
    pub properties: BTreeMap<String, Schema>,
    pub items: Option<Box<Schema>>,
    pub additional: Additional,
    pub required: Vec<String>,
    pub enumeration: Vec<Value>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub unique_items: bool,
    pub nullable: bool,
    pub default: Option<Value>,
    pub preserve_unknown_fields: bool,
    pub int_or_string: bool,
    pub embedded_resource: bool,
    pub all_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    pub not: Option<Box<Schema>>,
    /// `x-kubernetes-validations`: CEL rules on this node.
    pub rules: Vec<Value>,
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn schemas(v: &Value, key: &str) -> Vec<Schema> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Schema::parse).collect())
        .unwrap_or_default()
}

impl Schema {
    /// Reads a JSONSchemaProps object (as stored in a CRD).
    pub fn parse(v: &Value) -> Schema {
        let text = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        let properties = v
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| {
                kubarium_tools::sort::insert_all(
                    p.iter().map(|(k, s)| (k.clone(), Schema::parse(s))),
                )
            })
            .unwrap_or_default();
        let additional = match v.get("additionalProperties") {
            Some(Value::Bool(true)) => Additional::Any,
            Some(s @ Value::Object(_)) => Additional::Schema(Box::new(Schema::parse(s))),
            _ => Additional::None,
        };
        Schema {
            type_: text("type"),
            format: text("format"),
            properties,
            items: v
                .get("items")
                .filter(|i| i.is_object())
                .map(|i| Box::new(Schema::parse(i))),
            additional,
            required: v
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            enumeration: v
                .get("enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            pattern: v.get("pattern").and_then(Value::as_str).map(String::from),
            minimum: num(v, "minimum"),
            maximum: num(v, "maximum"),
            exclusive_minimum: flag(v, "exclusiveMinimum"),
            exclusive_maximum: flag(v, "exclusiveMaximum"),
            multiple_of: num(v, "multipleOf"),
            min_length: count(v, "minLength"),
            max_length: count(v, "maxLength"),
            min_items: count(v, "minItems"),
            max_items: count(v, "maxItems"),
            min_properties: count(v, "minProperties"),
            max_properties: count(v, "maxProperties"),
            unique_items: flag(v, "uniqueItems"),
            nullable: flag(v, "nullable"),
            default: v.get("default").cloned(),
            preserve_unknown_fields: flag(v, "x-kubernetes-preserve-unknown-fields"),
            int_or_string: flag(v, "x-kubernetes-int-or-string"),
            embedded_resource: flag(v, "x-kubernetes-embedded-resource"),
            all_of: schemas(v, "allOf"),
            any_of: schemas(v, "anyOf"),
            one_of: schemas(v, "oneOf"),
            not: v.get("not").map(|n| Box::new(Schema::parse(n))),
            rules: v
                .get("x-kubernetes-validations")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The schema of field `name` of an object of this schema, if it has one.
    pub fn field(&self, name: &str) -> Option<&Schema> {
        self.properties.get(name).or(match &self.additional {
            Additional::Schema(s) => Some(s),
            _ => None,
        })
    }
}

/// A child path: `spec` + `replicas` is `spec.replicas`.
fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Drops the fields a schema does not declare, as the API server prunes custom resources,
/// collecting their paths (for fieldValidation), and nulls a non-nullable field without a
/// default could not hold. `root` keeps apiVersion, kind and metadata, which every object
/// (and embedded resource) has.
pub fn prune(
    value: &mut Value,
    schema: &Schema,
    path: &str,
    root: bool,
    unknown: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            let keeps_meta = root || schema.embedded_resource;
            if schema.preserve_unknown_fields || matches!(schema.additional, Additional::Any) {
                for (k, v) in map.iter_mut() {
                    if let Some(s) = schema.properties.get(k) {
                        prune(v, s, &child(path, k), false, unknown);
                    }
                }
                return;
            }
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                if keeps_meta && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match schema.field(&k) {
                    Some(s) if map[&k].is_null() && !s.nullable && s.default.is_none() => {
                        map.remove(&k);
                    }
                    Some(s) => {
                        if let Some(v) = map.get_mut(&k) {
                            prune(v, s, &child(path, &k), false, unknown);
                        }
                    }
                    None => {
                        unknown.push(child(path, &k));
                        map.remove(&k);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.items.as_deref() {
                for (i, v) in items.iter_mut().enumerate() {
                    prune(v, s, &format!("{path}[{i}]"), false, unknown);
                }
            }
        }
        _ => {}
    }
}

/// Fills in the schema's defaults for missing fields, depth first, as the API server
/// defaults custom resources on decode.
pub fn default(value: &mut Value, schema: &Schema) {
    match value {
        Value::Object(map) => {
            for (k, s) in &schema.properties {
                let unset = map.get(k).is_none_or(|v| v.is_null() && !s.nullable);
                if let Some(d) = s.default.as_ref().filter(|_| unset) {
                    map.insert(k.clone(), d.clone());
                }
            }
            for (k, v) in map.iter_mut() {
                if let Some(s) = schema.field(k) {
                    default(v, s);
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.items.as_deref() {
                for v in items.iter_mut() {
                    if let Some(d) = s.default.as_ref().filter(|_| v.is_null() && !s.nullable) {
                        *v = d.clone();
                    }
                    default(v, s);
                }
            }
        }
        _ => {}
    }
}

/// The JSON type name kube-openapi reports for a value.
fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_matches(schema: &Schema, v: &Value) -> bool {
    let actual = type_of(v);
    if schema.int_or_string {
        return matches!(actual, "integer" | "string");
    }
    match schema.type_.as_str() {
        "" => true,
        "number" => matches!(actual, "number" | "integer"),
        t => t == actual,
    }
}

/// A value as Go's %v prints it in "Invalid value" details.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => format!("\"{other}\""),
    }
}

fn invalid(path: &str, v: &Value, why: String) -> FieldError {
    FieldError::invalid_raw(path, &shown(v), &why)
}

/// A bound as Go prints a float64 (`10`, `0.5`).
fn bound(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Validates `v` against `schema`, appending field errors.
pub fn validate(v: &Value, schema: &Schema, path: &str, errs: &mut Vec<FieldError>) {
    if v.is_null() {
        if !schema.nullable && !schema.type_.is_empty() {
            errs.push(invalid(
                path,
                &Value::String("null".into()),
                format!("{path} in body must be of type {}: \"null\"", schema.type_),
            ));
        }
        return;
    }
    if !type_matches(schema, v) {
        let actual = type_of(v);
        errs.push(invalid(
            path,
            &Value::String(actual.into()),
            format!(
                "{path} in body must be of type {}: \"{actual}\"",
                schema.type_
            ),
        ));
        return;
    }
    if !schema.enumeration.is_empty() && !schema.enumeration.contains(v) {
        let list: Vec<String> = schema.enumeration.iter().map(shown).collect();
        errs.push(FieldError {
            field: path.into(),
            detail: format!(
                "Unsupported value: {}: supported values: {}",
                shown(v),
                list.join(", ")
            ),
        });
    }
    match v {
        Value::String(s) => validate_string(s, v, schema, path, errs),
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                validate_number(f, v, schema, path, errs);
            }
        }
        Value::Array(items) => validate_array(items, v, schema, path, errs),
        Value::Object(map) => validate_object(map, v, schema, path, errs),
        _ => {}
    }
    for s in &schema.all_of {
        validate(v, s, path, errs);
    }
    if !schema.any_of.is_empty() && !schema.any_of.iter().any(|s| passes(v, s, path)) {
        errs.push(invalid(
            path,
            v,
            format!("{path} in body must match at least one schema in anyOf"),
        ));
    }
    if !schema.one_of.is_empty() && schema.one_of.iter().filter(|s| passes(v, s, path)).count() != 1
    {
        errs.push(invalid(
            path,
            v,
            format!("{path} in body must validate one and only one schema (oneOf)"),
        ));
    }
    if let Some(not) = &schema.not {
        if passes(v, not, path) {
            errs.push(invalid(
                path,
                v,
                format!("{path} in body must not validate the schema (not)"),
            ));
        }
    }
}

fn passes(v: &Value, schema: &Schema, path: &str) -> bool {
    let mut errs = vec![];
    validate(v, schema, path, &mut errs);
    errs.is_empty()
}

fn validate_string(s: &str, v: &Value, schema: &Schema, path: &str, errs: &mut Vec<FieldError>) {
    let len = s.chars().count() as u64;
    if let Some(max) = schema.max_length.filter(|m| len > *m) {
        errs.push(FieldError {
            field: path.into(),
            detail: format!("Too long: may not be more than {max} bytes"),
        });
    }
    if let Some(min) = schema.min_length.filter(|m| len < *m) {
        errs.push(invalid(
            path,
            v,
            format!("{path} in body should be at least {min} chars long"),
        ));
    }
    if let Some(p) = &schema.pattern {
        // A pattern the regex engine cannot compile was refused with the CRD.
        match crate::tools::regex_match(p, Some(s)) {
            Some(Ok(true) | Err(_)) => {}
            Some(Ok(false)) => errs.push(invalid(
                path,
                v,
                format!("{path} in body should match '{p}'"),
            )),
            None => errs.push(invalid(path, v, crate::tools::REGEX_UNAVAILABLE.into())),
        }
    }
}

fn validate_number(f: f64, v: &Value, schema: &Schema, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(max) = schema.maximum {
        if schema.exclusive_maximum && f >= max {
            errs.push(invalid(
                path,
                v,
                format!("{path} in body should be less than {}", bound(max)),
            ));
        } else if f > max {
            errs.push(invalid(
                path,
                v,
                format!(
                    "{path} in body should be less than or equal to {}",
                    bound(max)
                ),
            ));
        }
    }
    if let Some(min) = schema.minimum {
        if schema.exclusive_minimum && f <= min {
            errs.push(invalid(
                path,
                v,
                format!("{path} in body should be greater than {}", bound(min)),
            ));
        } else if f < min {
            errs.push(invalid(
                path,
                v,
                format!(
                    "{path} in body should be greater than or equal to {}",
                    bound(min)
                ),
            ));
        }
    }
    if let Some(m) = schema.multiple_of.filter(|m| *m > 0.0) {
        if (f / m).fract() != 0.0 {
            errs.push(invalid(
                path,
                v,
                format!("{path} in body should be a multiple of {}", bound(m)),
            ));
        }
    }
}

fn validate_array(
    items: &[Value],
    v: &Value,
    schema: &Schema,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    let n = items.len() as u64;
    if let Some(max) = schema.max_items.filter(|m| n > *m) {
        errs.push(FieldError {
            field: path.into(),
            detail: format!("Too many: {n}: must have at most {max} items"),
        });
    }
    if let Some(min) = schema.min_items.filter(|m| n < *m) {
        errs.push(invalid(
            path,
            v,
            format!("{path} in body should have at least {min} items"),
        ));
    }
    if schema.unique_items {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                errs.push(FieldError {
                    field: format!("{path}[{i}]"),
                    detail: format!("Duplicate value: {}", shown(item)),
                });
            }
        }
    }
    if let Some(s) = schema.items.as_deref() {
        for (i, item) in items.iter().enumerate() {
            validate(item, s, &format!("{path}[{i}]"), errs);
        }
    }
}

fn validate_object(
    map: &Map<String, Value>,
    v: &Value,
    schema: &Schema,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    for r in &schema.required {
        if !map.contains_key(r) {
            errs.push(FieldError::required(child(path, r)));
        }
    }
    let n = map.len() as u64;
    if let Some(max) = schema.max_properties.filter(|m| n > *m) {
        errs.push(FieldError {
            field: path.into(),
            detail: format!("Too many: {n}: must have at most {max} items"),
        });
    }
    if let Some(min) = schema.min_properties.filter(|m| n < *m) {
        errs.push(invalid(
            path,
            v,
            format!("{path} in body should have at least {min} properties"),
        ));
    }
    for (k, item) in map {
        if path.is_empty() && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        if let Some(s) = schema.field(k) {
            validate(item, s, &child(path, k), errs);
        }
    }
}
