//! The container log files the runtime writes on the node, in the CRI logging format:
//! `/var/log/pods/NS_POD_UID/CONTAINER/RESTARTS.log` for each container instance the
//! runtime keeps, and the `/var/log/containers/POD_NS_CONTAINER-ID.log` links to them (here
//! copies). The node's files show them when the learner looks (`Cluster::show_log_files`).

use std::collections::BTreeMap;

use super::Kubelet;
use crate::clock::Millis;

/// Where the pods' directories are.
pub const PODS_DIR: &str = "/var/log/pods";
/// Where the links by container are.
pub const CONTAINERS_DIR: &str = "/var/log/containers";

/// A time as containerd writes it in a log line (Go's RFC3339Nano: the fraction without
/// its trailing zeros).
fn stamp(time: &str) -> String {
    let Some((secs, fraction)) = time.trim_end_matches('Z').split_once('.') else {
        return time.to_string();
    };
    match fraction.trim_end_matches('0') {
        "" => format!("{secs}Z"),
        f => format!("{secs}.{f}Z"),
    }
}

impl Kubelet {
    /// The files under /var/log/pods and under /var/log/containers at `now`, by path.
    pub fn log_files(&self, now: Millis) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let mut pods = BTreeMap::new();
        let mut containers = BTreeMap::new();
        for c in self.runtime_containers(now) {
            let text: String = self
                .runtime_log(&c.id, false, now)
                .unwrap_or_default()
                .into_iter()
                .map(|(stderr, time, line)| {
                    let stream = if stderr { "stderr" } else { "stdout" };
                    format!("{} {stream} F {line}\n", stamp(&time))
                })
                .collect();
            let file = format!(
                "{PODS_DIR}/{}_{}_{}/{}/{}.log",
                c.namespace, c.pod, c.pod_uid, c.name, c.attempt
            );
            let link = format!(
                "{CONTAINERS_DIR}/{}_{}_{}-{}.log",
                c.pod, c.namespace, c.name, c.id
            );
            containers.insert(link, text.clone());
            pods.insert(file, text);
        }
        (pods, containers)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stamps_drop_trailing_zeros() {
        assert_eq!(
            super::stamp("2026-01-05T08:12:00.120000000Z"),
            "2026-01-05T08:12:00.12Z"
        );
        assert_eq!(
            super::stamp("2026-01-05T08:12:00.000000000Z"),
            "2026-01-05T08:12:00Z"
        );
    }
}
