//! `kubectl label` and `kubectl annotate`: `key=value` and `key-` changes to objects named
//! by TYPE NAME..., TYPE/NAME, `-l` or `--all`, sent as JSON merge patches of
//! metadata.labels or metadata.annotations; `--overwrite`, `--list`, `--dry-run`, `-o`,
//! `--resource-version`, with kubectl's messages (`labeled`, `not labeled`, `unlabeled`,
//! `annotated`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::apiserver::validation;
use crate::command::{CmdResult, Output};

/// Which metadata map a verb changes, and its words.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Labels,
    Annotations,
}

impl Kind {
    fn field(self) -> &'static str {
        match self {
            Kind::Labels => "labels",
            Kind::Annotations => "annotations",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Labels => "label",
            Kind::Annotations => "annotation",
        }
    }
}

/// The changes asked: keys to set and keys to remove.
struct Changes {
    set: Vec<(String, String)>,
    remove: Vec<String>,
}

/// Whether an argument is a change (`k=v`, `k-`) rather than a resource.
fn is_change(a: &str) -> bool {
    a.contains('=') || a.ends_with('-')
}

/// Splits the arguments into resources and changes, as kubectl does.
fn split(args: &[String]) -> Result<(Vec<String>, Vec<String>), String> {
    let first = args.iter().position(|a| is_change(a)).unwrap_or(args.len());
    let (resources, changes) = args.split_at(first);
    if let Some(bad) = changes.iter().find(|a| !is_change(a)) {
        return Err(format!(
            "error: all resources must be specified before label changes: {bad}"
        ));
    }
    Ok((resources.to_vec(), changes.to_vec()))
}

fn parse_changes(kind: Kind, args: &[String]) -> Result<Changes, String> {
    let mut c = Changes {
        set: vec![],
        remove: vec![],
    };
    for a in args {
        if let Some(key) = a.strip_suffix('-').filter(|_| !a.contains('=')) {
            c.remove.push(key.to_string());
            continue;
        }
        let parts: Vec<&str> = a.split('=').collect();
        let [key, value] = parts.as_slice() else {
            return Err(format!("error: invalid {} spec: {a}", kind.noun()));
        };
        if kind == Kind::Labels {
            // kubectl checks the value; the server checks the key.
            let one = BTreeMap::from([("key".to_string(), value.to_string())]);
            if let Some(e) = validation::labels(Some(&one), "").into_iter().next() {
                let why = e.detail.split_once(": ").map_or("", |(_, w)| w);
                let why = why.split_once(": ").map_or(why, |(_, w)| w);
                return Err(format!("error: invalid label value: \"{a}\": {why}"));
            }
        }
        c.set.push((key.to_string(), value.to_string()));
    }
    if c.set.iter().any(|(k, _)| c.remove.contains(k)) {
        return Err(format!(
            "error: can not both modify and remove {} in the same command",
            match kind {
                Kind::Labels => "a label",
                Kind::Annotations => "an annotation",
            }
        ));
    }
    Ok(c)
}

/// `kubectl label` or `kubectl annotate`.
pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, kind: Kind) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (resources, changes) = match split(&p.positional) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let list = p.on("list");
    if changes.is_empty() && !list {
        if resources.is_empty() && kind == Kind::Labels {
            return fail("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        }
        return fail(format!(
            "error: at least one {} update is required",
            kind.noun()
        ));
    }
    let changes = match parse_changes(kind, &changes) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let targets = match targets::of(p, ctx, &resources) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let field = kind.field();
    let mut out = Output::default();
    let mut code = 0;
    let mut client = client::connect(ctx.cluster);
    for (r, ns, name) in targets {
        let live = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => {
                out.err(format!("{}\n", e.kubectl_message()));
                code = 1;
                continue;
            }
        };
        let old: Map<String, Value> = live["metadata"][field]
            .as_object()
            .cloned()
            .unwrap_or_default();
        if list {
            for (k, v) in &old {
                out.out(format!("{k}={}\n", v.as_str().unwrap_or("")));
            }
            continue;
        }
        let mut new = old.clone();
        let mut conflicts = vec![];
        for (k, v) in &changes.set {
            match old.get(k).and_then(Value::as_str) {
                Some(have) if have != v && !p.on("overwrite") => {
                    conflicts.push(format!("'{k}' already has a value ({have})"))
                }
                _ => {
                    new.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        if !conflicts.is_empty() {
            let msg = match kind {
                Kind::Labels => format!("error: {}, and --overwrite is false", conflicts[0]),
                Kind::Annotations => format!(
                    "error: --overwrite is false but found the following declared annotation(s): {}",
                    conflicts.join("; ")
                ),
            };
            out.err(format!("{msg}\n"));
            return CmdResult {
                output: out,
                code: 1,
            };
        }
        for k in &changes.remove {
            if new.remove(k).is_none() && kind == Kind::Labels {
                out.out(format!("label \"{k}\" not found.\n"));
            }
        }
        let changed = new != old;
        let word = match (kind, changed) {
            (Kind::Annotations, _) => "annotated",
            (Kind::Labels, false) => "not labeled",
            (Kind::Labels, true) if changes.set.is_empty() => "unlabeled",
            (Kind::Labels, true) => "labeled",
        };
        let after = if !changed && kind == Kind::Labels || dry == DryRun::Client {
            let mut after = live.clone();
            after["metadata"][field] = Value::Object(new);
            after
        } else {
            // A merge patch of the keys that change (null removes one).
            let mut patch = Map::new();
            for k in old.keys().chain(new.keys()) {
                if old.get(k) != new.get(k) {
                    patch.insert(k.clone(), new.get(k).cloned().unwrap_or(Value::Null));
                }
            }
            let mut meta = json!({ field: patch });
            if let Some(rv) = p.get("resource-version") {
                meta["resourceVersion"] = json!(rv);
            }
            let query = client::write_query(dry == DryRun::Server, "Strict");
            match client.patch(
                r,
                &ns,
                &name,
                "",
                PatchType::Merge,
                json!({"metadata": meta}),
                &query,
            ) {
                Ok((obj, warnings)) => {
                    for w in warnings {
                        out.err(format!("Warning: {w}\n"));
                    }
                    obj
                }
                Err(e) => {
                    out.err(format!("{}\n", e.kubectl_message()));
                    code = 1;
                    continue;
                }
            }
        };
        match format.as_str() {
            "" => out.out(format!(
                "{}/{name} {word}{}\n",
                r.kubectl_kind(),
                dry.suffix()
            )),
            "name" => out.out(format!("{}/{name}\n", r.kubectl_kind())),
            f => out.out(print_objects(vec![after], f, true)),
        }
    }
    CmdResult { output: out, code }
}
