//! What the kubelet's volume manager needs before a pod's sandbox starts: the ConfigMaps
//! and Secrets its configMap and secret volumes name (and the keys their items name).
//! A missing one (not optional) fails MountVolume.SetUp, retried with the volume
//! manager's exponential back-off, and the pod stays ContainerCreating.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::apiserver::client::Client;
use crate::apiserver::resources;
use crate::clock::Millis;

use super::{script, Container, PodRuntime, State};

/// The volume manager's back-off after `failures` failed attempts: 500 ms doubling, at
/// most 2m2s.
pub fn retry_after(failures: u32) -> Millis {
    (500 * (1 << failures.min(10))).min(122_000)
}

/// The first volume that cannot be set up, and why (the plugin's message).
pub fn mount_error(client: &mut Client<'_>, ns: &str, volumes: &Value) -> Option<(String, String)> {
    for v in volumes.as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("");
        let (source, plural, singular, name_field, missing_key) = if v["configMap"].is_object() {
            (
                &v["configMap"],
                "configmaps",
                "configmap",
                "name",
                "configmap references non-existent config key",
            )
        } else if v["secret"].is_object() {
            (
                &v["secret"],
                "secrets",
                "secret",
                "secretName",
                "references non-existent secret key",
            )
        } else {
            continue;
        };
        if source["optional"] == true {
            continue;
        }
        let object = source[name_field].as_str().unwrap_or("");
        let found = resources::find("", "v1", plural).and_then(|r| client.get(r, ns, object).ok());
        let Some(found) = found else {
            return Some((
                name.to_string(),
                format!("{singular} \"{object}\" not found"),
            ));
        };
        for item in source["items"].as_array().into_iter().flatten() {
            let key = item["key"].as_str().unwrap_or("");
            if found["data"].get(key).is_none() && found["binaryData"].get(key).is_none() {
                return Some((name.to_string(), format!("{missing_key}: {key}")));
            }
        }
    }
    None
}

/// The files a container sees through its volume mounts (`mounts`: name and mountPath):
/// each mount point, the keys (or items' paths) of configMap and secret volumes, and
/// what a hostPath volume shows of the node's files (`host`) as the container starts,
/// with their text.
pub fn files(
    client: &mut Client<'_>,
    (ns, host): (&str, &crate::shell::fs::Fs),
    volumes: &Value,
    mounts: &Value,
) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut files = BTreeSet::new();
    let mut text = BTreeMap::new();
    for m in mounts.as_array().into_iter().flatten() {
        let path = m["mountPath"].as_str().unwrap_or("").trim_end_matches('/');
        if path.is_empty() {
            continue;
        }
        // The mount point and the directories above it.
        let mut dir = path.to_string();
        while !dir.is_empty() {
            files.insert(dir.clone());
            dir = dir
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string());
        }
        let Some(v) = volumes
            .as_array()
            .and_then(|vs| vs.iter().find(|v| v["name"] == m["name"]))
        else {
            continue;
        };
        if let Some(root) = v["hostPath"]["path"].as_str() {
            let root = root.trim_end_matches('/');
            for (p, content) in host.under(root) {
                let file = format!("{path}{}", &p[root.len().min(p.len())..]);
                let file = file.trim_end_matches('/').to_string();
                if let Some(t) = content {
                    text.insert(file.clone(), t.to_string());
                }
                files.insert(file);
            }
            continue;
        }
        let (source, plural, name_field) = if v["configMap"].is_object() {
            (&v["configMap"], "configmaps", "name")
        } else if v["secret"].is_object() {
            (&v["secret"], "secrets", "secretName")
        } else {
            continue;
        };
        let object = source[name_field].as_str().unwrap_or("");
        let found = resources::find("", "v1", plural).and_then(|r| client.get(r, ns, object).ok());
        let value = |key: &str| -> Option<String> {
            let o = found.as_ref()?;
            if let Some(v) = o["data"].get(key).and_then(Value::as_str) {
                if plural == "configmaps" {
                    return Some(v.to_string());
                }
                use base64::Engine;
                let bytes = base64::engine::general_purpose::STANDARD.decode(v).ok()?;
                return Some(String::from_utf8_lossy(&bytes).into_owned());
            }
            None
        };
        let keys: Vec<(String, String)> = match source["items"].as_array() {
            Some(items) => items
                .iter()
                .filter_map(|i| {
                    Some((
                        i["key"].as_str()?.to_string(),
                        i["path"].as_str()?.to_string(),
                    ))
                })
                .collect(),
            None => found
                .iter()
                .flat_map(|o| ["data", "binaryData"].map(|f| o[f].clone()))
                .filter_map(|d| d.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()))
                .flatten()
                .map(|k| (k.clone(), k))
                .collect(),
        };
        for (key, rel) in keys {
            let file = format!("{path}/{rel}");
            if let Some(v) = value(&key) {
                text.insert(file.clone(), v);
            }
            files.insert(file);
        }
    }
    (files, text)
}

/// Where a container's instance ran: from its start until `now`, or until it ended.
fn span(c: &Container, now: Millis) -> Option<(Millis, Millis)> {
    match &c.state {
        State::Running { started_at, .. } => Some((*started_at, now)),
        State::Terminated(t) => Some((t.started_at, t.finished_at)),
        State::Waiting { .. } => c.last.as_ref().map(|t| (t.started_at, t.finished_at)),
    }
}

/// A container's mounts of the pod's `volumes` (`mounts`: its volumeMounts): each
/// mount point (without a trailing slash), its volume, and whether it is read-only.
fn mounted<'a>(volumes: &'a Value, mounts: &'a Value) -> Vec<(&'a str, &'a Value, bool)> {
    mounts
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let v = volumes
                .as_array()?
                .iter()
                .find(|v| v["name"] == m["name"])?;
            let path = m["mountPath"].as_str()?.trim_end_matches('/');
            Some((path, v, m["readOnly"] == true))
        })
        .collect()
}

/// A container's hostPath mounts: where it has each, and the node's path (without a
/// trailing slash: `""` is the node's root).
pub fn host_paths<'a>(volumes: &'a Value, mounts: &'a Value) -> Vec<(&'a str, &'a str)> {
    mounted(volumes, mounts)
        .into_iter()
        .filter_map(|(at, v, _)| Some((at, v["hostPath"]["path"].as_str()?.trim_end_matches('/'))))
        .collect()
}

/// `path` under `from`, moved under `to`; `None` when it is not under `from`.
fn rebase(path: &str, from: &str, to: &str) -> Option<String> {
    let rest = path.strip_prefix(from)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| format!("{to}{rest}"))
}

/// What the pod's other containers have written by `until` into files that container
/// `x`, whose instance started at `x_start`, sees through a writable volume they both
/// mount (an emptyDir, a hostPath): their processes' writes when written, and what
/// commands run in them wrote (`changes`, by container ID) as of `until` (the kubelet
/// keeps no time for those); each file's path as `x` sees it, in the order written.
pub(super) fn shared_writes(
    rt: &PodRuntime,
    x: &Container,
    x_start: Millis,
    changes: &BTreeMap<String, Vec<script::Change>>,
    until: Millis,
) -> Vec<script::Write> {
    let writable = |v: &Value| v["emptyDir"].is_object() || v["hostPath"].is_object();
    let mine: Vec<(&str, &Value)> = mounted(&rt.volumes, &x.mounts)
        .into_iter()
        .filter(|(_, v, _)| writable(v))
        .map(|(at, v, _)| (at, v))
        .collect();
    let mut out = vec![];
    if mine.is_empty() {
        return out;
    }
    for y in rt.all().filter(|y| y.name != x.name) {
        // Where it mounts, read-write, a volume x mounts too, and where x has it.
        let pairs: Vec<(&str, &str)> = mounted(&rt.volumes, &y.mounts)
            .into_iter()
            .filter(|(_, _, read_only)| !read_only)
            .flat_map(|(theirs, v, _)| {
                mine.iter()
                    .filter(move |(_, w)| w["name"] == v["name"])
                    .map(move |(ours, _)| (theirs, *ours))
            })
            .collect();
        let Some((start, end)) = span(y, until).filter(|_| !pairs.is_empty()) else {
            continue;
        };
        let here = |path: &str| {
            pairs
                .iter()
                .find_map(|(theirs, ours)| rebase(path, theirs, ours))
        };
        if let Some(argv) = y.script() {
            for w in script::writes(&argv, y.context(), start, end.min(until) - start) {
                if let Some(path) = here(&w.path) {
                    out.push(script::Write {
                        at: start + w.at - x_start,
                        path,
                        ..w
                    });
                }
            }
        }
        for c in changes.get(&y.container_id).into_iter().flatten() {
            let (path, text, truncate) = match c {
                script::Change::Wrote { path, text } => (path, Some(text.clone()), true),
                script::Change::Made { path, file: true } => (path, Some(String::new()), false),
                script::Change::Removed(path) => (path, None, true),
                script::Change::Made { .. } => continue,
            };
            if let Some(path) = here(path) {
                out.push(script::Write {
                    at: until - x_start,
                    path,
                    text,
                    truncate,
                });
            }
        }
    }
    crate::sort::by_key(&mut out, |w| w.at);
    out
}

/// The changes among `changes` (made in a container with `mounts`) that fall under a
/// hostPath volume of the pod's `volumes`, with their paths on the node.
pub(super) fn host_path_changes(
    volumes: &Value,
    mounts: &Value,
    changes: &[script::Change],
) -> Vec<script::Change> {
    let roots = host_paths(volumes, mounts);
    let on_node = |path: &str| {
        let moved = roots
            .iter()
            .find_map(|(mount, node)| rebase(path, mount, node))?;
        Some(crate::shell::fs::resolve("/", &moved))
    };
    changes
        .iter()
        .filter_map(|c| {
            Some(match c {
                script::Change::Made { path, file } => script::Change::Made {
                    path: on_node(path)?,
                    file: *file,
                },
                script::Change::Removed(path) => script::Change::Removed(on_node(path)?),
                script::Change::Wrote { path, text } => script::Change::Wrote {
                    path: on_node(path)?,
                    text: text.clone(),
                },
            })
        })
        .collect()
}
