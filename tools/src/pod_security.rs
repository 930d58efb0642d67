//! The Pod Security Standards' checks (baseline, restricted) on a pod spec, worded as
//! the PodSecurity admission plugin words its violations.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub spec: Value,
    /// `privileged`, `baseline` or `restricted`.
    pub level: String,
}

/// What in `request`'s pod spec fails the checks of its level (none for an unknown level).
pub fn violations(request: &Request) -> Vec<String> {
    match Level::parse(&request.level) {
        Some(level) => violations_at(&request.spec, level),
        None => vec![],
    }
}

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
fn violations_at(spec: &Value, level: Level) -> Vec<String> {
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
