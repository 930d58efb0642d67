//! What a container's processes use of memory (their working set, in bytes), from what
//! they run: a small shell, an image's server at rest, or a load generator such as
//! `stress --vm 1 --vm-bytes 250M`, which holds what it asks for.

use super::images::Image;

const MI: u64 = 1024 * 1024;

/// The working set of a container running `argv` (empty: the image's own program).
pub fn memory(image: &Image, argv: &[String]) -> u64 {
    let program = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or_else(|| image.repository.rsplit('/').next().unwrap_or(""));
    match program {
        "stress" => stress(&argv[1.min(argv.len())..]),
        _ => at_rest(image.repository),
    }
}

/// An image's program at rest: what `kubectl top` shows of it idle.
fn at_rest(repository: &str) -> u64 {
    let mi = match repository.rsplit('/').next().unwrap_or(repository) {
        "nginx" => 3,
        "httpd" => 6,
        "redis" => 4,
        "memcached" => 2,
        "mysql" => 360,
        "postgres" => 25,
        "mongo" => 70,
        "etcd" => 40,
        "kube-apiserver" => 250,
        "kube-controller-manager" => 50,
        "kube-scheduler" => 20,
        "coredns" => 15,
        "kube-proxy" => 15,
        "tomcat" => 120,
        "python" | "node" => 10,
        _ => 1,
    };
    mi * MI
}

/// stress (Amos Waterland's, as polinux/stress runs it): each of `--vm N` workers
/// allocates `--vm-bytes` (256M unless given; suffixes b, k, m, g in powers of 1024)
/// and holds it while `--vm-hang` sleeps, on top of stress's own few megabytes.
fn stress(args: &[String]) -> u64 {
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
            "-m" | "--vm" => workers = value().parse().unwrap_or(0),
            "--vm-bytes" => bytes = size(&value()).unwrap_or(bytes),
            _ => {}
        }
    }
    5 * MI + workers.saturating_mul(bytes)
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
            memory(img, &argv("stress --vm 1 --vm-bytes 250M --vm-hang 1")),
            255 * MI
        );
        assert_eq!(memory(img, &argv("stress --vm 2 --vm-bytes=1g")), 2053 * MI);
        assert_eq!(memory(img, &argv("stress --vm 1")), 261 * MI);
        assert_eq!(memory(img, &argv("stress --cpu 1")), 5 * MI);
    }
}
