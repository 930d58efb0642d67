//! The describer for kinds without one of their own (custom resources, leases, webhook
//! configurations...): the object's fields as an indented tree with readable labels.

use serde_json::{Map, Value};

use super::{s, write_annotations, write_events, write_map};
use crate::tabwriter;
use crate::time::Millis;

/// Fields the header already shows, or that describe leaves out.
const SKIP: [&str; 5] = [
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

#[derive(PartialEq, Clone, Copy)]
enum Class {
    Lower,
    Upper,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_lowercase() {
        Class::Lower
    } else if c.is_uppercase() {
        Class::Upper
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// Splits a camelCase word into its words, keeping acronyms together
/// (`podCIDRs` → `pod`, `CID`, `Rs`; `HTTPServer` → `HTTP`, `Server`).
fn split_camel(word: &str) -> Vec<String> {
    let mut runs: Vec<Vec<char>> = vec![];
    let mut last = None;
    for c in word.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if last == Some(k) => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = Some(k);
    }
    for i in 0..runs.len().saturating_sub(1) {
        let (a, b) = (runs[i][0], runs[i + 1][0]);
        if class(a) == Class::Upper && class(b) == Class::Lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// A field name as a label: `apiVersion` → `API Version`, `nodeName` → `Node Name`.
/// Names with characters other than letters and `-` stay as they are.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    split_camel(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|part| {
            let upper = part.to_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => {
                        first.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase()
                    }
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A scalar as Go's `%v` prints a decoded JSON value.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(t) => t.clone(),
        Value::Null => "<nil>".into(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(scalar).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", scalar(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => other.to_string(),
    }
}

fn content(out: &mut String, level: usize, map: &Map<String, Value>, prefix: &str) {
    let indent = "  ".repeat(level);
    for (field, value) in map {
        let path = format!("{prefix}.{field}");
        if SKIP.contains(&path.as_str()) {
            continue;
        }
        match value {
            Value::Object(m) => {
                out.push_str(&format!("{indent}{}:\n", smart_label(field)));
                content(out, level + 1, m, &path);
            }
            Value::Array(items) => {
                out.push_str(&format!("{indent}{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(m) => content(out, level + 1, m, &path),
                        other => out.push_str(&format!("{indent}  {}\n", scalar(other))),
                    }
                }
            }
            other => out.push_str(&format!(
                "{indent}{}:\t{}\n",
                smart_label(field),
                scalar(other)
            )),
        }
    }
}

/// `kubectl describe` of a kind with no describer of its own.
pub fn generic(obj: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    out.push_str(&format!("Name:\t{}\n", s(obj, "/metadata/name")));
    out.push_str(&format!("Namespace:\t{}\n", s(obj, "/metadata/namespace")));
    write_map(&mut out, "", "Labels", &obj["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &obj["metadata"]["annotations"]);
    if let Some(m) = obj.as_object() {
        content(&mut out, 0, m, "");
    }
    write_events(&mut out, obj, events, now);
    tabwriter::align(&out, 0, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("holderIdentity"), "Holder Identity");
        assert_eq!(smart_label("podCIDR"), "Pod Cidr");
        assert_eq!(smart_label("HTTPServer"), "Http Server");
        assert_eq!(smart_label("some-key"), "Some - Key");
        assert_eq!(smart_label("v1"), "v1");
        assert_eq!(smart_label("uid"), "UID");
    }
}
