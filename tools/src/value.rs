//! Small readers of the JSON values components pass around.

use serde_json::Value;

/// The strings of a JSON list: none when it is not a list, its other items skipped.
pub fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `strings`, owned.
pub fn owned_strings(v: &Value) -> Vec<String> {
    strings(v).into_iter().map(String::from).collect()
}

/// The items of a JSON list, taken: none when it is not a list.
pub fn items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        _ => vec![],
    }
}
