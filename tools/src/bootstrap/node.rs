//! A node's Node object as its kubelet registers it on a kubeadm cluster (labels,
//! annotations, capacity, conditions, node info), from what the core decides: its
//! name, role, pod CIDR, address, the registration time and its generated IDs.

use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct Request {
    pub name: String,
    pub control_plane: bool,
    pub cidr: String,
    pub ip: String,
    /// When it registers (an API timestamp).
    pub time: String,
    /// Its boot ID, machine ID and system UUID.
    pub ids: [String; 3],
    pub kernel: String,
    pub kubelet: String,
}

pub fn object(r: &Request) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": r.name, "kubernetes.io/os": "linux",
    });
    if r.control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
    }
    let condition = |type_: &str, status: &str, reason: &str, message: &str| {
        json!({"type": type_, "status": status, "reason": reason, "message": message,
               "lastHeartbeatTime": r.time, "lastTransitionTime": r.time})
    };
    let mut node = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": r.name,
            "labels": labels,
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {"podCIDR": r.cidr, "podCIDRs": [r.cidr]},
        "status": {
            "addresses": [{"type": "InternalIP", "address": r.ip}, {"type": "Hostname", "address": r.name}],
            "capacity": {"cpu": "2", "ephemeral-storage": "20134592Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "4015876Ki", "pods": "110"},
            "allocatable": {"cpu": "2", "ephemeral-storage": "18556039957", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "3913476Ki", "pods": "110"},
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "bootID": r.ids[0], "containerRuntimeVersion": "containerd://1.7.27",
                "kernelVersion": r.kernel, "kubeProxyVersion": "", "kubeletVersion": r.kubelet,
                "machineID": r.ids[1], "operatingSystem": "linux", "osImage": "Ubuntu 24.04.2 LTS",
                "systemUUID": r.ids[2],
            },
        },
    });
    if r.control_plane {
        node["spec"]["taints"] =
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    node
}
