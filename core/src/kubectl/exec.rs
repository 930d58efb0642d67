//! `kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]`: the
//! pod (for a workload, its first pod), its container (the default-container
//! annotation, else the first, saying so when there were others), and the command run
//! there through the API server and the node's kubelet; a non-zero exit is `command
//! terminated with exit code N`.

use serde_json::Value;

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::logs::{by_logging, default_container, selector_for};
use super::{fail, namespace, resource_type, Ctx};
use crate::apiserver::request::{Method, Request};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output};

const HELP: &str = "See 'kubectl exec -h' for help and examples";

use crate::kubelet::process::SHELLS;

/// `kubectl exec -it POD -- sh`: the terminal attached to a shell in a container. Each
/// line typed runs there (through the same API as a one-off exec) until `exit`. Attached
/// to a container's own shell (`kubectl attach -it`, `kubectl run -it`, `kubectl debug
/// -it`), the lines go to that process (`pods/attach`), and `exit` ends the container.
#[derive(Debug, Clone)]
pub struct Attached {
    namespace: String,
    pod: String,
    container: String,
    shell: String,
    /// Its prompt (BusyBox's `/ # `, bash's `root@POD:/# `, dash's `# `).
    prompt: String,
    /// The last command's exit status.
    pub status: i32,
    /// Whether the shell is the container's own process.
    own: bool,
    /// What kubectl does once that shell has exited: `kubectl run` waits for its pod.
    pub then: Option<Box<super::run::Attach>>,
    /// What kubectl prints when the session ends (how to attach again).
    pub farewell: Option<String>,
}

/// A shell's prompt on a terminal (none without one): bash's `root@POD:/# `, BusyBox's
/// `/ # `, dash's `# `.
pub(super) fn prompt(tty: bool, shell: &str, image: &str, pod: &str) -> String {
    if tty {
        crate::kubelet::process::shell_prompt(shell, image, pod)
    } else {
        String::new()
    }
}

impl Attached {
    /// A session with the shell that is container `container`'s own process.
    pub fn own(
        (namespace, pod, container): (&str, &str, &str),
        shell: &str,
        prompt: String,
        farewell: Option<String>,
    ) -> Self {
        Attached {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.into(),
            shell: shell.into(),
            prompt,
            status: 0,
            own: true,
            then: None,
            farewell,
        }
    }

    /// Whether the shell is the container's own process (kubectl does not end with its
    /// status).
    pub fn is_own(&self) -> bool {
        self.own
    }

    pub fn prompt(&self) -> String {
        self.prompt.clone()
    }

    /// Where its container has its node's root (a hostPath volume of `/`), and that
    /// node's name.
    pub fn node_root(&self, cluster: &mut crate::cluster::Cluster) -> Option<(String, String)> {
        let pod = client::connect(cluster)
            .get(resources::pods(), &self.namespace, &self.pod)
            .ok()?;
        let spec = &pod["spec"];
        let node = spec["nodeName"].as_str()?.to_string();
        let container = ["containers", "initContainers", "ephemeralContainers"]
            .iter()
            .flat_map(|k| spec[*k].as_array().into_iter().flatten())
            .find(|c| c["name"] == self.container.as_str())?;
        crate::kubelet::host_paths(&spec["volumes"], &container["volumeMounts"])
            .into_iter()
            .find(|(_, on_node)| on_node.is_empty())
            .map(|(path, _)| (path.to_string(), node))
    }

    /// Whether its container still runs (the session lasts as long as it does).
    fn still_running(&self, cluster: &mut crate::cluster::Cluster) -> bool {
        client::connect(cluster)
            .get(resources::pods(), &self.namespace, &self.pod)
            .is_ok_and(|pod| {
                pod["status"]["containerStatuses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| {
                        c["name"] == self.container.as_str() && c["state"]["running"].is_object()
                    })
            })
    }

    /// Runs a typed line in the container; returns what it printed, and `Some(code)`
    /// once the shell has exited.
    pub fn input(
        &mut self,
        cluster: &mut crate::cluster::Cluster,
        line: &str,
    ) -> (Output, Option<i32>) {
        if self.own {
            return self.typed(cluster, line);
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => return (Output::default(), None),
            ["exit"] => return (Output::default(), Some(self.status)),
            ["exit", n] => {
                let code = n.parse::<i64>().map_or(2, |c| c.rem_euclid(256) as i32);
                return (Output::default(), Some(code));
            }
            _ => {}
        }
        // Each line runs in a fresh shell; `$?` is the last line's status.
        let script = line.replace("$?", &self.status.to_string());
        let command = [self.shell.clone(), "-c".into(), script];
        let res = exec_in(
            cluster,
            &self.namespace,
            &self.pod,
            &self.container,
            &command,
            None,
            true,
        );
        if res.code == 1 && !self.still_running(cluster) {
            // The container is gone: the session ends with kubectl's error.
            return (res.output, Some(1));
        }
        // Inside the shell a failing command only sets its status.
        let mut out = Output::default();
        for (stream, text) in res.output.chunks {
            if text.starts_with("command terminated with exit code") {
                continue;
            }
            match stream {
                crate::command::Stream::Err => out.err(text),
                crate::command::Stream::Out => out.out(text),
            }
        }
        self.status = res.code;
        (out, None)
    }
}

impl Attached {
    /// A line typed to the container's own shell, through `pods/attach`.
    fn typed(
        &mut self,
        cluster: &mut crate::cluster::Cluster,
        line: &str,
    ) -> (Output, Option<i32>) {
        if line.trim().is_empty() {
            return (Output::default(), None);
        }
        // The shell keeps its own `$?`: the line goes as typed.
        let script = line.to_string();
        let mut req = Request::new(
            Method::Post,
            resources::pods().path(Some(&self.namespace), Some(&self.pod)) + "/attach",
        )
        .query("container", &self.container)
        .query("stdin", "true")
        .query("stdout", "true")
        .query(
            "tty",
            if self.prompt.is_empty() {
                "false"
            } else {
                "true"
            },
        );
        req.body = Some(Value::String(script));
        let resp = client::connect(cluster).send(req);
        let mut out = Output::default();
        if !resp.is_success() {
            // The container is gone: the session ends.
            let message = resp.body["message"].as_str().unwrap_or("");
            out.err(format!("error: {message}\n"));
            return (out, Some(1));
        }
        for piece in resp.body["output"].as_array().into_iter().flatten() {
            let text = piece[1].as_str().unwrap_or("").to_string();
            if piece[0] == true && self.prompt.is_empty() {
                out.err(text);
            } else {
                out.out(text);
            }
        }
        self.status = resp.body["exitCode"].as_i64().unwrap_or(0) as i32;
        let ended = resp.body["ended"] == true;
        (out, ended.then_some(self.status))
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let ns = namespace(p);
    // cobra's ArgsLenAtDash: the words before `--` name the pod, those after are the
    // command.
    let Some(target) = p.positional.first() else {
        return fail("error: pod, type/name or --filename must be specified");
    };
    if !p.dashdash && p.positional.len() > 1 {
        return fail(format!("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n{HELP}"));
    }
    let command: Vec<String> = p.positional[1..]
        .iter()
        .chain(p.rest.iter())
        .cloned()
        .collect();
    if command.is_empty() {
        return fail("error: you must specify at least one command for the container");
    }
    let quiet = p.on("quiet");
    let mut out = Output::default();
    let pod = match pod_for(ctx, &ns, target) {
        Ok(pod) => pod,
        Err(e) => return fail(e),
    };
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return fail(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let container = match p.get("container") {
        Some(c) => c.to_string(),
        None => default_container(&pod, quiet, &mut out),
    };
    let stdin = p.on("stdin");
    let tty = p.on("tty") && stdin;
    let container = container.to_string();
    let name = pod["metadata"]["name"].as_str().unwrap_or("");
    let program = command[0].rsplit('/').next().unwrap_or("");
    if stdin && ctx.stdin.is_none() && SHELLS.contains(&program) && command.len() == 1 {
        if !ctx.foreground {
            return fail("error: an interactive shell (kubectl exec -it POD -- sh) in a pipeline, a redirection or a substitution is not supported in Kubarium yet");
        }
        // The shell must be there: a one-off run of it with nothing to read tells.
        let probe = exec_in(
            ctx.cluster,
            &ns,
            name,
            &container,
            &[command[0].clone(), "-c".into(), "true".into()],
            None,
            tty,
        );
        if probe.code != 0 {
            out.extend(probe.output);
            return CmdResult {
                output: out,
                code: probe.code,
            };
        }
        let image = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["name"] == container.as_str())
            .and_then(|c| c["image"].as_str())
            .unwrap_or("");
        ctx.attach = Some(Attached {
            namespace: ns.clone(),
            pod: name.to_string(),
            container,
            shell: command[0].clone(),
            prompt: prompt(tty, program, image, name),
            status: 0,
            own: false,
            then: None,
            farewell: None,
        });
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    if p.on("tty") && stdin && ctx.stdin.is_some() && !quiet {
        out.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    let res = exec_in(
        ctx.cluster,
        &ns,
        name,
        &container,
        &command,
        stdin.then(|| ctx.stdin.clone().unwrap_or_default()),
        tty,
    );
    out.extend(res.output);
    CmdResult {
        output: out,
        code: res.code,
    }
}

/// Runs `command` in a pod's container through the API server (`pods/exec`), with what
/// kubectl prints of it.
pub fn exec_in(
    cluster: &mut crate::cluster::Cluster,
    ns: &str,
    name: &str,
    container: &str,
    command: &[String],
    stdin: Option<String>,
    tty: bool,
) -> CmdResult {
    let mut out = Output::default();
    let mut req = Request::new(
        Method::Post,
        resources::pods().path(Some(ns), Some(name)) + "/exec",
    )
    .query("container", container);
    for word in command {
        req = req.query("command", word);
    }
    if let Some(input) = stdin {
        req = req.query("stdin", "true");
        req.body = Some(Value::String(input));
    }
    req = req.query("stdout", "true").query("stderr", "true");
    let resp = client::connect(cluster).send(req);
    // What it wrote under a hostPath volume is on the node at once.
    cluster.write_host_paths();
    let message = resp.body["message"].as_str().unwrap_or("").to_string();
    if !resp.is_success() {
        let text = match (resp.body["reason"].as_str(), resp.code) {
            (Some(r), _) if !r.is_empty() => {
                crate::apiserver::errors::ApiError::from_status(&resp.body).kubectl_message()
            }
            (_, 404) => format!("error: unable to upgrade connection: {message}"),
            (_, 500) if message.starts_with("error dialing backend") => {
                format!("Error from server: {message}")
            }
            _ => format!("error: {message}"),
        };
        out.err(format!("{text}\n"));
        return CmdResult {
            output: out,
            code: 1,
        };
    }
    for piece in resp.body["output"].as_array().into_iter().flatten() {
        let text = piece[1].as_str().unwrap_or("").to_string();
        // A terminal carries both streams as one.
        if piece[0] == true && !tty {
            out.err(text);
        } else {
            out.out(text);
        }
    }
    let code = resp.body["exitCode"].as_i64().unwrap_or(0) as i32;
    if code != 0 {
        out.err(format!("command terminated with exit code {code}\n"));
    }
    CmdResult { output: out, code }
}

/// The pod a target names: a pod, or a workload's or Service's first pod.
pub(super) fn pod_for(ctx: &mut Ctx<'_>, ns: &str, target: &str) -> Result<Value, String> {
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let catalog = client::discover(ctx.cluster);
    let r = resource_type(&catalog, kind)?;
    let obj = client::connect(ctx.cluster)
        .get(r, ns, name)
        .map_err(|e| e.kubectl_message())?;
    if r.plural == "pods" && r.group.is_empty() {
        return Ok(obj);
    }
    let Some(sel) = selector_for(r.kind, &obj) else {
        return Err(format!(
            "error: cannot attach to {}: selector for {} not implemented",
            r.kind, r.kind
        ));
    };
    let mut items = client::connect(ctx.cluster)
        .list(
            resources::pods(),
            Some(ns),
            ListOptions {
                label_selector: Some(&sel),
                ..Default::default()
            },
        )
        .map_err(|e| e.kubectl_message())?;
    crate::sort::by(&mut items, by_logging);
    items
        .into_iter()
        .next()
        .ok_or_else(|| "error: timed out waiting for the condition".to_string())
}
