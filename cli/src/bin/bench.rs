//! `kubarium-bench` (run by `make bench`): native timings of the simulation against the
//! budgets in DESIGN.md. Wall-clock numbers belong here, never in tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use kubarium_core::apiserver::request::Request;
use kubarium_core::cluster::Cluster;
use kubarium_core::session::Session;

/// The system allocator, counting the bytes in use (for the scale benchmark's breakdown).
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            IN_USE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn heap_mib() -> f64 {
    IN_USE.load(Ordering::Relaxed) as f64 / 1048576.0
}

/// A lesson-sized script: the commands a learner types in a scheduling/lifecycle lesson.
const LESSON: &str = include_str!("../../../tests/transcripts/03-scheduling.txt");

fn commands(transcript: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![];
    for line in transcript.lines() {
        if let Some(c) = line.strip_prefix("$ ") {
            out.push(vec![c.to_string()]);
        } else if let (Some(c), Some(last)) = (
            line.strip_prefix("> ").or((line == ">").then_some("")),
            out.last_mut(),
        ) {
            last.push(c.to_string());
        }
    }
    out
}

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let n = samples.len().max(1);
    let total: Duration = samples.iter().sum();
    let p = |q: f64| {
        samples
            .get(((n as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{label:<48} n={n:<5} mean={:>8.3} ms  p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        total.as_secs_f64() * 1000.0 / n as f64,
        p(0.5).as_secs_f64() * 1000.0,
        p(0.99).as_secs_f64() * 1000.0,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
}

/// A pod for the request-surface benchmark, labelled into one of 100 apps.
fn pod(i: usize) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("bench-{i}"), "labels": {"app": format!("app-{}", i % 100)}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    })
}

/// Median and worst latency of get, list with a label selector and create through the
/// REST surface, with `count` pods stored (no control loops run: the API server alone).
fn request_surface(count: usize) {
    let mut c = Cluster::new(1);
    let pods = "/api/v1/namespaces/default/pods";
    for i in 0..count {
        let _ = c.api.handle(&Request::post(pods, pod(i)));
    }
    let objects = c.api.store.len();
    let (mut get, mut list, mut create) = (vec![], vec![], vec![]);
    for i in 0..200 {
        let name = format!("{pods}/bench-{}", (i * 7919) % count.max(1));
        let t = Instant::now();
        let r = c.api.handle(&Request::get(name));
        get.push(t.elapsed());
        assert_eq!(r.code, 200);
        let t = Instant::now();
        let _ = c
            .api
            .handle(&Request::get(pods).query("labelSelector", format!("app=app-{}", i % 100)));
        list.push(t.elapsed());
        let t = Instant::now();
        let r = c.api.handle(&Request::post(pods, pod(count + i)));
        create.push(t.elapsed());
        assert_eq!(r.code, 201);
    }
    stats(&format!("REST get, {objects} objects"), get);
    stats(&format!("REST list -l (1% match), {objects} objects"), list);
    stats(&format!("REST create, {objects} objects"), create);
}

/// A keep-alive HTTP/1.1 connection that sends one request at a time.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: &str) -> Conn {
        let s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect: {e}"));
        s.set_nodelay(true).ok();
        let writer = s.try_clone().unwrap_or_else(|e| panic!("clone: {e}"));
        Conn {
            reader: BufReader::new(s),
            writer,
        }
    }

    /// Sends a request; returns the status code once the whole response is read.
    fn send(&mut self, method: &str, path: &str, body: &str) -> u16 {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer
            .write_all(req.as_bytes())
            .unwrap_or_else(|e| panic!("write: {e}"));
        let mut line = String::new();
        let _ = self.reader.read_line(&mut line);
        let code = line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        let _ = self.reader.read_exact(&mut body);
        code
    }
}

/// Runs `per_client` requests from each of `clients` connections at once; prints
/// requests per second and the latency distribution.
fn load(
    addr: &str,
    label: &str,
    clients: usize,
    per_client: usize,
    req: fn(usize, usize) -> (&'static str, String, String),
) {
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let addr = addr.to_string();
            std::thread::spawn(move || {
                let mut conn = Conn::open(&addr);
                let mut samples = Vec::with_capacity(per_client);
                for i in 0..per_client {
                    let (method, path, body) = req(c, i);
                    let t = Instant::now();
                    let code = conn.send(method, &path, &body);
                    samples.push(t.elapsed());
                    assert!((200..300).contains(&code), "{method} {path}: {code}");
                }
                samples
            })
        })
        .collect();
    let samples: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap_or_default())
        .collect();
    let rate = samples.len() as f64 / start.elapsed().as_secs_f64();
    stats(
        &format!("HTTP {label}, {clients} clients ({rate:.0} req/s)"),
        samples,
    );
}

/// A cluster at scale: `nodes` machines, `pods` pods (with readiness and liveness probes)
/// created through the API server and scheduled, then `minutes` of virtual time with
/// every kubelet's heartbeats and probes and the node lifecycle controller's monitoring.
/// Real time per phase, and the process's memory.
fn scale(nodes: usize, pods: usize, minutes: i64) {
    let before = rss_mib();
    let start = Instant::now();
    let clock = || start.elapsed().as_secs_f64() * 1000.0;
    let (mut s, report) = kubarium_core::scale::run(nodes, pods, minutes, &clock);
    println!(
        "{}; memory {:.0} MiB (+{:.0})",
        report.line(nodes, pods, minutes),
        rss_mib(),
        rss_mib() - before,
    );
    // Where the heap goes: the store (live objects and watch history), the kubelets, the
    // rest (scheduler, controllers, events recorder, machines). By kind, what the live
    // objects would take as values (the store keeps Events as JSON) and as JSON.
    let mut by_kind: std::collections::BTreeMap<&str, (usize, f64, usize)> = Default::default();
    let mut managed = 0;
    for kv in s.cluster.api.store.range("") {
        let value = kv.value();
        let h = heap_mib();
        let copy = (*value).clone();
        let used = heap_mib() - h;
        drop(copy);
        let e = by_kind
            .entry(kv.key.split('/').nth(2).unwrap_or(""))
            .or_default();
        e.0 += 1;
        e.1 += used;
        e.2 += serde_json::to_vec(&*value).map_or(0, |b| b.len());
        managed += serde_json::to_vec(&value["metadata"]["managedFields"]).map_or(0, |b| b.len());
    }
    let mib = |bytes: usize| bytes as f64 / 1048576.0;
    for (kind, (n, values, json)) in by_kind.iter().filter(|(_, e)| e.0 >= 100) {
        println!(
            "scale {nodes} nodes, {pods} pods: {n} {kind}: {values:.0} MiB as values, {:.0} MiB as JSON",
            mib(*json)
        );
    }
    let objects = mib(by_kind.values().map(|e| e.2).sum());
    let managed = mib(managed);
    let heap = heap_mib();
    let revision = s.cluster.api.store.revision();
    s.cluster.api.store.compact(revision);
    let after_history = heap_mib();
    let store = std::mem::take(&mut s.cluster.api.store);
    drop(store);
    let after_store = heap_mib();
    let kubelets = std::mem::take(&mut s.cluster.kubelets);
    drop(kubelets);
    let after_kubelets = heap_mib();
    println!(
        "scale {nodes} nodes, {pods} pods: heap {heap:.0} MiB: watch history {:.0}, store {:.0} (its live objects as JSON {objects:.0}, managedFields {managed:.0} of it), kubelets {:.0}, the rest {after_kubelets:.0}",
        heap - after_history,
        after_history - after_store,
        after_store - after_kubelets,
    );
}

/// The resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// `kubarium serve` under load: ten clients creating, getting and listing ConfigMaps over
/// HTTP while the cluster runs at 1x; then the memory the served cluster holds.
fn http_surface() {
    const CLIENTS: usize = 10;
    const PER_CLIENT: usize = 1000;
    let before = rss_mib();
    let start = Instant::now();
    let server = kubarium_cli::serve::background(1, 1.0).unwrap_or_else(|e| panic!("{e}"));
    let addr = server.addr.to_string();
    let code = Conn::open(&addr).send("GET", "/version", "");
    assert_eq!(code, 200);
    println!(
        "{:<44} {:>8.3} ms (contract: under 1 s)",
        "serve: start to first /version answered",
        start.elapsed().as_secs_f64() * 1000.0
    );
    let served = rss_mib();
    load(&addr, "create", CLIENTS, PER_CLIENT, |c, i| {
        let body = serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("cm-{c}-{i}"), "labels": {"app": format!("app-{}", i % 100)}},
            "data": {"key": "value"},
        });
        (
            "POST",
            "/api/v1/namespaces/default/configmaps".into(),
            body.to_string(),
        )
    });
    load(&addr, "get", CLIENTS, PER_CLIENT, |c, i| {
        (
            "GET",
            format!(
                "/api/v1/namespaces/default/configmaps/cm-{c}-{}",
                (i * 7919) % PER_CLIENT
            ),
            String::new(),
        )
    });
    load(
        &addr,
        "list -l (1% match)",
        CLIENTS,
        PER_CLIENT / 10,
        |_, i| {
            (
                "GET",
                format!(
                    "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dapp-{}",
                    i % 100
                ),
                String::new(),
            )
        },
    );
    println!(
        "{:<44} {:>8.1} MiB (default cluster), {:>8.1} MiB (+{} ConfigMaps)",
        "served cluster, resident memory",
        served - before,
        rss_mib() - before,
        CLIENTS * PER_CLIENT
    );
}

/// Milliseconds since the benchmark started (the rollout benchmark's clock).
fn millis() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// A `replicas`-pod Deployment created and rolled out on `nodes` nodes.
fn rollout(nodes: usize, replicas: i64) {
    let (_, report) = kubarium_core::scale::rollout(nodes, replicas, millis);
    for line in report.lines(nodes, replicas) {
        println!("{line}");
    }
}

/// The command line's argument `i` as a number, `default` without one.
fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `kubarium-bench rollout NODES REPLICAS` runs only the rollout benchmark.
    if std::env::args().nth(1).as_deref() == Some("rollout") {
        rollout(arg(2, 20), arg(3, 1000) as i64);
        return;
    }
    // `kubarium-bench scale NODES PODS MINUTES` runs only the scale benchmark.
    if std::env::args().nth(1).as_deref() == Some("scale") {
        scale(arg(2, 1000), arg(3, 30_000), arg(4, 10) as i64);
        return;
    }
    // `kubarium-bench command LINE N` runs LINE N times in the cluster of ~300 objects
    // the lesson-scale timings use (for profiling one command).
    if std::env::args().nth(1).as_deref() == Some("command") {
        let line = std::env::args().nth(2).unwrap_or_default();
        let runs = std::env::args()
            .nth(3)
            .and_then(|a| a.parse().ok())
            .unwrap_or(200);
        let mut s = Session::new(1);
        for i in 0..100 {
            let _ = s.input(&format!("kubectl run p{i} --image=nginx"));
        }
        let _ = s.input("sleep 30");
        let samples = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let _ = s.input(&line);
                t.elapsed()
            })
            .collect();
        stats(&line, samples);
        return;
    }
    // `kubarium-bench boot N` only bootstraps N default clusters (for profiling).
    if std::env::args().nth(1).as_deref() == Some("boot") {
        let runs = std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(20);
        let boot = (0..runs)
            .map(|seed| {
                let t = Instant::now();
                let _ = Session::new(seed);
                t.elapsed()
            })
            .collect();
        stats("bootstrap default cluster (12 min simulated)", boot);
        return;
    }
    request_surface(250);
    request_surface(10_000);
    http_surface();

    let mut boot = vec![];
    for seed in 0..5 {
        let t = Instant::now();
        let _ = Session::new(seed);
        boot.push(t.elapsed());
    }
    stats("bootstrap default cluster (12 min simulated)", boot);

    // Lesson scale: every command of a lesson script, each timed with its reactions.
    let base = Session::new(1);
    let mut per_cmd = vec![];
    for _ in 0..20 {
        let mut s = base.clone();
        for cmd in commands(LESSON) {
            let t = Instant::now();
            for line in &cmd {
                let _ = s.input(line);
            }
            if !cmd[0].starts_with("sleep") {
                per_cmd.push(t.elapsed());
            }
        }
    }
    stats("lesson script, per kubectl command", per_cmd);

    // ~300 objects: 100 pods with their events, then typical reads and writes.
    let mut s = base.clone();
    for i in 0..100 {
        let _ = s.input(&format!("kubectl run p{i} --image=nginx"));
    }
    let _ = s.input("sleep 30");
    let objects = s.cluster.api.store.len();
    let mut reads = vec![];
    let mut writes = vec![];
    for i in 0..50 {
        for line in [
            "kubectl get pods -A",
            "kubectl get pods -o wide",
            "kubectl get events",
            "kubectl describe node node01",
        ] {
            let t = Instant::now();
            let _ = s.input(line);
            reads.push(t.elapsed());
        }
        let t = Instant::now();
        let _ = s.input(&format!("kubectl run extra{i} --image=nginx"));
        writes.push(t.elapsed());
    }
    stats(&format!("{objects} objects: get/describe"), reads);
    // The commands issue 7 names, each on its own.
    let manifest: String = (0..20)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench{i}\ndata:\n  key: \"{i}\"\n---\n"
            )
        })
        .collect();
    let _ = s.write_file("/root/bench.yaml", &manifest);
    for line in [
        "kubectl get pods -A -o wide",
        "kubectl describe node node01",
        "kubectl apply -f bench.yaml",
    ] {
        let mut samples = vec![];
        for _ in 0..30 {
            let t = Instant::now();
            let _ = s.input(line);
            samples.push(t.elapsed());
        }
        stats(&format!("{objects} objects: {line}"), samples);
    }
    stats(
        &format!("{objects} objects: kubectl run (with scheduling)"),
        writes,
    );
    let t = Instant::now();
    let _ = s.input("sleep 60");
    println!(
        "{:<44} {:>8.3} ms",
        "60 s of virtual time with ~150 pods",
        t.elapsed().as_secs_f64() * 1000.0
    );
    println!("budget: any kubectl command at lesson scale under 16 ms");
    rollout(20, 1000);
    scale(1000, 30_000, 10);
}
