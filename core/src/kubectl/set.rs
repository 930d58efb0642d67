//! `kubectl set image|resources|env|serviceaccount|subject|selector (TYPE NAME |
//! TYPE/NAME | -l | --all)`: changes to the pod template (or a pod), to a role binding's
//! subjects or a service's selector, as kubectl makes them: `set image` as a strategic
//! merge patch of the containers, the others as the whole changed object.

use serde_json::{json, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::print_objects;
use super::{fail, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::apiserver::resources::Resource;
use crate::command::{CmdResult, Output};

/// Where each kind keeps its pod spec.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "ReplicationController"
        | "Deployment"
        | "DaemonSet"
        | "ReplicaSet"
        | "StatefulSet"
        | "Job" => &["spec", "template", "spec"],
        _ => return None,
    })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    match p.positional.first().map(String::as_str) {
        Some("image") => image(p, ctx),
        Some("resources") => resources(p, ctx),
        Some("env") => env(p, ctx),
        Some("serviceaccount" | "sa") => service_account(p, ctx),
        Some("subject") => subject(p, ctx),
        Some("selector") => selector(p, ctx),
        Some(other) => fail(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl set -h' for help and examples"
        )),
        None => CmdResult::ok(crate::tools::help(&["set"]).unwrap_or_default()),
    }
}

fn image(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // Resources come first; `name=image` pairs after them.
    let args = &p.positional[1..];
    let split = args
        .iter()
        .position(|a| a.contains('='))
        .unwrap_or(args.len());
    let (resources, pairs) = args.split_at(split);
    if let Some(bad) = pairs.iter().find(|a| !a.contains('=')) {
        return fail(format!(
            "error: all resources must be specified before image changes: {bad}"
        ));
    }
    if resources.is_empty() && !p.given("filename") {
        return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let objects = match targets::of(p, ctx, resources) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut images: Vec<(String, String)> = vec![];
    for pair in pairs {
        let (name, image) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() {
            return fail(format!("error: invalid image argument: {pair}"));
        }
        match images.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = image.to_string(),
            None => images.push((name.to_string(), image.to_string())),
        }
    }
    if images.is_empty() {
        return fail("error: at least one image update is required");
    }
    if images.len() > 1 && images.iter().any(|(n, _)| n == "*") {
        return fail("error: all containers are already specified by *, but saw more than one container_name=container_image pairs");
    }
    let mut out = Output::default();
    let mut errors: Vec<String> = vec![];
    let mut client = client::connect(ctx.cluster);
    for (r, ns, name) in objects {
        let obj = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => return fail(e.kubectl_message()),
        };
        let shown = format!("{}/{name}", r.kubectl_kind());
        let path = match pod_spec(r, &name) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut spec = &obj;
        for key in path {
            spec = &spec[*key];
        }
        // The containers whose image changes, by list.
        let mut patch_spec = serde_json::Map::new();
        let mut after = obj.clone();
        for list in ["initContainers", "containers"] {
            let mut changed = vec![];
            for (i, c) in spec[list].as_array().into_iter().flatten().enumerate() {
                let cname = c["name"].as_str().unwrap_or("");
                let wanted = images
                    .iter()
                    .find(|(n, _)| n == cname || n == "*")
                    .map(|(_, img)| img);
                if let Some(img) = wanted {
                    if c["image"].as_str() != Some(img.as_str()) {
                        changed.push(json!({"name": cname, "image": img}));
                        let mut target = &mut after;
                        for key in path {
                            target = &mut target[*key];
                        }
                        target[list][i]["image"] = json!(img);
                    }
                }
            }
            if !changed.is_empty() {
                patch_spec.insert(list.to_string(), Value::Array(changed));
            }
        }
        for (n, _) in &images {
            let found = ["initContainers", "containers"].iter().any(|list| {
                spec[*list]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| n == "*" || c["name"].as_str() == Some(n))
            });
            if !found {
                errors.push(format!("error: unable to find container named \"{n}\""));
            }
        }
        if patch_spec.is_empty() {
            continue;
        }
        let result = if dry == DryRun::Client {
            after
        } else {
            let mut patch = Value::Object(patch_spec);
            for key in path.iter().rev() {
                patch = json!({ *key: patch });
            }
            let query = [
                (
                    "fieldManager",
                    p.get("field-manager").unwrap_or("kubectl-set"),
                ),
                ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
            ];
            match client.patch(r, &ns, &name, "", PatchType::StrategicMerge, patch, &query) {
                Ok((o, _)) => o,
                Err(e) => {
                    errors.push(format!(
                        "error: failed to patch image update to pod template: {}",
                        e.message
                    ));
                    continue;
                }
            }
        };
        match format.as_str() {
            "" => out.out(format!("{shown} image updated{}\n", dry.suffix())),
            "name" => out.out(format!("{shown}\n")),
            f => out.out(print_objects(vec![result], f, true)),
        }
    }
    finish(out, errors)
}

/// What was printed, then the errors; status 1 when there were any.
fn finish(mut out: Output, errors: Vec<String>) -> CmdResult {
    let code = i32::from(!errors.is_empty());
    for e in errors {
        out.err(format!("{e}\n"));
    }
    CmdResult { output: out, code }
}

/// The containers a change applies to: all, or the one `-c`/`--containers` names
/// (init containers included).
fn chosen<'a>(spec: &'a mut Value, only: Option<&str>) -> Vec<&'a mut Value> {
    let mut out = vec![];
    let Some(fields) = spec.as_object_mut() else {
        return out;
    };
    for (key, list) in fields.iter_mut() {
        if key != "initContainers" && key != "containers" {
            continue;
        }
        for c in list.as_array_mut().into_iter().flatten() {
            if only.is_none_or(|n| n == "*" || c["name"].as_str() == Some(n)) {
                out.push(c);
            }
        }
    }
    out
}

/// Applies `change` to the pod spec of each object named; prints `{kind}/{name} {word}`
/// for those it changed (or, with `always`, for every one) and sends them back whole.
/// What one `set` subcommand says: its `updated` word and how a refused write begins.
struct Wording {
    word: &'static str,
    failed: &'static str,
    /// Print even when nothing changed (`set serviceaccount` does).
    always: bool,
    /// Where in an object of a kind the change goes, or why it cannot (given the
    /// object's `resource/name`).
    place: fn(&Resource, &str) -> Result<&'static [&'static str], String>,
}

/// The pod spec of workloads and pods.
fn pod_spec(r: &Resource, name: &str) -> Result<&'static [&'static str], String> {
    pod_spec_path(r.kind).ok_or_else(|| {
        format!(
            "error: {}/{name} the object is not a pod or does not have a pod template: *{}.{}",
            r.plural, r.version, r.kind
        )
    })
}

fn update_each(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    resources: &[String],
    wording: &Wording,
    change: &dyn Fn(&mut Value) -> Result<bool, String>,
) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if resources.is_empty() {
        return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let objects = match targets::of(p, ctx, resources) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    let mut errors = vec![];
    let mut client = client::connect(ctx.cluster);
    for (r, ns, name) in objects {
        let mut obj = match client.get(r, &ns, &name) {
            Ok(o) => o,
            Err(e) => return fail(e.kubectl_message()),
        };
        let path = match (wording.place)(r, &name) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut spec = &mut obj;
        for key in path {
            spec = &mut spec[*key];
        }
        let changed = match change(spec) {
            Ok(c) => c,
            Err(e) => {
                errors.push(format!("error: {e}"));
                continue;
            }
        };
        if !changed && !wording.always {
            continue;
        }
        let result = if dry == DryRun::Client {
            obj
        } else {
            let query = [
                (
                    "fieldManager",
                    p.get("field-manager").unwrap_or("kubectl-set"),
                ),
                ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
            ];
            match client.update(r, &ns, obj, "", &query) {
                Ok(o) => o,
                Err(e) => {
                    errors.push(format!("error: {}{}", wording.failed, e.message));
                    continue;
                }
            }
        };
        let shown = format!("{}/{name}", r.kubectl_kind());
        match format.as_str() {
            "" => out.out(format!("{shown} {}{}\n", wording.word, dry.suffix())),
            "name" => out.out(format!("{shown}\n")),
            f => out.out(print_objects(vec![result], f, true)),
        }
    }
    finish(out, errors)
}

/// `k=v,k2=v2` as a resource list, quantities checked.
fn resource_list(spec: &str) -> Result<serde_json::Map<String, Value>, String> {
    let mut m = serde_json::Map::new();
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!(
                "Invalid argument syntax {part}, expected <resource>=<value>"
            ));
        };
        let Some(milli) = crate::quantity::parse(v) else {
            return Err("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".into());
        };
        m.insert(
            k.to_string(),
            json!(crate::quantity::canonical(
                milli,
                crate::quantity::is_binary(v)
            )),
        );
    }
    Ok(m)
}

fn resources(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let limits = p.get("limits").unwrap_or("");
    let requests = p.get("requests").unwrap_or("");
    if limits.is_empty() && requests.is_empty() {
        return fail("error: you must specify an update to requests or limits (in the form of --requests/--limits)");
    }
    let (limits, requests) = match (resource_list(limits), resource_list(requests)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return fail(format!("error: {e}")),
    };
    let only = p.get("containers").map(str::to_string);
    let change = move |spec: &mut Value| -> Result<bool, String> {
        let containers = chosen(spec, only.as_deref());
        if containers.is_empty() {
            return Err(format!(
                "unable to find container named {}",
                only.as_deref().unwrap_or("")
            ));
        }
        let mut changed = false;
        for c in containers {
            let before = c["resources"].clone();
            for (field, list) in [("limits", &limits), ("requests", &requests)] {
                for (k, v) in list {
                    c["resources"][field][k] = v.clone();
                }
            }
            changed |= c["resources"] != before;
        }
        Ok(changed)
    };
    let wording = Wording {
        word: "resource requirements updated",
        failed: "failed to patch resources update to pod template ",
        always: false,
        place: pod_spec,
    };
    update_each(p, ctx, &p.positional[1..], &wording, &change)
}

fn service_account(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let args = &p.positional[1..];
    let Some((sa, resources)) = args.split_last() else {
        return fail("error: serviceaccount is required\nSee 'kubectl set serviceaccount -h' for help and examples");
    };
    if resources.is_empty() {
        return fail("error: serviceaccount is required\nSee 'kubectl set serviceaccount -h' for help and examples");
    }
    let sa = sa.clone();
    let change = move |spec: &mut Value| -> Result<bool, String> {
        let changed = spec["serviceAccountName"].as_str() != Some(sa.as_str());
        spec["serviceAccountName"] = json!(sa);
        Ok(changed)
    };
    let wording = Wording {
        word: "serviceaccount updated",
        failed: "failed to patch ServiceAccountName ",
        always: true,
        place: pod_spec,
    };
    update_each(p, ctx, resources, &wording, &change)
}

fn env(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let args = &p.positional[1..];
    let split = args
        .iter()
        .position(|a| a.contains('=') || a.ends_with('-'))
        .unwrap_or(args.len());
    let (resources, changes) = args.split_at(split);
    let mut set: Vec<(String, String)> = p
        .all("env")
        .iter()
        .filter_map(|e| {
            e.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    let mut remove: Vec<String> = vec![];
    for c in changes {
        if let Some((k, v)) = c.split_once('=') {
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = c.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return fail(format!(
                "error: all resources must be specified before environment changes: {c}"
            ));
        }
    }
    let only = p.get("containers").map(str::to_string);
    if p.on("list") {
        let objects = match targets::of(p, ctx, resources) {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        let mut out = String::new();
        let mut client = client::connect(ctx.cluster);
        for (r, ns, name) in objects {
            let Ok(mut obj) = client.get(r, &ns, &name) else {
                continue;
            };
            let Some(path) = pod_spec_path(r.kind) else {
                continue;
            };
            let mut spec = &mut obj;
            for key in path {
                spec = &mut spec[*key];
            }
            for c in chosen(spec, only.as_deref()) {
                out.push_str(&format!(
                    "# {} {name}, container {}\n",
                    r.kind,
                    c["name"].as_str().unwrap_or("")
                ));
                for e in c["env"].as_array().into_iter().flatten() {
                    match e.get("value") {
                        Some(v) => out.push_str(&format!(
                            "{}={}\n",
                            e["name"].as_str().unwrap_or(""),
                            v.as_str().unwrap_or("")
                        )),
                        None => out.push_str(&format!(
                            "# {} from: {}\n",
                            e["name"].as_str().unwrap_or(""),
                            e["valueFrom"]
                        )),
                    }
                }
            }
        }
        return CmdResult::ok(out);
    }
    if set.is_empty() && remove.is_empty() {
        return fail("error: at least one environment variable must be provided");
    }
    let change = move |spec: &mut Value| -> Result<bool, String> {
        let mut changed = false;
        for c in chosen(spec, only.as_deref()) {
            let before = c["env"].clone();
            let mut vars: Vec<Value> = c["env"].as_array().cloned().unwrap_or_default();
            for (k, v) in &set {
                match vars.iter_mut().find(|e| e["name"].as_str() == Some(k)) {
                    Some(e) => *e = json!({"name": k, "value": v}),
                    None => vars.push(json!({"name": k, "value": v})),
                }
            }
            vars.retain(|e| !remove.iter().any(|r| e["name"].as_str() == Some(r)));
            if vars.is_empty() {
                if let Some(m) = c.as_object_mut() {
                    m.remove("env");
                }
            } else {
                c["env"] = json!(vars);
            }
            changed |= c["env"] != before;
        }
        Ok(changed)
    };
    let wording = Wording {
        word: "env updated",
        failed: "failed to patch env update to pod template: ",
        always: false,
        place: pod_spec,
    };
    update_each(p, ctx, resources, &wording, &change)
}

/// The root of a role binding (what `set subject` changes).
fn binding(r: &Resource, name: &str) -> Result<&'static [&'static str], String> {
    match r.kind {
        "RoleBinding" | "ClusterRoleBinding" => Ok(&[]),
        _ => Err(format!(
            "error: {}/{name} setting subjects is only supported for RoleBinding/ClusterRoleBinding",
            r.group_resource()
        )),
    }
}

/// A subject as kubectl compares them: every field, absent ones empty.
fn subject_key(s: &Value) -> [String; 4] {
    ["kind", "apiGroup", "name", "namespace"].map(|k| s[k].as_str().unwrap_or("").to_string())
}

/// `kubectl set subject`: adds users, groups and service accounts a binding lacks.
fn subject(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let sorted = |flag: &str| {
        let mut v = p.all(flag);
        crate::sort::sort(&mut v);
        v.dedup();
        v
    };
    let (users, groups, accounts) = (sorted("user"), sorted("group"), sorted("serviceaccount"));
    if users.is_empty() && groups.is_empty() && accounts.is_empty() {
        return fail("error: you must specify at least one value of user, group or serviceaccount");
    }
    let mut sas = vec![];
    for sa in &accounts {
        match sa.split(':').collect::<Vec<_>>().as_slice() {
            [ns, name] if !name.is_empty() => sas.push((ns.to_string(), name.to_string())),
            _ => return fail("error: serviceaccount must be <namespace>:<name>"),
        }
    }
    let default_ns = super::namespace(p);
    let change = move |obj: &mut Value| -> Result<bool, String> {
        let cluster_wide = obj["kind"] == "ClusterRoleBinding";
        let mut wanted: Vec<Value> = vec![];
        for u in &users {
            wanted
                .push(json!({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": u}));
        }
        for g in &groups {
            wanted
                .push(json!({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": g}));
        }
        for (ns, name) in &sas {
            if cluster_wide && ns.is_empty() {
                return Err(
                    "serviceaccount must be <namespace>:<name>, namespace must be specified".into(),
                );
            }
            let ns = if ns.is_empty() { &default_ns } else { ns };
            wanted.push(json!({"kind": "ServiceAccount", "namespace": ns, "name": name}));
        }
        let have: Vec<[String; 4]> = obj["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(subject_key)
            .collect();
        let new: Vec<Value> = wanted
            .into_iter()
            .filter(|s| !have.contains(&subject_key(s)))
            .collect();
        if new.is_empty() {
            return Ok(false);
        }
        match obj["subjects"].as_array_mut() {
            Some(list) => list.extend(new),
            None => obj["subjects"] = Value::Array(new),
        }
        Ok(true)
    };
    let wording = Wording {
        word: "subjects updated",
        failed: "failed to patch subjects to rolebinding: ",
        always: false,
        place: binding,
    };
    update_each(p, ctx, &p.positional[1..], &wording, &change)
}

/// The spec of a service (what `set selector` changes).
fn service(r: &Resource, _: &str) -> Result<&'static [&'static str], String> {
    match (r.group, r.kind) {
        ("", "Service") => Ok(&["spec"]),
        _ => Err("error: setting a selector is only supported for Services".into()),
    }
}

/// `kubectl set selector TYPE NAME EXPRESSIONS`: a service's selector, replaced.
fn selector(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let args = &p.positional[1..];
    let Some((expr, resources)) = args.split_last() else {
        return fail("error: one selector is required");
    };
    let sel = match crate::labels::Selector::parse(expr).and_then(|s| s.to_label_selector()) {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    // Services select by labels only: expressions fail on each object, after it is read.
    let unsupported = unsupported_expressions(&sel);
    let labels = sel["matchLabels"].clone();
    let change = move |spec: &mut Value| -> Result<bool, String> {
        if let Some(e) = &unsupported {
            return Err(e.clone());
        }
        spec["selector"] = if labels.is_object() {
            labels.clone()
        } else {
            json!({})
        };
        Ok(true)
    };
    let wording = Wording {
        word: "selector updated",
        failed: "",
        always: true,
        place: service,
    };
    update_each(p, ctx, resources, &wording, &change)
}

/// `match expression [{app In [a b]}] not supported on this object` (Go's %v of the
/// requirements), when a selector has expressions.
fn unsupported_expressions(sel: &Value) -> Option<String> {
    let exprs = sel["matchExpressions"]
        .as_array()
        .filter(|e| !e.is_empty())?;
    let shown: Vec<String> = exprs
        .iter()
        .map(|e| {
            let values = crate::value::strings(&e["values"]);
            format!(
                "{{{} {} [{}]}}",
                e["key"].as_str().unwrap_or(""),
                e["operator"].as_str().unwrap_or(""),
                values.join(" ")
            )
        })
        .collect();
    Some(format!(
        "match expression [{}] not supported on this object",
        shown.join(" ")
    ))
}
