//! `crictl` (cri-tools 1.35 against containerd) on a snapshot of a node's container
//! runtime that the core takes: `ps`, `pods`, `images`, `logs`, `inspect` and `version`
//! with crictl's tables (columns at least 20 wide), IDs cut to 13 hex digits, ages as
//! go-units words, sizes, warnings and errors as logrus and klog print them. A log is
//! asked of the core when `logs` needs one.

use serde::{Deserialize, Serialize};

use crate::klog::quote;
use serde_json::{json, Value};

use crate::command::{CmdResult, Output};

const CONFIG: &str = "/etc/crictl.yaml";
const ENDPOINTS: &str = "[unix:///run/containerd/containerd.sock unix:///run/crio/crio.sock unix:///var/run/cri-dockerd.sock]";
const SECOND: i64 = 1000;

/// One container instance, as the runtime reports it (times already formatted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    pub id: String,
    /// Its image's ID (64 hex digits), reference and repository digest.
    pub image_id: String,
    pub image: String,
    pub image_ref: String,
    /// How long ago it was created (milliseconds), and its times in RFC 3339.
    pub age: i64,
    pub created: String,
    pub started: String,
    /// When it exited, its exit code and reason.
    pub exited: Option<(String, i32, String)>,
    pub name: String,
    pub attempt: i32,
    pub pod_id: String,
    pub pod: String,
    pub namespace: String,
    pub pod_uid: String,
    pub pid: u32,
}

/// A pod sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sandbox {
    pub id: String,
    pub age: i64,
    pub ready: bool,
    pub name: String,
    pub namespace: String,
}

/// An image present on the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub repository: String,
    pub tag: String,
    pub id: String,
    pub size: u64,
}

/// A log line: to stderr or not, its time (RFC 3339 with nanoseconds) and text.
pub type LogLine = (bool, String, String);

/// What crictl reads: the node's `/etc/crictl.yaml`, the runtime's containers,
/// sandboxes and images, the start of the klog line of a failed status call, and the
/// log asked for (`None` inside: no previous instance).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Runtime {
    pub config: Option<String>,
    pub containers: Vec<Container>,
    pub sandboxes: Vec<Sandbox>,
    pub images: Vec<Image>,
    pub klog_prefix: String,
    pub log: Option<(String, bool, Option<Vec<LogLine>>)>,
}

/// What a run came to: done, or the log of a container (by full ID) is needed first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Outcome {
    Done(CmdResult),
    NeedLog { id: String, previous: bool },
}

/// The process's age as go-units' HumanDuration words it.
fn human_duration(d: i64) -> String {
    let seconds = d / SECOND;
    let minutes = d / (60 * SECOND);
    let hours = ((d as f64) / 3_600_000.0 + 0.5) as i64;
    match () {
        _ if seconds < 1 => "Less than a second".into(),
        _ if seconds == 1 => "1 second".into(),
        _ if seconds < 60 => format!("{seconds} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 14 => format!("{} days", hours / 24),
        _ if hours < 24 * 60 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", d / 3_600_000 / 24 / 365),
    }
}

/// A size as go-units' HumanSizeWithPrecision(size, 3): decimal units, three significant
/// digits (`72.2MB`, `742kB`).
fn human_size(size: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut v = size as f64;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    let digits = if v < 1.0 {
        1
    } else {
        v.log10().floor() as usize + 1
    };
    let text = format!("{:.*}", 3usize.saturating_sub(digits), v);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    // %g switches to an exponent when rounding reaches a fourth digit.
    let text = if text == "1000" { "1e+03".into() } else { text };
    format!("{text}{}", UNITS[i])
}

/// The first 13 hex digits of an ID, or all of it with `--no-trunc`.
fn short(id: &str, full: bool) -> String {
    if full {
        id.to_string()
    } else {
        id.chars().take(13).collect()
    }
}

/// A logrus message as crictl prints it on a terminal: level, seconds, the message
/// padded to 44 characters and a space.
fn logrus(level: &str, msg: &str) -> String {
    format!("{level}[0000] {msg:<44} \n")
}

/// Whether `text` matches crictl's unanchored regular expression `re` (`^` and `$`
/// anchor; other patterns match as text).
fn matches(re: &str, text: &str) -> bool {
    match (re.strip_prefix('^'), re.strip_suffix('$')) {
        (Some(rest), _) if rest.ends_with('$') => text == &rest[..rest.len() - 1],
        (Some(rest), _) => text.starts_with(rest),
        (None, Some(rest)) => text.ends_with(rest),
        (None, None) => text.contains(re),
    }
}

/// Parsed command flags: values by name, and the positional arguments.
struct Flags {
    values: Vec<(String, String)>,
    args: Vec<String>,
}

impl Flags {
    fn get(&self, names: &[&str]) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    }

    /// Checks `-o`: only `supported` (the command's default) is.
    fn output(&self, command: &str, supported: &str) -> Result<(), String> {
        match self.get(&["o", "output"]).filter(|o| *o != supported) {
            Some(o) => Err(format!(
                "crictl {command} -o {o}: not supported in Kubarium yet"
            )),
            None => Ok(()),
        }
    }

    fn on(&self, names: &[&str]) -> bool {
        self.get(names).is_some_and(|v| v != "false")
    }
}

/// Parses a command's arguments; `valued` names the flags that take a value.
fn parse(args: &[String], valued: &[&str]) -> Result<Flags, String> {
    let mut f = Flags {
        values: vec![],
        args: vec![],
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        let Some(body) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
            f.args.push(a.clone());
            continue;
        };
        if body.is_empty() {
            f.args.extend(args[i..].iter().cloned());
            break;
        }
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let value = if valued.contains(&name) {
            match inline {
                Some(v) => v,
                None if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => return Err(format!("flag needs an argument: -{name}")),
            }
        } else {
            inline.unwrap_or_else(|| "true".into())
        };
        f.values.push((name.to_string(), value));
    }
    Ok(f)
}

fn fatal(out: &mut Output, msg: &str) -> CmdResult {
    out.err(logrus("FATA", msg));
    CmdResult {
        output: std::mem::take(out),
        code: 1,
    }
}

/// `crictl [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]` on a node whose runtime is `rt`.
pub fn run(args: &[String], rt: &Runtime) -> Outcome {
    let mut out = Output::default();
    // Global options come before the command.
    let mut i = 0;
    let mut endpoint = false;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
        match a.as_str() {
            "-v" | "--version" => {
                out.out("crictl version v1.35.0\n");
                return Outcome::Done(CmdResult {
                    output: out,
                    code: 0,
                });
            }
            "-r" | "--runtime-endpoint" | "-i" | "--image-endpoint" => {
                endpoint = true;
                i += 2;
            }
            "-t" | "--timeout" | "-c" | "--config" => i += 2,
            _ if a.starts_with("--runtime-endpoint=") || a.starts_with("--image-endpoint=") => {
                endpoint = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
    let Some(command) = args.get(i) else {
        return Outcome::Done(CmdResult::fail(
            "crictl: a command is required (ps, pods, images, logs, inspect, version)\n",
            1,
        ));
    };
    let rest = &args[i + 1..];
    // Without its configuration crictl warns, and tries the default endpoints.
    let configured = rt.config.as_deref().is_some_and(|t| {
        t.lines()
            .any(|l| l.trim_start().starts_with("runtime-endpoint:"))
    });
    if rt.config.is_none() {
        out.err(logrus(
            "WARN",
            &format!("Config \"{CONFIG}\" does not exist, trying next: \"/usr/bin/crictl.yaml\""),
        ));
    }
    if !configured && !endpoint {
        let (runtime, image) = match command.as_str() {
            "ps" | "inspect" | "exec" => (true, true),
            "images" | "image" | "img" | "inspecti" | "pull" | "rmi" => (false, true),
            _ => (true, false),
        };
        for (on, what) in [(runtime, "runtime"), (image, "Image")] {
            if on {
                out.err(logrus("WARN", &format!("{what} connect using default endpoints: {ENDPOINTS}. As the default settings are now deprecated, you should set the endpoint instead.")));
            }
        }
    }
    let result = match command.as_str() {
        "ps" => ps(rt, rest, &mut out).map_err(Fail::from),
        "pods" => pods(rt, rest, &mut out).map_err(Fail::from),
        "images" | "image" | "img" => images(rt, rest, &mut out).map_err(Fail::from),
        "logs" => match logs(rt, rest, &mut out) {
            Err(Fail::Need(id, previous)) => return Outcome::NeedLog { id, previous },
            other => other,
        },
        "inspect" => inspect(rt, rest, &mut out).map_err(Fail::from),
        "version" => {
            out.out("Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  v2.2.0\nRuntimeApiVersion:  v1\n");
            Ok(())
        }
        other => Err(Fail::Usage(format!(
            "crictl {other}: not supported in Kubarium yet (ps, pods, images, logs, inspect and version are)"
        ))),
    };
    Outcome::Done(match result {
        Ok(()) => CmdResult {
            output: out,
            code: 0,
        },
        Err(Fail::Usage(msg)) => {
            out.err(format!("{msg}\n"));
            CmdResult {
                output: out,
                code: 1,
            }
        }
        Err(Fail::Fatal(msg)) => fatal(&mut out, &msg),
        Err(Fail::Need(..)) => CmdResult::fail("crictl: no log\n", 1),
    })
}

/// Why a command stopped: a plain message (and its usage), logrus's fatal one, or the
/// log it needs from the core.
enum Fail {
    Usage(String),
    Fatal(String),
    Need(String, bool),
}

impl From<String> for Fail {
    fn from(msg: String) -> Self {
        if msg.starts_with("crictl ") {
            Fail::Usage(msg)
        } else {
            Fail::Fatal(msg)
        }
    }
}

/// Prints `items`: with `-q` each one's full ID on a line, else a table under `header`
/// laid out as crictl's tabwriter does (minimum width 20, padding 3), `--no-trunc`
/// giving full IDs.
fn show<T>(
    out: &mut Output,
    f: &Flags,
    items: &[T],
    quiet: impl Fn(&T) -> String,
    header: &[&str],
    row: impl Fn(&T, bool) -> Vec<String>,
) {
    if f.on(&["quiet", "q"]) {
        out.out(items.iter().map(quiet).collect::<String>());
        return;
    }
    let full = f.on(&["no-trunc"]);
    let mut text = header.join("\t") + "\n";
    for item in items {
        text.push_str(&(row(item, full).join("\t") + "\n"));
    }
    out.out(crate::tabwriter::align(&text, 20, 3));
}

fn ps(rt: &Runtime, args: &[String], out: &mut Output) -> Result<(), String> {
    let f = parse(
        args,
        &[
            "name",
            "namespace",
            "pod",
            "p",
            "id",
            "state",
            "s",
            "label",
            "last",
            "n",
            "image",
            "o",
            "output",
        ],
    )?;
    f.output("ps", "table")?;
    if !f.args.is_empty() {
        return Err("crictl ps: arguments are not accepted (see crictl ps --help)".into());
    }
    let state = f.get(&["state", "s"]).map(str::to_ascii_lowercase);
    if let Some(s) = &state {
        if !["created", "running", "exited", "unknown"].contains(&s.as_str()) {
            return Err(format!(
                "crictl ps: --state should be one of created, running, exited or unknown (got {s})"
            ));
        }
    }
    let last = f
        .get(&["last", "n"])
        .map(|n| {
            n.parse::<usize>()
                .map_err(|_| format!("invalid value \"{n}\" for flag -n"))
        })
        .transpose()?;
    let latest = f.on(&["latest", "l"]);
    let all = f.on(&["all", "a"]) || state.is_some() || latest || last.is_some();
    let mut list: Vec<&Container> = rt
        .containers
        .iter()
        .filter(|c| all || c.exited.is_none())
        .filter(|c| match state.as_deref() {
            Some("running") => c.exited.is_none(),
            Some("exited") => c.exited.is_some(),
            Some(_) => false,
            None => true,
        })
        .filter(|c| f.get(&["name"]).is_none_or(|re| matches(re, &c.name)))
        .filter(|c| {
            f.get(&["namespace"])
                .is_none_or(|re| matches(re, &c.namespace))
        })
        .filter(|c| f.get(&["pod", "p"]).is_none_or(|p| c.pod_id.starts_with(p)))
        .filter(|c| f.get(&["id"]).is_none_or(|p| c.id.starts_with(p)))
        .collect();
    crate::sort::by(&mut list, |a, b| a.age.cmp(&b.age).then(a.id.cmp(&b.id)));
    if latest {
        list.truncate(1);
    } else if let Some(n) = last.filter(|n| *n > 0) {
        list.truncate(n);
    }
    show(
        out,
        &f,
        &list,
        |c| format!("{}\n", c.id),
        &[
            "CONTAINER",
            "IMAGE",
            "CREATED",
            "STATE",
            "NAME",
            "ATTEMPT",
            "POD ID",
            "POD",
            "NAMESPACE",
        ],
        |c, full| {
            vec![
                short(&c.id, full),
                if full {
                    format!("sha256:{}", c.image_id)
                } else {
                    short(&c.image_id, false)
                },
                format!("{} ago", human_duration(c.age)),
                if c.exited.is_some() {
                    "Exited"
                } else {
                    "Running"
                }
                .into(),
                c.name.clone(),
                c.attempt.to_string(),
                short(&c.pod_id, full),
                c.pod.clone(),
                c.namespace.clone(),
            ]
        },
    );
    Ok(())
}

fn pods(rt: &Runtime, args: &[String], out: &mut Output) -> Result<(), String> {
    let f = parse(
        args,
        &[
            "name",
            "namespace",
            "id",
            "state",
            "s",
            "label",
            "last",
            "n",
            "o",
            "output",
        ],
    )?;
    f.output("pods", "table")?;
    let state = f.get(&["state", "s"]).map(str::to_ascii_lowercase);
    if let Some(s) = &state {
        if s != "ready" && s != "notready" {
            return Err(format!(
                "crictl pods: --state should be ready or notready (got {s})"
            ));
        }
    }
    let mut list: Vec<&Sandbox> = rt
        .sandboxes
        .iter()
        .filter(|p| f.get(&["name"]).is_none_or(|re| matches(re, &p.name)))
        .filter(|p| {
            f.get(&["namespace"])
                .is_none_or(|re| matches(re, &p.namespace))
        })
        .filter(|p| f.get(&["id"]).is_none_or(|id| p.id.starts_with(id)))
        .filter(|p| match state.as_deref() {
            Some("ready") => p.ready,
            Some(_) => !p.ready,
            None => true,
        })
        .collect();
    crate::sort::by(&mut list, |a, b| a.age.cmp(&b.age).then(a.id.cmp(&b.id)));
    if f.on(&["latest", "l"]) {
        list.truncate(1);
    }
    show(
        out,
        &f,
        &list,
        |p| format!("{}\n", p.id),
        &[
            "POD ID",
            "CREATED",
            "STATE",
            "NAME",
            "NAMESPACE",
            "ATTEMPT",
            "RUNTIME",
        ],
        |p, full| {
            vec![
                short(&p.id, full),
                format!("{} ago", human_duration(p.age)),
                if p.ready { "Ready" } else { "NotReady" }.into(),
                p.name.clone(),
                p.namespace.clone(),
                "0".into(),
                "(default)".into(),
            ]
        },
    );
    Ok(())
}

fn images(rt: &Runtime, args: &[String], out: &mut Output) -> Result<(), String> {
    let f = parse(args, &["o", "output", "filter", "f"])?;
    f.output("images", "table")?;
    let mut list: Vec<&Image> = rt.images.iter().collect();
    crate::sort::by(&mut list, |a, b| {
        (&a.repository, &a.tag).cmp(&(&b.repository, &b.tag))
    });
    show(
        out,
        &f,
        &list,
        |i| format!("sha256:{}\n", i.id),
        &["IMAGE", "TAG", "IMAGE ID", "SIZE"],
        |i, full| {
            vec![
                i.repository.clone(),
                i.tag.clone(),
                if full {
                    format!("sha256:{}", i.id)
                } else {
                    short(&i.id, false)
                },
                human_size(i.size),
            ]
        },
    );
    Ok(())
}

/// The container an ID (or a unique prefix of one) names; else the klog line of the
/// failed status call, and the error.
fn find<'a>(rt: &'a Runtime, id: &str, out: &mut Output) -> Result<&'a Container, String> {
    let found: Vec<&Container> = rt
        .containers
        .iter()
        .filter(|c| c.id.starts_with(id))
        .collect();
    let err = match found.as_slice() {
        [one] if !id.is_empty() => return Ok(one),
        [] | [_] => format!("rpc error: code = NotFound desc = an error occurred when try to find container \"{id}\": not found"),
        _ => format!("rpc error: code = Unknown desc = an error occurred when try to find container \"{id}\": Multiple IDs found with provided prefix: {id}"),
    };
    out.err(format!(
        "{}\"ContainerStatus from runtime service failed\" err={} containerID={}\n",
        rt.klog_prefix,
        quote(&err),
        quote(id)
    ));
    Err(err)
}

fn logs(rt: &Runtime, args: &[String], out: &mut Output) -> Result<(), Fail> {
    let f = parse(args, &["tail", "since", "limit-bytes", "stream", "s"])?;
    if f.on(&["follow", "f"]) {
        return Err(Fail::Usage(
            "crictl logs -f: not supported in Kubarium yet (kubectl logs -f follows a pod's log)"
                .into(),
        ));
    }
    let id = match f.args.as_slice() {
        [] => return Err(Fail::Fatal("ID cannot be empty".into())),
        [id] => id.clone(),
        _ => {
            return Err(Fail::Usage(
                "crictl logs: one container ID at a time".into(),
            ))
        }
    };
    let c = find(rt, &id, out)?;
    let previous = f.on(&["previous", "p"]);
    let lines = match &rt.log {
        Some((for_id, p, lines)) if *for_id == c.id && *p == previous => lines.clone(),
        _ => return Err(Fail::Need(c.id.clone(), previous)),
    };
    let Some(mut lines) = lines else {
        return Err(Fail::Fatal(format!(
            "previous terminated container {} not found",
            c.name
        )));
    };
    if let Some(n) = f.get(&["tail"]) {
        let n: i64 = n
            .parse()
            .map_err(|_| format!("invalid value \"{n}\" for flag -tail"))?;
        if n >= 0 {
            let skip = lines.len().saturating_sub(n as usize);
            lines.drain(..skip);
        }
    }
    let stamps = f.on(&["timestamps", "t"]);
    for (stderr, stamp, text) in lines {
        let text = if stamps {
            format!("{stamp} {text}\n")
        } else {
            format!("{text}\n")
        };
        if stderr {
            out.err(text);
        } else {
            out.out(text);
        }
    }
    Ok(())
}

/// RFC 3339 with nanoseconds, trailing zeros trimmed, as crictl inspect shows times.
fn nano_time(t: &str) -> String {
    let base = t.trim_end_matches('Z');
    match base.split_once('.') {
        Some((s, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                format!("{s}Z")
            } else {
                format!("{s}.{frac}Z")
            }
        }
        None => format!("{base}Z"),
    }
}

fn inspect(rt: &Runtime, args: &[String], out: &mut Output) -> Result<(), String> {
    let f = parse(args, &["o", "output", "template"])?;
    f.output("inspect", "json")?;
    if f.args.is_empty() {
        return Err("ID cannot be empty".into());
    }
    let mut docs = vec![];
    for id in &f.args {
        let c = find(rt, id, out)
            .map_err(|e| format!("get the status of containers: get container status: {e}"))?;
        docs.push(inspect_doc(c));
    }
    let doc = if docs.len() == 1 {
        docs.remove(0)
    } else {
        Value::Array(docs)
    };
    // encoding/json of maps: keys sorted at every level, as serde_json's maps are.
    out.out(format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    ));
    Ok(())
}

/// What `crictl inspect` shows of a container: its CRI status and what containerd adds.
fn inspect_doc(c: &Container) -> Value {
    let (state, finished, code, reason) = match &c.exited {
        Some((at, code, reason)) => ("CONTAINER_EXITED", nano_time(at), *code, reason.clone()),
        None => (
            "CONTAINER_RUNNING",
            "0001-01-01T00:00:00Z".into(),
            0,
            String::new(),
        ),
    };
    let log_path = format!(
        "/var/log/pods/{}_{}_{}/{}/{}.log",
        c.namespace, c.pod, c.pod_uid, c.name, c.attempt
    );
    let labels = json!({
        "io.kubernetes.container.name": c.name,
        "io.kubernetes.pod.name": c.pod,
        "io.kubernetes.pod.namespace": c.namespace,
        "io.kubernetes.pod.uid": c.pod_uid,
    });
    json!({
        "info": {
            "pid": if c.exited.is_some() { 0 } else { c.pid },
            "removing": false,
            "runtimeType": "io.containerd.runc.v2",
            "sandboxID": c.pod_id,
            "snapshotKey": c.id,
            "snapshotter": "overlayfs",
        },
        "status": {
            "annotations": {
                "io.kubernetes.container.restartCount": c.attempt.to_string(),
                "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
                "io.kubernetes.container.terminationMessagePolicy": "File",
            },
            "createdAt": nano_time(&c.created),
            "exitCode": code,
            "finishedAt": finished,
            "id": c.id,
            "image": {"annotations": {}, "image": c.image, "runtimeHandler": "", "userSpecifiedImage": ""},
            "imageId": "",
            "imageRef": c.image_ref,
            "labels": labels,
            "logPath": log_path,
            "message": "",
            "metadata": {"attempt": c.attempt, "name": c.name},
            "reason": reason,
            "startedAt": nano_time(&c.started),
            "state": state,
        },
    })
}

/// crictl run on a request (`kubarium_tools::call("crictl", ..)`).
pub fn answer(request: &Request) -> Outcome {
    run(&request.args, &request.runtime)
}

/// crictl's arguments and the runtime it looks at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub args: Vec<String>,
    pub runtime: Runtime,
}
