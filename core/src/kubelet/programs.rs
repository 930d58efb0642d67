//! The servers of the registry's images: what they print when they start (written in
//! the tools module), the ports they listen on and how they answer.

use super::images::Image;
use super::script::Line;
use crate::clock::{epoch_seconds, Millis};
use crate::version::KERNEL_VERSION;

/// What the image's server prints as it starts at cluster time `origin` (`entrypoint`:
/// through the image's entrypoint script rather than run directly), as the tools
/// module's `programs` writes it; nothing while it is not loaded.
pub fn startup(image: &Image, tag: &str, entrypoint: bool, origin: Millis) -> Vec<Line> {
    let request = serde_json::json!({
        "repository": image.repository, "tag": tag, "entrypoint": entrypoint,
        "origin": origin + epoch_seconds() * 1000, "kernel": KERNEL_VERSION,
    });
    let lines = crate::tools::reconcile("startup", &request).unwrap_or_default();
    let lines = lines.as_array().into_iter().flatten();
    lines
        .map(|l| Line {
            at: l[0].as_i64().unwrap_or(0),
            stderr: l[1] == true,
            text: l[2].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

/// How a server answers HTTP requests for a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// Serves the container's files under a document root.
    Files { root: &'static str },
    /// Answers 200 for every path.
    Any,
    /// Answers 200 for these paths and `other` for the rest.
    Paths {
        ok: &'static [&'static str],
        other: u16,
    },
    /// The liveness test server: `/healthz` answers 200 for its first 10 seconds, then
    /// 500.
    Liveness,
    /// kube-apiserver: its health endpoints answer 500 while its etcd is down; other
    /// paths are forbidden to anonymous requests.
    ApiServer,
    /// metrics-server: live at once, ready once it has scraped the kubelets (one
    /// resolution after it starts), which it never does without `--kubelet-insecure-tls`
    /// (the kubelets' serving certificates are self-signed, as kubeadm leaves them).
    MetricsServer { scrapes: bool, resolution: Millis },
}

/// What listens on a port of a container's network namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    Http {
        tls: bool,
        site: Site,
    },
    /// A protocol other than HTTP (Redis, MySQL, ...).
    Tcp,
    /// A gRPC server implementing the gRPC health protocol.
    Grpc,
}

/// The value of a `--flag=value` or `--flag value` among `argv`.
fn flag<'a>(argv: &'a [String], name: &str) -> Option<&'a str> {
    let eq = format!("--{name}=");
    argv.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix(&eq).or_else(|| {
            (a == &eq[..eq.len() - 1])
                .then(|| argv.get(i + 1).map(String::as_str))
                .flatten()
        })
    })
}

/// A port from a flag (`--secure-port=6443`, `--listen-metrics-urls=http://127.0.0.1:2381`),
/// or `default`.
fn port_flag(argv: &[String], name: &str, default: u16) -> u16 {
    flag(argv, name)
        .and_then(|v| v.rsplit(':').next())
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or(default)
}

/// The ports an image's server listens on when run with `argv` (the arguments after its
/// program, or the whole command line), and how it answers on each.
pub fn listeners(image: &Image, argv: &[String]) -> Vec<(u16, Listener)> {
    const NGINX: Site = Site::Files {
        root: "/usr/share/nginx/html",
    };
    const HTTPD: Site = Site::Files {
        root: "/usr/local/apache2/htdocs",
    };
    let http = |site| Listener::Http { tls: false, site };
    let https = |ok, other| Listener::Http {
        tls: true,
        site: Site::Paths { ok, other },
    };
    const HEALTH: &[&str] = &["/healthz", "/livez", "/readyz"];
    const VPA: Site = Site::Paths {
        ok: &["/health-check", "/metrics"],
        other: 404,
    };
    match image.repository.rsplit('/').next().unwrap_or("") {
        "nginx" => vec![(80, http(NGINX))],
        "httpd" => vec![(80, http(HTTPD))],
        "redis" => vec![(6379, Listener::Tcp)],
        "memcached" => vec![(11211, Listener::Tcp)],
        "mysql" => vec![(3306, Listener::Tcp), (33060, Listener::Tcp)],
        "postgres" => vec![(5432, Listener::Tcp)],
        "mongo" => vec![(27017, Listener::Tcp)],
        "rabbitmq" => vec![(5672, Listener::Tcp), (25672, Listener::Tcp)],
        "traefik" => vec![(80, http(Site::Any)), (8080, http(Site::Any))],
        // Tomcat's images ship no web applications: every path is 404.
        "tomcat" => vec![(
            8080,
            http(Site::Paths {
                ok: &[],
                other: 404,
            }),
        )],
        "wordpress" => vec![(80, http(Site::Any))],
        "echoserver" | "hello-app" | "webapp-color" => vec![(8080, http(Site::Any))],
        "goproxy" => vec![(8080, http(Site::Any))],
        "liveness" => vec![(8080, http(Site::Liveness))],
        "agnhost" => match argv.first().map(String::as_str) {
            Some("liveness") => vec![(8080, http(Site::Liveness))],
            Some("netexec") => vec![
                (port_flag(argv, "http-port", 8080), http(Site::Any)),
                (port_flag(argv, "udp-port", 8081), Listener::Tcp),
            ],
            Some("serve-hostname") => vec![(port_flag(argv, "port", 9376), http(Site::Any))],
            Some("grpc-health-checking") => vec![
                (port_flag(argv, "port", 5000), Listener::Grpc),
                (port_flag(argv, "http-port", 8080), http(Site::Any)),
            ],
            _ => vec![],
        },
        // Anonymous requests may read the health endpoints; other paths are forbidden.
        "kube-apiserver" => vec![(
            port_flag(argv, "secure-port", 6443),
            Listener::Http {
                tls: true,
                site: Site::ApiServer,
            },
        )],
        "kube-controller-manager" => {
            vec![(port_flag(argv, "secure-port", 10257), https(HEALTH, 403))]
        }
        "kube-scheduler" => vec![(port_flag(argv, "secure-port", 10259), https(HEALTH, 403))],
        // The Vertical Pod Autoscaler's components: health and metrics on their
        // Prometheus port (`--address`), the admission controller's webhook on 8000.
        "vpa-recommender" => vec![(port_flag(argv, "address", 8942), http(VPA))],
        "vpa-updater" => vec![(port_flag(argv, "address", 8943), http(VPA))],
        "vpa-admission-controller" => vec![
            (port_flag(argv, "address", 8944), http(VPA)),
            (port_flag(argv, "port", 8000), https(&[], 404)),
        ],
        "metrics-server" => {
            let m = crate::metrics_server::Options::from_args(argv);
            vec![(
                port_flag(argv, "secure-port", 10250),
                Listener::Http {
                    tls: true,
                    site: Site::MetricsServer {
                        scrapes: m.insecure_tls,
                        resolution: m.resolution,
                    },
                },
            )]
        }
        "etcd" => vec![
            (2379, Listener::Tcp),
            (2380, Listener::Tcp),
            (
                port_flag(argv, "listen-metrics-urls", 2381),
                http(Site::Paths {
                    ok: &["/health", "/livez", "/readyz", "/metrics"],
                    other: 404,
                }),
            ),
        ],
        "kube-proxy" => vec![
            (
                10249,
                http(Site::Paths {
                    ok: &["/metrics"],
                    other: 404,
                }),
            ),
            (
                10256,
                http(Site::Paths {
                    ok: &["/healthz", "/livez"],
                    other: 404,
                }),
            ),
        ],
        "coredns" => vec![
            (53, Listener::Tcp),
            (
                8080,
                http(Site::Paths {
                    ok: &["/health"],
                    other: 404,
                }),
            ),
            (
                8181,
                http(Site::Paths {
                    ok: &["/ready"],
                    other: 404,
                }),
            ),
            (
                9153,
                http(Site::Paths {
                    ok: &["/metrics"],
                    other: 404,
                }),
            ),
        ],
        _ => vec![],
    }
}

/// The status a site answers `path` with, `elapsed` after its server started, given the
/// container's files; and until when (after its start) that answer holds.
pub fn answer(
    site: Site,
    path: &str,
    (elapsed, etcd_up): (Millis, bool),
    files: &std::collections::BTreeSet<String>,
) -> (u16, Millis) {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = if path.is_empty() { "/" } else { path };
    match site {
        Site::Any => (200, Millis::MAX),
        Site::Paths { ok, other } => (if ok.contains(&path) { 200 } else { other }, Millis::MAX),
        Site::Liveness if path == "/healthz" && elapsed < 10 * crate::clock::SECOND => {
            (200, 10 * crate::clock::SECOND)
        }
        Site::Liveness if path == "/healthz" => (500, Millis::MAX),
        Site::Liveness => (404, Millis::MAX),
        Site::MetricsServer { .. } if path == "/livez" => (200, Millis::MAX),
        Site::MetricsServer {
            scrapes,
            resolution,
        } if path == "/readyz" => match (scrapes, elapsed >= resolution) {
            (true, true) => (200, Millis::MAX),
            (true, false) => (500, resolution),
            (false, _) => (500, Millis::MAX),
        },
        Site::MetricsServer { .. } => (403, Millis::MAX),
        Site::ApiServer => match path {
            "/healthz" | "/livez" | "/readyz" if !etcd_up => (500, Millis::MAX),
            "/healthz" | "/livez" | "/readyz" | "/version" => (200, Millis::MAX),
            _ => (403, Millis::MAX),
        },
        Site::Files { root } => {
            let exists = |p: &str| files.contains(&format!("{root}{p}"));
            let status = if !path.ends_with('/') {
                if exists(path) {
                    200
                } else {
                    404
                }
            } else if exists(&format!("{path}index.html")) {
                200
            } else if exists(path.trim_end_matches('/')) || path == "/" {
                // A directory without an index: listing it is forbidden.
                403
            } else {
                404
            };
            (status, Millis::MAX)
        }
    }
}

/// The files an image brings besides every image's own, with their text (kept in the
/// tools module's `bootstrap/images/`, read once it is in).
pub fn image_files(image: &Image) -> &'static [(&'static str, &'static str)] {
    type Files = &'static [(&'static str, &'static str)];
    static NGINX: std::sync::OnceLock<Files> = std::sync::OnceLock::new();
    static HTTPD: std::sync::OnceLock<Files> = std::sync::OnceLock::new();
    let (cell, names): (&std::sync::OnceLock<Files>, &[(&'static str, &str)]) =
        match image.repository {
            "nginx" => (
                &NGINX,
                &[
                    ("/usr/share/nginx/html/index.html", "nginx-index.html"),
                    ("/usr/share/nginx/html/50x.html", "nginx-50x.html"),
                    ("/etc/nginx/conf.d/default.conf", "nginx-default.conf"),
                ],
            ),
            "httpd" => (
                &HTTPD,
                &[("/usr/local/apache2/htdocs/index.html", "httpd-index.html")],
            ),
            _ => return &[],
        };
    if let Some(files) = cell.get() {
        return files;
    }
    let read = |(path, name): &(&'static str, &str)| {
        let text = crate::tools::bootstrap_file(&format!("images/{name}"))?;
        Some((*path, &*Box::leak(text.into_boxed_str())))
    };
    match names.iter().map(read).collect::<Option<Vec<_>>>() {
        Some(files) => cell.get_or_init(|| Box::leak(files.into_boxed_slice())),
        None => &[],
    }
}
