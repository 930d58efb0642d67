//! What the kubelet process checks as it starts: its command-line flags and its
//! configuration file. A failure is the error it logs (`run.go:72] "command failed"`)
//! before it exits 1 and systemd restarts it.

use crate::clock::Millis;
use crate::shell::fs::Fs;

/// The kubelet's command-line flags a kubeadm node may pass (kubelet 1.35 `--help`);
/// the value of each is given with `=` or as the next word.
const FLAGS: &[&str] = &[
    "address",
    "allowed-unsafe-sysctls",
    "anonymous-auth",
    "authentication-token-webhook",
    "authorization-mode",
    "bootstrap-kubeconfig",
    "cert-dir",
    "cgroup-driver",
    "cgroup-root",
    "client-ca-file",
    "cloud-provider",
    "cluster-dns",
    "cluster-domain",
    "config",
    "config-dir",
    "container-log-max-files",
    "container-log-max-size",
    "container-runtime-endpoint",
    "cpu-manager-policy",
    "enforce-node-allocatable",
    "eviction-hard",
    "fail-swap-on",
    "feature-gates",
    "file-check-frequency",
    "healthz-bind-address",
    "healthz-port",
    "help",
    "hostname-override",
    "image-gc-high-threshold",
    "image-gc-low-threshold",
    "image-service-endpoint",
    "kube-api-burst",
    "kube-api-qps",
    "kube-reserved",
    "kubeconfig",
    "log-flush-frequency",
    "logging-format",
    "max-pods",
    "node-ip",
    "node-labels",
    "node-status-update-frequency",
    "pod-cidr",
    "pod-infra-container-image",
    "pod-manifest-path",
    "pods-per-core",
    "port",
    "protect-kernel-defaults",
    "provider-id",
    "read-only-port",
    "register-node",
    "register-with-taints",
    "resolv-conf",
    "root-dir",
    "rotate-certificates",
    "runtime-cgroups",
    "runtime-request-timeout",
    "serialize-image-pulls",
    "system-reserved",
    "tls-cert-file",
    "tls-cipher-suites",
    "tls-min-version",
    "tls-private-key-file",
    "v",
    "version",
    "vmodule",
];

/// What a started kubelet goes on with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Startup {
    /// Its configuration file (`--config`), if any.
    pub config: Option<String>,
    /// The configuration's `staticPodPath`, if it sets one.
    pub static_pod_path: Option<String>,
}

/// Checks the kubelet's arguments (without the program) and configuration file.
pub fn check(args: &[String], files: &Fs) -> Result<Startup, String> {
    let mut config = None;
    let mut words = args.iter();
    while let Some(w) = words.next() {
        let Some(flag) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        if !FLAGS.contains(&name) {
            let dashes = if w.starts_with("--") { "--" } else { "-" };
            return Err(format!(
                "failed to parse kubelet flag: unknown flag: {dashes}{name}"
            ));
        }
        if name == "config" {
            config = value.or_else(|| words.next().cloned());
        }
    }
    if let Some(path) = &config {
        let Some(text) = files.read(path) else {
            let why = if files.is_dir(path) {
                format!("read {path}: is a directory")
            } else {
                format!("open {path}: no such file or directory")
            };
            return Err(format!(
                "failed to load kubelet config file, path: {path}, error: failed to load Kubelet config file {path}, error failed to read kubelet config file \"{path}\", error: {why}"
            ));
        };
        let decoded = crate::yaml::documents(text)
            .map_err(|e| format!("yaml: {e}"))
            .and_then(|docs| {
                let doc = docs.into_iter().next().unwrap_or_default();
                match doc["kind"].as_str() {
                    Some("KubeletConfiguration") => Ok(()),
                    Some(kind) => Err(format!(
                        "no kind \"{kind}\" is registered for version \"{}\" in scheme \"pkg/kubelet/apis/config/scheme/scheme.go:33\"",
                        doc["apiVersion"].as_str().unwrap_or("")
                    )),
                    None => Err(format!(
                        "Object 'Kind' is missing in '{}'",
                        text.trim_end()
                    )),
                }
            });
        let static_pod_path = super::static_pods::static_pod_path(files, path);
        if let Err(e) = decoded {
            return Err(format!(
                "failed to load kubelet config file, path: {path}, error: failed to load Kubelet config file {path}, error failed to decode: {e}"
            ));
        }
        return Ok(Startup {
            config,
            static_pod_path,
        });
    }
    Ok(Startup {
        config,
        static_pod_path: None,
    })
}

/// What a kubelet logs as it starts (kubelet 1.35 at its default verbosity), up to its
/// node's registration.
pub fn log_lines(
    node: &str,
    at: Millis,
    pid: u32,
    started: &Startup,
    registered_before: bool,
) -> Vec<String> {
    let version = crate::version::KUBERNETES_VERSION;
    let mut lines: Vec<(&str, String)> = vec![
        ("server.go:525", format!("\"Kubelet version\" kubeletVersion=\"{version}\"")),
        ("server.go:527", "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"".into()),
        ("watchdog_linux.go:95", "\"Systemd watchdog is not enabled\"".into()),
        ("watchdog_linux.go:138", "\"Systemd watchdog is not enabled or the interval is invalid, so health checking will not be started.\"".into()),
        ("server.go:956", "\"Client rotation is on, will bootstrap in background\"".into()),
        ("certificate_store.go:147", "\"Loading cert/key pair from a file\" filePath=\"/var/lib/kubelet/pki/kubelet-client-current.pem\"".into()),
        ("dynamic_cafile_content.go:161", "\"Starting controller\" name=\"client-ca-bundle::/etc/kubernetes/pki/ca.crt\"".into()),
        ("server.go:1418", "\"Using cgroup driver setting received from the CRI runtime\" cgroupDriver=\"systemd\"".into()),
        ("server.go:775", "\"--cgroups-per-qos enabled, but --cgroup-root was not specified.  Defaulting to /\"".into()),
        ("kubelet.go:408", "\"Attempting to sync node with API server\"".into()),
    ];
    if let Some(path) = &started.static_pod_path {
        lines.push((
            "kubelet.go:303",
            format!("\"Adding static pod path\" path=\"{path}\""),
        ));
    }
    lines.extend([
        ("kubelet.go:314", "\"Adding apiserver pod source\"".to_string()),
        ("kuberuntime_manager.go:262", "\"Container runtime initialized\" containerRuntime=\"containerd\" version=\"1.7.27\" apiVersion=\"v1\"".into()),
        ("server.go:1274", "\"Started kubelet\"".into()),
        ("server.go:163", "\"Starting to listen\" address=\"0.0.0.0\" port=10250".into()),
        ("volume_manager.go:289", "\"Starting Kubelet Volume Manager\"".into()),
        ("kubelet_node_status.go:75", format!("\"Attempting to register node\" node=\"{node}\"")),
    ]);
    if registered_before {
        lines.push((
            "kubelet_node_status.go:124",
            format!("\"Node was previously registered\" node=\"{node}\""),
        ));
    }
    lines.push((
        "kubelet_node_status.go:78",
        format!("\"Successfully registered node\" node=\"{node}\""),
    ));
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (source, msg))| {
            crate::klog::line('I', at, 400 + 1731 * i as u64, pid, source, &msg)
        })
        .collect()
}
