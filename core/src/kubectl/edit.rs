//! `kubectl edit`: the objects go into a file in the node's /tmp under kubectl's header;
//! an editor changes it (the command in `KUBE_EDITOR` or `EDITOR`, run by the shell, or
//! else the page's YAML editor or the terminal's editor); each saved object is sent back
//! as a merge patch. A rejected edit reopens with the server's reasons as comments; one
//! given up is kept in its file, as kubectl keeps it.

use serde_json::{json, Map, Value};

use super::apply::LAST_APPLIED;
use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, get, manifest, namespace, Ctx};
use crate::apiserver::errors::{ApiError, Reason};
use crate::apiserver::request::PatchType;
use crate::apiserver::resources::Resource;
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// The header of `kubectl apply edit-last-applied`'s file.
const LAST_APPLIED_HEADER: &str =
    "# Please edit the 'last-applied-configuration' annotations below.
# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.
#
";

/// At most this many rounds of an editor command that keeps failing.
const MAX_ROUNDS: usize = 10;

/// Why the file reopens: a headline and the causes under it.
#[derive(Debug, Clone)]
struct EditReason {
    head: String,
    causes: Vec<String>,
}

/// A `kubectl edit` waiting for its editor.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The objects as read, each with its resource.
    originals: Vec<(&'static Resource, Value)>,
    /// The file in the node's files.
    pub file: String,
    /// The machine whose /tmp has the file.
    pub host: String,
    /// Edited as JSON (without kubectl's header).
    json: bool,
    /// The objects as first printed (what "no changes" compares with).
    printed: String,
    /// The text of the last save that failed (a save identical to it gives up).
    failed: Option<String>,
    reasons: Vec<EditReason>,
    field_manager: String,
    validation: &'static str,
    rounds: usize,
    /// `apply edit-last-applied`: the objects are the recorded configurations, and a save
    /// records the edited one.
    last_applied: bool,
}

/// What a save leads to.
pub enum Saved {
    /// The edit is over, with its output and exit status.
    Done(CmdResult),
    /// The file reopens (its new text is in the file): what to show meanwhile.
    Again(Output),
}

/// A comment line for `text`, with `# ` after each of its line breaks.
fn commented(text: &str) -> String {
    text.replace('\n', "\n# ")
}

/// The lines that are not comments (`#`, but not `#!`).
fn strip_comments(text: &str) -> String {
    text.split('\n')
        .filter(|l| {
            let t = l.trim();
            !t.starts_with('#') || t.starts_with("#!")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text's content for comparison: its YAML documents when it parses, else its
/// lines without comments.
fn content(text: &str) -> Result<Vec<Value>, String> {
    crate::yaml::documents(text).map_err(|_| strip_comments(text))
}

/// An RFC 7386 merge patch that turns `from` into `to`.
fn merge_patch(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => {
            let mut patch = Map::new();
            for (k, v) in b {
                match a.get(k) {
                    Some(old) if old == v => {}
                    Some(old) if old.is_object() && v.is_object() => {
                        patch.insert(k.clone(), merge_patch(old, v));
                    }
                    _ => {
                        patch.insert(k.clone(), v.clone());
                    }
                }
            }
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                patch.insert(k.clone(), Value::Null);
            }
            Value::Object(patch)
        }
        _ => to.clone(),
    }
}

fn name_of(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or("")
}

impl Edit {
    /// The text to show in the editor now: kubectl's header and the reasons the last
    /// save failed (not in JSON), then the objects.
    fn text(&self, edited: Option<&str>) -> String {
        if self.json {
            return edited.map_or_else(|| self.printed.clone(), strip_comments);
        }
        let mut text = if self.last_applied {
            LAST_APPLIED_HEADER
        } else {
            HEADER
        }
        .to_string();
        for r in &self.reasons {
            if r.causes.is_empty() {
                text.push_str(&format!("# {}\n", commented(&r.head)));
            } else {
                text.push_str(&format!("# {}:\n", commented(&r.head)));
            }
            for c in &r.causes {
                text.push_str(&format!("# * {}\n", commented(c)));
            }
            text.push_str("#\n");
        }
        match edited {
            Some(e) => text.push_str(&strip_comments(e)),
            None => text.push_str(&self.printed),
        }
        text
    }

    /// The file as the editor should open it now.
    pub fn current(&self, cluster: &Cluster) -> String {
        cluster
            .fs(&self.host)
            .read(&self.file)
            .unwrap_or_default()
            .to_string()
    }

    /// Gives up, keeping the file: `A copy of your changes has been stored to ...`, then
    /// the error.
    fn preserved(&self, cluster: &mut Cluster, error: &str) -> Saved {
        let mut out = Output::default();
        if cluster.fs(&self.host).read(&self.file).is_some() {
            out.err(format!(
                "A copy of your changes has been stored to \"{}\"\n",
                self.file
            ));
        }
        out.err(format!("{error}\n"));
        Saved::Done(CmdResult {
            output: out,
            code: 1,
        })
    }

    fn done(&self, cluster: &mut Cluster, out: Output, code: i32) -> Saved {
        cluster.fs_mut(&self.host).remove(&self.file);
        Saved::Done(CmdResult { output: out, code })
    }

    /// The editor closed with `edited` in the file (`None`: closed without saving,
    /// which is the file as it was opened).
    pub fn saved(&mut self, cluster: &mut Cluster, edited: Option<String>) -> Saved {
        let opened = self.current(cluster);
        let edited = edited.unwrap_or(opened.clone());
        let _ = cluster.fs_mut(&self.host).write(&self.file, &edited, false);
        self.rounds += 1;
        if let Some(before) = &self.failed {
            if content(before) == content(&edited) || self.rounds > MAX_ROUNDS {
                return self.preserved(
                    cluster,
                    "error: Edit cancelled, no valid changes were saved.",
                );
            }
        }
        // kubectl validates the file against the schema first: a file that does not
        // parse to an object is invalid, and reopens.
        if self.validation != "Ignore" {
            let problem = match crate::yaml::documents(&edited) {
                Err(e) => Some(format!("error converting YAML to JSON: {e}")),
                Ok(d)
                    if d.first()
                        .is_none_or(|o| o["kind"].as_str().is_none_or(str::is_empty)) =>
                {
                    Some("Object 'Kind' is missing in 'null'".to_string())
                }
                Ok(_) => None,
            };
            if let Some(problem) = problem {
                let (r, first) = &self.originals[0];
                let subject = format!("{} \"{}\"", r.group_resource(), name_of(first));
                self.reasons = vec![EditReason {
                    head: format!("{subject} was not valid"),
                    causes: vec![format!(
                        "<nil>: Invalid value: \"The edited file failed validation\": {problem}"
                    )],
                }];
                let mut out = Output::default();
                out.err(format!("error: {subject} is invalid\n"));
                return self.reopen(cluster, &edited, out);
            }
        }
        if content(&self.printed) == content(&edited) {
            let mut out = Output::default();
            out.err("Edit cancelled, no changes made.\n");
            return self.done(cluster, out, 0);
        }
        if !edited.lines().any(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        }) {
            let mut out = Output::default();
            out.err("Edit cancelled, saved file was empty.\n");
            return self.done(cluster, out, 0);
        }
        self.reasons.clear();
        let docs = match crate::yaml::documents(&edited) {
            Ok(d) => d,
            Err(e) => {
                self.reasons.push(EditReason {
                    head: format!("The edited file had a syntax error: {e}"),
                    causes: vec![],
                });
                return self.reopen(cluster, &edited, Output::default());
            }
        };
        // One object, or a List of them.
        let objects: Vec<Value> = docs
            .into_iter()
            .flat_map(|d| {
                if d["kind"] == "List" {
                    d["items"].as_array().cloned().unwrap_or_default()
                } else {
                    vec![d]
                }
            })
            .collect();
        let mut out = Output::default();
        let (mut retryable, mut not_found, mut invalid) = (0, 0, 0);
        let mut client = client::connect(cluster);
        for obj in &objects {
            // Matched by uid, which recorded configurations lack: as in kubectl, each of
            // those is taken for the first.
            let uid = &obj["metadata"]["uid"];
            let Some((r, original)) = self
                .originals
                .iter()
                .find(|(_, o)| &o["metadata"]["uid"] == uid)
            else {
                return self.preserved(
                    cluster,
                    "error: no original object found for the edited object",
                );
            };
            let changed = ["apiVersion", "kind"]
                .iter()
                .any(|k| obj[*k] != original[*k])
                || obj["metadata"]["name"] != original["metadata"]["name"];
            // The object written to: a recorded configuration is recorded on the object it
            // now names.
            let (r, target) = if self.last_applied {
                let doc = manifest::Doc {
                    value: obj.clone(),
                    source: self.file.clone(),
                };
                match manifest::resource_of(&client.api.catalog(), &doc) {
                    Ok(r) => (r, obj),
                    Err(e) => return self.preserved(cluster, &e),
                }
            } else {
                (*r, original)
            };
            let kind = format!("{}/{}", r.kubectl_kind(), name_of(target));
            if obj == original {
                out.out(format!("{kind} skipped\n"));
                continue;
            }
            if changed && !self.last_applied {
                return self.preserved(
                    cluster,
                    "error: At least one of apiVersion, kind and name was changed",
                );
            }
            let patch = if self.last_applied {
                let recorded = serde_json::to_string(obj).unwrap_or_default();
                json!({"metadata": {"annotations": {LAST_APPLIED: recorded}}})
            } else {
                merge_patch(original, obj)
            };
            let ns = target["metadata"]["namespace"].as_str().unwrap_or("");
            let query = [
                ("fieldManager", self.field_manager.as_str()),
                ("fieldValidation", self.validation),
            ];
            match client.patch(r, ns, name_of(target), "", PatchType::Merge, patch, &query) {
                Ok((_, warnings)) => {
                    for w in warnings {
                        out.err(format!("Warning: {w}\n"));
                    }
                    out.out(format!("{kind} edited\n"));
                }
                // A recorded configuration that cannot be recorded ends the edit.
                Err(e) if self.last_applied => {
                    return self.preserved(cluster, &e.kubectl_message())
                }
                Err(e) => {
                    let subject = format!("{} \"{}\"", r.group_resource(), name_of(target));
                    match e.reason {
                        Reason::Invalid => {
                            invalid += 1;
                            self.reasons.push(EditReason {
                                head: format!("{subject} was not valid"),
                                causes: causes(&e),
                            });
                            out.err(format!("error: {subject} is invalid\n"));
                        }
                        Reason::NotFound => {
                            not_found += 1;
                            out.err(format!(
                                "error: {subject} could not be found on the server\n"
                            ));
                        }
                        _ => {
                            retryable += 1;
                            out.err(format!(
                                "error: {subject} could not be patched: {}\n",
                                e.message
                            ));
                        }
                    }
                }
            }
        }
        if retryable > 0 {
            out.err(format!(
                "You can run `kubectl replace -f {}` to try this update again.\n",
                self.file
            ));
            return Saved::Done(CmdResult {
                output: out,
                code: 1,
            });
        }
        if not_found > 0 {
            out.err(format!(
                "The edits you made on deleted resources have been saved to \"{}\"\n",
                self.file
            ));
            return Saved::Done(CmdResult {
                output: out,
                code: 1,
            });
        }
        if invalid == 0 {
            return self.done(cluster, out, 0);
        }
        self.reopen(cluster, &edited, out)
    }

    /// Opens the file again with the reasons above what was saved.
    fn reopen(&mut self, cluster: &mut Cluster, edited: &str, out: Output) -> Saved {
        self.failed = Some(edited.to_string());
        let text = self.text(Some(edited));
        let _ = cluster.fs_mut(&self.host).write(&self.file, &text, false);
        Saved::Again(out)
    }
}

fn causes(e: &ApiError) -> Vec<String> {
    e.details
        .causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.message))
        .collect()
}

/// Starts `kubectl edit`: reads the objects and writes the file to edit; the edit waits
/// in `ctx.edit` for its editor.
pub fn start(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let format = p.get("output").unwrap_or("yaml").to_string();
    match format.as_str() {
        "yaml" | "json" => {}
        "kyaml" => return fail("error: \"kubectl edit -o kyaml\" is not supported in Kubarium yet"),
        other => {
            return fail(format!("error: unable to match a printer suitable for the output format {other:?}, allowed formats are: json,kyaml,yaml"))
        }
    }
    let validation = match client::field_validation(p.get("validate")) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let ns = namespace(p);
    let catalog = client::discover(ctx.cluster);
    // What to read: objects named on the command line, or those of -f files.
    let mut wanted: Vec<(&'static Resource, String, Option<String>)> = vec![];
    if p.given("filename") {
        let docs = match manifest::read(ctx, &p.all("filename")) {
            Ok(d) => d,
            Err(e) => return fail(e),
        };
        for d in &docs {
            match manifest::locate(&catalog, d, p.get("namespace"), &ns) {
                Ok((r, dns, name)) => wanted.push((r, dns, Some(name))),
                Err(e) => return fail(e),
            }
        }
    } else {
        if p.positional.is_empty() {
            return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let reqs = match get::requests(&catalog, &p.positional) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        for q in reqs {
            if q.names.is_empty() {
                wanted.push((q.resource, ns.clone(), None));
            }
            for n in q.names {
                wanted.push((q.resource, ns.clone(), Some(n)));
            }
        }
    }
    let mut client = client::connect(ctx.cluster);
    let mut originals = vec![];
    for (r, ns, name) in wanted {
        let read = match &name {
            Some(n) => client.get(r, &ns, n).map(|o| vec![o]),
            None => {
                let list_ns = if r.namespaced {
                    Some(ns.as_str())
                } else {
                    None
                };
                let opts = ListOptions {
                    label_selector: p.get("selector"),
                    ..Default::default()
                };
                client.list(r, list_ns, opts)
            }
        };
        match read {
            Ok(objs) => originals.extend(objs.into_iter().map(|mut o| {
                if let Some(m) = o["metadata"].as_object_mut() {
                    m.remove("managedFields");
                }
                (r, o)
            })),
            Err(e) => return fail(e.kubectl_message()),
        }
    }
    if originals.is_empty() {
        return fail("error: edit cancelled, no objects found");
    }
    open(originals, &format, validation, p, ctx, false)
}

/// Starts `kubectl apply edit-last-applied`: the configurations client-side apply
/// recorded on the objects, edited as `kubectl edit` edits objects.
pub fn start_last_applied(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let format = p.get("output").unwrap_or("yaml").to_string();
    if !matches!(format.as_str(), "yaml" | "json") {
        return fail(format!(
            "error: unexpected -o output mode: {format}, the flag 'output' must be one of yaml|json"
        ));
    }
    let validation = match client::field_validation(p.get("validate")) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let objects = match super::targets::of(p, ctx, &p.positional[1..]) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut client = client::connect(ctx.cluster);
    let mut originals = vec![];
    for (r, ns, name) in objects {
        let live = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => return fail(e.kubectl_message()),
        };
        let recorded = live["metadata"]["annotations"][LAST_APPLIED].as_str();
        if let Some(config) = recorded.and_then(|t| serde_json::from_str::<Value>(t).ok()) {
            originals.push((r, config));
        }
    }
    if originals.is_empty() {
        return fail("error: no last-applied-configuration annotation found on resources, to create the annotation, use command `kubectl apply set-last-applied --create-annotation`");
    }
    open(originals, &format, validation, p, ctx, true)
}

/// Writes the edit file for `originals` and leaves the edit waiting for its editor.
fn open(
    originals: Vec<(&'static Resource, Value)>,
    format: &str,
    validation: &'static str,
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    last_applied: bool,
) -> CmdResult {
    let value = match originals.as_slice() {
        [(_, one)] => one.clone(),
        many => json!({
            "apiVersion": "v1",
            "items": many.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>(),
            "kind": "List",
            "metadata": {},
        }),
    };
    let printed = if format == "json" {
        crate::printers::json::to_json(&value, crate::printers::json::Order::Sorted)
    } else {
        crate::printers::yaml::to_yaml(&value)
    };
    // kubectl's temporary file: a number of its own, here drawn from the objects and time.
    let seed = format!(
        "{}{}",
        originals[0].1["metadata"]["uid"].as_str().unwrap_or(""),
        ctx.cluster.now()
    );
    let ext = if format == "json" { "json" } else { "yaml" };
    let mut n = crate::rng::fnv1a(&seed) % 10_000_000_000;
    // A name no file has yet, as os.CreateTemp picks one.
    while ctx
        .fs()
        .read(&format!("/tmp/kubectl-edit-{n}.{ext}"))
        .is_some()
    {
        n += 1;
    }
    let file = format!("/tmp/kubectl-edit-{n}.{ext}");
    let edit = Edit {
        originals,
        file,
        host: ctx.host.to_string(),
        json: format == "json",
        printed,
        failed: None,
        reasons: vec![],
        field_manager: p
            .get("field-manager")
            .unwrap_or(if last_applied {
                "kubectl-client-side-apply"
            } else {
                "kubectl-edit"
            })
            .to_string(),
        validation,
        rounds: 0,
        last_applied,
    };
    let _ = ctx.fs_mut().mkdir("/tmp", true);
    if let Err(e) = ctx.fs_mut().write(&edit.file, &edit.text(None), false) {
        return fail(format!("error: {e}"));
    }
    ctx.edit = Some(edit);
    CmdResult::default()
}
