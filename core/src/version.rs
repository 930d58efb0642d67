//! The Kubernetes release the simulated cluster runs, and the versions of what kubeadm
//! deploys with it, defined once.

/// The control plane's and kubelets' version.
pub const KUBERNETES_VERSION: &str = "v1.35.2";
/// The release without its patch number (`v1.35`), for banners.
pub fn release() -> &'static str {
    KUBERNETES_VERSION
        .rsplit_once('.')
        .map_or(KUBERNETES_VERSION, |(release, _)| release)
}

/// The built-in kubectl's version and the Kustomize it embeds.
pub const KUBECTL_VERSION: &str = "v1.35.2";
pub const KUSTOMIZE_VERSION: &str = "v5.7.1";
/// kube-apiserver's build information, as `/version` reports it.
pub const GIT_COMMIT: &str = "fdc9d74cbf2da6754ebf81d56f80ae2948cd6425";
pub const BUILD_DATE: &str = "2026-02-26T20:05:34Z";
pub const GO_VERSION: &str = "go1.25.7";
/// The images kubeadm 1.35 deploys besides the control-plane components.
pub const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.6.6-0";
pub const PAUSE_IMAGE: &str = "registry.k8s.io/pause:3.10.1";
/// The kernel the nodes run (`uname -r`), as their Node objects report it.
pub const KERNEL_VERSION: &str = "6.8.0-58-generic";
/// Where the API server listens (the control-plane node's address).
pub const SERVER_ADDRESS: &str = "172.30.1.2:6443";
