//! The Job controller's decision for one sync: it counts the pods that ended since the
//! last one, sets the conditions (SuccessCriteriaMet or FailureTarget first, Complete or
//! Failed once no pod of the job is running or terminating, as in 1.35), and says which
//! pods to delete or create for `parallelism` and `completions` (one per index for
//! Indexed jobs), after the back-off that failures earn (10 s doubling up to 10
//! minutes); beyond `backoffLimit`, as after `activeDeadlineSeconds`, the job fails.
//! `suspend` deletes the running pods (uncounted) and resuming starts the deadline over.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{deletion_order, is_active, name, pod_from_template, ready_since, stamp, terminating};
use crate::describe::time_of;
use crate::time::{Millis, SECOND};

/// The finalizer that keeps a pod until the controller has counted it.
pub const TRACKING: &str = "batch.kubernetes.io/job-tracking";
/// The annotation and label with an Indexed job's pod's index.
pub const INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// The most pods one sync creates or deletes (upstream's MaxPodCreateDeletePerSync).
const BURST: usize = 500;
/// The first delay after a failure, doubled for each further one up to the maximum.
const BACKOFF: Millis = 10 * SECOND;
const MAX_BACKOFF: Millis = 600 * SECOND;

/// What a sync reads: the job, the pods it controls, now, and the failures since the
/// last success with the time of the last one (the controller's memory).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub job: Value,
    pub pods: Vec<Value>,
    pub now: Millis,
    pub backoff: (u32, Millis),
}

/// What the sync does, in order: let go of `delete`'s pods first if `release_first`,
/// delete them (a `SuccessfulDelete` event each), create `create`'s pods in slow-start
/// batches (a `SuccessfulCreate` each; those that fail are not active), record
/// `events`, write `status` if it changed, let go of `release`'s pods, record
/// `last_events`; sync again at `requeue`, remembering `backoff`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub delete: Vec<String>,
    pub release_first: bool,
    pub create: Vec<Value>,
    pub events: Vec<[String; 3]>,
    pub status: Value,
    pub release: Vec<String>,
    pub last_events: Vec<[String; 3]>,
    pub requeue: Option<Millis>,
    pub backoff: (u32, Millis),
}

fn event(type_: &str, reason: &str, message: &str) -> [String; 3] {
    [type_.into(), reason.into(), message.into()]
}

/// A pod's index in an Indexed job.
fn index_of(pod: &Value) -> Option<i64> {
    pod["metadata"]["annotations"][INDEX].as_str()?.parse().ok()
}

/// Indexes as the status writes them: runs of three or more as ranges (`0-2,4,6,7`).
fn format_indexes(set: &BTreeSet<i64>) -> String {
    let mut out: Vec<String> = vec![];
    let mut iter = set.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        match end - start {
            0 => out.push(start.to_string()),
            1 => out.push(format!("{start},{end}")),
            _ => out.push(format!("{start}-{end}")),
        }
    }
    out.join(",")
}

fn parse_indexes(text: &str) -> BTreeSet<i64> {
    let mut set = BTreeSet::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) {
            set.extend(a..=b);
        }
    }
    set
}

/// When a pod's containers last ended (when it failed), if the status says.
fn finished_at(pod: &Value) -> Option<Millis> {
    pod["status"]["containerStatuses"]
        .as_array()?
        .iter()
        .filter_map(|c| time_of(&c["state"]["terminated"]["finishedAt"]))
        .max()
}

/// Whether a pod has ended as a success or a failure, as the controller counts it: a
/// deleted pod counts as failed at once, unless only failed pods are replaced
/// (`podReplacementPolicy: Failed`): then once it has stopped.
fn ended(pod: &Value, only_failed: bool) -> Option<bool> {
    match pod["status"]["phase"].as_str() {
        Some("Succeeded") => Some(true),
        Some("Failed") => Some(false),
        _ if terminating(pod)
            && (!only_failed || pod["metadata"]["deletionGracePeriodSeconds"] == 0) =>
        {
            Some(false)
        }
        _ => None,
    }
}

fn has_tracking(pod: &Value) -> bool {
    pod["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f == TRACKING))
}

/// The condition of `type_` with status True, if the job has it.
fn condition<'a>(job: &'a Value, type_: &str) -> Option<&'a Value> {
    job["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_ && c["status"] == "True")
}

fn condition_at(type_: &str, status: &str, reason: &str, message: &str, now: Millis) -> Value {
    json!({"type": type_, "status": status, "lastProbeTime": stamp(now),
        "lastTransitionTime": stamp(now), "reason": reason, "message": message})
}

/// The decision of one sync of `q.job`.
pub fn decide(q: &Request) -> Decision {
    let (job, pods, now) = (&q.job, &q.pods, q.now);
    let spec = &job["spec"];
    let old = &job["status"];
    let indexed = spec["completionMode"] == "Indexed";
    let completions = spec["completions"].as_i64();
    let parallelism = spec["parallelism"].as_i64().unwrap_or(1).max(0);
    let backoff_limit = spec["backoffLimit"].as_i64().unwrap_or(6);
    let suspended = spec["suspend"] == true;
    let only_failed = spec["podReplacementPolicy"] == "Failed";
    // Pods stopped because the job succeeded are not failures.
    let succeeding = condition(job, "SuccessCriteriaMet").is_some();

    // Count the pods that ended since the last sync.
    let mut succeeded = old["succeeded"].as_i64().unwrap_or(0);
    let mut failed = old["failed"].as_i64().unwrap_or(0);
    let mut completed = parse_indexes(old["completedIndexes"].as_str().unwrap_or(""));
    let mut d = Decision {
        backoff: q.backoff,
        ..Decision::default()
    };
    let record = &mut d.backoff;
    for pod in pods.iter().filter(|p| has_tracking(p)) {
        let Some(success) = ended(pod, only_failed) else {
            continue;
        };
        if succeeding && !success && pod["status"]["phase"] != "Failed" {
            // Let go uncounted.
        } else if success {
            succeeded += 1;
            if let Some(i) = index_of(pod) {
                completed.insert(i);
            }
            *record = (0, 0);
        } else {
            failed += 1;
            *record = (record.0 + 1, finished_at(pod).unwrap_or(now).max(record.1));
        }
        d.release.push(name(pod).to_string());
    }
    if indexed {
        succeeded = completed
            .iter()
            .filter(|i| completions.is_some_and(|c| **i < c))
            .count() as i64;
    }
    let (failures, last_failure) = *record;
    let active: Vec<&Value> = pods.iter().filter(|p| is_active(p)).collect();
    let terminating_pods = pods
        .iter()
        .filter(|p| {
            terminating(p) && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
        })
        .count();

    let mut conditions: Vec<Value> = old["conditions"].as_array().cloned().unwrap_or_default();
    let mut start = old["startTime"].clone();
    let mut completion_time = old["completionTime"].clone();

    // Suspension and resumption.
    let was_suspended = condition(job, "Suspended").is_some();
    if suspended && !was_suspended {
        conditions.retain(|c| c["type"] != "Suspended");
        conditions.push(condition_at(
            "Suspended",
            "True",
            "JobSuspended",
            "Job suspended",
            now,
        ));
        d.events.push(event("Normal", "Suspended", "Job suspended"));
    } else if !suspended && was_suspended {
        for c in conditions.iter_mut().filter(|c| c["type"] == "Suspended") {
            *c = condition_at("Suspended", "False", "JobResumed", "Job resumed", now);
        }
        d.events.push(event("Normal", "Resumed", "Job resumed"));
        // The deadline starts over.
        start = Value::Null;
    }
    if !suspended && start.is_null() {
        start = stamp(now);
    }

    // Whether the job has failed or succeeded (its first, target condition).
    let restarts: i64 = if spec["template"]["spec"]["restartPolicy"] == "OnFailure" {
        active
            .iter()
            .flat_map(|p| {
                ["initContainerStatuses", "containerStatuses"]
                    .into_iter()
                    .flat_map(|l| p["status"][l].as_array().cloned().unwrap_or_default())
            })
            .map(|c| c["restartCount"].as_i64().unwrap_or(0))
            .sum()
    } else {
        0
    };
    let deadline = spec["activeDeadlineSeconds"]
        .as_i64()
        .zip(time_of(&start))
        .map(|(d, s)| s + d * SECOND);
    let mut target = condition(job, "FailureTarget").cloned();
    if target.is_none() && condition(job, "SuccessCriteriaMet").is_none() {
        // With OnFailure, the restarts of running pods count against the limit.
        let restarts_exceed = restarts > 0 && (backoff_limit == 0 || restarts >= backoff_limit);
        let why = if failed > backoff_limit || restarts_exceed {
            Some((
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            ))
        } else if deadline.is_some_and(|d| now >= d) && !suspended {
            Some((
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            ))
        } else {
            None
        };
        if let Some((reason, message)) = why {
            let c = condition_at("FailureTarget", "True", reason, message, now);
            conditions.push(c.clone());
            target = Some(c);
        }
    }
    let done = match completions {
        Some(c) => succeeded >= c,
        None => succeeded > 0 && active.is_empty(),
    };
    let success =
        condition(job, "SuccessCriteriaMet").is_some() || (target.is_none() && done && !suspended);
    if success && condition(job, "SuccessCriteriaMet").is_none() {
        conditions.push(condition_at(
            "SuccessCriteriaMet",
            "True",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
            now,
        ));
    }

    // The pods to run: none once finished or suspended.
    let want = if target.is_some() || success || suspended {
        0
    } else {
        match completions {
            None if succeeded > 0 => active.len() as i64,
            None => parallelism,
            Some(c) => (c - succeeded).clamp(0, parallelism),
        }
    } as usize;
    // Terminating pods hold their place unless they are replaced at once.
    let running = active.len() + if only_failed { terminating_pods } else { 0 };
    // Active as the status counts it: after this sync's deletions and creations (the
    // core takes back those that fail).
    let mut active_now = active.len();
    if running > want {
        let mut ranked = active.clone();
        crate::sort::by(&mut ranked, |a, b| deletion_order(a, b, 0, 0, now));
        for pod in ranked
            .into_iter()
            .take(active.len().saturating_sub(want).min(BURST))
        {
            active_now -= 1;
            d.delete.push(name(pod).to_string());
        }
        // Pods of a suspended job are let go first: they are not failures.
        d.release_first = suspended;
    } else if running < want {
        let ready_at =
            last_failure + (BACKOFF << failures.saturating_sub(1).min(6)).min(MAX_BACKOFF);
        if failures > 0 && now < ready_at {
            d.requeue = Some(ready_at);
        } else {
            let taken: BTreeSet<i64> = active.iter().filter_map(|p| index_of(p)).collect();
            let free: Vec<i64> = (0..completions.unwrap_or(0))
                .filter(|i| !completed.contains(i) && !taken.contains(i))
                .collect();
            let n = (want - running).min(BURST);
            let indexes: Vec<Option<i64>> = if indexed {
                free.into_iter().take(n).map(Some).collect()
            } else {
                vec![None; n]
            };
            let mut template = pod_from_template(&job["spec"]["template"], name(job), job);
            match template["metadata"]["finalizers"].as_array_mut() {
                Some(f) => f.push(json!(TRACKING)),
                None => template["metadata"]["finalizers"] = json!([TRACKING]),
            }
            for index in indexes {
                let mut pod = template.clone();
                if let Some(i) = index {
                    with_index(&mut pod, name(job), i);
                }
                d.create.push(pod);
            }
            active_now += d.create.len();
        }
    }

    // The final condition, once no pod is left running or terminating.
    if terminating_pods + active.len() == 0 {
        if let Some(t) = &target {
            if condition(job, "Failed").is_none() {
                let (reason, message) = (
                    t["reason"].as_str().unwrap_or(""),
                    t["message"].as_str().unwrap_or(""),
                );
                conditions.push(condition_at("Failed", "True", reason, message, now));
                d.last_events.push(event("Warning", reason, message));
            }
        } else if success && condition(job, "Complete").is_none() {
            conditions.push(condition_at(
                "Complete",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                now,
            ));
            completion_time = stamp(now);
            d.last_events
                .push(event("Normal", "Completed", "Job completed"));
        }
    }
    if let Some(t) = deadline.filter(|t| *t > now && target.is_none() && !success) {
        d.requeue = Some(d.requeue.map_or(t, |r| r.min(t)));
    }

    let ready = active.iter().filter(|p| ready_since(p).is_some()).count();
    let mut status = json!({
        "startTime": start,
        "completionTime": completion_time,
        "active": active_now,
        "succeeded": succeeded,
        "failed": failed,
        "completedIndexes": if indexed { json!(format_indexes(&completed)) } else { Value::Null },
        "uncountedTerminatedPods": {},
        "ready": ready,
        "terminating": terminating_pods,
    });
    if let Some(o) = status.as_object_mut() {
        // Go leaves these out when zero or empty (omitempty).
        o.retain(|k, v| {
            !v.is_null()
                && (matches!(
                    k.as_str(),
                    "ready" | "terminating" | "uncountedTerminatedPods"
                ) || (v != &json!(0) && v != &json!("")))
        });
    }
    if !conditions.is_empty() {
        status["conditions"] = Value::Array(conditions);
    }
    d.status = status;
    d
}

/// An Indexed job's pod for `index`: named `<job>-<index>-`, the index in an annotation
/// and a label, a hostname, and `JOB_COMPLETION_INDEX` in every container.
fn with_index(pod: &mut Value, job: &str, index: i64) {
    let meta = &mut pod["metadata"];
    meta["generateName"] = json!(format!("{job}-{index}-"));
    meta["annotations"][INDEX] = json!(index.to_string());
    meta["labels"][INDEX] = json!(index.to_string());
    if pod["spec"]["hostname"].as_str().is_none_or(str::is_empty) {
        pod["spec"]["hostname"] = json!(format!("{job}-{index}"));
    }
    let var = json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
        "apiVersion": "v1",
        "fieldPath": format!("metadata.labels['{INDEX}']"),
    }}});
    for list in ["initContainers", "containers"] {
        for c in pod["spec"][list].as_array_mut().into_iter().flatten() {
            match c["env"].as_array_mut() {
                Some(env) if env.iter().any(|e| e["name"] == "JOB_COMPLETION_INDEX") => {}
                Some(env) => env.push(var.clone()),
                None => c["env"] = json!([var.clone()]),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_round_trip_as_ranges() {
        let set: BTreeSet<i64> = [0, 1, 2, 4, 6, 7].into();
        assert_eq!(format_indexes(&set), "0-2,4,6,7");
        assert_eq!(parse_indexes("0-2,4,6,7"), set);
    }
}
