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

/// The documentation's examples Kubarium has copies of, by path under the roots.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "pods/simple-pod.yaml",
        include_str!("urls/k8s-examples/simple-pod.yaml"),
    ),
    (
        "application/deployment.yaml",
        include_str!("urls/k8s-examples/application-deployment.yaml"),
    ),
    (
        "controllers/nginx-deployment.yaml",
        include_str!("urls/k8s-examples/controllers-nginx-deployment.yaml"),
    ),
    (
        "service/nginx-service.yaml",
        include_str!("urls/k8s-examples/service-nginx-service.yaml"),
    ),
];

/// Whether an `-f` argument is a URL.
pub fn is_url(f: &str) -> bool {
    f.starts_with("http://") || f.starts_with("https://")
}

/// The document a URL serves, or kubectl's error when it cannot be reached (no network:
/// the host's name does not resolve).
pub fn fetch(url: &str) -> Result<&'static str, String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let found = EXAMPLE_ROOTS
        .iter()
        .find_map(|root| rest.strip_prefix(root))
        .and_then(|path| EXAMPLES.iter().find(|(p, _)| *p == path))
        .map(|(_, text)| *text);
    found.ok_or_else(|| {
        let host = rest.split(['/', ':', '?']).next().unwrap_or(rest);
        format!(
            "Unable to connect to the server: dial tcp: lookup {host} on 127.0.0.53:53: no such host"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls_only() {
        for url in [
            "https://k8s.io/examples/pods/simple-pod.yaml",
            "https://kubernetes.io/examples/pods/simple-pod.yaml",
            "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/simple-pod.yaml",
        ] {
            assert!(fetch(url).is_ok_and(|t| t.contains("image: nginx:1.14.2")));
        }
        assert_eq!(
            fetch("https://example.com:8443/x.yaml"),
            Err("Unable to connect to the server: dial tcp: lookup example.com on 127.0.0.53:53: no such host".into())
        );
    }
}
