//! `kubectl explain RESOURCE[.FIELD...]`: the documentation of a kind or one of its
//! fields, read from the server's OpenAPI v3 documents and laid out as kubectl 1.35's
//! plaintext template lays it out (descriptions wrapped at 76 columns as go-wordwrap
//! wraps them, `--recursive` for the field tree).

use serde_json::Value;

use super::client;
use super::flags::Parsed;
use super::{fail, resource_type, Ctx};
use crate::apiserver::request::Request;
use crate::apiserver::resources::Resource;
use crate::command::{CmdResult, Output};

/// Wraps `s` at `limit` columns as go-wordwrap's WrapString does: only at spaces, long
/// words overflow, existing line breaks stay.
fn wrap(limit: usize, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / limit.max(1));
    let (mut current, mut word, mut space) = (0usize, String::new(), String::new());
    let len = |s: &str| s.chars().count();
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + len(&space) <= limit {
                    out.push_str(&space);
                }
            } else {
                out.push_str(&space);
                out.push_str(&word);
                word.clear();
            }
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
    if word.is_empty() {
        if current + len(&space) <= limit {
            out.push_str(&space);
        }
    } else {
        out.push_str(&space);
        out.push_str(&word);
    }
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
            names.sort();
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

/// The group-version-kind the document's paths give resource `r`.
fn gvk_of(doc: &Value, r: &Resource) -> Option<Value> {
    let prefix = if r.group.is_empty() {
        "/api".to_string()
    } else {
        format!("/apis/{}", r.group)
    };
    let cluster = format!("{prefix}/{}/{}", r.version, r.plural);
    let namespaced = format!(
        "{prefix}/{}/namespaces/{{namespace}}/{}",
        r.version, r.plural
    );
    let searches = [
        cluster.clone(),
        format!("{cluster}/{{name}}"),
        namespaced.clone(),
        format!("{namespaced}/{{name}}"),
    ];
    searches.iter().find_map(|p| {
        let element = doc["paths"].get(p)?;
        ["get", "post", "put", "patch", "delete"]
            .iter()
            .find_map(|m| element[m].get("x-kubernetes-group-version-kind").cloned())
    })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    match p.get("output").unwrap_or("plaintext") {
        "plaintext" => {}
        "plaintext-openapiv2" => {
            return fail("error: \"kubectl explain --output=plaintext-openapiv2\" is not supported in Kubarium yet")
        }
        other => {
            return fail(format!(
                "error: unsupported output format: {other}; available formats: plaintext, plaintext-openapiv2"
            ))
        }
    }
    let arg = match p.positional.as_slice() {
        [] => return fail("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources."),
        [one] => one,
        _ => return fail("error: We accept only this format: explain RESOURCE"),
    };
    let mut parts = arg.split('.');
    let name = parts.next().unwrap_or("");
    let path: Vec<String> = parts.map(String::from).collect();
    let catalog = client::discover(ctx.cluster);
    let mut r = match resource_type(&catalog, name) {
        Ok(r) => r,
        // kubectl reports a type the mapper does not know without the "error: " prefix.
        Err(e) => return fail(e.strip_prefix("error: ").unwrap_or(&e)),
    };
    if let Some(api_version) = p.get("api-version") {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        match catalog.find(group, version, r.plural) {
            Some(found) => r = found,
            None => {
                return fail(format!(
                    "error: couldn't find resource for \"{}\"",
                    gvr_string(group, version, r.plural)
                ))
            }
        }
    }
    let mut client = client::connect(ctx.cluster);
    let index = match client.send(Request::get("/openapi/v3")).into_result() {
        Ok(v) => v,
        Err(e) => return fail(e.kubectl_message()),
    };
    let gv = if r.group.is_empty() {
        format!("api/{}", r.version)
    } else {
        format!("apis/{}/{}", r.group, r.version)
    };
    let Some(url) = index["paths"][&gv]["serverRelativeURL"].as_str() else {
        return fail(format!(
            "error: couldn't find resource for \"{}\"",
            gvr_string(r.group, r.version, r.plural)
        ));
    };
    let url = url.split('?').next().unwrap_or(url).to_string();
    let doc = match client.send(Request::get(url)).into_result() {
        Ok(v) => v,
        Err(e) => return fail(e.kubectl_message()),
    };
    let Some(gvk) = gvk_of(&doc, r) else {
        return fail(format!(
            "error: GVR ({}) not found in OpenAPI schema",
            gvr_string(r.group, r.version, r.plural)
        ));
    };
    let explain = Doc {
        doc: &doc,
        recursive: p.on("recursive"),
    };
    let schema = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, s)| {
            s["x-kubernetes-group-version-kind"]
                .as_array()
                .is_some_and(|l| l.contains(&gvk))
        });
    let Some((_, schema)) = schema else {
        return fail(format!(
            "error: GVK {} not found in OpenAPI schema",
            gvk_go(&gvk)
        ));
    };
    // The header is out before the template finds out whether the field exists.
    let mut header = String::new();
    if let Some(group) = gvk["group"].as_str().filter(|g| !g.is_empty()) {
        header.push_str(&format!("GROUP:      {group}\n"));
    }
    header.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        gvk["kind"].as_str().unwrap_or(""),
        gvk["version"].as_str().unwrap_or("")
    ));
    let body = explain.output(schema, &path, &[]);
    if body.is_empty() {
        let last = path.last().map(String::as_str).unwrap_or("");
        let mut out = Output::default();
        out.out(header);
        out.err(format!("error: field \"{last}\" does not exist\n"));
        return CmdResult {
            output: out,
            code: 1,
        };
    }
    CmdResult::ok(format!("{header}{body}\n"))
}

/// A GroupVersionResource as Go prints it (`apps/v1, Resource=deployments`).
fn gvr_string(group: &str, version: &str, plural: &str) -> String {
    if group.is_empty() {
        format!("/{version}, Resource={plural}")
    } else {
        format!("{group}/{version}, Resource={plural}")
    }
}

/// A group-version-kind map as Go's `%v` prints it.
fn gvk_go(gvk: &Value) -> String {
    format!(
        "map[group:{} kind:{} version:{}]",
        gvk["group"].as_str().unwrap_or(""),
        gvk["kind"].as_str().unwrap_or(""),
        gvk["version"].as_str().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_as_go_wordwrap() {
        assert_eq!(wrap(10, "aaa bbb ccc ddd"), "aaa bbb\nccc ddd");
        assert_eq!(wrap(5, "abcdefgh ij"), "abcdefgh\nij");
        assert_eq!(wrap(10, "one\n\ntwo  "), "one\n\ntwo  ");
    }
}
