//! `kubectl create ingress`.

use serde_json::{json, Map, Value};

use super::{Generated, Parsed};

/// `kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]] [--class]
/// [--default-backend=service:port] [--annotation=k=v]`: paths ending in `*` are
/// Prefix, others Exact; rules for one host share it.
pub fn ingress(p: &Parsed, name: &str) -> Result<Generated, String> {
    let rules = p.all("rule");
    let default_backend = p.get("default-backend").unwrap_or("");
    if default_backend.is_empty() && rules.is_empty() {
        return Err("error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)".into());
    }
    let re = regex_lite::Regex::new(RULE).map_err(|e| e.to_string())?;
    if let Some(bad) = rules.iter().find(|r| !re.is_match(r)) {
        return Err(format!("error: rule {bad} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"));
    }
    let mut annotations = Map::new();
    for a in p.all("annotation") {
        let Some((k, v)) = a.split_once('=') else {
            return Err(format!(
                "error: annotation {a} is invalid and should be in format key=[value]"
            ));
        };
        annotations.insert(k.to_string(), json!(v));
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Err("error: default-backend should be in format servicename:serviceport".into());
    }
    let mut spec = Map::new();
    if let Some(class) = p.get("class").filter(|c| !c.is_empty()) {
        spec.insert("ingressClassName".into(), json!(class));
    }
    if !default_backend.is_empty() {
        spec.insert("defaultBackend".into(), backend(default_backend));
    }
    let tls = tls_entries(&rules);
    if !tls.is_empty() {
        spec.insert("tls".into(), Value::Array(tls));
    }
    let mut out_rules: Vec<Value> = vec![];
    for rule in &rules {
        let without_tls = rule.split(',').next().unwrap_or("");
        let (host, rest) = without_tls.split_once('/').unwrap_or((without_tls, ""));
        let (path, service) = rest.split_once('=').unwrap_or((rest, ""));
        let mut path = format!("/{path}");
        let mut path_type = "Exact";
        if path.ends_with('*') {
            path_type = "Prefix";
            path.pop();
        }
        let entry = json!({"path": path, "pathType": path_type, "backend": backend(service)});
        match out_rules
            .iter_mut()
            .find(|r| r["host"].as_str().unwrap_or("") == host)
        {
            Some(existing) => {
                if let Some(paths) = existing["http"]["paths"].as_array_mut() {
                    paths.push(entry);
                }
            }
            None => {
                let mut r = json!({"http": {"paths": [entry]}});
                if !host.is_empty() {
                    r["host"] = json!(host);
                }
                out_rules.push(r);
            }
        }
    }
    if !out_rules.is_empty() {
        spec.insert("rules".into(), Value::Array(out_rules));
    }
    let mut metadata = json!({"name": name});
    if !annotations.is_empty() {
        metadata["annotations"] = Value::Object(annotations);
    }
    let obj = json!({
        "kind": "Ingress", "apiVersion": "networking.k8s.io/v1",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    });
    Ok(Generated::new(
        obj,
        "networking.k8s.io",
        "ingresses",
        "ingress.networking.k8s.io",
        "failed to create ingress: ",
    ))
}

/// kubectl's rule syntax (a prefix match, as Go's MatchString with `^`).
const RULE: &str = r"^([\w\*\-\.]*)(/.*)=([\w\-]+):([\w\-]+)(,(tls)=?([\w\-]+)?)?";

/// `service:port` as a backend; a numeric port is a number, anything else a name.
fn backend(service: &str) -> Value {
    let (name, port) = service.split_once(':').unwrap_or((service, ""));
    let port = match port.parse::<i64>() {
        Ok(n) => json!({"number": n}),
        Err(_) => json!({"name": port}),
    };
    json!({"service": {"name": name, "port": port}})
}

/// The `tls` entries: one per secret, hosts joining the entry of their secret.
fn tls_entries(rules: &[String]) -> Vec<Value> {
    let mut entries: Vec<(Vec<String>, String)> = vec![];
    let mut seen: Vec<String> = vec![];
    for rule in rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("").to_string();
        let secret = parts[1].split('=').nth(1).unwrap_or("").to_string();
        if seen.contains(&host) {
            continue;
        }
        seen.push(host.clone());
        if let Some(e) = entries.iter_mut().find(|(_, s)| *s == secret) {
            e.0.push(host);
            continue;
        }
        let hosts = if host.is_empty() { vec![] } else { vec![host] };
        if !secret.is_empty() || !hosts.is_empty() {
            entries.push((hosts, secret));
        }
    }
    entries
        .into_iter()
        .map(|(hosts, secret)| {
            let mut e = Map::new();
            if !hosts.is_empty() {
                e.insert("hosts".into(), json!(hosts));
            }
            if !secret.is_empty() {
                e.insert("secretName".into(), json!(secret));
            }
            Value::Object(e)
        })
        .collect()
}
