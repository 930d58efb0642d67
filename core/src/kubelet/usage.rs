//! What a container's processes use: CPU (in millionths of a core) and memory (their
//! working set, in bytes), from what they run: a small shell, an image's server at
//! rest, or a load generator such as `stress --vm 1 --vm-bytes 250M`, which holds what
//! it asks for, or `stress --cpu 2`, which keeps two cores busy. A container's CPU
//! limit throttles it; its memory limit is enforced by the kernel (the kubelet's OOM
//! kill).

use super::images::Image;
use crate::clock::Millis;

const MI: u64 = 1024 * 1024;
/// One core, in millionths.
pub const CORE: u64 = 1_000_000;

/// What a node's own processes (the OS, containerd, the kubelet) use besides its
/// containers.
pub const NODE_SYSTEM: Usage = Usage {
    cpu: 25_000,
    memory: 480 * MI,
};

/// What a container's processes use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Millionths of a core.
    pub cpu: u64,
    /// Bytes of working set.
    pub memory: u64,
}

/// What a container running `argv` (empty: the image's own program) uses, before its
/// CPU limit throttles it.
pub fn usage(image: &Image, argv: &[String]) -> Usage {
    let program = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or_else(|| image.repository.rsplit('/').next().unwrap_or(""));
    match program {
        "stress" => stress(&argv[1.min(argv.len())..]),
        _ => at_rest(image.repository),
    }
}

/// An image's program at rest: what `kubectl top` shows of it idle (thousandths of a
/// millicore, MiB).
fn at_rest(repository: &str) -> Usage {
    let (micro, mi) = match repository.rsplit('/').next().unwrap_or(repository) {
        "nginx" => (300, 3),
        "httpd" => (500, 6),
        "redis" => (2_000, 4),
        "memcached" => (500, 2),
        "mysql" => (6_000, 360),
        "postgres" => (2_000, 25),
        "mongo" => (8_000, 70),
        "etcd" => (22_000, 45),
        "kube-apiserver" => (38_000, 260),
        "kube-controller-manager" => (14_000, 52),
        "kube-scheduler" => (4_000, 22),
        "coredns" => (2_000, 14),
        "kube-proxy" => (1_000, 16),
        "metrics-server" => (3_000, 19),
        "tomcat" => (2_000, 120),
        "python" | "node" => (200, 10),
        "hpa-example" => (1_000, 11),
        _ => (0, 1),
    };
    Usage {
        cpu: micro,
        memory: mi * MI,
    }
}

/// stress (Amos Waterland's, as polinux/stress runs it): each of `--cpu N` workers
/// spins a core; each of `--vm N` workers allocates `--vm-bytes` (256M unless given;
/// suffixes b, k, m, g in powers of 1024) and, with `--vm-hang`, holds it asleep
/// (without, it keeps rewriting it, busy); all on top of stress's own few megabytes.
fn stress(args: &[String]) -> Usage {
    let mut cpus = 0u64;
    let mut hang = false;
    let mut workers = 0u64;
    let mut bytes = 256 * MI;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .unwrap_or_default()
        };
        match flag {
            "-c" | "--cpu" => cpus = value().parse().unwrap_or(0),
            "-m" | "--vm" => workers = value().parse().unwrap_or(0),
            "--vm-bytes" => bytes = size(&value()).unwrap_or(bytes),
            "--vm-hang" => hang = value().parse::<u64>().is_ok_and(|h| h > 0),
            _ => {}
        }
    }
    let busy = cpus.saturating_add(if hang { 0 } else { workers });
    Usage {
        cpu: busy.saturating_mul(CORE),
        memory: workers.saturating_mul(bytes).saturating_add(5 * MI),
    }
}

/// A loop that sends HTTP requests one after another, as a load generator does (the
/// HPA walkthrough's `while sleep 0.01; do wget -q -O- http://php-apache; done`): the
/// host and port it asks, and how long it pauses between requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLoop {
    pub host: String,
    pub port: u16,
    pub pause: Millis,
}

/// The request loop a container's command line runs, if it is one
/// (`kubarium_tools::ps::request_loop` reads it).
pub fn request_loop(argv: &[String]) -> Option<RequestLoop> {
    let found = crate::tools::reconcile("request_loop", &serde_json::json!(argv))?;
    Some(RequestLoop {
        host: found[0].as_str()?.to_string(),
        port: u16::try_from(found[1].as_u64()?).ok()?,
        pause: found[2].as_i64()?,
    })
}

/// What a server's process spends on one request, in millionths of a core-second:
/// hpa-example's page computes a million square roots (about a tenth of a core-second);
/// other servers answer in half a millisecond.
pub fn request_cost(image: &Image) -> u64 {
    match image.repository.rsplit('/').next() {
        Some("hpa-example") => 100_000,
        _ => 500,
    }
}

/// A memory quantity of a manifest (`100Mi`) in bytes.
pub fn bytes(quantity: &serde_json::Value) -> Option<u64> {
    quantity
        .as_str()
        .and_then(crate::quantity::parse)
        .and_then(|milli| u64::try_from(milli / 1000).ok())
}

/// stress's sizes: a number with an optional b, k, m or g (either case).
fn size(s: &str) -> Option<u64> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let n: u64 = digits.parse().ok()?;
    let mult = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1024,
        "m" => MI,
        "g" => 1024 * MI,
        _ => return None,
    };
    n.checked_mul(mult)
}

#[cfg(test)]
mod tests {
    use super::super::images::pull;
    use super::*;

    #[test]
    fn stress_holds_what_it_asks_for() {
        let img = pull("polinux/stress").expect("known image");
        let argv = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            usage(img, &argv("stress --vm 1 --vm-bytes 250M --vm-hang 1")).memory,
            255 * MI
        );
        assert_eq!(
            usage(img, &argv("stress --vm 2 --vm-bytes=1g")).memory,
            2053 * MI
        );
        assert_eq!(usage(img, &argv("stress --vm 1")).memory, 261 * MI);
        assert_eq!(usage(img, &argv("stress --cpu 1")).memory, 5 * MI);
        assert_eq!(usage(img, &argv("stress --cpu 2")).cpu, 2 * CORE);
        assert_eq!(
            usage(img, &argv("stress --vm 1 --vm-bytes 250M --vm-hang 1")).cpu,
            0
        );
    }
}
