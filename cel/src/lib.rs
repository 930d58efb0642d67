//! CEL for admission: checks and evaluates the Common Expression Language expressions
//! of ValidatingAdmissionPolicies against JSON variables, with the `cel` crate (its
//! hand-written Pratt parser, the standard library with `matches`, and the strings and
//! lists extensions Kubernetes also enables).
//!
//! Kept apart from the core so that the browser can load it after the first paint; the
//! core reaches it through its `CelEngine` seam.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::parser::{Expression, PrattParser};
use cel::{Context, Env, ExecutionError, Value};
use serde_json::Value as Json;

thread_local! {
    static ENV: RefCell<Option<Arc<Env>>> = const { RefCell::new(None) };
}

/// The environment every expression runs in, built once per thread.
fn env() -> Arc<Env> {
    ENV.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| {
                let mut env = Env::stdlib();
                // Neither extension is declared yet on a new environment, so neither fails.
                let _ = env.add_extension(cel::extensions::strings);
                let _ = env.add_extension(cel::extensions::lists);
                Arc::new(env)
            })
            .clone()
    })
}

/// Parses an expression, as the API server compiles one when a policy is written.
fn parse(expr: &str) -> Result<Expression, String> {
    PrattParser::default()
        .parse(expr)
        .map_err(|e| e.to_string().trim_end().replace("\n| ", "\n | "))
}

/// Whether `expr` compiles; the error says where it does not.
pub fn check(expr: &str) -> Result<(), String> {
    guarded(|| parse(expr).map(|_| ()))
}

/// Evaluates `expr` with each member of `variables` (an object) bound to its name.
pub fn evaluate(expr: &str, variables: &Json) -> Result<Json, String> {
    guarded(|| {
        let program = parse(expr)?;
        let mut ctx = Context::with_env(env());
        for (name, value) in variables.as_object().into_iter().flatten() {
            ctx.add_variable_from_value(name.as_str(), from_json(value));
        }
        let value = Value::resolve(&program, &ctx).map_err(|e| message(&e))?;
        to_json(&value)
    })
}

/// An evaluation error worded as cel-go words it, where Kubernetes users meet it.
fn message(e: &ExecutionError) -> String {
    match e {
        ExecutionError::NoSuchKey(k) => format!("no such key: {k}"),
        ExecutionError::UndeclaredReference(r) => {
            format!("undeclared reference to '{r}' (in container '')")
        }
        ExecutionError::DivisionByZero(_) => "division by zero".into(),
        ExecutionError::RemainderByZero(_) => "modulus by zero".into(),
        other => other.to_string(),
    }
}

/// Runs `f`, turning a panic inside the interpreter into an error (where panics unwind).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("internal error evaluating the expression".to_string()))
}

/// A JSON value as CEL sees it: integers are `int` (as Kubernetes' int64 fields are),
/// other numbers `double`.
fn from_json(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(items) => Value::List(Arc::new(items.iter().map(from_json).collect())),
        Json::Object(members) => {
            let map: HashMap<Key, Value> = members
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), from_json(v)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// A CEL result as JSON (maps with sorted keys); values JSON cannot hold are errors.
fn to_json(v: &Value) -> Result<Json, String> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Value::Map(m) => {
            let mut members: Vec<(String, Json)> = m
                .map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Key::String(s) => s.to_string(),
                        Key::Int(i) => i.to_string(),
                        Key::Uint(u) => u.to_string(),
                        Key::Bool(b) => b.to_string(),
                    };
                    to_json(v).map(|v| (key, v))
                })
                .collect::<Result<_, _>>()?;
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(members.into_iter().collect())
        }
        other => return Err(format!("unsupported result type {:?}", other.type_of())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn evaluates_kubernetes_style_rules() {
        let vars = json!({"object": {"spec": {"replicas": 3}, "metadata": {"name": "web-1", "labels": {"app": "web"}}}});
        let cases = [
            ("object.spec.replicas <= 5", json!(true)),
            ("object.spec.replicas > 5", json!(false)),
            ("has(object.metadata.labels) && object.metadata.labels.app == 'web'", json!(true)),
            ("object.metadata.name.startsWith('web') && object.metadata.name.matches('^[a-z]+-[0-9]$')", json!(true)),
            ("'replicas: ' + string(object.spec.replicas)", json!("replicas: 3")),
            ("object.metadata.name.split('-')", json!(["web", "1"])),
            ("[1, 2, 3].all(x, x > 0) && [1, 2].exists(x, x == 2)", json!(true)),
        ];
        for (expr, want) in cases {
            assert_eq!(evaluate(expr, &vars), Ok(want), "{expr}");
        }
    }

    #[test]
    fn reports_syntax_and_evaluation_errors() {
        assert!(check("object.spec.replicas <=").is_err());
        assert!(check("object.spec.replicas <= 5").is_ok());
        let missing = evaluate("object.spec.missing > 1", &json!({"object": {"spec": {}}}));
        assert!(missing.is_err(), "{missing:?}");
    }
}
