//! What the kubelet's volume manager needs before a pod's sandbox starts: the ConfigMaps
//! and Secrets its configMap and secret volumes name (and the keys their items name).
//! A missing one (not optional) fails MountVolume.SetUp, retried with the volume
//! manager's exponential back-off, and the pod stays ContainerCreating.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::apiserver::client::Client;
use crate::apiserver::resources;
use crate::clock::Millis;

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
