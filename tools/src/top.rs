//! kubectl top's printer (metricsutil's TopCmdPrinter): nodes with CPU and memory and
//! their percentages of allocatable (or capacity), pods (by container, with a sum row),
//! millicores rounded up and memory in whole Mi, sorted by name or, with `--sort-by`, by
//! use, most first; every cell tab-terminated as kubectl writes them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What `kubectl top` read, and how it prints it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Request {
    /// Pods rather than nodes.
    pub pods: bool,
    /// NodeMetrics or PodMetrics, as the API listed them.
    pub metrics: Vec<Value>,
    /// The Node objects, for their allocatable or capacity.
    pub nodes: Vec<Value>,
    pub sort_by: Option<String>,
    pub no_headers: bool,
    pub show_capacity: bool,
    pub containers: bool,
    pub all_namespaces: bool,
    pub sum: bool,
}

/// The table `kubectl top` prints.
pub fn print(r: &Request) -> String {
    if r.pods {
        pods(r)
    } else {
        nodes(r)
    }
}

/// kubectl's tab writer for top: minimum width 6, padding 3.
fn align(text: &str) -> String {
    crate::tabwriter::align(text, 6, 3)
}

/// A usage's CPU in nanocores (metrics-server writes `123456n`, `12u`, `500m`).
fn nanocores(usage: &Value) -> i128 {
    let cpu = usage["cpu"].as_str().unwrap_or("0");
    let (digits, scale) = match cpu.char_indices().last() {
        Some((i, 'n')) => (&cpu[..i], 1),
        Some((i, 'u')) => (&cpu[..i], 1_000),
        _ => {
            return crate::quantity::parse(cpu)
                .unwrap_or(0)
                .saturating_mul(1_000_000)
        }
    };
    digits
        .parse::<i128>()
        .map_or(0, |n| n.saturating_mul(scale))
}

/// Millicores as kubectl's MilliValue gives them: rounded up.
fn millicores(nanocores: i128) -> i128 {
    (nanocores + 999_999) / 1_000_000
}

/// A usage's (or a resource list's) memory in bytes.
fn bytes(usage: &Value) -> i128 {
    usage["memory"]
        .as_str()
        .and_then(crate::quantity::parse)
        .unwrap_or(0)
        / 1000
}

/// The figure `--sort-by` orders by.
fn measure(usage: &Value, resource: &str) -> i128 {
    match resource {
        "cpu" => millicores(nanocores(usage)),
        _ => bytes(usage),
    }
}

fn cells(cpu_nanocores: i128, memory: i128) -> (String, String) {
    (
        format!("{}m", millicores(cpu_nanocores)),
        format!("{}Mi", memory / (1024 * 1024)),
    )
}

/// Orders metrics as kubectl's sorters do: by use, most first, or by name.
fn sort(items: &mut [Value], sort_by: Option<&str>, with_namespace: bool) {
    let total = |m: &Value, r: &str| -> i128 {
        match m["containers"].as_array() {
            Some(cs) => match r {
                "cpu" => millicores(cs.iter().map(|c| nanocores(&c["usage"])).sum()),
                _ => cs.iter().map(|c| bytes(&c["usage"])).sum(),
            },
            None => measure(&m["usage"], r),
        }
    };
    match sort_by {
        Some(r @ ("cpu" | "memory")) => {
            crate::gosort::sort(items, |a, b| total(a, r) > total(b, r))
        }
        _ => {
            let key = |m: &Value| {
                let meta = &m["metadata"];
                let ns = if with_namespace {
                    meta["namespace"].as_str().unwrap_or("")
                } else {
                    ""
                };
                (
                    ns.to_string(),
                    meta["name"].as_str().unwrap_or("").to_string(),
                )
            };
            crate::gosort::sort(items, |a, b| key(a) < key(b));
        }
    }
}

fn nodes(r: &Request) -> String {
    let mut metrics = r.metrics.clone();
    let field = if r.show_capacity {
        "capacity"
    } else {
        "allocatable"
    };
    sort(&mut metrics, r.sort_by.as_deref(), false);
    let mut text = String::new();
    if !r.no_headers {
        text.push_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    let percent = |used: i128, available: i128| {
        if available == 0 {
            0
        } else {
            (used as f64 / available as f64 * 100.0) as i64
        }
    };
    let mut shown = vec![];
    for m in &metrics {
        let name = m["metadata"]["name"].as_str().unwrap_or("");
        shown.push(name.to_string());
        let usage = &m["usage"];
        let available = r
            .nodes
            .iter()
            .find(|n| n["metadata"]["name"] == name)
            .map(|n| &n["status"][field]);
        let (cpu, memory) = (millicores(nanocores(usage)), bytes(usage));
        let (cpu_text, memory_text) = cells(nanocores(usage), memory);
        text.push_str(&format!("{name}\t{cpu_text}\t"));
        if let Some(a) = available {
            let cores = crate::quantity::parse(a["cpu"].as_str().unwrap_or("0")).unwrap_or(0);
            text.push_str(&format!("{}%\t", percent(cpu, cores)));
        }
        text.push_str(&format!("{memory_text}\t"));
        if let Some(a) = available {
            text.push_str(&format!("{}%\t", percent(memory, bytes(a))));
        }
        text.push('\n');
    }
    // Nodes without metrics yet, after the rest.
    for n in &r.nodes {
        let name = n["metadata"]["name"].as_str().unwrap_or("");
        if !shown.iter().any(|s| s == name) {
            text.push_str(&format!("{name}\t{}\n", "<unknown>\t".repeat(4)));
        }
    }
    align(&text)
}

fn pods(r: &Request) -> String {
    let mut metrics = r.metrics.clone();
    let all = r.all_namespaces;
    let containers = r.containers;
    let mut text = String::new();
    let mut columns = 3;
    if !r.no_headers {
        if all {
            text.push_str("NAMESPACE\t");
            columns += 1;
        }
        if containers {
            text.push_str("POD\t");
            columns += 1;
        }
        text.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
    }
    sort(&mut metrics, r.sort_by.as_deref(), all);
    let (mut cpu_total, mut memory_total) = (0i128, 0i128);
    for m in &metrics {
        let meta = &m["metadata"];
        let prefix = if all {
            format!("{}\t", meta["namespace"].as_str().unwrap_or(""))
        } else {
            String::new()
        };
        let pod_name = meta["name"].as_str().unwrap_or("");
        let mut list: Vec<Value> = m["containers"].as_array().cloned().unwrap_or_default();
        let cpu: i128 = list.iter().map(|c| nanocores(&c["usage"])).sum();
        let memory: i128 = list.iter().map(|c| bytes(&c["usage"])).sum();
        if containers {
            match r.sort_by.as_deref() {
                Some(r @ ("cpu" | "memory")) => crate::gosort::sort(&mut list, |a, b| {
                    measure(&a["usage"], r) > measure(&b["usage"], r)
                }),
                _ => crate::gosort::sort(&mut list, |a, b| {
                    a["name"].as_str().unwrap_or("") < b["name"].as_str().unwrap_or("")
                }),
            }
            for c in &list {
                let (cpu, memory) = cells(nanocores(&c["usage"]), bytes(&c["usage"]));
                let container = c["name"].as_str().unwrap_or("");
                text.push_str(&format!(
                    "{prefix}{pod_name}\t{container}\t{cpu}\t{memory}\t\n"
                ));
            }
        } else {
            let (cpu, memory) = cells(cpu, memory);
            text.push_str(&format!("{prefix}{pod_name}\t{cpu}\t{memory}\t\n"));
        }
        cpu_total += cpu;
        memory_total += memory;
    }
    if r.sum {
        text.push_str(&"\t".repeat(columns - 2));
        text.push_str("________\t________\t\n");
        text.push_str(&"\t".repeat(columns - 3));
        let (cpu, memory) = cells(cpu_total, memory_total);
        text.push_str(&format!("\t{cpu}\t{memory}\t\n"));
    }
    align(&text)
}
