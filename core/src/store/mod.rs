//! An etcd-like MVCC key-value store: one global revision, per-key create/mod revision and
//! version, range by prefix, compare-and-swap puts, deletes, and watch from a revision.
//!
//! Values are kept as they are, shared by the store and its watch history, except Events
//! in a large store and the history's values that later writes replaced (once `pack` passes them, as the
//! cluster does when its components have read them): those are kept as JSON and decoded
//! where read.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

/// One stored key with its value and revisions, as etcd reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue {
    pub key: String,
    stored: Stored,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
}

impl KeyValue {
    /// The value (decoded, if the store keeps it as JSON).
    pub fn value(&self) -> Rc<Value> {
        match &self.stored {
            Stored::Value(v) => v.clone(),
            Stored::Json(json) => Rc::new(serde_json::from_slice(json).unwrap_or(Value::Null)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Put,
    Delete,
}

/// A change to one key. For deletes, `kv` holds the last value with the delete's revision.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub kind: EventType,
    pub revision: i64,
    pub kv: KeyValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The compare of a compare-and-swap failed: the key is at another revision.
    RevisionMismatch {
        current: i64,
    },
    /// A watch asked for history that compaction removed.
    Compacted {
        compact_revision: i64,
    },
    NotFound,
}

/// A stored value: shared as it is, or kept as its JSON (smaller by about eight times)
/// and decoded where read.
#[derive(Debug, Clone, PartialEq)]
enum Stored {
    Value(Rc<Value>),
    Json(Rc<[u8]>),
}

impl Stored {
    fn pack(value: &Value) -> Self {
        Stored::Json(serde_json::to_vec(value).unwrap_or_default().into())
    }
}

/// How many objects the store holds before it keeps new Events as JSON: below it, the
/// memory saved is small and `describe`'s event lists would pay for decoding them.
const PACK_EVENTS_FROM: usize = 10_000;

/// Whether values under `key` are kept as JSON: Events, the most numerous objects, which
/// are written once or twice and read rarely (`kubectl get events`, `describe`), once
/// the store is large.
fn packed(key: &str, objects: usize) -> bool {
    objects >= PACK_EVENTS_FROM && key.starts_with("/registry/events/")
}

/// The store. Keys look like `/registry/<resource>/<namespace>/<name>`.
#[derive(Debug, Clone, Default)]
pub struct Store {
    revision: i64,
    compact_revision: i64,
    data: BTreeMap<String, KeyValue>,
    log: Vec<WatchEvent>,
    /// The revisions of changes whose value is no longer the live one, to pack.
    replaced: Vec<i64>,
}

impl Store {
    pub fn new() -> Self {
        Store {
            revision: 1,
            ..Default::default()
        }
    }

    /// The revision history was last compacted at (watches from before it fail).
    pub fn compact_revision(&self) -> i64 {
        self.compact_revision
    }

    /// The current global revision.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn get(&self, key: &str) -> Option<&KeyValue> {
        self.data.get(key)
    }

    /// All keys that start with `prefix`, in key order.
    pub fn range<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a KeyValue> + 'a {
        self.data
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// How many changes the watch history holds (since the last compaction).
    pub fn history_len(&self) -> usize {
        self.log.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Writes `value` at `key`. With `expected_mod_revision`, the write only happens if the
    /// key is at that revision (0 means "must not exist"), like an etcd transaction.
    pub fn put(
        &mut self,
        key: &str,
        value: Value,
        expected_mod_revision: Option<i64>,
    ) -> Result<KeyValue, StoreError> {
        let current = self.data.get(key).map(|kv| kv.mod_revision).unwrap_or(0);
        if let Some(expected) = expected_mod_revision {
            if expected != current {
                return Err(StoreError::RevisionMismatch { current });
            }
        }
        self.revision += 1;
        let rev = self.revision;
        let (create_revision, version) = match self.data.get(key) {
            Some(old) => {
                self.replaced.push(old.mod_revision);
                (old.create_revision, old.version + 1)
            }
            None => (rev, 1),
        };
        let value = Rc::new(value);
        let kv = KeyValue {
            key: key.to_string(),
            stored: if packed(key, self.data.len()) {
                Stored::pack(&value)
            } else {
                Stored::Value(value.clone())
            },
            create_revision,
            mod_revision: rev,
            version,
        };
        self.data.insert(key.to_string(), kv.clone());
        self.log.push(WatchEvent {
            kind: EventType::Put,
            revision: rev,
            kv: kv.clone(),
        });
        // The writer gets the value as it is, however it is kept.
        Ok(KeyValue {
            stored: Stored::Value(value),
            ..kv
        })
    }

    /// Deletes `key`, optionally only if it is at `expected_mod_revision`.
    pub fn delete(
        &mut self,
        key: &str,
        expected_mod_revision: Option<i64>,
    ) -> Result<KeyValue, StoreError> {
        let Some(old) = self.data.get(key) else {
            return Err(StoreError::NotFound);
        };
        if let Some(expected) = expected_mod_revision {
            if expected != old.mod_revision {
                return Err(StoreError::RevisionMismatch {
                    current: old.mod_revision,
                });
            }
        }
        let mut old = self.data.remove(key).ok_or(StoreError::NotFound)?;
        self.replaced.push(old.mod_revision);
        self.revision += 1;
        old.mod_revision = self.revision;
        self.replaced.push(self.revision);
        self.log.push(WatchEvent {
            kind: EventType::Delete,
            revision: self.revision,
            kv: old.clone(),
        });
        Ok(old)
    }

    /// Every change under `prefix` with a revision greater than `after`, oldest first.
    pub fn watch(&self, prefix: &str, after: i64) -> Result<Vec<&WatchEvent>, StoreError> {
        if after < self.compact_revision {
            return Err(StoreError::Compacted {
                compact_revision: self.compact_revision,
            });
        }
        let start = self.log.partition_point(|e| e.revision <= after);
        Ok(self.log[start..]
            .iter()
            .filter(|e| e.kv.key.starts_with(prefix))
            .collect())
    }

    /// Keeps the values that later changes replaced, up to `revision`, as JSON: watches
    /// from before it still see them, at the cost of decoding.
    pub fn pack(&mut self, revision: i64) {
        let log = &mut self.log;
        self.replaced.retain(|&r| {
            if r > revision {
                return true;
            }
            if let Ok(i) = log.binary_search_by_key(&r, |e| e.revision) {
                let stored = &mut log[i].kv.stored;
                if let Stored::Value(v) = stored {
                    *stored = Stored::pack(v);
                }
            }
            false
        });
    }

    /// Drops history at or below `revision`; watches from before it fail afterwards.
    pub fn compact(&mut self, revision: i64) {
        let revision = revision.min(self.revision);
        if revision <= self.compact_revision {
            return;
        }
        let cut = self.log.partition_point(|e| e.revision <= revision);
        self.log.drain(..cut);
        self.replaced.retain(|&r| r > revision);
        self.compact_revision = revision;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn revisions_and_versions_follow_etcd() {
        let mut s = Store::new();
        let a = s.put("/registry/pods/default/a", json!(1), None).unwrap();
        assert_eq!((a.create_revision, a.mod_revision, a.version), (2, 2, 1));
        let a2 = s
            .put("/registry/pods/default/a", json!(2), Some(2))
            .unwrap();
        assert_eq!((a2.create_revision, a2.mod_revision, a2.version), (2, 3, 2));
        assert_eq!(
            s.put("/registry/pods/default/a", json!(3), Some(2)),
            Err(StoreError::RevisionMismatch { current: 3 })
        );
        assert_eq!(
            s.put("/registry/pods/default/a", json!(3), Some(0))
                .unwrap_err(),
            StoreError::RevisionMismatch { current: 3 }
        );
        s.put("/registry/pods/kube-system/b", json!(1), None)
            .unwrap();
        assert_eq!(s.range("/registry/pods/default/").count(), 1);
        assert_eq!(s.range("/registry/pods/").count(), 2);
        s.delete("/registry/pods/default/a", None).unwrap();
        assert!(s.get("/registry/pods/default/a").is_none());
        let seen = |s: &Store| {
            s.watch("/registry/pods/default/", 2)
                .unwrap()
                .iter()
                .map(|e| (e.kind, e.revision, (*e.kv.value()).clone()))
                .collect::<Vec<_>>()
        };
        let before = seen(&s);
        assert_eq!(
            before,
            vec![
                (EventType::Put, 3, json!(2)),
                (EventType::Delete, 5, json!(2))
            ]
        );
        // Packed history reads the same.
        s.pack(s.revision());
        // Only b's value is live.
        let packed: Vec<bool> = s
            .log
            .iter()
            .map(|e| matches!(e.kv.stored, Stored::Json(_)))
            .collect();
        assert_eq!(packed, [true, true, false, true]);
        assert_eq!(seen(&s), before);
        s.compact(4);
        assert_eq!(
            s.watch("/registry/", 2).unwrap_err(),
            StoreError::Compacted {
                compact_revision: 4
            }
        );
        assert_eq!(s.watch("/registry/", 4).unwrap().len(), 1);
    }
}
