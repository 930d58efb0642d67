//! The node's container runtime as its CRI shows it (what `crictl` reads from
//! containerd): pod sandboxes, containers (each one's running or last instance and the
//! one that ended before it), the images present, and a container's log by ID. The
//! runtime keeps running its containers while the kubelet is stopped.

use super::script::Line;
use super::{hex_digest, images, pod_phase, Container, Kubelet, State};
use crate::clock::Millis;

/// A pod sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    pub id: String,
    pub created: Millis,
    pub ready: bool,
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub ip: String,
}

/// One container instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriContainer {
    pub id: String,
    /// Its image's ID (64 hex digits) and reference (`docker.io/library/nginx:1.27`).
    pub image_id: String,
    pub image: String,
    /// The repository digest it was pulled by (`docker.io/library/nginx@sha256:...`).
    pub image_ref: String,
    pub created: Millis,
    pub started: Millis,
    /// When it exited, with its exit code and reason.
    pub exited: Option<(Millis, i32, String)>,
    pub name: String,
    pub attempt: i32,
    pub pod_id: String,
    pub pod: String,
    pub namespace: String,
    pub pod_uid: String,
}

/// An image present on the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriImage {
    /// Fully qualified repository and tag (`docker.io/library/nginx`, `1.27`).
    pub repository: String,
    pub tag: String,
    pub id: String,
    pub size: u64,
}

/// The ID of an image (its config's digest), from its reference.
pub fn image_id(full: &str) -> String {
    hex_digest(full, 0x1d)
}

impl Kubelet {
    /// The pod sandboxes that exist, ready while their pod runs.
    pub fn sandboxes(&self) -> Vec<Sandbox> {
        self.pods
            .values()
            .filter_map(|rt| {
                let ip = rt.ip.clone()?;
                let init_done = rt.initialized || rt.init.iter().all(Container::finished_init);
                let phase = pod_phase(rt, init_done);
                Some(Sandbox {
                    id: hex_digest(&format!("sandbox/{}", rt.uid), 0),
                    created: rt.sandbox_at,
                    ready: rt.deleting.is_none() && phase != "Succeeded" && phase != "Failed",
                    name: rt.name.clone(),
                    namespace: rt.namespace.clone(),
                    uid: rt.uid.clone(),
                    ip,
                })
            })
            .collect()
    }

    /// Every container instance the runtime has: each container's current one (running,
    /// or exited and waiting to restart) and the one before it.
    pub fn runtime_containers(&self) -> Vec<CriContainer> {
        let mut out = vec![];
        for rt in self.pods.values().filter(|rt| rt.ip.is_some()) {
            let pod_id = hex_digest(&format!("sandbox/{}", rt.uid), 0);
            for c in rt.init.iter().chain(rt.containers.iter()) {
                let reference = images::parse_reference(&c.image).full;
                let make = |id: &str, attempt: i32, started: Millis, exited| CriContainer {
                    id: id.trim_start_matches("containerd://").to_string(),
                    image_id: image_id(&reference),
                    image: reference.clone(),
                    image_ref: c.image_id.clone(),
                    created: started,
                    started,
                    exited,
                    name: c.name.clone(),
                    attempt,
                    pod_id: pod_id.clone(),
                    pod: rt.name.clone(),
                    namespace: rt.namespace.clone(),
                    pod_uid: rt.uid.clone(),
                };
                let ended =
                    |t: &super::Terminated| Some((t.finished_at, t.exit_code, t.reason.clone()));
                let current = match &c.state {
                    State::Running { started_at, .. } => {
                        Some(make(&c.container_id, c.restart_count, *started_at, None))
                    }
                    State::Terminated(t) => Some(make(
                        &c.container_id,
                        c.restart_count,
                        t.started_at,
                        ended(t),
                    )),
                    State::Waiting { .. } => None,
                };
                let running_id = current.as_ref().map(|k| k.id.clone());
                if let Some(k) = current {
                    out.push(k);
                }
                // The instance before (kept until the next one replaces it).
                if let Some(t) = &c.last {
                    let id = c.last_id.trim_start_matches("containerd://");
                    if !id.is_empty() && running_id.as_deref() != Some(id) {
                        let attempt = match c.state {
                            State::Waiting { .. } => c.restart_count,
                            _ => c.restart_count - 1,
                        };
                        out.push(make(id, attempt.max(0), t.started_at, ended(t)));
                    }
                }
            }
        }
        out
    }

    /// The images present on the node.
    pub fn runtime_images(&self) -> Vec<CriImage> {
        self.images
            .iter()
            .map(|full| {
                let (repository, tag) = full.rsplit_once(':').unwrap_or((full, "latest"));
                CriImage {
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
    pub fn runtime_log(&self, id: &str, previous: bool, now: Millis) -> Option<Vec<Line>> {
        for rt in self.pods.values() {
            for c in rt.init.iter().chain(rt.containers.iter()) {
                let current = c.container_id.trim_start_matches("containerd://");
                let last = c.last_id.trim_start_matches("containerd://");
                if previous && current == id && last != current {
                    let t = c.last.as_ref()?;
                    return Some(c.lines(t.started_at, t.finished_at));
                }
                if previous {
                    continue;
                }
                if current == id {
                    let (from, until) = match &c.state {
                        State::Running { started_at, .. } => (*started_at, now),
                        State::Terminated(t) => (t.started_at, t.finished_at),
                        State::Waiting { .. } => {
                            let t = c.last.as_ref()?;
                            (t.started_at, t.finished_at)
                        }
                    };
                    return Some(c.lines(from, until));
                }
                if c.last_id.trim_start_matches("containerd://") == id {
                    let t = c.last.as_ref()?;
                    return Some(c.lines(t.started_at, t.finished_at));
                }
            }
        }
        None
    }
}
