//! `kubectl run`: builds a Pod the way kubectl's generator does, applies `--overrides`
//! (merge, JSON or strategic patch), creates it (or prints it for `--dry-run=client`), and
//! with `--expose` a ClusterIP Service in front of it.

use serde_json::{json, Map, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, namespace, Ctx};
use crate::apiserver::patch;
use crate::apiserver::request::PatchType;
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

fn pairs(list: &[String], what: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    for item in list.iter().flat_map(|l| l.split(',')) {
        match item.split_once('=') {
            Some((k, v)) => {
                m.insert(k.to_string(), Value::String(v.to_string()));
            }
            None => return Err(format!("error: unexpected {what} spec: {item}")),
        }
    }
    Ok(m)
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(image) = p.get("image").filter(|i| !i.is_empty()) else {
        return fail("error: required flag(s) \"image\" not set");
    };
    let Some(name) = p.positional.first() else {
        return fail("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
    };
    if !crate::reference::matches(image) {
        return fail(format!(
            "error: Invalid image name \"{image}\": invalid reference format"
        ));
    }
    let attach = p.on("stdin");
    let remove = p.on("rm");
    if p.on("tty") && !attach {
        return fail("error: -i/--stdin is required for containers with -t/--tty=true\nSee 'kubectl run -h' for help and examples");
    }
    if remove && !attach {
        return fail("error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples");
    }
    // Attached, the pod's process runs to completion by default.
    let restart = p
        .get("restart")
        .unwrap_or(if attach { "OnFailure" } else { "Always" });
    if !["Always", "OnFailure", "Never"].contains(&restart) {
        return fail(format!(
            "error: invalid restart policy: {restart}\nSee 'kubectl run -h' for help and examples"
        ));
    }
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if attach && dry != DryRun::None {
        return fail("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples");
    }
    if attach && !ctx.foreground {
        return fail("error: \"kubectl run -i\" in a pipeline, a redirection, a substitution or with other commands on the line is not supported in Kubarium yet");
    }
    let labels = match p.get("labels") {
        Some(l) => match pairs(&[l.to_string()], "label") {
            Ok(m) => m,
            Err(e) => return fail(e),
        },
        None => {
            let mut m = Map::new();
            m.insert("run".into(), Value::String(name.clone()));
            m
        }
    };
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if !p.rest.is_empty() {
        let key = if p.on("command") { "command" } else { "args" };
        container[key] = json!(p.rest);
    }
    let env = p.all("env");
    if !env.is_empty() {
        let mut vars = vec![];
        for e in env {
            match e.split_once('=') {
                Some((k, v)) => vars.push(json!({"name": k, "value": v})),
                None => return fail(format!("error: invalid env: {e}")),
            }
        }
        container["env"] = json!(vars);
    }
    if let Some(port) = p.get("port") {
        match port.parse::<i64>() {
            Ok(n) => container["ports"] = json!([{"containerPort": n}]),
            Err(_) => {
                return fail(format!(
                    "error: strconv.Atoi: parsing \"{port}\": invalid syntax"
                ))
            }
        }
    }
    if let Some(policy) = p.get("image-pull-policy") {
        container["imagePullPolicy"] = json!(policy);
    }
    if attach {
        container["stdin"] = json!(true);
        container["stdinOnce"] = json!(true);
        if p.on("tty") {
            container["tty"] = json!(true);
        }
    }
    let mut metadata = json!({"name": name, "labels": labels});
    if let Some(ns) = p.get("namespace") {
        metadata["namespace"] = json!(ns);
    }
    let annotations = p.all("annotations");
    if !annotations.is_empty() {
        match pairs(&annotations, "annotation") {
            Ok(m) => metadata["annotations"] = Value::Object(m),
            Err(e) => return fail(e),
        }
    }
    let port = container["ports"][0]["containerPort"].as_i64();
    let selector = Value::Object(labels);
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    });
    let pod = match overridden(p, pod) {
        Ok(pod) => pod,
        Err(e) => return e,
    };
    let service = if p.on("expose") {
        let Some(port) = port else {
            return fail("error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples");
        };
        let mut metadata = json!({"name": name});
        if let Some(ns) = p.get("namespace") {
            metadata["namespace"] = json!(ns);
        }
        Some(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": metadata,
            "spec": {
                "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                "selector": selector,
            },
            "status": {"loadBalancer": {}},
        }))
    } else {
        None
    };
    let mut out = Output::default();
    if dry == DryRun::Client {
        // kubectl 1.35 leaves a zero creationTimestamp out (omitzero).
        let mut shown = vec![];
        if let Some(svc) = service {
            shown.push(("service", svc));
        }
        shown.push(("pod", pod));
        for (i, (kind, obj)) in shown.into_iter().enumerate() {
            out.out(match format.as_str() {
                "" => format!("{kind}/{name} created (dry run)\n"),
                "name" => format!("{kind}/{name}\n"),
                // The service's printer and the pod's each start a new document.
                "yaml" if i > 0 => format!("---\n---\n{}", print_built(obj, "yaml")),
                f => print_built(obj, f),
            });
        }
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    let ns = namespace(p);
    let manager = p.get("field-manager").unwrap_or("kubectl-run");
    let mut query = client::write_query(dry == DryRun::Server, "Strict").to_vec();
    query.push(("fieldManager", manager));
    let mut client = client::connect(ctx.cluster);
    // The pod first; its Service is created and printed before the pod is printed.
    let created = match client.create(resources::pods(), &ns, pod, &query) {
        Ok(c) => c,
        Err(e) => return fail(e.kubectl_message()),
    };
    let mut printed = vec![];
    if let Some(svc) = service {
        match client.create(resources::services(), &ns, svc, &query) {
            Ok((obj, _)) => printed.push(("service", obj)),
            Err(e) => return fail(e.kubectl_message()),
        }
    }
    let (obj, warnings) = created;
    for w in warnings {
        out.err(format!("Warning: {w}\n"));
    }
    if attach {
        // kubectl waits for the pod, shows what its container prints, and ends with it.
        // A shell reading the terminal gets the terminal's lines.
        let shell = reads_terminal(image, &p.rest).then(|| {
            let program = p.rest.first().map_or("sh", String::as_str);
            let prompt = super::exec::prompt(p.on("tty"), program, image, name);
            (program.to_string(), prompt)
        });
        ctx.run = Some(Attach {
            namespace: ns,
            pod: name.clone(),
            container: name.clone(),
            remove,
            since: ctx.cluster.now(),
            seen: 0,
            restarts: 0,
            running_seen: false,
            ended_at: None,
            restart_always: restart == "Always",
            code: 0,
            shell,
            session: None,
        });
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    printed.push(("pod", obj));
    for (kind, obj) in printed {
        out.out(match format.as_str() {
            "" => format!("{kind}/{name} created{}\n", dry.suffix()),
            "name" => format!("{kind}/{name}\n"),
            f => print_objects(vec![obj], f, true),
        });
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

/// The pod with `--overrides` applied as a patch of `--override-type` (merge by default).
fn overridden(p: &Parsed, pod: Value) -> Result<Value, CmdResult> {
    let Some(text) = p.get("overrides").filter(|o| !o.is_empty()) else {
        return Ok(pod);
    };
    let ty = match p.get("override-type").unwrap_or("merge") {
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        "strategic" => PatchType::StrategicMerge,
        other => return Err(fail(format!("error: invalid override type: {other}"))),
    };
    let Ok(overrides) = serde_json::from_str::<Value>(text) else {
        return Err(fail("error: Invalid JSON Patch"));
    };
    let mut merged = patch::apply(ty, &pod, &overrides, "Pod")
        .map_err(|e| fail(format!("error: {}", e.message)))?;
    // Containers decode with their (empty) resources, as kubectl's typed Pod prints them.
    if let Some(cs) = merged["spec"]["containers"].as_array_mut() {
        for c in cs.iter_mut().filter(|c| c.is_object()) {
            if c.get("resources").is_none() {
                c["resources"] = json!({});
            }
        }
    }
    Ok(merged)
}

/// A container spec's command and args, in that order.
pub(super) fn command_line(spec: &Value) -> Vec<String> {
    ["command", "args"]
        .iter()
        .flat_map(|k| spec[*k].as_array().cloned().unwrap_or_default())
        .filter_map(|w| w.as_str().map(str::to_string))
        .collect()
}

/// Whether a container would read the terminal: a shell with no script (given, or its
/// image's default command).
pub(super) fn reads_terminal(image: &str, argv: &[String]) -> bool {
    crate::kubelet::images::pull(image)
        .is_ok_and(|i| crate::kubelet::process::reads_terminal(i, argv))
}

/// What kubectl prints when a terminal session with a container's own process ends:
/// how to attach again, for a pod that restarts it (or for an ephemeral container,
/// which is never restarted).
fn reattach(pod: &Value, container: &str, raw: bool) -> Option<String> {
    if !raw || pod["spec"]["restartPolicy"] != "Always" {
        return None;
    }
    let name = pod["metadata"]["name"].as_str().unwrap_or("");
    let ephemeral = pod["spec"]["ephemeralContainers"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["name"] == container));
    Some(if ephemeral {
        format!("Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach {name} -c {container} -i -t' if it is still running\n")
    } else {
        format!("Session ended, resume using 'kubectl attach {name} -c {container} -i -t' command when the pod is running\n")
    })
}

/// `kubectl run -i [--rm]` attached to its pod: it waits for the pod to start (one
/// minute at most), prints what the container writes until it ends, then ends with the
/// container's exit code, deleting the pod first with `--rm`.
#[derive(Debug, Clone)]
pub struct Attach {
    namespace: String,
    pod: String,
    container: String,
    remove: bool,
    since: crate::clock::Millis,
    /// Lines of the log printed (or passed) so far, the restarts it had when attached,
    /// and whether the container was seen running.
    seen: usize,
    restarts: i64,
    running_seen: bool,
    /// When its container first ended (exited or restarted).
    ended_at: Option<crate::clock::Millis>,
    restart_always: bool,
    /// The exit status once it has ended.
    pub code: i32,
    /// For a shell reading the terminal: the shell and its prompt; the session with it
    /// once its container runs, until the terminal takes it.
    shell: Option<(String, String)>,
    session: Option<super::exec::Attached>,
}

impl Attach {
    /// `kubectl attach` to a running container: what it writes from now on, until it
    /// exits (`seen`: the lines of its log so far; `restarts`: its restart count).
    pub fn running(
        namespace: &str,
        pod: &str,
        container: &str,
        seen: usize,
        restarts: i64,
    ) -> Self {
        Attach {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.into(),
            remove: false,
            since: 0,
            seen,
            restarts,
            running_seen: true,
            ended_at: None,
            restart_always: true,
            code: 0,
            shell: None,
            session: None,
        }
    }

    /// `kubectl debug -i`: waits for the debugging container `container` of `pod` to
    /// start, then attaches to it (a shell there takes the terminal; another program's
    /// output shows until it exits).
    pub fn debug(pod: &Value, container: &str, p: &Parsed, now: crate::clock::Millis) -> Self {
        let spec = ["containers", "ephemeralContainers"]
            .iter()
            .flat_map(|l| pod["spec"][*l].as_array().cloned().unwrap_or_default())
            .find(|c| c["name"] == container)
            .unwrap_or_default();
        let argv = command_line(&spec);
        let image = spec["image"].as_str().unwrap_or("");
        let name = pod["metadata"]["name"].as_str().unwrap_or("");
        let shell = (p.on("stdin") && reads_terminal(image, &argv)).then(|| {
            let program = argv.first().map_or("sh", String::as_str);
            (
                program.to_string(),
                super::exec::prompt(p.on("tty"), program, image, name),
            )
        });
        Attach {
            namespace: pod["metadata"]["namespace"].as_str().unwrap_or("").into(),
            pod: name.into(),
            container: container.into(),
            remove: false,
            since: now,
            seen: 0,
            restarts: 0,
            running_seen: false,
            ended_at: None,
            restart_always: true,
            code: 0,
            shell,
            session: None,
        }
    }

    /// Back from the terminal's session with the container's shell: what that session
    /// showed (now in the container's log) is on the screen already.
    pub fn resume(&mut self, cluster: &mut crate::cluster::Cluster) {
        let log = super::logs::read(cluster, &self.namespace, &self.pod, &self.container);
        self.seen = log.lines().count();
    }

    /// The session with its container's shell, once that runs (the terminal takes it;
    /// this waits for the pod again when the shell has exited).
    pub fn take_session(&mut self) -> Option<super::exec::Attached> {
        self.session.take()
    }

    /// What it printed since the last call; `None` once it has ended.
    pub fn poll(&mut self, cluster: &mut crate::cluster::Cluster) -> Option<Output> {
        if self.seen == usize::MAX {
            return None;
        }
        let mut out = Output::default();
        let pod = client::connect(cluster)
            .get(resources::pods(), &self.namespace, &self.pod)
            .ok();
        let Some(pod) = pod else {
            out.err(format!(
                "Error from server (NotFound): pods \"{}\" not found\n",
                self.pod
            ));
            self.code = 1;
            self.seen = usize::MAX;
            return Some(out);
        };
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        let status = [
            "initContainerStatuses",
            "containerStatuses",
            "ephemeralContainerStatuses",
        ]
        .iter()
        .flat_map(|l| pod["status"][*l].as_array().cloned().unwrap_or_default())
        .find(|c| c["name"] == self.container.as_str())
        .unwrap_or_default();
        let state = &status["state"];
        let started = state["running"].is_object() || state["terminated"].is_object();
        if !started {
            if cluster.now() - self.since > crate::clock::MINUTE {
                out.err("error: timed out waiting for the condition\n");
                self.finish(cluster, &mut out, 1);
            }
            return Some(out);
        }
        if state["running"].is_object() && !self.running_seen {
            // kubectl attaches to the running container.
            self.running_seen = true;
            out.err("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n");
            if let Some((shell, prompt)) = self.shell.take() {
                let target = (
                    self.namespace.as_str(),
                    self.pod.as_str(),
                    self.container.as_str(),
                );
                let farewell = reattach(&pod, &self.container, !prompt.is_empty());
                self.session = Some(super::exec::Attached::own(target, &shell, prompt, farewell));
                return Some(out);
            }
        }
        let restarts = status["restartCount"].as_i64().unwrap_or(0);
        if self.ended_at.is_none() && (state["terminated"].is_object() || restarts > self.restarts)
        {
            self.ended_at = Some(cluster.now());
        }
        let log = super::logs::read(cluster, &self.namespace, &self.pod, &self.container);
        let fresh: String = log
            .lines()
            .skip(self.seen)
            .map(|l| format!("{l}\n"))
            .collect();
        self.seen += fresh.lines().count();
        out.out(fresh);
        // With restartPolicy Always (and for `kubectl attach`) kubectl does not wait for
        // an exit code: the attach ends with the container's first exit.
        if self.restart_always && self.ended_at.is_some() {
            self.finish(cluster, &mut out, 0);
            return Some(out);
        }
        match phase {
            "Succeeded" => self.finish(cluster, &mut out, 0),
            "Failed" => {
                let t = &state["terminated"];
                let rc = t["exitCode"].as_i64().unwrap_or(0) as i32;
                let code = if rc == 0 {
                    out.err(format!(
                        "error: pod {}/{} failed with unknown exit code\n",
                        self.namespace, self.pod
                    ));
                    1
                } else {
                    let mut msg = format!(
                        "pod {}/{} terminated ({})\n{}",
                        self.namespace,
                        self.pod,
                        t["reason"].as_str().unwrap_or(""),
                        t["message"].as_str().unwrap_or("")
                    );
                    if !msg.ends_with('\n') {
                        msg.push('\n');
                    }
                    out.err(msg);
                    rc
                };
                self.finish(cluster, &mut out, code);
            }
            // Otherwise it waits (a minute at most) for the pod to complete.
            _ if self
                .ended_at
                .is_some_and(|t| cluster.now() - t > crate::clock::MINUTE) =>
            {
                out.err("error: timed out waiting for the condition\n");
                self.finish(cluster, &mut out, 1);
            }
            _ => {}
        }
        Some(out)
    }

    /// Whether it has ended.
    pub fn ended(&self) -> bool {
        self.seen == usize::MAX
    }

    /// Ends it with `code`, deleting the pod when asked.
    fn finish(&mut self, cluster: &mut crate::cluster::Cluster, out: &mut Output, code: i32) {
        if self.remove {
            let deleted = client::connect(cluster).delete(
                resources::pods(),
                &self.namespace,
                &self.pod,
                None,
            );
            if deleted.is_ok() {
                out.out(format!(
                    "pod \"{}\" deleted from {} namespace\n",
                    self.pod, self.namespace
                ));
            }
        }
        self.code = code;
        self.seen = usize::MAX;
    }
}
