//! `kubectl create job` (from an image, or `--from=cronjob/NAME`) and `create cronjob`.

use serde_json::{json, Value};

use super::{Generated, Parsed};

/// A pod template running `image` (with the command after `--`) in a container named
/// after the job.
fn template(name: &str, image: &str, command: &[String], restart: &str) -> Value {
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if !command.is_empty() {
        container["command"] = json!(command);
    }
    json!({"metadata": {}, "spec": {"containers": [container], "restartPolicy": restart}})
}

/// `source` is the CronJob `--from` names, as the core fetched it.
pub fn job(p: &Parsed, name: &str, source: Option<&Value>) -> Result<Generated, String> {
    let image = p.get("image").unwrap_or("");
    let from = p.get("from").unwrap_or("");
    if image.is_empty() == from.is_empty() {
        return Err("error: either --image or --from must be specified".into());
    }
    if !p.rest.is_empty() && !from.is_empty() {
        return Err("error: cannot specify --from and command".into());
    }
    let obj = match source {
        Some(cronjob) if !from.is_empty() => from_cronjob(name, cronjob),
        _ => json!({
            "kind": "Job", "apiVersion": "batch/v1",
            "metadata": {"name": name},
            "spec": {"template": template(name, image, &p.rest, "Never")},
            "status": {},
        }),
    };
    Ok(Generated::new(
        obj,
        "batch",
        "jobs",
        "job.batch",
        "failed to create job: ",
    ))
}

/// A Job made from a CronJob's job template, owned by it, as the CronJob controller would.
fn from_cronjob(name: &str, cronjob: &Value) -> Value {
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
    json!({
        "kind": "Job", "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": template.get("spec").cloned().unwrap_or_else(|| json!({})),
        "status": {},
    })
}

pub fn cronjob(p: &Parsed, name: &str) -> Result<Generated, String> {
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
    Ok(Generated::new(
        obj,
        "batch",
        "cronjobs",
        "cronjob.batch",
        "failed to create cronjob: ",
    ))
}
