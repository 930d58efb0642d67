//! The garbage collector: from every object's `ownerReferences` it keeps the graph of
//! owners and dependents. A dependent none of whose owners exists any more (a background
//! delete) is deleted; one that keeps some owner loses the references to those gone. An
//! owner held by `foregroundDeletion` has its dependents deleted first, and goes once none
//! that blocks it is left; one held by `orphan` has its references taken off its
//! dependents, then goes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::controller_utils::{name, set_owner_references, terminating, uid};
use super::{held_by, Controller};
use crate::apiserver::resources::{self, Resource};
use crate::apiserver::{ApiServer, FOREGROUND, ORPHAN};
use crate::events::Recorder;
use crate::store::EventType;

/// Where the objects live in the store; events are never owners or dependents here.
const ROOT: &str = "/registry/";
const EVENTS: &str = "/registry/events/";

#[derive(Debug, Clone, Default)]
pub struct GarbageCollector {
    last_revision: i64,
    /// The owners' uids each dependent (by store key) names.
    owners: BTreeMap<String, Vec<String>>,
    /// The dependents (store keys) of each owner's uid.
    dependents: BTreeMap<String, BTreeSet<String>>,
    /// Dependents whose owners may be gone.
    check: BTreeSet<String>,
    /// Owners (store keys) held by one of the collector's finalizers.
    held: BTreeSet<String>,
}

/// An owner reference's object as it is now, if it is the one referred to (same uid).
fn owner(api: &ApiServer, reference: &Value, ns: &str) -> Option<Value> {
    let (api_version, kind) = (
        reference["apiVersion"].as_str()?,
        reference["kind"].as_str()?,
    );
    let r = resources::for_kind(api_version, kind)
        .or_else(|| api.catalog().for_kind(api_version, kind))?;
    let ns = if r.namespaced { ns } else { "" };
    let obj = api.get(r, ns, reference["name"].as_str()?).ok()?;
    (obj["metadata"]["uid"] == reference["uid"]).then_some(obj)
}

/// The resource an object of this apiVersion and kind is served as.
fn resource_of(api: &ApiServer, obj: &Value) -> Option<&'static Resource> {
    let (v, k) = (obj["apiVersion"].as_str()?, obj["kind"].as_str()?);
    resources::for_kind(v, k).or_else(|| api.catalog().for_kind(v, k))
}

impl GarbageCollector {
    /// Takes one object's current state (`None`: deleted) into the graph.
    fn observe(&mut self, key: &str, obj: Option<&Value>) {
        let refs: Vec<String> = obj
            .and_then(|o| o["metadata"]["ownerReferences"].as_array())
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| r["uid"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let before = self.owners.get(key).cloned().unwrap_or_default();
        if before != refs {
            for o in &before {
                if let Some(d) = self.dependents.get_mut(o) {
                    d.remove(key);
                    if d.is_empty() {
                        self.dependents.remove(o);
                    }
                }
            }
            for o in &refs {
                self.dependents
                    .entry(o.clone())
                    .or_default()
                    .insert(key.to_string());
            }
            if refs.is_empty() {
                self.owners.remove(key);
            } else {
                self.owners.insert(key.to_string(), refs);
                self.check.insert(key.to_string());
            }
        }
        match obj {
            Some(o) if held_by(o, FOREGROUND) || held_by(o, ORPHAN) => {
                self.held.insert(key.to_string());
            }
            _ => {
                self.held.remove(key);
            }
        }
    }

    /// An object gone: its dependents may be orphaned now.
    fn gone(&mut self, obj: &Value) {
        if let Some(deps) = self.dependents.get(uid(obj)) {
            self.check.extend(deps.iter().cloned());
        }
    }

    /// Deletes a dependent whose owners are all gone (or all deleting theirs first), or
    /// drops the references to those gone while another owner stays.
    fn check_dependent(&mut self, api: &mut ApiServer, key: &str) {
        let Some(obj) = api.store.get(key).map(|kv| (*kv.value()).clone()) else {
            return;
        };
        let refs = obj["metadata"]["ownerReferences"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if refs.is_empty() {
            return;
        }
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
        let mut solid = 0;
        let mut waiting = 0;
        let mut absent = BTreeSet::new();
        for r in &refs {
            match owner(api, r, ns) {
                Some(o) if terminating(&o) && held_by(&o, FOREGROUND) => waiting += 1,
                Some(_) => solid += 1,
                None => {
                    absent.insert(r["uid"].as_str().unwrap_or("").to_string());
                }
            }
        }
        let Some(r) = resource_of(api, &obj) else {
            return;
        };
        if solid == 0 {
            if terminating(&obj) {
                return;
            }
            let policy = if waiting > 0 || held_by(&obj, FOREGROUND) {
                "Foreground"
            } else if obj["metadata"]["finalizers"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f == ORPHAN))
            {
                "Orphan"
            } else {
                "Background"
            };
            let _ = super::client(api).delete_with(r, ns, name(&obj), None, Some(policy));
        } else if !absent.is_empty() {
            drop_references(api, r, &obj, |x| absent.contains(x));
        }
    }

    /// Works on an owner held by a finalizer of the collector's.
    fn finish_owner(&mut self, api: &mut ApiServer, key: &str) -> bool {
        let Some(obj) = api.store.get(key).map(|kv| (*kv.value()).clone()) else {
            return true;
        };
        let Some(r) = resource_of(api, &obj) else {
            return true;
        };
        let ns = obj["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let owner_uid = uid(&obj).to_string();
        let deps: Vec<String> = self
            .dependents
            .get(&owner_uid)
            .map(|d| d.iter().cloned().collect())
            .unwrap_or_default();
        let dependents: Vec<Value> = deps
            .iter()
            .filter_map(|k| api.store.get(k).map(|kv| (*kv.value()).clone()))
            .collect();
        if held_by(&obj, ORPHAN) {
            for d in &dependents {
                if let Some(dr) = resource_of(api, d) {
                    drop_references(api, dr, d, |x| x == owner_uid);
                }
            }
            super::remove_finalizer(&mut super::client(api), r, &ns, name(&obj), ORPHAN);
            return true;
        }
        if !held_by(&obj, FOREGROUND) {
            return true;
        }
        let mut blocking = 0;
        for d in &dependents {
            let blocks = d["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| x["uid"] == owner_uid.as_str() && x["blockOwnerDeletion"] == true);
            blocking += usize::from(blocks);
            if !terminating(d) {
                if let Some(dr) = resource_of(api, d) {
                    let dns = d["metadata"]["namespace"].as_str().unwrap_or("");
                    let _ =
                        super::client(api).delete_with(dr, dns, name(d), None, Some("Foreground"));
                }
            }
        }
        if blocking == 0 {
            super::remove_finalizer(&mut super::client(api), r, &ns, name(&obj), FOREGROUND);
            return true;
        }
        false
    }
}

/// Takes the owner references whose uid `drop` picks off an object.
fn drop_references(api: &mut ApiServer, r: &Resource, obj: &Value, drop: impl Fn(&str) -> bool) {
    set_owner_references(api, r, obj, |refs| {
        refs.retain(|x| !drop(x["uid"].as_str().unwrap_or("")))
    });
}

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        "garbage-collector-controller"
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn sync(&mut self, api: &mut ApiServer, _rec: &mut Recorder) {
        let now = api.store.revision();
        let watched = match self.last_revision {
            0 => None,
            last => api.store.watch(ROOT, last).ok(),
        };
        match watched {
            Some(evs) => {
                for e in evs.into_iter().filter(|e| !e.kv.key.starts_with(EVENTS)) {
                    let obj = e.kv.value();
                    if e.kind == EventType::Delete {
                        self.observe(&e.kv.key, None);
                        self.gone(&obj);
                    } else {
                        self.observe(&e.kv.key, Some(&obj));
                    }
                }
            }
            None => {
                *self = GarbageCollector::default();
                for kv in api
                    .store
                    .range(ROOT)
                    .filter(|kv| !kv.key.starts_with(EVENTS))
                {
                    self.observe(&kv.key, Some(&kv.value()));
                }
            }
        }
        self.last_revision = now;
        for key in std::mem::take(&mut self.check) {
            self.check_dependent(api, &key);
        }
        for key in self.held.clone() {
            if self.finish_owner(api, &key) {
                self.held.remove(&key);
            }
        }
    }
}
