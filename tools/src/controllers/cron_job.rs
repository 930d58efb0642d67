//! The CronJob controller's decision for one sync: the running jobs it lists in
//! `status.active` (a `SawCompletedJob` for each that finished), the last success, and
//! the run the schedule asks for now, if any: a Job `<cronjob>-<minutes since the
//! epoch>` from the template, unless the CronJob is suspended, the start is later than
//! `startingDeadlineSeconds` allows, or a run is still going and the concurrency policy
//! forbids another (Forbid) or wants it replaced (Replace); and the finished jobs beyond
//! the history limits, oldest first. Schedules follow the wall clock of `timeZone` (UTC
//! without one); a zone the database does not know stops the CronJob, with an event.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{controller_ref, name, stamp, terminating};
use crate::cron::Schedule;
use crate::describe::{rfc1123z, time_of};
use crate::time::{Millis, SECOND};
use crate::time_zone::Zone;

/// More missed start times than this are not looked through.
const MAX_MISSED: usize = 100;
/// The annotation with the time a job was scheduled for.
const SCHEDULED: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// What a sync reads: the CronJob, the jobs it controls, and now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub cronjob: Value,
    pub jobs: Vec<Value>,
    pub now: Millis,
}

/// What the sync does, in order: record `events`; delete the `replace` jobs (Replace);
/// create `create` (on success listing it in `status.active` and setting
/// `lastScheduleTime` to `scheduled`); write `status` if it changed; delete the `cleanup`
/// jobs; sync again at `requeue`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decision {
    pub events: Vec<[String; 3]>,
    pub replace: Vec<String>,
    pub create: Option<Value>,
    pub scheduled: Value,
    pub status: Value,
    pub cleanup: Vec<String>,
    pub requeue: Option<Millis>,
}

fn event(type_: &str, reason: &str, message: String) -> [String; 3] {
    [type_.into(), reason.into(), message]
}

/// A job's finished condition type (`Complete`, `Failed`), if it has one.
fn finished(job: &Value) -> Option<&str> {
    job["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| {
            matches!(c["type"].as_str(), Some("Complete" | "Failed")) && c["status"] == "True"
        })
        .and_then(|c| c["type"].as_str())
}

/// The job reference `status.active` lists.
pub fn job_reference(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": job["metadata"]["name"],
        "namespace": job["metadata"]["namespace"],
        "resourceVersion": job["metadata"]["resourceVersion"],
        "uid": job["metadata"]["uid"],
    })
}

/// The decision of one sync of `q.cronjob`.
pub fn decide(q: &Request) -> Decision {
    let (cj, now) = (&q.cronjob, q.now.div_euclid(SECOND));
    let mut d = Decision::default();
    let mut status = cj["status"].clone();
    let was_active: Vec<&str> = cj["status"]["active"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str())
        .collect();
    let mut active: Vec<&Value> = vec![];
    for job in &q.jobs {
        match finished(job) {
            None if !terminating(job) => active.push(job),
            Some(condition) if was_active.contains(&name(job)) => d.events.push(event(
                "Normal",
                "SawCompletedJob",
                format!("Saw completed job: {}, condition: {condition}", name(job)),
            )),
            _ => {}
        }
        if finished(job) == Some("Complete") {
            let done = &job["status"]["completionTime"];
            let later = match (time_of(done), time_of(&status["lastSuccessfulTime"])) {
                (Some(t), Some(last)) => t > last,
                (t, _) => t.is_some(),
            };
            if later {
                status["lastSuccessfulTime"] = done.clone();
            }
        }
    }

    let spec = &cj["spec"];
    let suspended = spec["suspend"] == true || terminating(cj);
    let zone = match spec["timeZone"].as_str().map(Zone::load).transpose() {
        Ok(zone) => Some(zone.unwrap_or_else(Zone::utc)),
        Err(e) => {
            let zone = spec["timeZone"].as_str().unwrap_or("");
            d.events.push(event(
                "Warning",
                "UnknownTimeZone",
                format!("invalid timeZone: {zone:?}: {e}"),
            ));
            None
        }
    };
    let schedule = Schedule::parse(spec["schedule"].as_str().unwrap_or(""));
    if let (Ok(schedule), Some(zone), false) = (schedule, zone, suspended) {
        // The most recent start time since the last one (or since the CronJob was made).
        let since = time_of(&status["lastScheduleTime"])
            .or_else(|| time_of(&cj["metadata"]["creationTimestamp"]))
            .map_or(now, |t| t.div_euclid(SECOND));
        let deadline = spec["startingDeadlineSeconds"].as_i64();
        let mut t = deadline.map_or(since, |s| since.max(now - s));
        let (mut due, mut missed) = (None, 0);
        while let Some(next) = schedule.next(t, &zone).filter(|n| *n <= now) {
            due = Some(next);
            missed += 1;
            t = next;
        }
        // Only the most recent runs; many missed ones are worth a warning.
        if missed > MAX_MISSED {
            d.events.push(event("Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into()));
        }
        d.requeue = schedule.next(now, &zone).map(|n| n * SECOND + 100);
        if let Some(at) = due {
            let job_name = format!("{}-{}", name(cj), at / 60);
            if q.jobs.iter().any(|j| name(j) == job_name) {
                // A run already made for this time is not made again.
                status["lastScheduleTime"] = stamp(at * SECOND);
            } else {
                start(cj, &active, (at, &zone), job_name, &mut d, now);
            }
        }
    }

    // status.active: the running jobs (the one created is added when it is).
    let mut refs: Vec<Value> = active
        .iter()
        .filter(|j| !d.replace.iter().any(|r| r == name(j)))
        .map(|j| job_reference(j))
        .collect();
    crate::sort::by(&mut refs, |a, b| {
        a["name"].as_str().cmp(&b["name"].as_str())
    });
    match (refs.is_empty(), status.as_object_mut()) {
        (true, Some(o)) => {
            o.remove("active");
        }
        (false, _) => status["active"] = Value::Array(refs),
        _ => {}
    }
    d.status = status;
    d.cleanup = cleanup(cj, &q.jobs);
    d
}

/// The run scheduled `at` (Unix seconds; its annotation written on the clock of `zone`),
/// as the deadline and the concurrency policy allow.
fn start(
    cj: &Value,
    active: &[&Value],
    (at, zone): (i64, &Zone),
    job_name: String,
    d: &mut Decision,
    now: i64,
) {
    let spec = &cj["spec"];
    if spec["startingDeadlineSeconds"]
        .as_i64()
        .is_some_and(|s| at + s < now)
    {
        d.events.push(event(
            "Warning",
            "MissSchedule",
            format!(
                "Missed scheduled time to start a job: {}",
                rfc1123z(at * SECOND)
            ),
        ));
        return;
    }
    match spec["concurrencyPolicy"].as_str() {
        Some("Forbid") if !active.is_empty() => {
            d.events.push(event("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid".into()));
            return;
        }
        Some("Replace") => d.replace = active.iter().map(|j| name(j).to_string()).collect(),
        _ => {}
    }
    let template = &spec["jobTemplate"];
    let mut annotations = template["metadata"]["annotations"].clone();
    annotations[SCHEDULED] = json!(zone.rfc3339(at));
    let mut metadata = json!({
        "name": job_name,
        "annotations": annotations,
        "ownerReferences": [controller_ref(cj)],
    });
    if !template["metadata"]["labels"].is_null() {
        metadata["labels"] = template["metadata"]["labels"].clone();
    }
    d.create = Some(json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": metadata,
        "spec": template["spec"],
    }));
    d.scheduled = stamp(at * SECOND);
}

/// The oldest finished jobs beyond the history limits (by start time, none last, then by
/// name).
fn cleanup(cj: &Value, jobs: &[Value]) -> Vec<String> {
    let mut out = vec![];
    for (condition, limit) in [
        ("Complete", &cj["spec"]["successfulJobsHistoryLimit"]),
        ("Failed", &cj["spec"]["failedJobsHistoryLimit"]),
    ] {
        let Some(limit) = limit.as_i64() else {
            continue;
        };
        let mut done: Vec<&Value> = jobs
            .iter()
            .filter(|j| finished(j) == Some(condition) && !terminating(j))
            .collect();
        let start = |j: &Value| time_of(&j["status"]["startTime"]).unwrap_or(Millis::MAX);
        crate::sort::by(&mut done, |a, b| {
            start(a).cmp(&start(b)).then(name(a).cmp(name(b)))
        });
        let excess = done.len().saturating_sub(limit.max(0) as usize);
        out.extend(done.into_iter().take(excess).map(|j| name(j).to_string()));
    }
    out
}

/// The API server's checks of a CronJob's `schedule`, `startingDeadlineSeconds` and
/// `timeZone` (the request holds those three), as field and detail pairs.
pub fn validate(spec: &Value) -> Vec<(String, String)> {
    let mut errs = vec![];
    match spec["schedule"].as_str().unwrap_or("") {
        "" => errs.push(("spec.schedule".into(), "Required value".into())),
        s if s.contains("TZ") => errs.push(invalid(
            "schedule",
            &spec["schedule"],
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead".into(),
        )),
        s => errs.extend(
            Schedule::parse(s)
                .err()
                .map(|e| invalid("schedule", &spec["schedule"], e)),
        ),
    }
    if let Some(n) = spec["startingDeadlineSeconds"].as_i64().filter(|n| *n < 0) {
        errs.push(invalid(
            "startingDeadlineSeconds",
            &n.into(),
            "must be greater than or equal to 0".into(),
        ));
    }
    errs.extend(time_zone_errors(&spec["timeZone"]));
    errs
}

/// A field error on `spec.<field>`: `Invalid value: <value as JSON>: <why>`.
fn invalid(field: &str, value: &Value, why: String) -> (String, String) {
    (
        format!("spec.{field}"),
        format!("Invalid value: {value}: {why}"),
    )
}

/// `spec.timeZone`'s checks: a name, each of whose parts is 1-14 letters, digits or
/// `.-_+` (not `.`, `..` or starting with `-`), naming a zone Go's `time.LoadLocation`
/// finds, and not `Local`.
fn time_zone_errors(value: &Value) -> Vec<(String, String)> {
    let Some(zone) = value.as_str() else {
        return vec![];
    };
    let invalid = |why: String| invalid("timeZone", value, why);
    if zone.is_empty() {
        return vec![invalid("timeZone must be nil or non-empty string".into())];
    }
    let part_ok = |p: &str| {
        !matches!(p, "." | "..")
            && !p.starts_with('-')
            && (1..=14).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    };
    if !zone.split('/').all(part_ok) {
        return vec![invalid(format!("unknown time zone {zone}"))];
    }
    let mut errs = vec![];
    if zone.eq_ignore_ascii_case("Local") {
        errs.push(invalid(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        ));
    }
    if let Err(e) = Zone::load(zone) {
        errs.push(invalid(e));
    }
    errs
}
