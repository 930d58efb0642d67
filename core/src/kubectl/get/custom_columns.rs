//! `-o custom-columns=HEADER:path,...` and `-o custom-columns-file=FILE` (a line of
//! headers, a line of paths): one row per object, `<none>` where a path finds nothing.

use serde_json::Value;

use super::sorter::relaxed;
use crate::printers::jsonpath::Path;
use crate::printers::tabwriter;

pub struct Column {
    header: String,
    path: Path,
}

/// Parses the flag's spec.
pub fn from_spec(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| {
            let Some((header, path)) = part.split_once(':') else {
                return Err(format!(
                    "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                ));
            };
            column(header, path)
        })
        .collect()
}

/// Parses a template file's text.
pub fn from_template(text: &str) -> Result<Vec<Column>, String> {
    let mut lines = text.lines();
    let expected = "Expected format is one line of space separated headers, one line of space separated column specs.";
    let headers: Vec<&str> = lines
        .next()
        .ok_or(format!("invalid template, missing header line. {expected}"))?
        .split_whitespace()
        .collect();
    let specs: Vec<&str> = lines
        .next()
        .ok_or(format!("invalid template, missing spec line. {expected}"))?
        .split_whitespace()
        .collect();
    if headers.len() != specs.len() {
        return Err(format!(
            "number of headers ({}) and field specifications ({}) don't match",
            headers.len(),
            specs.len()
        ));
    }
    headers
        .into_iter()
        .zip(specs)
        .map(|(h, s)| column(h, s))
        .collect()
}

fn column(header: &str, path: &str) -> Result<Column, String> {
    let expr = relaxed(path)?;
    Ok(Column {
        header: header.to_string(),
        path: Path::parse(&expr)?,
    })
}

/// Go's `%v` of a decoded JSON value.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_value(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => other.to_string(),
    }
}

/// The rows, aligned as kubectl's tab writer does.
pub fn print(columns: &[Column], objects: &[Value], no_headers: bool) -> String {
    let mut text = String::new();
    if !no_headers {
        let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    for obj in objects {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| {
                let found = c.path.find(obj);
                if found.is_empty() {
                    "<none>".to_string()
                } else {
                    found
                        .into_iter()
                        .map(go_value)
                        .collect::<Vec<_>>()
                        .join(",")
                }
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    tabwriter::align(&text, 6, 3)
}
