//! Sets of field paths (structured-merge-diff's fieldpath.Set) and their FieldsV1 form:
//! `f:` fields, `k:` associative-list items by their keys, `v:` set members, `i:` indexes,
//! and `.` for a node that is itself a member as well as a parent.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Element {
    Field(String),
    /// An associative-list item: its key fields (sorted by name) with their JSON values.
    Key(Vec<(String, String)>),
    /// A set member, as JSON.
    Value(String),
    Index(usize),
}

impl Element {
    /// The item of an associative list whose keys are `keys`.
    pub fn key_of(item: &Value, keys: &[&str]) -> Element {
        // A key field left out takes its schema default (a port's protocol is TCP).
        let mut pairs: Vec<(String, String)> = keys
            .iter()
            .filter_map(|k| match (item.get(*k), *k) {
                (Some(v), _) => Some(((*k).to_string(), v.to_string())),
                (None, "protocol") => Some(("protocol".into(), "\"TCP\"".into())),
                (None, _) => None,
            })
            .collect();
        crate::sort::sort(&mut pairs);
        Element::Key(pairs)
    }

    /// The FieldsV1 key of this element.
    fn encode(&self) -> String {
        match self {
            Element::Field(f) => format!("f:{f}"),
            Element::Key(pairs) => {
                let body: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
                    .collect();
                format!("k:{{{}}}", body.join(","))
            }
            Element::Value(v) => format!("v:{v}"),
            Element::Index(i) => format!("i:{i}"),
        }
    }

    fn decode(key: &str) -> Option<Element> {
        let (kind, rest) = key.split_once(':')?;
        Some(match kind {
            "f" => Element::Field(rest.to_string()),
            "k" => {
                let obj: Map<String, Value> = serde_json::from_str(rest).ok()?;
                let mut pairs: Vec<(String, String)> =
                    obj.into_iter().map(|(k, v)| (k, v.to_string())).collect();
                crate::sort::sort(&mut pairs);
                Element::Key(pairs)
            }
            "v" => Element::Value(serde_json::from_str::<Value>(rest).ok()?.to_string()),
            "i" => Element::Index(rest.parse().ok()?),
            _ => return None,
        })
    }

    /// How a path prints this element (`.spec`, `[name="nginx"]`, `[="a"]`, `[0]`).
    fn display(&self) -> String {
        match self {
            Element::Field(f) => format!(".{f}"),
            Element::Key(pairs) => {
                let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("[{}]", body.join(","))
            }
            Element::Value(v) => format!("[={v}]"),
            Element::Index(i) => format!("[{i}]"),
        }
    }
}

/// A path from the object's root.
pub type Path = Vec<Element>;

/// How a path prints in conflict messages (`.spec.containers[name="nginx"].image`).
pub fn path_string(path: &[Element]) -> String {
    path.iter().map(Element::display).collect()
}

/// Whether FieldsV1 JSON has `path` as a member (a leaf, or a node marked with `.`),
/// read without decoding the set.
pub fn in_fields_v1(v: &Value, path: &[Element]) -> bool {
    let mut at = v;
    for e in path {
        match at.get(e.encode()) {
            Some(next) => at = next,
            None => return false,
        }
    }
    !path.is_empty() && (at.as_object().is_none_or(|m| m.is_empty()) || at.get(".").is_some())
}

/// A set of paths, as a tree: the members at this level and the subtrees below.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    members: BTreeSet<Element>,
    children: BTreeMap<Element, FieldSet>,
}

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(FieldSet::is_empty)
    }

    pub fn insert(&mut self, path: &[Element]) {
        match path {
            [] => {}
            [last] => {
                self.members.insert(last.clone());
            }
            [first, rest @ ..] => self.children.entry(first.clone()).or_default().insert(rest),
        }
    }

    pub fn contains(&self, path: &[Element]) -> bool {
        match path {
            [] => false,
            [last] => self.members.contains(last),
            [first, rest @ ..] => self.children.get(first).is_some_and(|c| c.contains(rest)),
        }
    }

    /// Every member path.
    pub fn paths(&self) -> Vec<Path> {
        let mut out = vec![];
        self.collect(&mut vec![], &mut out);
        out
    }

    fn collect(&self, prefix: &mut Path, out: &mut Vec<Path>) {
        let mut elements: BTreeSet<&Element> = self.members.iter().collect();
        elements.extend(self.children.keys());
        for e in elements {
            prefix.push(e.clone());
            if self.members.contains(e) {
                out.push(prefix.clone());
            }
            if let Some(c) = self.children.get(e) {
                c.collect(prefix, out);
            }
            prefix.pop();
        }
    }

    // The set operations work on the trees level by level (no path is materialized) and
    // keep no empty subtrees, as sets built by `insert` have none.

    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (e, theirs) in &other.children {
            let merged = match out.children.get(e) {
                Some(ours) => ours.union(theirs),
                None => theirs.clone(),
            };
            if !merged.is_empty() {
                out.children.insert(e.clone(), merged);
            }
        }
        out
    }

    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        FieldSet {
            members: self.members.difference(&other.members).cloned().collect(),
            children: kubarium_tools::sort::insert_all(self.children.iter().filter_map(
                |(e, ours)| {
                    let left = match other.children.get(e) {
                        Some(theirs) => ours.difference(theirs),
                        None => ours.clone(),
                    };
                    (!left.is_empty()).then(|| (e.clone(), left))
                },
            )),
        }
    }

    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        FieldSet {
            members: self.members.intersection(&other.members).cloned().collect(),
            children: kubarium_tools::sort::insert_all(self.children.iter().filter_map(
                |(e, ours)| {
                    let both = ours.intersection(other.children.get(e)?);
                    (!both.is_empty()).then(|| (e.clone(), both))
                },
            )),
        }
    }

    /// The FieldsV1 JSON of this set.
    pub fn to_fields_v1(&self) -> Value {
        let mut map = Map::new();
        let mut elements: BTreeSet<&Element> = self.members.iter().collect();
        elements.extend(
            self.children
                .keys()
                .filter(|e| !self.children[*e].is_empty()),
        );
        for e in elements {
            let mut node = match self.children.get(e).filter(|c| !c.is_empty()) {
                Some(c) => c.to_fields_v1(),
                None => Value::Object(Map::new()),
            };
            if self.members.contains(e) && self.children.get(e).is_some_and(|c| !c.is_empty()) {
                if let Some(m) = node.as_object_mut() {
                    m.insert(".".into(), Value::Object(Map::new()));
                }
            }
            map.insert(e.encode(), node);
        }
        Value::Object(map)
    }

    /// Reads FieldsV1 JSON (unknown keys are skipped).
    pub fn from_fields_v1(v: &Value) -> FieldSet {
        let mut set = FieldSet::default();
        for (k, child) in v.as_object().into_iter().flatten() {
            let Some(e) = Element::decode(k) else {
                continue;
            };
            let sub = FieldSet::from_fields_v1(child);
            let is_leaf = child.as_object().is_none_or(|m| m.is_empty());
            if is_leaf || child.get(".").is_some() {
                set.members.insert(e.clone());
            }
            if !sub.is_empty() {
                set.children.insert(e, sub);
            }
        }
        set
    }
}
