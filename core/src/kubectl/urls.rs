//! `-f URL` offline: Kubarium has no network, so kubectl reads a small table of
//! well-known URLs from copies written for Kubarium (the same objects, names, images and
//! arguments as the originals); any other URL fails as kubectl fails without a network.
//! Later capabilities add their own (metrics-server, a CNI, ingress-nginx, ...).

/// Where the Kubernetes documentation's examples are published.
const EXAMPLE_ROOTS: [&str; 3] = [
    "k8s.io/examples/",
    "kubernetes.io/examples/",
    "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
];

/// Whether an `-f` argument is a URL.
pub fn is_url(f: &str) -> bool {
    f.starts_with("http://") || f.starts_with("https://")
}

/// The document a URL serves, or kubectl's error when it cannot be reached (no network:
/// the host's name does not resolve).
pub fn fetch(url: &str) -> Result<String, String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    // The copies of the documentation's examples (`kubarium_tools::bootstrap`).
    let found = EXAMPLE_ROOTS
        .iter()
        .find_map(|root| rest.strip_prefix(root))
        .and_then(|path| crate::tools::bootstrap_file(&format!("examples/{path}")));
    found.ok_or_else(|| {
        let host = rest.split(['/', ':', '?']).next().unwrap_or(rest);
        format!(
            "Unable to connect to the server: dial tcp: lookup {host} on 127.0.0.53:53: no such host"
        )
    })
}
