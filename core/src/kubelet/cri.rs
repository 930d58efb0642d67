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
                return span.map(|(from, until)| stamped(from, c.lines(from, until)));
            }
        }
        None
    }
}
