//! `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`.

use serde_json::{json, Map};

use super::{Generated, Parsed};

/// `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`.
pub fn service(p: &Parsed, ty: &str, name: &str) -> Result<Generated, String> {
    let cluster_ip = p.get("clusterip");
    let mut ports = vec![];
    for spec in p.all("tcp") {
        let (port, target) = spec.split_once(':').unwrap_or((&spec, &spec));
        let Ok(number) = port.parse::<u16>() else {
            return Err(format!(
                "error: strconv.ParseUint: parsing \"{port}\": invalid syntax"
            ));
        };
        let target = match target.parse::<u16>() {
            Ok(t) => json!(t),
            Err(_) => json!(target),
        };
        let port_name = if spec.contains(':') {
            format!("{port}-{}", spec.split_once(':').map_or("", |(_, t)| t))
        } else {
            port.to_string()
        };
        let mut entry =
            json!({"name": port_name, "protocol": "TCP", "port": number, "targetPort": target});
        if let Some(node_port) = p.get("node-port").and_then(|n| n.parse::<i32>().ok()) {
            if ty == "nodeport" && node_port > 0 {
                entry["nodePort"] = json!(node_port);
            }
        }
        ports.push(entry);
    }
    if ports.is_empty() && ty != "externalname" && cluster_ip != Some("None") {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let labels = json!({"app": name});
    let mut spec = Map::new();
    if !ports.is_empty() {
        spec.insert("ports".into(), json!(ports));
    }
    spec.insert("selector".into(), labels.clone());
    if let Some(ip) = cluster_ip.filter(|ip| !ip.is_empty()) {
        spec.insert("clusterIP".into(), json!(ip));
    }
    let kind = match ty {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        _ => "ExternalName",
    };
    spec.insert("type".into(), json!(kind));
    if let Some(external) = p.get("external-name").filter(|_| ty == "externalname") {
        spec.insert("externalName".into(), json!(external));
    }
    let obj = json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": name, "labels": labels},
        "spec": spec,
        "status": {"loadBalancer": {}},
    });
    let failed = format!("failed to create {kind} service: ");
    Ok(Generated::new(obj, "", "services", "service", &failed))
}
