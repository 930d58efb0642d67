//! `kubectl set image|resources|env|serviceaccount|subject|selector`: the changes to the
//! pod template (or a pod), to a role binding's subjects or a service's selector, as
//! kubectl makes them (`set image` as a strategic merge patch of the containers, the
//! others as the whole changed object). The core resolves and reads the objects, then
//! writes and prints what comes back.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::command::{CmdResult, Output};
use crate::kubectl_args::Args as Parsed;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Request {
    pub flags: Parsed,
    /// The namespace the command works in (service accounts' default).
    pub namespace: String,
    /// `set selector`'s expression as a `metav1.LabelSelector`, or the parser's error.
    #[serde(default)]
    pub selector: Option<Result<Value, String>>,
    /// The objects the resources named, once the core has read them.
    #[serde(default)]
    pub objects: Option<Vec<Target>>,
}

/// One object the command works on, with what is known of its resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Target {
    pub object: Value,
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    /// `kubectl`'s `kind/name` (`deployment.apps/web`).
    pub shown: String,
    /// The group-qualified resource (`deployments.apps`).
    pub group_resource: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Answer {
    /// What kubectl prints, and its status.
    Done(CmdResult),
    /// The resources to resolve and read (after checking `-o` and `--dry-run` when
    /// `check_output` says so); then ask again with the objects.
    Need {
        resources: Vec<String>,
        check_output: bool,
    },
    /// What to do with each object, in order.
    Changes(Vec<Outcome>),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Errors kubectl prints at the end.
    pub errors: Vec<String>,
    pub write: Option<Write>,
}

/// An object to write back: whole (an update), or as `patch` (strategic merge).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Write {
    /// The object as changed (what `--dry-run=client` prints).
    pub object: Value,
    pub patch: Option<Value>,
    pub shown: String,
    /// The word of the `updated` line.
    pub word: String,
    /// How a refused write's error begins.
    pub failed: String,
}

fn fail(msg: impl Into<String>) -> Answer {
    let mut m = msg.into();
    if !m.ends_with('\n') {
        m.push('\n');
    }
    Answer::Done(CmdResult::fail(m, 1))
}

/// kubectl's error when no resource is named.
pub const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

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

/// The pod spec of workloads and pods.
fn pod_spec(t: &Target) -> Result<&'static [&'static str], String> {
    pod_spec_path(&t.kind).ok_or_else(|| {
        format!(
            "error: {}/{} the object is not a pod or does not have a pod template: *{}.{}",
            t.plural,
            name_of(t),
            t.version,
            t.kind
        )
    })
}

/// The root of a role binding (what `set subject` changes).
fn binding(t: &Target) -> Result<&'static [&'static str], String> {
    match t.kind.as_str() {
        "RoleBinding" | "ClusterRoleBinding" => Ok(&[]),
        _ => Err(format!(
            "error: {}/{} setting subjects is only supported for RoleBinding/ClusterRoleBinding",
            t.group_resource,
            name_of(t)
        )),
    }
}

/// The spec of a service (what `set selector` changes).
fn service(t: &Target) -> Result<&'static [&'static str], String> {
    match (t.group.as_str(), t.kind.as_str()) {
        ("", "Service") => Ok(&["spec"]),
        _ => Err("error: setting a selector is only supported for Services".into()),
    }
}

fn name_of(t: &Target) -> &str {
    t.object["metadata"]["name"].as_str().unwrap_or("")
}

fn at<'a>(obj: &'a mut Value, path: &[&str]) -> &'a mut Value {
    path.iter().fold(obj, |v, key| &mut v[*key])
}

/// The next step of `kubectl set` for `q`.
pub fn run(q: &Request) -> Answer {
    let p = &q.flags;
    match p.positional.first().map(String::as_str) {
        Some("image") => image(q),
        Some("resources") => resources(q),
        Some("env") => env(q),
        Some("serviceaccount" | "sa") => service_account(q),
        Some("subject") => subject(q),
        Some("selector") => selector(q),
        Some(other) => fail(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl set -h' for help and examples"
        )),
        None => Answer::Done(CmdResult::ok(
            crate::help::help(&["set"]).unwrap_or_default(),
        )),
    }
}

fn image(q: &Request) -> Answer {
    let p = &q.flags;
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
        return fail(NO_RESOURCES);
    }
    let Some(objects) = &q.objects else {
        return Answer::Need {
            resources: resources.to_vec(),
            check_output: false,
        };
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
    let outcomes = objects
        .iter()
        .map(|t| {
            let mut outcome = Outcome::default();
            let path = match pod_spec(t) {
                Ok(p) => p,
                Err(e) => {
                    outcome.errors.push(e);
                    return outcome;
                }
            };
            let mut after = t.object.clone();
            let spec = at(&mut after, path);
            // The containers whose image changes, by list.
            let mut patch_spec = Map::new();
            for list in ["initContainers", "containers"] {
                let mut changed = vec![];
                for c in spec[list].as_array_mut().into_iter().flatten() {
                    let cname = c["name"].as_str().unwrap_or("").to_string();
                    let wanted = images
                        .iter()
                        .find(|(n, _)| *n == cname || n == "*")
                        .map(|(_, img)| img);
                    if let Some(img) = wanted.filter(|img| c["image"].as_str() != Some(img)) {
                        changed.push(json!({"name": cname, "image": img}));
                        c["image"] = json!(img);
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
                    outcome
                        .errors
                        .push(format!("error: unable to find container named \"{n}\""));
                }
            }
            if !patch_spec.is_empty() {
                let patch = path.iter().rev().fold(
                    Value::Object(patch_spec),
                    |patch, key| json!({ *key: patch }),
                );
                outcome.write = Some(Write {
                    object: after,
                    patch: Some(patch),
                    shown: t.shown.clone(),
                    word: "image updated".into(),
                    failed: "failed to patch image update to pod template: ".into(),
                });
            }
            outcome
        })
        .collect();
    Answer::Changes(outcomes)
}

/// What one `set` subcommand says: its `updated` word and how a refused write begins.
struct Wording {
    word: &'static str,
    failed: &'static str,
    /// Print even when nothing changed (`set serviceaccount` does).
    always: bool,
    /// Where in an object of a kind the change goes, or why it cannot.
    place: fn(&Target) -> Result<&'static [&'static str], String>,
}

/// Applies `change` where `wording` places it in each object; each changed object (or,
/// with `always`, every one) is written back whole.
fn update_each(
    q: &Request,
    resources: &[String],
    wording: &Wording,
    change: &dyn Fn(&mut Value) -> Result<bool, String>,
) -> Answer {
    let Some(objects) = &q.objects else {
        return Answer::Need {
            resources: resources.to_vec(),
            check_output: true,
        };
    };
    let outcomes = objects
        .iter()
        .map(|t| {
            let mut outcome = Outcome::default();
            let path = match (wording.place)(t) {
                Ok(p) => p,
                Err(e) => {
                    outcome.errors.push(e);
                    return outcome;
                }
            };
            let mut obj = t.object.clone();
            match change(at(&mut obj, path)) {
                Err(e) => outcome.errors.push(format!("error: {e}")),
                Ok(changed) if changed || wording.always => {
                    outcome.write = Some(Write {
                        object: obj,
                        patch: None,
                        shown: t.shown.clone(),
                        word: wording.word.into(),
                        failed: wording.failed.into(),
                    });
                }
                Ok(_) => {}
            }
            outcome
        })
        .collect();
    Answer::Changes(outcomes)
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

/// `k=v,k2=v2` as a resource list, quantities checked.
fn resource_list(spec: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
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

fn resources(q: &Request) -> Answer {
    let p = &q.flags;
    let limits = p.get("limits").unwrap_or("");
    let requests = p.get("requests").unwrap_or("");
    if limits.is_empty() && requests.is_empty() {
        return fail("error: you must specify an update to requests or limits (in the form of --requests/--limits)");
    }
    let (limits, requests) = match (resource_list(limits), resource_list(requests)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return fail(format!("error: {e}")),
    };
    let only = p.get("containers");
    let change = |spec: &mut Value| -> Result<bool, String> {
        let containers = chosen(spec, only);
        if containers.is_empty() {
            return Err(format!(
                "unable to find container named {}",
                only.unwrap_or("")
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
    update_each(q, &p.positional[1..], &wording, &change)
}

fn service_account(q: &Request) -> Answer {
    let args = &q.flags.positional[1..];
    let Some((sa, resources)) = args.split_last().filter(|(_, r)| !r.is_empty()) else {
        return fail("error: serviceaccount is required\nSee 'kubectl set serviceaccount -h' for help and examples");
    };
    let change = |spec: &mut Value| -> Result<bool, String> {
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
    update_each(q, resources, &wording, &change)
}

fn env(q: &Request) -> Answer {
    let p = &q.flags;
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
    let only = p.get("containers");
    if p.on("list") {
        let Some(objects) = &q.objects else {
            return Answer::Need {
                resources: resources.to_vec(),
                check_output: false,
            };
        };
        return Answer::Done(CmdResult::ok(env_list(objects, only)));
    }
    if set.is_empty() && remove.is_empty() {
        return fail("error: at least one environment variable must be provided");
    }
    let change = |spec: &mut Value| -> Result<bool, String> {
        let mut changed = false;
        for c in chosen(spec, only) {
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
    update_each(q, resources, &wording, &change)
}

/// `set env --list`: each container's variables, as `NAME=value` lines.
fn env_list(objects: &[Target], only: Option<&str>) -> String {
    let mut out = String::new();
    for t in objects {
        let Some(path) = pod_spec_path(&t.kind) else {
            continue;
        };
        let mut obj = t.object.clone();
        for c in chosen(at(&mut obj, path), only) {
            out.push_str(&format!(
                "# {} {}, container {}\n",
                t.kind,
                name_of(t),
                c["name"].as_str().unwrap_or("")
            ));
            for e in c["env"].as_array().into_iter().flatten() {
                let name = e["name"].as_str().unwrap_or("");
                match e.get("value") {
                    Some(v) => out.push_str(&format!("{name}={}\n", v.as_str().unwrap_or(""))),
                    None => out.push_str(&format!("# {name} from: {}\n", e["valueFrom"])),
                }
            }
        }
    }
    out
}

/// A subject as kubectl compares them: every field, absent ones empty.
fn subject_key(s: &Value) -> [String; 4] {
    ["kind", "apiGroup", "name", "namespace"].map(|k| s[k].as_str().unwrap_or("").to_string())
}

/// `kubectl set subject`: adds users, groups and service accounts a binding lacks.
fn subject(q: &Request) -> Answer {
    let p = &q.flags;
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
    let change = |obj: &mut Value| -> Result<bool, String> {
        let cluster_wide = obj["kind"] == "ClusterRoleBinding";
        let group = "rbac.authorization.k8s.io";
        let mut wanted: Vec<Value> = vec![];
        for u in &users {
            wanted.push(json!({"kind": "User", "apiGroup": group, "name": u}));
        }
        for g in &groups {
            wanted.push(json!({"kind": "Group", "apiGroup": group, "name": g}));
        }
        for (ns, name) in &sas {
            if cluster_wide && ns.is_empty() {
                return Err(
                    "serviceaccount must be <namespace>:<name>, namespace must be specified".into(),
                );
            }
            let ns = if ns.is_empty() { &q.namespace } else { ns };
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
    update_each(q, &p.positional[1..], &wording, &change)
}

/// `kubectl set selector TYPE NAME EXPRESSIONS`: a service's selector, replaced.
fn selector(q: &Request) -> Answer {
    let args = &q.flags.positional[1..];
    let Some((_, resources)) = args.split_last() else {
        return fail("error: one selector is required");
    };
    let sel = match &q.selector {
        Some(Ok(s)) => s,
        Some(Err(e)) => return fail(format!("error: {e}")),
        None => return fail("error: one selector is required"),
    };
    // Services select by labels only: expressions fail on each object, after it is read.
    let unsupported = unsupported_expressions(sel);
    let labels = &sel["matchLabels"];
    let change = |spec: &mut Value| -> Result<bool, String> {
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
    update_each(q, resources, &wording, &change)
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

/// Output for the objects `Changes` left to the core: the `updated` lines it printed,
/// then the errors (status 1 when there were any).
pub fn finish(mut out: Output, errors: Vec<String>) -> CmdResult {
    let code = i32::from(!errors.is_empty());
    for e in errors {
        out.err(format!("{e}\n"));
    }
    CmdResult { output: out, code }
}
