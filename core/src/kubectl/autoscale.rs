//! `kubectl autoscale (TYPE NAME | TYPE/NAME) --max=N [--min=N] [--cpu=70%|500m]
//! [--memory=60%|200Mi] [--cpu-percent=N] [--name]`: an autoscaling/v2
//! HorizontalPodAutoscaler for anything with a scale subresource.

use serde_json::{json, Value};

use super::apply::{output_options, DryRun};
use super::client;
use super::flags::Parsed;
use super::get::{print_built, print_objects};
use super::{fail, namespace, targets, Ctx};
use crate::command::{CmdResult, Output};
use crate::quantity;

/// One `--cpu`/`--memory` target: a percentage is average utilization, anything else an
/// average value (a bare number in millicores or mebibytes).
fn target(input: &str, resource: &str) -> Result<Value, String> {
    let input = input.trim();
    if let Some(pct) = input.strip_suffix('%') {
        return match pct.parse::<i64>() {
            Ok(n) if (0..=i64::from(i32::MAX)).contains(&n) => {
                Ok(json!({"type": "Utilization", "averageUtilization": n}))
            }
            _ => Err(format!("invalid percentage value: {input}")),
        };
    }
    let text = match input.parse::<f64>() {
        Ok(v) => format!("{v}{}", if resource == "cpu" { "m" } else { "Mi" }),
        Err(_) => input.to_string(),
    };
    let Some(milli) = quantity::parse(&text) else {
        return Err(format!("invalid resource {resource} value: {input}"));
    };
    Ok(json!({
        "type": "AverageValue",
        "averageValue": quantity::canonical(milli, quantity::is_binary(&text)),
    }))
}

fn int_flag(p: &Parsed, long: &str) -> Result<i64, CmdResult> {
    match p.get(long) {
        None => Ok(-1),
        Some(v) => v.parse::<i32>().map(i64::from).map_err(|_| {
            fail(format!("error: invalid argument \"{v}\" for \"--{long}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl autoscale --help' for usage."))
        }),
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let (format, dry) = match output_options(p) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if !p.given("max") {
        return fail("error: required flag(s) \"max\" not set");
    }
    let (min, max, cpu_percent) = match (
        int_flag(p, "min"),
        int_flag(p, "max"),
        int_flag(p, "cpu-percent"),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    let mut out = Output::default();
    if p.given("cpu-percent") {
        out.err("Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).\n");
    }
    if max < 1 {
        return fail(format!(
            "error: --max=MAXPODS is required and must be at least 1, max: {max}"
        ));
    }
    if max < min {
        return fail(format!(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
    }
    let cpu = p.get("cpu").unwrap_or("");
    let memory = p.get("memory").unwrap_or("");
    if cpu_percent > 0 && !cpu.is_empty() {
        return fail("error: --cpu-percent and --cpu are mutually exclusive");
    }
    let mut metrics = vec![];
    if cpu_percent > 0 {
        metrics.push(json!({"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": cpu_percent}}}));
    }
    for (value, name) in [(cpu, "cpu"), (memory, "memory")] {
        if value.is_empty() {
            continue;
        }
        match target(value, name) {
            Ok(t) => {
                metrics.push(json!({"type": "Resource", "resource": {"name": name, "target": t}}))
            }
            Err(e) => return fail(format!("error: {e}")),
        }
    }
    let objects = match targets::of(p, ctx, &p.positional) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let ns = namespace(p);
    let mut client = client::connect(ctx.cluster);
    let mut code = 0;
    for (r, obj_ns, ref_name) in objects {
        if !matches!(
            r.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            out.err(format!("error: cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information\n", r.kind, r.group, r.version, r.plural));
            code = 1;
            continue;
        }
        if let Err(e) = client.get(r, &obj_ns, &ref_name) {
            out.err(format!("{}\n", e.kubectl_message()));
            code = 1;
            continue;
        }
        let name = p
            .get("name")
            .filter(|n| !n.is_empty())
            .unwrap_or(&ref_name)
            .to_string();
        let mut spec = json!({
            "scaleTargetRef": {"kind": r.kind, "name": ref_name, "apiVersion": r.api_version()},
            "maxReplicas": max,
        });
        if min > 0 {
            spec["minReplicas"] = json!(min);
        }
        if !metrics.is_empty() {
            spec["metrics"] = json!(metrics);
        }
        let mut metadata = json!({"name": name});
        if let Some(n) = p.get("namespace") {
            metadata["namespace"] = json!(n);
        }
        let hpa = json!({
            "kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2",
            "metadata": metadata,
            "spec": spec,
            "status": {"desiredReplicas": 0, "currentMetrics": null},
        });
        let shown = format!("horizontalpodautoscaler.autoscaling/{name}");
        if dry == DryRun::Client {
            out.out(match format.as_str() {
                "" => format!("{shown} created (dry run)\n"),
                "name" => format!("{shown}\n"),
                f => print_built(hpa, f),
            });
            continue;
        }
        let Some(hpas) =
            crate::apiserver::resources::find("autoscaling", "v2", "horizontalpodautoscalers")
        else {
            return fail(
                "error: the server doesn't have a resource type \"horizontalpodautoscalers\"",
            );
        };
        let query = [
            (
                "fieldManager",
                p.get("field-manager").unwrap_or("kubectl-autoscale"),
            ),
            ("dryRun", if dry == DryRun::Server { "All" } else { "" }),
        ];
        match client.create(hpas, &ns, hpa, &query) {
            Ok((created, _)) => out.out(match format.as_str() {
                "" => format!("{shown} autoscaled{}\n", dry.suffix()),
                "name" => format!("{shown}\n"),
                f => print_objects(vec![created], f, true),
            }),
            Err(e) => {
                out.err(format!("{}\n", e.kubectl_message()));
                code = 1;
            }
        }
    }
    CmdResult { output: out, code }
}
