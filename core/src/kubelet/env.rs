//! What the kubelet reads before it creates a container: the ConfigMaps and Secrets its
//! `envFrom` and `env` name. One that is missing (and not optional) leaves the container
//! waiting in CreateContainerConfigError with the kubelet's message.

use serde_json::Value;

use crate::apiserver::client::Client;
use crate::apiserver::resources;

/// The ConfigMap or Secret `name` in `ns`, as the kubelet's managers read it.
fn source(client: &mut Client<'_>, plural: &str, ns: &str, name: &str) -> Option<Value> {
    let r = resources::find("", "v1", plural)?;
    client.get(r, ns, name).ok()
}

/// Why the container cannot be created yet, if its environment names a ConfigMap,
/// Secret or key that does not exist.
pub fn config_error(
    client: &mut Client<'_>,
    ns: &str,
    env_from: &Value,
    env: &Value,
) -> Option<String> {
    let kinds = [
        ("configMapRef", "configmaps", "configmap"),
        ("secretRef", "secrets", "secret"),
    ];
    for from in env_from.as_array().into_iter().flatten() {
        for (field, plural, singular) in kinds {
            let r = &from[field];
            let Some(name) = r["name"].as_str() else {
                continue;
            };
            if r["optional"] != true && source(client, plural, ns, name).is_none() {
                return Some(format!("{singular} \"{name}\" not found"));
            }
        }
    }
    let refs = [
        ("configMapKeyRef", "configmaps", "configmap", "ConfigMap"),
        ("secretKeyRef", "secrets", "secret", "Secret"),
    ];
    for var in env.as_array().into_iter().flatten() {
        for (field, plural, singular, kind) in refs {
            let r = &var["valueFrom"][field];
            let (Some(name), Some(key)) = (r["name"].as_str(), r["key"].as_str()) else {
                continue;
            };
            if r["optional"] == true {
                continue;
            }
            let Some(obj) = source(client, plural, ns, name) else {
                return Some(format!("{singular} \"{name}\" not found"));
            };
            let has = obj["data"].get(key).is_some() || obj["binaryData"].get(key).is_some();
            if !has {
                return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
            }
        }
    }
    None
}

/// A ConfigMap's or Secret's value for `key` as text (a Secret's data is base64).
fn text_of(obj: &Value, key: &str, secret: bool) -> Option<String> {
    let raw = obj["data"].get(key).and_then(Value::as_str)?;
    if !secret {
        return Some(raw.to_string());
    }
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// `$(VAR)` in a value, replaced by an earlier variable's value (`$$(VAR)` stays as
/// `$(VAR)`, an unknown one as written), as the kubelet expands env and command lines.
pub fn expand(text: &str, vars: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some((name, tail)) = after.strip_prefix('(').and_then(|s| s.split_once(')')) {
            match vars.iter().rev().find(|(k, _)| k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&format!("$({name})")),
            }
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The environment a container's process gets, in order: the image's PATH, HOSTNAME,
/// the variables of `envFrom` and `env` (values from ConfigMaps, Secrets and the pod's
/// fields `fields` resolved), the Services' variables, and HOME.
pub fn resolve(
    client: &mut Client<'_>,
    ns: &str,
    fields: &std::collections::BTreeMap<String, String>,
    env_from: &Value,
    env: &Value,
    service_links: bool,
) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = vec![
        (
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ),
        (
            "HOSTNAME".into(),
            fields.get("hostname").cloned().unwrap_or_default(),
        ),
    ];
    let set = |vars: &mut Vec<(String, String)>, k: String, v: String| {
        vars.retain(|(name, _)| *name != k);
        vars.push((k, v));
    };
    for from in env_from.as_array().into_iter().flatten() {
        let prefix = from["prefix"].as_str().unwrap_or("");
        for (field, plural, secret) in [
            ("configMapRef", "configmaps", false),
            ("secretRef", "secrets", true),
        ] {
            let Some(name) = from[field]["name"].as_str() else {
                continue;
            };
            let Some(obj) = source(client, plural, ns, name) else {
                continue;
            };
            for key in obj["data"].as_object().into_iter().flat_map(|m| m.keys()) {
                if let Some(v) = text_of(&obj, key, secret) {
                    set(&mut vars, format!("{prefix}{key}"), v);
                }
            }
        }
    }
    for var in env.as_array().into_iter().flatten() {
        let Some(name) = var["name"].as_str() else {
            continue;
        };
        let from = &var["valueFrom"];
        let value = if let Some(v) = var["value"].as_str() {
            Some(expand(v, &vars))
        } else if let Some(path) = from["fieldRef"]["fieldPath"].as_str() {
            fields.get(path).cloned()
        } else {
            let mut found = None;
            for (field, plural, secret) in [
                ("configMapKeyRef", "configmaps", false),
                ("secretKeyRef", "secrets", true),
            ] {
                let r = &from[field];
                if let (Some(obj_name), Some(key)) = (r["name"].as_str(), r["key"].as_str()) {
                    found =
                        source(client, plural, ns, obj_name).and_then(|o| text_of(&o, key, secret));
                }
            }
            found
        };
        if var["value"].is_null() && from.is_null() {
            set(&mut vars, name.to_string(), String::new());
        } else if let Some(v) = value {
            set(&mut vars, name.to_string(), v);
        }
    }
    for (k, v) in service_vars(client, ns, service_links) {
        if !vars.iter().any(|(name, _)| *name == k) {
            vars.push((k, v));
        }
    }
    vars.push(("HOME".into(), "/root".into()));
    vars
}

/// The variables Services give a container (FromServices): the kubernetes Service's
/// always, and with `links` (enableServiceLinks, on by default) those of every Service
/// in its namespace that has a cluster IP.
fn service_vars(client: &mut Client<'_>, ns: &str, links: bool) -> Vec<(String, String)> {
    let Some(r) = resources::find("", "v1", "services") else {
        return vec![];
    };
    let mut services = vec![];
    if links {
        services.extend(
            client
                .list(r, Some(ns), Default::default())
                .unwrap_or_default(),
        );
    }
    if !(links && ns == "default") {
        services.extend(client.get(r, "default", "kubernetes"));
    }
    crate::sort::by(&mut services, |a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    let mut vars = vec![];
    for svc in &services {
        let ip = svc["spec"]["clusterIP"].as_str().unwrap_or("");
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let name = |s: &str| s.to_uppercase().replace('-', "_");
        let svc_name = name(svc["metadata"]["name"].as_str().unwrap_or(""));
        let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
        let Some(first) = ports.first() else {
            continue;
        };
        let port = |p: &Value| p["port"].as_i64().unwrap_or(0);
        vars.push((format!("{svc_name}_SERVICE_HOST"), ip.to_string()));
        vars.push((format!("{svc_name}_SERVICE_PORT"), port(first).to_string()));
        for p in &ports {
            if let Some(port_name) = p["name"].as_str().filter(|n| !n.is_empty()) {
                vars.push((
                    format!("{svc_name}_SERVICE_PORT_{}", name(port_name)),
                    port(p).to_string(),
                ));
            }
        }
        for (i, p) in ports.iter().enumerate() {
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            let url = format!("{}://{ip}:{}", proto.to_lowercase(), port(p));
            let prefix = format!("{svc_name}_PORT_{}_{}", port(p), proto.to_uppercase());
            if i == 0 {
                vars.push((format!("{svc_name}_PORT"), url.clone()));
            }
            vars.push((prefix.clone(), url));
            vars.push((format!("{prefix}_PROTO"), proto.to_lowercase()));
            vars.push((format!("{prefix}_PORT"), port(p).to_string()));
            vars.push((format!("{prefix}_ADDR"), ip.to_string()));
        }
    }
    vars
}
