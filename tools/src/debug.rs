//! What `kubectl debug` creates (the core sends it and attaches): the debugging pod of
//! a node, the ephemeral container patched into a pod, or the copy of a pod, each with
//! the container the flags describe and the profile's changes, as kubectl builds them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use crate::kubectl_args::Args as Parsed;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub flags: Parsed,
    /// The node or pod debugged; none to check the flags only.
    pub target: Option<Value>,
    /// Random name suffixes to take in turn (five characters each).
    pub suffixes: Vec<String>,
}

/// What kubectl printed on the way (standard error: true), and what to do next.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    pub printed: Vec<(bool, String)>,
    pub action: Action,
}

/// The flags check out (go on and read the target); a pod to create (a node's
/// debugging pod, or a copy) or a patch of the pod's ephemeral containers, with the
/// debugging container's name (none for a copy that only changes images); or kubectl's
/// error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub enum Action {
    #[default]
    Proceed,
    Create {
        pod: Value,
        container: String,
    },
    Patch {
        patch: Value,
        container: String,
    },
    Fail(String),
}

const PROFILES: &[&str] = &[
    "legacy",
    "general",
    "baseline",
    "netadmin",
    "restricted",
    "sysadmin",
];

/// What is debugged, and so how the profile shapes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Node,
    Ephemeral,
    Copy,
}

/// A container's securityContext, created when it has none.
fn security(c: &mut Value) -> &mut Map<String, Value> {
    if !c["securityContext"].is_object() {
        c["securityContext"] = json!({});
    }
    match c["securityContext"].as_object_mut() {
        Some(m) => m,
        None => unreachable!("just made an object"),
    }
}

fn add_capability(c: &mut Value, cap: &str) {
    let sc = security(c);
    let caps = sc.entry("capabilities").or_insert_with(|| json!({}));
    if !caps["add"].is_array() {
        caps["add"] = json!([]);
    }
    if let Some(add) = caps["add"].as_array_mut() {
        add.push(json!(cap));
    }
}

/// The profile's changes to the debugging container `c` and its pod's spec `spec`
/// (and metadata `meta`, for a copy), as kubectl's profile appliers make them.
fn apply_profile(
    profile: &str,
    style: Style,
    p: &Parsed,
    (meta, spec): (&mut Value, &mut Value),
    container: &str,
) {
    let with = |spec: &mut Value, f: &dyn Fn(&mut Value)| {
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            let found = spec.get_mut(list).and_then(Value::as_array_mut);
            for c in found.into_iter().flatten() {
                if c["name"] == container {
                    f(c);
                }
            }
        }
    };
    let host_namespaces = |spec: &mut Value| {
        for k in ["hostNetwork", "hostPID", "hostIPC"] {
            spec[k] = json!(true);
        }
    };
    let mount_root = |spec: &mut Value| {
        let volumes = spec["volumes"].as_array().cloned().unwrap_or_default();
        let mut volumes = volumes;
        volumes.push(json!({"name": "host-root", "hostPath": {"path": "/"}}));
        spec["volumes"] = json!(volumes);
        with(spec, &|c| {
            let mut mounts = c["volumeMounts"].as_array().cloned().unwrap_or_default();
            mounts.push(json!({"name": "host-root", "mountPath": "/host"}));
            c["volumeMounts"] = json!(mounts);
        });
    };
    let clear_security = |spec: &mut Value| {
        with(spec, &|c| {
            if let Some(m) = c.as_object_mut() {
                m.remove("securityContext");
            }
        })
    };
    // What every profile but legacy does to a copy (the --keep-* flags keep things).
    let trim_copy = |meta: &mut Value, spec: &mut Value| {
        let m = meta.as_object_mut();
        if let Some(m) = m {
            if !p.on("keep-labels") {
                m.remove("labels");
            }
            if !p.on("keep-annotations") {
                m.remove("annotations");
            }
        }
        for c in spec["containers"].as_array_mut().into_iter().flatten() {
            if let Some(c) = c.as_object_mut() {
                for (probe, keep) in [
                    ("livenessProbe", "keep-liveness"),
                    ("readinessProbe", "keep-readiness"),
                    ("startupProbe", "keep-startup"),
                ] {
                    if !p.on(keep) {
                        c.remove(probe);
                    }
                }
            }
        }
        if p.get("keep-init-containers") == Some("false") {
            if let Some(s) = spec.as_object_mut() {
                s.remove("initContainers");
            }
        }
        if spec["shareProcessNamespace"].is_null() {
            spec["shareProcessNamespace"] = json!(true);
        }
    };
    match profile {
        "legacy" => match style {
            Style::Node => {
                mount_root(spec);
                host_namespaces(spec);
            }
            Style::Copy => {
                if let Some(m) = meta.as_object_mut() {
                    m.remove("labels");
                }
            }
            Style::Ephemeral => {}
        },
        "general" => match style {
            Style::Node => {
                mount_root(spec);
                clear_security(spec);
                host_namespaces(spec);
            }
            Style::Copy => {
                trim_copy(meta, spec);
                with(spec, &|c| add_capability(c, "SYS_PTRACE"));
            }
            Style::Ephemeral => with(spec, &|c| add_capability(c, "SYS_PTRACE")),
        },
        "baseline" | "restricted" => {
            clear_security(spec);
            if profile == "restricted" {
                with(spec, &|c| {
                    let sc = security(c);
                    sc.insert("runAsNonRoot".into(), json!(true));
                    sc.insert("capabilities".into(), json!({"drop": ["ALL"]}));
                    sc.insert("allowPrivilegeEscalation".into(), json!(false));
                    sc.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
                });
            }
            if style == Style::Copy {
                trim_copy(meta, spec);
            }
        }
        "netadmin" => {
            with(spec, &|c| {
                add_capability(c, "NET_ADMIN");
                add_capability(c, "NET_RAW");
            });
            match style {
                Style::Node => host_namespaces(spec),
                Style::Copy => trim_copy(meta, spec),
                Style::Ephemeral => {}
            }
        }
        _ => {
            with(spec, &|c| {
                security(c).insert("privileged".into(), json!(true));
            });
            match style {
                Style::Node => {
                    host_namespaces(spec);
                    mount_root(spec);
                }
                Style::Copy => trim_copy(meta, spec),
                Style::Ephemeral => {}
            }
        }
    }
}

/// The debugging container's name: `--container`, else `debugger-` and five random
/// characters not taken in `pod` (saying so).
fn container_name(p: &Parsed, suffixes: &[String], pod: &Value, printed: &mut String) -> String {
    if let Some(c) = p.get("container").filter(|c| !c.is_empty()) {
        return c.to_string();
    }
    let taken = |name: &str| {
        ["containers", "initContainers", "ephemeralContainers"]
            .iter()
            .flat_map(|l| pod["spec"][*l].as_array().cloned().unwrap_or_default())
            .any(|c| c["name"] == name)
    };
    let name = suffixes
        .iter()
        .map(|s| format!("debugger-{s}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| "debugger".into());
    if !p.on("quiet") {
        printed.push_str(&format!("Defaulting debug container name to {name}.\n"));
    }
    name
}

/// The container fields the flags set: command or args, env, image, pull policy,
/// stdin and tty.
fn fill(c: &mut Value, p: &Parsed, env: &[Value]) {
    if !p.rest.is_empty() {
        if p.on("arguments-only") {
            c["args"] = json!(p.rest);
        } else {
            c["command"] = json!(p.rest);
            if let Some(m) = c.as_object_mut() {
                m.remove("args");
            }
        }
    }
    if !env.is_empty() {
        c["env"] = json!(env);
    }
    if let Some(image) = p.get("image").filter(|i| !i.is_empty()) {
        c["image"] = json!(image);
    }
    if let Some(policy) = p.get("image-pull-policy").filter(|i| !i.is_empty()) {
        c["imagePullPolicy"] = json!(policy);
    }
    c["stdin"] = json!(p.on("stdin"));
    c["tty"] = json!(p.on("tty"));
}

/// kubectl's checks of the flags, in its order (Validate).
fn validate(p: &Parsed, printed: &mut Vec<(bool, String)>) -> Result<(), String> {
    let image = p.get("image").unwrap_or("");
    let copy = p.get("copy-to").is_some_and(|c| !c.is_empty());
    if p.given("attach") && p.on("attach") && image.is_empty() && p.get("container").is_none() {
        return Err("error: you must specify --container or create a new container using --image in order to attach.".into());
    }
    if copy {
        if image.is_empty() && p.all("set-image").is_empty() && p.rest.is_empty() {
            return Err(
                "error: you must specify --image, --set-image or command arguments.".into(),
            );
        }
        if !p.rest.is_empty() && p.get("container").is_none() && image.is_empty() {
            return Err("error: you must specify an existing container or a new image when specifying args.".into());
        }
    } else if p.on("replace") {
        return Err("error: --replace may only be used with --copy-to.".into());
    } else if p.on("same-node") {
        return Err("error: --same-node may only be used with --copy-to.".into());
    } else if !p.all("set-image").is_empty() {
        return Err("error: --set-image may only be used with --copy-to.".into());
    } else if image.is_empty() {
        return Err("error: you must specify --image when not using --copy-to.".into());
    }
    if !image.is_empty() && !crate::reference::matches(image) {
        return Err(format!(
            "error: invalid image name \"{image}\": invalid reference format"
        ));
    }
    if p.positional.is_empty() {
        return Err("error: NAME or filename is required for debug".into());
    }
    match p.get("image-pull-policy").unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" | "" => {}
        other => return Err(format!("error: invalid image pull policy: {other}")),
    }
    for pair in p.all("set-image") {
        let (name, image) = pair.split_once('=').unwrap_or(("", &pair));
        if !crate::reference::matches(image) {
            return Err(format!("error: invalid image name \"{image}\" for container \"{name}\": invalid reference format"));
        }
    }
    if let Some(target) = p.get("target").filter(|t| !t.is_empty()) {
        if copy {
            return Err(
                "error: --target is incompatible with --copy-to. Use --share-processes instead."
                    .into(),
            );
        }
        if !p.on("quiet") {
            printed.push((false, format!("Targeting container {target:?}. If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n")));
        }
    }
    if p.on("tty") && !p.on("stdin") {
        return Err("error: -i/--stdin is required for containers with -t/--tty=true".into());
    }
    if p.get("profile").unwrap_or("legacy") == "legacy" {
        printed.push((true, "--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".\n".into()));
    }
    Ok(())
}

/// The plan for `request`: with no target, kubectl's checks of the flags; with one,
/// what to send for it.
pub fn plan(request: &Request) -> Plan {
    let p = &request.flags;
    let mut printed = vec![];
    let Some(target) = &request.target else {
        let profile = p.get("profile").unwrap_or("legacy");
        let action = if !PROFILES.contains(&profile) {
            Action::Fail(format!("error: unknown profile: {profile}"))
        } else if p.get("custom").is_some() {
            Action::Fail(
                "error: \"kubectl debug --custom\" is not supported in Kubarium yet".into(),
            )
        } else {
            validate(p, &mut printed).map_or_else(Action::Fail, |()| Action::Proceed)
        };
        return Plan { printed, action };
    };
    let mut out = String::new();
    let action = build(p, target, &request.suffixes, &mut out);
    if !out.is_empty() {
        printed.push((false, out));
    }
    Plan { printed, action }
}

/// What to send for `target`, printing on `printed`.
fn build(p: &Parsed, target: &Value, suffixes: &[String], printed: &mut String) -> Action {
    let profile = p.get("profile").unwrap_or("legacy");
    let mut env = vec![];
    for e in p.all("env") {
        match e.split_once('=') {
            Some((k, v)) => env.push(json!({"name": k, "value": v})),
            None => return Action::Fail(format!("error: internal error getting env flag: {e}")),
        }
    }
    if target["kind"] == "Node" {
        let node_name = target["metadata"]["name"].as_str().unwrap_or("");
        let container = p.get("container").unwrap_or("debugger").to_string();
        let name = format!(
            "node-debugger-{node_name}-{}",
            suffixes.first().map_or("", String::as_str)
        );
        if !p.on("quiet") {
            printed.push_str(&format!(
                "Creating debugging pod {name} with container {container} on node {node_name}.\n"
            ));
        }
        let mut c = json!({"name": container, "terminationMessagePolicy": "File", "resources": {}});
        fill(&mut c, p, &env);
        let mut meta =
            json!({"name": name, "labels": {"app.kubernetes.io/managed-by": "kubectl-debug"}});
        let mut spec = json!({
            "containers": [c], "nodeName": node_name, "restartPolicy": "Never",
            "tolerations": [{"operator": "Exists"}],
        });
        apply_profile(profile, Style::Node, p, (&mut meta, &mut spec), &container);
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
        return Action::Create { pod, container };
    }
    if p.get("copy-to").is_none_or(str::is_empty) {
        let name = container_name(p, suffixes, target, printed);
        let mut c = json!({"name": name, "terminationMessagePolicy": "File", "resources": {}});
        fill(&mut c, p, &env);
        if let Some(t) = p.get("target").filter(|t| !t.is_empty()) {
            c["targetContainerName"] = json!(t);
        }
        let mut spec = json!({"ephemeralContainers": [c]});
        let mut meta = json!({});
        apply_profile(profile, Style::Ephemeral, p, (&mut meta, &mut spec), &name);
        return Action::Patch {
            patch: json!({"spec": spec}),
            container: name,
        };
    }
    copy(p, target, suffixes, &env, printed)
}

/// `--copy-to`: the pod copied with a debugging container (or one of its containers
/// changed), its images set as `--set-image` says.
fn copy(
    p: &Parsed,
    pod: &Value,
    suffixes: &[String],
    env: &[Value],
    printed: &mut String,
) -> Action {
    let profile = p.get("profile").unwrap_or("legacy");
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let mut meta = json!({
        "name": p.get("copy-to").unwrap_or(""), "namespace": ns,
        "annotations": pod["metadata"]["annotations"], "labels": pod["metadata"]["labels"],
    });
    if let Some(m) = meta.as_object_mut() {
        m.retain(|_, v| !v.is_null());
    }
    let mut spec = pod["spec"].clone();
    if let Some(s) = spec.as_object_mut() {
        s.remove("ephemeralContainers");
        if !p.on("same-node") {
            s.remove("nodeName");
        }
    }
    if p.given("share-processes") {
        spec["shareProcessNamespace"] = json!(p.on("share-processes"));
    }
    let images: Vec<(String, String)> = p
        .all("set-image")
        .iter()
        .filter_map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    for c in spec["containers"].as_array_mut().into_iter().flatten() {
        let image = images
            .iter()
            .find(|(k, _)| c["name"] == k.as_str())
            .or_else(|| images.iter().find(|(k, _)| k == "*"));
        if let Some((_, image)) = image {
            c["image"] = json!(image);
        }
    }
    let wanted = p.get("container").unwrap_or("");
    let exists = spec["containers"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["name"] == wanted));
    let name = if exists {
        wanted.to_string()
    } else if p.get("image").unwrap_or("").is_empty() {
        if images.is_empty() {
            return Action::Fail(
                "error: you must specify image when creating new container".into(),
            );
        }
        String::new()
    } else {
        let copied = json!({"spec": spec});
        let name = container_name(p, suffixes, &copied, printed);
        if let Some(cs) = spec["containers"].as_array_mut() {
            cs.push(json!({"name": name, "terminationMessagePolicy": "File", "resources": {}}));
        }
        name
    };
    if !name.is_empty() {
        for c in spec["containers"].as_array_mut().into_iter().flatten() {
            if c["name"] == name.as_str() {
                fill(c, p, env);
            }
        }
        apply_profile(profile, Style::Copy, p, (&mut meta, &mut spec), &name);
    }
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
    Action::Create {
        pod,
        container: name,
    }
}
