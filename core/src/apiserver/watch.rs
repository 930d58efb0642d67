//! Watches: a client's place in the store's change log for one resource (a namespace,
//! label and field selectors), read as the watch cache serves it: ADDED, MODIFIED and
//! DELETED events (an object leaving a selector's set is DELETED for that watch, one
//! entering it ADDED), BOOKMARKs, and a 410 ERROR once compaction has passed it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::errors::{ApiError, Reason};
use super::negotiation::{Converter, Form};
use super::request::Request;
use super::resources::Resource;
use super::{conversion, with_resource_version, ApiServer};
use crate::fields::FieldSelector;
use crate::labels::Selector;
use crate::store::EventType;

/// One open watch.
#[derive(Debug, Clone)]
pub struct Watch {
    resource: &'static Resource,
    namespace: Option<String>,
    labels: Option<Selector>,
    fields: Option<FieldSelector>,
    /// The last revision delivered.
    after: i64,
    /// With selectors: the keys of objects this watch has reported present.
    present: BTreeSet<String>,
    converter: Converter,
    /// Whether a Table event has carried the column definitions yet.
    headers_sent: bool,
    bookmarks: bool,
    ended: bool,
}

impl Watch {
    /// The revision the watch has delivered up to.
    pub fn revision(&self) -> i64 {
        self.after
    }

    /// Whether the watch has ended (an ERROR event was its last).
    pub fn ended(&self) -> bool {
        self.ended
    }

    fn selective(&self) -> bool {
        self.labels.is_some() || self.fields.is_some()
    }

    fn matches(&self, obj: &Value) -> bool {
        self.labels.as_ref().is_none_or(|s| s.matches(obj))
            && self.fields.as_ref().is_none_or(|f| f.matches(obj))
    }

    fn event(&mut self, api: &ApiServer, ty: &str, obj: Value) -> Value {
        let obj = conversion::from_storage(self.resource, obj);
        let obj = self.converter.object(obj, api.now(), self.headers_sent);
        if matches!(self.converter.form, Form::Table { .. }) {
            self.headers_sent = true;
        }
        json!({"type": ty, "object": obj})
    }

    /// A BOOKMARK at the revision delivered so far (clients ask for them with
    /// `allowWatchBookmarks`; they come when nothing else has for a while).
    pub fn bookmark(&self) -> Option<Value> {
        self.bookmarks.then(|| self.bookmark_event(None))
    }

    fn bookmark_event(&self, annotations: Option<Value>) -> Value {
        let mut meta = json!({"resourceVersion": self.after.to_string()});
        if let Some(a) = annotations {
            meta["annotations"] = a;
        }
        json!({"type": "BOOKMARK", "object": {
            "kind": self.resource.kind, "apiVersion": self.resource.api_version(),
            "metadata": meta,
        }})
    }

    /// The events since the last call, oldest first. A watch that compaction has
    /// passed gets a 410 ERROR event and ends.
    pub fn next(&mut self, api: &ApiServer) -> Vec<Value> {
        if self.ended {
            return vec![];
        }
        let stored = conversion::storage(self.resource);
        let prefix = stored.prefix(self.namespace.as_deref());
        let changes = match api.store.watch(&prefix, self.after) {
            Ok(changes) => changes,
            Err(_) => {
                self.ended = true;
                let expired = ApiError::new(
                    Reason::Expired,
                    format!(
                        "too old resource version: {} ({})",
                        self.after,
                        api.store.compact_revision()
                    ),
                );
                return vec![json!({"type": "ERROR", "object": expired.to_status()})];
            }
        };
        let changes: Vec<_> = changes.into_iter().cloned().collect();
        let mut events = vec![];
        for e in changes {
            let obj = with_resource_version(&e.kv.value(), e.revision);
            let key = &e.kv.key;
            let ty = if !self.selective() {
                match e.kind {
                    EventType::Delete => "DELETED",
                    EventType::Put if e.kv.version == 1 => "ADDED",
                    EventType::Put => "MODIFIED",
                }
            } else {
                let was = self.present.contains(key);
                let is = e.kind == EventType::Put && self.matches(&obj);
                match (was, is) {
                    (false, false) => continue,
                    (false, true) => {
                        self.present.insert(key.clone());
                        "ADDED"
                    }
                    (true, true) => "MODIFIED",
                    (true, false) => {
                        self.present.remove(key);
                        "DELETED"
                    }
                }
            };
            events.push(self.event(api, ty, obj));
        }
        self.after = api.store.revision();
        events
    }
}

impl ApiServer {
    /// Opens a watch on the collection a request names (`?watch=true`), checked as any
    /// read of it is, and returns it with its first events: every current object as
    /// ADDED when it starts from "" or "0" (or asks `sendInitialEvents`), then, with
    /// `sendInitialEvents`, the BOOKMARK that ends them.
    pub fn open_watch(&self, req: &Request) -> Result<(Watch, Vec<Value>), ApiError> {
        let (r, info) = self.resolve(req)?;
        if !info.subresource.is_empty() {
            return Err(ApiError::new(
                Reason::MethodNotAllowed,
                "the server does not allow this method on the requested resource",
            ));
        }
        let mut req = req.clone();
        if !info.name.is_empty() {
            // A watch on an object's path watches that one name.
            let by_name = format!("metadata.name={}", info.name);
            let fields = match req.param("fieldSelector").filter(|f| !f.is_empty()) {
                Some(f) => format!("{f},{by_name}"),
                None => by_name,
            };
            req.query.push(("fieldSelector".into(), fields));
        }
        let req = &req;
        let (labels, fields) = super::rest::selectors(req, r)?;
        let form = super::negotiation::form(req.accept.as_deref(), req.param("includeObject"))?;
        let namespace = (!info.namespace.is_empty()).then(|| info.namespace.clone());
        let from = req.param("resourceVersion").unwrap_or("");
        let initial = match req.param("sendInitialEvents") {
            Some("true") => true,
            Some("false") => false,
            _ => matches!(from, "" | "0"),
        };
        let after = match from {
            "" | "0" => self.store.revision(),
            v => v.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!(
                    "resourceVersion: Invalid value: \"{v}\": must be a valid integer"
                ))
            })?,
        };
        let mut watch = Watch {
            resource: r,
            namespace,
            labels,
            fields,
            after,
            present: BTreeSet::new(),
            converter: self.converter(form, r),
            headers_sent: false,
            bookmarks: req.param("allowWatchBookmarks") == Some("true"),
            ended: false,
        };
        let stored = conversion::storage(r);
        let current: Vec<Value> = self
            .list(stored, watch.namespace.as_deref())
            .into_iter()
            .filter(|o| watch.matches(o))
            .collect();
        if watch.selective() {
            watch.present = current
                .iter()
                .map(|o| {
                    let meta = &o["metadata"];
                    stored.key(
                        meta["namespace"].as_str().unwrap_or(""),
                        meta["name"].as_str().unwrap_or(""),
                    )
                })
                .collect();
        }
        let mut events = vec![];
        if initial {
            // The initial events are the state now; changes follow from here.
            watch.after = self.store.revision();
            for obj in current {
                events.push(watch.event(self, "ADDED", obj));
            }
            if req.param("sendInitialEvents") == Some("true") {
                let end = json!({"k8s.io/initial-events-end": "true"});
                events.push(watch.bookmark_event(Some(end)));
            }
        }
        Ok((watch, events))
    }
}
