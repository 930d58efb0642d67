//! An etcd-like MVCC key-value store: one global revision, per-key create/mod revision and
//! version, range by prefix, compare-and-swap puts, deletes, and watch from a revision.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

/// One stored key with its value and revisions, as etcd reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue {
    pub key: String,
    pub value: Rc<Value>,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
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

/// The store. Keys look like `/registry/<resource>/<namespace>/<name>`.
#[derive(Debug, Clone, Default)]
pub struct Store {
    revision: i64,
    compact_revision: i64,
    data: BTreeMap<String, KeyValue>,
    log: Vec<WatchEvent>,
}

impl Store {
    pub fn new() -> Self {
        Store {
            revision: 1,
            ..Default::default()
        }
    }

    /// The current global revision.
    /// The revision history was last compacted at (watches from before it fail).
    pub fn compact_revision(&self) -> i64 {
        self.compact_revision
    }

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
            Some(old) => (old.create_revision, old.version + 1),
            None => (rev, 1),
        };
        let kv = KeyValue {
            key: key.to_string(),
            value: Rc::new(value),
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
        Ok(kv)
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
        self.revision += 1;
        old.mod_revision = self.revision;
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

    /// Drops history at or below `revision`; watches from before it fail afterwards.
    pub fn compact(&mut self, revision: i64) {
        let revision = revision.min(self.revision);
        if revision <= self.compact_revision {
            return;
        }
        let cut = self.log.partition_point(|e| e.revision <= revision);
        self.log.drain(..cut);
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
        let events = s.watch("/registry/pods/default/", 2).unwrap();
        assert_eq!(
            events.iter().map(|e| e.kind).collect::<Vec<_>>(),
            vec![EventType::Put, EventType::Delete]
        );
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
