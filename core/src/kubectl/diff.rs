//! `kubectl diff -f FILE`: what `kubectl apply` would change, as a unified diff of each
//! object live and merged (the server's dry run of the client-side apply, or of the
//! create), without managed fields; exit status 1 when anything differs.

use serde_json::Value;

use super::apply::{last_applied, merged, LAST_APPLIED};
use super::client;
use super::flags::Parsed;
use super::{fail, manifest, namespace, Ctx};
use crate::command::{CmdResult, Output};
use crate::printers::yaml::to_yaml;
use crate::shell::fs::Fs;
use crate::shell::io::Io;

fn without_managed_fields(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    v
}

/// Secret values never show: a key in both with different values as `*** (before)` and
/// `*** (after)`, any other as `***`, as kubectl's masker writes them.
fn mask_secret_data(before: Option<&mut Value>, after: &mut Value) {
    let old = before.as_ref().map_or(Value::Null, |b| b["data"].clone());
    let new = after["data"].clone();
    let masked = |v: &Value, other: &Value, word: &str| -> Value {
        let mut out = serde_json::Map::new();
        for (k, x) in v.as_object().into_iter().flatten() {
            let text = match other.get(k) {
                Some(y) if y != x => format!("*** ({word})"),
                _ => "***".to_string(),
            };
            out.insert(k.clone(), Value::String(text));
        }
        Value::Object(out)
    };
    if new.is_object() {
        after["data"] = masked(&new, &old, "after");
    }
    if let Some(b) = before {
        if old.is_object() {
            b["data"] = masked(&old, &new, "before");
        }
    }
}

/// `kubectl diff`: exit 1 when something differs; its errors exit 2 (one more than other
/// verbs', as kubectl keeps 1 for a difference).
/// An error ends the diff with nothing else printed (kubectl compares the objects only
/// once all are read).
fn error(msg: impl Into<String>) -> CmdResult {
    let mut r = fail(msg);
    r.code = 2;
    r
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let docs = match manifest::read_required(p, ctx) {
        Ok(d) => d,
        Err(e) => return error(e),
    };
    let catalog = client::discover(ctx.cluster);
    let query = [
        ("dryRun", "All"),
        ("fieldManager", "kubectl-client-side-apply"),
    ];
    let mut out = Output::default();
    let mut differs = false;
    for (i, doc) in docs.into_iter().enumerate() {
        let (r, ns, name) =
            match manifest::locate(&catalog, &doc, p.get("namespace"), &namespace(p)) {
                Ok(l) => l,
                Err(e) => return error(e),
            };
        let mut body = doc.value.clone();
        if r.namespaced {
            body["metadata"]["namespace"] = Value::String(ns.clone());
        }
        let mut client = client::connect(ctx.cluster);
        let live = client.get(r, &ns, &name).ok();
        let result = match &live {
            None => client.create(r, &ns, body, &query).map(|(o, _)| o),
            Some(live) => {
                // The recorded configuration stays as it is: diff applies nothing.
                let mut body = body;
                if let Some(recorded) = live["metadata"]["annotations"].get(LAST_APPLIED) {
                    body["metadata"]["annotations"][LAST_APPLIED] = recorded.clone();
                }
                let m = merged(live, &body, &last_applied(live));
                if &m == live {
                    Ok(live.clone())
                } else {
                    client.update(r, &ns, m, "", &query)
                }
            }
        };
        let after = match result {
            Ok(o) => without_managed_fields(o),
            Err(e) => return error(e.kubectl_message()),
        };
        let mut before = live.map(without_managed_fields);
        let mut after = after;
        if r.kind == "Secret" {
            mask_secret_data(before.as_mut(), &mut after);
        }
        // The files diff compares, named as kubectl names them.
        let group = if r.group.is_empty() {
            String::new()
        } else {
            format!("{}.", r.group)
        };
        let file = format!("{group}{}.{}.{ns}.{name}", r.version, r.kind);
        let (live_path, merged_path) = (
            format!("/tmp/LIVE-{}/{file}", 1000 + i),
            format!("/tmp/MERGED-{}/{file}", 2000 + i),
        );
        let mut fs = Fs::default();
        for (path, obj) in [(&live_path, before.as_ref()), (&merged_path, Some(&after))] {
            let dir = path.rsplit_once('/').map_or("/tmp", |(d, _)| d);
            let _ = fs.mkdir(dir, true);
            // An object that does not exist yet is an empty file, as kubectl writes it.
            let _ = fs.write(path, &obj.map(to_yaml).unwrap_or_default(), false);
        }
        let mut io = Io {
            stdin: None,
            fs: &mut fs,
            cwd: "/tmp",
        };
        let args: Vec<String> = ["-u", &live_path, &merged_path]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let res = crate::tools::run("diff", &args, &mut io);
        if res.code == 1 {
            differs = true;
            out.out(format!("diff -u -N {live_path} {merged_path}\n"));
            out.extend(res.output);
        } else if res.code > 1 {
            out.extend(res.output);
            return CmdResult {
                output: out,
                code: res.code,
            };
        }
    }
    CmdResult {
        output: out,
        code: i32::from(differs),
    }
}
