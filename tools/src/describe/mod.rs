//! `kubectl describe`'s describers, laid out as kubectl's are (prefix writer levels,
//! tab-aligned blocks, an Events table at the end): pods, nodes, namespaces and services
//! here, the other kinds in the modules below. kubectl gathers what each one needs into a
//! [`Request`]; [`describe`] picks the describer.

/// `write!` to a String, whose writes cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}

mod data;
mod generic;
mod network;
mod pod_template;
mod policy;
mod rbac;
mod storage;
mod workloads;
use data::{config_map, secret, service_account};
use generic::generic;
use network::{
    endpoint_slice, endpoints, ingress, ingress_class, ip_address, network_policy, service_cidr,
};
use policy::{
    horizontal_pod_autoscaler, limit_range, pod_disruption_budget, priority_class, resource_quota,
};
use rbac::{role, role_binding};
use storage::{
    csi_node, persistent_volume, persistent_volume_claim, storage_class, volume_attributes_class,
};
use workloads::{
    cron_job, daemon_set, deployment, job, replica_set, replication_controller, stateful_set,
    PodCounts,
};

use serde::{Deserialize, Serialize};

use crate::value::strings;
use serde_json::Value;

use crate::age::human;
use crate::labels::node_roles;
use crate::quantity;
use crate::tabwriter;
use crate::time::{civil, Millis, MONTHS, WEEKDAYS};

/// One object to describe, with what its describer looks up beside it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Request {
    pub group: String,
    pub kind: String,
    pub object: Value,
    /// The events about the object; None where describe shows no Events section.
    pub events: Option<Vec<Value>>,
    /// Now, in Unix milliseconds.
    pub now: Millis,
    #[serde(default)]
    pub related: Related,
}

/// What describers show beside their object, each filled only for the kinds that use it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Related {
    /// A node's pods, a controller's selected pods.
    #[serde(default)]
    pub pods: Vec<Value>,
    #[serde(default)]
    pub quotas: Vec<Value>,
    #[serde(default)]
    pub limit_ranges: Vec<Value>,
    /// A Service's or an Ingress's endpoint slices.
    #[serde(default)]
    pub slices: Vec<Value>,
    #[serde(default)]
    pub services: Vec<Value>,
    /// The ReplicaSets a Deployment controls.
    #[serde(default)]
    pub replica_sets: Vec<Value>,
    /// A node's Lease, or why it could not be read.
    #[serde(default)]
    pub lease: Option<Value>,
    #[serde(default)]
    pub lease_error: String,
    /// The pods that use a PersistentVolumeClaim.
    #[serde(default)]
    pub users: Vec<String>,
}

/// `kubectl describe` of one object.
pub fn describe(r: &Request) -> String {
    let (t, events, now, rel) = (&r.object, r.events.as_deref(), r.now, &r.related);
    let counts = || PodCounts::of(&rel.pods, s(t, "/metadata/uid"));
    match (r.group.as_str(), r.kind.as_str()) {
        ("", "Pod") => pod(t, events, now),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => role(t),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => role_binding(t),
        ("", "ConfigMap") => config_map(t, events, now),
        ("", "Secret") => secret(t),
        ("", "ServiceAccount") => service_account(t, events, now),
        ("", "Namespace") => namespace(t, &rel.quotas, &rel.limit_ranges),
        ("", "Service") => service(t, &rel.slices, events, now),
        ("", "Node") => {
            let lease = rel.lease.as_ref().ok_or(rel.lease_error.as_str());
            node(t, lease, &rel.pods, events, now)
        }
        ("apps", "Deployment") => deployment(t, &rel.replica_sets, events, now),
        ("apps", "ReplicaSet") => replica_set(t, counts(), events, now),
        ("", "ReplicationController") => replication_controller(t, counts(), events, now),
        ("apps", "DaemonSet") => daemon_set(t, counts(), events, now),
        ("apps", "StatefulSet") => stateful_set(t, counts(), events, now),
        ("batch", "Job") => job(t, events, now),
        ("batch", "CronJob") => cron_job(t, events, now),
        ("", "PersistentVolume") => persistent_volume(t, events, now),
        ("", "PersistentVolumeClaim") => persistent_volume_claim(t, &rel.users, events, now),
        ("storage.k8s.io", "StorageClass") => storage_class(t, events, now),
        ("storage.k8s.io", "VolumeAttributesClass") => volume_attributes_class(t, events, now),
        ("storage.k8s.io", "CSINode") => csi_node(t, events, now),
        ("networking.k8s.io", "Ingress") => ingress(t, &rel.services, &rel.slices, events, now),
        ("networking.k8s.io", "IngressClass") => ingress_class(t, events, now),
        ("networking.k8s.io", "NetworkPolicy") => network_policy(t),
        ("networking.k8s.io", "ServiceCIDR") => service_cidr(t, events, now),
        ("networking.k8s.io", "IPAddress") => ip_address(t, events, now),
        ("", "Endpoints") => endpoints(t, events, now),
        ("discovery.k8s.io", "EndpointSlice") => endpoint_slice(t, events, now),
        ("", "ResourceQuota") => resource_quota(t),
        ("", "LimitRange") => limit_range(t),
        ("policy", "PodDisruptionBudget") => pod_disruption_budget(t, events, now),
        ("scheduling.k8s.io", "PriorityClass") => priority_class(t, events, now),
        ("autoscaling", "HorizontalPodAutoscaler") => horizontal_pod_autoscaler(t, events, now),
        _ => generic(t, events, now),
    }
}

/// [`describe`] as the browser's second module serves it: a [`Request`] in JSON in, the
/// description out.
/// A pod template as kubectl's DescribePodTemplate writes it, without aligning it.
pub fn template(t: &serde_json::Value) -> String {
    let mut out = String::new();
    pod_template::pod_template(&mut out, t);
    out
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Go's zero `time.Time` (the first of January of year 1) in Unix milliseconds: what
/// kubectl prints for a time an object leaves out.
pub const GO_ZERO_TIME: Millis = -62_135_596_800_000;

/// An RFC 3339 timestamp as Unix milliseconds.
pub fn time_of(v: &Value) -> Option<Millis> {
    let t: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
        serde_json::from_value(v.clone()).ok()?;
    Some(t.0.as_millisecond())
}

/// RFC 1123 with numeric zone, as describe prints times: `Mon, 05 Jan 2026 08:12:00 +0000`.
pub fn rfc1123z(t: Millis) -> String {
    let c = civil(t.div_euclid(1000));
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[c.weekday as usize],
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// Writes `key=value` maps the way describe does: first on the key's line, the rest
/// indented under it.
fn write_map(out: &mut String, prefix: &str, label: &str, map: &Value) {
    match map.as_object() {
        Some(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort(&mut keys);
            for (i, k) in keys.iter().enumerate() {
                let v = m[*k].as_str().unwrap_or("");
                if i == 0 {
                    out.push_str(&format!("{prefix}{label}:\t{k}={v}\n"));
                } else {
                    out.push_str(&format!("{prefix}\t{k}={v}\n"));
                }
            }
        }
        _ => out.push_str(&format!("{prefix}{label}:\t<none>\n")),
    }
}

/// A `Conditions:` table with transition times (namespaces, service CIDRs).
fn transition_conditions(out: &mut String, conds: &[Value]) {
    out.push_str("Conditions:\n  Type\tStatus\tLastTransitionTime\tReason\tMessage\n  ----\t------\t------------------\t------\t-------\n");
    for c in conds {
        w!(
            out,
            "  {}\t{}\t{}\t{}\t{}\n",
            s(c, "/type"),
            s(c, "/status"),
            rfc1123z(time_of(&c["lastTransitionTime"]).unwrap_or(GO_ZERO_TIME)),
            s(c, "/reason"),
            s(c, "/message")
        );
    }
}

/// A map as `labels.FormatLabels` writes it: `k=v` pairs sorted and joined by commas,
/// `<none>` when empty.
fn format_labels(map: &Value) -> String {
    let pairs: Vec<String> = map
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    if pairs.is_empty() {
        "<none>".into()
    } else {
        pairs.join(",")
    }
}

/// Annotations as describe prints them (`key: value`, sorted, without kubectl's own
/// last-applied configuration); long or multi-line values go on lines of their own.
fn write_annotations(out: &mut String, title: &str, map: &Value) {
    const MAX: usize = 140;
    let mut m = map.as_object().cloned().unwrap_or_default();
    m.remove("kubectl.kubernetes.io/last-applied-configuration");
    if m.is_empty() {
        out.push_str(&format!("{title}:\t<none>\n"));
        return;
    }
    for (i, (k, v)) in m.iter().enumerate() {
        let label = if i == 0 {
            format!("{title}:")
        } else {
            String::new()
        };
        let value = v.as_str().unwrap_or("");
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + k.len() + 2 > MAX || value.contains('\n') {
            out.push_str(&format!("{label}\t{k}:\n"));
            for line in value.split('\n') {
                let short = match line.char_indices().nth(MAX - 2) {
                    Some((at, _)) => format!("{}...", &line[..at]),
                    None => line.to_string(),
                };
                out.push_str(&format!("\t  {short}\n"));
            }
        } else {
            out.push_str(&format!("{label}\t{k}: {value}\n"));
        }
    }
}

/// `Kind/name` of the object's controller, from its owner references.
fn controlled_by(obj: &Value) -> Option<String> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .map(|r| format!("{}/{}", s(r, "/kind"), s(r, "/name")))
}

/// The Events section: the events about `obj` (nothing at all with `--show-events=false`).
fn write_events(out: &mut String, obj: &Value, events: Option<&[Value]>, now: Millis) {
    let Some(events) = events else {
        return;
    };
    let mut events = events_for(events, obj);
    if events.is_empty() {
        out.push_str("Events:\t<none>\n");
        return;
    }
    // Oldest last-seen first, by Go's (unstable) sort as kubectl sorts them.
    let last_seen = |e: &Value| time_of(&e["lastTimestamp"]).unwrap_or(i64::MIN);
    crate::gosort::sort(&mut events, |a, b| last_seen(a) < last_seen(b));
    out.push_str(
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n",
    );
    let since = |v: &Value| time_of(v).map_or("<unknown>".to_string(), |t| human(now - t));
    for e in &events {
        let first = if e["eventTime"].is_string() {
            since(&e["eventTime"])
        } else {
            since(&e["firstTimestamp"])
        };
        let count = e["count"].as_i64().unwrap_or(0);
        let age = if e["series"].is_object() {
            format!(
                "{} (x{} over {first})",
                since(&e["series"]["lastObservedTime"]),
                e["series"]["count"].as_i64().unwrap_or(0)
            )
        } else if count > 1 {
            format!("{} (x{count} over {first})", since(&e["lastTimestamp"]))
        } else {
            first
        };
        let from = match s(e, "/source/component") {
            "" => s(e, "/reportingComponent").to_string(),
            c => c.to_string(),
        };
        let mut message = s(e, "/message").trim().to_string();
        if !s(e, "/involvedObject/fieldPath").is_empty() {
            message = format!("{}: {message}", s(e, "/involvedObject/fieldPath"));
        }
        out.push_str(&format!(
            "  {}\t{}\t{age}\t{from}\t{message}\n",
            s(e, "/type"),
            s(e, "/reason"),
        ));
    }
}

/// The events about one object: pods by uid; nodes by kind and name, as
/// kubectl looks them up (the kubelet records a node's name as its uid).
fn events_for(events: &[Value], obj: &Value) -> Vec<Value> {
    let (kind, name, uid) = (
        s(obj, "/kind"),
        s(obj, "/metadata/name"),
        s(obj, "/metadata/uid"),
    );
    events
        .iter()
        .filter(|e| {
            if kind == "Node" {
                s(e, "/involvedObject/kind") == "Node" && s(e, "/involvedObject/name") == name
            } else {
                s(e, "/involvedObject/uid") == uid
            }
        })
        .cloned()
        .collect()
}

/// `kubectl describe pod`.
pub fn pod(pod: &Value, events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &pod["spec"];
    let status = &pod["status"];
    out.push_str(&format!("Name:\t{}\n", s(pod, "/metadata/name")));
    out.push_str(&format!("Namespace:\t{}\n", s(pod, "/metadata/namespace")));
    out.push_str(&format!(
        "Priority:\t{}\n",
        spec["priority"].as_i64().unwrap_or(0)
    ));
    if !s(spec, "/priorityClassName").is_empty() {
        out.push_str(&format!(
            "Priority Class Name:\t{}\n",
            s(spec, "/priorityClassName")
        ));
    }
    out.push_str(&format!(
        "Service Account:\t{}\n",
        s(spec, "/serviceAccountName")
    ));
    let node = s(spec, "/nodeName");
    if node.is_empty() {
        out.push_str("Node:\t<none>\n");
    } else {
        out.push_str(&format!("Node:\t{node}/{}\n", s(status, "/hostIP")));
    }
    if let Some(t) = time_of(&status["startTime"]) {
        out.push_str(&format!("Start Time:\t{}\n", rfc1123z(t)));
    }
    write_map(&mut out, "", "Labels", &pod["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &pod["metadata"]["annotations"]);
    if let Some(t) = time_of(&pod["metadata"]["deletionTimestamp"]) {
        let grace = pod["metadata"]["deletionGracePeriodSeconds"]
            .as_i64()
            .unwrap_or(0);
        out.push_str(&format!(
            "Status:\tTerminating (lasts {})\n",
            human(now - (t - grace * 1000))
        ));
        out.push_str(&format!("Termination Grace Period:\t{grace}s\n"));
    } else {
        out.push_str(&format!("Status:\t{}\n", s(status, "/phase")));
    }
    if !s(status, "/reason").is_empty() {
        out.push_str(&format!("Reason:\t{}\n", s(status, "/reason")));
    }
    if !s(status, "/message").is_empty() {
        out.push_str(&format!("Message:\t{}\n", s(status, "/message")));
    }
    let seccomp = &pod["spec"]["securityContext"]["seccompProfile"];
    if seccomp.is_object() {
        out.push_str(&format!("SeccompProfile:\t{}\n", s(seccomp, "/type")));
        if seccomp["type"] == "Localhost" {
            let profile = s(seccomp, "/localhostProfile");
            out.push_str(&format!("LocalhostProfile:\t{profile}\n"));
        }
    }
    out.push_str(&format!("IP:\t{}\n", s(status, "/podIP")));
    match status["podIPs"].as_array().filter(|a| !a.is_empty()) {
        Some(ips) => {
            out.push_str("IPs:\n");
            for ip in ips {
                out.push_str(&format!("  IP:\t{}\n", s(ip, "/ip")));
            }
        }
        None => out.push_str("IPs:\t<none>\n"),
    }
    if let Some(c) = controlled_by(pod) {
        out.push_str(&format!("Controlled By:\t{c}\n"));
    }
    if !s(status, "/nominatedNodeName").is_empty() {
        out.push_str(&format!(
            "NominatedNodeName:\t{}\n",
            s(status, "/nominatedNodeName")
        ));
    }
    if spec["resources"].is_object() {
        out.push_str("Resources:\n");
        pod_template::resources(&mut out, &spec["resources"], "  ");
    }
    if spec["initContainers"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        pod_template::containers(
            &mut out,
            "Init Containers",
            &spec["initContainers"],
            &status["initContainerStatuses"],
            Some(pod),
            "",
        );
    }
    pod_template::containers(
        &mut out,
        "Containers",
        &spec["containers"],
        &status["containerStatuses"],
        Some(pod),
        "",
    );
    if spec["ephemeralContainers"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        pod_template::containers(
            &mut out,
            "Ephemeral Containers",
            &spec["ephemeralContainers"],
            &status["ephemeralContainerStatuses"],
            Some(pod),
            "",
        );
    }
    if let Some(gates) = spec["readinessGates"].as_array().filter(|a| !a.is_empty()) {
        out.push_str("Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let kind = s(g, "/conditionType");
            let found = status["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| s(c, "/type") == kind));
            let st = found.map_or("<none>", |c| s(c, "/status"));
            out.push_str(&format!("  {kind} \t{st} \n"));
        }
    }
    if let Some(conds) = status["conditions"].as_array().filter(|a| !a.is_empty()) {
        out.push_str("Conditions:\n  Type\tStatus\n");
        for c in conds {
            out.push_str(&format!("  {} \t{} \n", s(c, "/type"), s(c, "/status")));
        }
    }
    pod_template::volumes(&mut out, &spec["volumes"], "");
    out.push_str(&format!("QoS Class:\t{}\n", s(status, "/qosClass")));
    write_map(&mut out, "", "Node-Selectors", &spec["nodeSelector"]);
    pod_template::tolerations(&mut out, "Tolerations", &spec["tolerations"]);
    pod_template::spread_constraints(&mut out, &spec["topologySpreadConstraints"], "");
    write_events(&mut out, pod, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe node`.
/// `lease` is the node's Lease in kube-node-lease, or the error reading it.
pub fn node(
    node: &Value,
    lease: Result<&Value, &str>,
    pods: &[Value],
    events: Option<&[Value]>,
    now: Millis,
) -> String {
    let mut out = String::new();
    let status = &node["status"];
    out.push_str(&format!("Name:\t{}\n", s(node, "/metadata/name")));
    out.push_str(&format!("Roles:\t{}\n", node_roles(node)));
    write_map(&mut out, "", "Labels", &node["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &node["metadata"]["annotations"]);
    if let Some(t) = time_of(&node["metadata"]["creationTimestamp"]) {
        out.push_str(&format!("CreationTimestamp:\t{}\n", rfc1123z(t)));
    }
    let mut taints = node["spec"]["taints"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Sorted by effect, then key, as the describer sorts them.
    crate::sort::by_key(&mut taints, |t| {
        format!("{},{}", s(t, "/effect"), s(t, "/key"))
    });
    if taints.is_empty() {
        out.push_str("Taints:\t<none>\n");
    } else {
        for (i, t) in taints.iter().enumerate() {
            let label = if i == 0 { "Taints:" } else { "" };
            let value = if s(t, "/value").is_empty() {
                String::new()
            } else {
                format!("={}", s(t, "/value"))
            };
            out.push_str(&format!(
                "{label}\t{}{value}:{}\n",
                s(t, "/key"),
                s(t, "/effect")
            ));
        }
    }
    out.push_str(&format!(
        "Unschedulable:\t{}\n",
        node["spec"]["unschedulable"].as_bool().unwrap_or(false)
    ));
    match lease {
        Ok(lease) => {
            let time = |f: &str| time_of(&lease["spec"][f]).map_or("<unset>".into(), rfc1123z);
            out.push_str(&format!(
                "Lease:\n  HolderIdentity:\t{}\n  AcquireTime:\t{}\n  RenewTime:\t{}\n",
                lease["spec"]["holderIdentity"]
                    .as_str()
                    .unwrap_or("<unset>"),
                time("acquireTime"),
                time("renewTime"),
            ));
        }
        Err(e) => out.push_str(&format!("Lease:\tFailed to get lease: {e}\n")),
    }
    out.push_str("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n  ----\t------\t-----------------\t------------------\t------\t-------\n");
    for c in status["conditions"].as_array().into_iter().flatten() {
        let hb = time_of(&c["lastHeartbeatTime"]).map_or(String::new(), rfc1123z);
        let tr = time_of(&c["lastTransitionTime"]).map_or(String::new(), rfc1123z);
        out.push_str(&format!(
            "  {}\t{}\t{hb}\t{tr}\t{}\t{}\n",
            s(c, "/type"),
            s(c, "/status"),
            s(c, "/reason"),
            s(c, "/message")
        ));
    }
    out.push_str("Addresses:\n");
    for a in status["addresses"].as_array().into_iter().flatten() {
        out.push_str(&format!("  {}:\t{}\n", s(a, "/type"), s(a, "/address")));
    }
    for (label, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        out.push_str(&format!("{label}:\n"));
        if let Some(m) = status[key].as_object() {
            for (k, v) in m {
                out.push_str(&format!("  {k}:\t{}\n", v.as_str().unwrap_or("")));
            }
        }
    }
    let info = &status["nodeInfo"];
    out.push_str("System Info:\n");
    for (label, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        out.push_str(&format!("  {label}:\t{}\n", s(info, &format!("/{key}"))));
    }
    out.push_str(&format!("PodCIDR:\t{}\n", s(node, "/spec/podCIDR")));
    out.push_str("PodCIDRs:\t");
    out.push_str(&strings(&node["spec"]["podCIDRs"]).join(","));
    out.push('\n');
    let active: Vec<&Value> = pods
        .iter()
        .filter(|p| !matches!(s(p, "/status/phase"), "Succeeded" | "Failed"))
        .collect();
    out.push_str(&format!(
        "Non-terminated Pods:\t({} in total)\n",
        active.len()
    ));
    out.push_str("  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n  ---------\t----\t------------\t----------\t---------------\t-------------\t---\n");
    let alloc = |k: &str| {
        status["allocatable"][k]
            .as_str()
            .and_then(quantity::parse)
            .unwrap_or(0)
    };
    // "750m (37%)": an amount and its share of the node's allocatable.
    let cell = |v: i128, res: &str| {
        let total = alloc(res);
        let pct = if total > 0 {
            v.saturating_mul(100) / total
        } else {
            0
        };
        let amount = if res == "cpu" {
            quantity::format_cpu(v)
        } else {
            quantity::format_memory(v)
        };
        format!("{amount} ({pct}%)")
    };
    // Requests and limits of cpu and memory, per pod and in total.
    let columns = [
        ("requests", "cpu"),
        ("limits", "cpu"),
        ("requests", "memory"),
        ("limits", "memory"),
    ];
    let mut totals = [0i128; 4];
    for p in &active {
        let mut cells = vec![];
        for (i, (kind, res)) in columns.iter().enumerate() {
            let v = quantity::pod_total(p, kind, res);
            totals[i] = totals[i].saturating_add(v);
            cells.push(cell(v, res));
        }
        let age =
            time_of(&p["metadata"]["creationTimestamp"]).map_or(String::new(), |t| human(now - t));
        out.push_str(&format!(
            "  {}\t{}\t{}\t{age}\n",
            s(p, "/metadata/namespace"),
            s(p, "/metadata/name"),
            cells.join("\t")
        ));
    }
    out.push_str("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource\tRequests\tLimits\n  --------\t--------\t------\n");
    out.push_str(&format!(
        "  cpu\t{}\t{}\n",
        cell(totals[0], "cpu"),
        cell(totals[1], "cpu")
    ));
    out.push_str(&format!(
        "  memory\t{}\t{}\n",
        cell(totals[2], "memory"),
        cell(totals[3], "memory")
    ));
    for r in ["ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi"] {
        out.push_str(&format!("  {r}\t0 (0%)\t0 (0%)\n"));
    }
    write_events(&mut out, node, events, now);
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe namespace`: status, then its resource quotas and limit ranges.
pub fn namespace(ns: &Value, quotas: &[Value], limit_ranges: &[Value]) -> String {
    let mut out = String::new();
    out.push_str(&format!("Name:\t{}\n", s(ns, "/metadata/name")));
    write_map(&mut out, "", "Labels", &ns["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &ns["metadata"]["annotations"]);
    out.push_str(&format!("Status:\t{}\n", s(ns, "/status/phase")));
    if let Some(conds) = ns["status"]["conditions"]
        .as_array()
        .filter(|c| !c.is_empty())
    {
        transition_conditions(&mut out, conds);
    }
    out.push('\n');
    if quotas.is_empty() {
        out.push_str("No resource quota.\n");
    } else {
        out.push_str("Resource Quotas\n");
        let mut quotas: Vec<&Value> = quotas.iter().collect();
        crate::sort::by(&mut quotas, |a, b| {
            s(a, "/metadata/name").cmp(s(b, "/metadata/name"))
        });
        for q in quotas {
            out.push_str(&format!("  Name:\t{}\n", s(q, "/metadata/name")));
            policy::quota_scopes(&mut out, q, "  ", "* ");
            out.push_str("  Resource\tUsed\tHard\n  --------\t---\t---\n");
            let hard = q["status"]["hard"].as_object().cloned().unwrap_or_default();
            for (resource, quantity) in &hard {
                let used = q["status"]["used"][resource].as_str().unwrap_or("0");
                out.push_str(&format!(
                    "  {resource}\t{used}\t{}\n",
                    quantity.as_str().unwrap_or("")
                ));
            }
        }
    }
    out.push('\n');
    if limit_ranges.is_empty() {
        out.push_str("No LimitRange resource.\n");
    } else {
        out.push_str("Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
        out.push_str(
            " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
        );
        for lr in limit_ranges {
            policy::limit_rows(&mut out, lr, " ");
        }
    }
    tabwriter::align(&out, 0, 2)
}

/// `kubectl describe service`.
pub fn service(svc: &Value, slices: &[Value], events: Option<&[Value]>, now: Millis) -> String {
    let mut out = String::new();
    let spec = &svc["spec"];
    out.push_str(&format!("Name:\t{}\n", s(svc, "/metadata/name")));
    out.push_str(&format!("Namespace:\t{}\n", s(svc, "/metadata/namespace")));
    write_map(&mut out, "", "Labels", &svc["metadata"]["labels"]);
    write_annotations(&mut out, "Annotations", &svc["metadata"]["annotations"]);
    let selector = spec["selector"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<none>".into());
    out.push_str(&format!("Selector:\t{selector}\n"));
    out.push_str(&format!("Type:\t{}\n", s(spec, "/type")));
    if let Some(policy) = spec["ipFamilyPolicy"].as_str() {
        out.push_str(&format!("IP Family Policy:\t{policy}\n"));
    }
    let list = |v: &Value| -> Option<String> {
        let items: Vec<&str> = v.as_array()?.iter().filter_map(Value::as_str).collect();
        (!items.is_empty()).then(|| items.join(","))
    };
    out.push_str(&format!(
        "IP Families:\t{}\n",
        list(&spec["ipFamilies"]).unwrap_or_else(|| "<none>".into())
    ));
    out.push_str(&format!("IP:\t{}\n", s(spec, "/clusterIP")));
    out.push_str(&format!(
        "IPs:\t{}\n",
        list(&spec["clusterIPs"]).unwrap_or_else(|| "<none>".into())
    ));
    if let Some(ips) = list(&spec["externalIPs"]) {
        out.push_str(&format!("External IPs:\t{ips}\n"));
    }
    if let Some(name) = spec["externalName"].as_str().filter(|n| !n.is_empty()) {
        out.push_str(&format!("External Name:\t{name}\n"));
    }
    for port in spec["ports"].as_array().into_iter().flatten() {
        let name = port["name"].as_str().filter(|n| !n.is_empty());
        let protocol = port["protocol"].as_str().unwrap_or("TCP");
        out.push_str(&format!(
            "Port:\t{}\t{}/{protocol}\n",
            name.unwrap_or("<unset>"),
            port["port"]
        ));
        let target = match &port["targetPort"] {
            Value::String(t) => t.clone(),
            Value::Null => port["port"].to_string(),
            other => other.to_string(),
        };
        out.push_str(&format!("TargetPort:\t{target}/{protocol}\n"));
        if let Some(node_port) = port["nodePort"].as_i64().filter(|n| *n != 0) {
            out.push_str(&format!(
                "NodePort:\t{}\t{node_port}/{protocol}\n",
                name.unwrap_or("<unset>")
            ));
        }
        out.push_str(&format!(
            "Endpoints:\t{}\n",
            network::endpoints_of(slices, Some(name.unwrap_or("")))
        ));
    }
    out.push_str(&format!(
        "Session Affinity:\t{}\n",
        s(spec, "/sessionAffinity")
    ));
    if let Some(p) = spec["externalTrafficPolicy"]
        .as_str()
        .filter(|p| !p.is_empty())
    {
        out.push_str(&format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = spec["internalTrafficPolicy"].as_str() {
        out.push_str(&format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(port) = spec["healthCheckNodePort"].as_i64().filter(|p| *p != 0) {
        out.push_str(&format!("HealthCheck NodePort:\t{port}\n"));
    }
    write_events(&mut out, svc, events, now);
    tabwriter::align(&out, 0, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let epoch = 1_767_600_000_000;
        assert_eq!(rfc1123z(epoch), "Mon, 05 Jan 2026 08:00:00 +0000");
        assert_eq!(
            rfc1123z(epoch + 86_400_000 * 60),
            "Fri, 06 Mar 2026 08:00:00 +0000"
        );
        assert_eq!(rfc1123z(GO_ZERO_TIME), "Mon, 01 Jan 0001 00:00:00 +0000");
    }
}
