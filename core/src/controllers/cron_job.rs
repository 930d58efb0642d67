//! The CronJob controller: at each time the schedule names it creates a Job from the
//! template (`<cronjob>-<minutes since the epoch>`), unless the CronJob is suspended, the
//! start is later than `startingDeadlineSeconds` allows, or a run is still going and the
//! concurrency policy forbids another (Forbid) or wants it replaced (Replace). It keeps
//! the running jobs in `status.active`, notes the last schedule and the last success, and
//! deletes finished jobs beyond the history limits. Schedules run in UTC; other time
//! zones are not supported yet, and a CronJob that names one says so in an event.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::controller_utils::{
    controller_of, controller_ref, key, name, take_due, terminating, uid,
};
use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, time_of, to_time, Millis, SECOND};
use crate::cron::Schedule;
use crate::events::{ObjectRef, Recorder, Source};

const SOURCE: Source = Source::Controller("cronjob-controller");
/// The annotation with the time a job was scheduled for.
const SCHEDULED: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/// More missed start times than this are not looked through.
const MAX_MISSED: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct CronJobController {
    cronjobs: Informer,
    jobs: Informer,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

/// Simulated milliseconds as Unix seconds, and back.
fn unix(t: Millis) -> i64 {
    epoch_seconds() + t.div_euclid(SECOND)
}

fn millis(unix: i64) -> Millis {
    (unix - epoch_seconds()) * SECOND
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

fn time_text(t: Millis) -> Value {
    serde_json::to_value(to_time(t)).unwrap_or_default()
}

impl CronJobController {
    fn sync_cronjob(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(cj) = api.get(resources::cron_jobs(), ns, n) else {
            self.requeue.remove(k);
            return;
        };
        let now = api.now();
        let reference = ObjectRef::of(&cj);
        let mut events: Vec<(&str, &str, String)> = vec![];
        let jobs: Vec<Value> = api
            .list(resources::jobs(), Some(ns))
            .into_iter()
            .filter(|j| controller_of(j).is_some_and(|c| c.0 == "CronJob" && c.2 == uid(&cj)))
            .collect();
        let mut status = cj["status"].clone();
        let was_active: BTreeSet<String> = status["active"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["name"].as_str().map(str::to_string))
            .collect();
        let mut active = vec![];
        for job in &jobs {
            match finished(job) {
                None if !terminating(job) => active.push(job),
                Some(condition) if was_active.contains(name(job)) => {
                    events.push((
                        "Normal",
                        "SawCompletedJob",
                        format!("Saw completed job: {}, condition: {condition}", name(job)),
                    ));
                }
                _ => {}
            }
            if finished(job) == Some("Complete") {
                let done = job["status"]["completionTime"].clone();
                let later = match (time_of(&done), time_of(&status["lastSuccessfulTime"])) {
                    (Some(d), Some(last)) => d > last,
                    (d, _) => d.is_some(),
                };
                if later {
                    status["lastSuccessfulTime"] = done;
                }
            }
        }

        let schedule = Schedule::parse(cj["spec"]["schedule"].as_str().unwrap_or(""));
        let mut suspended = cj["spec"]["suspend"] == true;
        if let Some(zone) = cj["spec"]["timeZone"].as_str() {
            if !matches!(zone, "UTC" | "Etc/UTC") {
                // Honest rather than wrong: other zones' rules are not here yet.
                events.push(("Warning", "UnsupportedTimeZone", format!("timeZone {zone:?} is not supported in Kubarium yet (only UTC is): the CronJob does not run")));
                suspended = true;
            }
        }
        let mut created = None;
        if let (Ok(schedule), false, false) = (&schedule, suspended, terminating(&cj)) {
            // The start times since the last one (or since the CronJob was made).
            let since = time_of(&status["lastScheduleTime"])
                .or_else(|| time_of(&cj["metadata"]["creationTimestamp"]))
                .unwrap_or(now);
            let mut earliest = unix(since);
            if let Some(d) = cj["spec"]["startingDeadlineSeconds"].as_i64() {
                earliest = earliest.max(unix(now) - d);
            }
            let mut due = None;
            let mut missed = 0;
            let mut t = earliest;
            while let Some(next) = schedule.next(t).filter(|n| *n <= unix(now)) {
                due = Some(next);
                missed += 1;
                t = next;
                if missed > MAX_MISSED {
                    break;
                }
            }
            if missed > MAX_MISSED {
                events.push(("Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into()));
            }
            if let Some(next) = schedule.next(unix(now)) {
                self.requeue.insert(k.to_string(), millis(next) + 100);
            }
            if let Some(at) = due {
                // A run already made for this time is not made again.
                let made = jobs.iter().any(|j| name(j) == format!("{n}-{}", at / 60));
                if made {
                    status["lastScheduleTime"] = time_text(millis(at));
                } else {
                    created = self.start(api, &cj, &active, at, &mut events);
                    if created.is_some() {
                        status["lastScheduleTime"] = time_text(millis(at));
                    }
                }
            }
        }

        // status.active: the running jobs, and the one just created.
        let mut refs: Vec<Value> = active
            .iter()
            .filter(|j| created.as_ref().is_none_or(|c: &Value| name(c) != name(j)))
            .map(|j| job_reference(j))
            .collect();
        if let Some(job) = &created {
            refs.push(job_reference(job));
        }
        kubarium_tools::sort::by(&mut refs, |a, b| {
            a["name"].as_str().cmp(&b["name"].as_str())
        });
        match refs.is_empty() {
            true => {
                if let Some(o) = status.as_object_mut() {
                    o.remove("active");
                }
            }
            false => status["active"] = Value::Array(refs),
        }
        if status != cj["status"] {
            let mut body = cj.clone();
            body["status"] = status;
            let _ = super::client(api).update(resources::cron_jobs(), ns, body, "status", &[]);
        }
        self.cleanup(api, &cj, &jobs, &mut events);
        for (type_, reason, message) in events {
            rec.record(api, &reference, type_, reason, &message, SOURCE);
        }
    }

    /// Starts the run scheduled `at` (Unix seconds) as the concurrency policy allows;
    /// returns the job made.
    fn start(
        &self,
        api: &mut ApiServer,
        cj: &Value,
        active: &[&Value],
        at: i64,
        events: &mut Vec<(&str, &str, String)>,
    ) -> Option<Value> {
        let ns = cj["metadata"]["namespace"].as_str().unwrap_or("");
        let job_name = format!("{}-{}", name(cj), at / 60);
        if let Some(d) = cj["spec"]["startingDeadlineSeconds"].as_i64() {
            if at + d < unix(api.now()) {
                let shown = crate::clock::civil(at);
                events.push((
                    "Warning",
                    "MissSchedule",
                    format!(
                    "Missed scheduled time to start a job: {}, {:02} {} {} {:02}:{:02}:{:02} +0000",
                    crate::clock::WEEKDAYS[shown.weekday as usize],
                    shown.day,
                    crate::clock::MONTHS[(shown.month - 1) as usize],
                    shown.year,
                    shown.hour,
                    shown.minute,
                    shown.second
                ),
                ));
                return None;
            }
        }
        match cj["spec"]["concurrencyPolicy"].as_str() {
            Some("Forbid") if !active.is_empty() => {
                events.push(("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid".into()));
                return None;
            }
            Some("Replace") => {
                for job in active {
                    let deleted = super::client(api).delete_with(
                        resources::jobs(),
                        ns,
                        name(job),
                        None,
                        Some("Background"),
                    );
                    if deleted.is_ok() {
                        events.push((
                            "Normal",
                            "SuccessfulDelete",
                            format!("Deleted job {}", name(job)),
                        ));
                    }
                }
            }
            _ => {}
        }
        let template = &cj["spec"]["jobTemplate"];
        let mut annotations = template["metadata"]["annotations"].clone();
        annotations[SCHEDULED] = time_text(millis(at));
        let mut metadata = json!({
            "name": job_name,
            "annotations": annotations,
            "ownerReferences": [controller_ref(cj)],
        });
        if !template["metadata"]["labels"].is_null() {
            metadata["labels"] = template["metadata"]["labels"].clone();
        }
        let job = json!({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": metadata,
            "spec": template["spec"],
        });
        match super::client(api).create(resources::jobs(), ns, job, &[]) {
            Ok((job, _)) => {
                events.push((
                    "Normal",
                    "SuccessfulCreate",
                    format!("Created job {}", name(&job)),
                ));
                Some(job)
            }
            Err(e) => {
                events.push((
                    "Warning",
                    "FailedCreate",
                    format!("Error creating job: {}", e.message),
                ));
                None
            }
        }
    }

    /// Deletes the oldest finished jobs beyond the history limits.
    fn cleanup(
        &self,
        api: &mut ApiServer,
        cj: &Value,
        jobs: &[Value],
        events: &mut Vec<(&str, &str, String)>,
    ) {
        let ns = cj["metadata"]["namespace"].as_str().unwrap_or("");
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
            // Oldest first by start time (none last), then by name.
            let start = |j: &Value| time_of(&j["status"]["startTime"]).unwrap_or(Millis::MAX);
            kubarium_tools::sort::by(&mut done, |a, b| {
                start(a).cmp(&start(b)).then(name(a).cmp(name(b)))
            });
            let excess = done.len().saturating_sub(limit.max(0) as usize);
            for job in done.into_iter().take(excess) {
                let deleted = super::client(api).delete_with(
                    resources::jobs(),
                    ns,
                    name(job),
                    None,
                    Some("Background"),
                );
                if deleted.is_ok() {
                    events.push((
                        "Normal",
                        "SuccessfulDelete",
                        format!("Deleted job {}", name(job)),
                    ));
                }
            }
        }
    }
}

/// A job as `status.active` lists it.
fn job_reference(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": job["metadata"]["name"],
        "namespace": job["metadata"]["namespace"],
        "resourceVersion": job["metadata"]["resourceVersion"],
        "uid": job["metadata"]["uid"],
    })
}

impl Controller for CronJobController {
    fn name(&self) -> &'static str {
        "cronjob"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.requeue.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let due = take_due(&mut self.requeue, api.now());
        self.dirty.extend(due);
        let dirty = &mut self.dirty;
        self.cronjobs.each(api, resources::cron_jobs(), |_, cj| {
            dirty.insert(key(cj));
        });
        self.jobs.each(api, resources::jobs(), |_, job| {
            if let Some(("CronJob", owner, _)) = controller_of(job) {
                let ns = job["metadata"]["namespace"].as_str().unwrap_or("");
                dirty.insert(format!("{ns}/{owner}"));
            }
        });
        for k in std::mem::take(&mut self.dirty) {
            self.sync_cronjob(api, rec, &k);
        }
    }
}
