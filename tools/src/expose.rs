//! `kubectl expose`'s Service generator: a Service selecting what the object selects,
//! on the ports its containers (or it) declare, unless --port, --target-port,
//! --selector, --name, --type, --protocol say otherwise.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::kubectl_args::Args as Parsed;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub flags: Parsed,
    /// The exposed object and its kind.
    pub kind: String,
    pub object: Value,
}

/// The Service for `request`, or why there is none.
pub fn service(request: &Request) -> Result<Value, String> {
    service_for(&request.flags, &request.kind, &request.object)
}

/// `k=v,k2=v2` from a label map, keys sorted (kubectl's MakeLabels).
fn make_labels(m: &Value) -> String {
    m.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

fn parse_labels(spec: &str) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for part in spec.split(',') {
        let kv: Vec<&str> = part.split('=').collect();
        let [k, v] = kv.as_slice() else {
            return Err(format!("unexpected label spec: {part}"));
        };
        if k.is_empty() {
            return Err("unexpected empty label key".into());
        }
        out.insert(k.to_string(), json!(v));
    }
    Ok(out)
}

/// The selector of the exposed object, as `k=v,...`.
fn selector_of(kind: &str, obj: &Value) -> Result<String, String> {
    match kind {
        "Pod" => {
            let labels = &obj["metadata"]["labels"];
            if labels.as_object().is_none_or(|m| m.is_empty()) {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(make_labels(labels))
        }
        "Service" => match obj["spec"].get("selector") {
            Some(sel) if !sel.is_null() => Ok(make_labels(sel)),
            _ => Err("the service has no pod selector set".into()),
        },
        "ReplicationController" => Ok(make_labels(&obj["spec"]["selector"])),
        _ => {
            let sel = &obj["spec"]["selector"];
            if sel["matchLabels"].as_object().is_none_or(|m| m.is_empty()) {
                let what = if kind == "Deployment" {
                    "deployment"
                } else {
                    "replicaset"
                };
                return Err(format!(
                    "invalid {what}: no selectors, therefore cannot be exposed"
                ));
            }
            if sel["matchExpressions"]
                .as_array()
                .is_some_and(|e| !e.is_empty())
            {
                return Err(format!(
                    "couldn't convert expressions - \"{}\" to map-based selector format",
                    sel["matchExpressions"]
                ));
            }
            Ok(make_labels(&sel["matchLabels"]))
        }
    }
}

/// The ports (as text) and each port's protocols the object declares.
fn ports_of(kind: &str, obj: &Value) -> Vec<(String, String)> {
    let from_containers = |spec: &Value| -> Vec<(String, String)> {
        spec["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
            .map(|p| {
                (
                    p["containerPort"].to_string(),
                    p["protocol"].as_str().unwrap_or("TCP").to_string(),
                )
            })
            .collect()
    };
    match kind {
        "Pod" => from_containers(&obj["spec"]),
        "Service" => obj["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["port"].to_string(),
                    p["protocol"].as_str().unwrap_or("TCP").to_string(),
                )
            })
            .collect(),
        _ => from_containers(&obj["spec"]["template"]["spec"]),
    }
}

/// The Service kubectl's generator builds for one object.
fn service_for(p: &Parsed, kind: &str, obj: &Value) -> Result<Value, String> {
    let given = |f: &str| p.get(f).filter(|v| !v.is_empty());
    let selector = match given("selector") {
        Some(s) => s.to_string(),
        None => selector_of(kind, obj).map_err(|e| {
            format!("couldn't retrieve selectors via --selector flag or introspection: {e}")
        })?,
    };
    let headless = p.get("cluster-ip") == Some("None");
    let declared = ports_of(kind, obj);
    let ports_text = match given("port") {
        Some(port) => port.to_string(),
        None => {
            if declared.is_empty() && !headless {
                return Err("couldn't find port via --port flag or introspection".into());
            }
            let mut seen: Vec<String> = vec![];
            for (port, _) in &declared {
                if !seen.contains(port) {
                    seen.push(port.clone());
                }
            }
            seen.join(",")
        }
    };
    if selector.is_empty() {
        return Err("selector must be specified".into());
    }
    let selector = parse_labels(&selector)?;
    let labels = match given("labels") {
        Some(l) => Some(parse_labels(l)?),
        None => {
            let own = make_labels(&obj["metadata"]["labels"]);
            if own.is_empty() {
                None
            } else {
                Some(parse_labels(&own)?)
            }
        }
    };
    let name = given("name").map(str::to_string).unwrap_or_else(|| {
        let n = obj["metadata"]["name"].as_str().unwrap_or("");
        n.chars().take(63).collect()
    });
    let protocol = given("protocol");
    let mut ports: Vec<Value> = vec![];
    if !ports_text.is_empty() {
        let list: Vec<&str> = ports_text.split(',').collect();
        for (i, text) in list.iter().enumerate() {
            let port: i64 = text
                .parse()
                .map_err(|_| format!("strconv.Atoi: parsing \"{text}\": invalid syntax"))?;
            let port_name = (list.len() > 1).then(|| format!("port-{}", i + 1));
            let protocols: Vec<&str> = declared
                .iter()
                .filter(|(p, _)| p == text)
                .map(|(_, proto)| proto.as_str())
                .collect();
            if protocol.is_none() && protocols.len() > 1 {
                for proto in protocols {
                    ports.push(json!({
                        "name": format!("port-{}-{}", i + 1, proto.to_ascii_lowercase()),
                        "protocol": proto,
                        "port": port,
                    }));
                }
                continue;
            }
            let proto = protocol
                .or_else(|| protocols.first().copied())
                .unwrap_or("TCP");
            let mut entry = json!({"protocol": proto, "port": port});
            if let Some(n) = port_name {
                entry["name"] = json!(n);
            }
            ports.push(entry);
        }
    }
    let target = given("target-port").map(|t| match t.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(t),
    });
    for port in &mut ports {
        port["targetPort"] = target.clone().unwrap_or_else(|| port["port"].clone());
    }
    let mut spec = Map::new();
    if !ports.is_empty() {
        spec.insert("ports".into(), json!(ports));
    }
    spec.insert("selector".into(), Value::Object(selector));
    if let Some(ip) = given("cluster-ip") {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if let Some(t) = given("type") {
        spec.insert("type".into(), json!(t));
    }
    if let Some(ip) = given("external-ip") {
        spec.insert("externalIPs".into(), json!([ip]));
    }
    if given("type") == Some("LoadBalancer") {
        if let Some(ip) = given("load-balancer-ip") {
            spec.insert("loadBalancerIP".into(), json!(ip));
        }
    }
    if let Some(a) = given("session-affinity") {
        if a != "None" && a != "ClientIP" {
            return Err(format!("unknown session affinity: {a}"));
        }
        spec.insert("sessionAffinity".into(), json!(a));
    }
    let mut metadata = json!({"name": name});
    if let Some(l) = labels {
        metadata["labels"] = Value::Object(l);
    }
    Ok(json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }))
}
