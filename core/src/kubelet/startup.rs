//! What the kubelet process checks as it starts: its command-line flags and its
//! configuration file. A failure is the error it logs (`run.go:72] "command failed"`)
//! before it exits 1 and systemd restarts it.

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
        if let Err(e) = decoded {
            return Err(format!(
                "failed to load kubelet config file, path: {path}, error: failed to load Kubelet config file {path}, error failed to decode: {e}"
            ));
        }
    }
    Ok(Startup { config })
}
