//! `kubectl create configmap`, `create secret generic` and `create serviceaccount`:
//! entries from `--from-literal`, `--from-file` and `--from-env-file`.

use base64::Engine;
use serde_json::{json, Map, Value};

use super::{Generated, Request};
use crate::fs::{resolve, Fs};

/// Whether `key` may name a ConfigMap or Secret entry (`[-._a-zA-Z0-9]+`).
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key != "."
        && key != ".."
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The entries of `--from-literal`, `--from-file` and `--from-env-file`, in the order
/// given, read from the node's files; kubectl's errors otherwise.
fn sources(request: &Request, fs: &Fs, kind: &str) -> Result<Vec<(String, String)>, String> {
    let (p, name) = (&request.flags, &request.name);
    let mut out: Vec<(String, String)> = vec![];
    let mut add = |key: String, value: String| -> Result<(), String> {
        if !valid_key(&key) {
            return Err(format!("error: \"{key}\" is not a valid key name for a {kind}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(format!("error: cannot add key \"{key}\", another key by that name already exists in Data for {kind} \"{name}\""));
        }
        out.push((key, value));
        Ok(())
    };
    for literal in p.all("from-literal") {
        let Some((k, v)) = literal.split_once('=') else {
            return Err(format!(
                "error: invalid literal source {literal}, expected key=value"
            ));
        };
        add(k.to_string(), v.to_string())?;
    }
    for source in p.all("from-file") {
        let (key, path) = match source.split_once('=') {
            Some((k, f)) => (Some(k.to_string()), f.to_string()),
            None => (None, source.clone()),
        };
        let full = resolve(&request.cwd, &path);
        if fs.is_dir(&full) {
            if key.is_some() {
                return Err("error: cannot give a key name for a directory path".into());
            }
            for file in fs.list(&full) {
                let fp = format!("{}/{file}", full.trim_end_matches('/'));
                if let Some(text) = fs.read(&fp) {
                    add(file.clone(), text.to_string())?;
                }
            }
            continue;
        }
        let Some(text) = fs.read(&full) else {
            return Err(format!(
                "error: error reading {path}: no such file or directory"
            ));
        };
        let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
        add(key, text.to_string())?;
    }
    for env in p.all("from-env-file") {
        let Some(text) = fs.read(&resolve(&request.cwd, &env)) else {
            return Err(format!(
                "error: error reading {env}: no such file or directory"
            ));
        };
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            add(k.to_string(), v.to_string())?;
        }
    }
    Ok(out)
}

pub fn data_object(request: &Request) -> Result<Generated, String> {
    let p = &request.flags;
    let (kind, plural) = match request.generator.as_str() {
        "configmap" => ("ConfigMap", "configmaps"),
        "secret generic" => ("Secret", "secrets"),
        _ => ("ServiceAccount", "serviceaccounts"),
    };
    let mut obj = json!({"kind": kind, "apiVersion": "v1", "metadata": {"name": request.name}});
    if kind != "ServiceAccount" {
        let fs = request.fs.clone().unwrap_or_default();
        let data: Map<String, Value> = sources(request, &fs, kind)?
            .into_iter()
            .map(|(k, v)| {
                let v = if kind == "Secret" {
                    base64::engine::general_purpose::STANDARD.encode(v.as_bytes())
                } else {
                    v
                };
                (k, Value::String(v))
            })
            .collect();
        if !data.is_empty() {
            obj["data"] = Value::Object(data);
        }
        if let Some(t) = p.get("type").filter(|t| kind == "Secret" && !t.is_empty()) {
            obj["type"] = json!(t);
        }
    }
    let shown = kind.to_ascii_lowercase();
    let failed = match kind {
        "Secret" => "failed to create secret ".to_string(),
        _ => format!("failed to create {shown}: "),
    };
    Ok(Generated::new(obj, "", plural, &shown, &failed))
}
