//! Field management (the API server's fieldmanager over structured-merge-diff): who owns
//! which fields of an object, recorded in `metadata.managedFields`; every write records
//! what its manager changed, and server-side apply merges a manager's configuration into
//! the object, removes what it stopped applying, and refuses to take fields another
//! manager set to a different value unless forced.

pub mod fieldpath;

use serde_json::{json, Map, Value};

use super::patch::{list_strategy, ListStrategy};
use fieldpath::{path_string, Element, FieldSet, Path};

/// How the elements of a list are identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    /// Items are objects identified by these key fields.
    Map(&'static [&'static str]),
    /// Items are scalars, each owned on its own.
    Set,
    /// The list is one value.
    Atomic,
}

/// The list type of the list at `path` (dotted field names) of `kind`, as the 1.35
/// OpenAPI declares it (x-kubernetes-list-type and list-map-keys).
pub fn list_type(path: &str, kind: &str) -> ListType {
    let field = path.rsplit('.').next().unwrap_or(path);
    let parent = path.rsplit('.').nth(1).unwrap_or("");
    match field {
        "ports"
            if matches!(
                parent,
                "containers" | "initContainers" | "ephemeralContainers"
            ) =>
        {
            ListType::Map(&["containerPort", "protocol"])
        }
        "ports" if kind == "Service" && parent == "spec" => ListType::Map(&["port", "protocol"]),
        "topologySpreadConstraints" => ListType::Map(&["topologyKey", "whenUnsatisfiable"]),
        "podIPs" => ListType::Map(&["ip"]),
        "imagePullSecrets" if kind == "ServiceAccount" => ListType::Atomic,
        "addresses" | "notReadyAddresses" | "ports" if kind == "Endpoints" => ListType::Atomic,
        _ => match list_strategy(path, kind) {
            ListStrategy::MergeKey(k) => ListType::Map(key_slice(k)),
            ListStrategy::Set => ListType::Set,
            ListStrategy::Replace => ListType::Atomic,
        },
    }
}

/// Whether the object at `path` is owned as one value (`x-kubernetes-map-type: atomic`:
/// label selectors, object references, role refs, key selectors, a pod's nodeSelector and
/// a Service's selector).
fn atomic_object(path: &str) -> bool {
    let field = path.rsplit('.').next().unwrap_or(path);
    matches!(
        field,
        "selector"
            | "namespaceSelector"
            | "podSelector"
            | "objectSelector"
            | "labelSelector"
            | "nodeSelector"
            | "roleRef"
            | "scaleTargetRef"
            | "secretKeyRef"
            | "configMapKeyRef"
            | "fieldRef"
            | "resourceFieldRef"
            | "involvedObject"
            | "targetRef"
            | "ownerReferences"
            | "paramKind"
            | "paramRef"
            | "matchResources"
            | "matchConstraints"
    ) || path.ends_with("backend.service.port")
}

/// The one-key slices the merge keys name.
fn key_slice(key: &'static str) -> &'static [&'static str] {
    match key {
        "name" => &["name"],
        "mountPath" => &["mountPath"],
        "devicePath" => &["devicePath"],
        "ip" => &["ip"],
        "type" => &["type"],
        "uid" => &["uid"],
        "port" => &["port"],
        "containerPort" => &["containerPort"],
        "topologyKey" => &["topologyKey"],
        _ => &[],
    }
}

/// The fields the server owns (identity and bookkeeping), never part of a field set.
fn stripped(path: &str) -> bool {
    matches!(
        path,
        "apiVersion"
            | "kind"
            | "metadata.name"
            | "metadata.namespace"
            | "metadata.uid"
            | "metadata.resourceVersion"
            | "metadata.generation"
            | "metadata.creationTimestamp"
            | "metadata.managedFields"
            | "metadata.selfLink"
            | "metadata.deletionTimestamp"
            | "metadata.deletionGracePeriodSeconds"
    )
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// The set of fields an object sets: its leaves, and its associative-list items (each a
/// member of its own as well as the parent of its fields).
pub fn fields_of(obj: &Value, kind: &str) -> FieldSet {
    let mut set = FieldSet::default();
    walk(obj, "", kind, &mut vec![], &mut set);
    set
}

fn walk(v: &Value, names: &str, kind: &str, prefix: &mut Path, set: &mut FieldSet) {
    match v {
        Value::Object(map) if !map.is_empty() && !atomic_object(names) => {
            for (k, child) in map {
                let names = join(names, k);
                if stripped(&names) {
                    continue;
                }
                prefix.push(Element::Field(k.clone()));
                walk(child, &names, kind, prefix, set);
                prefix.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => match list_type(names, kind) {
            ListType::Map(keys) => {
                for item in items {
                    prefix.push(Element::key_of(item, keys));
                    set.insert(prefix);
                    walk(item, names, kind, prefix, set);
                    prefix.pop();
                }
            }
            ListType::Set => {
                for item in items {
                    prefix.push(Element::Value(item.to_string()));
                    set.insert(prefix);
                    prefix.pop();
                }
            }
            ListType::Atomic => set.insert(prefix),
        },
        _ => set.insert(prefix),
    }
}

/// Whether `x` is written as the JSON `json`.
fn json_is(x: &Value, json: &str) -> bool {
    serde_json::to_string(x).is_ok_and(|s| s == json)
}

/// Whether an associative-list item has the key fields `pairs`.
fn has_key(item: &Value, pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .all(|(k, v)| item.get(k).is_some_and(|x| json_is(x, v)))
}

/// The value at `path`, if the object has one.
pub fn value_at<'a>(obj: &'a Value, path: &[Element]) -> Option<&'a Value> {
    let mut at = obj;
    for e in path {
        at = match e {
            Element::Field(f) => at.get(f)?,
            Element::Index(i) => at.get(*i)?,
            Element::Key(pairs) => at.as_array()?.iter().find(|item| has_key(item, pairs))?,
            Element::Value(v) => at.as_array()?.iter().find(|x| json_is(x, v))?,
        };
    }
    Some(at)
}

/// Removes the node at `path`.
fn remove_at(obj: &mut Value, path: &[Element]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = obj;
    for e in parents {
        let next = match e {
            Element::Field(f) => at.get_mut(f),
            Element::Index(i) => at.get_mut(*i),
            Element::Key(pairs) => at
                .as_array_mut()
                .and_then(|a| a.iter_mut().find(|item| has_key(item, pairs))),
            Element::Value(_) => None,
        };
        let Some(next) = next else {
            return;
        };
        at = next;
    }
    match (last, at) {
        (Element::Field(f), Value::Object(m)) => {
            m.remove(f);
        }
        (Element::Key(pairs), Value::Array(a)) => a.retain(|item| !has_key(item, pairs)),
        (Element::Value(v), Value::Array(a)) => a.retain(|x| !json_is(x, v)),
        (Element::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// Merges an applied configuration into the live object: fields replace, associative
/// lists merge item by item, sets take the union, atomic lists are replaced.
pub fn merge(live: &Value, applied: &Value, names: &str, kind: &str) -> Value {
    match (live, applied) {
        (Value::Object(_), Value::Object(_)) if atomic_object(names) => applied.clone(),
        (Value::Object(l), Value::Object(a)) => {
            let mut out = l.clone();
            for (k, v) in a {
                let merged = match l.get(k) {
                    Some(lv) => merge(lv, v, &join(names, k), kind),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(a)) => match list_type(names, kind) {
            ListType::Map(keys) => {
                let mut out = l.clone();
                for item in a {
                    let id = Element::key_of(item, keys);
                    match out.iter_mut().find(|x| Element::key_of(x, keys) == id) {
                        Some(existing) => *existing = merge(existing, item, names, kind),
                        None => out.push(item.clone()),
                    }
                }
                Value::Array(out)
            }
            ListType::Set => {
                let mut out = l.clone();
                out.extend(a.iter().filter(|x| !l.contains(x)).cloned());
                Value::Array(out)
            }
            ListType::Atomic => applied.clone(),
        },
        _ => applied.clone(),
    }
}

/// One `metadata.managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    pub api_version: String,
    pub time: Value,
    pub subresource: String,
    pub fields: FieldSet,
}

impl Entry {
    fn same_owner(&self, manager: &str, operation: &str, subresource: &str) -> bool {
        self.manager == manager && self.operation == operation && self.subresource == subresource
    }

    /// How a conflict names this manager (`"kubectl-client-side-apply" using apps/v1`).
    fn describe(&self) -> String {
        let mut s = format!("\"{}\"", self.manager);
        if !self.subresource.is_empty() {
            s.push_str(&format!(" with subresource \"{}\"", self.subresource));
        }
        if self.operation == "Update" {
            s.push_str(&format!(" using {}", self.api_version));
        }
        s
    }
}

/// The entries an object carries.
pub fn entries(obj: &Value) -> Vec<Entry> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| Entry {
            manager: e["manager"].as_str().unwrap_or("").to_string(),
            operation: e["operation"].as_str().unwrap_or("").to_string(),
            api_version: e["apiVersion"].as_str().unwrap_or("").to_string(),
            time: e["time"].clone(),
            subresource: e["subresource"].as_str().unwrap_or("").to_string(),
            fields: FieldSet::from_fields_v1(&e["fieldsV1"]),
        })
        .collect()
}

/// Writes the entries into an object's metadata (entries that own nothing are dropped).
pub fn set_entries(obj: &mut Value, list: &[Entry]) {
    let mut values: Vec<Value> = list
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager, "operation": e.operation, "apiVersion": e.api_version,
                "fieldsType": "FieldsV1", "fieldsV1": e.fields.to_fields_v1(),
            });
            if !e.time.is_null() {
                v["time"] = e.time.clone();
            }
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    sort_entries(&mut values);
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if values.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(values));
        }
    }
}

/// Orders managedFields entries as the server keeps them: Apply before Update, then
/// oldest first, then by manager, version and subresource.
fn sort_entries(values: &mut [Value]) {
    crate::sort::by(values, |a, b| {
        let key = |e: &Value| {
            ["operation", "time", "manager", "apiVersion", "subresource"]
                .map(|k| e[k].as_str().unwrap_or("").to_string())
        };
        key(a).cmp(&key(b))
    });
}

/// Who wrote, and through which version and subresource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer<'a> {
    pub manager: &'a str,
    pub api_version: &'a str,
    pub subresource: &'a str,
    pub kind: &'a str,
    /// A write to the main resource of a kind whose status is a subresource: the status
    /// is not the writer's.
    pub skip_status: bool,
}

impl Writer<'_> {
    /// Whether the writer can own the top-level field `k`: only the status through the
    /// status subresource, all but the status when that is a subresource.
    fn writes(&self, k: &str) -> bool {
        let status = k == "status";
        !((self.subresource == "status" && !status) || (self.skip_status && status) || stripped(k))
    }

    /// The fields of `obj` this writer can own: only the status through the status
    /// subresource, all but the status when that is a subresource.
    fn fields(&self, obj: &Value) -> FieldSet {
        let Value::Object(map) = obj else {
            return fields_of(obj, self.kind);
        };
        let mut set = FieldSet::default();
        for (k, child) in map.iter().filter(|(k, _)| self.writes(k)) {
            walk(
                child,
                k,
                self.kind,
                &mut vec![Element::Field(k.clone())],
                &mut set,
            );
        }
        set
    }
}

/// Records a non-apply write: the writer's Update entry takes the fields it added or
/// changed, and every other manager loses them (and whatever the write removed).
pub fn record_update(old: Option<&Value>, new: &mut Value, w: &Writer<'_>, now: &Value) {
    if old.is_some_and(|old| renewed(old, new, w, now)) {
        return;
    }
    let empty = Value::Object(Map::new());
    let old = old.unwrap_or(&empty);
    let (before, after) = (w.fields(old), w.fields(new));
    let added = after.difference(&before);
    let removed = before.difference(&after);
    let mut changed = added.clone();
    for p in after.intersection(&before).paths() {
        if value_at(old, &p) != value_at(new, &p) && is_leaf(new, &p) {
            changed.insert(&p);
        }
    }
    if !changed.is_empty() {
        let mut parents = vec![];
        new_parents(old, new, "", w.kind, &mut vec![], &mut parents);
        let status = Element::Field("status".into());
        for p in parents {
            if !(w.skip_status && p.first() == Some(&status)) {
                changed.insert(&p);
            }
        }
    }
    let mut list = entries(old);
    if changed.is_empty() && removed.is_empty() {
        set_entries(new, &list);
        return;
    }
    let taken = changed.union(&removed);
    for e in list.iter_mut() {
        e.fields = e.fields.difference(&taken);
    }
    match list.iter_mut().find(|e| {
        e.same_owner(w.manager, "Update", w.subresource) && e.api_version == w.api_version
    }) {
        Some(e) => {
            e.fields = e.fields.union(&changed);
            e.time = now.clone();
        }
        None => list.push(Entry {
            manager: w.manager.into(),
            operation: "Update".into(),
            api_version: w.api_version.into(),
            time: now.clone(),
            subresource: w.subresource.into(),
            fields: changed,
        }),
    }
    set_entries(new, &list);
}

/// The common write, recorded without building field sets: `new` has the same fields as
/// `old` (the writer's managedFields already copied into it) and changes only values
/// the writer alone already owns (a lease's renewTime, a kubelet's pod status), so only
/// the time of the writer's entry moves. False when the write needs the full record.
fn renewed(old: &Value, new: &mut Value, w: &Writer<'_>, now: &Value) -> bool {
    let (Value::Object(o), Value::Object(n)) = (old, &*new) else {
        return false;
    };
    if o.keys().filter(|k| w.writes(k)).count() != n.keys().filter(|k| w.writes(k)).count() {
        return false;
    }
    let mut changed = vec![];
    for (k, nv) in n.iter().filter(|(k, _)| w.writes(k)) {
        let Some(ov) = o.get(k) else {
            return false;
        };
        let mut prefix = vec![Element::Field(k.clone())];
        if !same_fields(ov, nv, k, w.kind, &mut prefix, &mut changed) {
            return false;
        }
    }
    if changed.is_empty() {
        return true;
    }
    let Some(mut list) = new
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .cloned()
    else {
        return false;
    };
    let mine = |e: &Value| {
        e["manager"] == w.manager
            && e["operation"] == "Update"
            && e["subresource"].as_str().unwrap_or("") == w.subresource
            && e["apiVersion"] == w.api_version
    };
    for e in &list {
        let owns_all = changed
            .iter()
            .all(|p| fieldpath::in_fields_v1(&e["fieldsV1"], p));
        let owns_any = changed
            .iter()
            .any(|p| fieldpath::in_fields_v1(&e["fieldsV1"], p));
        if (mine(e) && !owns_all) || (!mine(e) && owns_any) {
            return false;
        }
    }
    let Some(entry) = list.iter_mut().find(|e| mine(e)) else {
        return false;
    };
    entry["time"] = now.clone();
    sort_entries(&mut list);
    new["metadata"]["managedFields"] = Value::Array(list);
    true
}

/// Whether `old` and `new` have the same field set (as `walk` builds it), collecting the
/// leaves whose values differ.
fn same_fields(
    old: &Value,
    new: &Value,
    names: &str,
    kind: &str,
    prefix: &mut Path,
    changed: &mut Vec<Path>,
) -> bool {
    match (old, new) {
        (Value::Object(o), Value::Object(n))
            if !o.is_empty() && !n.is_empty() && !atomic_object(names) =>
        {
            o.len() == n.len()
                && n.iter().all(|(k, nv)| {
                    let names = join(names, k);
                    if stripped(&names) {
                        return o.contains_key(k);
                    }
                    let Some(ov) = o.get(k) else {
                        return false;
                    };
                    prefix.push(Element::Field(k.clone()));
                    let same = same_fields(ov, nv, &names, kind, prefix, changed);
                    prefix.pop();
                    same
                })
        }
        (Value::Array(o), Value::Array(n)) if !o.is_empty() && !n.is_empty() => {
            match list_type(names, kind) {
                ListType::Map(keys) => {
                    o.len() == n.len()
                        && o.iter().zip(n).all(|(oi, ni)| {
                            let key = Element::key_of(ni, keys);
                            if Element::key_of(oi, keys) != key {
                                return false;
                            }
                            prefix.push(key);
                            let same = same_fields(oi, ni, names, kind, prefix, changed);
                            prefix.pop();
                            same
                        })
                }
                ListType::Set => o == n,
                ListType::Atomic => {
                    if o != n {
                        changed.push(prefix.clone());
                    }
                    true
                }
            }
        }
        (o, n) => {
            let inner = |v: &Value| match v {
                Value::Object(m) => !m.is_empty() && !atomic_object(names),
                Value::Array(a) => !a.is_empty(),
                _ => false,
            };
            if inner(o) || inner(n) {
                return false;
            }
            if o != n {
                changed.push(prefix.clone());
            }
            true
        }
    }
}

/// The maps and lists `new` has that `old` lacked: an Update owns such a node itself as
/// well as its contents (`f:labels: {".": {}, "f:app": {}}`). A pod's containers list is
/// always there in the typed object, so it is never new.
fn new_parents(
    old: &Value,
    new: &Value,
    names: &str,
    kind: &str,
    prefix: &mut Path,
    out: &mut Vec<Path>,
) {
    match new {
        Value::Object(map) if !atomic_object(names) => {
            for (k, child) in map {
                let names = join(names, k);
                if stripped(&names) {
                    continue;
                }
                prefix.push(Element::Field(k.clone()));
                let granular_map = child.is_object()
                    && matches!(
                        k.as_str(),
                        "labels" | "annotations" | "data" | "binaryData" | "stringData"
                    );
                let list = child.as_array().is_some_and(|a| !a.is_empty()) && k != "containers";
                if (granular_map || list) && value_at(old, prefix).is_none() {
                    out.push(prefix.clone());
                }
                new_parents(old, child, &names, kind, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            if let ListType::Map(keys) = list_type(names, kind) {
                for item in items {
                    prefix.push(Element::key_of(item, keys));
                    new_parents(old, item, names, kind, prefix, out);
                    prefix.pop();
                }
            }
        }
        _ => {}
    }
}

/// Whether the node at `path` is a value rather than a parent of owned fields.
fn is_leaf(obj: &Value, path: &[Element]) -> bool {
    !matches!(path.last(), Some(Element::Key(_)))
        && !matches!(value_at(obj, path), Some(Value::Object(m)) if !m.is_empty())
}

/// A field another manager set to a different value.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub manager: String,
    pub path: String,
}

/// Applies a manager's configuration to the live object (or to nothing, creating it):
/// the merged object with its new managedFields, or the conflicts that stop it.
pub fn apply(
    live: Option<&Value>,
    applied: &Value,
    w: &Writer<'_>,
    force: bool,
    now: &Value,
) -> Result<Value, Vec<Conflict>> {
    let empty = Value::Object(Map::new());
    let exists = live.is_some();
    let live = live.unwrap_or(&empty);
    let mut list = entries(live);
    if exists && list.is_empty() {
        // Fields set before anyone applied belong to a stand-in manager.
        list.push(Entry {
            manager: "before-first-apply".into(),
            operation: "Update".into(),
            api_version: w.api_version.into(),
            time: now.clone(),
            subresource: String::new(),
            fields: w.fields(live),
        });
    }
    // kubectl taking over from client-side apply may change what it last applied.
    let last_applied: Option<Value> = (w.manager == "kubectl")
        .then(|| live.pointer(LAST_APPLIED_POINTER))
        .flatten()
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok());
    let new_set = w.fields(applied);
    let mut conflicts = vec![];
    let mut taken = FieldSet::default();
    for p in new_set.paths() {
        let (lv, av) = (value_at(live, &p), value_at(applied, &p));
        if lv.is_none() || lv == av || !is_leaf(applied, &p) {
            continue;
        }
        let migrating = last_applied
            .as_ref()
            .is_some_and(|last| value_at(last, &p) == lv);
        if migrating {
            taken.insert(&p);
            continue;
        }
        for e in list
            .iter()
            .filter(|e| !e.same_owner(w.manager, "Apply", w.subresource) && e.fields.contains(&p))
        {
            conflicts.push(Conflict {
                manager: e.describe(),
                path: path_string(&p),
            });
        }
        taken.insert(&p);
    }
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    for e in list.iter_mut() {
        if !e.same_owner(w.manager, "Apply", w.subresource) {
            e.fields = e.fields.difference(&taken);
        }
    }
    let mut merged = merge(live, applied, "", w.kind);
    let previous = list
        .iter()
        .find(|e| e.same_owner(w.manager, "Apply", w.subresource))
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    for p in previous.difference(&new_set).paths() {
        let owned_elsewhere = list
            .iter()
            .any(|e| !e.same_owner(w.manager, "Apply", w.subresource) && e.fields.contains(&p));
        if !owned_elsewhere {
            remove_at(&mut merged, &p);
        }
    }
    if last_applied.is_some() {
        let mut config = applied.clone();
        if let Some(m) = config.get_mut("metadata").and_then(Value::as_object_mut) {
            if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
                a.remove(LAST_APPLIED);
            }
        }
        let text = format!("{}\n", serde_json::to_string(&config).unwrap_or_default());
        if let Some(a) = merged
            .pointer_mut("/metadata/annotations")
            .and_then(Value::as_object_mut)
        {
            a.insert(LAST_APPLIED.into(), Value::String(text));
        }
    }
    // The time moves only when the object changes.
    let changed = without_managed_fields(&merged) != without_managed_fields(live);
    match list
        .iter_mut()
        .find(|e| e.same_owner(w.manager, "Apply", w.subresource))
    {
        Some(e) => {
            e.fields = new_set;
            e.api_version = w.api_version.into();
            if changed {
                e.time = now.clone();
            }
        }
        None => list.push(Entry {
            manager: w.manager.into(),
            operation: "Apply".into(),
            api_version: w.api_version.into(),
            time: if changed { now.clone() } else { Value::Null },
            subresource: w.subresource.into(),
            fields: new_set,
        }),
    }
    set_entries(&mut merged, &list);
    Ok(merged)
}

/// The annotation client-side apply keeps its configuration in.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const LAST_APPLIED_POINTER: &str =
    "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration";

fn without_managed_fields(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
        m.remove("resourceVersion");
    }
    v
}

/// The message of a 409 for apply conflicts.
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [c] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            c.manager, c.path
        );
    }
    let mut managers: Vec<&str> = conflicts.iter().map(|c| c.manager.as_str()).collect();
    crate::sort::sort(&mut managers);
    managers.dedup();
    let mut lines = vec![];
    for m in managers {
        lines.push(format!("conflicts with {m}:"));
        for c in conflicts.iter().filter(|c| c.manager == m) {
            lines.push(format!("- {}", c.path));
        }
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}
