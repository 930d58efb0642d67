//! The node's container runtime as its CRI shows it (what `crictl` reads from
//! containerd): pod sandboxes, containers (each one's running or last instance and the
//! one that ended before it), the images present, and a container's log by ID, as the
//! snapshot the crictl tool reads. The runtime keeps running its containers while the
//! kubelet is stopped.

use kubarium_tools::crictl::{Container as CriContainer, Image, LogLine, Sandbox};

use super::logs::rfc3339_nano;
use super::script::Line;
use super::{hex_digest, images, pod_phase, Container, Kubelet, State};
use crate::clock::Millis;

/// The ID of an image (its config's digest), from its reference.
fn image_id(full: &str) -> String {
    hex_digest(full, 0x1d)
}

impl Kubelet {
    /// The pod sandboxes that exist at `now`, ready while their pod runs.
    pub fn sandboxes(&self, now: Millis) -> Vec<Sandbox> {
        self.pods
            .values()
            .filter(|rt| rt.ip.is_some())
            .map(|rt| {
                let init_done = rt.initialized || rt.init.iter().all(Container::finished_init);
                let phase = pod_phase(rt, init_done);
                Sandbox {
                    id: hex_digest(&format!("sandbox/{}", rt.uid), 0),
                    age: now - rt.sandbox_at,
                    ready: rt.deleting.is_none() && phase != "Succeeded" && phase != "Failed",
                    name: rt.name.clone(),
                    namespace: rt.namespace.clone(),
                }
            })
            .collect()
    }

    /// Every container instance the runtime has at `now`: each container's current one
    /// (running, or exited and waiting to restart) and the one before it.
    pub fn runtime_containers(&self, now: Millis) -> Vec<CriContainer> {
        let mut out = vec![];
        for rt in self.pods.values().filter(|rt| rt.ip.is_some()) {
            let pod_id = hex_digest(&format!("sandbox/{}", rt.uid), 0);
            for c in rt.all() {
                let reference = images::parse_reference(&c.image).full;
                let make = |id: &str,
                            attempt: i32,
                            started: Millis,
                            exited: Option<&super::Terminated>| {
                    let id = id.trim_start_matches("containerd://").to_string();
                    CriContainer {
                        image_id: image_id(&reference),
                        image: reference.clone(),
                        image_ref: c.image_id.clone(),
                        age: now - started,
                        created: rfc3339_nano(started),
                        started: rfc3339_nano(started),
                        exited: exited
                            .map(|t| (rfc3339_nano(t.finished_at), t.exit_code, t.reason.clone())),
                        name: c.name.clone(),
                        attempt,
                        pod_id: pod_id.clone(),
                        pod: rt.name.clone(),
                        namespace: rt.namespace.clone(),
                        pod_uid: rt.uid.clone(),
                        pid: 2000 + (crate::rng::fnv1a(&id) % 60_000) as u32,
                        id,
                    }
                };
                let current = match &c.state {
                    State::Running { started_at, .. } => {
                        Some(make(&c.container_id, c.restart_count, *started_at, None))
                    }
                    State::Terminated(t) => Some(make(
                        &c.container_id,
                        c.restart_count,
                        t.started_at,
                        Some(t),
                    )),
                    State::Waiting { .. } => None,
                };
                let running_id = current.as_ref().map(|k| k.id.clone());
                out.extend(current);
                // The instance before (kept until the next one replaces it).
                if let Some(t) = &c.last {
                    let id = c.last_id.trim_start_matches("containerd://");
                    if !id.is_empty() && running_id.as_deref() != Some(id) {
                        let attempt = match c.state {
                            State::Waiting { .. } => c.restart_count,
                            _ => c.restart_count - 1,
                        };
                        out.push(make(id, attempt.max(0), t.started_at, Some(t)));
                    }
                }
            }
        }
        out
    }

    /// The images present on the node.
    pub fn runtime_images(&self) -> Vec<Image> {
        self.images
            .iter()
            .map(|full| {
                let (repository, tag) = full.rsplit_once(':').unwrap_or((full, "latest"));
                Image {
                    repository: repository.to_string(),
                    tag: tag.to_string(),
                    id: image_id(full),
                    size: images::pull(full).map_or(0, |i| i.size_bytes),
                }
            })
            .collect()
    }

    /// What a container instance printed until `now`, by its ID; with `previous`, what
    /// the instance before it printed (`None` when there was none).
    pub fn runtime_log(&self, id: &str, previous: bool, now: Millis) -> Option<Vec<LogLine>> {
        let stamped = |from: Millis, lines: Vec<Line>| -> Vec<LogLine> {
            lines
                .into_iter()
                .map(|l| (l.stderr, rfc3339_nano(from + l.at), l.text))
                .collect()
        };
        for rt in self.pods.values() {
            for c in rt.all() {
                let current = c.container_id.trim_start_matches("containerd://");
                let last = c.last_id.trim_start_matches("containerd://");
                let last_span = || c.last.as_ref().map(|t| (t.started_at, t.finished_at));
                let span = match (current == id, last == id) {
                    (false, false) => continue,
                    // The instance before the one named, if there was one.
                    (true, _) if previous => last_span().filter(|_| last != current),
                    (false, true) if previous => None,
                    (true, _) => match &c.state {
                        State::Running { started_at, .. } => Some((*started_at, now)),
                        State::Terminated(t) => Some((t.started_at, t.finished_at)),
                        // Waiting to restart: the instance named is the one that ended.
                        State::Waiting { .. } => last_span(),
                    },
                    (false, true) => last_span(),
                };
                return span.map(|(from, until)| stamped(from, self.printed(rt, c, from, until)));
            }
        }
        None
    }
}

impl Kubelet {
    /// The runtime's processes at `now`, as `ps` lists them on the node: each running
    /// pod's shim and pause process, and its running containers' main processes.
    pub fn processes(&self, now: Millis) -> Vec<kubarium_tools::ps::Process> {
        use kubarium_tools::ps::Process;
        let pid = |seed: &str| 2000 + (crate::rng::fnv1a(seed) % 60_000) as u32;
        let mut out = vec![];
        for rt in self.pods.values().filter(|rt| rt.ip.is_some()) {
            let sandbox = hex_digest(&format!("sandbox/{}", rt.uid), 0);
            let shim = pid(&format!("shim/{sandbox}"));
            let process = |pid, ppid, started, argv: Vec<String>| Process {
                pid,
                ppid,
                started,
                cpu_ms: 10,
                rss_kib: 0,
                tty: None,
                stat: "Sl".into(),
                argv,
            };
            let mut shim_p = process(
                shim,
                1,
                rt.sandbox_at,
                [
                    "/usr/bin/containerd-shim-runc-v2",
                    "-namespace",
                    "k8s.io",
                    "-id",
                    &sandbox,
                    "-address",
                    "/run/containerd/containerd.sock",
                ]
                .map(str::to_string)
                .to_vec(),
            );
            shim_p.rss_kib = 13_000;
            let mut pause = process(pid(&sandbox), shim, rt.sandbox_at, vec!["/pause".into()]);
            pause.rss_kib = 1_024;
            pause.stat = "Ss".into();
            out.push(shim_p);
            out.push(pause);
            for c in rt.all() {
                let State::Running { started_at, .. } = c.state else {
                    continue;
                };
                let used = c.measured();
                let ran = u64::try_from(now - started_at).unwrap_or(0);
                let (command, args) = c.command_line();
                let mut argv = super::process::argv(&command, &args);
                if command.is_empty() {
                    let repository = images::parse_reference(&c.image).repository;
                    let default = kubarium_tools::ps::default_command(&repository);
                    let mut words: Vec<String> = default
                        .split(' ')
                        .filter(|w| !w.is_empty())
                        .map(String::from)
                        .collect();
                    if words.is_empty() {
                        words.push(repository.rsplit('/').next().unwrap_or("").to_string());
                    }
                    // An image's entrypoint takes the container's args after it.
                    if !args.is_empty() && !words.is_empty() {
                        words.truncate(1);
                    }
                    argv = words.into_iter().chain(args).collect();
                }
                out.push(Process {
                    pid: pid(c.container_id.trim_start_matches("containerd://")),
                    ppid: shim,
                    started: started_at,
                    cpu_ms: used.cpu.saturating_mul(ran) / 1_000_000,
                    rss_kib: used.memory / 1024,
                    tty: None,
                    stat: "Ssl".into(),
                    argv,
                });
            }
        }
        out
    }
}
