//! `kubectl top node|pod`: CPU and memory use from the metrics API (metrics-server), as
//! kubectl's top commands read and print it: millicores rounded up, memory in whole Mi,
//! node percentages of allocatable (or capacity), sorted by name or by use.

use serde_json::Value;

use super::client::{self, ListOptions};
use super::fail;
use super::flags::Parsed;
use crate::apiserver::resources::{self, Resource};
use crate::clock::time_of;
use crate::command::{CmdResult, Output};
use crate::printers::gosort;

const SORT_BY: [&str; 2] = ["cpu", "memory"];

/// Runs `kubectl top` with its subcommand first among the arguments.
pub fn run(p: &Parsed, ctx: &mut super::Ctx<'_>) -> CmdResult {
    let sub = p.positional.first().map(String::as_str);
    let mut p = p.clone();
    if !p.positional.is_empty() {
        p.positional.remove(0);
    }
    match sub {
        Some("node" | "nodes" | "no") => node(&p, ctx),
        Some("pod" | "pods" | "po") => pod(&p, ctx),
        _ => CmdResult::ok(crate::tools::help(&["top"]).unwrap_or_default()),
    }
}

/// A usage's CPU in nanocores (metrics-server writes `123456n`).
fn nanocores(usage: &Value) -> i128 {
    let cpu = usage["cpu"].as_str().unwrap_or("0");
    match cpu.strip_suffix('n') {
        Some(n) => n.parse().unwrap_or(0),
        None => crate::quantity::parse(cpu).unwrap_or(0) * 1_000_000,
    }
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

/// Checks what both top commands check first.
fn validate(p: &Parsed, selector_flags: &[&str], what: &str) -> Result<(), CmdResult> {
    if let Some(by) = p.get("sort-by").filter(|s| !s.is_empty()) {
        if !SORT_BY.contains(&by) {
            return Err(fail("error: --sort-by accepts only cpu or memory"));
        }
    }
    if !p.positional.is_empty() && selector_flags.iter().any(|f| p.given(f)) {
        return Err(fail(format!(
            "error: only one of NAME or {what} can be provided"
        )));
    }
    Ok(())
}

/// The metrics API's resource, if discovery lists it.
fn metrics_api(ctx: &mut super::Ctx<'_>, plural: &str) -> Result<&'static Resource, CmdResult> {
    client::discover(ctx.cluster)
        .find("metrics.k8s.io", "v1beta1", plural)
        .ok_or_else(|| fail("error: Metrics API not available"))
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
        Some(r @ ("cpu" | "memory")) => gosort::sort(items, |a, b| total(a, r) > total(b, r)),
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
            gosort::sort(items, |a, b| key(a) < key(b));
        }
    }
}

fn print(text: String) -> CmdResult {
    let mut out = Output::default();
    out.out(crate::printers::tabwriter::align(&text, 6, 3));
    CmdResult {
        output: out,
        code: 0,
    }
}

fn node(p: &Parsed, ctx: &mut super::Ctx<'_>) -> CmdResult {
    if let Err(e) = validate(p, &["selector"], "--selector") {
        return e;
    }
    let r = match metrics_api(ctx, "nodes") {
        Ok(r) => r,
        Err(e) => return e,
    };
    let selector = p.get("selector");
    let mut client = client::connect(ctx.cluster);
    let name = p.positional.first();
    let metrics = match name {
        Some(n) => client.get(r, "", n).map(|m| vec![m]),
        None => client.list(
            r,
            None,
            ListOptions {
                label_selector: selector,
                ..Default::default()
            },
        ),
    };
    let mut metrics = match metrics {
        Ok(m) => m,
        Err(e) => return fail(e.kubectl_message()),
    };
    if metrics.is_empty() {
        return fail("error: metrics not available yet");
    }
    let nodes = match name {
        Some(n) => client.get(resources::nodes(), "", n).map(|n| vec![n]),
        None => client.list(
            resources::nodes(),
            None,
            ListOptions {
                label_selector: selector,
                ..Default::default()
            },
        ),
    };
    let nodes = match nodes {
        Ok(n) => n,
        Err(e) => return fail(e.kubectl_message()),
    };
    let field = if p.on("show-capacity") {
        "capacity"
    } else {
        "allocatable"
    };
    sort(&mut metrics, p.get("sort-by"), false);
    let mut text = String::new();
    if !p.on("no-headers") {
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
        let available = nodes
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
    for n in &nodes {
        let name = n["metadata"]["name"].as_str().unwrap_or("");
        if !shown.iter().any(|s| s == name) {
            text.push_str(&format!("{name}\t{}\n", "<unknown>\t".repeat(4)));
        }
    }
    print(text)
}

fn pod(p: &Parsed, ctx: &mut super::Ctx<'_>) -> CmdResult {
    if let Err(e) = validate(p, &["selector", "field-selector"], "selector") {
        return e;
    }
    let r = match metrics_api(ctx, "pods") {
        Ok(r) => r,
        Err(e) => return e,
    };
    let ns = super::namespace(p);
    let all = p.on("all-namespaces");
    let labels = p.get("selector");
    let fields = p.get("field-selector");
    let mut client = client::connect(ctx.cluster);
    let name = p.positional.first();
    let opts = || ListOptions {
        label_selector: labels,
        field_selector: fields,
        ..Default::default()
    };
    let metrics = match name {
        Some(n) => client.get(r, &ns, n).map(|m| vec![m]),
        None => client.list(r, (!all).then_some(ns.as_str()), opts()),
    };
    let mut metrics = match metrics {
        Ok(m) => m,
        Err(e) => return fail(e.kubectl_message()),
    };
    let mut result = CmdResult::ok("");
    if metrics.is_empty() {
        // Whether the pods are there at all, and how long they have been.
        let pods = client.list(resources::pods(), Some(&ns), opts());
        let pods = match pods {
            Ok(p) => p,
            Err(e) => return fail(e.kubectl_message()),
        };
        if !pods.is_empty() {
            let now = client.api.now();
            for pod in &pods {
                let age = time_of(&pod["metadata"]["creationTimestamp"]).map_or(0, |t| now - t);
                if age > 2 * crate::clock::MINUTE {
                    return fail(format!(
                        "error: Metrics not available for pod {}/{}, age: {}",
                        pod["metadata"]["namespace"].as_str().unwrap_or(""),
                        pod["metadata"]["name"].as_str().unwrap_or(""),
                        crate::printers::age::go_duration(age)
                    ));
                }
            }
            return fail("error: metrics not available yet");
        }
        result.output.err(if all {
            "No resources found\n".to_string()
        } else {
            format!("No resources found in {ns} namespace.\n")
        });
        return result;
    }
    let containers = p.on("containers");
    let mut text = String::new();
    let mut columns = 3;
    if !p.on("no-headers") {
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
    sort(&mut metrics, p.get("sort-by"), all);
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
            match p.get("sort-by") {
                Some(r @ ("cpu" | "memory")) => gosort::sort(&mut list, |a, b| {
                    measure(&a["usage"], r) > measure(&b["usage"], r)
                }),
                _ => gosort::sort(&mut list, |a, b| {
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
    if p.on("sum") {
        text.push_str(&"\t".repeat(columns - 2));
        text.push_str("________\t________\t\n");
        text.push_str(&"\t".repeat(columns - 3));
        let (cpu, memory) = cells(cpu_total, memory_total);
        text.push_str(&format!("\t{cpu}\t{memory}\t\n"));
    }
    print(text)
}
