//! Reading manifests for `-f`: files, directories or stdin; multi-document YAML or JSON;
//! `kind: List`; kubectl's parse and validation errors.

use serde_json::Value;

use super::Ctx;
use crate::apiserver::resources::{self, Catalog, Resource};
use crate::shell::fs;

/// One object from a manifest, with where it came from.
#[derive(Debug, Clone)]
pub struct Doc {
    pub value: Value,
    pub source: String,
}

/// Splits a stream at `---` lines as apimachinery's YAML reader does: kubectl hands each
/// piece to the YAML parser alone (so line numbers count from the piece), and a separator
/// with text after it is an error.
fn split_pieces(text: &str) -> Result<Vec<&str>, String> {
    let mut pieces = vec![];
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(after) = line.strip_prefix("---") {
            if !after.trim_end().is_empty() {
                return Err(format!(
                    "invalid Yaml document separator: {}",
                    after.trim_end_matches(['\n', '\r'])
                ));
            }
            pieces.push(&text[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    pieces.push(&text[start..]);
    Ok(pieces)
}

/// Parses YAML or JSON text into documents as kubectl reads them (sigs.k8s.io/yaml: YAML
/// 1.1 scalars such as `0400` and `yes`, the last of duplicate keys; empty documents are
/// skipped; `kind: List` is unpacked).
pub fn parse_documents(text: &str, source: &str) -> Result<Vec<Doc>, String> {
    let mut docs = vec![];
    let pieces = split_pieces(text).map_err(|e| format!("error: error parsing {source}: {e}"))?;
    for piece in pieces {
        let parsed = crate::yaml::documents_with(piece, crate::yaml::DuplicateKeys::LastWins)
            .map_err(|e| {
                format!("error: error parsing {source}: error converting YAML to JSON: {e}")
            })?;
        // go-yaml reads the first document of each piece.
        let Some(value) = parsed.into_iter().next().filter(|v| !v.is_null()) else {
            continue;
        };
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

/// One file's text (a template file), or Go's error for a file that is not there.
pub fn read_file(ctx: &Ctx<'_>, file: &str) -> Result<String, String> {
    match ctx.fs().read(&fs::resolve(ctx.cwd, file)) {
        Some(t) => Ok(t.to_string()),
        None => Err(format!("open {file}: no such file or directory")),
    }
}

/// The documents of the `-f` arguments, which a verb that works only from files requires.
pub fn read_required(p: &super::flags::Parsed, ctx: &Ctx<'_>) -> Result<Vec<Doc>, String> {
    let files = p.all("filename");
    if files.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    read(ctx, &files)
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
        if super::urls::is_url(f) {
            docs.extend(parse_documents(&super::urls::fetch(f)?, f)?);
            continue;
        }
        let path = fs::resolve(ctx.cwd, f);
        if ctx.fs().is_dir(&path) {
            for name in ctx.fs().list(&path) {
                if [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
                {
                    let full = fs::resolve(&path, &name);
                    let text = ctx.fs().read(&full).unwrap_or("");
                    docs.extend(parse_documents(text, &format!("{f}/{name}"))?);
                }
            }
            continue;
        }
        match ctx.fs().read(&path) {
            Some(text) => docs.extend(parse_documents(text, f)?),
            None => return Err(format!("error: the path \"{f}\" does not exist")),
        }
    }
    Ok(docs)
}

/// Finds the served resource for a document, with kubectl's validation and mapping errors.
pub fn resource_of(catalog: &Catalog, doc: &Doc) -> Result<&'static Resource, String> {
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
    match catalog.for_kind(api_version, kind) {
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
/// The namespace an object goes to: its own, or `-n` (which must then agree), or the
/// context's (`fallback`, which never disagrees).
pub fn namespace_of(doc: &Doc, flag_ns: Option<&str>, fallback: &str) -> Result<String, String> {
    let own = doc.value["metadata"]["namespace"]
        .as_str()
        .filter(|s| !s.is_empty());
    match (own, flag_ns) {
        (Some(o), Some(f)) if o != f => Err(format!(
            "error: the namespace from the provided object \"{o}\" does not match the namespace \"{f}\". You must pass '--namespace={o}' to perform this operation."
        )),
        (Some(o), _) => Ok(o.to_string()),
        (None, Some(f)) => Ok(f.to_string()),
        (None, None) => Ok(fallback.to_string()),
    }
}

/// Where a document's object lives: its resource, namespace ("" when cluster-scoped;
/// `-n` must agree with its own, else the context's) and name.
pub fn locate(
    catalog: &Catalog,
    doc: &Doc,
    flag_ns: Option<&str>,
    fallback: &str,
) -> Result<(&'static Resource, String, String), String> {
    let r = resource_of(catalog, doc)?;
    let ns = namespace_of(doc, flag_ns, fallback)?;
    let ns = if r.namespaced { ns } else { String::new() };
    let name = doc.value["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    Ok((r, ns, name))
}

/// Where in a manifest a problem is: 1-based line and column, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Checks YAML syntax without touching the cluster (lines count from the start of the
/// text, as the editor shows them).
pub fn check_syntax(text: &str) -> Result<(), Located> {
    match crate::yaml::documents_with(text, crate::yaml::DuplicateKeys::LastWins) {
        Ok(_) => Ok(()),
        Err(e) => Err(Located {
            line: e.line.max(1),
            column: e.column.max(1),
            message: e.problem,
        }),
    }
}
