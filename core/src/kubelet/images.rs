//! The simulated image registry: which images and tags exist, their size, and what their
//! default process does (serve forever, exit, or run a shell).

/// How an image's default process behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entrypoint {
    /// A server that runs until stopped; `graceful` ones exit promptly on SIGTERM.
    Server { graceful: bool },
    /// A shell: with no command it exits 0 at once.
    Shell,
}

#[derive(Debug, Clone, Copy)]
pub struct Image {
    pub repository: &'static str,
    pub tags: &'static [&'static str],
    pub size_bytes: u64,
    pub entrypoint: Entrypoint,
}

const SERVER: Entrypoint = Entrypoint::Server { graceful: true };

/// The images the registry knows (repository without the `docker.io/library/` prefix).
pub const IMAGES: &[Image] = &[
    Image {
        repository: "nginx",
        tags: &[
            "latest",
            "1.29",
            "1.28",
            "1.27",
            "1.26",
            "1.25",
            "1.24",
            "1.23",
            "1.21",
            "1.19",
            "1.17",
            "1.16",
            "1.14",
            "1.14.2",
            "1.15",
            "1.20",
            "1.25.3",
            "1.27.0",
            "alpine",
            "stable",
            "mainline",
            "1.27-alpine",
            "1.25-alpine",
            "stable-alpine",
        ],
        size_bytes: 72_188_133,
        entrypoint: SERVER,
    },
    Image {
        repository: "httpd",
        tags: &["latest", "2.4", "2.4.62", "alpine", "2.4-alpine"],
        size_bytes: 58_064_286,
        entrypoint: SERVER,
    },
    Image {
        repository: "redis",
        tags: &[
            "latest", "7", "7.2", "7.4", "6", "6.2", "alpine", "7-alpine",
        ],
        size_bytes: 52_415_628,
        entrypoint: SERVER,
    },
    Image {
        repository: "memcached",
        tags: &["latest", "1.6", "alpine"],
        size_bytes: 33_218_212,
        entrypoint: SERVER,
    },
    Image {
        repository: "mysql",
        tags: &["latest", "8", "8.0", "8.4", "5.7", "9"],
        size_bytes: 172_912_416,
        entrypoint: SERVER,
    },
    Image {
        repository: "postgres",
        tags: &[
            "latest",
            "17",
            "16",
            "15",
            "14",
            "13",
            "alpine",
            "16-alpine",
        ],
        size_bytes: 158_409_834,
        entrypoint: SERVER,
    },
    Image {
        repository: "mongo",
        tags: &["latest", "7", "6", "8"],
        size_bytes: 252_306_155,
        entrypoint: SERVER,
    },
    Image {
        repository: "rabbitmq",
        tags: &["latest", "3", "3-management", "management"],
        size_bytes: 96_108_344,
        entrypoint: SERVER,
    },
    Image {
        repository: "traefik",
        tags: &["latest", "v3.0", "v2.11", "v3"],
        size_bytes: 48_229_918,
        entrypoint: SERVER,
    },
    Image {
        repository: "haproxy",
        tags: &["latest", "2.9", "3.0", "alpine"],
        size_bytes: 42_801_126,
        entrypoint: SERVER,
    },
    Image {
        repository: "tomcat",
        tags: &["latest", "10", "9", "11"],
        size_bytes: 201_114_550,
        entrypoint: SERVER,
    },
    Image {
        repository: "wordpress",
        tags: &["latest", "6", "php8.2", "apache"],
        size_bytes: 253_876_118,
        entrypoint: SERVER,
    },
    Image {
        repository: "busybox",
        tags: &[
            "latest", "1.36", "1.37", "1.35", "1.34", "1.28", "1.31", "1.32", "stable", "musl",
            "glibc", "uclibc", "1.36.1",
        ],
        size_bytes: 2_166_802,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "alpine",
        tags: &[
            "latest", "3", "3.20", "3.19", "3.18", "3.21", "3.22", "edge",
        ],
        size_bytes: 3_623_844,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "ubuntu",
        tags: &[
            "latest", "24.04", "22.04", "20.04", "noble", "jammy", "focal",
        ],
        size_bytes: 29_754_290,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "debian",
        tags: &[
            "latest",
            "12",
            "bookworm",
            "bookworm-slim",
            "11",
            "bullseye",
        ],
        size_bytes: 48_480_524,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "centos",
        tags: &["latest", "7", "8"],
        size_bytes: 75_181_999,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "python",
        tags: &[
            "latest",
            "3",
            "3.12",
            "3.13",
            "3.11",
            "3.12-slim",
            "alpine",
            "3.12-alpine",
        ],
        size_bytes: 383_215_372,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "node",
        tags: &["latest", "22", "20", "18", "lts", "alpine", "20-alpine"],
        size_bytes: 398_542_109,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "golang",
        tags: &["latest", "1.23", "1.22", "1.24", "alpine"],
        size_bytes: 292_102_881,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "curlimages/curl",
        tags: &["latest", "8.10.1", "8.8.0"],
        size_bytes: 10_952_370,
        entrypoint: Entrypoint::Shell,
    },
    // The official docs' resource examples run `stress` from it.
    Image {
        repository: "polinux/stress",
        tags: &["latest", "1.0.4"],
        size_bytes: 4_091_408,
        entrypoint: Entrypoint::Shell,
    },
    // The official docs' probe examples run these.
    Image {
        repository: "registry.k8s.io/busybox",
        tags: &["latest", "1.27.2", "1.27", "1.24"],
        size_bytes: 1_144_547,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "k8s.gcr.io/busybox",
        tags: &["latest", "1.27.2", "1.27", "1.24"],
        size_bytes: 1_144_547,
        entrypoint: Entrypoint::Shell,
    },
    Image {
        repository: "registry.k8s.io/liveness",
        tags: &["latest"],
        size_bytes: 4_251_328,
        entrypoint: SERVER,
    },
    Image {
        repository: "k8s.gcr.io/liveness",
        tags: &["latest"],
        size_bytes: 4_251_328,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/goproxy",
        tags: &["0.1"],
        size_bytes: 2_494_563,
        entrypoint: SERVER,
    },
    Image {
        repository: "k8s.gcr.io/goproxy",
        tags: &["0.1"],
        size_bytes: 2_494_563,
        entrypoint: SERVER,
    },
    // The upstream e2e suites' test server: its subcommand (liveness, netexec,
    // serve-hostname, pause, ...) is its first argument.
    Image {
        repository: "registry.k8s.io/e2e-test-images/agnhost",
        tags: &[
            "2.56", "2.55", "2.53", "2.52", "2.47", "2.45", "2.43", "2.40", "2.39",
        ],
        size_bytes: 51_219_740,
        entrypoint: SERVER,
    },
    // The Vertical Pod Autoscaler's components (`kubectl apply -f` of its deploy folder).
    Image {
        repository: "registry.k8s.io/autoscaling/vpa-recommender",
        tags: &["1.7.1", "1.7.0", "1.6.0", "1.5.1"],
        size_bytes: 24_117_248,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/autoscaling/vpa-updater",
        tags: &["1.7.1", "1.7.0", "1.6.0", "1.5.1"],
        size_bytes: 22_544_384,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/autoscaling/vpa-admission-controller",
        tags: &["1.7.1", "1.7.0", "1.6.0", "1.5.1"],
        size_bytes: 22_020_096,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/hpa-example",
        tags: &["latest"],
        size_bytes: 137_479_064,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/pause",
        tags: &["3.10.1", "3.10", "3.9", "latest"],
        size_bytes: 320_368,
        entrypoint: Entrypoint::Server { graceful: true },
    },
    Image {
        repository: "registry.k8s.io/etcd",
        tags: &["3.6.6-0", "3.5.24-0", "3.5.21-0", "3.5.15-0"],
        size_bytes: 58_938_593,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/kube-apiserver",
        tags: &["v1.35.2", "v1.35.0", "v1.34.0", "v1.33.4"],
        size_bytes: 30_071_307,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/kube-controller-manager",
        tags: &["v1.35.2", "v1.35.0", "v1.34.0", "v1.33.4"],
        size_bytes: 27_646_507,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/kube-scheduler",
        tags: &["v1.35.2", "v1.35.0", "v1.34.0", "v1.33.4"],
        size_bytes: 21_061_302,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/kube-proxy",
        tags: &["v1.35.2", "v1.35.0", "v1.34.0", "v1.33.4"],
        size_bytes: 31_899_523,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/coredns/coredns",
        tags: &["v1.13.1", "v1.12.1", "v1.12.0", "v1.11.3", "v1.11.1"],
        size_bytes: 20_939_036,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/metrics-server/metrics-server",
        tags: &["v0.8.1", "v0.8.0", "v0.7.2", "v0.7.1", "v0.6.4"],
        size_bytes: 20_740_608,
        entrypoint: SERVER,
    },
    Image {
        repository: "k8s.gcr.io/echoserver",
        tags: &["1.10", "1.4"],
        size_bytes: 46_180_116,
        entrypoint: SERVER,
    },
    Image {
        repository: "registry.k8s.io/echoserver",
        tags: &["1.10", "1.4"],
        size_bytes: 46_180_116,
        entrypoint: SERVER,
    },
    Image {
        repository: "gcr.io/google-samples/hello-app",
        tags: &["1.0", "2.0"],
        size_bytes: 10_563_232,
        entrypoint: SERVER,
    },
    Image {
        repository: "kodekloud/webapp-color",
        tags: &["latest", "v1", "v2", "v3"],
        size_bytes: 31_512_034,
        entrypoint: SERVER,
    },
];

/// Whether an image's utilities are BusyBox's (busybox itself, alpine and the alpine
/// variants of other images), whose shell is ash and which have no bash.
pub fn is_busybox(image: &str) -> bool {
    let r = parse_reference(image);
    let name = r.repository.rsplit('/').next().unwrap_or("");
    name == "busybox" || name == "alpine" || r.tag.contains("alpine")
}

/// A parsed image reference: repository (normalised) and tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub repository: String,
    pub tag: String,
    /// The fully qualified name containerd reports (`docker.io/library/nginx:latest`).
    pub full: String,
}

/// Splits `nginx:1.25`, `docker.io/library/nginx`, `registry.k8s.io/pause:3.10`.
pub fn parse_reference(image: &str) -> Reference {
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, "latest"),
    };
    let name = name.split('@').next().unwrap_or(name);
    let repository = name
        .strip_prefix("docker.io/library/")
        .or_else(|| name.strip_prefix("docker.io/"))
        .or_else(|| name.strip_prefix("library/"))
        .unwrap_or(name)
        .to_string();
    let first = repository.split('/').next().unwrap_or("");
    let has_registry = repository.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost");
    let full = if has_registry {
        format!("{repository}:{tag}")
    } else if repository.contains('/') {
        format!("docker.io/{repository}:{tag}")
    } else {
        format!("docker.io/library/{repository}:{tag}")
    };
    Reference {
        repository,
        tag: tag.to_string(),
        full,
    }
}

/// Why a pull fails, with the message containerd gives.
pub fn pull(image: &str) -> Result<&'static Image, String> {
    let r = parse_reference(image);
    let Some(img) = IMAGES.iter().find(|i| i.repository == r.repository) else {
        return Err(format!("failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed", r.full, r.full));
    };
    if !img.tags.contains(&r.tag.as_str()) {
        return Err(format!("failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": {}: not found", r.full, r.full, r.full));
    }
    Ok(img)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            parse_reference("nginx").full,
            "docker.io/library/nginx:latest"
        );
        assert_eq!(parse_reference("nginx:1.25").tag, "1.25");
        assert_eq!(
            parse_reference("registry.k8s.io/pause:3.10").full,
            "registry.k8s.io/pause:3.10"
        );
        assert_eq!(
            parse_reference("curlimages/curl").full,
            "docker.io/curlimages/curl:latest"
        );
        assert!(pull("nginx:1.25").is_ok());
        assert!(pull("nginx:9.99")
            .unwrap_err()
            .ends_with("docker.io/library/nginx:9.99: not found"));
        assert!(pull("ngnx").unwrap_err().contains("pull access denied"));
    }
}
