//! PodSecurity: the Pod Security Standards (privileged, baseline, restricted) applied by
//! namespace labels `pod-security.kubernetes.io/{enforce,warn,audit}`: pods that violate
//! the enforced level are refused, and pods or workload templates that violate the warned
//! level come back with a warning, worded as the PodSecurity admission plugin words them.

use serde_json::Value;

use super::Attributes;
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;

/// The capabilities baseline allows adding.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The volume types restricted allows.
const RESTRICTED_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The sysctls baseline allows.
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        match s {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// `container "a"` or `containers "a", "b"`.
fn containers_phrase(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    if names.len() == 1 {
        format!("container {}", quoted[0])
    } else {
        format!("containers {}", quoted.join(", "))
    }
}

/// Every container of a pod spec (init, regular, ephemeral).
fn containers(spec: &Value) -> Vec<&Value> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| spec[k].as_array().into_iter().flatten())
        .collect()
}

fn name(c: &Value) -> String {
    c["name"].as_str().unwrap_or("").to_string()
}

/// `container "a" must not include "NET_ADMIN" in securityContext.capabilities.add` for
/// the containers adding capabilities `allowed` refuses, if any do.
fn added_capabilities(all: &[&Value], allowed: impl Fn(&str) -> bool) -> Option<String> {
    let mut containers = vec![];
    let mut caps: Vec<String> = vec![];
    for c in all {
        let bad: Vec<&str> = c["securityContext"]["capabilities"]["add"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|cap| !allowed(cap))
            .collect();
        if !bad.is_empty() {
            containers.push(name(c));
        }
        for b in bad {
            let quoted = format!("{b:?}");
            if !caps.contains(&quoted) {
                caps.push(quoted);
            }
        }
    }
    (!containers.is_empty()).then(|| {
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&containers),
            caps.join(", ")
        )
    })
}

/// The names of the containers for which `f` holds.
fn names_where(all: &[&Value], f: impl Fn(&Value) -> bool) -> Vec<String> {
    all.iter().filter(|c| f(c)).map(|c| name(c)).collect()
}

/// Records a failed check by its ID.
fn push(out: &mut Vec<(&'static str, String)>, id: &'static str, message: impl Into<String>) {
    out.push((id, message.into()));
}

/// What fails the checks of `level`, in the order the plugin reports them (by check ID;
/// at restricted, the restricted capability and seccomp checks replace baseline's).
fn violations(spec: &Value, level: Level) -> Vec<String> {
    let mut found = checks(spec, level);
    if level == Level::Restricted {
        found.retain(|(id, _)| !matches!(*id, "capabilities_baseline" | "seccompProfile_baseline"));
    }
    crate::sort::by_key(&mut found, |(id, _)| *id);
    found.into_iter().map(|(_, m)| m).collect()
}

fn checks(spec: &Value, level: Level) -> Vec<(&'static str, String)> {
    let mut out = vec![];
    if level == Level::Privileged {
        return out;
    }
    let all = containers(spec);
    // baseline: host namespaces
    let hosts: Vec<String> = ["hostNetwork", "hostPID", "hostIPC"]
        .iter()
        .filter(|k| spec[**k] == true)
        .map(|k| format!("{k}=true"))
        .collect();
    if !hosts.is_empty() {
        push(
            &mut out,
            "hostNamespaces",
            format!("host namespaces ({})", hosts.join(", ")),
        );
    }
    // baseline: privileged
    let privileged: Vec<String> = names_where(&all, |c| c["securityContext"]["privileged"] == true);
    if !privileged.is_empty() {
        push(
            &mut out,
            "privileged",
            format!(
                "privileged ({} must not set securityContext.privileged=true)",
                containers_phrase(&privileged)
            ),
        );
    }
    // baseline: capabilities
    if let Some(phrase) = added_capabilities(&all, |cap| BASELINE_CAPABILITIES.contains(&cap)) {
        push(
            &mut out,
            "capabilities_baseline",
            format!("non-default capabilities ({phrase})"),
        );
    }
    // baseline: hostPath volumes
    let host_paths: Vec<String> = spec["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| !v["hostPath"].is_null())
        .map(name)
        .collect();
    if !host_paths.is_empty() {
        let quoted: Vec<String> = host_paths.iter().map(|n| format!("{n:?}")).collect();
        let noun = if quoted.len() == 1 {
            "volume"
        } else {
            "volumes"
        };
        push(
            &mut out,
            "hostPathVolumes",
            format!("hostPath volumes ({noun} {})", quoted.join(", ")),
        );
    }
    // baseline: host ports
    let mut port_users = vec![];
    let mut ports = vec![];
    for c in &all {
        let used: Vec<i64> = c["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["hostPort"].as_i64())
            .filter(|p| *p != 0)
            .collect();
        if !used.is_empty() {
            port_users.push(name(c));
            ports.extend(used.iter().map(i64::to_string));
        }
    }
    if !port_users.is_empty() {
        push(
            &mut out,
            "hostPorts",
            format!(
                "hostPort ({} uses {} {})",
                containers_phrase(&port_users),
                if ports.len() == 1 {
                    "hostPort"
                } else {
                    "hostPorts"
                },
                ports.join(", ")
            ),
        );
    }
    // baseline: seccomp Unconfined
    let unconfined = |sc: &Value| sc["seccompProfile"]["type"] == "Unconfined";
    if unconfined(&spec["securityContext"]) {
        push(&mut out, "seccompProfile_baseline", 
            "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
        );
    }
    let unconfined_containers: Vec<String> =
        names_where(&all, |c| unconfined(&c["securityContext"]));
    if !unconfined_containers.is_empty() {
        push(&mut out, "seccompProfile_baseline", format!(
            "seccompProfile ({} must not set securityContext.seccompProfile.type to \"Unconfined\")",
            containers_phrase(&unconfined_containers)
        ));
    }
    // baseline: sysctls
    let sysctls: Vec<String> = spec["securityContext"]["sysctls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .filter(|n| !SAFE_SYSCTLS.contains(n))
        .map(String::from)
        .collect();
    if !sysctls.is_empty() {
        push(
            &mut out,
            "sysctls",
            format!("forbidden sysctls ({})", sysctls.join(", ")),
        );
    }
    if level < Level::Restricted {
        return out;
    }
    // restricted: volume types
    let mut restricted_volumes = vec![];
    let mut restricted_types = vec![];
    for v in spec["volumes"].as_array().into_iter().flatten() {
        let Some(obj) = v.as_object() else { continue };
        if let Some(ty) = obj
            .keys()
            .find(|k| *k != "name" && !RESTRICTED_VOLUMES.contains(&k.as_str()))
        {
            restricted_volumes.push(name(v));
            if !restricted_types.contains(ty) {
                restricted_types.push(ty.clone());
            }
        }
    }
    if !restricted_volumes.is_empty() {
        let vols: Vec<String> = restricted_volumes
            .iter()
            .map(|n| format!("{n:?}"))
            .collect();
        let types: Vec<String> = restricted_types.iter().map(|t| format!("{t:?}")).collect();
        push(
            &mut out,
            "restrictedVolumes",
            format!(
                "restricted volume types ({} {} {} restricted volume {} {})",
                if vols.len() == 1 { "volume" } else { "volumes" },
                vols.join(", "),
                if vols.len() == 1 { "uses" } else { "use" },
                if types.len() == 1 { "type" } else { "types" },
                types.join(", ")
            ),
        );
    }
    // restricted: privilege escalation
    let escalating: Vec<String> = names_where(&all, |c| {
        c["securityContext"]["allowPrivilegeEscalation"] != false
    });
    if !escalating.is_empty() {
        push(&mut out, "allowPrivilegeEscalation", format!(
            "allowPrivilegeEscalation != false ({} must set securityContext.allowPrivilegeEscalation=false)",
            containers_phrase(&escalating)
        ));
    }
    // restricted: capabilities drop ALL, add at most NET_BIND_SERVICE
    let not_dropping: Vec<String> = names_where(&all, |c| {
        !c["securityContext"]["capabilities"]["drop"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x == "ALL"))
    });
    let mut unrestricted = vec![];
    if !not_dropping.is_empty() {
        unrestricted.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            containers_phrase(&not_dropping)
        ));
    }
    if let Some(phrase) = added_capabilities(&all, |cap| cap == "NET_BIND_SERVICE") {
        unrestricted.push(phrase);
    }
    if !unrestricted.is_empty() {
        push(
            &mut out,
            "capabilities_restricted",
            format!("unrestricted capabilities ({})", unrestricted.join("; ")),
        );
    }
    // restricted: runAsNonRoot
    let pod_non_root = spec["securityContext"]["runAsNonRoot"] == true;
    let root_possible: Vec<String> = names_where(&all, |c| {
        match c["securityContext"]["runAsNonRoot"].as_bool() {
            Some(v) => !v,
            None => !pod_non_root,
        }
    });
    if spec["securityContext"]["runAsNonRoot"] == false {
        push(
            &mut out,
            "runAsNonRoot",
            "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
        );
    } else if !root_possible.is_empty() {
        let who = if pod_non_root {
            format!(
                "{} must not set securityContext.runAsNonRoot=false",
                containers_phrase(&root_possible)
            )
        } else {
            format!(
                "pod or {} must set securityContext.runAsNonRoot=true",
                containers_phrase(&root_possible)
            )
        };
        push(
            &mut out,
            "runAsNonRoot",
            format!("runAsNonRoot != true ({who})"),
        );
    }
    // restricted: runAsUser=0
    let mut zero = vec![];
    if spec["securityContext"]["runAsUser"] == 0 {
        zero.push("pod must not set runAsUser=0".to_string());
    }
    let zero_containers: Vec<String> =
        names_where(&all, |c| c["securityContext"]["runAsUser"] == 0);
    if !zero_containers.is_empty() {
        zero.push(format!(
            "{} must not set runAsUser=0",
            containers_phrase(&zero_containers)
        ));
    }
    if !zero.is_empty() {
        push(
            &mut out,
            "runAsUser",
            format!("runAsUser=0 ({})", zero.join("; ")),
        );
    }
    // restricted: seccomp RuntimeDefault or Localhost
    let allowed = |sc: &Value| {
        matches!(
            sc["seccompProfile"]["type"].as_str(),
            Some("RuntimeDefault" | "Localhost")
        )
    };
    if !allowed(&spec["securityContext"]) {
        let missing: Vec<String> = names_where(&all, |c| {
            !allowed(&c["securityContext"]) && !unconfined(&c["securityContext"])
        });
        if !missing.is_empty() && !unconfined(&spec["securityContext"]) {
            push(&mut out, "seccompProfile_restricted", format!(
                "seccompProfile (pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
                containers_phrase(&missing)
            ));
        }
    }
    out
}

/// A namespace's level for a mode (`enforce`, `warn`, `audit`), with its version label.
fn level(ns: &Value, mode: &str) -> Option<(Level, String)> {
    let labels = &ns["metadata"]["labels"];
    let level = Level::parse(labels[format!("pod-security.kubernetes.io/{mode}")].as_str()?)?;
    let version = labels[format!("pod-security.kubernetes.io/{mode}-version")]
        .as_str()
        .unwrap_or("latest")
        .to_string();
    Some((level, version))
}

/// The pod spec an object carries, if it is a pod or a workload with a pod template.
fn pod_spec<'a>(r: &resources::Resource, obj: &'a Value) -> Option<&'a Value> {
    match (r.group, r.kind) {
        ("", "Pod") => Some(&obj["spec"]),
        ("", "PodTemplate") => Some(&obj["template"]["spec"]),
        ("", "ReplicationController")
        | ("apps", "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet")
        | ("batch", "Job") => Some(&obj["spec"]["template"]["spec"]),
        ("batch", "CronJob") => Some(&obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
        _ => None,
    }
}

/// Whether an update is one PodSecurity evaluates: a pod whose images changed, or a
/// workload whose pod template changed (other updates cannot make a pod less secure).
fn significant_update(attrs: &Attributes<'_>, obj: &Value) -> bool {
    let Some(old) = attrs.old else {
        return true;
    };
    let (Some(new_spec), Some(old_spec)) =
        (pod_spec(attrs.resource, obj), pod_spec(attrs.resource, old))
    else {
        return false;
    };
    if attrs.resource.kind != "Pod" {
        return new_spec != old_spec;
    }
    let images = |spec: &Value| -> Vec<Value> {
        ["containers", "initContainers", "ephemeralContainers"]
            .iter()
            .flat_map(|list| spec[list].as_array().cloned().unwrap_or_default())
            .map(|c| c["image"].clone())
            .collect()
    };
    images(new_spec) != images(old_spec)
}

/// Checks a create, or an update that could change what the pods run; returns the
/// warnings to send back.
pub fn validate(attrs: &Attributes<'_>, obj: &Value) -> Result<Vec<String>, ApiError> {
    if !attrs.subresource.is_empty() || !significant_update(attrs, obj) {
        return Ok(vec![]);
    }
    let Some(spec) = pod_spec(attrs.resource, obj) else {
        return Ok(vec![]);
    };
    let key = resources::namespaces().key("", attrs.namespace);
    let Some(ns) = attrs.store.get(&key) else {
        return Ok(vec![]);
    };
    let is_pod = attrs.resource.kind == "Pod";
    let mut warnings = vec![];
    if is_pod {
        if let Some((lvl, version)) = level(&ns.value(), "enforce") {
            let v = violations(spec, lvl);
            if !v.is_empty() {
                return Err(ApiError::forbidden(
                    "pods",
                    attrs.name,
                    &format!(
                        "violates PodSecurity \"{}:{version}\": {}",
                        lvl.name(),
                        v.join(", ")
                    ),
                ));
            }
        }
    }
    if let Some((lvl, version)) = level(&ns.value(), "warn") {
        let v = violations(spec, lvl);
        if !v.is_empty() {
            warnings.push(format!(
                "would violate PodSecurity \"{}:{version}\": {}",
                lvl.name(),
                v.join(", ")
            ));
        }
    }
    Ok(warnings)
}
