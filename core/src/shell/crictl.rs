//! `crictl` on a node: a snapshot of the node's container runtime (which runs on while
//! the kubelet is stopped) handed to the crictl of `kubarium-tools`, with the log it asks
//! for when `crictl logs` needs one.

use kubarium_tools::crictl::{Outcome, Runtime};

use crate::cluster::Cluster;
use crate::command::CmdResult;

/// crictl's process ID in its klog lines.
const PID: u32 = 4127;

/// `crictl [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]` on `host`.
pub fn crictl(cluster: &Cluster, host: &str, args: &[String]) -> CmdResult {
    let Some(kubelet) = cluster.kubelets.iter().find(|k| k.node == host) else {
        return CmdResult::fail("FATA[0000] validate service connection: validate CRI v1 runtime API for endpoint \"unix:///run/containerd/containerd.sock\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory\" \n", 1);
    };
    let now = cluster.now();
    let mut runtime = Runtime {
        config: cluster
            .fs(host)
            .read("/etc/crictl.yaml")
            .map(str::to_string),
        containers: kubelet.runtime_containers(now),
        sandboxes: kubelet.sandboxes(now),
        images: kubelet.runtime_images(),
        klog_prefix: crate::klog::line('E', now, 0, PID, "log.go:32", ""),
        log: None,
    };
    for _ in 0..2 {
        match crate::tools::crictl(args, &runtime) {
            Some(Outcome::Done(result)) => return result,
            Some(Outcome::NeedLog { id, previous }) => {
                let lines = kubelet.runtime_log(&id, previous, now);
                runtime.log = Some((id, previous, lines));
            }
            None => break,
        }
    }
    CmdResult::fail(
        "crictl: not available before the page's tools have loaded\n",
        1,
    )
}
