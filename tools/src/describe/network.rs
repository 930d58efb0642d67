//! Describers for networking: Ingresses, IngressClasses, NetworkPolicies, Endpoints,
//! EndpointSlices, ServiceCIDRs and IPAddresses; and how describe lists the endpoints of
//! a service port.

use serde_json::Value;

use super::pod_template::{int_or_string, label_selector};
use super::{
    s, strings, time_of, transition_conditions, write_annotations, write_events, write_map,
};
use crate::tabwriter;
use crate::time::Millis;

/// The ready endpoints of the slices' ports named `port` (all ports when `None`):
/// `ip:port`, the first three, then `+ N more...`.
pub(super) fn endpoints_of(slices: &[Value], port: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let (mut list, mut count, mut more) = (vec![], 0usize, false);
    let mut add = |text: String, ready: bool| {
        if list.len() == 3 {
            more = true;
        }
        if !ready {
            return;
        }
        if !more {
            list.push(text);
        }
        count += 1;
    };
    for slice in slices {
        let endpoints = slice["endpoints"].as_array().cloned().unwrap_or_default();
        let ready = |ep: &Value| ep["conditions"]["ready"] != Value::Bool(false);
        let first = |ep: &Value| ep["addresses"][0].as_str().unwrap_or("").to_string();
        let ports = slice["ports"].as_array().cloned().unwrap_or_default();
        if ports.is_empty() {
            for ep in &endpoints {
                add(first(ep), ready(ep));
            }
            continue;
        }
        for p in &ports {
            if port.is_some_and(|name| p["name"].as_str().unwrap_or("") != name) {
                continue;
            }
            let number = p["port"].as_i64().unwrap_or(0);
            for ep in &endpoints {
                let addr = first(ep);
                let host = if addr.contains(':') {
                    format!("[{addr}]:{number}")
                } else {
                    format!("{addr}:{number}")
                };
                add(host, ready(ep));
            }
        }
    }
    let text = list.join(",");
    if more {
        format!("{text} + {} more...", count.saturating_sub(3))
    } else {
        text
    }
}

/// One ingress backend: `svc:port (endpoints)`, or the resource it names.
fn backend(b: &Value, services: &[Value], slices: &[Value]) -> String {
    if let Some(svc) = b.get("service") {
        let name = s(svc, "/name");
        let number = svc["port"]["number"].as_i64().unwrap_or(0);
        let port_name = s(svc, "/port/name");
        let text = if number != 0 {
            format!("{name}:{number}")
        } else {
            format!("{name}:{port_name}")
        };
        let Some(service) = services.iter().find(|x| s(x, "/metadata/name") == name) else {
            return format!("{text} (<error: services \"{name}\" not found>)");
        };
        let mut sp = "";
        for p in service["spec"]["ports"].as_array().into_iter().flatten() {
            let matches = (number != 0 && p["port"].as_i64() == Some(number))
                || (!port_name.is_empty() && s(p, "/name") == port_name);
            if matches {
                sp = s(p, "/name");
            }
        }
        let mine: Vec<Value> = slices
            .iter()
            .filter(|sl| sl["metadata"]["labels"]["kubernetes.io/service-name"] == name)
            .cloned()
            .collect();
        return format!("{text} ({})", endpoints_of(&mine, Some(sp)));
    }
    if let Some(r) = b.get("resource") {
        return format!(
            "APIGroup: {}, Kind: {}, Name: {}",
            r["apiGroup"].as_str().unwrap_or("<none>"),
            s(r, "/kind"),
            s(r, "/name")
        );
    }
    String::new()
}

/// `kubectl describe ingress`. `services` and `slices` are those of its namespace.
pub fn ingress(
    ing: &Value,
    services: &[Value],
    slices: &[Value],
    events: Option<&[Value]>,
    now: Millis,
) -> String {
    let mut out = String::new();
    let spec = &ing["spec"];
    w!(out, "Name:\t{}\n", s(ing, "/metadata/name"));
    write_map(&mut out, "", "Labels", &ing["metadata"]["labels"]);
    w!(out, "Namespace:\t{}\n", s(ing, "/metadata/namespace"));
    let mut addresses: Vec<&str> = ing["status"]["loadBalancer"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| match s(i, "/ip") {
            "" => s(i, "/hostname"),
            ip => ip,
        })
        .filter(|a| !a.is_empty())
        .collect();
    crate::sort::sort(&mut addresses);
    addresses.dedup();
    w!(out, "Address:\t{}\n", addresses.join(","));
    w!(
        out,
        "Ingress Class:\t{}\n",
        spec["ingressClassName"].as_str().unwrap_or("<none>")
    );
    let default = match spec.get("defaultBackend") {
        Some(b) => backend(b, services, slices),
        None => "<default>".into(),
    };
    w!(out, "Default backend:\t{default}\n");
    if let Some(tls) = spec["tls"].as_array().filter(|t| !t.is_empty()) {
        out.push_str("TLS:\n");
        for t in tls {
            let hosts = strings(&t["hosts"]).join(",");
            match s(t, "/secretName") {
                "" => w!(out, "  SNI routes {hosts}\n"),
                secret => w!(out, "  {secret} terminates {hosts}\n"),
            }
        }
    }
    out.push_str("Rules:\n  Host\tPath\tBackends\n  ----\t----\t--------\n");
    let mut count = 0;
    for rule in spec["rules"].as_array().into_iter().flatten() {
        let Some(paths) = rule["http"]["paths"].as_array() else {
            continue;
        };
        count += 1;
        let host = match s(rule, "/host") {
            "" => "*",
            h => h,
        };
        w!(out, "  {host}\t\n");
        for p in paths {
            w!(
                out,
                "    \t{} \t{}\n",
                s(p, "/path"),
                backend(&p["backend"], services, slices)
            );
        }
    }
    if count == 0 {
        w!(out, "  *\t*\t{default}\n");
    }
    write_annotations(&mut out, "Annotations", &ing["metadata"]["annotations"]);
    write_events(&mut out, ing, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe ingressclass`.
pub fn ingress_class(ic: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(ic, "/metadata/name"));
    write_map(&mut out, "", "Labels", &ic["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &ic["metadata"]["annotations"]);
    w!(out, "Controller:\t{}\n", s(ic, "/spec/controller"));
    if let Some(p) = ic["spec"]["parameters"].as_object() {
        out.push_str("Parameters:\n");
        if let Some(g) = p.get("apiGroup").and_then(Value::as_str) {
            w!(out, "  APIGroup:\t{g}\n");
        }
        w!(out, "  Kind:\t{}\n", s(&ic["spec"]["parameters"], "/kind"));
        w!(out, "  Name:\t{}\n", s(&ic["spec"]["parameters"], "/name"));
    }
    write_events(&mut out, ic, events, now);
    tabwriter::align(&out, 0, 2)
}

fn peers(out: &mut String, rules: &Value, peers_key: &str, direction: &str, label: &str) {
    let Some(rules) = rules.as_array().filter(|r| !r.is_empty()) else {
        w!(
            out,
            "    <none> (Selected pods are isolated for {direction} connectivity)\n"
        );
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        match rule["ports"].as_array().filter(|p| !p.is_empty()) {
            None => out.push_str("    To Port: <any> (traffic allowed to all ports)\n"),
            Some(ports) => {
                for p in ports {
                    let proto = p["protocol"].as_str().unwrap_or("TCP");
                    let port = match &p["port"] {
                        Value::Null => "<nil>".to_string(),
                        v => int_or_string(v),
                    };
                    match p["endPort"].as_i64() {
                        Some(end) => w!(out, "    To Port Range: {port}-{end}/{proto}\n"),
                        None => w!(out, "    To Port: {port}/{proto}\n"),
                    }
                }
            }
        }
        match rule[peers_key].as_array().filter(|p| !p.is_empty()) {
            None => {
                let what = if peers_key == "from" {
                    "From: <any> (traffic not restricted by source)"
                } else {
                    "To: <any> (traffic not restricted by destination)"
                };
                w!(out, "    {what}\n");
            }
            Some(list) => {
                for peer in list {
                    w!(out, "    {label}:\n");
                    let (pods, nss) = (&peer["podSelector"], &peer["namespaceSelector"]);
                    if pods.is_object() && nss.is_object() {
                        w!(out, "      NamespaceSelector: {}\n", label_selector(nss));
                        w!(out, "      PodSelector: {}\n", label_selector(pods));
                    } else if pods.is_object() {
                        w!(out, "      PodSelector: {}\n", label_selector(pods));
                    } else if nss.is_object() {
                        w!(out, "      NamespaceSelector: {}\n", label_selector(nss));
                    } else if let Some(block) = peer.get("ipBlock") {
                        w!(out, "      IPBlock:\n");
                        w!(out, "        CIDR: {}\n", s(block, "/cidr"));
                        w!(
                            out,
                            "        Except: {}\n",
                            strings(&block["except"]).join(", ")
                        );
                    }
                }
            }
        }
        if i != rules.len() - 1 {
            out.push_str("    ----------\n");
        }
    }
}

/// A time as Go's `time.Time.String()` prints it (in UTC).
fn go_time(t: Millis) -> String {
    let c = crate::time::civil(t.div_euclid(1000));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} +0000 UTC",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `kubectl describe networkpolicy`.
pub fn network_policy(np: &Value) -> String {
    let mut out = String::new();
    let spec = &np["spec"];
    w!(out, "Name:\t{}\n", s(np, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(np, "/metadata/namespace"));
    w!(
        out,
        "Created on:\t{}\n",
        go_time(time_of(&np["metadata"]["creationTimestamp"]).unwrap_or(super::GO_ZERO_TIME))
    );
    write_map(&mut out, "", "Labels", &np["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &np["metadata"]["annotations"]);
    out.push_str("Spec:\n  PodSelector: ");
    let sel = &spec["podSelector"];
    let empty = sel["matchLabels"].as_object().is_none_or(|m| m.is_empty())
        && sel["matchExpressions"]
            .as_array()
            .is_none_or(|m| m.is_empty());
    if empty {
        out.push_str("    <none> (Allowing the specific traffic to all pods in this namespace)\n");
    } else {
        w!(out, "    {}\n", label_selector(sel));
    }
    let types = strings(&spec["policyTypes"]);
    if types.contains(&"Ingress") {
        out.push_str("  Allowing ingress traffic:\n");
        peers(&mut out, &spec["ingress"], "from", "ingress", "From");
    } else {
        out.push_str("  Not affecting ingress traffic\n");
    }
    if types.contains(&"Egress") {
        out.push_str("  Allowing egress traffic:\n");
        peers(&mut out, &spec["egress"], "to", "egress", "To");
    } else {
        out.push_str("  Not affecting egress traffic\n");
    }
    let types = if types.is_empty() {
        "<none>".to_string()
    } else {
        types.join(", ")
    };
    w!(out, "  Policy Types: {types}\n");
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe endpoints`.
pub fn endpoints(ep: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(ep, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(ep, "/metadata/namespace"));
    write_map(&mut out, "", "Labels", &ep["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &ep["metadata"]["annotations"]);
    out.push_str("Subsets:\n");
    for subset in ep["subsets"].as_array().into_iter().flatten() {
        for (label, key) in [
            ("Addresses", "addresses"),
            ("NotReadyAddresses", "notReadyAddresses"),
        ] {
            let ips: Vec<&str> = subset[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| s(a, "/ip"))
                .collect();
            let ips = ips.join(",");
            w!(
                out,
                "  {label}:\t{}\n",
                if ips.is_empty() {
                    "<none>"
                } else {
                    ips.as_str()
                }
            );
        }
        if let Some(ports) = subset["ports"].as_array().filter(|p| !p.is_empty()) {
            out.push_str("  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n");
            for p in ports {
                let name = match s(p, "/name") {
                    "" => "<unset>",
                    n => n,
                };
                w!(
                    out,
                    "    {name}\t{}\t{}\n",
                    p["port"].as_i64().unwrap_or(0),
                    s(p, "/protocol")
                );
            }
        }
        out.push('\n');
    }
    write_events(&mut out, ep, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe endpointslice`.
pub fn endpoint_slice(eps: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(eps, "/metadata/name"));
    w!(out, "Namespace:\t{}\n", s(eps, "/metadata/namespace"));
    write_map(&mut out, "", "Labels", &eps["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &eps["metadata"]["annotations"]);
    w!(out, "AddressType:\t{}\n", s(eps, "/addressType"));
    match eps["ports"].as_array().filter(|p| !p.is_empty()) {
        None => out.push_str("Ports: <unset>\n"),
        Some(ports) => {
            out.push_str("Ports:\n  Name\tPort\tProtocol\n  ----\t----\t--------\n");
            for p in ports {
                let name = match s(p, "/name") {
                    "" => "<unset>",
                    n => n,
                };
                let port = p["port"]
                    .as_i64()
                    .map_or("<unset>".to_string(), |n| n.to_string());
                w!(out, "  {name}\t{port}\t{}\n", s(p, "/protocol"));
            }
        }
    }
    match eps["endpoints"].as_array().filter(|e| !e.is_empty()) {
        None => out.push_str("Endpoints: <none>\n"),
        Some(list) => {
            out.push_str("Endpoints:\n");
            for ep in list {
                let addrs = strings(&ep["addresses"]).join(", ");
                w!(
                    out,
                    "  - Addresses:\t{}\n",
                    if addrs.is_empty() {
                        "<none>"
                    } else {
                        addrs.as_str()
                    }
                );
                let ready = ep["conditions"]["ready"]
                    .as_bool()
                    .map_or("<unset>".to_string(), |b| b.to_string());
                w!(out, "    Conditions:\n      Ready:\t{ready}\n");
                w!(
                    out,
                    "    Hostname:\t{}\n",
                    ep["hostname"].as_str().unwrap_or("<unset>")
                );
                if ep["targetRef"].is_object() {
                    w!(
                        out,
                        "    TargetRef:\t{}/{}\n",
                        s(ep, "/targetRef/kind"),
                        s(ep, "/targetRef/name")
                    );
                }
                w!(
                    out,
                    "    NodeName:\t{}\n",
                    ep["nodeName"].as_str().unwrap_or("<unset>")
                );
                w!(
                    out,
                    "    Zone:\t{}\n",
                    ep["zone"].as_str().unwrap_or("<unset>")
                );
            }
        }
    }
    write_events(&mut out, eps, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe servicecidr`.
pub fn service_cidr(sc: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(sc, "/metadata/name"));
    write_map(&mut out, "", "Labels", &sc["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &sc["metadata"]["annotations"]);
    w!(
        out,
        "CIDRs:\t{}\n",
        strings(&sc["spec"]["cidrs"]).join(", ")
    );
    if let Some(conds) = sc["status"]["conditions"]
        .as_array()
        .filter(|c| !c.is_empty())
    {
        out.push_str("Status:\n");
        transition_conditions(&mut out, conds);
    }
    write_events(&mut out, sc, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe ipaddress`.
pub fn ip_address(ip: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    w!(out, "Name:\t{}\n", s(ip, "/metadata/name"));
    write_map(&mut out, "", "Labels", &ip["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &ip["metadata"]["annotations"]);
    if let Some(r) = ip["spec"].get("parentRef") {
        out.push_str("Parent Reference:\n");
        for (label, key) in [
            ("Group", "group"),
            ("Resource", "resource"),
            ("Namespace", "namespace"),
            ("Name", "name"),
        ] {
            w!(out, "  {label}:\t{}\n", s(r, &format!("/{key}")));
        }
    }
    write_events(&mut out, ip, events, now);
    tabwriter::align(&out, 0, 2)
}
