//! The TTL-after-finished controller: a Job with `ttlSecondsAfterFinished` is deleted
//! (in the foreground, its pods first) that many seconds after it finished, as the time
//! of its Complete or Failed condition says.

use std::collections::BTreeMap;

use serde_json::Value;

use super::controller_utils::{key, take_due, terminating};
use super::{Controller, Informer};
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{time_of, Millis, SECOND};
use crate::events::Recorder;
use crate::store::EventType;

#[derive(Debug, Clone, Default)]
pub struct TtlAfterFinished {
    jobs: Informer,
    /// When each finished job with a TTL expires, by `namespace/name`.
    expiry: BTreeMap<String, Millis>,
}

/// When a job expires: its finish time plus its TTL, if it has both.
fn expires_at(job: &Value) -> Option<Millis> {
    let ttl = job["spec"]["ttlSecondsAfterFinished"].as_i64()?;
    let finished = job["status"]["conditions"].as_array()?.iter().find(|c| {
        matches!(c["type"].as_str(), Some("Complete" | "Failed")) && c["status"] == "True"
    })?;
    Some(time_of(&finished["lastTransitionTime"])? + ttl * SECOND)
}

impl Controller for TtlAfterFinished {
    fn name(&self) -> &'static str {
        "ttl-after-finished"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.expiry.values().min().copied()
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let expiry = &mut self.expiry;
        self.jobs.each(api, resources::jobs(), |ev, job| {
            match expires_at(job).filter(|_| ev != EventType::Delete && !terminating(job)) {
                Some(t) => expiry.insert(key(job), t),
                None => expiry.remove(&key(job)),
            };
        });
        for k in take_due(&mut self.expiry, api.now()) {
            let (ns, name) = k.split_once('/').unwrap_or(("", ""));
            // The job as it is now: its TTL may have changed since.
            let Ok(job) = api.get(resources::jobs(), ns, name) else {
                continue;
            };
            match expires_at(&job) {
                Some(t) if t > api.now() => {
                    self.expiry.insert(k, t);
                }
                Some(_) => {
                    let _ = super::client(api).delete_with(
                        resources::jobs(),
                        ns,
                        name,
                        None,
                        Some("Foreground"),
                    );
                }
                None => {}
            }
        }
    }
}
