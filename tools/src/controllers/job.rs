//! The Job controller's decision for one sync: it counts the pods that ended since the
//! last one, sets the conditions (SuccessCriteriaMet or FailureTarget first, Complete or
//! Failed once no pod of the job is running or terminating, as in 1.35), and says which
//! pods to delete or create for `parallelism` and `completions` (one per index for
//! Indexed jobs), after the back-off that failures earn (10 s doubling up to 10
//! minutes); beyond `backoffLimit`, as after `activeDeadlineSeconds`, the job fails.
//! A `podFailurePolicy` judges each failed pod first (FailJob, FailIndex, Ignore or
//! Count); with `backoffLimitPerIndex` each index of an Indexed job has its own count
//! and back-off (the failed pod kept until its replacement runs), failed indexes are not
//! run again and fail the job once the rest are done or `maxFailedIndexes` is passed;
//! a `successPolicy` ends it with success as soon as its indexes have succeeded.
//! `suspend` deletes the running pods (uncounted) and resuming starts the deadline over.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{deletion_order, is_active, name, pod_from_template, ready_since, stamp, terminating};
use crate::describe::time_of;
use crate::time::{Millis, SECOND};

/// The annotations with an index's earlier failures that counted, and that were ignored.
const FAILURES: &str = "batch.kubernetes.io/job-index-failure-count";
const IGNORED: &str = "batch.kubernetes.io/job-index-ignored-failure-count";
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

/// What a podFailurePolicy makes of a failed pod: the FailJob message, whether the
/// failure counts, and the action of the rule it matched.
fn judge(spec: &Value, pod: &Value) -> (Option<String>, bool, Option<String>) {
    let Some(rules) = spec["podFailurePolicy"]["rules"].as_array() else {
        return (None, true, None);
    };
    let (ns, pod_name) = (
        pod["metadata"]["namespace"].as_str().unwrap_or(""),
        name(pod),
    );
    for (i, rule) in rules.iter().enumerate() {
        let on_codes = &rule["onExitCodes"];
        let matched = if on_codes.is_object() {
            // The first terminated container (then init container) whose non-zero exit
            // code the rule names.
            let values = exit_codes(on_codes);
            let wanted = |code: i64| match on_codes["operator"].as_str() {
                Some("In") => values.contains(&code),
                Some("NotIn") => !values.contains(&code),
                _ => false,
            };
            let statuses = |list: &str| pod["status"][list].as_array().cloned().unwrap_or_default();
            let pick = |list: Vec<Value>| {
                list.into_iter().find_map(|c| {
                    let code = c["state"]["terminated"]["exitCode"].as_i64()?;
                    let named = on_codes["containerName"]
                        .as_str()
                        .is_none_or(|n| c["name"] == n);
                    (code != 0 && named && wanted(code))
                        .then(|| (c["name"].as_str().unwrap_or("").to_string(), code))
                })
            };
            pick(statuses("containerStatuses")).or_else(|| pick(statuses("initContainerStatuses"))).map(|(c, code)| {
                format!("Container {c} for pod {ns}/{pod_name} failed with exit code {code} matching FailJob rule at index {i}")
            })
        } else {
            let patterns = rule["onPodConditions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let conditions = pod["status"]["conditions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            conditions.iter().find_map(|c| {
                let hit = patterns.iter().any(|p| {
                    p["type"] == c["type"] && c["status"] == p["status"].as_str().unwrap_or("True")
                });
                hit.then(|| {
                    let t = c["type"].as_str().unwrap_or("");
                    format!(
                        "Pod {ns}/{pod_name} has condition {t} matching FailJob rule at index {i}"
                    )
                })
            })
        };
        let Some(message) = matched else {
            continue;
        };
        match rule["action"].as_str() {
            Some("FailJob") => return (Some(message), true, Some("FailJob".into())),
            Some("Ignore") => return (None, false, Some("Ignore".into())),
            Some(a @ ("Count" | "FailIndex")) => return (None, true, Some(a.into())),
            // An action it does not know: the next rule is tried.
            _ => {}
        }
    }
    (None, true, None)
}

/// The exit codes an `onExitCodes` requirement lists.
fn exit_codes(requirement: &Value) -> Vec<i64> {
    let values = requirement["values"].as_array().into_iter().flatten();
    values.filter_map(Value::as_i64).collect()
}

/// One of a pod's index failure-count annotations (0 when absent or unreadable).
fn count_of(pod: &Value, annotation: &str) -> i64 {
    let text = pod["metadata"]["annotations"][annotation]
        .as_str()
        .unwrap_or("");
    text.parse::<i64>()
        .ok()
        .filter(|n| (0..=i64::from(i32::MAX)).contains(n))
        .unwrap_or(0)
}

/// The first successPolicy rule the succeeded indexes meet: its position.
fn success_rule(spec: &Value, completed: &BTreeSet<i64>, completions: i64) -> Option<usize> {
    let rules = spec["successPolicy"]["rules"].as_array()?;
    rules.iter().position(|rule| {
        let count = rule["succeededCount"].as_i64();
        match rule["succeededIndexes"].as_str() {
            Some(text) => {
                let wanted: BTreeSet<i64> = parse_indexes(text)
                    .into_iter()
                    .filter(|i| *i < completions)
                    .collect();
                let contains = wanted.intersection(completed).count() as i64;
                !wanted.is_empty()
                    && (contains == wanted.len() as i64 || count.is_some_and(|c| contains >= c))
            }
            None => count.is_some_and(|c| completed.len() as i64 >= c),
        }
    })
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
    let per_index = spec["backoffLimitPerIndex"].as_i64().filter(|_| indexed);
    let in_range = |i: i64| completions.is_some_and(|c| i < c);
    // Each failed pod's verdict, by name.
    let verdicts: std::collections::BTreeMap<&str, (Option<String>, bool, Option<String>)> = pods
        .iter()
        .filter(|p| p["status"]["phase"] == "Failed")
        .map(|p| (name(p), judge(spec, p)))
        .collect();
    let counts = |p: &Value| verdicts.get(name(p)).is_none_or(|v| v.1);
    // Indexes failed for good: as the status says, and those whose failed pod used up the
    // index's failures (or matched FailIndex).
    let mut failed_indexes = parse_indexes(old["failedIndexes"].as_str().unwrap_or(""));
    let active_indexes: BTreeSet<i64> = pods
        .iter()
        .filter(|p| is_active(p))
        .filter_map(index_of)
        .collect();
    // For each index still to run and with nothing running, its latest failure is kept
    // (with its finalizer) until a replacement runs: the replacement's counts come from it.
    let mut kept: std::collections::BTreeMap<i64, &Value> = std::collections::BTreeMap::new();
    if let Some(limit) = per_index {
        for pod in pods
            .iter()
            .filter(|p| has_tracking(p) && ended(p, only_failed) == Some(false))
        {
            let Some(i) = index_of(pod).filter(|i| in_range(*i)) else {
                continue;
            };
            let fail_index = verdicts
                .get(name(pod))
                .is_some_and(|v| v.2.as_deref() == Some("FailIndex"));
            if fail_index || (counts(pod) && count_of(pod, FAILURES) >= limit) {
                failed_indexes.insert(i);
            }
        }
        for pod in pods
            .iter()
            .filter(|p| has_tracking(p) && ended(p, only_failed) == Some(false))
        {
            let Some(i) = index_of(pod).filter(|i| in_range(*i)) else {
                continue;
            };
            if completed.contains(&i) || failed_indexes.contains(&i) || active_indexes.contains(&i)
            {
                continue;
            }
            let weight = |p: &Value| {
                (
                    count_of(p, FAILURES) + count_of(p, IGNORED),
                    finished_at(p).unwrap_or(0),
                )
            };
            if kept.get(&i).is_none_or(|k| weight(pod) > weight(k)) {
                kept.insert(i, pod);
            }
        }
    }
    let targeted = condition(job, "FailureTarget").is_some();
    for pod in pods.iter().filter(|p| has_tracking(p)) {
        let Some(success) = ended(pod, only_failed) else {
            continue;
        };
        if !targeted
            && index_of(pod).is_some_and(|i| kept.get(&i).is_some_and(|k| name(k) == name(pod)))
        {
            continue;
        }
        if succeeding && !success && pod["status"]["phase"] != "Failed" {
            // Let go uncounted.
        } else if success {
            succeeded += 1;
            if let Some(i) = index_of(pod) {
                completed.insert(i);
            }
            *record = (0, 0);
        } else {
            // Ignored failures do not count, but they do lengthen the back-off.
            if counts(pod) {
                failed += 1;
            }
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
        // A failed pod (counted or not) that matches a FailJob rule fails the job first.
        let fail_job = pods
            .iter()
            .find_map(|p| verdicts.get(name(p)).and_then(|v| v.0.clone()));
        let succeeded_indexes: BTreeSet<i64> =
            completed.iter().copied().filter(|i| in_range(*i)).collect();
        let why = if let Some(message) = fail_job {
            Some(("PodFailurePolicy", message))
        } else if failed > backoff_limit || restarts_exceed {
            Some((
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit".into(),
            ))
        } else if deadline.is_some_and(|d| now >= d) && !suspended {
            Some((
                "DeadlineExceeded",
                "Job was active longer than specified deadline".into(),
            ))
        } else if per_index.is_some()
            && spec["maxFailedIndexes"]
                .as_i64()
                .is_some_and(|m| failed_indexes.len() as i64 > m)
        {
            Some((
                "MaxFailedIndexesExceeded",
                "Job has exceeded the specified maximal number of failed indexes".into(),
            ))
        } else if per_index.is_some()
            && !failed_indexes.is_empty()
            && completions
                .is_some_and(|c| (failed_indexes.len() + succeeded_indexes.len()) as i64 >= c)
        {
            Some(("FailedIndexes", "Job has failed indexes".into()))
        } else {
            None
        };
        if let Some((reason, message)) = why {
            let c = condition_at("FailureTarget", "True", reason, &message, now);
            conditions.push(c.clone());
            target = Some(c);
        } else if let Some(rule) = (indexed && !succeeded_indexes.is_empty())
            .then(|| success_rule(spec, &succeeded_indexes, completions.unwrap_or(0)))
            .flatten()
        {
            let message = format!("Matched rules at index {rule}");
            conditions.push(condition_at(
                "SuccessCriteriaMet",
                "True",
                "SuccessPolicy",
                &message,
                now,
            ));
        }
    }
    let done = match completions {
        Some(c) => succeeded >= c,
        None => succeeded > 0 && active.is_empty(),
    };
    let criteria_met = |cs: &[Value]| {
        cs.iter()
            .any(|c| c["type"] == "SuccessCriteriaMet" && c["status"] == "True")
    };
    let success = criteria_met(&conditions) || (target.is_none() && done && !suspended);
    if success && !criteria_met(&conditions) {
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
        if per_index.is_none() && failures > 0 && now < ready_at {
            d.requeue = Some(ready_at);
        } else {
            let mut taken: BTreeSet<i64> = active.iter().filter_map(|p| index_of(p)).collect();
            if only_failed {
                let stopping = pods.iter().filter(|p| {
                    terminating(p)
                        && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
                });
                taken.extend(stopping.filter_map(index_of));
            }
            // With a limit per index, an index waits out the back-off of its kept failure.
            let index_ready_at = |i: &i64| {
                kept.get(i).map(|k| {
                    let n = count_of(k, FAILURES) + count_of(k, IGNORED) + 1;
                    finished_at(k).unwrap_or(now)
                        + (BACKOFF << (n - 1).clamp(0, 6)).min(MAX_BACKOFF)
                })
            };
            let free: Vec<i64> = (0..completions.unwrap_or(0))
                .filter(|i| {
                    !completed.contains(i) && !taken.contains(i) && !failed_indexes.contains(i)
                })
                .collect();
            let (free, waiting): (Vec<i64>, Vec<i64>) = free
                .into_iter()
                .partition(|i| index_ready_at(i).is_none_or(|t| t <= now));
            if let Some(t) = waiting.iter().filter_map(index_ready_at).min() {
                d.requeue = Some(t);
            }
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
                    if per_index.is_some() {
                        // The index's counts, carried on from the failure it replaces.
                        let (mut fails, mut ignored) = (0, 0);
                        if let Some(k) = kept.get(&i) {
                            let counted = counts(k);
                            fails = count_of(k, FAILURES) + i64::from(counted);
                            ignored = count_of(k, IGNORED) + i64::from(!counted);
                        }
                        pod["metadata"]["annotations"][FAILURES] = json!(fails.to_string());
                        if ignored > 0 {
                            pod["metadata"]["annotations"][IGNORED] = json!(ignored.to_string());
                        }
                    }
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
            // Complete says what SuccessCriteriaMet said.
            let met = conditions
                .iter()
                .find(|c| c["type"] == "SuccessCriteriaMet");
            let text = |f: &str| met.and_then(|c| c[f].as_str()).unwrap_or("").to_string();
            let (reason, message) = (text("reason"), text("message"));
            conditions.push(condition_at("Complete", "True", &reason, &message, now));
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
        "failedIndexes": per_index.map(|_| format_indexes(&failed_indexes)),
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
                    "ready" | "terminating" | "uncountedTerminatedPods" | "failedIndexes"
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

/// A Job's spec to validate, and on update the spec it replaces.
#[derive(Deserialize)]
pub struct Validation {
    pub spec: Value,
    #[serde(default)]
    pub old: Value,
}

/// What the API server refuses in a Job's failure and success policies and per-index
/// limits, or (given the old spec) the changes to them it refuses (field and detail, in
/// its order); the core adds them to its own checks.
pub fn validate(v: &Validation) -> Vec<(String, String)> {
    let (spec, old) = (&v.spec, &v.old);
    let mut errs: Vec<(String, String)> = vec![];
    let mut err = |f: String, d: String| errs.push((f, d));
    if old.is_object() {
        for field in [
            "completionMode",
            "podFailurePolicy",
            "backoffLimitPerIndex",
            "successPolicy",
        ] {
            if spec[field] != old[field] {
                err(
                    format!("spec.{field}"),
                    format!("Invalid value: {}: field is immutable", spec[field]),
                );
            }
        }
        return errs;
    }
    let indexed = spec["completionMode"] == "Indexed";
    let completions = spec["completions"].as_i64();
    let per_index = spec["backoffLimitPerIndex"].as_i64();
    for (field, v) in [
        ("backoffLimitPerIndex", per_index),
        ("maxFailedIndexes", spec["maxFailedIndexes"].as_i64()),
    ] {
        if let Some(n) = v.filter(|n| *n < 0) {
            err(
                format!("spec.{field}"),
                format!("Invalid value: {n}: must be greater than or equal to 0"),
            );
        }
    }
    if !spec["maxFailedIndexes"].is_null() && per_index.is_none() {
        err(
            "spec.backoffLimitPerIndex".into(),
            "Required value: when maxFailedIndexes is specified".into(),
        );
    }
    if indexed {
        if let (Some(m), Some(c)) = (spec["maxFailedIndexes"].as_i64(), completions) {
            if m > c {
                err(
                    "spec.maxFailedIndexes".into(),
                    format!("Invalid value: {m}: must be less than or equal to completions"),
                );
            }
        }
    } else {
        for field in ["backoffLimitPerIndex", "maxFailedIndexes"] {
            if let Some(n) = spec[field].as_i64() {
                err(
                    format!("spec.{field}"),
                    format!("Invalid value: {n}: requires indexed completion mode"),
                );
            }
        }
    }
    let policy = &spec["podFailurePolicy"];
    let containers: Vec<&str> = ["containers", "initContainers"]
        .iter()
        .flat_map(|l| {
            spec["template"]["spec"][*l]
                .as_array()
                .into_iter()
                .flatten()
        })
        .filter_map(|c| c["name"].as_str())
        .collect();
    for (i, rule) in policy["rules"].as_array().into_iter().flatten().enumerate() {
        let at = format!("spec.podFailurePolicy.rules[{i}]");
        match rule["action"].as_str() {
            None | Some("") => err(format!("{at}.action"), "Required value: valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]".into()),
            Some("FailIndex") if per_index.is_none() => {
                err(format!("{at}.action"), "Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set".into())
            }
            Some("Count" | "FailIndex" | "FailJob" | "Ignore") => {}
            Some(a) => err(format!("{at}.action"), format!("Unsupported value: \"{a}\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"")),
        }
        let codes = &rule["onExitCodes"];
        let conditions = rule["onPodConditions"].as_array().filter(|c| !c.is_empty());
        if codes.is_object() {
            let at = format!("{at}.onExitCodes");
            let operator = codes["operator"].as_str().unwrap_or("");
            match operator {
                "" => err(
                    format!("{at}.operator"),
                    "Required value: valid values: [\"In\" \"NotIn\"]".into(),
                ),
                "In" | "NotIn" => {}
                o => err(
                    format!("{at}.operator"),
                    format!("Unsupported value: \"{o}\": supported values: \"In\", \"NotIn\""),
                ),
            }
            if let Some(c) = codes["containerName"]
                .as_str()
                .filter(|c| !containers.contains(c))
            {
                err(format!("{at}.containerName"), format!("Invalid value: \"{c}\": must be one of the container or initContainer names in the pod template"));
            }
            let values = exit_codes(codes);
            if values.is_empty() {
                err(
                    format!("{at}.values"),
                    "Invalid value: []: at least one value is required".into(),
                );
            }
            for (j, v) in values.iter().enumerate() {
                if operator == "In" && *v == 0 {
                    err(
                        format!("{at}.values[{j}]"),
                        "Invalid value: 0: must not be 0 for the In operator".into(),
                    );
                }
                if values[..j].contains(v) {
                    err(format!("{at}.values[{j}]"), format!("Duplicate value: {v}"));
                }
            }
            if values.windows(2).any(|w| w[0] > w[1]) {
                let list: Vec<String> = values.iter().map(i64::to_string).collect();
                err(
                    format!("{at}.values"),
                    format!("Invalid value: [{}]: must be ordered", list.join(",")),
                );
            }
        }
        for (j, c) in conditions.into_iter().flatten().enumerate() {
            match c["status"].as_str() {
                None | Some("True" | "False" | "Unknown") => {}
                Some(s) => err(format!("{at}.onPodConditions[{j}].status"), format!("Unsupported value: \"{s}\": supported values: \"False\", \"True\", \"Unknown\"")),
            }
        }
        match (codes.is_object(), conditions.is_some()) {
            (true, true) => err(
                at,
                "Invalid value: specifying both OnExitCodes and OnPodConditions is not supported"
                    .into(),
            ),
            (false, false) => err(
                at,
                "Invalid value: specifying one of OnExitCodes and OnPodConditions is required"
                    .into(),
            ),
            _ => {}
        }
    }
    let success = &spec["successPolicy"];
    if success.is_object() {
        if !indexed {
            err(
                "spec.successPolicy".into(),
                "Invalid value: requires indexed completion mode".into(),
            );
        } else {
            let rules = success["rules"].as_array().cloned().unwrap_or_default();
            if rules.is_empty() {
                err("spec.successPolicy.rules".into(), "Required value: at least one rules must be specified when the successPolicy is specified".into());
            }
            for (i, r) in rules.iter().enumerate() {
                let at = format!("spec.successPolicy.rules[{i}]");
                let (text, count) = (r["succeededIndexes"].as_str(), r["succeededCount"].as_i64());
                if text.is_none() && count.is_none() {
                    err(at.clone(), "Required value: at least one of succeededCount or succeededIndexes must be specified".into());
                }
                let mut size = None;
                if let Some(t) = text {
                    match strict_indexes(t, completions.unwrap_or(0)) {
                        Ok(n) => size = Some(n),
                        Err(e) => err(
                            format!("{at}.succeededIndexes"),
                            format!("Invalid value: \"{t}\": error parsing succeededIndexes: {e}"),
                        ),
                    }
                }
                if let Some(c) = count {
                    if c < 0 {
                        err(
                            format!("{at}.succeededCount"),
                            format!("Invalid value: {c}: must be greater than or equal to 0"),
                        );
                    } else if completions.is_some_and(|n| c > n) {
                        err(format!("{at}.succeededCount"), format!("Invalid value: {c}: must be less than or equal to {} (the number of specified completions)", completions.unwrap_or(0)));
                    } else if let Some(k) = size.filter(|k| c > *k) {
                        err(format!("{at}.succeededCount"), format!("Invalid value: {c}: must be less than or equal to {k} (the number of indexes in the specified succeededIndexes field)"));
                    }
                }
            }
        }
    }
    let replacement = spec["podReplacementPolicy"].as_str();
    if policy.is_object() {
        if let Some(r) = replacement.filter(|r| *r != "Failed") {
            err(
                "spec.podReplacementPolicy".into(),
                format!("Unsupported value: \"{r}\": supported values: \"Failed\""),
            );
        }
        let restart = spec["template"]["spec"]["restartPolicy"]
            .as_str()
            .unwrap_or("");
        if !restart.is_empty() && restart != "Never" && restart != "Always" {
            err("spec.template.spec.restartPolicy".into(), format!("Invalid value: \"{restart}\": only \"Never\" is supported when podFailurePolicy is specified"));
        }
    } else if let Some(r) = replacement.filter(|r| !matches!(*r, "Failed" | "TerminatingOrFailed"))
    {
        err(
            "spec.podReplacementPolicy".into(),
            format!(
                "Unsupported value: \"{r}\": supported values: \"Failed\", \"TerminatingOrFailed\""
            ),
        );
    }
    errs
}

/// The number of indexes a successPolicy's `succeededIndexes` names, or why it cannot
/// be read (as the API server parses it).
fn strict_indexes(text: &str, completions: i64) -> Result<i64, String> {
    let mut total = 0;
    let mut previous: Option<i64> = None;
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let bounds: Vec<&str> = part.split('-').collect();
        if bounds.len() > 2 {
            return Err(format!("the fragment \"{part}\" violates the requirement that an index interval can have at most two parts separated by '-'"));
        }
        let mut nums = vec![];
        for b in &bounds {
            let n: i64 = b
                .parse()
                .map_err(|_| format!("cannot convert string to integer for index: \"{b}\""))?;
            if n >= completions {
                return Err(format!("too large index: \"{b}\""));
            }
            nums.push(n);
        }
        let (a, z) = (nums[0], *nums.last().unwrap_or(&nums[0]));
        if let Some(p) = previous.filter(|p| *p >= a) {
            return Err(format!("non-increasing order, previous: {p}, current: {a}"));
        }
        if a > z {
            return Err(format!("non-increasing order, previous: {a}, current: {z}"));
        }
        total += z - a + 1;
        previous = Some(z);
    }
    Ok(total)
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
