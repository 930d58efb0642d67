//! `kubectl create job` (from an image, or `--from=cronjob/NAME`) and `create cronjob`.

use serde_json::{json, Value};

use super::super::flags::Parsed;
use super::super::{client, fail, namespace, resource_type, Ctx};
use super::{output_options, send};
use crate::command::CmdResult;

/// A pod template running `image` (with the command after `--`) in a container named
/// after the job.
fn template(name: &str, image: &str, command: &[String], restart: &str) -> Value {
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if !command.is_empty() {
        container["command"] = json!(command);
    }
    json!({"metadata": {}, "spec": {"containers": [container], "restartPolicy": restart}})
}

pub fn job(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let image = p.get("image").unwrap_or("");
    let from = p.get("from").unwrap_or("");
    if image.is_empty() == from.is_empty() {
        return fail("error: either --image or --from must be specified");
    }
    if !p.rest.is_empty() && !from.is_empty() {
        return fail("error: cannot specify --from and command");
    }
    let obj = if from.is_empty() {
        json!({
            "kind": "Job", "apiVersion": "batch/v1",
            "metadata": {"name": name},
            "spec": {"template": template(name, image, &p.rest, "Never")},
            "status": {},
        })
    } else {
        match from_cronjob(p, ctx, name, from) {
            Ok(o) => o,
            Err(e) => return e,
        }
    };
    send(
        p,
        ctx,
        ("batch", "jobs", "job.batch", "failed to create job: "),
        name,
        obj,
    )
}

/// A Job made from a CronJob's job template, owned by it, as the CronJob controller would.
fn from_cronjob(p: &Parsed, ctx: &mut Ctx<'_>, name: &str, from: &str) -> Result<Value, CmdResult> {
    let Some((type_name, source)) = from.split_once('/') else {
        return Err(fail(format!(
            "error: the server doesn't have a resource type \"{from}\""
        )));
    };
    let catalog = client::discover(ctx.cluster);
    let r = resource_type(&catalog, type_name).map_err(fail)?;
    let cronjob = client::connect(ctx.cluster)
        .get(r, &namespace(p), source)
        .map_err(|e| fail(e.kubectl_message()))?;
    if r.kind != "CronJob" {
        return Err(fail(format!(
            "error: unknown object type *{}.{}",
            r.version, r.kind
        )));
    }
    let template = &cronjob["spec"]["jobTemplate"];
    let mut annotations = json!({"cronjob.kubernetes.io/instantiate": "manual"});
    if let Some(extra) = template["metadata"]["annotations"].as_object() {
        for (k, v) in extra {
            annotations[k] = v.clone();
        }
    }
    let mut metadata = json!({
        "name": name,
        "annotations": annotations,
        "ownerReferences": [{
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": cronjob["metadata"]["name"],
            "uid": cronjob["metadata"]["uid"],
            "controller": true,
        }],
    });
    if let Some(labels) = template["metadata"].get("labels") {
        metadata["labels"] = labels.clone();
    }
    Ok(json!({
        "kind": "Job", "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": template.get("spec").cloned().unwrap_or_else(|| json!({})),
        "status": {},
    }))
}

pub fn cronjob(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let image = p.get("image").unwrap_or("");
    let restart = p
        .get("restart")
        .filter(|r| !r.is_empty())
        .unwrap_or("OnFailure");
    let obj = json!({
        "kind": "CronJob", "apiVersion": "batch/v1",
        "metadata": {"name": name},
        "spec": {
            "schedule": p.get("schedule").unwrap_or(""),
            "jobTemplate": {
                "metadata": {"name": name},
                "spec": {"template": template(name, image, &p.rest, restart)},
            },
        },
        "status": {},
    });
    send(
        p,
        ctx,
        (
            "batch",
            "cronjobs",
            "cronjob.batch",
            "failed to create cronjob: ",
        ),
        name,
        obj,
    )
}
