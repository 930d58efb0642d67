//! The machines under the nodes. Each has its own files: what the packages and `kubeadm`
//! left there (listed in `kubeadm/PATHS.tsv`, the templates kept in the tools module's
//! `bootstrap/kubeadm/`, which the cluster is built after) and what the learner writes. The
//! learner's shell runs on one of them; its kubelet reads its configuration and static pod
//! manifests from them.

pub mod power;
pub mod service;
pub mod systemd;

use crate::clock::Millis;
use crate::shell::fs::Fs;
use systemd::Systemd;

/// The machine the learner's shell starts on: the control plane's.
pub const FIRST: &str = "controlplane";

/// A machine of the cluster.
#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub ip: String,
    pub fs: Fs,
    pub systemd: Systemd,
    /// Powered off (`poweroff`, or Kubarium's console).
    pub off: bool,
    /// When it boots again, after a `reboot`.
    pub boot_at: Option<Millis>,
}

const PATHS: &str = include_str!("kubeadm/PATHS.tsv");

/// Whether kubeadm and its packages leave the file `path` on a node (the control plane's
/// or a worker), whether or not Kubarium models its contents (certificates and keys).
pub fn kubeadm_writes(path: &str, control_plane: bool) -> bool {
    PATHS.lines().any(|line| {
        let mut cols = line.split('\t').skip(1);
        cols.next() == Some(path)
            && match cols.next() {
                Some("controlplane") => control_plane,
                Some("workers") => !control_plane,
                _ => true,
            }
    })
}

impl Host {
    /// A machine with only the base directories (a cluster built from nothing).
    pub fn bare(name: &str, ip: &str) -> Self {
        Host {
            name: name.into(),
            ip: ip.into(),
            fs: Fs::default(),
            systemd: Systemd::default(),
            off: false,
            boot_at: None,
        }
    }

    /// A machine after the packages were installed and `kubeadm init` (control plane) or
    /// `kubeadm join` ran on it.
    pub fn kubeadm(name: &str, ip: &str, control_plane: bool, now: Millis) -> Self {
        let mut host = Host::bare(name, ip);
        let fill = |text: &str| {
            text.replace("{{NODE_NAME}}", name)
                .replace("{{NODE_IP}}", ip)
                .replace("{{KUBERNETES_VERSION}}", crate::version::KUBERNETES_VERSION)
                .replace("{{ETCD_IMAGE}}", crate::version::ETCD_IMAGE)
                .replace("{{PAUSE_IMAGE}}", crate::version::PAUSE_IMAGE)
        };
        for line in PATHS.lines() {
            let mut cols = line.split('\t');
            let (Some(template), Some(path), Some(nodes)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let here = match nodes {
                "controlplane" => control_plane,
                "workers" => !control_plane,
                _ => true,
            };
            if !here {
                continue;
            }
            if let Some(dir) = path.strip_suffix('/') {
                let _ = host.fs.mkdir(dir, true);
                continue;
            }
            let text = match crate::tools::bootstrap_file(&format!("kubeadm/{template}")) {
                Some(t) => fill(&t),
                // Files whose contents Kubarium does not model yet are left out rather
                // than shown empty: certificates and keys, binaries, sockets.
                None => continue,
            };
            if let Some((dir, _)) = path.rsplit_once('/') {
                let _ = host.fs.mkdir(dir, true);
            }
            let _ = host.fs.write(path, &text, false);
        }
        // The machine's own name, as its operating system keeps it.
        let _ = host.fs.write("/etc/hostname", &format!("{name}\n"), false);
        if control_plane {
            // kubeadm's admin kubeconfig, and the copy kubectl reads, as on exam nodes.
            let kubeconfig = crate::kubectl::config::text(&format!(
                "https://{}",
                crate::version::SERVER_ADDRESS
            ));
            let _ = host.fs.mkdir("/root/.kube", true);
            for path in [
                "/etc/kubernetes/admin.conf",
                crate::kubectl::config::DEFAULT_PATH,
            ] {
                let _ = host.fs.write(path, &kubeconfig, false);
            }
        }
        host.systemd = Systemd::node(name, &host.fs, now, crate::rng::fnv1a(name));
        host
    }
}
