//! `kubectl get --sort-by=<jsonpath>`: rows (or objects) ordered by one field, compared
//! as kubectl compares them (numbers as numbers, strings as quantities when both are).

use serde_json::Value;

use crate::printers::gosort;
use crate::printers::jsonpath::Path;
use crate::quantity;

/// kubectl's relaxed form: `.a.b`, `a.b`, `{.a.b}` and `{a.b}` all mean `{.a.b}`.
pub fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let inner = expr
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(expr);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{inner}}}"))
}

/// Whether `a` sorts before `b` (kubectl's isLess on decoded JSON values).
fn less(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => false,
        (Value::Null, _) => true,
        (_, Value::Null) => false,
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i < j,
            _ => x.as_f64().unwrap_or(0.0) < y.as_f64().unwrap_or(0.0),
        },
        (Value::String(x), Value::String(y)) => match (quantity::parse(x), quantity::parse(y)) {
            (Some(i), Some(j)) => i < j,
            _ => x < y,
        },
        (Value::Array(x), Value::Array(y)) => {
            for (i, j) in x.iter().zip(y) {
                if !less(i, j) {
                    return false;
                }
            }
            true
        }
        _ => false,
    }
}

/// The first value `path` finds in each item (None when it finds none).
fn keys<'a>(path: &Path, items: impl Iterator<Item = &'a Value>) -> Vec<Option<Value>> {
    items
        .map(|item| path.find(item).into_iter().next().cloned())
        .collect()
}

/// Sorts `items` by `field` (already relaxed), reading each item through `object`.
/// Err when there are rows and none has the field (kubectl then prints nothing).
pub fn sort<T>(
    items: &mut Vec<T>,
    field: &str,
    object: impl Fn(&T) -> &Value,
) -> Result<(), String> {
    let path = Path::parse(field)?;
    let found = keys(&path, items.iter().map(&object));
    if items.len() > 1 && found.iter().all(Option::is_none) {
        return Err(format!(
            "couldn't find any field with path \"{field}\" in the list of objects"
        ));
    }
    let mut paired: Vec<(Option<Value>, T)> = found.into_iter().zip(items.drain(..)).collect();
    // A row without the field sorts first; ties fall where Go's sort.Sort leaves them.
    gosort::sort(&mut paired, |(a, _), (b, _)| match (a, b) {
        (None, _) => true,
        (_, None) => false,
        (Some(a), Some(b)) => less(a, b),
    });
    items.extend(paired.into_iter().map(|(_, t)| t));
    Ok(())
}
