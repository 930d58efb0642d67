//! The editor's help from the cluster: the problems in a manifest as the learner types
//! (YAML syntax, and what the API server says of each object in a server-side dry run:
//! unknown fields, wrong types, invalid values), each at its line; and, where the cursor
//! is, the fields and values the served OpenAPI schema allows there and the field's
//! documentation. Nothing here changes the cluster.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::apiserver::request::PatchType;
use crate::apiserver::resources::Resource;
use crate::kubectl::manifest::{check_syntax, resource_of, Doc};
use crate::session::Session;

pub use kubarium_tools::explain::Field;

/// A problem in the editor's text, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What the schema says where the cursor is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assist {
    /// The object the cursor is in, as explain names it (`Pod.spec.containers[]`).
    pub path: String,
    /// The field on the cursor's line, documented.
    pub field: Option<Field>,
    /// What fits at the cursor: the fields of the object there (at a key), or the field's
    /// values (after `key: `).
    pub candidates: Vec<String>,
    /// The word before the cursor that a candidate replaces.
    pub prefix: String,
    /// The candidates are values (after `key: `), not keys.
    pub at_value: bool,
}

/// Every problem in `text`, in order of line.
pub fn lint(s: &mut Session, text: &str) -> Vec<Problem> {
    if let Err(e) = check_syntax(text) {
        return vec![Problem {
            line: e.line,
            column: e.column,
            message: e.message,
        }];
    }
    let (Some(values), Some(Ok(positions))) = (
        crate::yaml::documents_with(text, crate::yaml::DuplicateKeys::LastWins).ok(),
        crate::tools::yaml_positions(text),
    ) else {
        return vec![];
    };
    let mut problems = vec![];
    for (value, fields) in values.into_iter().zip(positions) {
        if value.is_null() {
            continue;
        }
        let at = Locator(&fields);
        for (path, message) in dry_run(s, value) {
            let (line, column) = at.find(&path);
            problems.push(Problem {
                line,
                column,
                message,
            });
        }
    }
    problems.sort_by_key(|p| (p.line, p.column));
    problems
}

/// Where field `path` (`spec.containers[0].imagee`) is written in the first document of
/// `text` that has it, or the nearest field above it.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let docs = crate::tools::yaml_positions(text)?.ok()?;
    let doc = docs
        .iter()
        .find(|fields| fields.iter().any(|f| f.0 == path))
        .or(docs.first())?;
    Some(Locator(doc).find(path))
}

/// Where a document's fields are.
struct Locator<'a>(&'a [(String, usize, usize)]);

impl Locator<'_> {
    /// The position of `path`, or of the nearest field above it that is written (a
    /// required field is missing under its parent); a path without indices (Go's type
    /// errors name `spec.containers.ports`) matches the first such field; the document's
    /// first line when nothing matches.
    fn find(&self, path: &str) -> (usize, usize) {
        let start = self.0.first().map_or((1, 1), |f| (f.1, 1));
        let mut path = path.to_string();
        loop {
            let hit = self
                .0
                .iter()
                .find(|f| f.0 == path || without_indices(&f.0) == path);
            if let Some(f) = hit {
                return (f.1, f.2);
            }
            match path.rfind(['.', '[']) {
                Some(cut) if cut > 0 => path.truncate(cut),
                _ => return start,
            }
        }
    }
}

fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '[' => skipping = true,
            ']' => skipping = false,
            c if !skipping => out.push(c),
            _ => {}
        }
    }
    out
}

/// What the API server says of one object applied server-side as a dry run (as
/// `kubectl apply --server-side --dry-run=server` sends it): each problem with the field
/// it is about ("" for the whole object).
fn dry_run(s: &mut Session, value: Value) -> Vec<(String, String)> {
    let catalog = s.cluster.api.catalog();
    let doc = Doc {
        value,
        source: "STDIN".into(),
    };
    let r = match resource_of(&catalog, &doc) {
        Ok(r) => r,
        Err(e) => {
            let field = if doc.value["apiVersion"].is_string() {
                "kind"
            } else {
                "apiVersion"
            };
            return vec![(field.into(), strip_error(&e))];
        }
    };
    let Some(name) = doc.value["metadata"]["name"]
        .as_str()
        .filter(|n| !n.is_empty())
    else {
        return vec![(
            "metadata.name".into(),
            "metadata.name: Required value: name is required".into(),
        )];
    };
    let ns = match (r.namespaced, doc.value["metadata"]["namespace"].as_str()) {
        (false, _) => String::new(),
        (true, Some(ns)) => ns.to_string(),
        (true, None) => "default".to_string(),
    };
    let name = name.to_string();
    let query = [
        ("dryRun", "All"),
        ("fieldManager", "kubectl"),
        ("fieldValidation", "Strict"),
        ("force", "true"),
    ];
    let mut client = crate::kubectl::client::connect(&mut s.cluster);
    match client.patch(r, &ns, &name, "", PatchType::Apply, doc.value, &query) {
        Ok(_) => vec![],
        Err(e) if !e.details.causes.is_empty() => e
            .details
            .causes
            .iter()
            .map(|c| {
                let message = if c.field.is_empty() {
                    c.message.clone()
                } else {
                    format!("{}: {}", c.field, c.message)
                };
                (c.field.clone(), message)
            })
            .collect(),
        Err(e) => server_problems(&e.message),
    }
}

/// A refusal without causes, split into its problems: each unknown field of a strict
/// decoding error, the field a type error names, or the message as it is.
fn server_problems(message: &str) -> Vec<(String, String)> {
    let unknown: Vec<(String, String)> = message
        .split("unknown field \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|f| (f.to_string(), format!("unknown field \"{f}\"")))
        .collect();
    if !unknown.is_empty() {
        return unknown;
    }
    let why = message
        .split_once("cannot be handled as a ")
        .and_then(|(_, rest)| rest.split_once(": "))
        .map_or(message, |(_, why)| why);
    // json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
    let field = why
        .split_once("Go struct field ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|f| f.split_once('.'))
        .map(|(_, path)| path.to_string())
        .unwrap_or_default();
    vec![(field, why.to_string())]
}

fn strip_error(e: &str) -> String {
    e.strip_prefix("error: ").unwrap_or(e).to_string()
}

/// One line of YAML as far as the editor needs it: the columns of its `- ` item marks,
/// where its content starts, and its key and what follows the key's colon.
struct Shape<'a> {
    dashes: Vec<usize>,
    content: usize,
    key: Option<&'a str>,
    rest: &'a str,
}

fn shape(line: &str) -> Option<Shape<'_>> {
    let mut pos = line.len() - line.trim_start_matches(' ').len();
    let mut dashes = vec![];
    while line[pos..] == *"-" || line[pos..].starts_with("- ") {
        dashes.push(pos);
        pos += 1;
        pos += line[pos..].len() - line[pos..].trim_start_matches(' ').len();
    }
    let content = &line[pos..];
    if content.starts_with('#') || (content.is_empty() && dashes.is_empty()) {
        return None;
    }
    let colon = content
        .find(": ")
        .or_else(|| content.ends_with(':').then(|| content.len() - 1));
    let (key, rest) = match colon {
        Some(i) => (
            Some(content[..i].trim_matches(['"', '\''])),
            &content[i + 1..],
        ),
        None => (None, ""),
    };
    Some(Shape {
        dashes,
        content: pos,
        key,
        rest: rest.trim(),
    })
}

/// One step of the path to the cursor's object.
enum Segment<'a> {
    Key(&'a str),
    Item,
}

/// The keys and items leading to the mapping that holds column `column` of line `at`,
/// found by indentation from the lines above (so that half-typed text still has a place).
fn path_to<'a>(lines: &[&'a str], at: usize, column: usize) -> Vec<Segment<'a>> {
    let mut path = vec![];
    let (mut limit, mut inclusive) = (column, false);
    if let Some(here) = lines.get(at).and_then(|l| shape(l)) {
        limit = here.content;
        for &d in here.dashes.iter().rev() {
            path.push(Segment::Item);
            (limit, inclusive) = (d, true);
        }
    }
    for line in lines[..at.min(lines.len())].iter().rev() {
        if limit == 0 && !inclusive {
            break;
        }
        let Some(sh) = shape(line) else { continue };
        let fits = sh.content < limit || (inclusive && sh.content == limit);
        if let (true, Some(key), "") = (fits, sh.key, sh.rest) {
            path.push(Segment::Key(key));
            (limit, inclusive) = (sh.content, false);
        }
        for &d in sh.dashes.iter().rev() {
            if d < limit {
                path.push(Segment::Item);
                (limit, inclusive) = (d, true);
            }
        }
    }
    path.reverse();
    path
}

/// The schema's help at 1-based `line` and `column` of `text` (a character column).
pub fn assist(s: &mut Session, text: &str, line: usize, column: usize) -> Assist {
    let lines: Vec<&str> = text.lines().collect();
    let at = line.saturating_sub(1).min(lines.len());
    // The document the cursor is in: between the `---` lines around it.
    let first = lines[..at]
        .iter()
        .rposition(|l| l.starts_with("---"))
        .map_or(0, |i| i + 1);
    let last = lines[at..]
        .iter()
        .position(|l| l.starts_with("---"))
        .map_or(lines.len(), |i| at + i);
    let doc = &lines[first..last.max(first)];
    let here = at - first;
    let current = doc.get(here).copied().unwrap_or("");
    let column = current
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(current.len(), |(i, _)| i);
    let top = |key: &str| {
        doc.iter()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    };
    let (api_version, kind) = (top("apiVersion"), top("kind"));
    let segments = path_to(doc, here, column);
    let keys: Vec<String> = segments
        .iter()
        .filter_map(|seg| match seg {
            Segment::Key(k) => Some(k.to_string()),
            Segment::Item => None,
        })
        .collect();
    let shown: String = segments
        .iter()
        .map(|seg| match seg {
            Segment::Key(k) => format!(".{k}"),
            Segment::Item => "[]".into(),
        })
        .collect();
    let mut assist = Assist {
        path: format!("{}{shown}", kind.as_deref().unwrap_or("")),
        ..Assist::default()
    };
    // At a key, or after one's colon (its value).
    let typed = &current[..column];
    let line_shape = shape(current);
    let key_here = line_shape.as_ref().and_then(|sh| sh.key);
    let in_value = line_shape
        .as_ref()
        .is_some_and(|sh| sh.key.is_some() && column > sh.content + sh.key.map_or(0, str::len));
    assist.at_value = in_value;
    assist.prefix = typed
        .rsplit([' ', '-', ':'])
        .next()
        .unwrap_or("")
        .to_string();
    let catalog = s.cluster.api.catalog();
    if keys.is_empty() && in_value {
        match key_here {
            Some("apiVersion") => {
                let mut all: Vec<String> = catalog.all().map(Resource::api_version).collect();
                all.sort();
                all.dedup();
                assist.candidates = all;
            }
            Some("kind") => {
                let mut all: Vec<String> = catalog
                    .all()
                    .filter(|r| api_version.as_ref().is_none_or(|v| r.api_version() == *v))
                    .map(|r| r.kind.to_string())
                    .collect();
                all.sort();
                all.dedup();
                assist.candidates = all;
            }
            _ => {}
        }
    }
    let resource = api_version
        .as_deref()
        .zip(kind.as_deref())
        .and_then(|(v, k)| catalog.for_kind(v, k));
    let Some(r) = resource else { return assist };
    let Ok((_, schema, schemas)) = crate::kubectl::explain::served_schema(&mut s.cluster, r) else {
        return assist;
    };
    let fields_at = |path: Vec<String>| -> Vec<Field> {
        let request = kubarium_tools::explain::Request {
            schemas: schemas.clone(),
            schema: schema.clone(),
            path,
            recursive: false,
        };
        crate::tools::explain_fields(&request).unwrap_or_default()
    };
    let fields = fields_at(keys);
    assist.field = key_here.and_then(|k| fields.iter().find(|f| f.name == k).cloned());
    if in_value {
        if let Some(f) = &assist.field {
            if !f.values.is_empty() {
                assist.candidates = f.values.clone();
            }
        }
    } else {
        let written: Vec<&str> = sibling_keys(doc, here);
        assist.candidates = fields
            .iter()
            .filter(|f| !written.contains(&f.name.as_str()) || Some(f.name.as_str()) == key_here)
            .map(|f| f.name.clone())
            .collect();
    }
    assist
}

/// The keys already written in the mapping the cursor's line belongs to (same content
/// column, no shallower line between).
fn sibling_keys<'a>(doc: &[&'a str], at: usize) -> Vec<&'a str> {
    let Some(col) = doc.get(at).and_then(|l| shape(l)).map(|sh| sh.content) else {
        return vec![];
    };
    let mut keys = vec![];
    let same = |sh: &Shape<'a>, keys: &mut Vec<&'a str>| {
        if sh.content == col {
            keys.extend(sh.key);
        }
    };
    for line in doc[..at].iter().rev() {
        let Some(sh) = shape(line) else { continue };
        same(&sh, &mut keys);
        if sh.content < col
            || sh
                .dashes
                .last()
                .is_some_and(|&d| d < col && sh.content == col)
        {
            break;
        }
    }
    for line in doc.iter().skip(at + 1) {
        let Some(sh) = shape(line) else { continue };
        if sh.content < col || !sh.dashes.is_empty() && sh.dashes[0] < col {
            break;
        }
        same(&sh, &mut keys);
    }
    keys
}
