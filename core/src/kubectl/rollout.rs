//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments,
//! DaemonSets and StatefulSets, with kubectl 1.35's lines: status follows the object in
//! cluster time until its rollout is done (or its deadline, or `--timeout`), printing
//! each new status line; history lists the revisions (a Deployment's ReplicaSets, the
//! ControllerRevisions of the others) or shows one's pod template; undo patches the
//! chosen revision's template back, as kubectl does on the client.

use serde_json::{json, Value};

use super::flags::Parsed;
use super::{client, fail, not_supported, targets, Ctx};
use crate::apiserver::request::PatchType;
use crate::apiserver::resources::{self, Resource};
use crate::clock::{to_time, MINUTE};
use crate::command::{CmdResult, Output};
use crate::controllers::controller_utils::controller_of;
use crate::controllers::deployment::{revision, without_hash, NOT_COPIED, REVISION};
use kubarium_tools::controllers::revision_template;

const SUBCOMMANDS: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];

/// How long `rollout status` without `--timeout` follows a rollout in cluster time
/// (beyond the default progress deadline of 10 minutes).
const PATIENCE: i64 = 15 * MINUTE;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(sub) = p.positional.first().map(String::as_str) else {
        return CmdResult::ok(crate::tools::help(&["rollout"]).unwrap_or_default());
    };
    if !SUBCOMMANDS.contains(&sub) {
        return CmdResult::ok(crate::tools::help(&["rollout"]).unwrap_or_default());
    }
    let args = &p.positional[1..];
    if args.is_empty() && !p.given("selector") {
        return fail("error: required resource not specified");
    }
    let targets = match targets::of(p, ctx, args) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    let mut code = 0;
    for (r, ns, name) in targets {
        let revisioned = revisioned(r) && !matches!(sub, "pause" | "resume");
        if r.kind != "Deployment" && !revisioned {
            let res = match (r.kind, sub) {
                (_, "status") => fail(format!(
                    "error: no status viewer has been implemented for {}",
                    group_kind(r)
                )),
                (_, "history") => fail(format!(
                    "error: no history viewer has been implemented for \"{}\"",
                    group_kind(r)
                )),
                (_, "undo") => fail(format!(
                    "error: no rollbacker has been implemented for \"{}\"",
                    group_kind(r)
                )),
                (_, "pause") => fail(format!(
                    "error: {} \"{name}\" pausing is not supported",
                    qualified(r)
                )),
                (_, "resume") => fail(format!(
                    "error: {} \"{name}\" resuming is not supported",
                    qualified(r)
                )),
                _ => fail(format!(
                    "error: {} \"{name}\" restarting is not supported",
                    qualified(r)
                )),
            };
            out.extend(res.output);
            code = 1;
            continue;
        }
        let res = match sub {
            "status" => status(p, ctx, r, &ns, &name),
            "history" => history(p, ctx, r, &ns, &name),
            "undo" => undo(p, ctx, r, &ns, &name),
            _ => toggle(ctx, r, &ns, &name, sub),
        };
        out.extend(res.output);
        code = code.max(res.code);
    }
    CmdResult { output: out, code }
}

/// Kept in ControllerRevisions (a DaemonSet's or StatefulSet's history).
fn revisioned(r: &Resource) -> bool {
    matches!(r.kind, "DaemonSet" | "StatefulSet")
}

fn group_kind(r: &Resource) -> String {
    if r.group.is_empty() {
        r.kind.to_string()
    } else {
        format!("{}.{}", r.kind, r.group)
    }
}

fn qualified(r: &Resource) -> String {
    if r.group.is_empty() {
        r.plural.to_string()
    } else {
        format!("{}.{}", r.plural, r.group)
    }
}

/// The status line kubectl prints for a StatefulSet, whether it is done, or its error.
fn stateful_set_status(s: &Value) -> Result<(String, bool), String> {
    let spec = &s["spec"];
    if spec["updateStrategy"]["type"] != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type\n".into(),
        );
    }
    let status = &s["status"];
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let observed = int(&status["observedGeneration"]);
    if observed == 0 || int(&s["metadata"]["generation"]) > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = spec["replicas"].as_i64();
    let (ready, updated) = (
        int(&status["readyReplicas"]),
        int(&status["updatedReplicas"]),
    );
    if let Some(n) = replicas.filter(|n| ready < *n) {
        return Ok((
            format!("Waiting for {} pods to be ready...\n", n - ready),
            false,
        ));
    }
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    if ru.is_object() {
        if let (Some(n), Some(partition)) = (replicas, ru["partition"].as_i64()) {
            if updated < n - partition {
                return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n", n - partition), false));
            }
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
            true,
        ));
    }
    let revision = |f: &str| status[f].as_str().unwrap_or("").to_string();
    if revision("updateRevision") != revision("currentRevision") {
        return Ok((format!("waiting for statefulset rolling update to complete {updated} pods at revision {}...\n", revision("updateRevision")), false));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...\n",
            int(&status["currentReplicas"]),
            revision("currentRevision")
        ),
        true,
    ))
}

/// The status line kubectl prints for a Deployment, whether it is done, or its error.
fn deployment_status(d: &Value) -> Result<(String, bool), String> {
    let name = d["metadata"]["name"].as_str().unwrap_or("");
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let st = &d["status"];
    if int(&d["metadata"]["generation"]) > int(&st["observedGeneration"]) {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let timed_out = st["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded");
    if timed_out {
        return Err(format!(
            "error: deployment \"{name}\" exceeded its progress deadline\n"
        ));
    }
    let (want, updated, replicas, available) = (
        d["spec"]["replicas"].as_i64(),
        int(&st["updatedReplicas"]),
        int(&st["replicas"]),
        int(&st["availableReplicas"]),
    );
    let line = match want {
        Some(w) if updated < w => format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {w} new replicas have been updated...\n"),
        _ if replicas > updated => format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...\n", replicas - updated),
        _ if available < updated => format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...\n"),
        _ => return Ok((format!("deployment \"{name}\" successfully rolled out\n"), true)),
    };
    Ok((line, false))
}

/// The status line kubectl prints for a DaemonSet, whether it is done, or its error.
fn daemon_set_status(d: &Value) -> Result<(String, bool), String> {
    if d["spec"]["updateStrategy"]["type"] != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type\n".into(),
        );
    }
    let name = d["metadata"]["name"].as_str().unwrap_or("");
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let st = &d["status"];
    if int(&d["metadata"]["generation"]) > int(&st["observedGeneration"]) {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    let desired = int(&st["desiredNumberScheduled"]);
    let (updated, available) = (
        int(&st["updatedNumberScheduled"]),
        int(&st["numberAvailable"]),
    );
    let line = if updated < desired {
        format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n")
    } else if available < desired {
        format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n")
    } else {
        return Ok((
            format!("daemon set \"{name}\" successfully rolled out\n"),
            true,
        ));
    };
    Ok((line, false))
}

fn status(p: &Parsed, ctx: &mut Ctx<'_>, r: &'static Resource, ns: &str, name: &str) -> CmdResult {
    let pinned = match p.get("revision").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) if n >= 0 => n,
        Some(Ok(n)) => return fail(format!("error: revision must be a positive integer: {n}")),
        Some(Err(_)) => {
            let v = p.get("revision").unwrap_or("");
            return fail(format!("error: invalid argument \"{v}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout status --help' for usage."));
        }
    };
    let timeout = match p.get("timeout") {
        None | Some("0") => None,
        Some(t) => match super::wait::parse_duration(t) {
            Some(ms) if ms > 0 => Some(ms),
            Some(_) => None,
            None => return fail(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl rollout status --help' for usage.")),
        },
    };
    let watch = !p.given("watch") || p.on("watch");
    let mut out = Output::default();
    let read = |ctx: &mut Ctx<'_>| client::connect(ctx.cluster).get(r, ns, name);
    let d = match read(ctx) {
        Ok(d) => d,
        Err(e) => return fail(e.kubectl_message()),
    };
    let check = |d: &Value| -> Result<(String, bool), String> {
        if pinned > 0 && r.kind == "Deployment" {
            let current = d["metadata"]["annotations"][REVISION]
                .as_str()
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0);
            if current != pinned {
                return Err(format!("error: desired revision ({pinned}) is different from the running revision ({current})\n"));
            }
        }
        match r.kind {
            "DaemonSet" => daemon_set_status(d),
            "StatefulSet" => stateful_set_status(d),
            _ => deployment_status(d),
        }
    };
    let mut last = String::new();
    let mut step = |d: &Value, out: &mut Output| -> Option<i32> {
        match check(d) {
            Err(e) => {
                out.err(e);
                Some(1)
            }
            Ok((line, done)) => {
                if line != last {
                    out.out(line.clone());
                    last = line;
                }
                (done || !watch).then_some(0)
            }
        }
    };
    if let Some(code) = step(&d, &mut out) {
        return CmdResult { output: out, code };
    }
    let limit = ctx.cluster.now() + timeout.unwrap_or(PATIENCE);
    loop {
        let before = ctx.cluster.api.store.revision();
        let now = ctx.cluster.now();
        if now >= limit {
            break;
        }
        // On to the next change of anything (the Deployment's status follows).
        ctx.cluster
            .advance_until(limit, |c| c.api.store.revision() != before);
        let d = match read(ctx) {
            Ok(d) => d,
            Err(_) => {
                out.err("error: object has been deleted\n");
                return CmdResult {
                    output: out,
                    code: 1,
                };
            }
        };
        if let Some(code) = step(&d, &mut out) {
            return CmdResult { output: out, code };
        }
    }
    if timeout.is_some() {
        out.err("error: timed out waiting for the condition\n");
    } else {
        out.err("error: Kubarium stopped following the rollout after 15m of cluster time; it has not finished\n");
    }
    CmdResult {
        output: out,
        code: 1,
    }
}

/// One revision in an object's history: its number, its template, and what records it
/// (a Deployment's ReplicaSet, a ControllerRevision).
struct Revision {
    number: i64,
    template: Value,
    record: Value,
}

/// The object's revisions, from what it controls.
fn revisions(ctx: &mut Ctx<'_>, r: &Resource, d: &Value) -> Vec<Revision> {
    let ns = d["metadata"]["namespace"].as_str().unwrap_or("");
    let uid = d["metadata"]["uid"].as_str().unwrap_or("");
    let kind = if revisioned(r) {
        resources::controller_revisions()
    } else {
        resources::replica_sets()
    };
    let owned = client::connect(ctx.cluster)
        .list(kind, Some(ns), Default::default())
        .unwrap_or_default()
        .into_iter()
        .filter(|o| controller_of(o).is_some_and(|c| c.2 == uid));
    let mut out: Vec<Revision> = owned
        .map(|record| {
            let (number, template) = if revisioned(r) {
                let number = record["revision"].as_i64().unwrap_or(0);
                (number, revision_template(&record))
            } else {
                (revision(&record), without_hash(&record["spec"]["template"]))
            };
            Revision {
                number,
                template,
                record,
            }
        })
        .filter(|rev| rev.number > 0)
        .collect();
    kubarium_tools::sort::by_key(&mut out, |rev| rev.number);
    out
}

fn history(p: &Parsed, ctx: &mut Ctx<'_>, r: &'static Resource, ns: &str, name: &str) -> CmdResult {
    if p.given("output") {
        return not_supported("rollout history --output");
    }
    let wanted = match p.get("revision").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) if n >= 0 => n,
        Some(Ok(n)) => return fail(format!("error: revision must be a positive integer: {n}")),
        Some(Err(_)) => {
            let v = p.get("revision").unwrap_or("");
            return fail(format!("error: invalid argument \"{v}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout history --help' for usage."));
        }
    };
    let d = match client::connect(ctx.cluster).get(r, ns, name) {
        Ok(d) => d,
        Err(e) => return fail(e.kubectl_message()),
    };
    let revisions = revisions(ctx, r, &d);
    let body = if revisions.is_empty() {
        "No rollout history found.".to_string()
    } else if wanted > 0 {
        let Some(rev) = revisions.iter().find(|rev| rev.number == wanted) else {
            return fail("error: unable to find the specified revision");
        };
        let template = if revisioned(r) {
            rev.template.clone()
        } else {
            // A ReplicaSet's template as it is (its hash label too), with its change-cause.
            let mut t = rev.record["spec"]["template"].clone();
            let cause = &rev.record["metadata"]["annotations"]["kubernetes.io/change-cause"];
            if cause.as_str().is_some_and(|c| !c.is_empty()) {
                t["metadata"]["annotations"]["kubernetes.io/change-cause"] = cause.clone();
            }
            t
        };
        crate::tools::pod_template(&template).unwrap_or_default()
    } else {
        let mut text = "REVISION\tCHANGE-CAUSE\n".to_string();
        for rev in &revisions {
            let cause = rev.record["metadata"]["annotations"]["kubernetes.io/change-cause"]
                .as_str()
                .filter(|c| !c.is_empty())
                .unwrap_or("<none>");
            text.push_str(&format!("{}\t{cause}\n", rev.number));
        }
        crate::printers::tabwriter::align(&text, 0, 2)
    };
    let with = if wanted > 0 {
        format!("with revision #{wanted}")
    } else {
        String::new()
    };
    CmdResult::ok(format!("{}/{name} {with}\n{body}\n", r.kubectl_kind()))
}

fn undo(p: &Parsed, ctx: &mut Ctx<'_>, r: &'static Resource, ns: &str, name: &str) -> CmdResult {
    let to = match p.get("to-revision").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            let v = p.get("to-revision").unwrap_or("");
            return fail(format!("error: invalid argument \"{v}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout undo --help' for usage."));
        }
    };
    if p.given("dry-run") {
        return not_supported("rollout undo --dry-run");
    }
    let missing = || {
        fail(format!(
            "error: unable to find specified revision {to} in history"
        ))
    };
    if to < 0 {
        return missing();
    }
    let d = match client::connect(ctx.cluster).get(r, ns, name) {
        Ok(d) => d,
        Err(e) => return fail(e.kubectl_message()),
    };
    let mut history = revisions(ctx, r, &d);
    let target = if to > 0 {
        match history.iter().position(|rev| rev.number == to) {
            Some(i) => history.swap_remove(i),
            None => return missing(),
        }
    } else {
        // The second newest revision.
        match history.len().checked_sub(2) {
            Some(i) => history.swap_remove(i),
            None if revisioned(r) => return fail("error: no last revision to roll back to"),
            None => {
                return fail(format!(
                    "error: no rollout history found for deployment \"{name}\""
                ))
            }
        }
    };
    if d["spec"]["paused"] == true {
        return fail("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    }
    let kind = r.kubectl_kind();
    let current = if revisioned(r) {
        d["spec"]["template"].clone()
    } else {
        without_hash(&d["spec"]["template"])
    };
    if target.template == current {
        return CmdResult::ok(format!(
            "{kind}/{name} skipped rollback (current template already matches revision {to})\n"
        ));
    }
    let (patch_type, patch) = if revisioned(r) {
        (PatchType::StrategicMerge, target.record["data"].clone())
    } else {
        (PatchType::Json, restore(&d, &target))
    };
    match client::connect(ctx.cluster).patch(r, ns, name, "", patch_type, patch, &[]) {
        Ok(_) => CmdResult::ok(format!("{kind}/{name} rolled back\n")),
        Err(e) => fail(format!(
            "error: failed restoring revision {}: {}",
            target.number, e.message
        )),
    }
}

/// The JSON patch that puts a Deployment's revision back: its template, and the
/// annotations its ReplicaSet carries (but those the Deployment keeps for itself).
fn restore(d: &Value, target: &Revision) -> Value {
    let mut annotations = serde_json::Map::new();
    let of = |v: &Value| {
        v["metadata"]["annotations"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    };
    for (k, v) in of(d) {
        if NOT_COPIED.contains(&k.as_str()) {
            annotations.insert(k, v);
        }
    }
    for (k, v) in of(&target.record) {
        if !NOT_COPIED.contains(&k.as_str()) {
            annotations.insert(k, v);
        }
    }
    json!([
        {"op": "replace", "path": "/spec/template", "value": target.template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ])
}

/// pause, resume and restart: a patch of the Deployment's spec.
fn toggle(ctx: &mut Ctx<'_>, r: &'static Resource, ns: &str, name: &str, sub: &str) -> CmdResult {
    let d = match client::connect(ctx.cluster).get(r, ns, name) {
        Ok(d) => d,
        Err(e) => return fail(e.kubectl_message()),
    };
    let paused = d["spec"]["paused"] == true;
    let refuse = |why: &str| fail(format!("error: {} \"{name}\" {why}", qualified(r)));
    let (patch, done) = match sub {
        "pause" if paused => return refuse("is already paused"),
        "pause" => (json!({"spec": {"paused": true}}), "paused"),
        "resume" if !paused => return refuse("is not paused"),
        "resume" => (json!({"spec": {"paused": null}}), "resumed"),
        _ if paused => return refuse("can't restart paused deployment (run rollout resume first)"),
        _ => {
            let at = json!(to_time(ctx.cluster.now()));
            (
                json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}}),
                "restarted",
            )
        }
    };
    match client::connect(ctx.cluster).patch(r, ns, name, "", PatchType::StrategicMerge, patch, &[])
    {
        Ok(_) => CmdResult::ok(format!("{}/{name} {done}\n", r.kubectl_kind())),
        Err(e) => fail(format!("failed to patch: {}", e.message)),
    }
}
