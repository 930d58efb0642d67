//! The event recorder: components report what happened to an object as core/v1 Events;
//! repeats of the same event raise its count, like client-go's event correlator.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::apiserver::client::Client;
use crate::apiserver::request::User;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, to_time};

/// The object an event is about.
#[derive(Debug, Clone, Default)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub api_version: String,
    pub resource_version: String,
    pub field_path: Option<String>,
}

impl ObjectRef {
    /// A reference to an object given as JSON.
    pub fn of(value: &Value) -> Self {
        let s = |p: &str| {
            value
                .pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        ObjectRef {
            kind: s("/kind"),
            namespace: s("/metadata/namespace"),
            name: s("/metadata/name"),
            uid: s("/metadata/uid"),
            api_version: s("/apiVersion"),
            resource_version: s("/metadata/resourceVersion"),
            field_path: None,
        }
    }

    /// A node, as kubelets and the node controller refer to it: its name as its uid.
    pub fn node(name: &str) -> Self {
        ObjectRef {
            kind: "Node".into(),
            name: name.into(),
            uid: name.into(),
            api_version: "v1".into(),
            ..Default::default()
        }
    }

    pub fn with_field_path(mut self, path: String) -> Self {
        self.field_path = Some(path);
        self
    }
}

/// Who reports an event.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Kubelet { host: &'a str },
    Scheduler,
    Controller(&'a str),
}

impl Source<'_> {
    /// The component's REST client, as the identity it authenticates with.
    fn client<'a>(&self, api: &'a mut ApiServer) -> Client<'a> {
        let user = match self {
            Source::Kubelet { host } => format!("system:node:{host}"),
            Source::Scheduler => "system:kube-scheduler".into(),
            Source::Controller(_) => "system:kube-controller-manager".into(),
        };
        Client::component(api, User::system(&user))
    }
}

/// Remembers recent events so repeats are counted instead of duplicated.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    seen: BTreeMap<String, (String, String)>,
    sequence: u64,
}

impl Recorder {
    pub fn record(
        &mut self,
        api: &mut ApiServer,
        obj: &ObjectRef,
        type_: &str,
        reason: &str,
        message: &str,
        source: Source<'_>,
    ) {
        let ns = if obj.namespace.is_empty() {
            "default".to_string()
        } else {
            obj.namespace.clone()
        };
        let now = to_time(api.now());
        let (component, host) = match source {
            Source::Kubelet { host } => ("kubelet", Some(host)),
            Source::Scheduler => ("default-scheduler", None),
            Source::Controller(c) => (c, None),
        };
        let key = format!(
            "{}|{}|{}|{}|{}|{}",
            obj.uid,
            obj.field_path.as_deref().unwrap_or(""),
            type_,
            reason,
            message,
            component
        );
        if let Some((ev_ns, name)) = self.seen.get(&key) {
            if let Ok(mut ev) = api.get(resources::events(), ev_ns, name) {
                let count = ev["count"].as_i64().unwrap_or(1) + 1;
                ev["count"] = json!(count);
                ev["lastTimestamp"] = json!(now);
                if ev.get("series").is_some() || ev.get("eventTime").is_some_and(|t| !t.is_null()) {
                    ev["series"] =
                        json!({"count": count, "lastObservedTime": micro_time(api.now())});
                }
                if source
                    .client(api)
                    .update(resources::events(), ev_ns, ev, "", &[])
                    .is_ok()
                {
                    return;
                }
            }
        }
        self.sequence += 1;
        let nanos = (epoch_seconds() as u128 * 1_000_000_000)
            + (api.now().max(0) as u128 * 1_000_000)
            + u128::from(self.sequence % 1_000_000);
        let name = format!("{}.{:x}", obj.name, nanos);
        let mut involved = json!({
            "kind": obj.kind, "name": obj.name, "uid": obj.uid, "apiVersion": obj.api_version,
        });
        if !obj.namespace.is_empty() {
            involved["namespace"] = json!(obj.namespace);
        }
        if !obj.resource_version.is_empty() {
            involved["resourceVersion"] = json!(obj.resource_version);
        }
        if let Some(fp) = &obj.field_path {
            involved["fieldPath"] = json!(fp);
        }
        let mut ev = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": involved,
            "reason": reason, "message": message, "type": type_,
        });
        match source {
            // The scheduler reports through events.k8s.io/v1: eventTime, no counts.
            Source::Scheduler => {
                ev["eventTime"] = json!(micro_time(api.now()));
                ev["reportingComponent"] = json!("default-scheduler");
                ev["reportingInstance"] = json!("default-scheduler-controlplane");
                ev["action"] = json!(if reason == "Scheduled" {
                    "Binding"
                } else {
                    "Scheduling"
                });
                ev["source"] = json!({});
                ev["firstTimestamp"] = Value::Null;
                ev["lastTimestamp"] = Value::Null;
            }
            _ => {
                ev["source"] = match host {
                    Some(h) => json!({"component": component, "host": h}),
                    None => json!({"component": component}),
                };
                ev["firstTimestamp"] = json!(now);
                ev["lastTimestamp"] = json!(now);
                ev["count"] = json!(1);
                ev["reportingComponent"] = json!(component);
                ev["reportingInstance"] = json!(host.unwrap_or(""));
            }
        }
        if source
            .client(api)
            .create(resources::events(), &ns, ev, &[])
            .is_ok()
        {
            self.seen.insert(key, (ns, name));
        }
    }

    /// Forgets events that no longer exist (deleted with their namespace, or expired).
    pub fn forget_missing(&mut self, api: &ApiServer) {
        self.seen
            .retain(|_, (ns, name)| api.store.get(&resources::events().key(ns, name)).is_some());
    }
}

/// A MicroTime string (`2026-01-05T08:00:01.000000Z`).
pub fn micro_time(t: crate::clock::Millis) -> String {
    let base = to_time(t - t.rem_euclid(1000));
    let s = serde_json::to_value(&base)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    format!(
        "{}.{:06}Z",
        s.trim_end_matches('Z'),
        t.rem_euclid(1000) * 1000
    )
}
