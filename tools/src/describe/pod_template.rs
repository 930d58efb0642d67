//! The parts of a pod that describe prints for pods and for the pod templates of
//! workloads: containers, volumes, tolerations and spread constraints.

use serde_json::Value;

use super::{rfc1123z, s, time_of, write_annotations, write_map};
use crate::labels::selector_string;
use crate::quantity;

fn opt_bool(v: &Value) -> bool {
    v.as_bool().unwrap_or(false)
}

/// An int-or-string value as Go's `IntOrString.String()` prints it.
pub(super) fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(t) => t.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".into(),
    }
}

fn ports(list: &[Value], key: &str) -> String {
    list.iter()
        .map(|p| {
            let text = format!(
                "{}/{}",
                p[key].as_i64().unwrap_or(0),
                p["protocol"].as_str().unwrap_or("TCP")
            );
            match p["name"].as_str().filter(|n| !n.is_empty()) {
                Some(name) => format!("{text} ({name})"),
                None => text,
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn state(out: &mut String, label: &str, state: &Value) {
    if let Some(r) = state.get("running") {
        w!(out, "    {label}:\tRunning\n");
        w!(
            out,
            "      Started:\t{}\n",
            rfc1123z(time_of(&r["startedAt"]).unwrap_or(super::GO_ZERO_TIME))
        );
    } else if let Some(wt) = state.get("waiting") {
        w!(out, "    {label}:\tWaiting\n");
        if !s(wt, "/reason").is_empty() {
            w!(out, "      Reason:\t{}\n", s(wt, "/reason"));
        }
    } else if let Some(t) = state.get("terminated") {
        w!(out, "    {label}:\tTerminated\n");
        if !s(t, "/reason").is_empty() {
            w!(out, "      Reason:\t{}\n", s(t, "/reason"));
        }
        if !s(t, "/message").is_empty() {
            w!(out, "      Message:\t{}\n", s(t, "/message"));
        }
        w!(
            out,
            "      Exit Code:\t{}\n",
            t["exitCode"].as_i64().unwrap_or(0)
        );
        if let Some(sig) = t["signal"].as_i64().filter(|n| *n > 0) {
            w!(out, "      Signal:\t{sig}\n");
        }
        for (label, key) in [("Started", "startedAt"), ("Finished", "finishedAt")] {
            w!(
                out,
                "      {label}:\t{}\n",
                rfc1123z(time_of(&t[key]).unwrap_or(super::GO_ZERO_TIME))
            );
        }
    } else {
        w!(out, "    {label}:\tWaiting\n");
    }
}

/// A probe as one line: `http-get http://:8080/healthz delay=0s timeout=1s ...`.
fn probe(p: &Value) -> String {
    let n = |k: &str, d: i64| p[k].as_i64().unwrap_or(d);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds", 0),
        n("timeoutSeconds", 1),
        n("periodSeconds", 10),
        n("successThreshold", 1),
        n("failureThreshold", 3)
    );
    if let Some(cmd) = p["exec"]["command"].as_array() {
        let parts: Vec<&str> = cmd.iter().filter_map(Value::as_str).collect();
        format!("exec [{}] {attrs}", parts.join(" "))
    } else if let Some(h) = p.get("httpGet") {
        let scheme = s(h, "/scheme").to_lowercase();
        let port = int_or_string(&h["port"]);
        let host = s(h, "/host");
        let host = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let mut path = s(h, "/path").to_string();
        if !path.is_empty() && !path.starts_with('/') {
            path.insert(0, '/');
        }
        let url = if scheme.is_empty() {
            format!("//{host}{path}")
        } else {
            format!("{scheme}://{host}{path}")
        };
        format!("http-get {url} {attrs}")
    } else if let Some(t) = p.get("tcpSocket") {
        format!(
            "tcp-socket {}:{} {attrs}",
            s(t, "/host"),
            int_or_string(&t["port"])
        )
    } else if let Some(g) = p.get("grpc") {
        format!(
            "grpc <pod>:{} {} {attrs}",
            g["port"].as_i64().unwrap_or(0),
            s(g, "/service")
        )
    } else {
        format!("unknown {attrs}")
    }
}

/// The value describe shows for a downward-API field of `pod`: kubectl resolves only
/// the pod's name and namespace.
fn field_value(pod: &Value, path: &str) -> String {
    match path {
        "metadata.name" => s(pod, "/metadata/name").to_string(),
        "metadata.namespace" => s(pod, "/metadata/namespace").to_string(),
        _ => String::new(),
    }
}

/// The value a resourceFieldRef gives a container (`limits.cpu` in whole cores rounded
/// up, memory in bytes, with the divisor applied).
fn resource_value(c: &Value, resource: &str, divisor: &Value) -> String {
    let Some((kind, name)) = resource.split_once('.') else {
        return String::new();
    };
    let milli = c["resources"][kind][name]
        .as_str()
        .and_then(quantity::parse)
        .unwrap_or(0);
    let div = divisor
        .as_str()
        .and_then(quantity::parse)
        .filter(|d| *d > 0)
        .unwrap_or(1000);
    // ceil(value / divisor), both in thousandths.
    ((milli + div - 1) / div).to_string()
}

fn env(out: &mut String, c: &Value, pod: Option<&Value>) {
    if let Some(from) = c["envFrom"].as_array().filter(|a| !a.is_empty()) {
        out.push_str("    Environment Variables from:\n");
        for e in from {
            let (kind, r) = if let Some(r) = e.get("configMapRef") {
                ("ConfigMap", r)
            } else if let Some(r) = e.get("secretRef") {
                ("Secret", r)
            } else {
                ("", &Value::Null)
            };
            let optional = opt_bool(&r["optional"]);
            match e["prefix"].as_str().filter(|p| !p.is_empty()) {
                Some(p) => w!(
                    out,
                    "      {}\t{kind} with prefix '{p}'\tOptional: {optional}\n",
                    s(r, "/name")
                ),
                None => w!(
                    out,
                    "      {}\t{kind}\tOptional: {optional}\n",
                    s(r, "/name")
                ),
            }
        }
    }
    let Some(vars) = c["env"].as_array().filter(|e| !e.is_empty()) else {
        out.push_str("    Environment:\t<none>\n");
        return;
    };
    out.push_str("    Environment:\n");
    for e in vars {
        let name = s(e, "/name");
        let from = &e["valueFrom"];
        if from.is_null() {
            for (i, line) in s(e, "/value").split('\n').enumerate() {
                if i == 0 {
                    w!(out, "      {name}:\t{line}\n");
                } else {
                    w!(out, "      \t{line}\n");
                }
            }
        } else if let Some(f) = from.get("fieldRef") {
            let path = s(f, "/fieldPath");
            let value = pod.map(|p| field_value(p, path)).unwrap_or_default();
            w!(
                out,
                "      {name}:\t{value} ({}:{path})\n",
                s(f, "/apiVersion")
            );
        } else if let Some(r) = from.get("resourceFieldRef") {
            let res = s(r, "/resource");
            let mut value = resource_value(c, res, &r["divisor"]);
            if value == "0" && matches!(res, "limits.cpu" | "limits.memory") {
                value = "node allocatable".into();
            }
            w!(out, "      {name}:\t{value} ({res})\n");
        } else if let Some(k) = from.get("secretKeyRef") {
            w!(
                out,
                "      {name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                s(k, "/key"),
                s(k, "/name"),
                opt_bool(&k["optional"])
            );
        } else if let Some(k) = from.get("configMapKeyRef") {
            w!(
                out,
                "      {name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                s(k, "/key"),
                s(k, "/name"),
                opt_bool(&k["optional"])
            );
        }
    }
}

fn mounts(out: &mut String, c: &Value) {
    let mut list = c["volumeMounts"].as_array().cloned().unwrap_or_default();
    if list.is_empty() {
        out.push_str("    Mounts:\t<none>\n");
    } else {
        out.push_str("    Mounts:\n");
    }
    crate::sort::by(&mut list, |a, b| s(a, "/mountPath").cmp(s(b, "/mountPath")));
    for m in &list {
        let mut flags = vec![if m["readOnly"] == true { "ro" } else { "rw" }.to_string()];
        if !s(m, "/subPath").is_empty() {
            flags.push(format!("path={:?}", s(m, "/subPath")));
        }
        w!(
            out,
            "      {} from {} ({})\n",
            s(m, "/mountPath"),
            s(m, "/name"),
            flags.join(",")
        );
    }
    let mut devices = c["volumeDevices"].as_array().cloned().unwrap_or_default();
    if !devices.is_empty() {
        out.push_str("    Devices:\n");
        crate::sort::by(&mut devices, |a, b| {
            s(a, "/devicePath").cmp(s(b, "/devicePath"))
        });
        for d in &devices {
            w!(
                out,
                "      {} from {}\n",
                s(d, "/devicePath"),
                s(d, "/name")
            );
        }
    }
}

/// Containers under `label`: with their statuses for a pod (`pod` given), without for a
/// template (indented by `space`).
pub(super) fn containers(
    out: &mut String,
    label: &str,
    list: &Value,
    statuses: &Value,
    pod: Option<&Value>,
    space: &str,
) {
    let list = list.as_array().cloned().unwrap_or_default();
    let none = if list.is_empty() { " <none>" } else { "" };
    w!(out, "{space}{label}:{none}\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in &list {
        let status = statuses
            .as_array()
            .and_then(|a| a.iter().find(|st| s(st, "/name") == s(c, "/name")));
        w!(out, "  {name_indent}{}:\n", s(c, "/name"));
        if let Some(st) = status {
            w!(out, "    Container ID:\t{}\n", s(st, "/containerID"));
        }
        w!(out, "    Image:\t{}\n", s(c, "/image"));
        if let Some(st) = status {
            w!(out, "    Image ID:\t{}\n", s(st, "/imageID"));
        }
        let list = c["ports"].as_array().cloned().unwrap_or_default();
        for (one, many, key) in [
            ("Port", "Ports", "containerPort"),
            ("Host Port", "Host Ports", "hostPort"),
        ] {
            let text = ports(&list, key);
            if text.contains(',') {
                w!(out, "    {many}:\t{text}\n");
            } else if text.is_empty() {
                w!(out, "    {one}:\t<none>\n");
            } else {
                w!(out, "    {one}:\t{text}\n");
            }
        }
        if let Some(p) = c["securityContext"].get("seccompProfile") {
            w!(out, "    SeccompProfile:\t{}\n", s(p, "/type"));
            if s(p, "/type") == "Localhost" {
                w!(
                    out,
                    "      LocalhostProfile:\t{}\n",
                    s(p, "/localhostProfile")
                );
            }
        }
        for (label, key) in [("Command", "command"), ("Args", "args")] {
            if let Some(items) = c[key].as_array().filter(|l| !l.is_empty()) {
                w!(out, "    {label}:\n");
                for a in items {
                    for line in a.as_str().unwrap_or("").split('\n') {
                        w!(out, "      {line}\n");
                    }
                }
            }
        }
        if let Some(st) = status {
            state(out, "State", &st["state"]);
            if st["lastState"].get("terminated").is_some() {
                state(out, "Last State", &st["lastState"]);
            }
            w!(
                out,
                "    Ready:\t{}\n",
                if st["ready"] == true { "True" } else { "False" }
            );
            w!(
                out,
                "    Restart Count:\t{}\n",
                st["restartCount"].as_i64().unwrap_or(0)
            );
        }
        resources(out, &c["resources"], "    ");
        for (label, key) in [
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ] {
            if c[key].is_object() {
                w!(out, "    {label}:\t{}\n", probe(&c[key]));
            }
        }
        env(out, c, pod);
        mounts(out, c);
    }
}

/// Limits and requests, each resource on its own line, sorted by name.
pub(super) fn resources(out: &mut String, r: &Value, indent: &str) {
    for (label, key) in [("Limits", "limits"), ("Requests", "requests")] {
        if let Some(m) = r[key].as_object().filter(|m| !m.is_empty()) {
            w!(out, "{indent}{label}:\n");
            for (k, v) in m {
                w!(out, "{indent}  {k}:\t{}\n", v.as_str().unwrap_or(""));
            }
        }
    }
}

fn volume(out: &mut String, v: &Value) {
    let opt = |x: &Value| opt_bool(&x["optional"]);
    if let Some(h) = v.get("hostPath") {
        let kind = match s(h, "/type") {
            "" if h["type"].is_null() => "<none>",
            t => t,
        };
        w!(
            out,
            "    Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{kind}\n",
            s(h, "/path")
        );
    } else if let Some(e) = v.get("emptyDir") {
        let size = match e["sizeLimit"].as_str().and_then(quantity::parse) {
            Some(q) if q > 0 => s(e, "/sizeLimit").to_string(),
            _ => "<unset>".into(),
        };
        w!(
            out,
            "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
            s(e, "/medium")
        );
    } else if let Some(sec) = v.get("secret") {
        w!(
            out,
            "    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
            s(sec, "/secretName"),
            opt(sec)
        );
    } else if let Some(cm) = v.get("configMap") {
        w!(
            out,
            "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
            s(cm, "/name"),
            opt(cm)
        );
    } else if let Some(n) = v.get("nfs") {
        w!(
            out,
            "    Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
            s(n, "/server"),
            s(n, "/path"),
            opt_bool(&n["readOnly"])
        );
    } else if let Some(c) = v.get("persistentVolumeClaim") {
        w!(
            out,
            "    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
            s(c, "/claimName"),
            opt_bool(&c["readOnly"])
        );
    } else if v.get("ephemeral").is_some() {
        out.push_str("    Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
    } else if let Some(d) = v.get("downwardAPI") {
        out.push_str(
            "    Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        );
        for item in d["items"].as_array().into_iter().flatten() {
            if let Some(f) = item.get("fieldRef") {
                w!(
                    out,
                    "      {} -> {}\n",
                    s(f, "/fieldPath"),
                    s(item, "/path")
                );
            }
            if let Some(f) = item.get("resourceFieldRef") {
                w!(out, "      {} -> {}\n", s(f, "/resource"), s(item, "/path"));
            }
        }
    } else if let Some(p) = v.get("projected") {
        out.push_str(
            "    Type:\tProjected (a volume that contains injected data from multiple sources)\n",
        );
        for src in p["sources"].as_array().into_iter().flatten() {
            if let Some(sec) = src.get("secret") {
                w!(
                    out,
                    "    SecretName:\t{}\n    Optional:\t{}\n",
                    s(sec, "/name"),
                    opt(sec)
                );
            } else if src.get("downwardAPI").is_some() {
                out.push_str("    DownwardAPI:\ttrue\n");
            } else if let Some(cm) = src.get("configMap") {
                w!(
                    out,
                    "    ConfigMapName:\t{}\n    Optional:\t{}\n",
                    s(cm, "/name"),
                    opt(cm)
                );
            } else if let Some(t) = src.get("serviceAccountToken") {
                w!(
                    out,
                    "    TokenExpirationSeconds:\t{}\n",
                    t["expirationSeconds"].as_i64().unwrap_or(3600)
                );
            }
        }
    } else if let Some(c) = v.get("csi") {
        w!(
            out,
            "    Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
            s(c, "/driver"),
            s(c, "/fsType"),
            opt_bool(&c["readOnly"])
        );
        write_map(out, "    ", "VolumeAttributes", &c["volumeAttributes"]);
    } else if let Some(i) = v.get("image") {
        w!(
            out,
            "    Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n",
            s(i, "/reference"),
            s(i, "/pullPolicy")
        );
    } else {
        out.push_str("  <unknown>\n");
    }
}

/// The Volumes section (indented by `space` in templates).
pub(super) fn volumes(out: &mut String, list: &Value, space: &str) {
    let Some(list) = list.as_array().filter(|v| !v.is_empty()) else {
        w!(out, "{space}Volumes:\t<none>\n");
        return;
    };
    w!(out, "{space}Volumes:\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in list {
        w!(out, "  {name_indent}{}:\n", s(v, "/name"));
        volume(out, v);
    }
}

fn toleration_text(t: &Value) -> String {
    let key = s(t, "/key");
    let mut text = key.to_string();
    if !s(t, "/value").is_empty() {
        text.push('=');
        text.push_str(s(t, "/value"));
    }
    if !s(t, "/effect").is_empty() {
        text.push(':');
        text.push_str(s(t, "/effect"));
    }
    if s(t, "/operator") == "Exists" && s(t, "/value").is_empty() {
        text.push_str(if key.is_empty() && s(t, "/effect").is_empty() {
            "op=Exists"
        } else {
            " op=Exists"
        });
    }
    if let Some(secs) = t["tolerationSeconds"].as_i64() {
        text.push_str(&format!(" for {secs}s"));
    }
    text
}

/// Tolerations sorted by key, one per line.
pub(super) fn tolerations(out: &mut String, title: &str, list: &Value) {
    let mut list = list.as_array().cloned().unwrap_or_default();
    if list.is_empty() {
        w!(out, "{title}:\t<none>\n");
        return;
    }
    crate::sort::by(&mut list, |a, b| s(a, "/key").cmp(s(b, "/key")));
    for (i, t) in list.iter().enumerate() {
        let label = if i == 0 {
            format!("{title}:")
        } else {
            String::new()
        };
        w!(out, "{label}\t{}\n", toleration_text(t));
    }
}

/// Topology spread constraints, sorted by topology key (nothing when there are none).
pub(super) fn spread_constraints(out: &mut String, list: &Value, space: &str) {
    let mut list = list.as_array().cloned().unwrap_or_default();
    crate::sort::by(&mut list, |a, b| {
        s(a, "/topologyKey").cmp(s(b, "/topologyKey"))
    });
    for (i, c) in list.iter().enumerate() {
        if i == 0 {
            w!(out, "{space}Topology Spread Constraints:\t");
        } else {
            w!(out, "{space}\t");
        }
        w!(
            out,
            "{}:{} when max skew {} is exceeded",
            s(c, "/topologyKey"),
            s(c, "/whenUnsatisfiable"),
            c["maxSkew"].as_i64().unwrap_or(0)
        );
        if c["labelSelector"].is_object() {
            w!(out, " for selector {}", label_selector(&c["labelSelector"]));
        }
        out.push('\n');
    }
}

/// A LabelSelector as `metav1.FormatLabelSelector` writes it (`<none>` when empty).
pub(super) fn label_selector(sel: &Value) -> String {
    let text = serde_json::from_value(sel.clone())
        .map(|sel| selector_string(&sel))
        .unwrap_or_default();
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// `Pod Template:` as the workload describers print it.
pub(super) fn pod_template(out: &mut String, t: &Value) {
    out.push_str("Pod Template:\n");
    let spec = &t["spec"];
    write_map(out, "", "  Labels", &t["metadata"]["labels"]);
    if t["metadata"]["annotations"]
        .as_object()
        .is_some_and(|m| !m.is_empty())
    {
        write_annotations(out, "  Annotations", &t["metadata"]["annotations"]);
    }
    if !s(spec, "/serviceAccountName").is_empty() {
        w!(
            out,
            "  Service Account:\t{}\n",
            s(spec, "/serviceAccountName")
        );
    }
    if spec["initContainers"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        containers(
            out,
            "Init Containers",
            &spec["initContainers"],
            &Value::Null,
            None,
            "  ",
        );
    }
    containers(
        out,
        "Containers",
        &spec["containers"],
        &Value::Null,
        None,
        "  ",
    );
    volumes(out, &spec["volumes"], "  ");
    spread_constraints(out, &spec["topologySpreadConstraints"], "  ");
    if !s(spec, "/priorityClassName").is_empty() {
        w!(
            out,
            "  Priority Class Name:\t{}\n",
            s(spec, "/priorityClassName")
        );
    }
    write_map(out, "", "  Node-Selectors", &spec["nodeSelector"]);
    tolerations(out, "  Tolerations", &spec["tolerations"]);
}
