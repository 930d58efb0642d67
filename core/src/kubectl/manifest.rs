//! Reading manifests for `-f`: files, directories or stdin; multi-document YAML or JSON;
//! `kind: List`; kubectl's parse and validation errors.

use serde_json::Value;

use super::Ctx;
use crate::apiserver::resources::{self, Resource};
use crate::shell::fs;

/// One object from a manifest, with where it came from.
#[derive(Debug, Clone)]
pub struct Doc {
    pub value: Value,
    pub source: String,
}

/// libyaml's parser errors; go-yaml reports these with the 0-based line of the problem,
/// and scanner errors with the 1-based one.
const PARSER_ERRORS: &[&str] = &[
    "did not find expected key",
    "did not find expected '-' indicator",
    "did not find expected node content",
    "did not find expected <document start>",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
];

/// Converts serde_yaml's error text to go-yaml's (`yaml: line N: <problem>`).
fn yaml_error(e: &serde_yaml::Error) -> String {
    let msg = e.to_string();
    let problem = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let line = e.location().map(|l| l.line());
    if let Some(key) = problem
        .strip_prefix("duplicate entry with key ")
        .or_else(|| problem.split(": duplicate entry with key ").nth(1))
    {
        return format!(
            "yaml: unmarshal errors:\n  line {}: key {key} already set in map",
            line.unwrap_or(0)
        );
    }
    // go-yaml numbers parser errors from 0 and scanner errors from 1, and leaves the line
    // out when the problem is on the first line.
    let shown = match line {
        Some(l) if l > 1 && PARSER_ERRORS.contains(&problem.as_str()) => Some(l - 1),
        Some(l) if l > 1 => Some(l),
        _ => None,
    };
    match shown {
        Some(l) => format!("yaml: line {l}: {problem}"),
        None => format!("yaml: {problem}"),
    }
}

/// Parses YAML or JSON text into documents (empty documents are skipped).
pub fn parse_documents(text: &str, source: &str) -> Result<Vec<Doc>, String> {
    let mut docs = vec![];
    for de in serde_yaml::Deserializer::from_str(text) {
        let yaml: serde_yaml::Value = serde::Deserialize::deserialize(de).map_err(|e| {
            format!(
                "error: error parsing {source}: error converting YAML to JSON: {}",
                yaml_error(&e)
            )
        })?;
        if yaml.is_null() {
            continue;
        }
        let value: Value = serde_json::to_value(&yaml).map_err(|e| {
            format!("error: error parsing {source}: error converting YAML to JSON: yaml: {e}")
        })?;
        if !value.is_object() {
            return Err(format!("error: error parsing {source}: error converting YAML to JSON: yaml: cannot unmarshal {} into Go value of type map[string]interface {{}}", type_name(&value)));
        }
        if value["kind"] == "List" {
            for item in value["items"].as_array().cloned().unwrap_or_default() {
                docs.push(Doc {
                    value: item,
                    source: source.to_string(),
                });
            }
        } else {
            docs.push(Doc {
                value,
                source: source.to_string(),
            });
        }
    }
    Ok(docs)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "value",
    }
}

/// Reads every `-f` argument.
pub fn read(ctx: &Ctx<'_>, files: &[String]) -> Result<Vec<Doc>, String> {
    let mut docs = vec![];
    for f in files {
        if f == "-" {
            let text = ctx.stdin.clone().unwrap_or_default();
            docs.extend(parse_documents(&text, "STDIN")?);
            continue;
        }
        if f.starts_with("http://") || f.starts_with("https://") {
            return Err(format!("error: reading manifests from URLs ({f}) is not supported in Kubarium yet: Kubarium runs offline"));
        }
        let path = fs::resolve(ctx.cwd, f);
        if ctx.fs.is_dir(&path) {
            for name in ctx.fs.list(&path) {
                if [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
                {
                    let full = fs::resolve(&path, &name);
                    let text = ctx.fs.read(&full).unwrap_or("");
                    docs.extend(parse_documents(text, &format!("{f}/{name}"))?);
                }
            }
            continue;
        }
        match ctx.fs.read(&path) {
            Some(text) => docs.extend(parse_documents(text, f)?),
            None => return Err(format!("error: the path \"{f}\" does not exist")),
        }
    }
    Ok(docs)
}

/// Finds the served resource for a document, with kubectl's validation and mapping errors.
pub fn resource_of(doc: &Doc) -> Result<&'static Resource, String> {
    let api_version = doc.value["apiVersion"].as_str().unwrap_or("");
    let kind = doc.value["kind"].as_str().unwrap_or("");
    let mut missing = vec![];
    if api_version.is_empty() {
        missing.push("apiVersion not set");
    }
    if kind.is_empty() {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        let list = if missing.len() == 1 {
            missing[0].to_string()
        } else {
            format!("[{}]", missing.join(", "))
        };
        return Err(format!(
            "error: error validating \"{}\": error validating data: {list}; if you choose to ignore these errors, turn validation off with --validate=false",
            doc.source
        ));
    }
    match resources::for_kind(api_version, kind) {
        Some(r) if resources::is_served(r) => return Ok(r),
        Some(_) => {
            return Err(format!(
                "error: {kind} ({api_version}) is not supported in Kubarium yet"
            ))
        }
        None => {}
    }
    let name = doc.value["metadata"]["name"].as_str().unwrap_or("");
    let ns = doc.value["metadata"]["namespace"].as_str().unwrap_or("");
    Err(format!(
        "error: resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
        doc.source
    ))
}

/// The namespace a document goes to, checking it against an explicit `-n`.
pub fn namespace_of(doc: &Doc, flag_ns: Option<&str>) -> Result<String, String> {
    let own = doc.value["metadata"]["namespace"]
        .as_str()
        .filter(|s| !s.is_empty());
    match (own, flag_ns) {
        (Some(o), Some(f)) if o != f => Err(format!(
            "error: the namespace from the provided object \"{o}\" does not match the namespace \"{f}\". You must pass '--namespace={o}' to perform this operation."
        )),
        (Some(o), _) => Ok(o.to_string()),
        (None, Some(f)) => Ok(f.to_string()),
        (None, None) => Ok("default".to_string()),
    }
}

/// Where in a manifest a problem is: 1-based line and column, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Finds the line of the first key named like the last segment of `field`
/// (`spec.containers[0].imagee` -> the `imagee:` line).
pub fn locate_field(text: &str, field: &str) -> Option<(usize, usize)> {
    let last = field.rsplit('.').next()?.split('[').next()?;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if trimmed.starts_with(&format!("{last}:")) {
            let col = line.len() - trimmed.len() + 1;
            return Some((i + 1, col));
        }
    }
    None
}

/// Checks YAML syntax without touching the cluster.
pub fn check_syntax(text: &str) -> Result<(), Located> {
    for de in serde_yaml::Deserializer::from_str(text) {
        if let Err(e) = <serde_yaml::Value as serde::Deserialize>::deserialize(de) {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let msg = e.to_string();
            let problem = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            return Err(Located {
                line,
                column,
                message: problem,
            });
        }
    }
    Ok(())
}
