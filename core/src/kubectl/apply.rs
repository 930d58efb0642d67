//! `kubectl apply -f` and `kubectl create -f`: create what is new; apply also updates
//! what exists with a three-way merge against the last-applied configuration.

use serde_json::{Map, Value};

use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, manifest, Ctx};
use crate::apiserver::errors::{ApiError, Reason};
use crate::apiserver::patch::{list_strategy, ListStrategy};
use crate::apiserver::request::PatchType;
use crate::command::{CmdResult, Output};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Create,
}

/// How `--dry-run` was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

pub fn dry_run(p: &Parsed) -> Result<DryRun, CmdResult> {
    match p.get("dry-run") {
        None | Some("none") | Some("false") => Ok(DryRun::None),
        Some("client") | Some("true") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some(v) => Err(fail(format!(
            "error: Invalid dry-run value ({v}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// `-o` and `--dry-run` together, as every creating verb takes them.
/// The output formats of the verbs that write (no tables, wide or custom columns).
pub const WRITE_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml";

/// `-o` and `--dry-run` of a verb that writes.
pub fn output_options(p: &Parsed) -> Result<(String, DryRun), CmdResult> {
    let format = p.get("output").unwrap_or("").to_string();
    let base = format.split('=').next().unwrap_or("");
    let supported = matches!(format.as_str(), "" | "yaml" | "json" | "name")
        || base == "jsonpath" && format.contains('=');
    if !supported {
        return Err(super::fail(
            if WRITE_FORMATS.split(',').any(|f| f == base) {
                format!("error: output format \"{base}\" is not supported in Kubarium yet")
            } else {
                format!("error: unable to match a printer suitable for the output format \"{format}\", allowed formats are: {WRITE_FORMATS}")
            },
        ));
    }
    Ok((format, dry_run(p)?))
}

impl DryRun {
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// Merges a list the way a strategic merge patch does: by the list's merge key (items
/// added by the server stay, items dropped from the manifest go), as a set, or replaced.
fn merge_list(
    live: &[Value],
    desired: &[Value],
    last: &[Value],
    path: &str,
    kind: &str,
) -> Vec<Value> {
    match list_strategy(path, kind) {
        ListStrategy::Replace => desired.to_vec(),
        ListStrategy::Set => {
            let mut out: Vec<Value> = live
                .iter()
                .filter(|v| desired.contains(v) || !last.contains(v))
                .cloned()
                .collect();
            for d in desired {
                if !out.contains(d) {
                    out.push(d.clone());
                }
            }
            out
        }
        ListStrategy::MergeKey(key) => {
            let find = |list: &[Value], id: &Value| list.iter().find(|x| &x[key] == id).cloned();
            let mut out: Vec<Value> = desired
                .iter()
                .map(|d| match find(live, &d[key]) {
                    Some(l) => merge_at(
                        &l,
                        d,
                        &find(last, &d[key]).unwrap_or(Value::Null),
                        path,
                        kind,
                    ),
                    None => d.clone(),
                })
                .collect();
            // What the server or others added stays; what the manifest dropped goes.
            for l in live {
                let id = &l[key];
                if find(desired, id).is_none() && find(last, id).is_none() {
                    out.push(l.clone());
                }
            }
            out
        }
    }
}

/// Three-way merge: fields in `desired` win; fields that were in `last` but are no longer
/// in `desired` are removed; everything else in `live` (defaults, status) stays.
pub fn merge(live: &Value, desired: &Value, last: &Value) -> Value {
    let kind = desired["kind"].as_str().unwrap_or("").to_string();
    merge_at(live, desired, last, "", &kind)
}

fn merge_at(live: &Value, desired: &Value, last: &Value, path: &str, kind: &str) -> Value {
    match (live, desired) {
        (Value::Object(l), Value::Object(d)) => {
            let empty = Map::new();
            let la = last.as_object().unwrap_or(&empty);
            let mut out = l.clone();
            for (k, dv) in d {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let merged = match l.get(k) {
                    Some(lv) => merge_at(lv, dv, la.get(k).unwrap_or(&Value::Null), &child, kind),
                    None => dv.clone(),
                };
                out.insert(k.clone(), merged);
            }
            for k in la.keys() {
                if !d.contains_key(k) {
                    out.remove(k);
                }
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(d)) => Value::Array(merge_list(
            l,
            d,
            last.as_array().map_or(&[], |v| v),
            path,
            kind,
        )),
        _ => desired.clone(),
    }
}

/// The value without the null fields of its maps (at any depth; null array items stay).
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(kubarium_tools::sort::insert_all(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v))),
        )),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// What of a manifest apply compares and merges: no status, no server-set metadata, no
/// nulls (a `creationTimestamp: null` from a dry run changes nothing).
fn desired_state(body: &Value) -> Value {
    let mut d = strip_nulls(body);
    if let Some(o) = d.as_object_mut() {
        o.remove("status");
    }
    if let Some(m) = d.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "creationTimestamp",
            "resourceVersion",
            "uid",
            "generation",
            "managedFields",
            "selfLink",
        ] {
            m.remove(k);
        }
    }
    d
}

fn with_source(e: &ApiError, verb: &str, source: &str) -> String {
    match e.reason {
        crate::apiserver::errors::Reason::Invalid => e.kubectl_message(),
        r => format!(
            "{}: error when {verb} \"{source}\": {}",
            r.from_server(),
            e.message
        ),
    }
}

/// What kubectl adds to an apply conflict.
const APPLY_CONFLICT_HELP: &str =
    "Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

/// Records in `body` the configuration kubectl applies: the object without the
/// annotation, with the annotations map its annotating leaves (`{}` when there were none).
pub fn record_last_applied(body: &mut Value) {
    let mut last = body.clone();
    if let Some(m) = last.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = m
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = annotations.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    let text = format!("{}\n", serde_json::to_string(&last).unwrap_or_default());
    let meta = body.as_object_mut().and_then(|o| {
        o.entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
    });
    if let Some(meta) = meta {
        let ann = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = ann.as_object_mut() {
            a.insert(LAST_APPLIED.into(), Value::String(text));
        }
    }
}

/// The live object after a client-side apply of `body` (which carries its last-applied
/// annotation), given the configuration applied before (`last`); status untouched.
pub fn merged(live: &Value, body: &Value, last: &Value) -> Value {
    let mut merged = merge(live, &desired_state(body), &desired_state(last));
    if let Some(m) = merged.as_object_mut() {
        match live.get("status") {
            Some(st) => m.insert("status".into(), st.clone()),
            None => m.remove("status"),
        };
    }
    merged
}

/// The configuration last applied to `live` (null when it has none).
pub fn last_applied(live: &Value) -> Value {
    live["metadata"]["annotations"][LAST_APPLIED]
        .as_str()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, mode: Mode) -> CmdResult {
    let files = p.all("filename");
    if files.is_empty() {
        return fail("error: must specify one of -f and -k");
    }
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let validation = match client::field_validation(p.get("validate")) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let server_side = mode == Mode::Apply && p.on("server-side");
    if p.on("force-conflicts") && !server_side {
        return fail("error: --force-conflicts only works with --server-side");
    }
    if server_side && dry == DryRun::Client {
        return fail("error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
    }
    let default_manager = match (mode, server_side) {
        (Mode::Create, _) => "kubectl-create",
        (Mode::Apply, true) => "kubectl",
        (Mode::Apply, false) => "kubectl-client-side-apply",
    };
    let manager = p
        .get("field-manager")
        .unwrap_or(default_manager)
        .to_string();
    let mut write_query = client::write_query(dry == DryRun::Server, validation).to_vec();
    write_query.push(("fieldManager", &manager));
    let docs = match manifest::read(ctx, &files) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    if docs.is_empty() {
        return fail(format!(
            "error: no objects passed to {}",
            if mode == Mode::Apply {
                "apply"
            } else {
                "create"
            }
        ));
    }
    let mut out = Output::default();
    let mut errors = vec![];
    let mut printed = vec![];
    let catalog = client::discover(ctx.cluster);
    for doc in docs {
        let r = match manifest::resource_of(&catalog, &doc) {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let ns = match manifest::namespace_of(&doc, p.get("namespace"), &super::namespace(p)) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = doc.value["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let kind = r.kubectl_kind();
        if server_side {
            let mut query = write_query.clone();
            if p.on("force-conflicts") {
                query.push(("force", "true"));
            }
            let mut client = client::connect(ctx.cluster);
            match client.patch(
                r,
                &ns,
                &name,
                "",
                PatchType::Apply,
                doc.value.clone(),
                &query,
            ) {
                Ok((obj, warnings)) => {
                    for w in warnings {
                        out.err(format!("Warning: {w}\n"));
                    }
                    if format.is_empty() {
                        out.out(format!(
                            "{kind}/{name} serverside-applied{}\n",
                            dry.suffix()
                        ));
                    }
                    printed.push((kind.clone(), obj));
                }
                Err(e) if e.reason == Reason::Conflict && !e.details.causes.is_empty() => {
                    errors.push(format!("error: {}\n{APPLY_CONFLICT_HELP}", e.message));
                }
                Err(e) => errors.push(with_source(&e, "patching", &doc.source)),
            }
            continue;
        }
        let mut client = client::connect(ctx.cluster);
        let existing = if name.is_empty() {
            None
        } else {
            client.get(r, &ns, &name).ok()
        };
        let mut body = doc.value.clone();
        // kubectl sends (and records) the object with the namespace it applies to.
        if let Some(m) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            if r.namespaced && !m.contains_key("namespace") {
                m.insert("namespace".into(), Value::String(ns.clone()));
            }
        }
        if mode == Mode::Apply {
            record_last_applied(&mut body);
            // What apply creates has no null fields (its last-applied record keeps them).
            body = strip_nulls(&body);
        }
        match (existing, mode) {
            (None, _) | (Some(_), Mode::Create) => {
                if dry == DryRun::Client {
                    out.out(format!("{kind}/{name} created{}\n", dry.suffix()));
                    continue;
                }
                match client.create(r, &ns, body, &write_query) {
                    Ok((obj, warnings)) => {
                        for w in warnings {
                            out.err(format!("Warning: {w}\n"));
                        }
                        if format.is_empty() {
                            // A Binding answers with a Status: the name is the manifest's.
                            let created = obj["metadata"]["name"]
                                .as_str()
                                .filter(|n| !n.is_empty())
                                .unwrap_or(&name);
                            out.out(format!("{kind}/{created} created{}\n", dry.suffix()));
                        }
                        printed.push((kind.clone(), obj));
                    }
                    Err(e) => errors.push(with_source(&e, "creating", &doc.source)),
                }
            }
            (Some(live), Mode::Apply) => {
                let last = last_applied(&live);
                // A client-side dry run writes nothing, so nothing would be patched.
                if last.is_null() && dry != DryRun::Client {
                    out.err(format!("Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n", r.plural));
                }
                let merged = merged(&live, &body, &last);
                if merged == live {
                    if format.is_empty() {
                        out.out(format!("{kind}/{name} unchanged{}\n", dry.suffix()));
                    }
                    printed.push((kind.clone(), live));
                    continue;
                }
                if dry == DryRun::Client {
                    if format.is_empty() {
                        out.out(format!("{kind}/{name} configured{}\n", dry.suffix()));
                    }
                    // kubectl prints the object as it read it.
                    printed.push((kind.clone(), live));
                    continue;
                }
                client.warnings.clear();
                match client.update(r, &ns, merged, "", &write_query) {
                    Ok(obj) => {
                        for w in client.warnings.drain(..) {
                            out.err(format!("Warning: {w}\n"));
                        }
                        if format.is_empty() {
                            out.out(format!("{kind}/{name} configured{}\n", dry.suffix()));
                        }
                        printed.push((kind.clone(), obj));
                    }
                    Err(e) => errors.push(e.kubectl_message()),
                }
            }
        }
    }
    if !format.is_empty() && !printed.is_empty() {
        if format == "name" {
            for (kind, o) in &printed {
                out.out(format!(
                    "{kind}/{}\n",
                    o["metadata"]["name"].as_str().unwrap_or("")
                ));
            }
        } else {
            let single = printed.len() == 1;
            out.out(print_objects(
                printed.into_iter().map(|(_, o)| o).collect(),
                &format,
                single,
            ));
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        out.err(format!("{e}\n"));
    }
    CmdResult { output: out, code }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_way_merge_keeps_defaults_and_drops_removed_fields() {
        let live = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1", "imagePullPolicy": "IfNotPresent"}]}, "metadata": {"labels": {"x": "1", "y": "2"}}});
        let last = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}, "metadata": {"labels": {"x": "1", "y": "2"}}});
        let desired = json!({"spec": {"containers": [{"name": "a", "image": "nginx:2"}]}, "metadata": {"labels": {"x": "1"}}});
        let m = merge(&live, &desired, &last);
        assert_eq!(m["spec"]["containers"][0]["image"], "nginx:2");
        assert_eq!(
            m["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert!(m["metadata"]["labels"].get("y").is_none());
    }
}
