//! `kubectl debug`: an ephemeral container added to a running pod (through
//! `pods/NAME/ephemeralcontainers`), a copy of a pod with a debugging container
//! (`--copy-to`), or a pod on a node (`node/NAME`) sharing its namespaces, with its root
//! filesystem at /host. The profile (`legacy` by default, with kubectl's deprecation
//! notice) shapes the container as kubectl's profiles do. With `-i`, kubectl waits for
//! the container and attaches to it.

use serde_json::{json, Map, Value};

use super::client;
use super::flags::Parsed;
use super::{fail, namespace, Ctx};
use crate::apiserver::request::PatchType;
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

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
fn container_name(p: &Parsed, ctx: &mut Ctx<'_>, pod: &Value, out: &mut Output) -> String {
    if let Some(c) = p.get("container").filter(|c| !c.is_empty()) {
        return c.to_string();
    }
    let taken = |name: &str| {
        ["containers", "initContainers", "ephemeralContainers"]
            .iter()
            .flat_map(|l| pod["spec"][*l].as_array().cloned().unwrap_or_default())
            .any(|c| c["name"] == name)
    };
    let name = loop {
        let name = format!("debugger-{}", ctx.cluster.api.rng.name_suffix(5));
        if !taken(&name) {
            break name;
        }
    };
    if !p.on("quiet") {
        out.out(format!("Defaulting debug container name to {name}.\n"));
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
fn validate(p: &Parsed, out: &mut Output) -> Result<(), String> {
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
            out.out(format!("Targeting container {target:?}. If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n"));
        }
    }
    if p.on("tty") && !p.on("stdin") {
        return Err("error: -i/--stdin is required for containers with -t/--tty=true".into());
    }
    if p.get("profile").unwrap_or("legacy") == "legacy" {
        out.err("--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".\n");
    }
    Ok(())
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let mut out = Output::default();
    let profile = p.get("profile").unwrap_or("legacy").to_string();
    if !PROFILES.contains(&profile.as_str()) {
        return fail(format!("error: unknown profile: {profile}"));
    }
    if p.get("custom").is_some() {
        return fail("error: \"kubectl debug --custom\" is not supported in Kubarium yet");
    }
    let mut env = vec![];
    for e in p.all("env") {
        match e.split_once('=') {
            Some((k, v)) => env.push(json!({"name": k, "value": v})),
            None => return fail(format!("error: internal error getting env flag: {e}")),
        }
    }
    if let Err(e) = validate(p, &mut out) {
        out.err(format!("{e}\n"));
        return CmdResult {
            output: out,
            code: 1,
        };
    }
    let ns = namespace(p);
    let attach = if p.given("attach") {
        p.on("attach")
    } else {
        p.on("stdin")
    };
    if attach && !ctx.foreground {
        return fail("error: \"kubectl debug -i\" in a pipeline, a redirection or a substitution is not supported in Kubarium yet");
    }
    for target in p.positional.clone() {
        let (kind, name) = target.split_once('/').unwrap_or(("pods", &target));
        let catalog = client::discover(ctx.cluster);
        let r = match super::resource_type(&catalog, kind) {
            Ok(r) => r,
            Err(e) => return done(out, fail(e)),
        };
        let got = client::connect(ctx.cluster).get(r, &ns, name);
        let obj = match got {
            Ok(o) => o,
            Err(e) => return done(out, fail(e.kubectl_message())),
        };
        let visited = match (r.group, r.kind) {
            ("", "Node") => node_pod(p, ctx, &ns, &obj, &env, &profile, &mut out),
            ("", "Pod") if p.get("copy-to").is_some_and(|c| !c.is_empty()) => {
                copy_pod(p, ctx, &obj, &env, &profile, &mut out)
            }
            ("", "Pod") => ephemeral(p, ctx, &obj, &env, &profile, &mut out),
            _ => Err(format!(
                "error: \"{}/{}, Kind={}\" not supported by debug",
                r.group, r.version, r.kind
            )),
        };
        let (pod, container) = match visited {
            Ok(v) => v,
            Err(e) => {
                out.err(format!("{e}\n"));
                return CmdResult {
                    output: out,
                    code: 1,
                };
            }
        };
        if attach && !container.is_empty() {
            let now = ctx.cluster.now();
            ctx.run = Some(super::run::Attach::debug(&pod, &container, p, now));
            // kubectl attaches to the first object it debugs.
            break;
        }
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

/// Ends with `res`, after what was printed before it.
fn done(mut out: Output, res: CmdResult) -> CmdResult {
    out.extend(res.output);
    CmdResult {
        output: out,
        code: res.code,
    }
}

/// `kubectl debug node/NAME`: a pod on that node, with the node's root at /host.
fn node_pod(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    ns: &str,
    node: &Value,
    env: &[Value],
    profile: &str,
    out: &mut Output,
) -> Result<(Value, String), String> {
    let node_name = node["metadata"]["name"].as_str().unwrap_or("");
    let container = p.get("container").unwrap_or("debugger").to_string();
    let name = format!(
        "node-debugger-{node_name}-{}",
        ctx.cluster.api.rng.name_suffix(5)
    );
    if !p.on("quiet") {
        out.out(format!(
            "Creating debugging pod {name} with container {container} on node {node_name}.\n"
        ));
    }
    let mut c = json!({"name": container, "terminationMessagePolicy": "File", "resources": {}});
    fill(&mut c, p, env);
    let mut meta =
        json!({"name": name, "labels": {"app.kubernetes.io/managed-by": "kubectl-debug"}});
    let mut spec = json!({
        "containers": [c], "nodeName": node_name, "restartPolicy": "Never",
        "tolerations": [{"operator": "Exists"}],
    });
    apply_profile(profile, Style::Node, p, (&mut meta, &mut spec), &container);
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
    let (created, _) = client::connect(ctx.cluster)
        .create(resources::pods(), ns, pod, &[])
        .map_err(|e| e.kubectl_message())?;
    Ok((created, container))
}

/// `kubectl debug POD --image=...`: an ephemeral container added to the pod.
fn ephemeral(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    pod: &Value,
    env: &[Value],
    profile: &str,
    out: &mut Output,
) -> Result<(Value, String), String> {
    let name = container_name(p, ctx, pod, out);
    let mut c = json!({"name": name, "terminationMessagePolicy": "File", "resources": {}});
    fill(&mut c, p, env);
    if let Some(target) = p.get("target").filter(|t| !t.is_empty()) {
        c["targetContainerName"] = json!(target);
    }
    let mut spec = json!({"ephemeralContainers": [c]});
    let mut meta = json!({});
    apply_profile(profile, Style::Ephemeral, p, (&mut meta, &mut spec), &name);
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let pod_name = pod["metadata"]["name"].as_str().unwrap_or("");
    let patched = client::connect(ctx.cluster).patch(
        resources::pods(),
        ns,
        pod_name,
        "ephemeralcontainers",
        PatchType::StrategicMerge,
        json!({"spec": spec}),
        &[],
    );
    let (pod, _) = patched.map_err(|e| e.kubectl_message())?;
    Ok((pod, name))
}

/// `kubectl debug POD --copy-to=NAME`: a copy of the pod with a debugging container
/// (or one of its containers changed), created beside it (or in its place).
fn copy_pod(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    pod: &Value,
    env: &[Value],
    profile: &str,
    out: &mut Output,
) -> Result<(Value, String), String> {
    let ns = pod["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string();
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
    } else {
        if p.get("image").unwrap_or("").is_empty() {
            if !images.is_empty() {
                return create_copy(ctx, p, pod, meta, spec, String::new());
            }
            return Err("error: you must specify image when creating new container".into());
        }
        let copied = json!({"spec": spec});
        let name = container_name(p, ctx, &copied, out);
        if let Some(cs) = spec["containers"].as_array_mut() {
            cs.push(json!({"name": name, "terminationMessagePolicy": "File", "resources": {}}));
        }
        name
    };
    for c in spec["containers"].as_array_mut().into_iter().flatten() {
        if c["name"] == name.as_str() {
            fill(c, p, env);
        }
    }
    apply_profile(profile, Style::Copy, p, (&mut meta, &mut spec), &name);
    create_copy(ctx, p, pod, meta, spec, name)
}

/// Creates the copy; with `--replace`, deletes the original (at once) after.
fn create_copy(
    ctx: &mut Ctx<'_>,
    p: &Parsed,
    pod: &Value,
    meta: Value,
    spec: Value,
    container: String,
) -> Result<(Value, String), String> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let copy = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
    let mut api = client::connect(ctx.cluster);
    let (created, _) = api
        .create(resources::pods(), ns, copy, &[])
        .map_err(|e| e.kubectl_message())?;
    if p.on("replace") {
        let name = pod["metadata"]["name"].as_str().unwrap_or("");
        api.delete(resources::pods(), ns, name, Some(0))
            .map_err(|e| e.kubectl_message())?;
    }
    Ok((created, container))
}
