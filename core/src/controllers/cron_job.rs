//! The CronJob controller: at each time the schedule names it creates a Job from the
//! template, as the concurrency policy and `startingDeadlineSeconds` allow, keeps the
//! running jobs in `status.active` and deletes finished jobs beyond the history limits.
//! Each sync reads the CronJob and its jobs, asks the tools module for the decision
//! (`kubarium_tools::controllers::cron_job`) and carries it out.

use std::collections::{BTreeMap, BTreeSet};

use kubarium_tools::controllers::cron_job::job_reference;
use serde_json::{json, Value};

use super::controller_utils::{controller_of, key, name, record_events, take_due, uid};
use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};

const SOURCE: Source = Source::Controller("cronjob-controller");

#[derive(Debug, Clone, Default)]
pub struct CronJobController {
    cronjobs: Informer,
    jobs: Informer,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

impl CronJobController {
    fn sync_cronjob(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let Ok(cj) = api.get(resources::cron_jobs(), ns, n) else {
            self.requeue.remove(k);
            return;
        };
        let jobs: Vec<Value> = api
            .list(resources::jobs(), Some(ns))
            .into_iter()
            .filter(|j| controller_of(j).is_some_and(|c| c.0 == "CronJob" && c.2 == uid(&cj)))
            .collect();
        let epoch = epoch_seconds() * SECOND;
        let request = json!({"cronjob": cj, "jobs": jobs, "now": api.now() + epoch});
        // A `kubarium_tools::controllers::cron_job::Decision`, read as JSON.
        let Some(mut d) = crate::tools::reconcile("cronjob", &request) else {
            return;
        };
        let reference = ObjectRef::of(&cj);
        record_events(api, rec, &reference, &d["events"], SOURCE);
        for job in crate::value::strings(&d["replace"]) {
            delete(api, rec, &reference, job);
        }
        let mut status = d["status"].take();
        if let Some(job) = d
            .get_mut("create")
            .map(Value::take)
            .filter(|j| j.is_object())
        {
            match super::client(api).create(resources::jobs(), ns, job, &[]) {
                Ok((job, _)) => {
                    let msg = format!("Created job {}", name(&job));
                    rec.record(api, &reference, "Normal", "SuccessfulCreate", &msg, SOURCE);
                    let mut refs = status["active"].as_array().cloned().unwrap_or_default();
                    refs.push(job_reference(&job));
                    kubarium_tools::sort::by(&mut refs, |a, b| {
                        a["name"].as_str().cmp(&b["name"].as_str())
                    });
                    status["active"] = Value::Array(refs);
                    status["lastScheduleTime"] = d["scheduled"].take();
                }
                Err(e) => {
                    let msg = format!("Error creating job: {}", e.message);
                    rec.record(api, &reference, "Warning", "FailedCreate", &msg, SOURCE);
                }
            }
        }
        if status != cj["status"] {
            let mut body = cj.clone();
            body["status"] = status;
            let _ = super::client(api).update(resources::cron_jobs(), ns, body, "status", &[]);
        }
        for job in crate::value::strings(&d["cleanup"]) {
            delete(api, rec, &reference, job);
        }
        match d["requeue"].as_i64() {
            Some(t) => self.requeue.insert(k.to_string(), t - epoch),
            None => self.requeue.remove(k),
        };
    }
}

/// Deletes one of the CronJob's jobs, in the background.
fn delete(api: &mut ApiServer, rec: &mut Recorder, cronjob: &ObjectRef, job: &str) {
    let deleted = super::client(api).delete_with(
        resources::jobs(),
        &cronjob.namespace,
        job,
        None,
        Some("Background"),
    );
    if deleted.is_ok() {
        let msg = format!("Deleted job {job}");
        rec.record(api, cronjob, "Normal", "SuccessfulDelete", &msg, SOURCE);
    }
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
