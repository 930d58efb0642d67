//! `-f URL` offline: Kubarium has no network, so kubectl reads a small table of
//! well-known URLs from copies written for Kubarium (the same objects, names, images and
//! arguments as the originals); any other URL fails as kubectl fails without a network.
//! Later capabilities add their own (a CNI, ingress-nginx, ...).

/// Where the Kubernetes documentation's examples are published.
const EXAMPLE_ROOTS: [&str; 3] = [
    "k8s.io/examples/",
    "kubernetes.io/examples/",
    "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
];

/// Where the Vertical Pod Autoscaler's manifests are published: its repository's deploy
/// folder at the refs whose copies are 1.7.1's (the default branch, the release branch
/// and the release's tags).
const VPA_ROOTS: [&str; 4] = [
    "raw.githubusercontent.com/kubernetes/autoscaler/master/vertical-pod-autoscaler/deploy/",
    "raw.githubusercontent.com/kubernetes/autoscaler/vpa-release-1.7/vertical-pod-autoscaler/deploy/",
    "raw.githubusercontent.com/kubernetes/autoscaler/vertical-pod-autoscaler-1.7.1/vertical-pod-autoscaler/deploy/",
    "raw.githubusercontent.com/kubernetes/autoscaler/vertical-pod-autoscaler/v1.7.1/vertical-pod-autoscaler/deploy/",
];

/// Whether an `-f` argument is a URL.
pub fn is_url(f: &str) -> bool {
    f.starts_with("http://") || f.starts_with("https://")
}

/// The document a URL serves, or kubectl's error when it cannot be reached (no network:
/// the host's name does not resolve).
pub fn fetch(url: &str) -> Result<String, String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    // The copies kept in `kubarium_tools::bootstrap`.
    let copy = |roots: &[&str], folder: &str| {
        let path = roots.iter().find_map(|root| rest.strip_prefix(root))?;
        crate::tools::bootstrap_file(&format!("{folder}/{path}"))
    };
    let found = copy(&EXAMPLE_ROOTS, "examples").or_else(|| copy(&VPA_ROOTS, "vpa"));
    found.ok_or_else(|| {
        let host = rest.split(['/', ':', '?']).next().unwrap_or(rest);
        format!(
            "Unable to connect to the server: dial tcp: lookup {host} on 127.0.0.53:53: no such host"
        )
    })
}
