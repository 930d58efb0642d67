//! The kubelet, one per node: watches the pods bound to its node and runs them in a
//! simulated container runtime: sandbox and pod IP, image pulls (with ErrImagePull and
//! back-off), container start, exits and CrashLoopBackOff, graceful termination.

mod admission;
mod cri;
mod env;
mod eviction;
mod exec;
pub use exec::ExecOutput;
pub mod images;
pub mod log_files;
mod logs;
pub mod node_status;
mod prober;
pub mod process;
pub mod programs;
mod resize;
mod script;
pub use script::Change;
pub mod startup;
pub mod static_pods;
pub mod usage;
mod volumes;
pub use volumes::host_paths;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::value::owned_strings;
use serde_json::{json, Value};

use crate::apiserver::client::Client;
use crate::apiserver::request::User;
use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{from_time, to_time, Millis, MINUTE, SECOND};
use crate::events::{ObjectRef, Recorder, Source};
use crate::shell::fs::Fs;
use crate::store::EventType;
use kubarium_tools::components::{Failure, Start};
use process::Behaviour;
use static_pods::StaticPod;

const MAX_BACKOFF: Millis = 5 * MINUTE;
/// The kubelet's back-off after `n` earlier failures: 10 s, doubling, at most 5 minutes.
fn backoff(n: u32) -> Millis {
    ((10 * SECOND) << n.min(5)).min(MAX_BACKOFF)
}

/// How long the kubelet takes to notice an exited container (its PLEG relist period).
const PLEG_RELIST: Millis = SECOND;

#[derive(Debug, Clone, PartialEq)]
struct Terminated {
    exit_code: i32,
    reason: String,
    message: Option<String>,
    started_at: Millis,
    finished_at: Millis,
}

impl Terminated {
    /// A process that exited by itself or was killed: `Completed` for 0, else `Error`.
    fn exited(exit_code: i32, started_at: Millis, finished_at: Millis) -> Self {
        let reason = if exit_code == 0 { "Completed" } else { "Error" };
        Terminated {
            exit_code,
            reason: reason.into(),
            message: None,
            started_at,
            finished_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Next {
    /// Pull (or find) the image, then start.
    Pull,
    /// The pull in progress finishes; then start.
    Pulled { took: Millis },
    /// Start the container.
    Start,
    /// Show ImagePullBackOff after an ErrImagePull.
    PullBackOff,
    /// Start the next instance of a container that exited.
    Restart,
    /// The runtime failed to start it (its StartError is the last state): restart at
    /// once the first time, then after the back-off.
    StartFailed,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Waiting {
        reason: String,
        message: Option<String>,
        next: Next,
        at: Millis,
    },
    Running {
        started_at: Millis,
        exit: Option<(Millis, i32)>,
        graceful: bool,
    },
    Terminated(Terminated),
}

impl State {
    /// Waiting as `ContainerCreating`, with `next` due at `at`.
    /// Waiting with `reason` after a failure, tried again at the pod's next sync.
    fn retry(reason: &str, message: String, now: Millis) -> Self {
        State::Waiting {
            reason: reason.into(),
            message: Some(message),
            next: Next::Pull,
            at: now + 10 * SECOND,
        }
    }

    fn creating(next: Next, at: Millis) -> Self {
        State::Waiting {
            reason: "ContainerCreating".into(),
            message: None,
            next,
            at,
        }
    }
}

#[derive(Debug, Clone)]
struct Container {
    name: String,
    /// The Localhost seccomp and AppArmor profiles it runs under, if any (its own
    /// securityContext's, else the pod's).
    seccomp: Option<String>,
    apparmor: Option<String>,
    /// Its memory limit in bytes, and whether its process outgrew it (the kernel killed it).
    memory_limit: Option<u64>,
    oom: bool,
    /// Its memory request in bytes (0 when it has none).
    memory_request: u64,
    /// Its CPU limit in millionths of a core (what throttles it), and what its process
    /// uses since it started.
    cpu_limit: Option<u64>,
    usage: usage::Usage,
    /// The request loop its process runs, if it is a load generator, and what one
    /// request costs its process when it serves (millionths of a core-second).
    client: Option<usage::RequestLoop>,
    request_cost: u64,
    /// What serving the requests sent to it takes (millionths of a core), and its CPU
    /// time so far: for the run started at the first time, the nanoseconds used before
    /// the second.
    load: u64,
    cpu_account: (Millis, Millis, u64),
    /// How far this instance runs from its model: percent of its CPU, permille of its
    /// memory (a steady pace of its own, from its container ID).
    pace: (u64, u64),
    /// An init container with `restartPolicy: Always` (a sidecar).
    restartable: bool,
    /// Whether its process has a standard input to read (`stdin: true`): a shell there
    /// waits on it rather than exiting at once.
    stdin: bool,
    /// Whether it has a terminal (`tty: true`): what a shell there shows is its log.
    tty: bool,
    /// Its resources and resize policy as enacted, and those a resize asks for until
    /// the kubelet admits it.
    resources: Value,
    resize_policy: Value,
    desired: Option<(Value, Value)>,
    /// The files its volumes bring (mount points, and the keys of configMap and secret
    /// volumes), besides its image's.
    files: BTreeSet<String>,
    /// The text of the files its configMap and secret volumes bring.
    text: BTreeMap<String, String>,
    /// The pod's fields a downward reference may name (`metadata.name`, `status.podIP`).
    fields: BTreeMap<String, String>,
    /// The environment its process got when it started, in order.
    vars: Vec<(String, String)>,
    /// Whether Services in its namespace give it variables (enableServiceLinks).
    service_links: bool,
    image: String,
    pull_policy: String,
    command: Vec<String>,
    args: Vec<String>,
    state: State,
    restart_count: i32,
    last: Option<Terminated>,
    /// The runtime's ID of the instance `last` describes.
    last_id: String,
    /// Exits since the back-off was last reset.
    exits: u32,
    pull_failures: u32,
    container_id: String,
    image_id: String,
    /// The container's volume mounts, as its status reports them.
    mounts: Value,
    /// Its `envFrom` and `env`, resolved when it is created.
    env_from: Value,
    env: Value,
    stop_at: Option<Millis>,
    /// When an exited container is started again.
    restart_at: Option<Millis>,
    /// Its probes (startup, liveness, readiness: those it has).
    probes: Vec<prober::Worker>,
    /// Its named ports, for probes that name one.
    ports: Vec<(String, i64)>,
    /// A kill the kubelet began after a failed liveness or startup probe: when its
    /// process ends, and with which exit code.
    kill: Option<(Millis, i32)>,
    /// The files its image brings, and which of them it has (see `script::Context`).
    image_files: (&'static [(&'static str, &'static str)], u8),
    /// What its program prints as it fails to start (a control-plane program's bad
    /// flags or files), each line after the start.
    crash: Option<Vec<(Millis, kubarium_tools::components::Printed)>>,
}

#[derive(Debug, Clone)]
struct PodRuntime {
    namespace: String,
    name: String,
    uid: String,
    restart_policy: String,
    host_network: bool,
    started: Millis,
    sandbox_at: Millis,
    ip: Option<String>,
    init: Vec<Container>,
    containers: Vec<Container>,
    /// Its ephemeral containers (`kubectl debug`), in the order they were added.
    ephemeral: Vec<Container>,
    deleting: Option<Millis>,
    /// The status it last wrote, as JSON (only compared, so kept small).
    last_status: Vec<u8>,
    /// The pod's volumes, set up before its sandbox starts.
    volumes: Value,
    /// Failed attempts to set them up so far.
    mount_failures: u32,
    /// Run from a manifest file (shown by a mirror pod) rather than for an API pod.
    static_pod: bool,
    /// Its termination grace period.
    grace: Millis,
    /// Whether its init containers have all finished once (sidecar restarts after that
    /// do not hold the app containers up).
    initialized: bool,
    /// What it requests of the node (counted against the pods admitted after it).
    requests: crate::scheduler::framework::Resources,
    /// Why the kubelet's admission rejected it, if it did: none of its containers run.
    rejected: Option<Rejected>,
    /// Its priority (the eviction manager evicts lower ones first).
    priority: i64,
    /// Why and when the eviction manager evicted it, if it did.
    evicted: Option<Evicted>,
    /// A resize the kubelet could not admit yet.
    resize_pending: Option<resize::Pending>,
}

/// A pod the eviction manager evicted: failed for good, its containers stopped.
#[derive(Debug, Clone)]
struct Evicted {
    message: String,
    at: Millis,
}

/// A pod the kubelet rejected: failed with its reason at once; its containers shown as
/// unknown once the pod worker has terminated it.
#[derive(Debug, Clone)]
struct Rejected {
    why: admission::Rejection,
    /// Whether its event has been recorded.
    announced: bool,
    unknown_at: Millis,
    unknown_shown: bool,
}

impl Container {
    /// What it uses while it runs, as the kubelet measures it: its process's model,
    /// each container a little off the model's figures at its own steady pace, CPU
    /// throttled at its limit, memory in whole pages.
    fn measured(&self) -> usage::Usage {
        let (cpu_pct, memory_permille) = self.pace;
        let mut cpu = (self.usage.cpu.saturating_add(self.load)).saturating_mul(cpu_pct) / 100;
        if let Some(limit) = self.cpu_limit {
            cpu = cpu.min(limit);
        }
        let mut memory = (self.usage.memory / 1000).saturating_mul(memory_permille) / 4096 * 4096;
        if let Some(limit) = self.memory_limit {
            memory = memory.min(limit);
        }
        usage::Usage { cpu, memory }
    }

    /// The CPU time (nanoseconds) its process has used by `now` in the run that started
    /// at `started_at`: millionths of a core for each millisecond.
    fn cpu_time(&self, started_at: Millis, now: Millis) -> u64 {
        let (since, before) = match self.cpu_account {
            (run, since, before) if run == started_at => (since, before),
            _ => (started_at, 0),
        };
        let ran = u64::try_from(now - since).unwrap_or(0);
        before.saturating_add(self.measured().cpu.saturating_mul(ran))
    }

    /// Serves requests that take `load` millionths of a core from `now` on.
    fn set_load(&mut self, load: u64, now: Millis) {
        if load == self.load {
            return;
        }
        if let State::Running { started_at, .. } = self.state {
            self.cpu_account = (started_at, now, self.cpu_time(started_at, now));
        }
        self.load = load;
    }

    /// Its command and arguments with `$(VAR)` references to its environment expanded.
    fn command_line(&self) -> (Vec<String>, Vec<String>) {
        let expand = |list: &[String]| -> Vec<String> {
            list.iter().map(|a| env::expand(a, &self.vars)).collect()
        };
        (expand(&self.command), expand(&self.args))
    }

    /// What listens in it: its image's server's ports, when it runs that server.
    fn listeners(&self) -> Vec<(u16, programs::Listener)> {
        let Ok(image) = images::pull(&self.image) else {
            return vec![];
        };
        let (command, args) = self.command_line();
        if !process::runs_server(image, &command, &args, self.context()) {
            return vec![];
        }
        let mut argv: Vec<String> = command.into_iter().chain(args).collect();
        let name = image.repository.rsplit('/').next().unwrap_or("");
        if argv
            .first()
            .is_some_and(|a| a.rsplit('/').next() == Some(name))
        {
            argv.remove(0);
        }
        programs::listeners(image, &argv)
    }

    /// Chooses the files its image brings, but for those a volume mounted over hides.
    fn choose_image_files(&mut self) {
        let Ok(image) = images::pull(&self.image) else {
            return;
        };
        let files = programs::image_files(image);
        let mounts: Vec<String> = self
            .mounts
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["mountPath"].as_str())
            .map(|m| format!("{}/", m.trim_end_matches('/')))
            .collect();
        let mut shown = 0u8;
        for (i, (path, _)) in files.iter().enumerate().take(8) {
            if !mounts.iter().any(|m| path.starts_with(m.as_str())) {
                shown |= 1 << i;
            }
        }
        self.image_files = (files, shown);
    }

    /// Its files as commands run in it left them.
    fn files_now(&self, changes: &[script::Change]) -> BTreeSet<String> {
        let mut files = self.files.clone();
        files.extend(self.context().image_files().map(|(p, _)| p.to_string()));
        for c in changes {
            match c {
                script::Change::Made { path, .. } | script::Change::Wrote { path, .. } => {
                    files.insert(path.clone())
                }
                script::Change::Removed(path) => files.remove(path),
            };
        }
        files
    }

    /// Its process's command line when that is a script rather than its image's server.
    fn script(&self) -> Option<Vec<String>> {
        let image = images::pull(&self.image).ok()?;
        let (command, args) = self.command_line();
        if process::runs_server(image, &command, &args, self.context()) {
            return None;
        }
        Some(if command.is_empty() {
            args
        } else {
            command.into_iter().chain(args).collect()
        })
    }

    /// What its process has around it.
    fn context(&self) -> script::Context<'_> {
        self.context_with(&[])
    }

    /// What its process has around it, with what the pod's other containers write into
    /// the volumes it shares with them (see `volumes::shared_writes`).
    fn context_with<'a>(&'a self, shared: &'a [script::Write]) -> script::Context<'a> {
        script::Context {
            files: &self.files,
            text: &self.text,
            env: &self.vars,
            busybox: images::is_busybox(&self.image),
            image_files: self.image_files,
            shared,
        }
    }
}

/// The pod's fields its containers' downward references may name.
/// The hostname a pod's containers have: the node's on the host's network, else the
/// pod's `spec.hostname`, else its name.
fn hostname(pod: &Value, node: &str) -> String {
    let spec = &pod["spec"];
    match (spec["hostNetwork"] == true, spec["hostname"].as_str()) {
        (true, _) => node.to_string(),
        (false, Some(h)) if !h.is_empty() => h.to_string(),
        _ => pod["metadata"]["name"].as_str().unwrap_or("").to_string(),
    }
}

fn downward_fields(pod: &Value, node: &str, host_ip: &str, ip: &str) -> BTreeMap<String, String> {
    let m = &pod["metadata"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut f = BTreeMap::from([
        ("metadata.name".to_string(), text(&m["name"])),
        ("metadata.namespace".into(), text(&m["namespace"])),
        ("metadata.uid".into(), text(&m["uid"])),
        ("spec.nodeName".into(), node.to_string()),
        (
            "spec.serviceAccountName".into(),
            text(&pod["spec"]["serviceAccountName"]),
        ),
        ("status.hostIP".into(), host_ip.to_string()),
        ("status.hostIPs".into(), host_ip.to_string()),
        ("status.podIP".into(), ip.to_string()),
        ("status.podIPs".into(), ip.to_string()),
        // Not a field: the containers' hostname (the node's on its network, else the
        // pod's spec.hostname or name), which no fieldPath can name.
        ("hostname".into(), hostname(pod, node)),
    ]);
    for (field, map) in [("labels", &m["labels"]), ("annotations", &m["annotations"])] {
        let mut all = vec![];
        for (k, v) in map.as_object().into_iter().flatten() {
            let v = v.as_str().unwrap_or("");
            f.insert(format!("metadata.{field}['{k}']"), v.to_string());
            all.push(format!("{k}=\"{v}\""));
        }
        f.insert(format!("metadata.{field}"), all.join("\n"));
    }
    f
}

impl PodRuntime {
    /// All its containers: init, app and ephemeral.
    fn all(&self) -> impl Iterator<Item = &Container> {
        self.init
            .iter()
            .chain(self.containers.iter())
            .chain(self.ephemeral.iter())
    }

    fn all_mut(&mut self) -> impl Iterator<Item = &mut Container> {
        self.init
            .iter_mut()
            .chain(self.containers.iter_mut())
            .chain(self.ephemeral.iter_mut())
    }

    /// Its running containers, sidecars among them.
    fn running(&self) -> impl Iterator<Item = &Container> {
        self.all()
            .filter(|c| matches!(c.state, State::Running { .. }))
    }

    /// The runtime of a pod just handed to this kubelet; its sandbox starts after `delay`.
    fn new(pod: &Value, uid: &str, now: Millis, delay: Millis) -> Self {
        let spec = &pod["spec"];
        let containers = |list: &Value| {
            list.as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| container_from_spec(c, &spec["securityContext"], now))
                        .collect()
                })
                .unwrap_or_default()
        };
        PodRuntime {
            namespace: pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            name: pod["metadata"]["name"].as_str().unwrap_or("").to_string(),
            uid: uid.to_string(),
            restart_policy: spec["restartPolicy"]
                .as_str()
                .unwrap_or("Always")
                .to_string(),
            host_network: spec["hostNetwork"].as_bool().unwrap_or(false),
            started: now,
            sandbox_at: now + delay,
            ip: None,
            init: containers(&spec["initContainers"]),
            containers: containers(&spec["containers"]),
            ephemeral: containers(&spec["ephemeralContainers"]),
            deleting: None,
            volumes: spec["volumes"].clone(),
            mount_failures: 0,
            last_status: Vec::new(),
            static_pod: false,
            initialized: false,
            requests: crate::apiserver::decode::typed(pod.clone())
                .map(|p| crate::scheduler::framework::pod_requests(&p))
                .unwrap_or_default(),
            rejected: None,
            priority: spec["priority"].as_i64().unwrap_or(0),
            evicted: None,
            resize_pending: None,
            grace: spec["terminationGracePeriodSeconds"]
                .as_i64()
                .unwrap_or(30)
                .saturating_mul(SECOND),
        }
    }

    /// The next time something is due for this pod, if anything is.
    fn next_due(&self) -> Option<Millis> {
        if let Some(r) = &self.rejected {
            return match self.deleting {
                Some(d) => Some(d),
                None => (!r.unknown_shown).then_some(r.unknown_at),
            };
        }
        if self.evicted.is_some() {
            // Only the kills of its running containers are still to come.
            let kills = self.running().filter_map(|c| c.kill.map(|(t, _)| t));
            return kills.chain(self.deleting).min();
        }
        let mut next: Option<Millis> = None;
        let mut consider = |t: Millis| next = Some(next.map_or(t, |n| n.min(t)));
        if self.ip.is_none() {
            consider(self.sandbox_at);
        }
        for c in self.all() {
            match &c.state {
                State::Waiting { at, .. } if *at != Millis::MAX => consider(*at),
                State::Running {
                    exit: Some((at, _)),
                    ..
                } => consider(*at),
                _ => {}
            }
            if let Some(t) = c.stop_at.or(c.restart_at) {
                consider(t);
            }
            if matches!(c.state, State::Running { .. }) && self.deleting.is_none() {
                match c.kill {
                    Some((t, _)) => consider(t),
                    None => {
                        for w in c.probes.iter().filter(|w| w.next != Millis::MAX) {
                            consider(w.next);
                        }
                    }
                }
            }
        }
        if let Some(d) = self.deleting {
            consider(d);
        }
        next
    }
}

/// The CPU time a container's process takes to start, in nanoseconds.
pub const STARTUP_CPU_NS: u64 = 20_000_000;

/// One container's line in the kubelet's resource metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerStats {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub started_at: Millis,
    /// CPU time used since it started, in nanoseconds.
    pub cpu_ns: u64,
    /// Working set, in bytes.
    pub memory: u64,
}

/// A shell on a container's terminal: its last line's status, and what it showed.
type Terminal = (i32, Vec<(Millis, String)>);

/// A node's agent.
#[derive(Debug, Clone)]
pub struct Kubelet {
    pub node: String,
    pub host_ip: String,
    pod_cidr_prefix: String,
    last_revision: i64,
    pods: BTreeMap<String, PodRuntime>,
    images: BTreeSet<String>,
    used_ips: BTreeSet<u8>,
    /// When the node status is next reported (every 5 minutes when nothing changes).
    heartbeat_at: Millis,
    /// Pods changed by the API since their last sync.
    dirty: BTreeSet<String>,
    /// Where its file source reads static pods (`staticPodPath` of its configuration,
    /// read when it starts); `None` before it has started.
    static_pod_path: Option<Option<String>>,
    /// The static pods it read last, with when each was first seen, and the generation
    /// of the node's files they were read at.
    static_pods: BTreeMap<String, (StaticPod, Millis)>,
    files_read: Option<u64>,
    /// Whether mirror pods may need creating or deleting.
    mirrors_dirty: bool,
    /// The static pods it has shown with mirror pods.
    mirrors: BTreeSet<String>,
    /// What it logged (for journalctl), oldest first.
    pub log: Vec<(Millis, String)>,
    /// Whether the kubelet process runs (its containers run on without it).
    running: bool,
    /// Whether its machine is off (nothing runs there, nothing answers).
    powered_off: bool,
    /// When it started last, to announce at its first sync.
    started_at: Option<Millis>,
    /// When its Lease is next renewed, and the Lease it last wrote.
    lease_at: Millis,
    lease: Option<Value>,
    /// Its process ID.
    pub pid: u32,
    /// What commands run in containers (`kubectl exec`) changed in their files, by
    /// container ID; and the pods whose probes may find something changed (a command
    /// ran in them, or etcd started or stopped) since the last sync.
    exec_changes: RefCell<BTreeMap<String, Vec<script::Change>>>,
    /// What those commands changed under hostPath volumes, as paths on the node, for
    /// the machine's files (see `take_host_writes`).
    host_writes: RefCell<Vec<script::Change>>,
    probes_to_wake: RefCell<BTreeSet<String>>,
    /// Shells on an attached terminal that exited since the last sync: the container's
    /// ID, when, and with which status.
    shell_exits: RefCell<Vec<(String, Millis, i32)>>,
    /// The shells on containers' terminals, by container ID: the last line's status
    /// (their `$?`) and, for a container with a terminal, what it showed (prompts, typed
    /// lines, output): part of its log.
    terminal: RefCell<BTreeMap<String, Terminal>>,
    /// Whether etcd ran on this node at the last sync (probes that depend on it are
    /// woken when that changes).
    etcd_up: bool,
    /// When the eviction manager last found the node short of memory.
    pressure_at: Option<Millis>,
    /// The node as admission last read it, with the revision it was read at.
    admission_node: Option<(i64, k8s_openapi::api::core::v1::Node)>,
}

/// The user a node's kubelet is to the API server.
fn node_user(node: &str) -> User {
    User::system(&format!("system:node:{node}"))
}

/// How often an unchanged node status is reported (nodeStatusReportFrequency).
const NODE_STATUS_REPORT: Millis = 5 * MINUTE;

fn hex_digest(seed: &str, salt: u64) -> String {
    let mut out = String::with_capacity(64);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for round in 0..4u64 {
        for b in seed.bytes().chain(round.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// Volume mount statuses: read-only mounts report `recursiveReadOnly: Disabled`.
fn mount_statuses(mounts: &Value) -> Value {
    let list: Vec<Value> = mounts
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let mut s = json!({"name": m["name"], "mountPath": m["mountPath"]});
            if m["readOnly"] == true {
                s["readOnly"] = json!(true);
                s["recursiveReadOnly"] = json!("Disabled");
            }
            s
        })
        .collect();
    Value::Array(list)
}

impl Container {
    /// Whether it has run at least once (a sidecar counts as started from then on).
    fn has_started(&self) -> bool {
        self.started() || self.last.is_some() || self.restart_count > 0
    }

    fn probe(&self, kind: prober::Kind) -> Option<&prober::Worker> {
        self.probes.iter().find(|w| w.kind == kind)
    }

    /// Whether it runs and its startup probe, if it has one, has succeeded.
    fn started(&self) -> bool {
        matches!(self.state, State::Running { .. })
            && self
                .probe(prober::Kind::Startup)
                .is_none_or(|w| w.result == prober::Verdict::Success)
    }

    /// Whether it has started and its readiness probe, if it has one, succeeds.
    fn ready(&self) -> bool {
        self.started()
            && self
                .probe(prober::Kind::Readiness)
                .is_none_or(|w| w.result == prober::Verdict::Success)
    }

    /// Whether, as an init container, it no longer holds up the ones after it: it
    /// succeeded, or it is a sidecar that has started.
    fn finished_init(&self) -> bool {
        matches!(&self.state, State::Terminated(t) if t.exit_code == 0)
            || (self.restartable && self.has_started())
    }
}

/// A container of a pod admitted at `admitted`: its probes tick from the second after.
fn container_from_spec(c: &Value, pod_security: &Value, admitted: Millis) -> Container {
    let image = c["image"].as_str().unwrap_or("").to_string();
    let localhost = |field: &str| {
        let own = &c["securityContext"][field];
        let profile = if own.is_object() {
            own
        } else {
            &pod_security[field]
        };
        (profile["type"] == "Localhost").then(|| {
            profile["localhostProfile"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
    };
    let anchor = (admitted.div_euclid(SECOND) + 1) * SECOND;
    let probes = [
        (prober::Kind::Startup, "startupProbe"),
        (prober::Kind::Liveness, "livenessProbe"),
        (prober::Kind::Readiness, "readinessProbe"),
    ]
    .into_iter()
    .filter_map(|(kind, field)| prober::Worker::new(kind, &c[field], anchor))
    .collect();
    let ports = c["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?.to_string(),
                p["containerPort"].as_i64()?,
            ))
        })
        .collect();
    Container {
        seccomp: localhost("seccompProfile"),
        apparmor: localhost("appArmorProfile"),
        memory_limit: usage::bytes(&c["resources"]["limits"]["memory"]),
        oom: false,
        memory_request: usage::bytes(&c["resources"]["requests"]["memory"]).unwrap_or(0),
        cpu_limit: c["resources"]["limits"]["cpu"]
            .as_str()
            .and_then(crate::quantity::parse)
            .and_then(|milli| u64::try_from(milli.saturating_mul(1000)).ok()),
        usage: usage::Usage::default(),
        client: None,
        request_cost: 0,
        load: 0,
        cpu_account: (0, 0, 0),
        pace: (100, 1000),
        probes,
        ports,
        kill: None,
        image_files: (&[], 0),
        crash: None,
        restartable: c["restartPolicy"] == "Always",
        stdin: c["stdin"] == true,
        tty: c["tty"] == true,
        resources: if c["resources"].is_object() {
            c["resources"].clone()
        } else {
            json!({})
        },
        resize_policy: c["resizePolicy"].clone(),
        desired: None,
        files: BTreeSet::new(),
        text: BTreeMap::new(),
        fields: BTreeMap::new(),
        vars: vec![],
        service_links: true,
        name: c["name"].as_str().unwrap_or("").to_string(),
        pull_policy: c["imagePullPolicy"]
            .as_str()
            .unwrap_or("IfNotPresent")
            .to_string(),
        command: owned_strings(&c["command"]),
        args: owned_strings(&c["args"]),
        state: State::creating(Next::Pull, Millis::MAX),
        image,
        restart_count: 0,
        last: None,
        last_id: String::new(),
        exits: 0,
        pull_failures: 0,
        container_id: String::new(),
        image_id: String::new(),
        mounts: mount_statuses(&c["volumeMounts"]),
        env_from: c["envFrom"].clone(),
        env: c["env"].clone(),
        stop_at: None,
        restart_at: None,
    }
}

impl Kubelet {
    pub fn new(node: &str, host_ip: &str, pod_cidr_prefix: &str, now: Millis) -> Self {
        Kubelet {
            node: node.into(),
            host_ip: host_ip.into(),
            pod_cidr_prefix: pod_cidr_prefix.into(),
            last_revision: 0,
            pods: BTreeMap::new(),
            images: BTreeSet::new(),
            used_ips: BTreeSet::new(),
            heartbeat_at: now + NODE_STATUS_REPORT,
            dirty: BTreeSet::new(),
            static_pod_path: None,
            static_pods: BTreeMap::new(),
            files_read: None,
            mirrors_dirty: false,
            mirrors: BTreeSet::new(),
            log: vec![],
            running: true,
            powered_off: false,
            started_at: None,
            lease_at: now,
            lease: None,
            pid: 0,
            exec_changes: RefCell::default(),
            probes_to_wake: RefCell::default(),
            shell_exits: RefCell::default(),
            host_writes: RefCell::default(),
            terminal: RefCell::default(),
            etcd_up: false,
            pressure_at: None,
            admission_node: None,
        }
    }

    /// Whether a static pod on this node has a container of `binary` (its command, or
    /// its image's name) running: how the control plane's components run.
    pub fn runs_static(&self, binary: &str) -> bool {
        self.static_in(binary, |c| {
            matches!(c.state, State::Running { exit: None, .. })
        })
    }

    /// Whether a static pod on this node runs `binary`, or is creating its container (a
    /// component its clients can expect to come up).
    fn starts_static(&self, binary: &str) -> bool {
        self.static_in(binary, |c| match &c.state {
            State::Running { exit, .. } => exit.is_none(),
            State::Waiting { reason, .. } => reason == "ContainerCreating",
            State::Terminated(_) => false,
        })
    }

    /// Whether a static pod not being stopped has a container of `binary` (its command,
    /// or its image's name) in a state `state` accepts.
    fn static_in(&self, binary: &str, state: impl Fn(&Container) -> bool) -> bool {
        // A pod being stopped has had its SIGTERM: the component is shutting down.
        let live = |rt: &&PodRuntime| rt.static_pod && rt.deleting.is_none();
        self.pods.values().filter(live).any(|rt| {
            rt.containers.iter().any(|c| {
                state(c)
                    && c.command
                        .first()
                        .map_or_else(
                            || images::parse_reference(&c.image).repository,
                            |b| b.clone(),
                        )
                        .rsplit('/')
                        .next()
                        == Some(binary)
            })
        })
    }

    /// The command line of a running container of an image named `name` (the last part
    /// of its repository), with when it started: how a cluster add-on such as
    /// metrics-server is found running.
    pub fn running_image(&self, name: &str) -> Option<(Millis, Vec<String>)> {
        self.pods
            .values()
            .filter(|rt| rt.deleting.is_none())
            .flat_map(|rt| rt.containers.iter())
            .filter(|c| c.image.contains(name))
            .find_map(|c| match c.state {
                State::Running {
                    started_at,
                    exit: None,
                    ..
                } if images::parse_reference(&c.image)
                    .repository
                    .rsplit('/')
                    .next()
                    == Some(name) =>
                {
                    let (command, args) = c.command_line();
                    Some((started_at, process::argv(&command, &args)))
                }
                _ => None,
            })
    }

    /// What its `/metrics/resource` endpoint reports at `now`: each running container's
    /// CPU time since it started and its working set.
    pub fn resource_metrics(&self, now: Millis) -> Vec<ContainerStats> {
        let mut out = vec![];
        for rt in self.pods.values() {
            for c in rt.all() {
                let State::Running { started_at, .. } = c.state else {
                    continue;
                };
                let used = c.measured();
                out.push(ContainerStats {
                    namespace: rt.namespace.clone(),
                    pod: rt.name.clone(),
                    container: c.name.clone(),
                    started_at,
                    cpu_ns: STARTUP_CPU_NS + c.cpu_time(started_at, now),
                    memory: used.memory,
                });
            }
        }
        out
    }

    /// The request loops its running containers run, with their pods' namespaces.
    pub fn request_loops(&self) -> impl Iterator<Item = (&str, &usage::RequestLoop)> + '_ {
        self.pods.values().flat_map(|rt| {
            rt.containers
                .iter()
                .filter(|c| matches!(c.state, State::Running { exit: None, .. }))
                .filter_map(|c| c.client.as_ref())
                .map(|l| (rt.namespace.as_str(), l))
        })
    }

    /// How a pod serves a request, if its first container runs: what one costs
    /// (millionths of a core-second) and how fast it goes (millionths of a core: its CPU
    /// limit, one core at most).
    pub fn serving(&self, namespace: &str, pod: &str) -> Option<(u64, u64)> {
        let rt = self
            .pods
            .values()
            .find(|rt| rt.namespace == namespace && rt.name == pod)?;
        let c = rt.containers.first()?;
        if !matches!(c.state, State::Running { exit: None, .. }) {
            return None;
        }
        let speed = c
            .cpu_limit
            .map_or(usage::CORE, |l| l.min(usage::CORE))
            .max(1);
        Some((c.request_cost, speed))
    }

    /// Sets what serving requests takes each pod's first container from `now` on
    /// (millionths of a core, by `namespace/name`; none for those not listed).
    pub fn set_loads(&mut self, loads: &BTreeMap<String, u64>, now: Millis) {
        for rt in self.pods.values_mut() {
            let key = format!("{}/{}", rt.namespace, rt.name);
            let load = loads.get(&key).copied().unwrap_or(0);
            if let Some(c) = rt.containers.first_mut() {
                c.set_load(load, now);
            }
        }
    }

    /// Marks images as already present (pre-pulled on a fresh node).
    pub fn preload(&mut self, image: &str) {
        self.images.insert(images::parse_reference(image).full);
    }

    /// The earliest time this kubelet has something to do.
    pub fn next_wake(&self) -> Option<Millis> {
        if !self.running {
            return None;
        }
        self.pods
            .values()
            .filter_map(PodRuntime::next_due)
            .chain([self.heartbeat_at, self.lease_at])
            .min()
    }

    /// Whether the kubelet process is running.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Stops the kubelet process: nothing watches, restarts or reports the node's pods
    /// until it starts again (their containers go on running).
    pub fn stop(&mut self) {
        self.running = false;
    }

    /// The machine goes down with the kubelet stopped: every running container ends,
    /// found exited with 255 (Unknown) when it boots, and restarts as its pod's policy
    /// says once the kubelet runs again.
    pub fn power_off(&mut self, now: Millis) {
        self.running = false;
        self.powered_off = true;
        for rt in self.pods.values_mut() {
            let restarts = rt.restart_policy != "Never";
            for c in rt.all_mut() {
                if let State::Running { started_at, .. } = c.state {
                    c.state = State::Terminated(Terminated {
                        exit_code: 255,
                        reason: "Unknown".into(),
                        message: None,
                        started_at,
                        finished_at: now,
                    });
                    c.kill = None;
                    c.restart_at = restarts.then_some(now);
                }
            }
        }
    }

    /// The machine is up again (its kubelet starts as systemd starts it).
    pub fn power_on(&mut self) {
        self.powered_off = false;
    }

    /// Whether its machine is off: nothing answers on the kubelet's port.
    pub fn powered_off(&self) -> bool {
        self.powered_off
    }

    /// Starts the kubelet process with the static pod path its configuration gives: it
    /// reads its manifests afresh, reports its node at once and catches up with its pods.
    pub fn start(&mut self, now: Millis, pid: u32, static_pod_path: Option<String>) {
        if self.running {
            return;
        }
        self.running = true;
        self.pid = pid;
        self.started_at = Some(now);
        self.heartbeat_at = now;
        self.lease_at = now;
        self.lease = None;
        self.static_pod_path = Some(static_pod_path);
        self.files_read = None;
        self.dirty.extend(self.pods.keys().cloned());
    }

    /// Reacts to pod changes since the last sync and to its node's files, then does what
    /// is due.
    pub fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder, files: &Fs) {
        if !self.running {
            return;
        }
        let now = api.now();
        if self.started_at.take().is_some() {
            let node = ObjectRef::node(&self.node);
            let source = Source::Kubelet { host: &self.node };
            rec.record(
                api,
                &node,
                "Normal",
                "Starting",
                "Starting kubelet.",
                source,
            );
            rec.record(
                api,
                &node,
                "Normal",
                "NodeAllocatableEnforced",
                "Updated Node Allocatable limit across pods",
                source,
            );
        }
        if now >= self.lease_at {
            self.lease_at = now + node_status::LEASE_RENEW;
            let mut lease = self.lease.take();
            node_status::renew_lease(&mut self.client(api), &self.node, now, &mut lease);
            self.lease = lease;
            self.synchronize_eviction(api, rec);
        }
        if now >= self.heartbeat_at {
            self.heartbeat_at = now + NODE_STATUS_REPORT;
            let pressure = self.memory_pressure(now);
            for reason in node_status::post(&mut self.client(api), &self.node, now, pressure) {
                let node = ObjectRef::node(&self.node);
                let message = format!("Node {} status is now: {reason}", self.node);
                let source = Source::Kubelet { host: &self.node };
                rec.record(api, &node, "Normal", reason, &message, source);
            }
        }
        self.read_static_pods(files, api.now());
        self.watch_pods(api);
        // The API server's health follows etcd's: its probes look again when that changes.
        let etcd_up = !self.static_pods.is_empty() && self.runs_static("etcd");
        if etcd_up != self.etcd_up {
            self.etcd_up = etcd_up;
            let statics: Vec<String> = self
                .pods
                .iter()
                .filter(|(_, rt)| rt.static_pod)
                .map(|(k, _)| k.clone())
                .collect();
            self.probes_to_wake.borrow_mut().extend(statics);
        }
        // A shell whose terminal typed `exit` ends its container's process.
        for (id, at, code) in self.shell_exits.take() {
            for (key, rt) in self.pods.iter_mut() {
                if let Some(c) = rt.all_mut().find(|c| c.container_id == id) {
                    if matches!(c.state, State::Running { .. }) {
                        c.kill = Some((at, code));
                        self.dirty.insert(key.clone());
                    }
                }
            }
        }
        // Probes may find something changed.
        for key in self.probes_to_wake.take() {
            if let Some(rt) = self.pods.get_mut(&key) {
                for c in rt.all_mut() {
                    for w in c.probes.iter_mut() {
                        w.wake(now);
                    }
                }
                self.dirty.insert(key);
            }
        }
        if !self.exec_changes.borrow().is_empty() {
            let live: BTreeSet<&str> = self
                .pods
                .values()
                .flat_map(|rt| rt.all())
                .map(|c| c.container_id.as_str())
                .collect();
            self.exec_changes
                .borrow_mut()
                .retain(|id, _| live.contains(id.as_str()));
        }
        if !self.terminal.borrow().is_empty() {
            // A terminal's lines last as long as the instance's log (this one or the last).
            let kept: BTreeSet<&str> = self
                .pods
                .values()
                .flat_map(|rt| rt.all())
                .flat_map(|c| [c.container_id.as_str(), c.last_id.as_str()])
                .collect();
            self.terminal
                .borrow_mut()
                .retain(|id, _| kept.contains(id.as_str()));
        }
        self.sync_static_pods(api);
        // Only pods that changed or have something due: the rest are as they were.
        let now = api.now();
        let mut keys = std::mem::take(&mut self.dirty);
        keys.extend(
            self.pods
                .iter()
                .filter(|(_, rt)| rt.next_due().is_some_and(|t| t <= now))
                .map(|(k, _)| k.clone()),
        );
        for key in keys {
            self.sync_pod(api, rec, &key, files);
        }
        // A static pod replaced by a new version starts once the old one has stopped.
        self.sync_static_pods(api);
    }

    /// Reads the static pod manifests again when the node's files have changed.
    fn read_static_pods(&mut self, files: &Fs, now: Millis) {
        if self.files_read == Some(files.generation()) {
            return;
        }
        self.files_read = Some(files.generation());
        let path = self
            .static_pod_path
            .get_or_insert_with(|| static_pods::static_pod_path(files, static_pods::KUBELET_CONFIG))
            .clone();
        let Some(dir) = path else {
            return;
        };
        let (pods, errors) = static_pods::read_dir(files, &dir, &self.node);
        for e in errors {
            self.log(now, 'E', "file.go:187", &e);
        }
        let before = std::mem::take(&mut self.static_pods);
        for sp in pods {
            let seen = match before.get(&sp.key) {
                Some((old, seen)) if old.uid == sp.uid => *seen,
                _ => now,
            };
            self.static_pods.insert(sp.key.clone(), (sp, seen));
        }
        if before.len() != self.static_pods.len()
            || before
                .iter()
                .any(|(k, (sp, _))| self.static_pods.get(k).is_none_or(|(n, _)| n.uid != sp.uid))
        {
            self.mirrors_dirty = true;
        }
    }

    /// Logs a line as klog writes it (to the journal, through systemd).
    pub fn log(&mut self, at: Millis, level: char, source: &str, msg: &str) {
        let micros = 137 * self.log.len() as u64;
        let line = crate::klog::line(level, at, micros, self.pid, source, msg);
        self.log.push((at, line));
    }

    /// Starts static pods that are not running, stops those whose manifest went or
    /// changed (a new version starts once the old one has stopped), and keeps one mirror
    /// pod per running static pod in the API server.
    fn sync_static_pods(&mut self, api: &mut ApiServer) {
        if !self.mirrors_dirty {
            return;
        }
        self.mirrors_dirty = false;
        let now = api.now();
        for (key, rt) in self.pods.iter_mut().filter(|(_, rt)| rt.static_pod) {
            let wanted = self
                .static_pods
                .get(key)
                .is_some_and(|(sp, _)| sp.uid == rt.uid);
            if !wanted && rt.deleting.is_none() {
                rt.deleting = Some(now + rt.grace);
                self.dirty.insert(key.clone());
            }
        }
        let node_uid = api
            .get(resources::nodes(), "", &self.node)
            .ok()
            .and_then(|n| n["metadata"]["uid"].as_str().map(str::to_string))
            .unwrap_or_default();
        let desired: Vec<(StaticPod, Millis)> = self.static_pods.values().cloned().collect();
        for (sp, seen) in desired {
            if !self.pods.contains_key(&sp.key) {
                let delay = api.rng.between(300, 900);
                let mut rt = PodRuntime::new(&sp.pod, &sp.uid, now, delay);
                rt.static_pod = true;
                self.pods.insert(sp.key.clone(), rt);
                self.dirty.insert(sp.key.clone());
            }
            let Some(rt) = self.pods.get_mut(&sp.key).filter(|rt| rt.uid == sp.uid) else {
                continue;
            };
            let (ns, name) = (rt.namespace.clone(), rt.name.clone());
            let current = api.get(resources::pods(), &ns, &name).ok();
            let shown = current.as_ref().is_some_and(|p| {
                p["metadata"]["annotations"]["kubernetes.io/config.mirror"] == sp.uid.as_str()
                    && p["metadata"]["deletionTimestamp"].is_null()
            });
            if shown {
                continue;
            }
            let mut client = Client::component(api, node_user(&self.node));
            if current.is_some() {
                let _ = client.delete(resources::pods(), &ns, &name, Some(0));
            }
            let mirror = static_pods::mirror(&sp, seen, &node_uid);
            if client.create(resources::pods(), &ns, mirror, &[]).is_ok() {
                rt.last_status.clear();
                self.dirty.insert(sp.key.clone());
            }
        }
        // Mirror pods of static pods no longer running go.
        let gone: Vec<String> = self
            .mirrors
            .iter()
            .filter(|k| !self.static_pods.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            let (ns, name) = key.split_once('/').unwrap_or(("", ""));
            let _ = self
                .client(api)
                .delete(resources::pods(), ns, name, Some(0));
            self.mirrors.remove(&key);
        }
        self.mirrors.extend(self.static_pods.keys().cloned());
    }

    fn watch_pods(&mut self, api: &mut ApiServer) {
        let node = self.node.as_str();
        let ours = |v: &Value| v["spec"]["nodeName"].as_str() == Some(node);
        let events: Vec<(EventType, Value)> =
            match api.store.watch("/registry/pods/", self.last_revision) {
                // Only this node's pods are copied out of the store.
                Ok(evs) => evs
                    .iter()
                    .filter(|e| ours(&e.kv.value()))
                    .map(|e| (e.kind, (*e.kv.value()).clone()))
                    .collect(),
                Err(_) => {
                    // History compacted: relist.
                    self.pods.retain(|k, rt| {
                        let (ns, name) = k.split_once('/').unwrap_or(("", ""));
                        rt.static_pod || api.store.get(&resources::pods().key(ns, name)).is_some()
                    });
                    api.store
                        .range("/registry/pods/")
                        .map(|kv| (EventType::Put, (*kv.value()).clone()))
                        .collect()
                }
            };
        self.last_revision = api.store.revision();
        for (kind, pod) in events {
            if pod["spec"]["nodeName"].as_str() != Some(&self.node) {
                continue;
            }
            // Static pods come from files; their mirror pods are only shown.
            if static_pods::is_mirror(&pod) {
                // Only a mirror pod deleted, being deleted or not matching what runs
                // needs the kubelet; its own status updates do not.
                let key = format!(
                    "{}/{}",
                    pod["metadata"]["namespace"].as_str().unwrap_or(""),
                    pod["metadata"]["name"].as_str().unwrap_or("")
                );
                let current = self.static_pods.get(&key).is_some_and(|(sp, _)| {
                    pod["metadata"]["annotations"]["kubernetes.io/config.mirror"] == sp.uid.as_str()
                });
                if kind == EventType::Delete
                    || !current
                    || pod["metadata"]["deletionTimestamp"].is_string()
                {
                    self.mirrors_dirty = true;
                }
                continue;
            }
            let ns = pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
            let key = format!("{ns}/{name}");
            let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
            if kind == EventType::Delete {
                if let Some(rt) = self.pods.remove(&key) {
                    self.release_ip(&rt);
                }
                continue;
            }
            if self.pods.get(&key).is_some_and(|rt| rt.uid != uid) {
                if let Some(rt) = self.pods.remove(&key) {
                    self.release_ip(&rt);
                }
            }
            let now = api.now();
            self.dirty.insert(key.clone());
            if !self.pods.contains_key(&key) {
                let mut rt = PodRuntime::new(&pod, &uid, now, api.rng.between(300, 900));
                rt.rejected = self
                    .admit(api, &pod, rt.requests)
                    .err()
                    .map(|why| Rejected {
                        why,
                        announced: false,
                        unknown_at: now + api.rng.between(2_000, 6_000),
                        unknown_shown: false,
                    });
                self.pods.insert(key.clone(), rt);
            }
            let Some(rt) = self.pods.get_mut(&key) else {
                continue;
            };
            // Ephemeral containers added to the pod (`kubectl debug`) join it.
            for spec in pod["spec"]["ephemeralContainers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if !rt
                    .ephemeral
                    .iter()
                    .any(|c| c.name == spec["name"].as_str().unwrap_or(""))
                {
                    let security = &pod["spec"]["securityContext"];
                    rt.ephemeral.push(container_from_spec(spec, security, now));
                }
            }
            // A resize waits for the kubelet to admit it.
            Kubelet::note_resize(rt, &pod);
            // Image updates on a running pod restart that container with the new image.
            if let Some(specs) = pod["spec"]["containers"].as_array() {
                for (c, s) in rt.containers.iter_mut().zip(specs) {
                    let image = s["image"].as_str().unwrap_or("");
                    if c.image != image {
                        c.image = image.to_string();
                        c.stop_at = Some(now);
                    }
                }
            }
            if let Some(ts) = pod["metadata"]["deletionTimestamp"].as_str() {
                if rt.deleting.is_none() {
                    let deadline: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time> =
                        crate::apiserver::decode::typed(Value::String(ts.to_string())).ok();
                    rt.deleting = Some(deadline.map_or(now, |d| from_time(&d)).max(now));
                }
            }
        }
    }

    /// The kubelet's admission of a pod new to it: pods already finished are not run
    /// again, whatever they ask.
    fn admit(
        &mut self,
        api: &mut ApiServer,
        pod: &Value,
        want: crate::scheduler::framework::Resources,
    ) -> Result<(), admission::Rejection> {
        let finished = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        );
        if finished || !pod["metadata"]["deletionTimestamp"].is_null() {
            return Ok(());
        }
        let Some((node, admitted)) = self.admission_view(api, None) else {
            return Ok(());
        };
        admission::admit(pod, want, node, &admitted)
    }

    /// The node as admission reads it (read again only when it has changed), and what
    /// the pods admitted and still running (but `except`) request of it.
    fn admission_view(
        &mut self,
        api: &mut ApiServer,
        except: Option<&str>,
    ) -> Option<(
        &k8s_openapi::api::core::v1::Node,
        Vec<crate::scheduler::framework::Resources>,
    )> {
        let kv = api.store.get(&resources::nodes().key("", &self.node))?;
        if self.admission_node.as_ref().map(|(rev, _)| *rev) != Some(kv.mod_revision) {
            let mut node = Value::clone(&kv.value());
            // Admission has no use for the node's image list.
            if let Some(status) = node["status"].as_object_mut() {
                status.remove("images");
            }
            let typed = crate::apiserver::decode::typed(node).ok()?;
            self.admission_node = Some((kv.mod_revision, typed));
        }
        let (_, node) = self.admission_node.as_ref()?;
        let admitted = self
            .pods
            .iter()
            .filter(|(k, _)| Some(k.as_str()) != except)
            .map(|(_, rt)| rt)
            .filter(|rt| rt.rejected.is_none() && rt.evicted.is_none() && rt.deleting.is_none())
            .filter(|rt| {
                let init_done = rt.initialized || rt.init.iter().all(Container::finished_init);
                !matches!(pod_phase(rt, init_done), "Succeeded" | "Failed")
            })
            .map(|rt| rt.requests)
            .collect();
        Some((node, admitted))
    }

    fn release_ip(&mut self, rt: &PodRuntime) {
        if let Some(last) = rt
            .ip
            .as_deref()
            .and_then(|ip| ip.rsplit('.').next())
            .and_then(|o| o.parse().ok())
        {
            if !rt.host_network {
                self.used_ips.remove(&last);
            }
        }
    }

    fn allocate_ip(&mut self) -> String {
        let octet = (2..=254u8)
            .find(|o| !self.used_ips.contains(o))
            .unwrap_or(254);
        self.used_ips.insert(octet);
        format!("{}{octet}", self.pod_cidr_prefix)
    }

    /// Gives the pod's containers that `which` picks what their sandbox brings them:
    /// their volumes' files and the pod's fields their environment may name.
    fn set_up(
        &self,
        api: &mut ApiServer,
        (rt, host): (&mut PodRuntime, &Fs),
        which: impl Fn(&Container) -> bool,
    ) {
        let ip = rt.ip.clone().unwrap_or_default();
        let pod = api
            .get(resources::pods(), &rt.namespace, &rt.name)
            .unwrap_or_default();
        let fields = downward_fields(&pod, &self.node, &self.host_ip, &ip);
        let links = pod["spec"]["enableServiceLinks"].as_bool().unwrap_or(true);
        let (ns, vols) = (rt.namespace.clone(), rt.volumes.clone());
        for c in rt.all_mut().filter(|c| which(c)) {
            (c.files, c.text) =
                volumes::files(&mut self.client(api), (&ns, host), &vols, &c.mounts);
            c.choose_image_files();
            c.fields = fields.clone();
            c.service_links = links;
        }
    }

    fn sync_pod(&mut self, api: &mut ApiServer, rec: &mut Recorder, key: &str, files: &Fs) {
        let Some(mut rt) = self.pods.remove(key) else {
            return;
        };
        let now = api.now();
        let pod_ref = ObjectRef {
            kind: "Pod".into(),
            namespace: rt.namespace.clone(),
            name: rt.name.clone(),
            uid: rt.uid.clone(),
            api_version: "v1".into(),
            ..Default::default()
        };
        let host = self.node.clone();
        // Events name the container by its place in the spec.
        let lists: Vec<(&str, Vec<String>)> = [
            ("initContainers", &rt.init),
            ("ephemeralContainers", &rt.ephemeral),
        ]
        .into_iter()
        .map(|(l, cs)| (l, cs.iter().map(|c| c.name.clone()).collect()))
        .collect();
        let mut say =
            |api: &mut ApiServer, c: Option<&str>, type_: &str, reason: &str, msg: String| {
                let obj = match c {
                    Some(name) => {
                        let list = lists
                            .iter()
                            .find(|(_, names)| names.iter().any(|n| n == name))
                            .map_or("containers", |(l, _)| *l);
                        pod_ref
                            .clone()
                            .with_field_path(format!("spec.{list}{{{name}}}"))
                    }
                    None => pod_ref.clone(),
                };
                rec.record(
                    api,
                    &obj,
                    type_,
                    reason,
                    &msg,
                    Source::Kubelet { host: &host },
                );
            };

        if let Some(deadline) = rt.deleting {
            let mut all_stopped = true;
            for c in rt.all_mut() {
                if let State::Running {
                    started_at,
                    graceful,
                    ..
                } = c.state
                {
                    let stop = match c.stop_at {
                        Some(t) => t,
                        None => {
                            say(
                                api,
                                Some(&c.name),
                                "Normal",
                                "Killing",
                                format!("Stopping container {}", c.name),
                            );
                            let t = if graceful {
                                (now + api.rng.between(100, 600)).min(deadline)
                            } else {
                                deadline
                            };
                            c.stop_at = Some(t);
                            t
                        }
                    };
                    if stop <= now {
                        let code = if graceful && stop < deadline { 0 } else { 137 };
                        c.state = State::Terminated(Terminated::exited(code, started_at, stop));
                    } else {
                        all_stopped = false;
                    }
                }
            }
            if all_stopped {
                self.release_ip(&rt);
                if rt.static_pod {
                    self.mirrors_dirty = true;
                } else {
                    let _ = self.client(api).delete(
                        resources::pods(),
                        &rt.namespace,
                        &rt.name,
                        Some(0),
                    );
                }
                return;
            }
            self.write_status(api, &mut rt);
            self.pods.insert(key.to_string(), rt);
            return;
        }

        if let Some(r) = &mut rt.rejected {
            if !r.announced {
                r.announced = true;
                let (reason, message) = (r.why.reason.clone(), r.why.message.clone());
                say(api, None, "Warning", &reason, message);
            }
            r.unknown_shown |= now >= r.unknown_at;
            self.write_status(api, &mut rt);
            self.pods.insert(key.to_string(), rt);
            return;
        }

        if rt.evicted.is_some() {
            // Its containers stop as the eviction manager killed them; none restarts.
            for c in rt.all_mut() {
                if let (Some((at, code)), State::Running { started_at, .. }) = (c.kill, &c.state) {
                    if at <= now {
                        c.state = State::Terminated(Terminated::exited(code, *started_at, at));
                        c.kill = None;
                    }
                }
            }
            self.write_status(api, &mut rt);
            self.pods.insert(key.to_string(), rt);
            return;
        }

        if rt.ip.is_none() {
            if now < rt.sandbox_at {
                self.write_status(api, &mut rt);
                self.pods.insert(key.to_string(), rt);
                return;
            }
            let unmounted = volumes::mount_error(&mut self.client(api), &rt.namespace, &rt.volumes);
            if let Some((volume, why)) = unmounted {
                say(
                    api,
                    None,
                    "Warning",
                    "FailedMount",
                    format!("MountVolume.SetUp failed for volume \"{volume}\" : {why}"),
                );
                rt.sandbox_at = now + volumes::retry_after(rt.mount_failures);
                rt.mount_failures += 1;
                self.write_status(api, &mut rt);
                self.pods.insert(key.to_string(), rt);
                return;
            }
            let ip = if rt.host_network {
                self.host_ip.clone()
            } else {
                self.allocate_ip()
            };
            rt.ip = Some(ip);
            self.set_up(api, (&mut rt, files), |_| true);
            let first_at = now;
            if let Some(c) = rt.init.first_mut().or(rt.containers.first_mut()) {
                if let State::Waiting { at, .. } = &mut c.state {
                    *at = first_at;
                }
            }
        }

        let now = api.now();
        self.resize(api, (key, &mut rt), &mut |c| c.stop_at = Some(now));
        // Init containers run one at a time, each to success, before the app containers;
        // a sidecar (restartPolicy Always) only until it has started, then it keeps
        // running (restarted when it exits) beside them.
        let pod_desc = format!("{}_{}({})", rt.name, rt.namespace, rt.uid);
        for i in 0..rt.init.len() {
            let c = &rt.init[i];
            if c.restartable && (rt.initialized || c.has_started()) {
                self.drive(
                    api,
                    &mut say,
                    &mut rt.init[i],
                    "Always",
                    (&rt.namespace, &pod_desc),
                    files,
                );
                continue;
            }
            if rt.initialized || c.finished_init() {
                continue;
            }
            if let State::Waiting { at, .. } = &mut rt.init[i].state {
                if *at == Millis::MAX {
                    *at = now;
                }
            }
            let policy = if rt.init[i].restartable {
                "Always"
            } else if rt.restart_policy == "Never" {
                "Never"
            } else {
                "OnFailure"
            };
            self.drive(
                api,
                &mut say,
                &mut rt.init[i],
                policy,
                (&rt.namespace, &pod_desc),
                files,
            );
            if rt.init[i].finished_init() {
                if let Some(State::Waiting { at, .. }) =
                    rt.init.get_mut(i + 1).map(|c| &mut c.state)
                {
                    *at = now;
                }
            }
            break;
        }
        let init_done = rt.initialized || rt.init.iter().all(Container::finished_init);
        rt.initialized |= init_done;
        if init_done {
            let policy = rt.restart_policy.clone();
            let namespace = rt.namespace.clone();
            // The runtime starts containers in order; each waits for the one before to start.
            let mut ready_to_start = true;
            for c in rt.containers.iter_mut() {
                if let State::Waiting {
                    at,
                    next: Next::Pull,
                    ..
                } = &mut c.state
                {
                    if *at == Millis::MAX && ready_to_start {
                        *at = now;
                    }
                }
                if c.stop_at.is_some_and(|t| t <= now) {
                    // The spec changed (new image): kill and recreate.
                    c.stop_at = None;
                    say(
                        api,
                        Some(&c.name),
                        "Normal",
                        "Killing",
                        format!("Container {} definition changed, will be restarted", c.name),
                    );
                    if let State::Running { started_at, .. } = c.state {
                        c.last = Some(Terminated::exited(0, started_at, now));
                        c.last_id = c.container_id.clone();
                        c.restart_count += 1;
                    }
                    c.state = State::creating(Next::Pull, now);
                }
                self.drive(api, &mut say, c, &policy, (&namespace, &pod_desc), files);
                // One the runtime could not create does not hold up the others.
                ready_to_start = match &c.state {
                    State::Waiting { reason, .. }
                        if matches!(
                            reason.as_str(),
                            "CreateContainerConfigError"
                                | "CreateContainerError"
                                | "InvalidImageName"
                                | "ErrImageNeverPull"
                        ) =>
                    {
                        true
                    }
                    State::Waiting {
                        next: Next::Pull | Next::Pulled { .. } | Next::Start,
                        ..
                    } => false,
                    _ => true,
                };
            }
        }
        // Ephemeral containers start when added, once the sandbox runs, and are never
        // restarted.
        if rt.ephemeral.iter().any(|c| c.fields.is_empty()) {
            self.set_up(api, (&mut rt, files), |c| c.fields.is_empty());
        }
        let namespace = rt.namespace.clone();
        for c in rt.ephemeral.iter_mut() {
            if let State::Waiting { at, .. } = &mut c.state {
                if *at == Millis::MAX {
                    *at = now;
                }
            }
            self.drive(api, &mut say, c, "Never", (&namespace, &pod_desc), files);
        }
        self.run_probes(api, &mut say, &mut rt);
        self.write_status(api, &mut rt);
        self.pods.insert(key.to_string(), rt);
    }

    /// Advances one container through every transition that is due.
    fn drive(
        &mut self,
        api: &mut ApiServer,
        say: &mut impl FnMut(&mut ApiServer, Option<&str>, &str, &str, String),
        c: &mut Container,
        restart_policy: &str,
        (ns, pod_desc): (&str, &str),
        files: &Fs,
    ) {
        let now = api.now();
        if let (Some((at, code)), State::Running { started_at, .. }) = (c.kill, &c.state) {
            if at <= now {
                let t = Terminated::exited(code, *started_at, at);
                self.exited(api, say, c, t, restart_policy, pod_desc);
            }
        }
        if c.restart_at.is_some_and(|t| t <= now) {
            c.restart_at = None;
            if let State::Terminated(t) = &c.state {
                c.last = Some(t.clone());
                c.last_id = c.container_id.clone();
            }
            c.state = State::Waiting {
                reason: "CrashLoopBackOff".into(),
                message: None,
                next: Next::Restart,
                at: now,
            };
        }
        for _ in 0..8 {
            match c.state.clone() {
                State::Waiting { at, .. } if at > now => return,
                State::Waiting {
                    next: Next::StartFailed,
                    ..
                } => {
                    let Some(t) = c.last.take() else {
                        c.state = State::creating(Next::Pull, now);
                        continue;
                    };
                    if c.exits == 0 {
                        c.exits = 1;
                        c.last = Some(t);
                        c.restart_count += 1;
                        c.state = State::creating(Next::Pull, now);
                    } else {
                        self.exited(api, say, c, t, restart_policy, pod_desc);
                    }
                }
                State::Waiting {
                    next: Next::Restart,
                    ..
                } => {
                    c.restart_count += 1;
                    c.state = State::creating(Next::Pull, now);
                }
                State::Waiting {
                    next: Next::Pull, ..
                } => {
                    if let Some(why) = crate::reference::invalid_reference(&c.image) {
                        let msg = format!(
                            "Failed to apply default image tag \"{0}\": couldn't parse image name \"{0}\": {why}",
                            c.image
                        );
                        say(api, Some(&c.name), "Warning", "InspectFailed", msg.clone());
                        say(
                            api,
                            Some(&c.name),
                            "Warning",
                            "Failed",
                            "Error: InvalidImageName".into(),
                        );
                        c.state = State::retry("InvalidImageName", msg, now);
                        return;
                    }
                    let reference = images::parse_reference(&c.image);
                    let present = self.images.contains(&reference.full);
                    if present && c.pull_policy != "Always" {
                        say(
                            api,
                            Some(&c.name),
                            "Normal",
                            "Pulled",
                            format!("Container image \"{}\" already present on machine and can be accessed by the pod", c.image),
                        );
                        c.state = State::creating(Next::Start, now);
                        continue;
                    }
                    if c.pull_policy == "Never" {
                        let msg = format!(
                            "Container image \"{}\" is not present with pull policy of Never",
                            c.image
                        );
                        say(
                            api,
                            Some(&c.name),
                            "Warning",
                            "ErrImageNeverPull",
                            msg.clone(),
                        );
                        c.state = State::retry("ErrImageNeverPull", msg, now);
                        return;
                    }
                    say(
                        api,
                        Some(&c.name),
                        "Normal",
                        "Pulling",
                        format!("Pulling image \"{}\"", c.image),
                    );
                    match images::pull(&c.image) {
                        Ok(img) => {
                            let took = if present {
                                api.rng.between(300, 900)
                            } else {
                                (img.size_bytes / 30_000) as Millis + api.rng.between(400, 1500)
                            };
                            let reason = match &c.state {
                                State::Waiting { reason, .. }
                                    if reason != "ErrImagePull" && reason != "ImagePullBackOff" =>
                                {
                                    reason.clone()
                                }
                                _ => "ContainerCreating".into(),
                            };
                            c.state = State::Waiting {
                                reason,
                                message: None,
                                next: Next::Pulled { took },
                                at: now + took,
                            };
                        }
                        Err(e) => {
                            c.pull_failures += 1;
                            let msg = format!("Failed to pull image \"{}\": {e}", c.image);
                            say(api, Some(&c.name), "Warning", "Failed", msg.clone());
                            say(
                                api,
                                Some(&c.name),
                                "Warning",
                                "Failed",
                                "Error: ErrImagePull".into(),
                            );
                            c.state = State::Waiting {
                                reason: "ErrImagePull".into(),
                                message: Some(format!("rpc error: code = NotFound desc = {e}")),
                                next: Next::PullBackOff,
                                at: now + api.rng.between(800, 2000),
                            };
                            return;
                        }
                    }
                }
                State::Waiting {
                    next: Next::PullBackOff,
                    ..
                } => {
                    let backoff = backoff(c.pull_failures.saturating_sub(1));
                    say(
                        api,
                        Some(&c.name),
                        "Normal",
                        "BackOff",
                        format!("Back-off pulling image \"{}\"", c.image),
                    );
                    say(
                        api,
                        Some(&c.name),
                        "Warning",
                        "Failed",
                        "Error: ImagePullBackOff".into(),
                    );
                    c.state = State::Waiting {
                        reason: "ImagePullBackOff".into(),
                        message: Some(format!("Back-off pulling image \"{}\"", c.image)),
                        next: Next::Pull,
                        at: now + backoff,
                    };
                    return;
                }
                State::Waiting {
                    next: Next::Pulled { took },
                    ..
                } => {
                    let reference = images::parse_reference(&c.image);
                    let size = images::pull(&c.image).map(|i| i.size_bytes).unwrap_or(0);
                    self.images.insert(reference.full);
                    let secs = format!("{}.{:03}s", took / 1000, took % 1000);
                    say(api, Some(&c.name), "Normal", "Pulled", format!("Successfully pulled image \"{}\" in {secs} ({secs} including waiting). Image size: {size} bytes.", c.image));
                    c.pull_failures = 0;
                    c.state = State::creating(Next::Start, now);
                }
                State::Waiting {
                    next: Next::Start, ..
                } => {
                    // The kubelet's config for the container, then the runtime's spec.
                    let refused = env::config_error(&mut self.client(api), ns, &c.env_from, &c.env)
                        .map(|msg| ("CreateContainerConfigError", msg))
                        .or_else(|| {
                            runtime_spec_error(c, files).map(|msg| ("CreateContainerError", msg))
                        });
                    if let Some((reason, msg)) = refused {
                        say(
                            api,
                            Some(&c.name),
                            "Warning",
                            "Failed",
                            format!("Error: {msg}"),
                        );
                        c.state = State::retry(reason, msg, now);
                        return;
                    }
                    let reference = images::parse_reference(&c.image);
                    c.image_id = format!(
                        "{}@sha256:{}",
                        reference
                            .full
                            .rsplit_once(':')
                            .map_or(reference.full.as_str(), |(r, _)| r),
                        hex_digest(&reference.full, 0)
                    );
                    c.container_id = format!(
                        "containerd://{}",
                        hex_digest(&format!("{pod_desc}/{}", c.name), api.rng.next_u64())
                    );
                    let h = c
                        .container_id
                        .get(13..17)
                        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
                        .unwrap_or(0);
                    c.pace = (85 + h % 31, 980 + h % 41);
                    c.vars = env::resolve(
                        &mut self.client(api),
                        ns,
                        &c.fields,
                        &c.env_from,
                        &c.env,
                        c.service_links,
                    );
                    let behaviour = match images::pull(&c.image) {
                        Ok(img) => {
                            let (command, args) = c.command_line();
                            let failure = self.component_failure(img, c, files);
                            let b = match &failure {
                                Some(f) => Behaviour::Exits {
                                    after: f.after,
                                    code: f.code,
                                },
                                // A shell with a terminal to read waits on it.
                                None if c.stdin
                                    && process::reads_terminal(
                                        img,
                                        &process::argv(&command, &args),
                                    ) =>
                                {
                                    Behaviour::Forever { graceful: false }
                                }
                                None => process::behaviour(img, &command, &args, c.context()),
                            };
                            c.crash = failure.map(|f| f.lines);
                            // A process that takes more memory than its limit is killed
                            // by the kernel as soon as it has.
                            let argv = process::argv(&command, &args);
                            c.usage = usage::usage(img, &argv);
                            c.client = usage::request_loop(&argv);
                            c.request_cost = usage::request_cost(img);
                            c.oom = c.memory_limit.is_some_and(|limit| c.usage.memory > limit);
                            match b {
                                Behaviour::Forever { .. } | Behaviour::Exits { .. } if c.oom => {
                                    Behaviour::Exits {
                                        after: api.rng.between(200, 700),
                                        code: 137,
                                    }
                                }
                                b => b,
                            }
                        }
                        Err(e) => Behaviour::StartError(e),
                    };
                    say(
                        api,
                        Some(&c.name),
                        "Normal",
                        "Created",
                        "Container created".into(),
                    );
                    match behaviour {
                        Behaviour::StartError(msg) => {
                            say(
                                api,
                                Some(&c.name),
                                "Warning",
                                "Failed",
                                format!("Error: {msg}"),
                            );
                            // containerd records the start that never happened at
                            // the Unix epoch.
                            let t = Terminated {
                                exit_code: 128,
                                reason: "StartError".into(),
                                message: Some(msg.clone()),
                                started_at: -crate::clock::epoch_seconds() * SECOND,
                                finished_at: now,
                            };
                            if restart_policy == "Never" {
                                self.exited(api, say, c, t, restart_policy, pod_desc);
                            } else {
                                // The sync's error stands until the next relist sees the exit.
                                c.last = Some(t);
                                c.last_id = c.container_id.clone();
                                c.state = State::Waiting {
                                    reason: "RunContainerError".into(),
                                    message: Some(msg),
                                    next: Next::StartFailed,
                                    at: now + PLEG_RELIST,
                                };
                                return;
                            }
                        }
                        b => {
                            say(
                                api,
                                Some(&c.name),
                                "Normal",
                                "Started",
                                "Container started".into(),
                            );
                            let (exit, graceful) = match b {
                                Behaviour::Exits { after, code } => {
                                    (Some((now + after.max(50), code)), false)
                                }
                                Behaviour::Forever { graceful } => (None, graceful),
                                Behaviour::StartError(_) => (None, false),
                            };
                            c.state = State::Running {
                                started_at: now,
                                exit,
                                graceful,
                            };
                            c.kill = None;
                            for w in c.probes.iter_mut() {
                                w.container_started(now);
                            }
                        }
                    }
                }
                State::Running {
                    started_at,
                    exit: Some((at, code)),
                    ..
                } if at <= now => {
                    let mut t = Terminated::exited(code, started_at, at);
                    if c.oom && code == 137 {
                        t.reason = "OOMKilled".into();
                    }
                    if at - started_at > 10 * MINUTE {
                        c.exits = 0;
                    }
                    self.exited(api, say, c, t, restart_policy, pod_desc);
                }
                _ => return,
            }
        }
    }

    fn exited(
        &mut self,
        api: &mut ApiServer,
        say: &mut impl FnMut(&mut ApiServer, Option<&str>, &str, &str, String),
        c: &mut Container,
        t: Terminated,
        restart_policy: &str,
        pod_desc: &str,
    ) {
        let now = api.now();
        c.kill = None;
        let restart = match restart_policy {
            "Always" => true,
            "OnFailure" => t.exit_code != 0,
            _ => false,
        };
        if !restart {
            c.state = State::Terminated(t);
            return;
        }
        c.exits += 1;
        let delay = if c.exits <= 1 {
            0
        } else {
            backoff(c.exits - 2)
        };
        if delay == 0 {
            // Seen as exited until the kubelet's next relist starts it again.
            c.state = State::Terminated(t);
            c.restart_at = Some(now + PLEG_RELIST);
        } else {
            c.last = Some(t);
            c.last_id = c.container_id.clone();
            say(
                api,
                Some(&c.name),
                "Warning",
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {pod_desc}",
                    c.name
                ),
            );
            let message = format!(
                "back-off {} restarting failed container={} pod={pod_desc}",
                crate::printers::age::go_duration(delay),
                c.name
            );
            // The pod worker's error, in the kubelet's journal.
            let (name_ns, uid) = pod_desc
                .trim_end_matches(')')
                .split_once('(')
                .unwrap_or((pod_desc, ""));
            let (name, ns) = name_ns.rsplit_once('_').unwrap_or((name_ns, ""));
            let err = format!(
                "failed to \"StartContainer\" for \"{}\" with CrashLoopBackOff: \"{message}\"",
                c.name
            );
            let line = format!(
                "\"Error syncing pod, skipping\" err={} pod=\"{ns}/{name}\" podUID=\"{uid}\"",
                crate::klog::quote(&err)
            );
            self.log(now, 'E', "pod_workers.go:1301", &line);
            c.state = State::Waiting {
                reason: "CrashLoopBackOff".into(),
                message: Some(message),
                next: Next::Restart,
                at: now + delay,
            };
        }
    }

    /// How a control-plane program in `c` fails to start on this node, if it does (the
    /// check needs the programs' flag tables, which the browser loads before any command
    /// can change a manifest).
    fn component_failure(
        &self,
        image: &images::Image,
        c: &Container,
        files: &Fs,
    ) -> Option<Failure> {
        let (command, args) = c.command_line();
        if !process::runs_server(image, &command, &args, c.context()) {
            return None;
        }
        let program = image.repository.rsplit('/').next().unwrap_or("");
        let mut argv: Vec<String> = command.into_iter().chain(args).collect();
        if argv
            .first()
            .is_some_and(|a| a.rsplit('/').next() == Some(program))
        {
            argv.remove(0);
        }
        let control_plane = self.node == crate::host::FIRST;
        let existing = kubarium_tools::components::paths(&argv)
            .into_iter()
            .filter(|p| files.read(p).is_some() || crate::host::kubeadm_writes(p, control_plane))
            .map(str::to_string)
            .collect();
        crate::tools::component_check(&Start {
            program: program.to_string(),
            args: argv,
            ip: self.host_ip.clone(),
            etcd_up: self.starts_static("etcd"),
            existing,
            version: crate::version::KUBERNETES_VERSION.to_string(),
        })
    }

    /// Probes the pod's running containers where a probe is due, and acts on what they
    /// find: an Unhealthy event for each failure, a kill for a failed liveness or
    /// startup probe (the container restarts unless the pod's policy is Never).
    fn run_probes(
        &self,
        api: &mut ApiServer,
        say: &mut impl FnMut(&mut ApiServer, Option<&str>, &str, &str, String),
        rt: &mut PodRuntime,
    ) {
        let now = api.now();
        let Some(ip) = rt.ip.clone().filter(|_| rt.deleting.is_none()) else {
            return;
        };
        let n_init = rt.init.len();
        for i in 0..n_init + rt.containers.len() {
            let c = if i < n_init {
                &rt.init[i]
            } else {
                &rt.containers[i - n_init]
            };
            let State::Running {
                started_at,
                graceful,
                ..
            } = c.state
            else {
                continue;
            };
            if c.kill.is_some() || !c.probes.iter().any(|w| w.next <= now) {
                continue;
            }
            let mut probes = std::mem::take(
                &mut if i < n_init {
                    &mut rt.init[i]
                } else {
                    &mut rt.containers[i - n_init]
                }
                .probes,
            );
            let c = if i < n_init {
                &rt.init[i]
            } else {
                &rt.containers[i - n_init]
            };
            let script = c.script();
            let exec_changes = self.exec_changes.borrow();
            let changes_of = |c: &Container| {
                exec_changes
                    .get(&c.container_id)
                    .map_or(&[][..], Vec::as_slice)
            };
            let running: Vec<(&Container, Millis, BTreeSet<String>)> = rt
                .all()
                .filter_map(|o| match o.state {
                    State::Running { started_at, .. } => {
                        Some((o, now - started_at, o.files_now(changes_of(o))))
                    }
                    _ => None,
                })
                .collect();
            // An exec probe sees what the pod's other containers write into volumes
            // the container shares with them.
            let shared = match probes.iter().any(prober::Worker::execs) {
                true => volumes::shared_writes(rt, c, started_at, &exec_changes, now),
                false => vec![],
            };
            let target = prober::Target {
                ip: &ip,
                host_ip: &self.host_ip,
                ports: &c.ports,
                servers: running
                    .iter()
                    .map(|(o, age, files)| (o.listeners(), *age, files))
                    .collect(),
                main: script.as_deref(),
                ctx: c.context_with(&shared),
                changes: changes_of(c),
                etcd_up: self.etcd_up,
                started: (started_at, now - started_at),
            };
            // The startup probe first: once it succeeds the others run, readiness at once.
            let mut outcomes = vec![];
            let mut started = true;
            for w in probes
                .iter_mut()
                .filter(|w| w.kind == prober::Kind::Startup)
            {
                let before = w.result;
                if let Some(o) = w.tick(now, true, &target) {
                    outcomes.push((w.kind, o));
                }
                started = w.result == prober::Verdict::Success;
                if started && before != w.result {
                    for r in probes
                        .iter_mut()
                        .filter(|r| r.kind == prober::Kind::Readiness)
                    {
                        r.next = now;
                    }
                    break;
                }
            }
            for w in probes
                .iter_mut()
                .filter(|w| w.kind != prober::Kind::Startup)
            {
                if let Some(o) = w.tick(now, started, &target) {
                    outcomes.push((w.kind, o));
                }
            }
            let name = c.name.clone();
            for (kind, o) in outcomes {
                let msg = match (&o.error, o.verdict) {
                    (Some(e), _) => format!(
                        "{} probe errored and resulted in unknown state: {e}",
                        kind.name()
                    ),
                    (None, prober::Verdict::Failure) => {
                        format!("{} probe failed: {}", kind.name(), o.output)
                    }
                    _ => continue,
                };
                say(api, Some(&name), "Warning", "Unhealthy", msg);
            }
            let failed = probes.iter().find(|w| {
                w.kind != prober::Kind::Readiness && w.result == prober::Verdict::Failure
            });
            let kill = failed.map(|w| {
                let restart = rt.restart_policy != "Never" || i < n_init;
                say(
                    api,
                    Some(&name),
                    "Normal",
                    "Killing",
                    format!(
                        "Container {name} failed {} probe{}",
                        w.kind.name().to_lowercase(),
                        if restart { ", will be restarted" } else { "" }
                    ),
                );
                let grace = w.grace.unwrap_or(rt.grace);
                if graceful && grace > 0 {
                    (now + api.rng.between(100, 600).min(grace), 0)
                } else {
                    (now + grace, 137)
                }
            });
            let c = if i < n_init {
                &mut rt.init[i]
            } else {
                &mut rt.containers[i - n_init]
            };
            c.probes = probes;
            if kill.is_some() {
                c.kill = kill;
            }
        }
    }

    /// The kubelet's REST client, as the node's identity.
    fn client<'a>(&self, api: &'a mut ApiServer) -> Client<'a> {
        Client::component(api, node_user(&self.node))
    }

    fn write_status(&self, api: &mut ApiServer, rt: &mut PodRuntime) {
        let Ok(mut pod) = api.get(resources::pods(), &rt.namespace, &rt.name) else {
            return;
        };
        let shown_uid = if rt.static_pod {
            &pod["metadata"]["annotations"]["kubernetes.io/config.mirror"]
        } else {
            &pod["metadata"]["uid"]
        };
        if shown_uid.as_str() != Some(&rt.uid) {
            return;
        }
        let mut status = self.compose_status(rt, &pod);
        let composed = serde_json::to_vec(&status).unwrap_or_default();
        if composed == rt.last_status {
            return;
        }
        // A condition keeps its transition time unless its status changes.
        let now = json!(to_time(api.now()));
        let previous = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for c in status["conditions"].as_array_mut().into_iter().flatten() {
            match previous.iter().find(|p| p["type"] == c["type"]) {
                Some(p) if p["status"] == c["status"] => {
                    c["lastTransitionTime"] = p["lastTransitionTime"].clone()
                }
                Some(_) => c["lastTransitionTime"] = now.clone(),
                None => {}
            }
        }
        pod["status"] = status;
        if self
            .client(api)
            .update(resources::pods(), &rt.namespace, pod, "status", &[])
            .is_ok()
        {
            rt.last_status = composed;
        }
    }

    fn compose_status(&self, rt: &PodRuntime, pod: &Value) -> Value {
        let ts = |t: Millis| json!(to_time(t));
        if let Some(r) = &rt.rejected {
            return self.rejected_status(rt, r, pod);
        }
        let sandbox_ready = rt.ip.is_some();
        let init_done = rt.initialized || rt.init.iter().all(Container::finished_init);
        let init_pending = !init_done;
        let container_status = |c: &Container, init: bool| -> Value {
            let state = match &c.state {
                State::Waiting {
                    reason, message, ..
                } => {
                    let reason = if !init && reason == "ContainerCreating" && init_pending {
                        "PodInitializing".to_string()
                    } else {
                        reason.clone()
                    };
                    match message {
                        Some(m) => json!({"waiting": {"reason": reason, "message": m}}),
                        None => json!({"waiting": {"reason": reason}}),
                    }
                }
                State::Running { started_at, .. } => {
                    json!({"running": {"startedAt": ts(*started_at)}})
                }
                State::Terminated(t) => terminated_json(t, &c.container_id),
            };
            let mut s = json!({
                "name": c.name,
                "image": if c.image_id.is_empty() { c.image.clone() } else { images::parse_reference(&c.image).full },
                "imageID": c.image_id,
                "ready": c.ready() && !init,
                "restartCount": c.restart_count,
                "started": c.started(),
                "state": state,
                "lastState": c.last.as_ref().map_or(json!({}), |t| terminated_json(t, &c.last_id)),
            });
            if init {
                s["ready"] = json!(if c.restartable {
                    c.ready()
                } else {
                    matches!(&c.state, State::Terminated(t) if t.exit_code == 0)
                });
            }
            if !c.container_id.is_empty() {
                s["containerID"] = json!(c.container_id);
            }
            c.resource_status(&mut s);
            if c.mounts.as_array().is_some_and(|m| !m.is_empty()) {
                s["volumeMounts"] = c.mounts.clone();
            }
            s
        };
        let ready = |c: &&Container| c.ready();
        // Sidecars count among the containers that must be ready.
        let must_run: Vec<&Container> = rt
            .init
            .iter()
            .filter(|c| c.restartable)
            .chain(rt.containers.iter())
            .collect();
        let all_ready = init_done && must_run.iter().all(ready);
        let phase = if rt.evicted.is_some() {
            "Failed"
        } else {
            pod_phase(rt, init_done)
        };
        let not_ready: Vec<String> = must_run
            .iter()
            .filter(|c| !ready(c))
            .map(|c| c.name.clone())
            .collect();
        let cond = |type_: &str, ok: bool, reason: Option<String>, message: Option<String>| {
            let mut c = json!({"type": type_, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": ts(rt.started)});
            if !ok {
                if let Some(r) = reason {
                    c["reason"] = json!(r);
                }
                if let Some(m) = message {
                    c["message"] = json!(m);
                }
            }
            c
        };
        let unready_msg = format!("containers with unready status: [{}]", not_ready.join(" "));
        let finished = phase == "Succeeded" || phase == "Failed";
        // A finished pod's containers are not ready because it finished (status/generate.go).
        let (ready_reason, unready_msg) = match phase {
            "Failed" => ("PodFailed", None),
            "Succeeded" => ("PodCompleted", None),
            _ => ("ContainersNotReady", Some(unready_msg)),
        };
        let mut conditions = vec![
            cond(
                "PodReadyToStartContainers",
                sandbox_ready && !finished,
                None,
                None,
            ),
            cond(
                "Initialized",
                init_done,
                Some("ContainersNotInitialized".into()),
                Some(format!(
                    "containers with incomplete status: [{}]",
                    rt.init
                        .iter()
                        .filter(|c| !c.finished_init())
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                )),
            ),
            cond(
                "Ready",
                all_ready,
                Some(ready_reason.into()),
                unready_msg.clone(),
            ),
            cond(
                "ContainersReady",
                all_ready,
                Some(ready_reason.into()),
                unready_msg,
            ),
        ];
        if let Some(p) = &rt.resize_pending {
            conditions.push(
                json!({"type": "PodResizePending", "status": "True", "lastProbeTime": null,
                "lastTransitionTime": ts(p.since), "reason": p.reason, "message": p.message,
                "observedGeneration": pod["metadata"]["generation"]}),
            );
        }
        let kept = |ty: &str| {
            pod["status"]["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["type"] == ty))
                .cloned()
        };
        conditions.extend(kept("PodScheduled"));
        // The eviction API's condition stays (the kubelet's own replaces it below).
        if let Some(c) = kept("DisruptionTarget").filter(|_| rt.evicted.is_none()) {
            conditions.insert(0, c);
        }
        let mut status = json!({
            "phase": phase,
            "conditions": conditions,
            "hostIP": self.host_ip,
            "hostIPs": [{"ip": self.host_ip}],
            "startTime": ts(rt.started),
            "containerStatuses": rt.containers.iter().map(|c| container_status(c, false)).collect::<Vec<_>>(),
            "qosClass": pod["status"]["qosClass"].clone(),
        });
        if !rt.init.is_empty() {
            status["initContainerStatuses"] = json!(rt
                .init
                .iter()
                .map(|c| container_status(c, true))
                .collect::<Vec<_>>());
        }
        if !rt.ephemeral.is_empty() {
            // Ephemeral containers are never ready.
            status["ephemeralContainerStatuses"] = json!(rt
                .ephemeral
                .iter()
                .map(|c| {
                    let mut s = container_status(c, false);
                    s["ready"] = json!(false);
                    s
                })
                .collect::<Vec<_>>());
        }
        if let Some(ip) = &rt.ip {
            status["podIP"] = json!(ip);
            status["podIPs"] = json!([{"ip": ip}]);
        }
        if let Some(e) = &rt.evicted {
            status["reason"] = json!("Evicted");
            status["message"] = json!(e.message);
            if let Some(cs) = status["conditions"].as_array_mut() {
                cs.insert(0, json!({"type": "DisruptionTarget", "status": "True", "lastProbeTime": null,
                    "lastTransitionTime": ts(e.at), "reason": "TerminationByKubelet", "message": e.message}));
            }
        }
        status
    }
}

impl Kubelet {
    /// A rejected pod's status: what rejectPod sets, then, once the pod worker has
    /// terminated it, its containers as the status manager reports containers it never
    /// ran.
    fn rejected_status(&self, rt: &PodRuntime, r: &Rejected, pod: &Value) -> Value {
        let mut status = json!({
            "phase": "Failed",
            "reason": r.why.reason,
            "message": format!("Pod was rejected: {}", r.why.message),
            "qosClass": pod["status"]["qosClass"].clone(),
            "startTime": to_time(rt.started),
        });
        if !r.unknown_shown {
            return status;
        }
        let at = json!(to_time(r.unknown_at));
        let cond = |type_: &str, ok: bool, reason: Option<&str>| {
            let mut c = json!({"type": type_, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": at});
            if let Some(reason) = reason {
                c["reason"] = json!(reason);
            }
            c
        };
        let mut conditions = vec![
            cond("PodReadyToStartContainers", false, None),
            cond("Initialized", true, None),
            cond("Ready", false, Some("PodFailed")),
            cond("ContainersReady", false, Some("PodFailed")),
        ];
        conditions.push(
            pod["status"]["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["type"] == "PodScheduled"))
                .cloned()
                .unwrap_or_else(|| cond("PodScheduled", true, None)),
        );
        let unknown = |c: &Container| {
            json!({
                "name": c.name,
                "image": c.image,
                "imageID": "",
                "ready": false,
                "restartCount": 0,
                "started": false,
                "state": {"terminated": {
                    "exitCode": 137,
                    "reason": "ContainerStatusUnknown",
                    "message": "The container could not be located when the pod was terminated",
                    "startedAt": null,
                    "finishedAt": null,
                }},
                "lastState": {},
            })
        };
        status["conditions"] = json!(conditions);
        status["hostIP"] = json!(self.host_ip);
        status["hostIPs"] = json!([{"ip": self.host_ip}]);
        status["containerStatuses"] = rt.containers.iter().map(unknown).collect();
        if !rt.init.is_empty() {
            status["initContainerStatuses"] = rt.init.iter().map(unknown).collect();
        }
        status
    }
}

/// Why containerd cannot create a container's spec: a Localhost seccomp profile missing
/// from the kubelet's seccomp directory, or an AppArmor profile the node has not loaded
/// (Kubarium's nodes load none).
fn runtime_spec_error(c: &Container, files: &Fs) -> Option<String> {
    if let Some(profile) = &c.seccomp {
        let path = format!("/var/lib/kubelet/seccomp/{profile}");
        if !files.exists(&path) {
            return Some(format!("failed to create containerd container: cannot load seccomp profile \"{path}\": open {path}: no such file or directory"));
        }
    }
    c.apparmor.as_ref().map(|profile| {
        format!("failed to get container spec opts: failed to generate apparmor spec opts: apparmor profile not found {profile}")
    })
}

fn terminated_json(t: &Terminated, container_id: &str) -> Value {
    let mut v = json!({
        "exitCode": t.exit_code,
        "reason": t.reason,
        "startedAt": to_time(t.started_at),
        "finishedAt": to_time(t.finished_at),
    });
    if !container_id.is_empty() {
        v["containerID"] = json!(container_id);
    }
    if let Some(m) = &t.message {
        v["message"] = json!(m);
    }
    json!({"terminated": v})
}

/// The pod phase from its containers, as the kubelet computes it.
fn pod_phase(rt: &PodRuntime, init_done: bool) -> &'static str {
    if !init_done {
        let init_failed = rt.restart_policy == "Never"
            && rt
                .init
                .iter()
                .any(|c| matches!(&c.state, State::Terminated(t) if t.exit_code != 0));
        return if init_failed { "Failed" } else { "Pending" };
    }
    let mut waiting_fresh = 0;
    let mut running = 0;
    let mut failed = 0;
    let mut terminated = 0;
    for c in &rt.containers {
        match &c.state {
            State::Running { .. } => running += 1,
            State::Terminated(_) if c.restart_at.is_some() => running += 1,
            State::Terminated(t) => {
                terminated += 1;
                if t.exit_code != 0 {
                    failed += 1;
                }
            }
            State::Waiting { .. } if c.last.is_none() => waiting_fresh += 1,
            State::Waiting { .. } => running += 1,
        }
    }
    if waiting_fresh > 0 {
        "Pending"
    } else if running > 0 {
        "Running"
    } else if terminated == rt.containers.len() && terminated > 0 {
        if failed > 0 {
            "Failed"
        } else {
            "Succeeded"
        }
    } else {
        "Pending"
    }
}
