//! `crictl` on a node: a snapshot of the node's container runtime (which runs on while
//! the kubelet is stopped) handed to the crictl of `kubarium-tools`, with the log it asks
//! for when `crictl logs` needs one.

use kubarium_tools::crictl::{Request, Runtime};

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
    let runtime = Runtime {
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
    let mut request = Request {
        args: args.to_vec(),
        runtime,
    };
    // A `kubarium_tools::crictl::Outcome`: done, or the log it needs.
    for _ in 0..2 {
        let Some(outcome) = crate::tools::crictl(&request) else {
            break;
        };
        if let Some(done) = outcome.get("Done") {
            return serde_json::from_value(done.clone())
                .unwrap_or_else(|e| CmdResult::fail(format!("crictl: {e}\n"), 1));
        }
        let need = &outcome["NeedLog"];
        let (id, previous) = (need["id"].as_str().unwrap_or(""), need["previous"] == true);
        let lines = kubelet.runtime_log(id, previous, now);
        request.runtime.log = Some((id.to_string(), previous, lines));
    }
    CmdResult::fail(
        "crictl: not available before the page's tools have loaded\n",
        1,
    )
}
