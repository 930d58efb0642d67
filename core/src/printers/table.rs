//! kubectl's default table columns per kind (the server-side table printers of
//! pkg/printers/internalversion), rendered through the tabwriter.

pub use kubarium_tools::labels::node_roles;
use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::age::human;
use super::jsonpath;
use super::tabwriter;
use crate::apiserver::conversion;
use crate::apiserver::resources::Resource;
use crate::clock::{from_time, Millis, SECOND};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// One of a CRD version's additionalPrinterColumns.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterColumn {
    pub name: String,
    pub type_: String,
    pub path: Option<jsonpath::Path>,
    pub priority: i64,
}

/// The printer columns a CRD gives `version` of its resource.
pub fn printer_columns(crd: &Value, version: &str) -> Vec<PrinterColumn> {
    let versions = crd["spec"]["versions"].as_array().into_iter().flatten();
    let Some(v) = versions.into_iter().find(|v| v["name"] == version) else {
        return vec![];
    };
    v["additionalPrinterColumns"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| PrinterColumn {
            name: s(c, "/name").to_uppercase(),
            type_: s(c, "/type").to_string(),
            path: jsonpath::Path::parse(s(c, "/jsonPath")).ok(),
            priority: c["priority"].as_i64().unwrap_or(0),
        })
        .collect()
}

/// A custom resource's cell for `column`, as the API server's table convertor fills it
/// (a missing value, or one of the wrong type, prints blank).
fn custom_cell(obj: &Value, column: &PrinterColumn, now: Millis) -> String {
    let Some(v) = column
        .path
        .as_ref()
        .and_then(|p| p.find(obj).first().copied())
    else {
        return String::new();
    };
    match (column.type_.as_str(), v) {
        (_, Value::Null) => String::new(),
        ("date", Value::String(_)) => serde_json::from_value::<Time>(v.clone())
            .map_or_else(|_| "<invalid>".into(), |t| human(now - from_time(&t))),
        ("integer", Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map_or_else(String::new, |i| i.to_string()),
        ("number", Value::Number(n)) => super::go_number(n),
        ("boolean", Value::Bool(b)) => b.to_string(),
        ("string", Value::String(s)) => s.clone(),
        ("string", other) => other.to_string(),
        _ => String::new(),
    }
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// An API timestamp field, or `None` if it is missing.
fn time(v: &Value, pointer: &str) -> Option<Time> {
    crate::apiserver::decode::typed(v.pointer(pointer)?.clone()).ok()
}

/// Milliseconds since an API timestamp field, or `None` if it is missing.
fn since(v: &Value, pointer: &str, now: Millis) -> Option<Millis> {
    Some(now - from_time(&time(v, pointer)?))
}

fn age(v: &Value, now: Millis) -> String {
    since(v, "/metadata/creationTimestamp", now).map_or("<unknown>".into(), human)
}

/// Pod STATUS, READY and RESTARTS, as kubectl's printPod computes them.
pub fn pod_status(pod: &Value, now: Millis) -> (String, String, String) {
    let status = &pod["status"];
    let total = pod["spec"]["containers"].as_array().map_or(0, Vec::len);
    let mut reason = s(status, "/phase").to_string();
    if !s(status, "/reason").is_empty() {
        reason = s(status, "/reason").to_string();
    }
    if pod["spec"]["schedulingGates"]
        .as_array()
        .is_some_and(|g| !g.is_empty())
    {
        reason = "SchedulingGated".into();
    }
    let mut restarts = 0;
    let mut last_restart: Option<Millis> = None;
    // What restartable init containers (sidecars) add: kept once the pod is initialized.
    let mut sidecar_restarts = 0;
    let mut sidecar_last: Option<Millis> = None;
    let latest = |last: &mut Option<Millis>, c: &Value| {
        if let Some(ago) = since(c, "/lastState/terminated/finishedAt", now) {
            *last = Some(last.map_or(ago, |l: Millis| l.min(ago)));
        }
    };
    let init_specs = pod["spec"]["initContainers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let restartable = |name: &Value| {
        init_specs
            .iter()
            .any(|c| c["name"] == *name && c["restartPolicy"] == "Always")
    };
    let total = total
        + init_specs
            .iter()
            .filter(|c| c["restartPolicy"] == "Always")
            .count();
    let mut ready = 0;
    let mut initializing = false;
    let init_statuses = status["initContainerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (i, c) in init_statuses.iter().enumerate() {
        let count = c["restartCount"].as_i64().unwrap_or(0);
        restarts += count;
        latest(&mut last_restart, c);
        let sidecar = restartable(&c["name"]);
        if sidecar {
            sidecar_restarts += count;
            latest(&mut sidecar_last, c);
        }
        let term = &c["state"]["terminated"];
        let waiting = s(c, "/state/waiting/reason");
        if term.is_object() && term["exitCode"].as_i64() == Some(0) {
            continue;
        }
        if sidecar && c["started"] == true {
            if c["ready"] == true {
                ready += 1;
            }
            continue;
        }
        reason = if term.is_object() {
            let r = s(term, "/reason");
            if r.is_empty() {
                match term["signal"].as_i64() {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                }
            } else {
                format!("Init:{r}")
            }
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }
    let condition = |type_: &str| {
        status["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == type_ && c["status"] == "True")
        })
    };
    if !initializing || condition("Initialized") {
        restarts = sidecar_restarts;
        last_restart = sidecar_last;
        let mut has_running = false;
        let mut error_reason = String::new();
        let statuses = status["containerStatuses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for c in statuses.iter().rev() {
            restarts += c["restartCount"].as_i64().unwrap_or(0);
            latest(&mut last_restart, c);
            let waiting = s(c, "/state/waiting/reason");
            let term = &c["state"]["terminated"];
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if term.is_object() {
                reason = if !s(term, "/reason").is_empty() {
                    s(term, "/reason").to_string()
                } else {
                    match term["signal"].as_i64() {
                        Some(sig) if sig != 0 => format!("Signal:{sig}"),
                        _ => format!("ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                    }
                };
                if term["exitCode"].as_i64().unwrap_or(0) != 0 {
                    error_reason = reason.clone();
                }
            } else if c["ready"] == true && c["state"]["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" {
            if has_running && condition("Ready") {
                reason = "Running".into();
            } else if !error_reason.is_empty() {
                reason = error_reason;
            } else if has_running {
                reason = "NotReady".into();
            }
        }
    }
    let phase = s(status, "/phase");
    if !pod["metadata"]["deletionTimestamp"].is_null() {
        if s(status, "/reason") == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let restarts = match last_restart {
        Some(ago) if restarts > 0 => format!("{restarts} ({} ago)", human(ago)),
        _ => restarts.to_string(),
    };
    (reason, format!("{ready}/{total}"), restarts)
}

/// A node's STATUS column (`Ready`, `NotReady`, `Ready,SchedulingDisabled`).
pub fn node_status(node: &Value) -> String {
    let ready = node["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"));
    let mut parts = vec![match ready {
        Some(c) if c["status"] == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }
    .to_string()];
    if node["spec"]["unschedulable"] == true {
        parts.push("SchedulingDisabled".into());
    }
    parts.join(",")
}

fn service_ports(svc: &Value) -> String {
    let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    if ports.is_empty() {
        return "<none>".into();
    }
    ports
        .iter()
        .map(|p| {
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            match p["nodePort"].as_i64() {
                Some(np) if np > 0 => format!("{}:{np}/{proto}", p["port"]),
                _ => format!("{}/{proto}", p["port"]),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn map_pairs(v: &Value) -> String {
    match v.as_object() {
        Some(m) if !m.is_empty() => {
            let mut pairs: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            crate::sort::sort(&mut pairs);
            pairs.join(",")
        }
        _ => "<none>".into(),
    }
}

/// An event's LAST SEEN age.
pub fn event_last_seen(ev: &Value, now: Millis) -> String {
    since(ev, "/series/lastObservedTime", now)
        .or_else(|| since(ev, "/lastTimestamp", now))
        .or_else(|| since(ev, "/eventTime", now))
        .map_or("<unknown>".into(), human)
}

/// A list field, empty when missing.
fn arr<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An integer field, 0 when missing (Go's zero value).
fn int(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// How many entries a list or map field has.
fn count(v: &Value, pointer: &str) -> usize {
    match v.pointer(pointer) {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(m)) => m.len(),
        _ => 0,
    }
}

/// A field the Go type holds through a pointer: `None` when missing or null.
fn opt<'a>(v: &'a Value, pointer: &str) -> Option<&'a Value> {
    v.pointer(pointer).filter(|x| !x.is_null())
}

fn or(x: &str, placeholder: &str) -> String {
    if x.is_empty() { placeholder } else { x }.to_string()
}

/// A boolean cell as the table prints Go's `bool`: `true` / `false`.
fn flag(v: &Value, pointer: &str, default: bool) -> String {
    v.pointer(pointer)
        .and_then(Value::as_bool)
        .unwrap_or(default)
        .to_string()
}

/// printBoolPtr: `True`, `False` or `<unset>`.
fn bool_ptr(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer).and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    }
    .into()
}

/// A quantity as the object writes it; the zero quantity (`0`) when missing.
fn quantity(v: &Value) -> String {
    match v {
        Value::String(q) => q.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".into(),
    }
}

/// An IntOrString field, `N/A` when unset (the PodDisruptionBudget cells).
fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(x) => x.clone(),
        Value::Number(n) => n.to_string(),
        _ => "N/A".into(),
    }
}

/// The default table's CREATED AT: the creation time in RFC 3339, UTC.
fn created_at(v: &Value) -> String {
    time(v, "/metadata/creationTimestamp").map_or("0001-01-01T00:00:00Z".into(), |t| {
        t.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    })
}

/// layoutContainerCells: the pod spec's container names and images, each joined with `,`.
fn containers(pod_spec: &Value) -> [String; 2] {
    let cs = arr(pod_spec, "/containers");
    let join = |field: &str| {
        cs.iter()
            .map(|c| c[field].as_str().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(",")
    };
    [join("name"), join("image")]
}

/// metav1.LabelSelectorAsSelector(sel).String(): one requirement per label and
/// expression, sorted by key; `None` for an operator it does not know.
fn selector(sel: &Value) -> Option<String> {
    let mut reqs: Vec<(&str, String)> = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), format!("{k}={}", v.as_str().unwrap_or(""))))
        .collect();
    for e in arr(sel, "/matchExpressions") {
        let key = s(e, "/key");
        let mut values: Vec<&str> = arr(e, "/values").iter().filter_map(Value::as_str).collect();
        crate::sort::sort(&mut values);
        let text = match s(e, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        };
        reqs.push((key, text));
    }
    crate::sort::by(&mut reqs, |a, b| a.0.cmp(b.0));
    Some(
        reqs.into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// metav1.FormatLabelSelector: the selector, `<none>` when it has no requirements.
fn format_selector(sel: &Value) -> String {
    match selector(sel) {
        None => "<error>".into(),
        Some(x) => or(&x, "<none>"),
    }
}

/// A LabelSelector's generated (protobuf) `String()`, which a ParamRef's selector prints as.
fn selector_struct(sel: &Value) -> String {
    let mut labels: Vec<(&String, &Value)> = sel["matchLabels"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    crate::sort::by(&mut labels, |a, b| a.0.cmp(b.0));
    let labels: String = labels
        .iter()
        .map(|(k, v)| format!("{k}: {},", v.as_str().unwrap_or("")))
        .collect();
    let exprs: String = arr(sel, "/matchExpressions")
        .iter()
        .map(|e| {
            let values: Vec<&str> = arr(e, "/values").iter().filter_map(Value::as_str).collect();
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                s(e, "/key"),
                s(e, "/operator"),
                values.join(" ")
            )
        })
        .collect();
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},\
         MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}"
    )
}

/// listWithMoreString: up to `max` items, then how many more; `<unset>` when empty.
fn list_with_more(list: &[String], total: usize, max: usize) -> String {
    let ret = list.join(",");
    if total > max {
        format!("{ret} + {} more...", total - max)
    } else {
        or(&ret, "<unset>")
    }
}

fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// formatEndpoints: the first three `ip:port` pairs, and how many more.
fn endpoints(obj: &Value) -> String {
    let subsets = arr(obj, "/subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    let (mut list, mut more, mut total) = (Vec::new(), false, 0);
    for ss in subsets {
        let addrs = arr(ss, "/addresses");
        let ports = arr(ss, "/ports");
        // Headless services may have no ports: addresses alone.
        let ports: Vec<Option<i64>> = if ports.is_empty() {
            vec![None]
        } else {
            ports.iter().map(|p| Some(int(p, "/port"))).collect()
        };
        for port in ports {
            total += addrs.len();
            for a in addrs {
                if list.len() == 3 {
                    more = true;
                    break;
                }
                let ip = s(a, "/ip");
                list.push(port.map_or(ip.to_string(), |p| join_host_port(ip, p)));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", total - 3)
    } else {
        ret
    }
}

/// An EndpointSlice's PORTS (formatDiscoveryPorts) and ENDPOINTS (formatDiscoveryEndpoints).
fn slice_cells(obj: &Value) -> [String; 2] {
    let ports: Vec<String> = arr(obj, "/ports")
        .iter()
        .map(|p| match (opt(p, "/port"), opt(p, "/name")) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.as_str().unwrap_or("").to_string(),
            (None, None) => "*".into(),
        })
        .collect();
    let addrs: Vec<String> = arr(obj, "/endpoints")
        .iter()
        .flat_map(|e| arr(e, "/addresses"))
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect();
    [
        list_with_more(&ports[..ports.len().min(3)], ports.len(), 3),
        list_with_more(&addrs[..addrs.len().min(3)], addrs.len(), 3),
    ]
}

/// GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order.
fn access_modes(modes: &[Value]) -> String {
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| modes.iter().any(|x| x.as_str() == Some(m)))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// A volume's or claim's class: the beta annotation if present, else `storageClassName`.
fn volume_class(obj: &Value) -> String {
    match obj["metadata"]["annotations"].get("volume.beta.kubernetes.io/storage-class") {
        Some(c) => c.as_str().unwrap_or("").to_string(),
        None => s(obj, "/spec/storageClassName").to_string(),
    }
}

/// A pod-template controller's wide cells: containers, images, and the selector if any.
fn template_cells(pod_spec: &Value, sel: Option<String>) -> Vec<String> {
    let [names, images] = containers(pod_spec);
    let mut r = vec![names, images];
    r.extend(sel);
    r
}

/// printJob's STATUS.
fn job_status(job: &Value) -> &'static str {
    let is = |t: &str| {
        arr(job, "/status/conditions")
            .iter()
            .find(|c| c["type"] == t)
            .is_some_and(|c| c["status"] == "True")
    };
    if is("Complete") {
        "Complete"
    } else if is("Failed") {
        "Failed"
    } else if opt(job, "/metadata/deletionTimestamp").is_some() {
        "Terminating"
    } else if is("Suspended") {
        "Suspended"
    } else if is("FailureTarget") {
        "FailureTarget"
    } else if is("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

fn job_cells(job: &Value, now: Millis) -> Vec<String> {
    let succeeded = int(job, "/status/succeeded");
    let completions = match opt(job, "/spec/completions") {
        Some(c) => format!("{succeeded}/{}", c.as_i64().unwrap_or(0)),
        None => match int(job, "/spec/parallelism") {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = time(job, "/status/startTime").map(|t| from_time(&t));
    let end = time(job, "/status/completionTime").map_or(now, |t| from_time(&t));
    let duration = start.map_or(String::new(), |st| human(end - st));
    vec![job_status(job).into(), completions, duration]
}

fn cronjob_cells(cj: &Value, now: Millis) -> Vec<String> {
    let last = since(cj, "/status/lastScheduleTime", now).map_or("<none>".into(), human);
    vec![
        s(cj, "/spec/schedule").into(),
        opt(cj, "/spec/timeZone").map_or("<none>".into(), |z| z.as_str().unwrap_or("").into()),
        bool_ptr(cj, "/spec/suspend"),
        count(cj, "/status/active").to_string(),
        last,
    ]
}

/// formatHPAMetrics: each metric's current value against its target, two of them at most.
fn hpa_targets(hpa: &Value) -> String {
    let specs = arr(hpa, "/spec/metrics");
    if specs.is_empty() {
        return "<none>".into();
    }
    let statuses = arr(hpa, "/status/currentMetrics");
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| hpa_metric(spec, statuses.get(i).unwrap_or(&Value::Null)))
        .collect();
    if list.len() > 2 {
        format!("{} + {} more...", list[..2].join(", "), list.len() - 2)
    } else {
        list.join(", ")
    }
}

/// One metric of formatHPAMetrics. The status counts only if it is the one at the same
/// place and of the same kind; amounts read through Go pointers print `<nil>` when unset.
fn hpa_metric(spec: &Value, status: &Value) -> String {
    let ty = s(spec, "/type");
    let source = match ty {
        "External" => "external",
        "Pods" => "pods",
        "Object" => "object",
        "Resource" => "resource",
        "ContainerResource" => "containerResource",
        _ => return "<unknown type>".into(),
    };
    let target = &spec[source]["target"];
    let current = status.get(source).filter(|c| !c.is_null());
    let unknown = || "<unknown>".to_string();
    let amount = |v: &Value, p: &str| opt(v, p).map_or("<nil>".into(), quantity);
    let current_amount = |p: &str| current.map_or_else(unknown, |c| amount(c, p));
    let average = opt(target, "/averageValue").map(quantity);
    match (ty, average) {
        ("Pods", _) => format!(
            "{}/{}",
            current_amount("/current/averageValue"),
            amount(target, "/averageValue")
        ),
        ("External" | "Object", Some(avg)) => {
            let cur = current
                .and_then(|c| opt(c, "/current/averageValue"))
                .map_or_else(unknown, quantity);
            format!("{cur}/{avg} (avg)")
        }
        ("External" | "Object", None) => format!(
            "{}/{}",
            current_amount("/current/value"),
            amount(target, "/value")
        ),
        (_, Some(avg)) => format!(
            "{}: {}/{avg}",
            s(&spec[source], "/name"),
            current_amount("/current/averageValue")
        ),
        (_, None) => {
            let cur = current
                .and_then(|c| c.pointer("/current/averageUtilization"))
                .and_then(Value::as_i64)
                .map_or_else(unknown, |u| format!("{u}%"));
            let tgt = target["averageUtilization"]
                .as_i64()
                .map_or("<auto>".into(), |u| format!("{u}%"));
            format!("{}: {cur}/{tgt}", s(&spec[source], "/name"))
        }
    }
}

fn hpa_cells(hpa: &Value) -> Vec<String> {
    let reference = format!(
        "{}/{}",
        s(hpa, "/spec/scaleTargetRef/kind"),
        s(hpa, "/spec/scaleTargetRef/name")
    );
    let min = opt(hpa, "/spec/minReplicas").map_or("<unset>".into(), |m| m.to_string());
    vec![
        reference,
        hpa_targets(hpa),
        min,
        int(hpa, "/spec/maxReplicas").to_string(),
        int(hpa, "/status/currentReplicas").to_string(),
    ]
}

/// ResourceQuota REQUEST and LIMIT: `name: used/hard` per hard limit, sorted by name;
/// `limits.*` go to LIMIT, everything else to REQUEST.
fn quota_cells(quota: &Value) -> [String; 2] {
    let mut names: Vec<&String> = quota["status"]["hard"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    crate::sort::sort(&mut names);
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for name in names {
        let text = format!(
            "{name}: {}/{}",
            quantity(&quota["status"]["used"][name.as_str()]),
            quantity(&quota["status"]["hard"][name.as_str()])
        );
        match name.split_once('.') {
            Some(("limits", _)) => limit.push(text),
            _ => request.push(text),
        }
    }
    [request.join(", "), limit.join(", ")]
}

/// A ControllerRevision's CONTROLLER: `kind.group/name` of its controller.
fn revision_controller(obj: &Value) -> String {
    let Some(owner) = arr(obj, "/metadata/ownerReferences")
        .iter()
        .find(|o| o["controller"] == true)
    else {
        return "<none>".into();
    };
    let group = s(owner, "/apiVersion")
        .rsplit_once('/')
        .map_or("", |(g, _)| g);
    let (kind, name) = (s(owner, "/kind"), s(owner, "/name"));
    match (kind, group) {
        ("", "") => name.to_string(),
        (k, "") => format!("{}/{name}", k.to_lowercase()),
        (k, g) => format!("{}.{}/{name}", k.to_lowercase(), g.to_lowercase()),
    }
}

fn pv_row(pv: &Value, name: String, age: String) -> Vec<String> {
    let claim = opt(pv, "/spec/claimRef").map_or(String::new(), |c| {
        format!("{}/{}", s(c, "/namespace"), s(c, "/name"))
    });
    let mut r = vec![
        name,
        quantity(&pv["spec"]["capacity"]["storage"]),
        access_modes(arr(pv, "/spec/accessModes")),
        s(pv, "/spec/persistentVolumeReclaimPolicy").into(),
        phase(pv),
        claim,
        volume_class(pv),
        or(s(pv, "/spec/volumeAttributesClassName"), "<unset>"),
        s(pv, "/status/reason").into(),
        age,
    ];
    r.push(or(s(pv, "/spec/volumeMode"), "<unset>"));
    r
}

/// A volume's or claim's STATUS: its phase, or `Terminating` once deleted.
fn phase(obj: &Value) -> String {
    if opt(obj, "/metadata/deletionTimestamp").is_some() {
        "Terminating".into()
    } else {
        s(obj, "/status/phase").into()
    }
}

fn pvc_row(pvc: &Value, name: String, age: String) -> Vec<String> {
    let volume = s(pvc, "/spec/volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity(&pvc["status"]["capacity"]["storage"]),
            access_modes(arr(pvc, "/status/accessModes")),
        )
    };
    let mut r = vec![
        name,
        phase(pvc),
        volume.into(),
        capacity,
        modes,
        volume_class(pvc),
        or(s(pvc, "/spec/volumeAttributesClassName"), "<unset>"),
        age,
    ];
    r.push(or(s(pvc, "/spec/volumeMode"), "<unset>"));
    r
}

fn storage_class_row(sc: &Value, name: String) -> Vec<String> {
    let annotations = &sc["metadata"]["annotations"];
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| annotations[*a] == "true");
    vec![
        if default {
            format!("{name} (default)")
        } else {
            name
        },
        s(sc, "/provisioner").into(),
        or(s(sc, "/reclaimPolicy"), "Delete"),
        or(s(sc, "/volumeBindingMode"), "Immediate"),
        flag(sc, "/allowVolumeExpansion", false),
    ]
}

fn csi_driver_cells(d: &Value) -> Vec<String> {
    let tokens = opt(d, "/spec/tokenRequests").map_or("<unset>".into(), |_| {
        arr(d, "/spec/tokenRequests")
            .iter()
            .map(|r| s(r, "/audience"))
            .collect::<Vec<_>>()
            .join(",")
    });
    let modes: Vec<&str> = arr(d, "/spec/volumeLifecycleModes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    vec![
        flag(d, "/spec/attachRequired", true),
        flag(d, "/spec/podInfoOnMount", false),
        flag(d, "/spec/storageCapacity", false),
        tokens,
        flag(d, "/spec/requiresRepublish", false),
        or(&modes.join(","), "<none>"),
    ]
}

/// Ingress ADDRESS: the load balancer's IPs or hostnames, sorted (the server prints it
/// wide, so never clipped).
fn ingress_address(ing: &Value) -> String {
    let set: BTreeSet<String> = arr(ing, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| or(s(i, "/ip"), s(i, "/hostname")))
        .filter(|a| !a.is_empty())
        .collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// formatHosts: the first three rules' hosts, `*` when none names one.
fn ingress_hosts(ing: &Value) -> String {
    let rules = arr(ing, "/spec/rules");
    let hosts: Vec<&str> = rules
        .iter()
        .take(3)
        .map(|r| s(r, "/host"))
        .filter(|h| !h.is_empty())
        .collect();
    if hosts.is_empty() {
        "*".into()
    } else if rules.len() > 3 {
        format!("{} + {} more...", hosts.join(","), rules.len() - 3)
    } else {
        hosts.join(",")
    }
}

fn ingress_cells(ing: &Value) -> Vec<String> {
    let ports = if count(ing, "/spec/tls") > 0 {
        "80, 443"
    } else {
        "80"
    };
    vec![
        opt(ing, "/spec/ingressClassName")
            .map_or("<none>".into(), |c| c.as_str().unwrap_or("").into()),
        ingress_hosts(ing),
        ingress_address(ing),
        ports.into(),
    ]
}

fn ingress_class_parameters(ic: &Value) -> String {
    let Some(p) = opt(ic, "/spec/parameters") else {
        return "<none>".into();
    };
    let group =
        opt(p, "/apiGroup").map_or(String::new(), |g| format!(".{}", g.as_str().unwrap_or("")));
    format!("{}{group}/{}", s(p, "/kind"), s(p, "/name"))
}

/// rbac.SubjectsStrings: users, groups and `namespace/name` service accounts, each
/// joined with `, `.
fn binding_subjects(b: &Value) -> [String; 3] {
    let of = |kind: &str| {
        arr(b, "/subjects")
            .iter()
            .filter(|x| x["kind"] == kind)
            .map(|x| match kind {
                "ServiceAccount" => format!("{}/{}", s(x, "/namespace"), s(x, "/name")),
                _ => s(x, "/name").to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    [of("User"), of("Group"), of("ServiceAccount")]
}

/// A CertificateSigningRequest's CONDITION (extractCSRStatus).
fn csr_condition(csr: &Value) -> String {
    let has = |t: &str| {
        arr(csr, "/status/conditions")
            .iter()
            .any(|c| c["type"] == t)
    };
    let mut status = if has("Denied") {
        "Denied"
    } else if has("Approved") {
        "Approved"
    } else {
        "Pending"
    }
    .to_string();
    if has("Failed") {
        status.push_str(",Failed");
    }
    if !s(csr, "/status/certificate").is_empty() {
        status.push_str(",Issued");
    }
    status
}

fn csr_cells(csr: &Value, age: String) -> Vec<String> {
    let requested = opt(csr, "/spec/expirationSeconds")
        .and_then(Value::as_i64)
        .map_or("<none>".into(), |secs| human(secs * SECOND));
    vec![
        age,
        or(s(csr, "/spec/signerName"), "<none>"),
        s(csr, "/spec/username").into(),
        requested,
        csr_condition(csr),
    ]
}

/// An admission policy binding's PARAMREF.
fn param_ref(binding: &Value) -> String {
    let Some(pr) = opt(binding, "/spec/paramRef") else {
        return "<unset>".into();
    };
    match (s(pr, "/name"), s(pr, "/namespace")) {
        ("", _) => opt(pr, "/selector").map_or("<unset>".into(), selector_struct),
        // Whether the param is cluster-scoped can't be told here: no namespace prints `*`.
        (name, "") => format!("*/{name}"),
        (name, ns) => format!("{ns}/{name}"),
    }
}

/// An admission policy's PARAMKIND: `apiVersion/kind`.
fn param_kind(policy: &Value) -> String {
    opt(policy, "/spec/paramKind").map_or("<unset>".into(), |k| {
        format!("{}/{}", s(k, "/apiVersion"), s(k, "/kind"))
    })
}

const TEMPLATE_WIDE: [&str; 3] = ["CONTAINERS", "IMAGES", "SELECTOR"];

fn columns(kind: &str, wide: bool) -> Vec<&'static str> {
    if wide && kind == "Event" {
        return vec![
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME",
        ];
    }
    let mut c = match kind {
        "Pod" => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "Node" => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        "Namespace" => vec!["NAME", "STATUS", "AGE"],
        "Service" => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        "Event" => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        "ConfigMap" => vec!["NAME", "DATA", "AGE"],
        "Secret" => vec!["NAME", "TYPE", "DATA", "AGE"],
        "ServiceAccount" => vec!["NAME", "SECRETS", "AGE"],
        "Endpoints" => vec!["NAME", "ENDPOINTS", "AGE"],
        "EndpointSlice" => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        "ReplicationController" | "ReplicaSet" => {
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
        }
        "Deployment" => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        "DaemonSet" => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE",
        ],
        "StatefulSet" => vec!["NAME", "READY", "AGE"],
        "ControllerRevision" => vec!["NAME", "CONTROLLER", "REVISION", "AGE"],
        "Job" => vec!["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
        "CronJob" => vec![
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
        ],
        "HorizontalPodAutoscaler" => vec![
            "NAME",
            "REFERENCE",
            "TARGETS",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE",
        ],
        "PodDisruptionBudget" => vec![
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        "PriorityClass" => vec!["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
        "ResourceQuota" => vec!["NAME", "REQUEST", "LIMIT", "AGE"],
        // No printer upstream: the API server's default table.
        "LimitRange" | "Role" | "ClusterRole" | "CustomResourceDefinition" => {
            vec!["NAME", "CREATED AT"]
        }
        "PersistentVolume" => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ],
        "PersistentVolumeClaim" => vec![
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        "StorageClass" => vec![
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE",
        ],
        "VolumeAttachment" => vec!["NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"],
        "CSIDriver" => vec![
            "NAME",
            "ATTACHREQUIRED",
            "PODINFOONMOUNT",
            "STORAGECAPACITY",
            "TOKENREQUESTS",
            "REQUIRESREPUBLISH",
            "MODES",
            "AGE",
        ],
        "CSINode" => vec!["NAME", "DRIVERS", "AGE"],
        "NetworkPolicy" => vec!["NAME", "POD-SELECTOR", "AGE"],
        "Ingress" => vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        "IngressClass" => vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        "RoleBinding" | "ClusterRoleBinding" => vec!["NAME", "ROLE", "AGE"],
        "CertificateSigningRequest" => vec![
            "NAME",
            "AGE",
            "SIGNERNAME",
            "REQUESTOR",
            "REQUESTEDDURATION",
            "CONDITION",
        ],
        "Lease" => vec!["NAME", "HOLDER", "AGE"],
        "ComponentStatus" => vec!["NAME", "STATUS", "MESSAGE", "ERROR"],
        "VolumeAttributesClass" => vec!["NAME", "DRIVERNAME", "AGE"],
        "APIService" => vec!["NAME", "SERVICE", "AVAILABLE", "AGE"],
        "CSIStorageCapacity" => vec!["NAME", "STORAGECLASSNAME", "CAPACITY"],
        "ServiceCIDR" => vec!["NAME", "CIDRS", "AGE"],
        // The server's table defines no AGE column here (its rows carry one kubectl drops).
        "IPAddress" => vec!["NAME", "PARENTREF"],
        "RuntimeClass" => vec!["NAME", "HANDLER", "AGE"],
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            vec!["NAME", "WEBHOOKS", "AGE"]
        }
        "ValidatingAdmissionPolicy" => vec!["NAME", "VALIDATIONS", "PARAMKIND", "AGE"],
        "MutatingAdmissionPolicy" => vec!["NAME", "MUTATIONS", "PARAMKIND", "AGE"],
        "ValidatingAdmissionPolicyBinding" | "MutatingAdmissionPolicyBinding" => {
            vec!["NAME", "POLICYNAME", "PARAMREF", "AGE"]
        }
        "PodTemplate" => vec!["NAME", "CONTAINERS", "IMAGES", "POD LABELS"],
        _ => vec!["NAME", "AGE"],
    };
    if wide {
        match kind {
            "Pod" => c.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
            "Node" => c.extend([
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ]),
            "Service" => c.push("SELECTOR"),
            "ReplicationController"
            | "ReplicaSet"
            | "Deployment"
            | "DaemonSet"
            | "Job"
            | "CronJob" => c.extend(TEMPLATE_WIDE),
            "StatefulSet" => c.extend(&TEMPLATE_WIDE[..2]),
            "PersistentVolume" | "PersistentVolumeClaim" => c.push("VOLUMEMODE"),
            "RoleBinding" | "ClusterRoleBinding" => {
                c.extend(["USERS", "GROUPS", "SERVICEACCOUNTS"])
            }
            _ => {}
        }
    }
    c
}

fn pod_row(obj: &Value, now: Millis, name: String) -> Vec<String> {
    let (status, ready, restarts) = pod_status(obj, now);
    let mut r = vec![name, ready, status, restarts, age(obj, now)];
    r.extend([
        or(s(obj, "/status/podIP"), "<none>"),
        or(s(obj, "/spec/nodeName"), "<none>"),
        or(s(obj, "/status/nominatedNodeName"), "<none>"),
        "<none>".into(),
    ]);
    r
}

fn node_row(obj: &Value, now: Millis, name: String) -> Vec<String> {
    let mut r = vec![
        name,
        node_status(obj),
        node_roles(obj),
        age(obj, now),
        s(obj, "/status/nodeInfo/kubeletVersion").to_string(),
    ];
    let addr = |t: &str| {
        obj["status"]["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["type"] == t))
            .and_then(|x| x["address"].as_str())
            .unwrap_or("<none>")
            .to_string()
    };
    r.extend([
        addr("InternalIP"),
        addr("ExternalIP"),
        s(obj, "/status/nodeInfo/osImage").to_string(),
        s(obj, "/status/nodeInfo/kernelVersion").to_string(),
        s(obj, "/status/nodeInfo/containerRuntimeVersion").to_string(),
    ]);
    r
}

fn service_row(obj: &Value, now: Millis, name: String) -> Vec<String> {
    let ty = s(obj, "/spec/type");
    let external = match ty {
        "LoadBalancer" => "<pending>".to_string(),
        "ExternalName" => s(obj, "/spec/externalName").to_string(),
        _ => "<none>".to_string(),
    };
    let mut r = vec![
        name,
        ty.to_string(),
        or(s(obj, "/spec/clusterIP"), "<none>"),
        external,
        service_ports(obj),
        age(obj, now),
    ];
    r.push(map_pairs(&obj["spec"]["selector"]));
    r
}

fn event_row(obj: &Value, now: Millis) -> Vec<String> {
    let object = format!(
        "{}/{}",
        s(obj, "/involvedObject/kind").to_ascii_lowercase(),
        s(obj, "/involvedObject/name")
    );
    let mut r = vec![
        event_last_seen(obj, now),
        s(obj, "/type").to_string(),
        s(obj, "/reason").to_string(),
        object,
    ];
    let source = match (s(obj, "/source/component"), s(obj, "/source/host")) {
        ("", _) => s(obj, "/reportingComponent").to_string(),
        (c, "") => c.to_string(),
        (c, h) => format!("{c}, {h}"),
    };
    let first = since(obj, "/firstTimestamp", now)
        .or_else(|| since(obj, "/eventTime", now))
        .map_or("<unknown>".into(), human);
    let count = obj["count"]
        .as_i64()
        .or_else(|| obj["series"]["count"].as_i64())
        .unwrap_or(1);
    r.extend([
        s(obj, "/involvedObject/fieldPath").to_string(),
        source,
        s(obj, "/message").to_string(),
        first,
        count.to_string(),
        s(obj, "/metadata/name").to_string(),
    ]);
    r
}

/// Cells between NAME and AGE for kinds whose row is `NAME ... AGE [wide...]`; `None`
/// for kinds laid out otherwise.
fn middle_cells(kind: &str, obj: &Value, now: Millis) -> Option<Vec<String>> {
    let n = |p: &str| int(obj, p).to_string();
    Some(match kind {
        "ConfigMap" => vec![(count(obj, "/data") + count(obj, "/binaryData")).to_string()],
        "Secret" => vec![s(obj, "/type").into(), count(obj, "/data").to_string()],
        "ServiceAccount" => vec![count(obj, "/secrets").to_string()],
        "Endpoints" => vec![endpoints(obj)],
        "EndpointSlice" => {
            let [ports, endpoints] = slice_cells(obj);
            vec![s(obj, "/addressType").into(), ports, endpoints]
        }
        "ReplicationController" | "ReplicaSet" => vec![
            n("/spec/replicas"),
            n("/status/replicas"),
            n("/status/readyReplicas"),
        ],
        "Deployment" => vec![
            format!("{}/{}", n("/status/readyReplicas"), n("/spec/replicas")),
            n("/status/updatedReplicas"),
            n("/status/availableReplicas"),
        ],
        "DaemonSet" => vec![
            n("/status/desiredNumberScheduled"),
            n("/status/currentNumberScheduled"),
            n("/status/numberReady"),
            n("/status/updatedNumberScheduled"),
            n("/status/numberAvailable"),
            map_pairs(&obj["spec"]["template"]["spec"]["nodeSelector"]),
        ],
        "StatefulSet" => vec![format!(
            "{}/{}",
            n("/status/readyReplicas"),
            n("/spec/replicas")
        )],
        "ControllerRevision" => vec![revision_controller(obj), n("/revision")],
        "Job" => job_cells(obj, now),
        "CronJob" => cronjob_cells(obj, now),
        "HorizontalPodAutoscaler" => hpa_cells(obj),
        "PodDisruptionBudget" => vec![
            int_or_string(&obj["spec"]["minAvailable"]),
            int_or_string(&obj["spec"]["maxUnavailable"]),
            n("/status/disruptionsAllowed"),
        ],
        "PriorityClass" => vec![n("/value"), flag(obj, "/globalDefault", false)],
        "ResourceQuota" => quota_cells(obj).into(),
        "VolumeAttachment" => vec![
            s(obj, "/spec/attacher").into(),
            s(obj, "/spec/source/persistentVolumeName").into(),
            s(obj, "/spec/nodeName").into(),
            flag(obj, "/status/attached", false),
        ],
        "CSIDriver" => csi_driver_cells(obj),
        "CSINode" => vec![count(obj, "/spec/drivers").to_string()],
        "NetworkPolicy" => vec![format_selector(&obj["spec"]["podSelector"])],
        "Ingress" => ingress_cells(obj),
        "IngressClass" => vec![
            s(obj, "/spec/controller").into(),
            ingress_class_parameters(obj),
        ],
        "RoleBinding" | "ClusterRoleBinding" => vec![format!(
            "{}/{}",
            s(obj, "/roleRef/kind"),
            s(obj, "/roleRef/name")
        )],
        "Lease" => vec![s(obj, "/spec/holderIdentity").into()],
        "VolumeAttributesClass" => vec![s(obj, "/driverName").into()],
        "APIService" => api_service_cells(obj),
        "ServiceCIDR" => {
            let cidrs = obj["spec"]["cidrs"].as_array().into_iter().flatten();
            vec![cidrs
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")]
        }
        "RuntimeClass" => vec![s(obj, "/handler").into()],
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            vec![count(obj, "/webhooks").to_string()]
        }
        "ValidatingAdmissionPolicy" => {
            vec![count(obj, "/spec/validations").to_string(), param_kind(obj)]
        }
        "MutatingAdmissionPolicy" => {
            vec![count(obj, "/spec/mutations").to_string(), param_kind(obj)]
        }
        "ValidatingAdmissionPolicyBinding" | "MutatingAdmissionPolicyBinding" => {
            vec![s(obj, "/spec/policyName").into(), param_ref(obj)]
        }
        _ => return None,
    })
}

/// Cells after AGE: the wide columns' (and PriorityClass's PREEMPTIONPOLICY).
fn wide_cells(kind: &str, obj: &Value) -> Vec<String> {
    let spec = &obj["spec"];
    match kind {
        "ReplicationController" => template_cells(
            &spec["template"]["spec"],
            Some(map_pairs(&spec["selector"])),
        ),
        "ReplicaSet" | "DaemonSet" | "Job" => template_cells(
            &spec["template"]["spec"],
            Some(format_selector(&spec["selector"])),
        ),
        "Deployment" => template_cells(
            &spec["template"]["spec"],
            Some(selector(&spec["selector"]).unwrap_or_else(|| "<invalid>".into())),
        ),
        "StatefulSet" => template_cells(&spec["template"]["spec"], None),
        "CronJob" => template_cells(
            &spec["jobTemplate"]["spec"]["template"]["spec"],
            Some(format_selector(&spec["jobTemplate"]["spec"]["selector"])),
        ),
        "RoleBinding" | "ClusterRoleBinding" => binding_subjects(obj).into(),
        "PriorityClass" => vec![s(obj, "/preemptionPolicy").into()],
        _ => Vec::new(),
    }
}

/// An IPAddress's parent as `resource.group/namespace/name`, lower-cased.
fn parent_ref(p: &Value) -> String {
    if !p.is_object() {
        return "<none>".into();
    }
    let mut out = match s(p, "/group") {
        "" => s(p, "/resource").to_lowercase(),
        g => format!("{}.{}", s(p, "/resource"), g).to_lowercase(),
    };
    for part in [s(p, "/namespace"), s(p, "/name")] {
        if !part.is_empty() {
            out.push('/');
            out.push_str(part);
        }
    }
    out
}

/// Every cell of a built-in kind's row, the wide ones included (the API server's
/// printers run with Wide set; kubectl hides the wide columns).
fn row(kind: &str, obj: &Value, now: Millis, name: String) -> Vec<String> {
    if let Some(middle) = middle_cells(kind, obj, now) {
        let mut r = vec![name];
        r.extend(middle);
        r.push(age(obj, now));
        r.extend(wide_cells(kind, obj));
        return r;
    }
    match kind {
        "IPAddress" => vec![name, parent_ref(&obj["spec"]["parentRef"])],
        "ComponentStatus" => component_status_row(obj, name),
        "CSIStorageCapacity" => {
            let capacity = obj["capacity"].as_str().unwrap_or("<unset>");
            vec![name, s(obj, "/storageClassName").into(), capacity.into()]
        }
        "Pod" => pod_row(obj, now, name),
        "Node" => node_row(obj, now, name),
        "Namespace" => vec![name, s(obj, "/status/phase").to_string(), age(obj, now)],
        "Service" => service_row(obj, now, name),
        "Event" => event_row(obj, now),
        "StorageClass" => {
            let mut r = storage_class_row(obj, name);
            r.push(age(obj, now));
            r
        }
        "PersistentVolume" => pv_row(obj, name, age(obj, now)),
        "PersistentVolumeClaim" => pvc_row(obj, name, age(obj, now)),
        "CertificateSigningRequest" => {
            let mut r = vec![name];
            r.extend(csr_cells(obj, age(obj, now)));
            r
        }
        "LimitRange" | "Role" | "ClusterRole" | "CustomResourceDefinition" => {
            vec![name, created_at(obj)]
        }
        "PodTemplate" => {
            let [names, images] = containers(&obj["template"]["spec"]);
            vec![
                name,
                names,
                images,
                map_pairs(&obj["template"]["metadata"]["labels"]),
            ]
        }
        _ => vec![name, age(obj, now)],
    }
}

/// What the rows of a server-side Table carry of their objects (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    /// Reads the `includeObject` parameter (Metadata when unset).
    pub fn parse(v: Option<&str>) -> Result<IncludeObject, String> {
        match v.unwrap_or("") {
            "" | "Metadata" => Ok(IncludeObject::Metadata),
            "None" => Ok(IncludeObject::None),
            "Object" => Ok(IncludeObject::Object),
            other => Err(format!(
                "includeObject: Unsupported value: \"{other}\": supported values: \"Metadata\", \"None\", \"Object\""
            )),
        }
    }
}

/// A server-side table's columns: name (as kubectl shows it), type and priority (1 for
/// the columns only `-o wide` shows).
fn column_definitions(resource: &Resource, custom: &[PrinterColumn]) -> Vec<(String, String, i64)> {
    let plain = |name: &str, priority| (name.to_string(), "string".to_string(), priority);
    if !resource.custom {
        let kind = if resource.group == "events.k8s.io" {
            "Event"
        } else {
            resource.kind
        };
        let narrow = columns(kind, false);
        return columns(kind, true)
            .into_iter()
            .map(|c| plain(c, i64::from(!narrow.contains(&c))))
            .collect();
    }
    if custom.is_empty() {
        return vec![plain("NAME", 0), ("AGE".into(), "date".into(), 0)];
    }
    std::iter::once(plain("NAME", 0))
        .chain(
            custom
                .iter()
                .map(|c| (c.name.clone(), c.type_.clone(), c.priority)),
        )
        .collect()
}

/// Every cell of an object's row, as the API server's table convertor fills it (always
/// with the wide columns; kubectl drops them unless `-o wide`).
fn cells(resource: &Resource, obj: &Value, now: Millis, custom: &[PrinterColumn]) -> Vec<String> {
    let name = s(obj, "/metadata/name").to_string();
    if !resource.custom {
        if resource.group == "events.k8s.io" {
            // events.k8s.io Events print with the core Event printer.
            return row("Event", &conversion::event_to_core(obj.clone()), now, name);
        }
        return row(resource.kind, obj, now, name);
    }
    if custom.is_empty() {
        return vec![name, age(obj, now)];
    }
    std::iter::once(name)
        .chain(custom.iter().map(|c| custom_cell(obj, c, now)))
        .collect()
}

/// One row of a server-side Table: the object's cells and what `include` asks of it
/// (copied from `obj`, which stays the caller's).
pub fn table_row(
    resource: &Resource,
    obj: &Value,
    now: Millis,
    custom: &[PrinterColumn],
    include: IncludeObject,
) -> Value {
    let cells: Vec<Value> = cells(resource, obj, now, custom)
        .into_iter()
        .map(Value::String)
        .collect();
    let mut row = Map::new();
    row.insert("cells".into(), Value::Array(cells));
    let object = match include {
        IncludeObject::None => None,
        IncludeObject::Object => Some(obj.clone()),
        IncludeObject::Metadata => {
            let mut partial = Map::new();
            partial.insert("kind".into(), "PartialObjectMetadata".into());
            partial.insert("apiVersion".into(), "meta.k8s.io/v1".into());
            partial.insert("metadata".into(), obj["metadata"].clone());
            Some(Value::Object(partial))
        }
    };
    if let Some(o) = object {
        row.insert("object".into(), o);
    }
    Value::Object(row)
}

/// The `meta.k8s.io` Table the API server answers `as=Table` with: the column
/// definitions (left out with `no_headers`, as watch events after the first do) and the
/// rows.
pub fn to_table(
    resource: &Resource,
    rows: Vec<Value>,
    custom: &[PrinterColumn],
    no_headers: bool,
) -> Value {
    let columns: Vec<Value> = if no_headers {
        vec![]
    } else {
        column_definitions(resource, custom)
            .into_iter()
            .map(|(name, type_, priority)| {
                let format = if name == "NAME" { "name" } else { "" };
                json!({"name": name, "type": type_, "format": format, "description": "", "priority": priority})
            })
            .collect()
    };
    let mut table = Map::new();
    table.insert("kind".into(), "Table".into());
    table.insert("apiVersion".into(), "meta.k8s.io/v1".into());
    table.insert("metadata".into(), json!({}));
    table.insert("columnDefinitions".into(), Value::Array(columns));
    table.insert("rows".into(), Value::Array(rows));
    Value::Object(table)
}

/// How kubectl prints a server's Table.
#[derive(Debug, Clone, Default)]
pub struct PrintOptions {
    pub wide: bool,
    pub with_namespace: bool,
    pub show_labels: bool,
    /// Print names as `kind/name` (several kinds, or `get all`).
    pub with_kind: bool,
    /// The `kind` of `kind/name` (kubectl's lower-case kind, with the group when not core).
    pub kind: String,
    pub no_headers: bool,
    /// `-L`: label keys shown as columns after the table's own.
    pub label_columns: Vec<String>,
}

/// Renders a server's Table as kubectl's printer does (already aligned): the columns of
/// priority 0 (all of them with `wide`), NAMESPACE first with `-A`, names as `kind/name`
/// when asked, LABELS last with `--show-labels`.
pub fn print_table(table: &Value, opts: &PrintOptions) -> String {
    tabwriter::align(&table_text(table, opts), 6, 3)
}

/// A server's Table as kubectl lays it out, cells separated by tabs, not yet aligned.
pub fn table_text(table: &Value, opts: &PrintOptions) -> String {
    let columns = arr(table, "/columnDefinitions");
    let shown: Vec<usize> = (0..columns.len())
        .filter(|i| opts.wide || columns[*i]["priority"].as_i64().unwrap_or(0) == 0)
        .collect();
    let mut text = String::new();
    if !opts.no_headers && !columns.is_empty() {
        let mut header: Vec<String> = vec![];
        if opts.with_namespace {
            header.push("NAMESPACE".into());
        }
        header.extend(
            shown
                .iter()
                .map(|i| s(&columns[*i], "/name").to_uppercase()),
        );
        for key in &opts.label_columns {
            let last = key.rsplit('/').next().unwrap_or(key);
            header.push(last.to_uppercase());
        }
        if opts.show_labels {
            header.push("LABELS".into());
        }
        text.push_str(&header.join("\t"));
        text.push('\n');
    }
    for row in arr(table, "/rows") {
        let all = arr(row, "/cells");
        let meta = &row["object"]["metadata"];
        let mut cells: Vec<String> = vec![];
        if opts.with_namespace {
            cells.push(s(meta, "/namespace").to_string());
        }
        for i in &shown {
            let cell = match all.get(*i) {
                // A cell shows up to its first line break, then `...`.
                Some(Value::String(s)) => match s.find(['\n', '\r', '\x0c']) {
                    Some(cut) => format!("{}...", &s[..cut]),
                    None => s.clone(),
                },
                Some(Value::Null) | None => "<nil>".into(),
                Some(v) => v.to_string(),
            };
            if opts.with_kind && columns[*i]["format"] == "name" {
                cells.push(format!("{}/{cell}", opts.kind));
            } else {
                cells.push(cell);
            }
        }
        for key in &opts.label_columns {
            let value = meta["labels"].get(key).and_then(Value::as_str);
            cells.push(value.unwrap_or("").to_string());
        }
        if opts.show_labels {
            cells.push(map_pairs(&meta["labels"]));
        }
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    text
}

/// A ComponentStatus row: its Healthy condition as STATUS, MESSAGE and ERROR.
fn component_status_row(obj: &Value, name: String) -> Vec<String> {
    let conditions = obj["conditions"].as_array().cloned().unwrap_or_default();
    let healthy = conditions.iter().find(|c| c["type"] == "Healthy");
    let status = match healthy.map(|c| &c["status"]) {
        Some(v) if v == "True" => "Healthy",
        Some(v) if v == "False" => "Unhealthy",
        _ => "Unknown",
    };
    let text = |f: &str| {
        healthy
            .and_then(|c| c[f].as_str())
            .unwrap_or("")
            .to_string()
    };
    vec![name, status.into(), text("message"), text("error")]
}

/// An APIService's SERVICE (`Local` or `namespace/name`) and AVAILABLE (`True`, or the
/// status with the reason: `False (MissingEndpoints)`).
fn api_service_cells(obj: &Value) -> Vec<String> {
    let service = match obj["spec"]["service"].as_object() {
        Some(svc) => format!(
            "{}/{}",
            svc.get("namespace").and_then(Value::as_str).unwrap_or(""),
            svc.get("name").and_then(Value::as_str).unwrap_or("")
        ),
        None => "Local".into(),
    };
    let available = obj["status"]["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Available"))
        .map_or("Unknown".to_string(), |c| {
            let status = c["status"].as_str().unwrap_or("Unknown");
            match c["reason"].as_str().filter(|_| status != "True") {
                Some(reason) => format!("{status} ({reason})"),
                None => status.to_string(),
            }
        });
    vec![service, available]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::MINUTE;
    use serde_json::json;

    /// Five minutes after every object's creation (the clock's epoch).
    const NOW: Millis = 5 * MINUTE;
    const CREATED: &str = "2026-01-05T08:00:00Z";

    fn resource(kind: &'static str, namespaced: bool) -> Resource {
        Resource {
            kind,
            plural: "",
            singular: "",
            short_names: vec![],
            categories: vec![],
            verbs: vec![],
            subresources: vec![],
            group: "",
            version: "v1",
            namespaced,
            custom: false,
        }
    }

    /// An object named `name`, created at the epoch, with `fields` merged in.
    fn obj(name: &str, fields: Value) -> Value {
        let mut o = json!({"metadata": {"name": name, "creationTimestamp": CREATED}});
        for (k, v) in fields.as_object().cloned().unwrap_or_default() {
            if k == "metadata" {
                for (mk, mv) in v.as_object().cloned().unwrap_or_default() {
                    o["metadata"][mk] = mv;
                }
            } else {
                o[k] = v;
            }
        }
        o
    }

    /// The server's Table for `objs`, printed as kubectl prints it.
    fn print(kind: &'static str, objs: &[Value], opts: &PrintOptions) -> String {
        let r = resource(kind, true);
        let rows = objs
            .iter()
            .map(|o| table_row(&r, o, NOW, &[], IncludeObject::Metadata))
            .collect();
        let t = to_table(&r, rows, &[], false);
        print_table(&t, opts)
    }

    fn render(kind: &'static str, objs: &[Value], wide: bool) -> String {
        let opts = PrintOptions {
            wide,
            ..Default::default()
        };
        print(kind, objs, &opts)
    }

    fn lines(l: &[&str]) -> String {
        l.iter().map(|x| format!("{x}\n")).collect()
    }

    fn deployment() -> Value {
        obj(
            "web",
            json!({
                "spec": {
                    "replicas": 3,
                    "selector": {
                        "matchLabels": {"app": "web"},
                        "matchExpressions": [
                            {"key": "tier", "operator": "In", "values": ["frontend", "backend"]}
                        ]
                    },
                    "template": {"spec": {"containers": [
                        {"name": "nginx", "image": "nginx:1.27"},
                        {"name": "sidecar", "image": "busybox:1.36"}
                    ]}}
                },
                "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
            }),
        )
    }

    #[test]
    fn deployment_default_and_wide() {
        assert_eq!(
            render("Deployment", &[deployment()], false),
            lines(&[
                "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
                "web    2/3     3            2           5m",
            ])
        );
        assert_eq!(
            render("Deployment", &[deployment()], true),
            lines(&[
                "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS      IMAGES                    SELECTOR",
                "web    2/3     3            2           5m    nginx,sidecar   nginx:1.27,busybox:1.36   app=web,tier in (backend,frontend)",
            ])
        );
    }

    #[test]
    fn secrets_with_namespace() {
        let mut tls = obj(
            "tls",
            json!({"type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}}),
        );
        tls["metadata"]["namespace"] = json!("kube-system");
        tls["metadata"]["creationTimestamp"] = json!("2026-01-03T08:00:00Z");
        let mut pass = obj(
            "db-pass",
            json!({"type": "Opaque", "data": {"user": "YQ==", "password": "Yg=="}}),
        );
        pass["metadata"]["namespace"] = json!("default");
        let opts = PrintOptions {
            with_namespace: true,
            ..Default::default()
        };
        assert_eq!(
            print("Secret", &[pass, tls], &opts),
            lines(&[
                "NAMESPACE     NAME      TYPE                DATA   AGE",
                "default       db-pass   Opaque              2      5m",
                "kube-system   tls       kubernetes.io/tls   2      2d",
            ])
        );
    }

    fn condition(t: &str) -> Value {
        json!({"conditions": [{"type": t, "status": "True"}]})
    }

    #[test]
    fn jobs_status_completions_duration() {
        let container = json!({"containers": [{"name": "pi", "image": "perl:5.34"}]});
        let pi = obj(
            "pi",
            json!({
                "spec": {
                    "completions": 1,
                    "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "abc"}},
                    "template": {"spec": container}
                },
                "status": {
                    "succeeded": 1,
                    "startTime": CREATED,
                    "completionTime": "2026-01-05T08:00:47Z",
                    "conditions": [
                        {"type": "SuccessCriteriaMet", "status": "True"},
                        {"type": "Complete", "status": "True"}
                    ]
                }
            }),
        );
        let batch = obj(
            "batch",
            json!({"spec": {"parallelism": 3}, "status": {"startTime": "2026-01-05T08:01:00Z", "active": 3}}),
        );
        let mut gated = obj(
            "gated",
            json!({"spec": {"completions": 2, "suspend": true}}),
        );
        gated["status"] = condition("Suspended");
        let mut quick = obj("quick", json!({"spec": {"completions": 5}}));
        quick["status"] = condition("SuccessCriteriaMet");
        quick["status"]["succeeded"] = json!(2);
        quick["status"]["startTime"] = json!("2026-01-05T08:02:00Z");
        assert_eq!(
            render("Job", &[pi.clone(), batch, gated, quick], false),
            lines(&[
                "NAME    STATUS               COMPLETIONS   DURATION   AGE",
                "pi      Complete             1/1           47s        5m",
                "batch   Running              0/1 of 3      4m         5m",
                "gated   Suspended            0/2                      5m",
                "quick   SuccessCriteriaMet   2/5           3m         5m",
            ])
        );
        assert_eq!(
            render("Job", &[pi], true),
            lines(&[
                "NAME   STATUS     COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES      SELECTOR",
                "pi     Complete   1/1           47s        5m    pi           perl:5.34   batch.kubernetes.io/controller-uid=abc",
            ])
        );
    }

    #[test]
    fn cronjobs() {
        let hello = obj(
            "hello",
            json!({
                "spec": {
                    "schedule": "*/1 * * * *",
                    "suspend": false,
                    "jobTemplate": {"spec": {"template": {"spec": {"containers": [
                        {"name": "hello", "image": "busybox:1.28"}
                    ]}}}}
                },
                "status": {"active": [{"name": "hello-1"}], "lastScheduleTime": "2026-01-05T08:04:00Z"}
            }),
        );
        let nightly = obj(
            "nightly",
            json!({"spec": {"schedule": "0 3 * * *", "timeZone": "Etc/UTC"}}),
        );
        assert_eq!(
            render("CronJob", &[hello.clone(), nightly], false),
            lines(&[
                "NAME      SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
                "hello     */1 * * * *   <none>     False     1        60s             5m",
                "nightly   0 3 * * *     Etc/UTC    <unset>   0        <none>          5m",
            ])
        );
        assert_eq!(
            render("CronJob", &[hello], true),
            lines(&[
                "NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE   CONTAINERS   IMAGES         SELECTOR",
                "hello   */1 * * * *   <none>     False     1        60s             5m    hello        busybox:1.28   <none>",
            ])
        );
    }

    #[test]
    fn ingresses_hosts_address_ports() {
        let web = obj(
            "web",
            json!({
                "spec": {
                    "ingressClassName": "nginx",
                    "rules": [{"host": "foo.example.com"}, {"host": "bar.example.com"}],
                    "tls": [{"hosts": ["foo.example.com"]}]
                },
                "status": {"loadBalancer": {"ingress": [
                    {"ip": "192.168.10.200"}, {"hostname": "lb.example.com"}
                ]}}
            }),
        );
        let catch_all = obj("catch-all", json!({"spec": {"rules": [{"http": {}}]}}));
        let hosts: Vec<Value> = ["a.io", "b.io", "c.io", "d.io", "e.io"]
            .iter()
            .map(|h| json!({ "host": h }))
            .collect();
        let many = obj("many", json!({"spec": {"rules": hosts}}));
        assert_eq!(
            render("Ingress", &[web.clone(), catch_all, many], false),
            lines(&[
                "NAME        CLASS    HOSTS                             ADDRESS                         PORTS     AGE",
                "web         nginx    foo.example.com,bar.example.com   192.168.10.200,lb.example.com   80, 443   5m",
                "catch-all   <none>   *                                                                 80        5m",
                "many        <none>   a.io,b.io,c.io + 2 more...                                        80        5m",
            ])
        );
        // -o wide adds no column; the server prints cells as wide, so the address is
        // never clipped.
        assert_eq!(
            render("Ingress", &[web], true),
            lines(&[
                "NAME   CLASS   HOSTS                             ADDRESS                         PORTS     AGE",
                "web    nginx   foo.example.com,bar.example.com   192.168.10.200,lb.example.com   80, 443   5m",
            ])
        );
    }

    #[test]
    fn rolebindings_wide_subjects() {
        let read = obj(
            "read-pods",
            json!({
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
                "subjects": [
                    {"kind": "User", "name": "jane"},
                    {"kind": "ServiceAccount", "name": "builder", "namespace": "default"},
                    {"kind": "Group", "name": "devs"},
                    {"kind": "User", "name": "bob"}
                ]
            }),
        );
        let empty = obj(
            "empty",
            json!({"roleRef": {"kind": "ClusterRole", "name": "view"}}),
        );
        assert_eq!(
            render("RoleBinding", &[read.clone(), empty], true),
            lines(&[
                "NAME        ROLE               AGE   USERS       GROUPS   SERVICEACCOUNTS",
                "read-pods   Role/pod-reader    5m    jane, bob   devs     default/builder",
                "empty       ClusterRole/view   5m                         ",
            ])
        );
        assert_eq!(
            render("ClusterRoleBinding", &[read], false),
            lines(&[
                "NAME        ROLE              AGE",
                "read-pods   Role/pod-reader   5m",
            ])
        );
    }

    #[test]
    fn persistent_volume_claims_and_volumes() {
        let data = obj(
            "data",
            json!({
                "spec": {
                    "volumeName": "pv-1",
                    "storageClassName": "standard",
                    "volumeMode": "Filesystem",
                    "resources": {"requests": {"storage": "5Gi"}}
                },
                "status": {"phase": "Bound", "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"]}
            }),
        );
        let pending = obj(
            "pending",
            json!({
                "metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "slow"}},
                "spec": {"resources": {"requests": {"storage": "1Gi"}}},
                "status": {"phase": "Pending"}
            }),
        );
        assert_eq!(
            render("PersistentVolumeClaim", &[data.clone(), pending.clone()], false),
            lines(&[
                "NAME      STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
                "data      Bound     pv-1     10Gi       RWO            standard       <unset>                 5m",
                "pending   Pending                                      slow           <unset>                 5m",
            ])
        );
        assert_eq!(
            render("PersistentVolumeClaim", &[data, pending], true),
            lines(&[
                "NAME      STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE",
                "data      Bound     pv-1     10Gi       RWO            standard       <unset>                 5m    Filesystem",
                "pending   Pending                                      slow           <unset>                 5m    <unset>",
            ])
        );
        let pv = obj(
            "pv-1",
            json!({
                "spec": {
                    "capacity": {"storage": "10Gi"},
                    "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                    "persistentVolumeReclaimPolicy": "Retain",
                    "claimRef": {"namespace": "default", "name": "data"},
                    "storageClassName": "standard"
                },
                "status": {"phase": "Bound"}
            }),
        );
        assert_eq!(
            render("PersistentVolume", &[pv], false),
            lines(&[
                "NAME   CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM          STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE",
                "pv-1   10Gi       RWO,RWX        Retain           Bound    default/data   standard       <unset>                          5m",
            ])
        );
    }

    #[test]
    fn storage_classes_mark_the_default() {
        let standard = obj(
            "standard",
            json!({
                "metadata": {"annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                "provisioner": "rancher.io/local-path",
                "reclaimPolicy": "Delete",
                "volumeBindingMode": "WaitForFirstConsumer"
            }),
        );
        let fast = obj(
            "fast",
            json!({"provisioner": "csi.example.com", "allowVolumeExpansion": true}),
        );
        assert_eq!(
            render("StorageClass", &[standard, fast], false),
            lines(&[
                "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE",
                "standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  5m",
                "fast                 csi.example.com         Delete          Immediate              true                   5m",
            ])
        );
    }

    #[test]
    fn horizontal_pod_autoscaler_targets() {
        let cpu = |target: i64| json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}});
        let web = obj(
            "web",
            json!({
                "spec": {
                    "scaleTargetRef": {"kind": "Deployment", "name": "web"},
                    "minReplicas": 1, "maxReplicas": 10, "metrics": [cpu(50)]
                },
                "status": {"currentReplicas": 2, "currentMetrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 23, "averageValue": "120m"}}}
                ]}
            }),
        );
        let multi = obj(
            "multi",
            json!({
                "spec": {
                    "scaleTargetRef": {"kind": "Deployment", "name": "api"},
                    "maxReplicas": 5,
                    "metrics": [
                        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "500Mi"}}},
                        {"type": "Pods", "pods": {"metric": {"name": "pps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}},
                        {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "Value", "value": "30"}}}
                    ]
                },
                "status": {"currentMetrics": [
                    {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "300Mi"}}}
                ]}
            }),
        );
        let fresh = obj(
            "fresh",
            json!({"spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": "web"},
                "minReplicas": 1, "maxReplicas": 3, "metrics": [cpu(80)]
            }}),
        );
        assert_eq!(
            render("HorizontalPodAutoscaler", &[web, multi, fresh], false),
            lines(&[
                "NAME    REFERENCE        TARGETS                                         MINPODS   MAXPODS   REPLICAS   AGE",
                "web     Deployment/web   cpu: 23%/50%                                    1         10        2          5m",
                "multi   Deployment/api   memory: 300Mi/500Mi, <unknown>/1k + 1 more...   <unset>   5         0          5m",
                "fresh   Deployment/web   cpu: <unknown>/80%                              1         3         0          5m",
            ])
        );
    }

    #[test]
    fn priority_class_policy_cell_always_filled() {
        let high = obj(
            "high",
            json!({"value": 1000000, "preemptionPolicy": "Never"}),
        );
        assert_eq!(
            render("PriorityClass", std::slice::from_ref(&high), false),
            lines(&[
                "NAME   VALUE     GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY",
                "high   1000000   false            5m    Never",
            ])
        );
        assert_eq!(
            render("PriorityClass", &[high], true),
            lines(&[
                "NAME   VALUE     GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY",
                "high   1000000   false            5m    Never",
            ])
        );
    }

    #[test]
    fn resource_quota_requests_and_limits() {
        let quota = obj(
            "compute",
            json!({"status": {
                "hard": {"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "pods": "10"},
                "used": {"requests.cpu": "500m", "pods": "3"}
            }}),
        );
        assert_eq!(
            render("ResourceQuota", &[quota], false),
            lines(&[
                "NAME      REQUEST                                                    LIMIT             AGE",
                "compute   pods: 3/10, requests.cpu: 500m/1, requests.memory: 0/1Gi   limits.cpu: 0/2   5m",
            ])
        );
    }

    #[test]
    fn endpoints_and_slices() {
        let web = obj(
            "web",
            json!({"subsets": [{
                "addresses": [{"ip": "10.244.0.5"}, {"ip": "10.244.0.6"}],
                "ports": [{"port": 80}, {"port": 443}]
            }]}),
        );
        assert_eq!(
            render("Endpoints", &[web, obj("none", json!({}))], false),
            lines(&[
                "NAME   ENDPOINTS                                                AGE",
                "web    10.244.0.5:80,10.244.0.6:80,10.244.0.5:443 + 1 more...   5m",
                "none   <none>                                                   5m",
            ])
        );
        let slice = obj(
            "web-abc",
            json!({
                "addressType": "IPv4",
                "ports": [{"port": 80, "name": ""}, {"name": "https"}, {}],
                "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}]
            }),
        );
        let empty = obj("empty", json!({"addressType": "IPv4"}));
        assert_eq!(
            render("EndpointSlice", &[slice, empty], false),
            lines(&[
                "NAME      ADDRESSTYPE   PORTS        ENDPOINTS           AGE",
                "web-abc   IPv4          80,https,*   10.0.0.1,10.0.0.2   5m",
                "empty     IPv4          <unset>      <unset>             5m",
            ])
        );
    }

    #[test]
    fn default_table_and_pod_templates() {
        let crd = obj(
            "widgets.example.com",
            json!({"spec": {"group": "example.com"}}),
        );
        assert_eq!(
            render("CustomResourceDefinition", &[crd], true),
            lines(&[
                "NAME                  CREATED AT",
                "widgets.example.com   2026-01-05T08:00:00Z",
            ])
        );
        let tmpl = obj(
            "tmpl",
            json!({"template": {
                "metadata": {"labels": {"tier": "fe", "app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}, {"name": "log", "image": "fluentd"}]}
            }}),
        );
        assert_eq!(
            render("PodTemplate", &[tmpl], false),
            lines(&[
                "NAME   CONTAINERS   IMAGES          POD LABELS",
                "tmpl   web,log      nginx,fluentd   app=web,tier=fe",
            ])
        );
    }

    #[test]
    fn controller_revisions_name_their_controller() {
        let owned = obj(
            "kindnet-5d8b",
            json!({
                "metadata": {"ownerReferences": [
                    {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kindnet", "controller": true}
                ]},
                "revision": 1
            }),
        );
        assert_eq!(
            render(
                "ControllerRevision",
                &[owned, obj("orphan", json!({"revision": 3}))],
                false
            ),
            lines(&[
                "NAME           CONTROLLER               REVISION   AGE",
                "kindnet-5d8b   daemonset.apps/kindnet   1          5m",
                "orphan         <none>                   3          5m",
            ])
        );
    }

    #[test]
    fn certificate_signing_requests() {
        let jane = obj(
            "jane",
            json!({
                "spec": {"signerName": "kubernetes.io/kube-apiserver-client", "username": "jane", "expirationSeconds": 86400},
                "status": {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "LS0t"}
            }),
        );
        assert_eq!(
            render("CertificateSigningRequest", &[jane, obj("new", json!({}))], false),
            lines(&[
                "NAME   AGE   SIGNERNAME                            REQUESTOR   REQUESTEDDURATION   CONDITION",
                "jane   5m    kubernetes.io/kube-apiserver-client   jane        24h                 Approved,Issued",
                "new    5m    <none>                                            <none>              Pending",
            ])
        );
    }

    #[test]
    fn admission_policy_binding_param_refs() {
        let binding = |name: &str, param: Value| {
            obj(
                name,
                json!({"spec": {"policyName": "p", "paramRef": param}}),
            )
        };
        let objs = [
            binding("b1", json!({"name": "cfg"})),
            binding("b2", json!({"name": "cfg", "namespace": "ns1"})),
            binding("b3", json!({"selector": {"matchLabels": {"env": "prod"}}})),
            binding("b4", Value::Null),
        ];
        assert_eq!(
            render("ValidatingAdmissionPolicyBinding", &objs, false),
            lines(&[
                "NAME   POLICYNAME   PARAMREF                                                                                                   AGE",
                "b1     p            */cfg                                                                                                      5m",
                "b2     p            ns1/cfg                                                                                                    5m",
                "b3     p            &LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{},}   5m",
                "b4     p            <unset>                                                                                                    5m",
            ])
        );
    }

    #[test]
    fn daemon_sets_disruption_budgets_csi_drivers_network_policies() {
        let ds = obj(
            "kindnet",
            json!({
                "spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}}}},
                "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                           "updatedNumberScheduled": 3, "numberAvailable": 2}
            }),
        );
        assert_eq!(
            render("DaemonSet", &[ds], false),
            lines(&[
                "NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE",
                "kindnet   3         3         2       3            2           kubernetes.io/os=linux   5m",
            ])
        );
        let web = obj(
            "web",
            json!({"spec": {"minAvailable": 2}, "status": {"disruptionsAllowed": 1}}),
        );
        let api = obj("api", json!({"spec": {"maxUnavailable": "25%"}}));
        assert_eq!(
            render("PodDisruptionBudget", &[web, api], false),
            lines(&[
                "NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE",
                "web    2               N/A               1                     5m",
                "api    N/A             25%               0                     5m",
            ])
        );
        let driver = obj(
            "hostpath.csi.k8s.io",
            json!({"spec": {"volumeLifecycleModes": ["Persistent", "Ephemeral"]}}),
        );
        assert_eq!(
            render("CSIDriver", &[driver], false),
            lines(&[
                "NAME                  ATTACHREQUIRED   PODINFOONMOUNT   STORAGECAPACITY   TOKENREQUESTS   REQUIRESREPUBLISH   MODES                  AGE",
                "hostpath.csi.k8s.io   true             false            false             <unset>         false               Persistent,Ephemeral   5m",
            ])
        );
        let deny = obj("deny-all", json!({"spec": {"podSelector": {}}}));
        let np = obj(
            "web",
            json!({"spec": {"podSelector": {"matchLabels": {"app": "web"}}}}),
        );
        assert_eq!(
            render("NetworkPolicy", &[deny, np], false),
            lines(&[
                "NAME       POD-SELECTOR   AGE",
                "deny-all   <none>         5m",
                "web        app=web        5m",
            ])
        );
    }

    #[test]
    fn selectors_format_like_labels_selector_string() {
        let sel = json!({
            "matchLabels": {"b": "2"},
            "matchExpressions": [
                {"key": "c", "operator": "NotIn", "values": ["y", "x"]},
                {"key": "a", "operator": "Exists"},
                {"key": "d", "operator": "DoesNotExist"}
            ]
        });
        assert_eq!(format_selector(&sel), "a,b=2,c notin (x,y),!d");
        assert_eq!(format_selector(&json!({})), "<none>");
        assert_eq!(format_selector(&Value::Null), "<none>");
        assert_eq!(selector(&Value::Null).as_deref(), Some(""));
        assert_eq!(
            format_selector(&json!({"matchExpressions": [{"key": "a", "operator": "Near"}]})),
            "<error>"
        );
    }
}
