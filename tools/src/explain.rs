//! `kubectl explain`'s rendering of an OpenAPI v3 schema as kubectl 1.35's plaintext
//! template lays it out: descriptions wrapped at 76 columns as go-wordwrap wraps them,
//! the FIELDS list, `--recursive` for the field tree, a field path followed down.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A kind's schema to explain, with the schemas it refers to.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Request {
    pub schemas: Map<String, Value>,
    pub schema: Value,
    /// The field path after the resource (`spec.containers`).
    pub path: Vec<String>,
    pub recursive: bool,
}

/// What explain prints after its header; empty when a field on the path does not exist.
pub fn render(r: &Request) -> String {
    let doc = serde_json::json!({"components": {"schemas": r.schemas}});
    Doc {
        doc: &doc,
        recursive: r.recursive,
    }
    .output(&r.schema, &r.path, &[])
}

/// A field as an editor offers it: its name, its type as explain shows it, whether it is
/// required, its description, and the values it takes where the schema lists them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    pub description: String,
    pub values: Vec<String>,
}

/// The fields an object may have at `r.path` (sequences' items entered on the way, one
/// segment a map's key), sorted by name; None when the path leads nowhere.
pub fn fields(r: &Request) -> Option<Vec<Field>> {
    let doc = serde_json::json!({"components": {"schemas": r.schemas}});
    let d = Doc {
        doc: &doc,
        recursive: false,
    };
    let at = d.reach(&r.schema, &r.path, 0)?;
    let mut out = vec![];
    d.collect(at, &mut out, 0);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    Some(out)
}

/// The values a description names for its field: `One of Always, Never, IfNotPresent.`,
/// `Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.`, `Supports
/// "TCP", "UDP", and "SCTP".`
fn described_values(description: &str) -> Vec<String> {
    const LEADS: [&str; 5] = [
        "One of ",
        "one of ",
        "Valid values are ",
        "Valid options are ",
        "Supports ",
    ];
    let Some(rest) = LEADS
        .iter()
        .find_map(|lead| description.split_once(lead).map(|(_, r)| r))
    else {
        return vec![];
    };
    let list = rest
        .split(". ")
        .next()
        .unwrap_or(rest)
        .trim_end_matches('.');
    let words: Vec<String> = list
        .split(',')
        .flat_map(|w| w.split(" or "))
        .flat_map(|w| w.split(" and "))
        .map(|w| {
            w.trim()
                .trim_start_matches("and ")
                .trim_start_matches("or ")
        })
        .map(|w| {
            w.trim_matches(|c| c == '"' || c == '`' || c == '\'')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let plain = |w: &String| {
        w.len() <= 40
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    };
    if words.len() >= 2 && words.iter().all(plain) {
        words
    } else {
        vec![]
    }
}

/// Wraps `s` at `limit` columns as go-wordwrap's WrapString does: only at spaces, long
/// words overflow, existing line breaks stay.
fn wrap(limit: usize, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / limit.max(1));
    let (mut current, mut word, mut space) = (0usize, String::new(), String::new());
    let len = |s: &str| s.chars().count();
    // The pending space and word at a line's end: trailing space only if it fits.
    let flush = |out: &mut String, current: usize, space: &str, word: &str| {
        if !word.is_empty() || current + len(space) <= limit {
            out.push_str(space);
            out.push_str(word);
        }
    };
    for c in s.chars() {
        if c == '\n' {
            flush(&mut out, current, &space, &word);
            word.clear();
            space.clear();
            out.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += len(&space) + len(&word);
                out.push_str(&space);
                out.push_str(&word);
                space.clear();
                word.clear();
            }
            space.push(c);
        } else {
            word.push(c);
            if current + len(&space) + len(&word) > limit && len(&word) < limit {
                out.push('\n');
                current = 0;
                space.clear();
            }
        }
    }
    flush(&mut out, current, &space, &word);
    out
}

/// Indents every line of `s` by `n` spaces (the line after a final newline too).
fn indent(n: usize, s: &str) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// One OpenAPI document and what rendering it needs.
struct Doc<'a> {
    doc: &'a Value,
    recursive: bool,
}

impl Doc<'_> {
    /// The schema a `$ref` names, if the document has it.
    fn resolve(&self, reference: &str) -> Option<&Value> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        self.doc["components"]["schemas"].get(name)
    }

    /// A schema, or the one it refers to.
    fn resolved<'s>(&'s self, schema: &'s Value) -> &'s Value {
        schema["$ref"]
            .as_str()
            .and_then(|r| self.resolve(r))
            .unwrap_or(schema)
    }

    /// A short type for a schema: `string`, `[]Container`, `map[string]string`, `Object`.
    fn type_guess(&self, schema: &Value) -> String {
        let map_values = schema["additionalProperties"].is_object();
        let all_of = schema["allOf"].as_array().filter(|a| a.len() == 1);
        if schema.get("items").is_some_and(|i| !i.is_null()) {
            format!("[]{}", self.type_guess(&schema["items"]))
        } else if map_values {
            format!(
                "map[string]{}",
                self.type_guess(&schema["additionalProperties"])
            )
        } else if let (Some(all), true) = (all_of, schema.get("properties").is_none()) {
            self.type_guess(&all[0])
        } else if let Some(reference) = schema["$ref"].as_str() {
            match self.resolve(reference).and_then(|s| s["type"].as_str()) {
                Some(t) if t != "object" => t.to_string(),
                _ => {
                    let name = reference.rsplit('/').next().unwrap_or("");
                    match name.rsplit('.').next() {
                        Some(n) if !n.is_empty() => n.to_string(),
                        _ => "Object".into(),
                    }
                }
            }
        } else {
            match schema["type"].as_str() {
                Some("object") | None | Some("") => "Object".into(),
                Some(t) => t.to_string(),
            }
        }
    }

    /// The descriptions of a schema and of what it is made of (allOf, items, values).
    fn description(&self, schema: &Value) -> String {
        let s = self.resolved(schema);
        let mut out = String::new();
        if let Some(d) = s["description"].as_str().filter(|d| !d.is_empty()) {
            out.push_str(d);
            out.push('\n');
        }
        for sub in s["allOf"].as_array().into_iter().flatten() {
            out.push_str(&self.description(sub));
        }
        if s.get("items").is_some_and(|i| !i.is_null()) {
            out.push_str(&self.description(&s["items"]));
        }
        if s["additionalProperties"].is_object() {
            out.push_str(&self.description(&s["additionalProperties"]));
        }
        out
    }

    /// `enum: a, b, c, d, ....` after a field's type, or the ENUM list of one field.
    fn enum_of(schema: &Value, long: bool, limit: Option<usize>, indent_by: usize) -> String {
        let Some(values) = schema["enum"].as_array().filter(|v| !v.is_empty()) else {
            return String::new();
        };
        let mut out = if long {
            "ENUM:".to_string()
        } else {
            format!("\n{}enum: ", " ".repeat(indent_by))
        };
        for (i, v) in values.iter().enumerate() {
            if limit.is_some_and(|l| i >= l) {
                out.push_str(", ....");
                break;
            }
            if i > 0 && !long {
                out.push_str(", ");
            } else if long {
                out.push_str("\n    ");
            }
            match v {
                Value::String(s) if s.is_empty() => out.push_str("\"\""),
                Value::String(s) => out.push_str(s),
                other => out.push_str(&other.to_string()),
            }
        }
        out
    }

    /// One field of `parent`: its name, type, `-required-`, and (unless `short`) its
    /// description.
    fn field_detail(&self, name: &str, parent: &Value, short: bool, level: usize) -> String {
        let by = level * 2;
        let field = &parent["properties"][name];
        let required = parent["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == name));
        let mut out = format!(
            "{}\t<{}>{}{}\n",
            indent(by, name),
            self.type_guess(field),
            if required { " -required-" } else { "" },
            Self::enum_of(field, false, Some(4), by)
        );
        if !short {
            let description = field["description"]
                .as_str()
                .filter(|d| !d.is_empty())
                .unwrap_or("<no description>");
            out.push_str(&indent(
                by + 2,
                &wrap(78usize.saturating_sub(by), description),
            ));
            out.push_str("\n\n");
        }
        out
    }

    /// The fields of a schema (following refs, allOf, items and map values), one level or,
    /// with `--recursive`, the whole tree; refs already on the way stop the descent.
    fn field_list(&self, schema: &Value, level: usize, history: &[String]) -> String {
        let reference = schema["$ref"].as_str().unwrap_or("");
        if !reference.is_empty() && history.iter().any(|h| h == reference) {
            return String::new();
        }
        let mut history = history.to_vec();
        history.push(reference.to_string());
        let s = self.resolved(schema);
        let mut out = String::new();
        if let Some(props) = s["properties"].as_object() {
            let mut names: Vec<&String> = props.keys().collect();
            crate::sort::sort(&mut names);
            for name in names {
                out.push_str(&self.field_detail(name, s, self.recursive, level));
                if self.recursive {
                    out.push_str(&self.field_list(&props[name.as_str()], level + 1, &history));
                }
            }
        }
        for sub in s["allOf"].as_array().into_iter().flatten() {
            out.push_str(&self.field_list(sub, level, &history));
        }
        if s.get("items").is_some_and(|i| !i.is_null()) {
            out.push_str(&self.field_list(&s["items"], level, &history));
        }
        if s["additionalProperties"].is_object() {
            out.push_str(&self.field_list(&s["additionalProperties"], level, &history));
        }
        out
    }

    /// The schema `path` leads to from `schema` (resolved), following refs, allOf,
    /// sequences' items and (consuming a segment, the key) maps' values.
    fn reach<'s>(&'s self, schema: &'s Value, path: &[String], depth: usize) -> Option<&'s Value> {
        if depth > 64 {
            return None;
        }
        let s = self.resolved(schema);
        let Some((first, rest)) = path.split_first() else {
            return Some(s);
        };
        if let Some(sub) = s["properties"].get(first.as_str()) {
            return self.reach(sub, rest, depth + 1);
        }
        if s.get("items").is_some_and(|i| !i.is_null()) {
            return self.reach(&s["items"], path, depth + 1);
        }
        if s["additionalProperties"].is_object() {
            return self.reach(&s["additionalProperties"], rest, depth + 1);
        }
        s["allOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|sub| self.reach(sub, path, depth + 1))
    }

    /// The fields of an object schema (through allOf and sequences' items).
    fn collect(&self, schema: &Value, out: &mut Vec<Field>, depth: usize) {
        if depth > 16 {
            return;
        }
        let s = self.resolved(schema);
        if let Some(props) = s["properties"].as_object() {
            for (name, field) in props {
                let description = self.description(field).trim().to_string();
                let kind = self.type_guess(field);
                let mut values: Vec<String> = self.resolved(field)["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                if values.is_empty() {
                    values = if kind == "boolean" {
                        vec!["true".into(), "false".into()]
                    } else {
                        described_values(&description)
                    };
                }
                out.push(Field {
                    name: name.clone(),
                    required: s["required"]
                        .as_array()
                        .is_some_and(|r| r.iter().any(|x| x == name.as_str())),
                    kind,
                    description,
                    values,
                });
            }
        }
        for sub in s["allOf"].as_array().into_iter().flatten() {
            self.collect(sub, out, depth + 1);
        }
        if s.get("items").is_some_and(|i| !i.is_null()) {
            self.collect(&s["items"], out, depth + 1);
        }
    }

    /// Follows `path` from `schema`, then prints what it reaches (empty when a field on
    /// the way does not exist).
    fn output(&self, schema: &Value, path: &[String], history: &[String]) -> String {
        let reference = schema["$ref"].as_str().unwrap_or("");
        let mut next_history = history.to_vec();
        next_history.push(reference.to_string());
        let s = self.resolved(schema);
        let Some((first, rest)) = path.split_first() else {
            let description = self.description(s);
            let description = if description.is_empty() {
                "<empty>".to_string()
            } else {
                description
            };
            let mut out = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(76, &description)));
            let fields = self.field_list(s, 1, &[]);
            if !fields.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fields);
            }
            return out;
        };
        if !reference.is_empty() && history.iter().any(|h| h == reference) {
            return String::new();
        }
        if let Some(sub) = s["properties"].get(first.as_str()) {
            let mut out = String::new();
            if rest.is_empty() {
                out.push_str(&format!(
                    "FIELD: {first} <{}>\n{}\n\n",
                    self.type_guess(sub),
                    Self::enum_of(sub, true, None, 0)
                ));
            }
            out.push_str(&self.output(sub, rest, &[]));
            return out;
        }
        if s.get("items").is_some_and(|i| !i.is_null()) {
            return self.output(&s["items"], path, &next_history);
        }
        if s["additionalProperties"].is_object() {
            return self.output(&s["additionalProperties"], path, &next_history);
        }
        for sub in s["allOf"].as_array().into_iter().flatten() {
            let out = self.output(sub, path, &next_history);
            if !out.is_empty() {
                return out;
            }
        }
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn values_named_in_descriptions() {
        let v = super::described_values;
        assert_eq!(
            v("Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always."),
            ["Always", "Never", "IfNotPresent"]
        );
        assert_eq!(
            v("Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. More"),
            ["ExternalName", "ClusterIP", "NodePort", "LoadBalancer"]
        );
        assert_eq!(
            v("The protocol. Supports \"TCP\", \"UDP\", and \"SCTP\". Default is TCP."),
            ["TCP", "UDP", "SCTP"]
        );
        assert!(v("One of the containers must be ready for the pod to start.").is_empty());
    }

    #[test]
    fn wraps_as_go_wordwrap() {
        assert_eq!(wrap(10, "aaa bbb ccc ddd"), "aaa bbb\nccc ddd");
        assert_eq!(wrap(5, "abcdefgh ij"), "abcdefgh\nij");
        assert_eq!(wrap(10, "one\n\ntwo  "), "one\n\ntwo  ");
    }
}
