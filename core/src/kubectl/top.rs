//! `kubectl top node|pod`: CPU and memory use from the metrics API (metrics-server), as
//! kubectl's top commands read and print it: millicores rounded up, memory in whole Mi,
//! node percentages of allocatable (or capacity), sorted by name or by use.

use super::client::{self, ListOptions};
use super::fail;
use super::flags::Parsed;
use crate::apiserver::resources::{self, Resource};
use crate::clock::time_of;
use crate::command::CmdResult;

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

/// Prints what was read with the tools in use.
fn print(request: &kubarium_tools::top::Request) -> CmdResult {
    match crate::tools::top(request) {
        Some(table) => CmdResult::ok(table),
        None => crate::tools::unavailable("kubectl top"),
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
    let metrics = match metrics {
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
    let request = kubarium_tools::top::Request {
        pods: false,
        metrics,
        nodes,
        sort_by: p.get("sort-by").map(String::from),
        no_headers: p.on("no-headers"),
        show_capacity: p.on("show-capacity"),
        ..Default::default()
    };
    print(&request)
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
    let metrics = match metrics {
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
    let request = kubarium_tools::top::Request {
        pods: true,
        metrics,
        sort_by: p.get("sort-by").map(String::from),
        no_headers: p.on("no-headers"),
        containers: p.on("containers"),
        all_namespaces: all,
        sum: p.on("sum"),
        ..Default::default()
    };
    print(&request)
}
