//! JSON as kubectl prints it, Go's `json.MarshalIndent` with four spaces: HTML-safe
//! escaping, integral floats without a fraction, and object keys in the order they are
//! given (a Go struct's fields in declaration order, a map's keys sorted).

use serde_json::{Number, Value};

/// A JSON value whose objects keep their keys' order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// `value` with each object's keys in the order `order` gives them (it receives the
    /// key that holds the object and the object's keys, sorted).
    pub fn ordered(value: &Value, parent: &str, order: &dyn Fn(&str, &mut Vec<&String>)) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(s.clone()),
            Value::Array(a) => {
                Json::Array(a.iter().map(|v| Json::ordered(v, parent, order)).collect())
            }
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                order(parent, &mut keys);
                Json::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), Json::ordered(&m[k.as_str()], k, order)))
                        .collect(),
                )
            }
        }
    }

    /// `value` with its objects' keys sorted, as Go prints maps.
    pub fn sorted(value: &Value) -> Json {
        Json::ordered(value, "", &|_, _| {})
    }

    /// The value without its key order.
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
            }
        }
    }

    /// Indented with four spaces, with a trailing newline.
    pub fn indented(&self) -> String {
        let mut out = String::new();
        self.write(0, &mut out);
        out.push('\n');
        out
    }

    /// On one line, as `json.Marshal` writes it.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_compact(&self, out: &mut String) {
        match self {
            Json::Object(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    escape(k, out);
                    out.push(':');
                    v.write_compact(out);
                }
                out.push('}');
            }
            Json::Array(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_compact(out);
                }
                out.push(']');
            }
            scalar => scalar.write(0, out),
        }
    }

    fn write(&self, level: usize, out: &mut String) {
        let pad = |n: usize, out: &mut String| out.push_str(&" ".repeat(n * 4));
        match self {
            Json::Object(m) if !m.is_empty() => {
                out.push_str("{\n");
                for (i, (k, v)) in m.iter().enumerate() {
                    pad(level + 1, out);
                    escape(k, out);
                    out.push_str(": ");
                    v.write(level + 1, out);
                    out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
                }
                pad(level, out);
                out.push('}');
            }
            Json::Array(a) if !a.is_empty() => {
                out.push_str("[\n");
                for (i, v) in a.iter().enumerate() {
                    pad(level + 1, out);
                    v.write(level + 1, out);
                    out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
                }
                pad(level, out);
                out.push(']');
            }
            Json::Object(_) => out.push_str("{}"),
            Json::Array(_) => out.push_str("[]"),
            Json::String(s) => escape(s, out),
            Json::Number(n) => out.push_str(&number(n)),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Null => out.push_str("null"),
        }
    }
}

/// A number as Go prints it: a float with no fraction loses its `.0`.
pub fn number(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// A string as Go's encoding/json quotes it (`<`, `>` and `&` escaped).
pub fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
