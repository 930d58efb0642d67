//! The Job controller: it runs pods from the template until `completions` of them
//! succeed (or, without completions, until one succeeds and the rest end), at most
//! `parallelism` at a time, one per index for Indexed jobs, retrying failures after a
//! back-off up to `backoffLimit`. Each sync reads the job and its pods, asks the tools
//! module for the decision (`kubarium_tools::controllers::job`) and carries it out:
//! deletions, creations in slow-start batches, the status, the `job-tracking`
//! finalizers and the events.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::controller_utils::{
    controller_of, create_pods, delete_pod, key, name, record_events, take_due, terminating, uid,
    OwnedPods,
};
use super::{remove_finalizer, Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::store::EventType;

/// The finalizer that keeps a pod until the controller has counted it.
pub const TRACKING: &str = kubarium_tools::controllers::job::TRACKING;
const SOURCE: Source = Source::Controller("job-controller");

#[derive(Debug, Clone, Default)]
pub struct JobController {
    jobs: Informer,
    pods: Informer,
    owned: OwnedPods,
    /// Failures since the last success and when the last one ended, by job.
    backoff: BTreeMap<String, (u32, Millis)>,
    dirty: BTreeSet<String>,
    requeue: BTreeMap<String, Millis>,
}

impl JobController {
    fn sync_job(&mut self, api: &mut ApiServer, rec: &mut Recorder, k: &str) {
        let (ns, n) = k.split_once('/').unwrap_or(("", ""));
        let pods = self.owned.get(api, k);
        let job = match api.get(resources::jobs(), ns, n) {
            Ok(job) if !terminating(&job) => job,
            // A job gone (or going) lets go of its pods, for the garbage collector.
            _ => {
                for pod in pods.iter().filter(|p| held(p)) {
                    release(api, ns, name(pod));
                }
                self.backoff.remove(k);
                self.requeue.remove(k);
                return;
            }
        };
        let pods: Vec<Value> = pods
            .into_iter()
            .filter(|p| controller_of(p).map(|c| c.2) == Some(uid(&job)))
            .collect();
        let epoch = epoch_seconds() * SECOND;
        let (failures, last) = self.backoff.get(k).copied().unwrap_or((0, 0));
        let request = json!({
            "job": job, "pods": pods, "now": api.now() + epoch,
            "backoff": [failures, last + epoch],
        });
        // A `kubarium_tools::controllers::job::Decision`, read as JSON.
        let Some(mut d) = crate::tools::reconcile("job", &request) else {
            return;
        };
        let reference = ObjectRef::of(&job);
        let mut status = d["status"].take();
        let mut active = status["active"].as_i64().unwrap_or(0);
        for pod in crate::value::strings(&d["delete"]) {
            if d["release_first"] == true {
                release(api, ns, pod);
            }
            if delete_pod(api, rec, &reference, pod, SOURCE).is_err() {
                active += 1;
            }
        }
        if let Value::Array(pods) = d["create"].take() {
            let total = pods.len();
            let (made, _) = create_pods(api, rec, &job, SOURCE, pods);
            active -= (total - made) as i64;
        }
        record_events(api, rec, &reference, &d["events"], SOURCE);
        // Go leaves a zero count out.
        match status.as_object_mut() {
            Some(o) if active > 0 => {
                o.insert("active".into(), json!(active));
            }
            Some(o) => {
                o.remove("active");
            }
            None => {}
        }
        if status != job["status"] {
            let mut body = job.clone();
            body["status"] = status;
            let written = super::client(api).update(resources::jobs(), ns, body, "status", &[]);
            if written.is_err() {
                return;
            }
        }
        for pod in crate::value::strings(&d["release"]) {
            release(api, ns, pod);
        }
        record_events(api, rec, &reference, &d["last_events"], SOURCE);
        match d["requeue"].as_i64() {
            Some(t) => self.requeue.insert(k.to_string(), t - epoch),
            None => self.requeue.remove(k),
        };
        let failures = d["backoff"][0].as_u64().unwrap_or(0) as u32;
        let last = d["backoff"][1].as_i64().unwrap_or(0) - epoch;
        self.backoff.insert(
            k.to_string(),
            (failures, if failures > 0 { last } else { 0 }),
        );
    }
}

/// Whether the pod still carries the tracking finalizer.
fn held(pod: &Value) -> bool {
    pod["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f == TRACKING))
}

/// Takes the tracking finalizer off a pod.
fn release(api: &mut ApiServer, ns: &str, pod: &str) {
    remove_finalizer(
        &mut super::client(api),
        resources::pods(),
        ns,
        pod,
        TRACKING,
    );
}

impl Controller for JobController {
    fn name(&self) -> &'static str {
        "job"
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
        let mut jobs = std::mem::take(&mut self.jobs);
        jobs.each(api, resources::jobs(), |_, job| {
            self.dirty.insert(key(job));
        });
        self.jobs = jobs;
        let mut pods = std::mem::take(&mut self.pods);
        pods.each(api, resources::pods(), |ev, pod| {
            let gone = ev == EventType::Delete;
            self.owned.changed("Job", pod, gone, &mut self.dirty);
        });
        self.pods = pods;
        for k in std::mem::take(&mut self.dirty) {
            self.sync_job(api, rec, &k);
        }
    }
}
